"""Results of a participatory budget: each envelope's ballots tallied with the cycle's rule (and with greedy,
for comparison), stored as `Result` rows, explained project by project in plain words, then published.

    results_compute(cycle=cycle, by=officer)  # after voting closed; recomputes until published
    results_publish(cycle=cycle, by=officer)  # the public results page and downloads open

The tally engine (palabre/budgeting/tally/) decides; this module only feeds it an `Election` built from the
ballots and explains its decisions by replaying the rule on the (small) election in exact fractions. The
replay is checked against the engine: if they ever disagreed, the generic reason is shown, never a wrong one.

Ballot secrecy in the published file: voters are numbered 1..n in the order of the ballots' random UUID
keys, which says nothing about who voted or when; each ballot lists its projects in ascending number (the
order the voter picked them in is never stored, and is put back in order here should a row not be);
receipt hashes and days are never exported. Every ballot is mixed (services/voting.py `ballots_mix`)
before the results are computed.
"""

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _

from palabre.accounts.models import User
from palabre.budgeting.models import (
    Ballot,
    BallotKind,
    Cycle,
    Envelope,
    PaperBatch,
    PaperBatchStatus,
    Proposal,
    Result,
)
from palabre.budgeting.phases import FOLLOW_UP, RESULTS, phase_of, voting_closes_on
from palabre.budgeting.queries.cycles import money
from palabre.budgeting.services.proposals import _proposal_phones_erase
from palabre.budgeting.services.voting import _mix, canonical_ballot
from palabre.budgeting.tally import Ballot as TallyBallot
from palabre.budgeting.tally import Election, Project, tally, write_pabulib
from palabre.core.audit import audit_record

RESULT_PHASES = (RESULTS, FOLLOW_UP)
COMPARISON_RULE = "greedy"

# The cycle's rule as the pabulib META `rule` names it. pabulib has a name for greedy and for plain Equal
# Shares; for the others Palabre writes its own engine name, which `pb_tally --rule meta` understands, rather
# than a pabulib name for a different rule (pabulib's `equalshares/add1` is not `mes-complete`: it starts
# from whole francs per voter and fills nothing greedily afterwards, see docs/tally.md).
PABULIB_RULES = {
    "greedy": "greedy",
    "greedy-cost": "greedy-cost",
    "mes": "equalshares",
    "mes-cardinality": "mes-cardinality",
    "mes-complete": "mes-complete",
}
VOTE_TYPES: dict[str, str] = {
    BallotKind.APPROVAL: "approval",
    BallotKind.KNAPSACK: "approval",
    BallotKind.CUMULATIVE: "cumulative",
}


# ---------------------------------------------------------------------------------------------------------
# The election of an envelope


def envelope_election(envelope: Envelope) -> Election:
    """The envelope's projects and anonymised ballots as a tally `Election` (project id = str(number))."""
    proposals = (
        Proposal.objects.on_ballot()
        .filter(envelope=envelope)
        .select_related("arrondissement")
        .order_by("number")
    )
    projects = {
        str(proposal.number): Project(
            str(proposal.number), Fraction(proposal.estimated_cost), _fields(proposal)
        )
        for proposal in proposals
    }
    cumulative = envelope.cycle.ballot_kind == BallotKind.CUMULATIVE
    rows = Ballot.objects.filter(envelope=envelope).order_by("id").values_list("proposal_numbers", "points")
    ballots = []
    for voter, (stored_numbers, stored_points) in enumerate(rows, start=1):
        numbers, points = canonical_ballot(stored_numbers, stored_points if cumulative else None)
        ballots.append(
            TallyBallot(
                str(voter),
                tuple(str(number) for number in numbers),
                tuple(Fraction(value) for value in points) if points is not None else None,
            )
        )
    return Election(_meta(envelope, len(projects), len(ballots)), projects, ballots)


