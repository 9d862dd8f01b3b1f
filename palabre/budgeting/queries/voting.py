"""Reads of voting: the envelopes a voter votes in, their projects, and where they already voted (the web
page, in three queries whatever the number of envelopes and projects), and what the USSD and SMS adapters
read (which envelope holds a project number, the commune's arrondissements)."""

from dataclasses import dataclass, field

from palabre.budgeting.models import BallotKind, Cycle, Envelope, Proposal
from palabre.budgeting.queries.cycles import ballot_rule_text, cycle_envelopes
from palabre.budgeting.services.voters import Voter, may_vote_in
from palabre.budgeting.services.voting import ballot_proposals, voted_envelope_ids


@dataclass
class EnvelopeBallot:
    """One envelope as the voting page shows it to one voter."""

    envelope: Envelope
    rule: str
    has_voted: bool
    proposals: list[Proposal] = field(default_factory=list)


@dataclass
class VotingEnvelopes:
    ballots: list[EnvelopeBallot]
    has_arrondissement_envelopes: bool


def voting_envelopes(cycle: Cycle, voter: Voter) -> VotingEnvelopes:
    """The envelopes this voter votes in (the commune-wide one first), each with its projects by number
    and whether the voter already voted in it on any channel."""
    envelopes = cycle_envelopes(cycle)
    mine = [envelope for envelope in envelopes if may_vote_in(envelope, voter)]
    voted = voted_envelope_ids(cycle=cycle, voter=voter) if mine else set()
    ballots = {
        envelope.pk: EnvelopeBallot(envelope, ballot_rule_text(cycle, envelope), envelope.pk in voted)
        for envelope in mine
    }
    open_ballots = [pk for pk, ballot in ballots.items() if not ballot.has_voted]
    if open_ballots:
        for proposal in Proposal.objects.on_ballot().filter(envelope_id__in=open_ballots).order_by("number"):
            ballots[proposal.envelope_id].proposals.append(proposal)
    return VotingEnvelopes(
        ballots=list(ballots.values()),
        has_arrondissement_envelopes=any(not envelope.is_commune_wide for envelope in envelopes),
    )


@dataclass(frozen=True)
class BallotRow:
    proposal: Proposal
    ticked: bool
    unaffordable: bool


def ballot_rows(ballot: EnvelopeBallot, ticked: set[int]) -> tuple[list[BallotRow], int]:
    """The projects with what is ticked, and for knapsack ballots which unticked ones no longer fit in
    what is left of the envelope; and the total cost of the ticked ones."""
    total = sum(proposal.cost or 0 for proposal in ballot.proposals if proposal.number in ticked)
    left = ballot.envelope.amount - total
    knapsack = ballot.envelope.cycle.ballot_kind == BallotKind.KNAPSACK
    rows = [
        BallotRow(
            proposal=proposal,
            ticked=proposal.number in ticked,
            unaffordable=knapsack and proposal.number not in ticked and (proposal.cost or 0) > left,
        )
        for proposal in ballot.proposals
    ]
    return rows, total


def has_arrondissement_envelopes(cycle: Cycle) -> bool:
    """Whether the cycle has an envelope reserved to an arrondissement (then a voter's residence matters)."""
    return cycle.envelopes.filter(arrondissement__isnull=False).exists()


def envelopes_by_number(cycle: Cycle) -> dict[int, Envelope]:
    """The envelope whose ballot holds each project number of the cycle."""
    where: dict[int, Envelope] = {}
    for envelope in cycle.envelopes.select_related("cycle__commune", "arrondissement"):
        where.update(dict.fromkeys(ballot_proposals(envelope), envelope))
    return where
