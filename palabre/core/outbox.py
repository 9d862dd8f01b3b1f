"""The SMS outbox: messages are queued in the database, sent by the worker, retried, never sent twice.

A message goes queued -> sending (claimed by one worker with a conditional UPDATE) -> sent, or back to
queued with a later `next_attempt_at` after a gateway failure, and to failed after OUTBOX_MAX_ATTEMPTS.

Once a message is final (sent, or given up on) nothing needs its text or its number any more: both are
erased (`redacted_at` says when). What stays is that a message of that kind went out (or failed), when,
and the gateway's id its delivery reports refer to. So a copy of the database never pairs a number with a
login code, a ballot receipt, a complaint's tracking code or what an anonymous reporter was told.
"""

import datetime
import logging
import re
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from palabre.core.models import OutboundMessage

logger = logging.getLogger(__name__)

OTP_KIND = "otp"
# What a final message keeps of its number and text: nothing.
ERASED = {"to": "", "body": ""}
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
FIRST_RETRY_DELAY = datetime.timedelta(seconds=30)
LONGEST_RETRY_DELAY = datetime.timedelta(hours=1)
# A message untouched this long in queued/sending lost its worker (crash, restart): `outbox_retry` requeues
# it. Longer than any gateway call can take, so a message still being sent is never sent again.
STUCK_AFTER = datetime.timedelta(minutes=10)
Status = OutboundMessage.Status


def sms_queue(
    *,
    to: str,
    body: str,
    kind: str,
    commune_id: int | None = None,
    idempotency_key: str | None = None,
) -> OutboundMessage:
    """Queue one SMS to an E.164 number; sent by the worker after commit. Same key -> same message."""
    if not E164.match(to):
        raise ValueError(f"Not an E.164 phone number: {to!r}")
    fields = {"to": to, "body": body, "kind": kind, "commune_id": commune_id}
    with transaction.atomic():
        if idempotency_key is None:
            message, created = OutboundMessage.objects.create(**fields), True
        else:
            message, created = OutboundMessage.objects.get_or_create(
                idempotency_key=idempotency_key, defaults=fields
            )
        if created:
            transaction.on_commit(partial(_enqueue_send, message.pk))
    return message


def outbox_forget_phone(*, phone: str) -> int:
    """Erase a person's number and texts from the outbox; what was not sent yet never will be."""
    now = timezone.now()
    with transaction.atomic():
        messages = OutboundMessage.objects.filter(to=phone)
        messages.filter(status=Status.QUEUED).update(status=Status.FAILED, last_error="recipient forgotten")
        return messages.update(**ERASED, redacted_at=now)


def outbox_phone_eraser(phone: str, *, user_id: int | None = None) -> int:
    """The outbox's part of `core.personal_data.phone_erase_everywhere` (registered by CoreConfig)."""
    return outbox_forget_phone(phone=phone)


def outbox_erase_final(*, now: datetime.datetime | None = None) -> int:
    """Erase the number and text of final messages that still hold them (messages made final before
    final messages were erased at once). Idempotent: returns how many were erased."""
    final = OutboundMessage.objects.filter(status__in=(Status.SENT, Status.FAILED))
    held = final.exclude(to="", body="")
    return held.update(**ERASED, redacted_at=now or timezone.now())


def outbox_requeue_stuck(*, now: datetime.datetime | None = None) -> int:
    """Hand again to the worker the messages whose worker vanished. Idempotent: returns how many."""
    now = now or timezone.now()
    cutoff = now - STUCK_AFTER
    stuck = OutboundMessage.objects.filter(
        Q(status=Status.QUEUED, next_attempt_at__lt=cutoff) | Q(status=Status.SENDING, claimed_at__lt=cutoff)
    )
    requeued = 0
    for message_id in stuck.values_list("id", flat=True):
        with transaction.atomic():
            changed = (
                OutboundMessage.objects.filter(pk=message_id)
                .filter(
                    Q(status=Status.QUEUED, next_attempt_at__lt=cutoff)
                    | Q(status=Status.SENDING, claimed_at__lt=cutoff)
                )
                .update(status=Status.QUEUED, next_attempt_at=now, claimed_at=None)
            )
            if changed:
                transaction.on_commit(partial(_enqueue_send, message_id))
                requeued += 1
    return requeued


def gateway_path(kind: str) -> str:
    """The gateway a message of `kind` goes through: the SMS gateway, unless setting OUTBOX_GATEWAYS names
    another for that kind (replies to WhatsApp messages go back through WhatsApp)."""
    return settings.OUTBOX_GATEWAYS.get(kind, settings.SMS_GATEWAY)


def outbox_deliver(*, message_id: int) -> str:
    """One attempt to send a message (what the worker's task does). Returns the message's new status."""
    message = _claim(message_id)
    if message is None:
        return "not-claimed"
    try:
        result = import_string(gateway_path(message.kind))().send(
            to=message.to, body=message.body, reference=str(message.pk)
        )
    except Exception as error:  # any gateway failure, expected or not, is one failed attempt
        logger.warning("SMS %s: attempt %s failed: %r", message.pk, message.attempts, error)
        return _record_failure(message, error)
    _mark_sent(message, str(result.message_id))
    return Status.SENT


def _claim(message_id: int) -> OutboundMessage | None:
    """Atomically take a queued message for this worker; None if another worker has it or it is done."""
    claimed = OutboundMessage.objects.filter(pk=message_id, status=Status.QUEUED).update(
        status=Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    return OutboundMessage.objects.get(pk=message_id) if claimed else None


def _mark_sent(message: OutboundMessage, gateway_message_id: str) -> None:
    now = timezone.now()
    update = {"status": Status.SENT, "sent_at": now, "gateway_message_id": gateway_message_id}
    update |= ERASED | {"redacted_at": now}
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(**update, last_error="")


def _record_failure(message: OutboundMessage, error: Exception) -> str:
    now = timezone.now()
    update: dict[str, object] = {"last_error": repr(error)[:1000], "claimed_at": None}
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        update |= {"status": Status.FAILED, **ERASED, "redacted_at": now}
        OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(**update)
        return Status.FAILED
    next_attempt_at = now + retry_delay(message.attempts)
    update |= {"status": Status.QUEUED, "next_attempt_at": next_attempt_at}
    OutboundMessage.objects.filter(pk=message.pk, status=Status.SENDING).update(**update)
    _enqueue_send(message.pk, run_after=next_attempt_at)
    return Status.QUEUED


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential backoff: 30 s after the first failure, then 1 min, 2 min... at most one hour."""
    return min(FIRST_RETRY_DELAY * 2 ** (attempts - 1), LONGEST_RETRY_DELAY)


def _enqueue_send(message_id: int, run_after: datetime.datetime | None = None) -> None:
    """Hand the message to the worker (the immediate backend of development cannot defer: it runs now)."""
    from palabre.core.tasks import send_outbound_message  # the task module imports this one

    task = send_outbound_message
    if run_after is not None and task.get_backend().supports_defer:
        task = task.using(run_after=run_after)
    task.enqueue(message_id)
