"""Phase dates putting today in a chosen phase of a cycle, for the tests of cycles, ideas and review."""

import datetime

from django.utils import timezone

from palabre.budgeting.phases import PHASE_CODES, PHASES, UPCOMING

GAP = 10


def phase_dates(phase: str, *, today: datetime.date | None = None) -> dict[str, datetime.date]:
    """The six phase start dates, 10 days apart, such that `today` is 2 days into `phase`
    (or 10 days before the information phase for UPCOMING)."""
    today = today or timezone.localdate()
    if phase == UPCOMING:
        start = today + datetime.timedelta(days=GAP)
    else:
        start = today - datetime.timedelta(days=2 + GAP * PHASE_CODES.index(phase))
    return {p.date_field: start + datetime.timedelta(days=GAP * index) for index, p in enumerate(PHASES)}
