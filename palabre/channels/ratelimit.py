"""Rate limits per phone number and channel, counted in the database (the inbound store itself), so they
hold across web processes and restarts (one indexed query per request, see `rate_limit_exceeded`).
Setting `CHANNELS_RATE_LIMITS` may override the defaults: `{"sms": (20, 3600), ...}` = at most 20
requests in any 3600 seconds."""

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import pgettext

from palabre.channels.models import InboundKind, InboundMessage

# (requests, seconds). A USSD session is ~5-12 steps; a voice call a few callbacks.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    InboundKind.SMS: (20, 3600),
    InboundKind.USSD: (150, 3600),
    InboundKind.VOICE: (40, 3600),
    InboundKind.WHATSAPP: (30, 3600),
}


def limit_for(kind: str) -> tuple[int, int] | None:
    """(count, seconds) allowed for `kind`, or None when unlimited (delivery reports)."""
    limits = {**DEFAULT_LIMITS, **getattr(settings, "CHANNELS_RATE_LIMITS", {})}
    return limits.get(kind)


def rate_limit_exceeded(*, phone_key: str, kind: str, now: datetime.datetime | None = None) -> bool:
    """True if the number whose keyed hash is `phone_key` sent more than its allowance of `kind` requests
    in the window (the request being handled is already stored, so it counts)."""
    limit = limit_for(kind)
    if limit is None or not phone_key:
        return False
    count, seconds = limit
    since = (now or timezone.now()) - datetime.timedelta(seconds=seconds)
    recent = InboundMessage.objects.filter(phone_key=phone_key, kind=kind, received_at__gt=since)
    # Is there a (count + 1)-th request in the window? Read from the (phone_key, kind, received_at) index
    # and stopped there, instead of counting every row (a number at its limit costs the same as a quiet one).
    return recent.order_by("-received_at")[count : count + 1].exists()


def rate_limited_text() -> str:
    """The short, polite answer to a number over its limit (in the active language)."""
    return pgettext("sms", "Vous avez envoyé beaucoup de demandes. Merci de réessayer dans une heure.")