def _fields(proposal: Proposal) -> dict[str, str]:
    fields = {"name": proposal.title}
    if proposal.arrondissement is not None:  # no query when there is none
        fields["arrondissement"] = proposal.arrondissement.name
    return fields


def _meta(envelope: Envelope, project_count: int, ballot_count: int) -> dict[str, str]:
    cycle = envelope.cycle
    meta = {
        "description": f"{cycle.title} ({cycle.commune.name})",
        "country": "Benin",
        "unit": cycle.commune.name,
        "instance": str(cycle.year),
    }
    if envelope.arrondissement is not None:  # no query when there is none
        meta["subunit"] = envelope.arrondissement.name
    meta |= {
        "num_projects": str(project_count),
        "num_votes": str(ballot_count),
        "budget": str(envelope.amount),
        "vote_type": VOTE_TYPES[cycle.ballot_kind],
        "rule": PABULIB_RULES[cycle.tally_rule],
        "date_begin": cycle.voting_on.strftime("%d.%m.%Y"),
        "date_end": voting_closes_on(cycle).strftime("%d.%m.%Y"),
        "language": "fr",
        "currency": "XOF",
        "min_length": "1",
    }
    if cycle.ballot_kind == BallotKind.CUMULATIVE and cycle.points_per_voter:
        meta["max_sum_points"] = str(cycle.points_per_voter)
    elif cycle.ballot_kind != BallotKind.CUMULATIVE and cycle.max_projects:
        meta["max_length"] = str(cycle.max_projects)
    if cycle.ballot_kind == BallotKind.KNAPSACK:
        meta["max_sum_cost"] = str(envelope.amount)
    return meta


def envelope_pabulib(envelope: Envelope) -> str:
    """The envelope's anonymised ballots as a pabulib file, with each project's score and whether it was
    selected (pabulib's `votes`/`score` and `selected` columns) once a result exists."""
    election = envelope_election(envelope)
    result = Result.objects.filter(envelope=envelope).first()
    if result is not None:
        selected = {str(number) for number in result.selected_numbers}
        column = "score" if election.vote_type == "cumulative" else "votes"
        projects = {
            project_id: Project(
                project_id,
                project.cost,
                project.fields
                | {
                    column: str(election.scores[project_id]),
                    "selected": "1" if project_id in selected else "0",
                },
            )
            for project_id, project in election.projects.items()
        }
        election = Election(election.meta, projects, election.ballots)
    return write_pabulib(election)


# ---------------------------------------------------------------------------------------------------------
# Computing and publishing


def results_compute(*, cycle: Cycle, by: User) -> list[Result]:
    """Tally every envelope of the cycle with its rule and with greedy; store (or replace) one `Result` per
    envelope and mark the selected proposals. Only once voting has closed, every paper batch has been
    reconciled, and while the results are not yet published (published results never change)."""
    if phase_of(cycle) not in RESULT_PHASES:
        raise ValidationError(
            _("Le vote n'est pas encore terminé : les résultats ne peuvent pas être calculés.")
        )
    pending = PaperBatch.objects.filter(cycle=cycle).exclude(status=PaperBatchStatus.RECONCILED)
    if pending.exists():
        raise ValidationError(
            _(
                "Des lots de bulletins papier ne sont pas encore rapprochés : "
                "terminez leur saisie ou abandonnez-les d'abord."
            )
        )
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.results_published_at is not None:
            raise ValidationError(_("Les résultats sont déjà publiés : ils ne peuvent plus être recalculés."))
        envelopes = list(cycle.envelopes.select_related("arrondissement", "cycle__commune"))
        for envelope in envelopes:  # the last ballots, fewer than a batch, are mixed before anything is read
            _mix(envelope, force=True)
        outcomes = [
            (envelope, envelope_outcome(envelope_election(envelope), cycle.tally_rule))
            for envelope in envelopes
        ]
        results = [_store(envelope, outcome, cycle.tally_rule) for envelope, outcome in outcomes]
        selected = [number for result in results for number in result.selected_numbers]
        Proposal.objects.filter(cycle=cycle, is_selected=True).exclude(number__in=selected).update(
            is_selected=False
        )
        Proposal.objects.filter(cycle=cycle, number__in=selected).update(is_selected=True)
        _proposal_phones_erase(cycle)
        audit_record(
            action="budgeting.results_computed",
            actor_id=by.pk,
            commune_id=cycle.commune_id,
            target=cycle,
            data={
                "rule": cycle.tally_rule,
                "envelopes": {
                    str(result.envelope_id): {
                        "ballots": result.ballot_count,
                        "selected": result.selected_numbers,
                    }
                    for result in results
                },
            },
        )
    return results


