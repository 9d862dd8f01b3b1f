"""Demo participatory budgets (`manage.py seed_demo`): in each pilot commune, last year's cycle finished with
published results and follow-up, and this year's cycle in its voting phase with a few hundred ballots cast on
the web, by USSD, by SMS and on paper (typed twice and reconciled).

Everything goes through the services, phase by phase, as a commune would live it: the cycle's calendar is
moved forward between steps ("replayed"), which only demo data may do. Deterministic (seeded random) and
idempotent: a commune that already has a cycle is skipped.
"""

import datetime
import random
from dataclasses import dataclass
from typing import TextIO

from django.db.models import F
from django.utils import timezone

from palabre.accounts.models import Membership, Role
from palabre.budgeting.models import BallotKind, Cycle, Envelope, FollowUpStatus, Proposal
from palabre.budgeting.phases import PHASES
from palabre.budgeting.services.cycles import cycle_create, cycle_publish, envelope_set
from palabre.budgeting.services.followup import project_update_add
from palabre.budgeting.services.paper import (
    paper_batch_finish_round,
    paper_batch_open,
    paper_batch_reconcile,
    paper_entry_add,
)
from palabre.budgeting.services.proposals import proposal_merge, proposal_review, proposal_submit
from palabre.budgeting.services.results import results_compute, results_publish
from palabre.budgeting.services.voters import Voter
from palabre.budgeting.services.voting import BallotRejected, ballot_cast
from palabre.core.choices import AgeBand, Channel, Gender
from palabre.territory.models import Arrondissement, Commune, Module

PILOTS = ("banikoara", "bohicon", "toffo", "avrankou")
SEED = 20260401
PAST_BALLOTS = 150
CURRENT_BALLOTS = 300
PAPER_BALLOTS = 20

# (title, description, rough cost, services' estimate or None when not feasible, reason)
IDEAS = [
    (
        "Forage équipé de pompe solaire",
        "Un forage avec pompe solaire et château d'eau pour le quartier, les "
        "femmes font deux kilomètres chaque matin pour l'eau.",
        9_000_000,
        8_500_000,
        "Réalisable : nappe reconnue à 60 m par la direction de l'eau.",
    ),
    (
        "Hangar du marché",
        "Refaire la toiture du hangar du marché : les vendeuses sont sous la pluie.",
        4_000_000,
        4_500_000,
        "Réalisable avec des tôles bac alu.",
    ),
    (
        "Éclairage solaire de la grande voie",
        "Vingt lampadaires solaires entre le marché et le centre de santé, la nuit c'est dangereux.",
        7_000_000,
        6_000_000,
        "Réalisable : 20 lampadaires de 60 W.",
    ),
    (
        "Latrines à l'école primaire",
        "Deux blocs de latrines séparés filles et garçons à l'école.",
        3_000_000,
        3_500_000,
        "Réalisable, avec un dispositif de lavage des mains.",
    ),
    (
        "Tables-bancs pour trois classes",
        "Cent tables-bancs pour que les élèves ne s'assoient plus par terre.",
        2_000_000,
        2_500_000,
        "Réalisable par les menuisiers de la commune.",
    ),
    (
        "Dalot sur la piste du marché",
        "Un dalot pour franchir le ravin qui coupe la piste en saison des pluies.",
        5_000_000,
        7_000_000,
        "Réalisable ; coût revu après visite des services techniques.",
    ),
    (
        "Maternité : panneaux solaires",
        "Des panneaux solaires pour que la maternité ait de la lumière la nuit.",
        3_500_000,
        3_000_000,
        "Réalisable.",
    ),
    (
        "Terrain de football",
        "Aménager un terrain de football pour les jeunes.",
        15_000_000,
        None,
        "Non réalisable cette année : le terrain proposé fait l'objet d'un litige foncier.",
    ),
    (
        "Pompe pour le quartier",
        "Réparer ou remplacer la pompe du quartier qui est en panne.",
        2_000_000,
        None,
        "Fusionnée avec l'idée du forage, qui répond au même besoin.",
    ),
]
FOLLOW_UP_NOTES = [
    (FollowUpStatus.PLANNED, 0, "Marché attribué ; démarrage des travaux prévu le mois prochain."),
    (FollowUpStatus.IN_PROGRESS, 45, "Travaux en cours : fondations et structure réalisées."),
    (FollowUpStatus.DONE, 100, "Ouvrage réceptionné en présence du comité de quartier."),
]
BALLOT_KINDS = {
    "banikoara": {"ballot_kind": BallotKind.APPROVAL, "max_projects": 3},
    "bohicon": {"ballot_kind": BallotKind.KNAPSACK},
    "toffo": {"ballot_kind": BallotKind.APPROVAL, "max_projects": 4},
    "avrankou": {"ballot_kind": BallotKind.CUMULATIVE, "points_per_voter": 10, "tally_rule": "greedy"},
}
CHANNEL_WEIGHTS = {Channel.WEB: 3, Channel.USSD: 5, Channel.SMS: 2}


