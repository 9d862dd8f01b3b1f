"""Storing and dispatching inbound requests: stored first, processed once, and forgotten.

`inbound_handle(gateway=..., inbound=...)`:
1. stores the request (`InboundMessage`, unique per gateway + kind + keyed hash of the provider's id) in
   its own transaction; a retry finds the stored row and, if it was already answered, is not processed
   again (it gets a short "already received" answer: replies are not stored);
2. refuses blocked numbers and numbers over their rate limit (stored, answered briefly, not processed);
3. calls the channel's handler inside ONE transaction that also marks the message processed: the
   handler's writes (a complaint) and "processed" commit together or not at all, so a retry after a crash
   processes again, and a retry after success never creates a second complaint.

What is kept of a request: its gateway, kind, status, times, commune and two keyed hashes (of the provider's
id and of the number), never its text, payload or reply (they may hold a complaint's description, a
ballot or a receipt code). A service that filed something whose sender must stay untraceable (an
anonymous complaint) calls `palabre.channels.privacy.caller_forget()`: the number's hash is then erased
from this request and the caller's recent ones. `inbound_sweep` deletes rows after the retention period.

Handlers are found by dotted path (the channel engines live in `channels/ussd/`, `channels/sms/`,
`channels/voice/`, which import this module). Handler signature:
`handler(context: InboundContext, inbound: Inbound) -> Reply`.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import pgettext

from palabre.channels import privacy
from palabre.channels.gateways.base import Inbound, InboundGateway
from palabre.channels.models import DeliveryReport, InboundKind, InboundMessage
from palabre.channels.phones import phone_profile
from palabre.channels.ratelimit import rate_limit_exceeded, rate_limited_text
from palabre.channels.replies import Reply, Say
from palabre.channels.router import InboundContext
from palabre.core.choices import Channel
from palabre.core.keyed import keyed_hash, phone_key
from palabre.territory.models import Commune

logger = logging.getLogger(__name__)

Status = InboundMessage.Status

# The channel engines' entry points (dotted paths: the engines import this module).
HANDLERS: dict[str, str] = {
    "ussd": "palabre.channels.ussd.service.handle_ussd",
    "sms": "palabre.channels.sms.dispatch.handle_sms",
    "voice": "palabre.channels.voice.service.handle_voice",
    "voice_note": "palabre.channels.voice.service.handle_voice_note",
}
# Longer texts are refused before any work: a long SMS is ~1,000 characters, a WhatsApp message up to 4,096.
MAX_TEXT_LENGTH = 5000
# Runs of one step that met a concurrent SQLite writer before it is run holding the write lock throughout.
STEP_ATTEMPTS = 2
# What answers a retry of a request already handled, where the protocol needs an answer (a screen).
REDISPLAYS: dict[str, str] = {
    InboundKind.USSD: "palabre.channels.ussd.service.redisplay_ussd",
    InboundKind.VOICE: "palabre.channels.voice.service.redisplay_voice",
}
CHANNEL_OF_KIND: dict[str, str] = {
    InboundKind.USSD: Channel.USSD,
    InboundKind.SMS: Channel.SMS,
    InboundKind.VOICE: Channel.VOICE,
    InboundKind.WHATSAPP: Channel.WHATSAPP,
}


def handler_for(inbound: Inbound) -> Callable[[InboundContext, Inbound], Reply]:
    """The engine's handler for this request: WhatsApp text goes to SMS dispatch, voice notes to voice."""
    if inbound.kind == InboundKind.WHATSAPP:
        name = "voice_note" if inbound.media_id else "sms"
    else:
        name = inbound.kind
    return import_string(HANDLERS[name])


@dataclass(frozen=True)
class Handled:
    """A request once handled: its stored row and the rendered answer for the HTTP response (the answer
    itself is never stored)."""

    message: InboundMessage
    reply: str