@dataclass(frozen=True)
class Outcome:
    """What the tally gives for one envelope: selected ids (in order), greedy's, money used, ballots,
    and per project its votes, score and reason."""

    selected: list[str]
    greedy_selected: list[str]
    budget_used: int
    ballot_count: int
    projects: dict[str, dict]


def envelope_outcome(election: Election, rule: str) -> Outcome:
    selected = tally(election, rule)
    greedy = selected if rule == COMPARISON_RULE else tally(election, COMPARISON_RULE)
    reasons = explain(election, rule, selected.selected)
    projects = {
        project_id: {
            "votes": election.votes[project_id],
            "score": int(election.scores[project_id]),
            "why": reasons[project_id],
        }
        for project_id in election.projects
    }
    return Outcome(
        selected=selected.selected,
        greedy_selected=greedy.selected,
        budget_used=int(selected.budget_used),
        ballot_count=len(election.ballots),
        projects=projects,
    )


def _store(envelope: Envelope, outcome: Outcome, rule: str) -> Result:
    result, _created = Result.objects.update_or_create(
        envelope=envelope,
        defaults={
            "rule": rule,
            "selected_numbers": [int(project) for project in outcome.selected],
            "greedy_selected_numbers": [int(project) for project in outcome.greedy_selected],
            "budget_used": outcome.budget_used,
            "ballot_count": outcome.ballot_count,
            "votes": outcome.projects,
            "computed_at": timezone.now(),
        },
    )
    return result


def results_publish(*, cycle: Cycle, by: User) -> Cycle:
    """Open the public results page and downloads. Publishing twice changes nothing. Refused when the
    results are missing or stale: a paper batch counted (or opened) after they were computed."""
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        if locked.results_published_at is not None:
            return locked
        _check_results_current(locked)
        locked.results_published_at = timezone.now()
        locked.save(update_fields=["results_published_at"])
        audit_record(
            action="budgeting.results_published", actor_id=by.pk, commune_id=locked.commune_id, target=locked
        )
    cycle.results_published_at = locked.results_published_at
    return locked


def _check_results_current(cycle: Cycle) -> None:
    """ValidationError unless every envelope has a result computed from all the ballots counted now."""
    computed = dict(Result.objects.filter(envelope__cycle=cycle).values_list("envelope_id", "ballot_count"))
    if not computed or computed.keys() != set(cycle.envelopes.values_list("pk", flat=True)):
        raise ValidationError(_("Calculez les résultats avant de les publier."))
    counted = dict(
        Ballot.objects.filter(envelope__cycle=cycle)
        .order_by()
        .values_list("envelope_id")
        .annotate(count=Count("id"))
        .values_list("envelope_id", "count")
    )
    pending = PaperBatch.objects.filter(cycle=cycle).exclude(status=PaperBatchStatus.RECONCILED).exists()
    if pending or any(counted.get(envelope_id, 0) != count for envelope_id, count in computed.items()):
        raise ValidationError(
            _("Des bulletins ont été ajoutés depuis le calcul (lots papier) : recalculez les résultats.")
        )


# ---------------------------------------------------------------------------------------------------------
# Why each project won or lost


