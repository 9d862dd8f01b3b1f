"""Reads for the paper-ballot pages: batches with their progress, the entries of one round, the next
position to type."""

from django.db.models import Count, Q, QuerySet

from palabre.budgeting.models import Cycle, PaperBatch, PaperEntry


def paper_batches(cycle: Cycle) -> QuerySet[PaperBatch]:
    """The cycle's batches, newest first, with their envelope, officers and how many ballots each round
    has typed (`first_typed`, `second_typed`): one query for the whole list."""
    return (
        PaperBatch.objects.filter(cycle=cycle)
        .select_related("envelope__arrondissement", "first_clerk", "second_clerk")
        .annotate(
            first_typed=Count("entries", filter=Q(entries__round=1)),
            second_typed=Count("entries", filter=Q(entries__round=2)),
        )
        .order_by("-created_at", "-pk")
    )


def round_entries(batch: PaperBatch, round: int) -> list[PaperEntry]:
    """What one round typed, by position."""
    return list(PaperEntry.objects.filter(batch=batch, round=round).order_by("position"))


def next_position(batch: PaperBatch, entries: list[PaperEntry]) -> int | None:
    """The first position of the batch this round has not typed yet (None when all are typed)."""
    typed = {entry.position for entry in entries}
    return next((p for p in range(1, batch.declared_count + 1) if p not in typed), None)