def inbound_handle(*, gateway: InboundGateway, inbound: Inbound) -> Handled:
    """Store, check and process one inbound request; returns the stored row and the rendered reply."""
    key = phone_key(inbound.phone)
    message = _store(gateway.name, inbound, key)
    if message.is_final and message.status not in REFUSALS:
        return Handled(message, _already_received(gateway, inbound))
    if inbound.kind == InboundKind.DELIVERY:
        return Handled(_record_delivery(message, gateway, inbound), "")
    profile = phone_profile(inbound.phone)
    language = (profile.language if profile else "") or "fr"
    with translation.override(language):
        if message.is_final:  # a retry of a refused request: the same refusal, nothing done
            return Handled(
                message, gateway.render_reply(inbound.kind, _refusal(message.status, inbound.kind))
            )
        if profile is not None and profile.is_blocked:
            return _refuse(message, gateway, inbound, Status.BLOCKED)
        if rate_limit_exceeded(phone_key=key, kind=inbound.kind):
            return _refuse(message, gateway, inbound, Status.LIMITED)
        if len(inbound.text) > MAX_TEXT_LENGTH:
            return _refuse(message, gateway, inbound, Status.TOO_LONG)
        bound = inbound.commune_id is not None  # the gateway account that authenticated it is a commune's
        context = InboundContext(
            phone=inbound.phone,
            commune=(
                Commune.objects.filter(pk=inbound.commune_id).first()
                if inbound.commune_id is not None
                else (profile.commune if profile else None)
            ),
            language=language,
            language_remembered=bool(profile and profile.language),
            channel=CHANNEL_OF_KIND[inbound.kind],
            gateway=gateway.name,
            inbound_id=message.pk,
            commune_bound=bound,
        )
        return _process(message, gateway, inbound, context)


def dedupe_key(gateway_name: str, inbound: Inbound) -> str:
    """The keyed hash by which a retry of the same request finds its row (the id itself is not kept)."""
    return keyed_hash(f"{gateway_name}:{inbound.kind}:{inbound.external_id}", purpose="channels.inbound")


def _store(gateway_name: str, inbound: Inbound, key: str) -> InboundMessage:
    """Insert first (a new request is the common case: one query); a retry hits the unique key and
    gets the stored row."""
    unique = {"gateway": gateway_name, "kind": inbound.kind, "dedupe_key": dedupe_key(gateway_name, inbound)}
    try:
        with _alone_or_savepoint():
            return InboundMessage.objects.create(**unique, phone_key=key)
    except IntegrityError:  # a retry of a stored request (maybe stored a moment ago by a concurrent one)
        return InboundMessage.objects.get(**unique)