@dataclass
class DemoCommune:
    commune: Commune
    index: int
    planner: object
    second_clerk: object
    rng: random.Random


def seed(*, stdout: TextIO) -> None:
    for index, slug in enumerate(PILOTS, start=1):
        commune = Commune.objects.filter(slug=slug).first()
        if commune is None or Module.BUDGETING not in commune.modules:
            continue
        if Cycle.objects.filter(commune=commune).exists():
            continue
        demo = _demo_commune(commune, index)
        if demo is None:
            continue
        _past_cycle(demo)
        _current_cycle(demo)
        stdout.write(f"budgeting: two cycles for {commune.name}\n")


def _demo_commune(commune: Commune, index: int) -> DemoCommune | None:
    staff = {
        membership.role: membership.user
        for membership in Membership.objects.filter(
            commune=commune, role__in=[Role.PLANNING_OFFICER, Role.COMMUNE_ADMIN]
        ).select_related("user")
    }
    if len(staff) < 2:
        return None
    return DemoCommune(
        commune, index, staff[Role.PLANNING_OFFICER], staff[Role.COMMUNE_ADMIN], random.Random(SEED + index)
    )


def _replay(cycle: Cycle, phase: str, *, today: datetime.date | None = None) -> None:
    """Move the cycle's calendar so that today falls in `phase` (demo data only: it replays a year)."""
    today = today or timezone.localdate()
    codes = [item.code for item in PHASES]
    current = codes.index(phase)
    dates = {
        item.date_field: today
        + datetime.timedelta(days=(index - current) * 10 - (5 if index <= current else 0))
        for index, item in enumerate(PHASES)
    }
    Cycle.objects.filter(pk=cycle.pk).update(**dates)
    cycle.refresh_from_db()


def _new_cycle(demo: DemoCommune, year: int) -> Cycle:
    today = timezone.localdate()
    days = [today + datetime.timedelta(days=offset) for offset in (0, 1, 10, 20, 30, 40)]
    cycle = cycle_create(
        commune=demo.commune,
        title=f"Budget participatif {year}",
        year=year,
        description=(
            f"La mairie de {demo.commune.name} confie une part de son plan annuel d'investissement {year} "
            "aux habitants : proposez des projets, puis votez."
        ),
        **dict(zip([item.date_field for item in PHASES], days, strict=True)),
        **BALLOT_KINDS[demo.commune.slug],
        by=demo.planner,
    )
    return cycle


def _arrondissements(demo: DemoCommune) -> list[Arrondissement]:
    return list(Arrondissement.objects.filter(commune=demo.commune).order_by("name"))