def explain(election: Election, rule: str, selected: list[str]) -> dict[str, dict]:
    """Per project id, the reason for the engine's decision: {"code": ..., numbers the sentence uses}.

    Replays the rule in exact fractions; if the replay does not select exactly what the engine selected,
    every project gets the generic reason."""
    if rule in ("greedy", "greedy-cost"):
        reasons = _explain_greedy(election, per_cost=rule == "greedy-cost")
    elif rule in ("mes", "mes-cardinality"):
        reasons = _explain_mes(election, cardinality=rule == "mes-cardinality")
    elif rule == "mes-complete":
        reasons = _explain_mes_complete(election, selected)
    else:
        reasons = {}
    won = {project for project, reason in reasons.items() if reason["won"]}
    if won != set(selected) or len(reasons) != len(election.projects):
        return {project: {"code": "generic", "won": project in selected} for project in election.projects}
    return reasons


def _money(value: int | Fraction) -> int:
    """Francs shown to people: rounded down, so "what was left" is never overstated."""
    return floor(value)


def _greedy_order(election: Election, per_cost: bool) -> list[str]:
    """The engine's greedy order: positive scores first (free ones first of all), by decreasing score (or
    score per franc), ties to the smaller id as a string; projects nobody chose last."""
    scores = election.scores

    def key(project_id: str) -> tuple[int, int | Fraction, int | Fraction, str]:
        score, cost = Fraction(scores[project_id]), election.projects[project_id].cost
        if score <= 0:
            return (1, 0, 0, project_id)
        if cost <= 0:
            return (0, 0, 0, project_id)
        return (0, 1, -(score / cost if per_cost else score), project_id)

    return sorted(election.projects, key=key)


def _explain_greedy(election: Election, *, per_cost: bool) -> dict[str, dict]:
    points = election.vote_type == "cumulative"
    left = election.budget
    reasons = {}
    for rank, project_id in enumerate(_greedy_order(election, per_cost), start=1):
        cost, score = election.projects[project_id].cost, election.scores[project_id]
        numbers = {
            "rank": rank,
            "cost": _money(cost),
            "left": _money(left),
            "score": int(score),
            "points": points,
        }
        if cost <= left:
            code = "leftover_won" if score <= 0 else "greedy_cost_won" if per_cost else "greedy_won"
            reasons[project_id] = {"code": code, "won": True, **numbers}
            left -= cost
        else:
            code = "no_votes" if score <= 0 else "greedy_lost"
            reasons[project_id] = {"code": code, "won": False, **numbers}
    return reasons


@dataclass
class MesTrace:
    """One exact run of Equal Shares: the funded projects in order, each voter group's money left at the
    end, each project's supporters (as weights of groups), and the starting share of each voter."""

    funded: list[str]
    money: list[Fraction]
    supporters: dict[str, list[int]]
    weights: list[int]
    share: Fraction

    def left_for(self, project_id: str) -> Fraction:
        return sum(
            (self.money[group] * self.weights[group] for group in self.supporters[project_id]), Fraction(0)
        )

    def supporter_count(self, project_id: str) -> int:
        return sum(self.weights[group] for group in self.supporters[project_id])


def mes_trace(election: Election, share: Fraction, *, cardinality: bool = False) -> MesTrace:
    """Equal Shares in exact fractions over groups of identical ballots (as the engine reads them: the
    approval of the projects they name). Each round funds the project whose supporters can pay its cost
    at the lowest price per unit of utility (cost utilities: per franc; cardinality: per project), each
    paying an equal amount or all they have left; ties go to the smaller id as a string."""
    groups = Counter(frozenset(ballot.projects) for ballot in election.ballots)
    groups.pop(frozenset(), None)
    approvals, weights = list(groups), list(groups.values())
    supporters: dict[str, list[int]] = {project_id: [] for project_id in election.projects}
    for index, approved in enumerate(approvals):
        for project_id in approved:
            supporters[project_id].append(index)
    money = [share] * len(approvals)
    named = sorted(project for project in election.projects if supporters[project])
    funded = [project for project in named if election.projects[project].cost <= 0]
    candidates = [project for project in named if project not in funded]
    while candidates:
        best = min(
            (
                (price, project)
                for project in candidates
                if (price := _price(election, project, supporters[project], money, weights, cardinality))
                is not None
            ),
            default=None,
        )
        if best is None:
            break
        price, project = best
        cap = price * (1 if cardinality else election.projects[project].cost)
        for group in supporters[project]:
            money[group] -= min(money[group], cap)
        funded.append(project)
        candidates.remove(project)
    return MesTrace(funded, money, supporters, weights, share)


