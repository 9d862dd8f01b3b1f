"""Reads about ideas: the public list, the review queue, and what a page shows around one idea."""

from django.db.models import QuerySet

from palabre.budgeting.models import Cycle, Proposal, ProposalStatus
from palabre.budgeting.services.proposals import LIVE_STATUSES


def public_ideas(
    cycle: Cycle, *, arrondissement_id: int | None = None, status: str = ""
) -> QuerySet[Proposal]:
    """The ideas of a cycle as the public sees them, by number; withdrawn ones only when asked for.
    Only the columns the list shows are read (the descriptions can be long; the list must stay light)."""
    ideas = (
        Proposal.objects.filter(cycle=cycle)
        .select_related("arrondissement")
        .only(
            "number",
            "title",
            "status",
            "estimated_cost",
            "rough_cost",
            "arrondissement__name",
            "cycle_id",
        )
        .order_by("number")
    )
    if arrondissement_id:
        ideas = ideas.filter(arrondissement_id=arrondissement_id)
    if status:
        return ideas.filter(status=status)
    return ideas.exclude(status=ProposalStatus.WITHDRAWN)


def review_queue(cycle: Cycle, *, status: str = ProposalStatus.SUBMITTED) -> QuerySet[Proposal]:
    """The ideas awaiting (or past) review, oldest number first, with what the queue shows."""
    ideas = Proposal.objects.filter(cycle=cycle).select_related(
        "arrondissement", "village", "envelope__arrondissement"
    )
    return ideas.filter(status=status).order_by("number") if status else ideas.order_by("number")


def merge_targets(proposal: Proposal) -> QuerySet[Proposal]:
    """The ideas of the same cycle a duplicate may be merged into."""
    return (
        Proposal.objects.filter(cycle_id=proposal.cycle_id, status__in=LIVE_STATUSES)
        .exclude(pk=proposal.pk)
        .only("number", "title", "cycle_id")
        .order_by("number")
    )


def merged_from(proposal: Proposal) -> list[Proposal]:
    """The ideas merged into this one, by number (shown on its page)."""
    return list(proposal.merged_from.only("number", "title", "cycle_id").order_by("number"))