def _submit_and_review(demo: DemoCommune, cycle: Cycle, envelopes: list[Envelope]) -> list[Proposal]:
    """Submit every idea (by various channels), review them, merge the duplicate; the feasible ones."""
    arrondissements = _arrondissements(demo)
    _replay(cycle, "ideas")
    submitted = []
    for position, (title, description, rough_cost, _cost, _reason) in enumerate(IDEAS):
        channel = (Channel.WEB, Channel.USSD, Channel.SMS, Channel.PAPER)[position % 4]
        submitted.append(
            proposal_submit(
                cycle=cycle,
                title=title,
                description=description,
                channel=channel,
                arrondissement=arrondissements[position % len(arrondissements)] if arrondissements else None,
                rough_cost=rough_cost,
                author_name="Comité de village" if channel == Channel.PAPER else "",
                by=demo.planner if channel == Channel.PAPER else None,
            )
        )
    _replay(cycle, "review")
    feasible = []
    for proposal, (_title, _description, _rough, cost, reason) in zip(submitted, IDEAS, strict=True):
        if cost is None:
            continue
        envelope = envelopes[len(feasible) % len(envelopes)]
        if cost > envelope.amount:
            envelope = envelopes[0]
        feasible.append(
            proposal_review(
                proposal=proposal,
                feasible=True,
                reason=reason,
                estimated_cost=cost,
                envelope=envelope,
                by=demo.planner,
            )
        )
    proposal_review(proposal=submitted[-2], feasible=False, reason=IDEAS[-2][4], by=demo.planner)
    proposal_merge(duplicate=submitted[-1], into=submitted[0], by=demo.planner)
    return feasible


def _voter(demo: DemoCommune, number: int, envelope: Envelope, channel: str) -> Voter:
    rng = demo.rng
    arrondissement_id = envelope.arrondissement_id
    if arrondissement_id is None:
        arrondissements = _arrondissements(demo)
        arrondissement_id = rng.choice(arrondissements).pk if arrondissements and rng.random() < 0.8 else None
    return Voter(
        phone=f"+2290199{demo.index}{number:05d}",
        channel=channel,
        gender=rng.choice([Gender.FEMALE, Gender.FEMALE, Gender.MALE, Gender.MALE, ""]),
        age_band=rng.choice([*AgeBand.values[1:], ""]),
        arrondissement_id=arrondissement_id,
        declared_minimum_age=True,
    )


