"""A limit on guessing codes: complaint tracking codes, ballot receipts, any code a visitor types to find
something. Unknown codes are counted per scope and (hashed) address in the database, so the limit holds
across web processes and workers; past the limit even a right code is refused, until the oldest counted
failure leaves the window, so that a guesser learns nothing from the answers.

    complaint = guarded_lookup(scope="grievances.tracking", ip_hash=hash_ip(ip), lookup=lambda: find(code))

Core imports no other app: callers hash the address themselves (accounts.services.hash_ip).
"""

import datetime
import math
from collections.abc import Callable
from typing import TypeVar

from django.db import transaction
from django.utils import timezone
from django.utils.translation import ngettext

from palabre.core.models import CodeGuessFailure

WINDOW = datetime.timedelta(hours=1)
MAX_FAILURES = 10

T = TypeVar("T")


class TooManyAttempts(Exception):
    """Base of "try again later" refusals: `retry_at` is when the next try is accepted and `minutes` how
    long that is from now (at least 1). Each subclass words its own `message` for the visitor."""

    def __init__(self, *, retry_at: datetime.datetime, now: datetime.datetime):
        self.retry_at = retry_at
        self.minutes = max(1, math.ceil((retry_at - now).total_seconds() / 60))
        super().__init__(f"retry in {self.minutes} min")


class GuessesLimited(TooManyAttempts):
    """Too many unknown codes typed from this address in the window."""

    @property
    def message(self) -> str:
        return ngettext(
            "Trop de codes inconnus ont été essayés. Réessayez dans %(minutes)s minute.",
            "Trop de codes inconnus ont été essayés. Réessayez dans %(minutes)s minutes.",
            self.minutes,
        ) % {"minutes": self.minutes}


def guarded_lookup(
    *,
    scope: str,
    ip_hash: str,
    lookup: Callable[[], T | None],
    window: datetime.timedelta = WINDOW,
    max_failures: int = MAX_FAILURES,
    now: datetime.datetime | None = None,
) -> T | None:
    """What `lookup` finds, or None, counting a None as a failure of `ip_hash` in `scope`.

    Raises GuessesLimited, without running `lookup`, when the address already has `max_failures` in
    the window. Failures older than the window are deleted on the way (the table stays small)."""
    now = now or timezone.now()
    with transaction.atomic():
        CodeGuessFailure.objects.filter(scope=scope, created_at__lte=now - window).delete()
        failures = list(
            CodeGuessFailure.objects.filter(scope=scope, ip_hash=ip_hash, created_at__gt=now - window)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:max_failures]
        )
        if len(failures) >= max_failures:
            raise GuessesLimited(retry_at=failures[-1] + window, now=now)
        found = lookup()
        if found is None:
            CodeGuessFailure.objects.create(scope=scope, ip_hash=ip_hash, created_at=now)
    return found