def _price(
    election: Election,
    project_id: str,
    groups: list[int],
    money: list[Fraction],
    weights: list[int],
    cardinality: bool,
) -> Fraction | None:
    """The lowest price per unit of utility at which the supporters can pay the project, or None."""
    remaining = election.projects[project_id].cost
    count = sum(weights[group] for group in groups)
    for group in sorted(groups, key=money.__getitem__):
        if money[group] * count >= remaining:
            cap = remaining / count
            return cap if cardinality else cap / election.projects[project_id].cost
        remaining -= money[group] * weights[group]
        count -= weights[group]
    return None


def _base_share(election: Election) -> Fraction:
    return election.budget / len(election.ballots) if election.ballots else Fraction(0)


def _mes_reason(election: Election, trace: MesTrace, project_id: str, won_code: str) -> dict:
    cost = election.projects[project_id].cost
    numbers = {
        "cost": _money(cost),
        "supporters": trace.supporter_count(project_id),
        "share": _money(trace.share),
        "shares_left": _money(trace.left_for(project_id)),
    }
    if project_id in trace.funded:
        return {"code": won_code, "won": True, **numbers}
    if not numbers["supporters"]:
        return {"code": "no_votes", "won": False, **numbers}
    return {"code": "mes_lost", "won": False, **numbers}


def _explain_mes(election: Election, *, cardinality: bool) -> dict[str, dict]:
    if not election.ballots:
        return {}
    trace = mes_trace(election, _base_share(election), cardinality=cardinality)
    return {
        project_id: _mes_reason(election, trace, project_id, "mes_won") for project_id in election.projects
    }


def _explain_mes_complete(election: Election, selected: list[str]) -> dict[str, dict]:
    """mes-complete = Equal Shares, shares raised one franc at a time while money is left (Add1), then the
    rest filled greedily by votes. Winners are told which of the three steps chose them; losers what their
    supporters had left in the first Equal Shares run and what was left of the envelope at the end."""
    if not election.ballots:
        return {}
    trace = mes_trace(election, _base_share(election))
    if set(trace.funded) != set(tally(election, "mes").selected):
        return {}
    add1 = set(tally(election, "equalshares/add1", integral_start=False, exhaustive_stop=True).selected)
    left = election.budget - election.cost_of(selected)
    reasons = {}
    for project_id in election.projects:
        reason = _mes_reason(election, trace, project_id, "mes_won")
        reason["left"] = _money(left)
        reason["votes"] = election.votes[project_id]
        if project_id in selected:
            reason["won"] = True
            if project_id not in trace.funded:
                reason["code"] = "add1_won" if project_id in add1 else "fill_won"
        else:
            reason["won"] = False
            if reason["code"] == "mes_won":
                reason["code"] = "complete_dropped"
            elif reason["code"] == "mes_lost":
                reason["code"] = "complete_lost"
        reasons[project_id] = reason
    return reasons


