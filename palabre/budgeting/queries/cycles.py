"""Reads about cycles: the lists, the envelopes, and the voting rule in plain words for voters."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from palabre.budgeting.models import TALLY_RULE_LABELS, BallotKind, Cycle, Envelope, ProposalStatus
from palabre.budgeting.phases import PHASES, phase_of
from palabre.territory.models import Commune


def money(amount: int) -> str:
    """10000000 -> "10 000 000" with thin spaces, as amounts are written in Benin (FCFA, no decimals)."""
    return f"{amount:,}".replace(",", "\u202f")


def public_cycles(commune: Commune) -> QuerySet[Cycle]:
    """The commune's published cycles, the latest first (one query, nothing related needed)."""
    return Cycle.objects.of_commune(commune).published()


def office_cycles(commune: Commune) -> QuerySet[Cycle]:
    """Every cycle of the commune for its managers, with the number of ideas and envelopes."""
    return Cycle.objects.of_commune(commune).annotate(
        idea_count=Count("proposals", distinct=True), envelope_count=Count("envelopes", distinct=True)
    )


def cycle_envelopes(cycle: Cycle) -> list[Envelope]:
    """The cycle's envelopes, the commune-wide one first, then by arrondissement name."""
    envelopes = list(cycle.envelopes.select_related("arrondissement"))
    return sorted(envelopes, key=lambda envelope: (not envelope.is_commune_wide, str(envelope)))


def idea_counts(cycle: Cycle) -> dict[str, int]:
    """How many ideas the cycle received and how many are on the ballot (one query)."""
    return cycle.proposals.aggregate(
        received=Count("pk", filter=~Q(status=ProposalStatus.WITHDRAWN)),
        on_ballot=Count(
            "pk",
            filter=Q(status=ProposalStatus.FEASIBLE, estimated_cost__isnull=False, envelope__isnull=False),
        ),
    )


def ballot_rule_text(cycle: Cycle, envelope: Envelope | None = None) -> str:
    """What a voter may do, in plain words: "Choisissez jusqu'à 3 projets." For knapsack ballots the
    amount of `envelope` is named when given."""
    if cycle.ballot_kind == BallotKind.CUMULATIVE:
        return ngettext(
            "Répartissez %(points)s point entre les projets que vous soutenez.",
            "Répartissez %(points)s points entre les projets que vous soutenez : plus un projet compte "
            "pour vous, plus vous lui en donnez.",
            cycle.points_per_voter or 0,
        ) % {"points": cycle.points_per_voter}
    if cycle.ballot_kind == BallotKind.KNAPSACK:
        text = (
            _("Choisissez des projets dont le coût total ne dépasse pas l'enveloppe de %(amount)s FCFA.")
            % {"amount": money(envelope.amount)}
            if envelope is not None
            else _("Choisissez des projets dont le coût total ne dépasse pas le montant de l'enveloppe.")
        )
        if cycle.max_projects:
            text += " " + _("Au plus %(max)s projets.") % {"max": cycle.max_projects}
        return text
    return ngettext(
        "Choisissez %(max)s projet.", "Choisissez jusqu'à %(max)s projets.", cycle.max_projects or 1
    ) % {"max": cycle.max_projects or 1}


def tally_rule_label(cycle: Cycle) -> str:
    """How the winners are computed, in plain words."""
    return str(TALLY_RULE_LABELS.get(cycle.tally_rule, cycle.tally_rule))


def phase_label(code: str) -> str:
    """The name of a phase code (or "À venir" before the cycle starts)."""
    labels = {phase.code: phase.label for phase in PHASES}
    return str(labels.get(code, _("À venir")))


def cycles_by_phase(commune: Commune, *, on: datetime.date | None = None) -> list[tuple[Cycle, str]]:
    """The commune's published cycles with their phase code today, latest first (one query)."""
    return [(cycle, phase_of(cycle, on=on)) for cycle in public_cycles(commune)]
