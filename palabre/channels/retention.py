"""How long the channels keep traces of requests: the inbound log and finished voice calls for
PALABRE_INBOUND_RETENTION_DAYS (the rate limits look one hour back, the staff page a few days, a retried
voice callback comes within minutes), USSD sessions for the resume window only."""

import datetime

from django.conf import settings
from django.utils import timezone

from palabre.channels.models import InboundMessage, VoiceCall
from palabre.channels.ussd.sessions import sessions_expire


def inbound_sweep(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Delete inbound requests and voice calls (but those whose recording still waits to be fetched)
    older than the retention period, and USSD sessions past the resume window. Idempotent: run it from
    cron or `scripts/serve` (every few minutes)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.INBOUND_RETENTION_DAYS)
    inbound, _per_model = InboundMessage.objects.filter(received_at__lt=since).delete()
    calls = VoiceCall.objects.filter(updated_at__lt=since).exclude(
        recording_status=VoiceCall.RecordingStatus.PENDING
    )
    voice, _per_model = calls.delete()
    return {
        "inbound_deleted": inbound,
        "voice_calls_deleted": voice,
        "ussd_sessions_deleted": sessions_expire(now=now),
    }