# The sentences, one per reason code, translated when shown (the reasons are stored, not the sentences, so
# each reader gets their language). `%(score)s` is votes, or points on cumulative ballots ("_points").
WHY_TEXTS = {
    "greedy_won": gettext_noop(
        "Retenu : avec %(score)s voix, il était parmi les plus soutenus (rang %(rank)s) et son coût de "
        "%(cost)s FCFA tenait dans les %(left)s FCFA qui restaient."
    ),
    "greedy_won_points": gettext_noop(
        "Retenu : il était parmi les plus soutenus (rang %(rank)s, points reçus : %(score)s) et son coût "
        "de %(cost)s FCFA tenait dans les %(left)s FCFA qui restaient."
    ),
    "greedy_cost_won": gettext_noop(
        "Retenu : %(score)s voix pour %(cost)s FCFA, l'un des meilleurs rapports entre les voix et le coût "
        "(rang %(rank)s), et il tenait dans les %(left)s FCFA qui restaient."
    ),
    "greedy_cost_won_points": gettext_noop(
        "Retenu : l'un des meilleurs rapports entre les points reçus (%(score)s) et le coût (%(cost)s "
        "FCFA), au rang %(rank)s, et il tenait dans les %(left)s FCFA qui restaient."
    ),
    "greedy_lost": gettext_noop(
        "Non retenu : il coûtait %(cost)s FCFA et il ne restait que %(left)s FCFA quand son tour est venu "
        "(rang %(rank)s)."
    ),
    "leftover_won": gettext_noop(
        "Retenu : personne ne l'a choisi, mais il restait assez d'argent (%(left)s FCFA) une fois les "
        "projets soutenus financés."
    ),
    "no_votes": gettext_noop("Non retenu : personne ne l'a choisi."),
    "mes_won": gettext_noop(
        "Retenu : les votants qui l'ont choisi (%(supporters)s) ont payé ensemble son coût de %(cost)s FCFA "
        "avec leurs parts égales (%(share)s FCFA par votant au départ)."
    ),
    "mes_lost": gettext_noop(
        "Non retenu : les votants qui l'ont choisi (%(supporters)s) n'avaient plus ensemble que "
        "%(shares_left)s FCFA de leurs parts, moins que son coût de %(cost)s FCFA."
    ),
    "add1_won": gettext_noop(
        "Retenu : l'enveloppe n'étant pas toute dépensée, la part de chaque votant a été augmentée ; les "
        "votants qui l'ont choisi (%(supporters)s) ont alors pu payer son coût de %(cost)s FCFA."
    ),
    "fill_won": gettext_noop(
        "Retenu à la fin : avec %(votes)s voix, il était parmi les plus soutenus des projets restants et son "
        "coût de %(cost)s FCFA tenait dans l'argent qui restait."
    ),
    "complete_lost": gettext_noop(
        "Non retenu : les votants qui l'ont choisi (%(supporters)s) n'avaient plus ensemble que "
        "%(shares_left)s FCFA de leurs parts, moins que son coût de %(cost)s FCFA, et il ne restait à la "
        "fin que %(left)s FCFA dans l'enveloppe."
    ),
    "complete_dropped": gettext_noop(
        "Non retenu : quand les parts ont été augmentées pour dépenser l'enveloppe, d'autres projets ont "
        "été financés avant lui, et il ne restait à la fin que %(left)s FCFA, moins que son coût de "
        "%(cost)s FCFA."
    ),
    "generic_won": gettext_noop("Retenu par la règle de calcul du budget."),
    "generic_lost": gettext_noop("Non retenu par la règle de calcul du budget."),
}


def why_text(reason: dict) -> str:
    """The plain-language sentence for a reason stored in `Result.votes[number]["why"]`."""
    code = reason.get("code", "generic")
    if code == "generic" or code not in WHY_TEXTS:
        code = "generic_won" if reason.get("won") else "generic_lost"
    if reason.get("points") and f"{code}_points" in WHY_TEXTS:
        code = f"{code}_points"
    numbers = {
        name: _display(value) for name, value in reason.items() if name not in ("code", "won", "points")
    }
    return gettext(WHY_TEXTS[code]) % numbers


def _display(value: object) -> object:
    return money(value) if isinstance(value, int) and not isinstance(value, bool) else value