def _alone_or_savepoint() -> AbstractContextManager[Any]:
    """A single INSERT needs no transaction of its own (autocommit: one round trip instead of BEGIN,
    INSERT, COMMIT); inside a caller's transaction, a savepoint keeps a duplicate key from breaking it."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def _already_received(gateway: InboundGateway, inbound: Inbound) -> str:
    """The answer to a retry of a request already answered (replies are not stored): the USSD screen or
    voice question the session is at, else a short notice where the protocol needs one (USSD, voice), and
    nothing where the first answer went by SMS (it was sent once)."""
    redisplay = REDISPLAYS.get(inbound.kind)
    reply = import_string(redisplay)(gateway=gateway.name, inbound=inbound) if redisplay else None
    if reply is None and inbound.kind in REDISPLAYS:
        text = pgettext("sms", "Votre demande a déjà été reçue. Merci.")
        reply = Reply(text=text, voice=(Say(text=text),) if inbound.kind == InboundKind.VOICE else ())
    return gateway.render_reply(inbound.kind, reply or Reply())


def _finish(message: InboundMessage, *, status: str, commune_id: int | None = None, error: str = "") -> None:
    message.status = status
    message.error = error
    message.processed_at = timezone.now()
    fields = ["status", "error", "processed_at"]
    if commune_id is not None:
        message.commune_id = commune_id
        fields.append("commune")
    message.save(update_fields=fields)


REFUSALS = frozenset({Status.BLOCKED, Status.LIMITED, Status.TOO_LONG})


def _refusal(status: str, kind: str) -> Reply:
    """The short answer to a request refused with `status` (the same on a retry)."""
    if status == Status.BLOCKED:
        return _blocked_reply(kind)
    if status == Status.LIMITED:
        return Reply(text=rate_limited_text())
    return Reply(text=pgettext("sms", "Votre message est trop long. Merci de l'écrire plus court."))


def _blocked_reply(kind: str) -> Reply:
    """Blocked numbers get no text by SMS or WhatsApp (no cost, no argument); USSD and voice need one."""
    if kind in (InboundKind.SMS, InboundKind.WHATSAPP):
        return Reply()
    text = pgettext("sms", "Ce numéro ne peut plus utiliser ce service. Contactez votre mairie.")
    if kind == InboundKind.VOICE:
        return Reply(voice=(Say(text=text),))
    return Reply(text=text)


def _refuse(message: InboundMessage, gateway: InboundGateway, inbound: Inbound, status: str) -> Handled:
    reply = _refusal(status, inbound.kind)
    with transaction.atomic():
        _finish(message, status=status)
        if status in (Status.LIMITED, Status.TOO_LONG):
            gateway.queue_reply(message=message, inbound=inbound, reply=reply)
    logger.info("Inbound %s #%s refused: %s", gateway.name, message.pk, status)
    return Handled(message, gateway.render_reply(inbound.kind, reply))


def _process(
    message: InboundMessage, gateway: InboundGateway, inbound: Inbound, context: InboundContext
) -> Handled:
    try:
        for _attempt in range(1, STEP_ATTEMPTS):
            try:
                return _process_once(message, gateway, inbound, context, deferred=True)
            except OperationalError as error:
                if "database is locked" not in str(error):
                    raise
        return _process_once(message, gateway, inbound, context, deferred=False)
    except Exception as error:  # any handler failure: rolled back, answered politely, retried later
        logger.exception("Inbound %s #%s failed", gateway.name, message.pk)
        sorry = Reply(text=pgettext("sms", "Désolé, une erreur est survenue. Merci de réessayer plus tard."))
        with transaction.atomic():
            _finish(message, status=Status.FAILED, error=type(error).__name__[:100])
            gateway.queue_reply(message=message, inbound=inbound, reply=sorry, attempt="failed")
        return Handled(message, gateway.render_reply(inbound.kind, sorry))


def _process_once(
    message: InboundMessage,
    gateway: InboundGateway,
    inbound: Inbound,
    context: InboundContext,
    *,
    deferred: bool,
) -> Handled:
    with _step_transaction(deferred=deferred), privacy.forgetting() as forget:
        locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
        if locked.is_final:  # a concurrent retry answered it while we waited for the lock
            return Handled(locked, _already_received(gateway, inbound))
        reply = handler_for(inbound)(context, inbound)
        commune_id = reply.commune_id or getattr(context.commune, "pk", None)
        _finish(locked, status=Status.PROCESSED, commune_id=commune_id)
        gateway.queue_reply(message=locked, inbound=inbound, reply=reply)
        if forget.requested:
            privacy.forget_recent_requests(message=locked)
        return Handled(locked, gateway.render_reply(inbound.kind, reply))


@contextmanager
def _step_transaction(*, deferred: bool) -> Iterator[None]:
    """The step's one transaction. On SQLite (whose write lock is the whole database's) a `deferred` one
    begins DEFERRED: the step's reads, its screens built, take no lock, and the write lock is taken by its
    first write, near the end. A writer that committed in between makes that write fail at once ("database
    is locked", SQLITE_BUSY_SNAPSHOT): `_process` then runs the step again, the last time as configured
    (IMMEDIATE: holding the lock from the start, waiting for it if need be)."""
    connection = transaction.get_connection()
    if not (deferred and connection.vendor == "sqlite" and not connection.in_atomic_block):
        with transaction.atomic():
            yield
        return
    connection.ensure_connection()
    configured = connection.transaction_mode
    connection.transaction_mode = "DEFERRED"
    try:
        with transaction.atomic():
            connection.transaction_mode = configured  # BEGIN DEFERRED is sent: the next ones as configured
            yield
    finally:
        connection.transaction_mode = configured


def _record_delivery(message: InboundMessage, gateway: InboundGateway, inbound: Inbound) -> InboundMessage:
    """Keep the latest status per sent message; a final status is never replaced by an earlier one."""
    update = inbound.delivery
    if update is None:  # a gateway parses every delivery report with its update
        raise ValueError("a delivery report without its update")
    with transaction.atomic():
        report, created = DeliveryReport.objects.select_for_update().get_or_create(
            gateway=gateway.name,
            gateway_message_id=update.gateway_message_id,
            defaults={
                "status": update.status,
                "failure_reason": update.failure_reason,
                "is_delivered": update.is_delivered,
                "is_final": update.is_final,
            },
        )
        if not created and not report.is_final:
            report.status = update.status
            report.failure_reason = update.failure_reason
            report.is_delivered = update.is_delivered
            report.is_final = update.is_final
            report.reported_at = timezone.now()
            report.save()
        _finish(message, status=Status.PROCESSED)
    return message
