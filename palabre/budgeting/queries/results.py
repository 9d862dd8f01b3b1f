"""Reads for the results and follow-up pages: each envelope's outcome ready to show (projects with votes,
share of voters and the reason, what greedy would have chosen, turnout with small counts suppressed), the
results as CSV rows, and the selected projects with their follow-up.

`selected_projects(commune)` is the list of projects the votes chose; the PDC module (plans/) will take it
over to turn them into actions of the annual investment plan, then the follow-up moves there.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _

from palabre.budgeting.models import BallotKind, Cycle, Envelope, ProjectUpdate, Proposal, VoterRecord
from palabre.budgeting.queries.cycles import money
from palabre.budgeting.services.results import why_text
from palabre.core.choices import AgeBand, Channel, Gender
from palabre.territory.models import Arrondissement, Commune

SMALL_COUNT = 5
VOTING_CHANNELS = (Channel.WEB, Channel.USSD, Channel.SMS, Channel.PAPER)


def suppress(counts: list[int]) -> list[int | None]:
    """Counts from 1 to SMALL_COUNT - 1 become None (shown "< 5"); zero names nobody and stays. If that
    hides a single count of a table whose total is public, the smallest other count is hidden too, so the
    first cannot be worked out by subtraction."""
    hidden = {index for index, count in enumerate(counts) if 0 < count < SMALL_COUNT}
    if len(hidden) == 1 and len(counts) > 1:
        hidden.add(min((count, index) for index, count in enumerate(counts) if index not in hidden)[1])
    return [None if index in hidden else count for index, count in enumerate(counts)]


@dataclass
class TurnoutTable:
    title: str
    rows: list[tuple[str, int | None]]


@dataclass
class ProjectRow:
    proposal: Proposal
    votes: int
    score: int
    share_percent: int
    why: str
    selected: bool
    greedy_selected: bool

    @property
    def cost_display(self) -> str:
        return money(self.proposal.estimated_cost or 0)


@dataclass
class EnvelopeResults:
    envelope: Envelope
    ballot_count: int
    budget_used: int
    rows: list[ProjectRow]
    greedy_only: list[Proposal]
    rule_only: list[Proposal]
    turnout: list[TurnoutTable] = field(default_factory=list)

    @property
    def winners(self) -> list[ProjectRow]:
        return [row for row in self.rows if row.selected]

    @property
    def amount_display(self) -> str:
        return money(self.envelope.amount)

    @property
    def used_display(self) -> str:
        return money(self.budget_used)

    @property
    def used_percent(self) -> int:
        return round(100 * self.budget_used / self.envelope.amount) if self.envelope.amount else 0


def cycle_results(cycle: Cycle) -> list[EnvelopeResults]:
    """Every envelope of the cycle that has a result, with its projects (winners first, in selection
    order, then by votes) and turnout tables. A fixed number of queries, whatever the number of envelopes
    and projects."""
    envelopes = list(
        Envelope.objects.filter(cycle=cycle, result__isnull=False).select_related("arrondissement", "result")
    )
    numbers = {int(number) for envelope in envelopes for number in envelope.result.votes}
    proposals = {
        proposal.number: proposal
        for proposal in Proposal.objects.filter(cycle=cycle, number__in=numbers).select_related(
            "arrondissement"
        )
    }
    turnout = cycle_turnout(cycle)
    return [_envelope_results(envelope, proposals, turnout.get(envelope.pk, [])) for envelope in envelopes]


def _envelope_results(
    envelope: Envelope, proposals: dict[int, Proposal], turnout: list[TurnoutTable]
) -> EnvelopeResults:
    result = envelope.result
    selected, greedy = result.selected_numbers, set(result.greedy_selected_numbers)
    rows = []
    for number, outcome in result.votes.items():
        number = int(number)
        rows.append(
            ProjectRow(
                proposal=proposals[number],
                votes=outcome["votes"],
                score=outcome["score"],
                share_percent=round(100 * outcome["votes"] / result.ballot_count)
                if result.ballot_count
                else 0,
                why=why_text(outcome["why"]),
                selected=number in selected,
                greedy_selected=number in greedy,
            )
        )
    rows.sort(
        key=lambda row: (
            selected.index(row.proposal.number) if row.selected else len(selected),
            -row.score,
            row.proposal.number,
        )
    )
    return EnvelopeResults(
        envelope=envelope,
        ballot_count=result.ballot_count,
        budget_used=result.budget_used,
        rows=rows,
        greedy_only=[
            proposals[number] for number in result.greedy_selected_numbers if number not in selected
        ],
        rule_only=[proposals[number] for number in selected if number not in greedy],
        turnout=turnout,
    )


def cycle_turnout(cycle: Cycle) -> dict[int, list[TurnoutTable]]:
    """Per envelope id, who voted by arrondissement, gender, age band and channel (declared traits of the
    voter records, never the ballots), small counts suppressed. One aggregate query for the whole cycle."""
    rows = (
        VoterRecord.objects.filter(envelope__cycle=cycle)
        .values_list("envelope_id", "arrondissement_id", "gender", "age_band", "channel")
        .annotate(count=Count("id"))
        .order_by()
    )
    margins: dict[int, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for envelope_id, arrondissement_id, gender, age_band, channel, count in rows:
        envelope = margins[envelope_id]
        envelope["arrondissement"][arrondissement_id] += count
        envelope["gender"][gender] += count
        envelope["age_band"][age_band] += count
        envelope["channel"][channel] += count
    arrondissements = list(Arrondissement.objects.filter(commune_id=cycle.commune_id).order_by("name"))
    not_declared = _("Non déclaré")
    categories: dict[str, list[tuple]] = {
        "arrondissement": [(a.pk, a.name) for a in arrondissements] + [(None, not_declared)],
        "gender": [*Gender.choices, ("", not_declared)],
        "age_band": [*AgeBand.choices, ("", not_declared)],
    }
    titles = {
        "arrondissement": _("Par arrondissement"),
        "gender": _("Par genre"),
        "age_band": _("Par tranche d'âge"),
        "channel": _("Par canal de vote"),
    }
    tables = {}
    for envelope_id, counts in margins.items():
        used_channels = [
            value for value in Channel.values if value in VOTING_CHANNELS or counts["channel"][value]
        ]
        labelled = categories | {"channel": [(value, Channel(value).label) for value in used_channels]}
        tables[envelope_id] = [_table(titles[name], labelled[name], counts[name]) for name in titles]
    return tables


def _table(title: str, categories: list[tuple], counts: Counter) -> TurnoutTable:
    values = suppress([counts[key] for key, _label in categories])
    return TurnoutTable(
        title, [(str(label), value) for (_key, label), value in zip(categories, values, strict=True)]
    )


def results_csv_rows(cycle: Cycle) -> list[list]:
    """The results of every envelope as spreadsheet rows, header first."""
    header = [
        _("Enveloppe"),
        _("Montant de l'enveloppe (FCFA)"),
        _("Bulletins"),
        _("Numéro"),
        _("Projet"),
        _("Arrondissement"),
        _("Coût (FCFA)"),
        _("Voix"),
        _("Points"),
        _("Part des votants (%)"),
        _("Retenu"),
        _("Retenu par « les plus soutenus »"),
        _("Pourquoi"),
    ]
    rows: list[list] = [header]
    for envelope_results in cycle_results(cycle):
        envelope = envelope_results.envelope
        for row in envelope_results.rows:
            proposal = row.proposal
            rows.append(
                [
                    str(envelope),
                    envelope.amount,
                    envelope_results.ballot_count,
                    proposal.number,
                    proposal.title,
                    getattr(proposal.arrondissement, "name", ""),
                    proposal.estimated_cost,
                    row.votes,
                    row.score if cycle.ballot_kind == BallotKind.CUMULATIVE else "",
                    row.share_percent,
                    _("oui") if row.selected else _("non"),
                    _("oui") if row.greedy_selected else _("non"),
                    row.why,
                ]
            )
    return rows


def selected_projects(commune: Commune) -> list[Proposal]:
    """The projects published results selected in the commune, newest cycle first, each with
    `latest_update` (or None). Two queries. The PDC module will take this read over (see the module
    docstring)."""
    proposals = list(
        Proposal.objects.filter(commune=commune, is_selected=True, cycle__results_published_at__isnull=False)
        .select_related("cycle", "arrondissement")
        .prefetch_related(Prefetch("updates", queryset=ProjectUpdate.objects.order_by("-created_at", "-pk")))
        .order_by("-cycle__year", "-cycle__pk", "number")
    )
    for proposal in proposals:
        updates = list(proposal.updates.all())
        proposal.latest_update = updates[0] if updates else None
    return proposals


@dataclass
class FollowUp:
    proposal: Proposal
    updates: list[ProjectUpdate]

    @property
    def latest(self) -> ProjectUpdate | None:
        return self.updates[0] if self.updates else None

    @property
    def spent_display(self) -> str | None:
        spent = next((update.spent for update in self.updates if update.spent is not None), None)
        return None if spent is None else money(spent)

    @property
    def cost_display(self) -> str:
        return money(self.proposal.estimated_cost or 0)


def project_followup(proposal: Proposal) -> FollowUp:
    """A selected project's follow-up: its updates, newest first (one query)."""
    return FollowUp(proposal, list(proposal.updates.order_by("-created_at", "-pk")))