def _choices(demo: DemoCommune, cycle: Cycle, envelope: Envelope, projects: list[Proposal]):
    """A plausible ballot: popular projects (earlier ones) more often, within the cycle's rules."""
    rng = demo.rng
    weights = [len(projects) - position for position in range(len(projects))]
    wanted = []
    for project in rng.choices(projects, weights=weights, k=4):
        if project not in wanted:
            wanted.append(project)
    if cycle.ballot_kind == BallotKind.KNAPSACK:
        chosen, total = [], 0
        for project in wanted:
            if total + project.cost <= envelope.amount:
                chosen.append(project)
                total += project.cost
        return [project.number for project in chosen], None
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        chosen = wanted[:3]
        points = [cycle.points_per_voter // len(chosen)] * len(chosen)
        return [project.number for project in chosen], points
    return [project.number for project in wanted[: cycle.max_projects]], None


def _cast_ballots(demo: DemoCommune, cycle: Cycle, count: int, *, first_number: int) -> int:
    """Cast `count` ballots on the web, by USSD and by SMS; returns how many were counted."""
    # Commune-wide first on every database (PostgreSQL sorts nulls last), so the demo is the same everywhere.
    envelopes = list(
        cycle.envelopes.select_related("cycle__commune").order_by(
            F("arrondissement__name").asc(nulls_first=True)
        )
    )
    projects = {
        envelope.pk: list(Proposal.objects.on_ballot().filter(envelope=envelope).order_by("number"))
        for envelope in envelopes
    }
    counted = 0
    channels, weights = zip(*CHANNEL_WEIGHTS.items(), strict=True)
    for number in range(first_number, first_number + count):
        # The first voter votes commune-wide: the paper batch shows them refused as already voted.
        envelope = envelopes[0] if number == first_number else demo.rng.choice(envelopes)
        if not projects[envelope.pk]:
            continue
        voter = _voter(demo, number, envelope, demo.rng.choices(channels, weights=weights)[0])
        numbers, points = _choices(demo, cycle, envelope, projects[envelope.pk])
        try:
            ballot_cast(envelope=envelope, voter=voter, numbers=numbers, points=points)
        except BallotRejected:
            continue
        counted += 1
    return counted


def _paper_batch(demo: DemoCommune, cycle: Cycle, *, first_number: int, online_voter: int) -> None:
    """One polling point's paper ballots, typed by the planning officer and again by the administrator."""
    envelope = cycle.envelopes.filter(arrondissement__isnull=True).first()
    projects = list(Proposal.objects.on_ballot().filter(envelope=envelope).order_by("number"))
    batch = paper_batch_open(
        cycle=cycle,
        envelope=envelope,
        polling_point="Place du marché",
        declared_count=PAPER_BALLOTS,
        by=demo.planner,
    )
    ballots = []
    for position in range(1, PAPER_BALLOTS + 1):
        # The first paper voter had already voted online: reconciliation refuses their paper ballot.
        number = online_voter if position == 1 else first_number + position
        phone = f"+2290199{demo.index}{number:05d}"
        ballots.append((position, phone, *_choices(demo, cycle, envelope, projects)))
    for round_number, clerk in ((1, demo.planner), (2, demo.second_clerk)):
        for position, phone, numbers, points in ballots:
            paper_entry_add(
                batch=batch,
                round=round_number,
                position=position,
                voter_phone=phone,
                numbers=numbers,
                points=points,
                by=clerk,
            )
        if round_number == 1:
            batch = paper_batch_finish_round(batch=batch, by=clerk)
    paper_batch_reconcile(batch=batch, by=demo.second_clerk)


def _envelopes(
    demo: DemoCommune, cycle: Cycle, commune_amount: int, arrondissement_amount: int
) -> list[Envelope]:
    envelopes = [envelope_set(cycle=cycle, amount=commune_amount, by=demo.planner)]
    for arrondissement in _arrondissements(demo)[:2] if arrondissement_amount else []:
        envelopes.append(
            envelope_set(
                cycle=cycle, amount=arrondissement_amount, arrondissement=arrondissement, by=demo.planner
            )
        )
    return envelopes


def _past_cycle(demo: DemoCommune) -> None:
    """Last year's cycle: ideas, review, vote, published results, projects followed up."""
    year = timezone.localdate().year - 1
    cycle = _new_cycle(demo, year)
    envelopes = _envelopes(demo, cycle, 20_000_000, 0)
    cycle_publish(cycle=cycle, by=demo.planner)
    _submit_and_review(demo, cycle, envelopes)
    _replay(cycle, "voting")
    _cast_ballots(demo, cycle, PAST_BALLOTS, first_number=0)
    _replay(cycle, "results")
    results_compute(cycle=cycle, by=demo.planner)
    results_publish(cycle=cycle, by=demo.planner)
    _replay(cycle, "follow_up", today=datetime.date(year, 9, 1))
    selected = Proposal.objects.filter(cycle=cycle, is_selected=True).order_by("number")
    for proposal, (status, progress, note) in zip(selected, FOLLOW_UP_NOTES * 3, strict=False):
        spent = (proposal.cost or 0) * progress // 100
        project_update_add(
            proposal=proposal, status=status, progress=progress, spent=spent, note=note, by=demo.planner
        )


def _current_cycle(demo: DemoCommune) -> None:
    """This year's cycle, in its voting phase: a commune-wide envelope and two arrondissements'."""
    cycle = _new_cycle(demo, timezone.localdate().year)
    envelopes = _envelopes(demo, cycle, 25_000_000, 6_000_000)
    cycle_publish(cycle=cycle, by=demo.planner)
    _submit_and_review(demo, cycle, envelopes)
    _replay(cycle, "voting")
    _cast_ballots(demo, cycle, CURRENT_BALLOTS, first_number=10_000)
    _paper_batch(demo, cycle, first_number=20_000, online_voter=10_000)
