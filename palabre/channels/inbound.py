"""Storing and dispatching inbound requests: stored first, processed once, answered the same way on retry.

`inbound_handle(gateway=..., inbound=...)`:
1. stores the request (`InboundMessage`, unique per gateway + kind + external id) in its own transaction;
   a retry finds the stored row and, if it was already answered, gets the same reply without processing;
2. refuses blocked numbers and numbers over their rate limit (stored, answered briefly, not processed);
3. calls the channel's handler inside ONE transaction that also marks the message processed and stores
   the rendered reply: the handler's writes (a complaint) and "processed" commit together or not at all,
   so a retry after a crash processes again, and a retry after success never creates a second complaint.

Handlers are found by dotted path (the channel engines live in `channels/ussd/`, `channels/sms/`,
`channels/voice/`); until an engine exists, a small default answers. Handler signature:
`handler(context: InboundContext, inbound: Inbound) -> Reply`.
"""

import functools
import hashlib
import importlib.util
import logging
from contextlib import nullcontext

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import pgettext

from palabre.channels import defaults
from palabre.channels.gateways.base import Inbound, InboundGateway
from palabre.channels.models import DeliveryReport, InboundKind, InboundMessage
from palabre.channels.phones import phone_profile
from palabre.channels.ratelimit import rate_limit_exceeded, rate_limited_text
from palabre.channels.replies import Reply
from palabre.channels.router import InboundContext
from palabre.core.choices import Channel

logger = logging.getLogger(__name__)

Status = InboundMessage.Status

# The channel engines' entry points, and the default used while an engine does not exist yet (None: the
# engine is there).
HANDLERS: dict[str, tuple[str, str | None]] = {
    "ussd": ("palabre.channels.ussd.service.handle_ussd", "palabre.channels.defaults.handle_ussd"),
    "sms": ("palabre.channels.sms.dispatch.handle_sms", None),
    "voice": ("palabre.channels.voice.service.handle_voice", "palabre.channels.defaults.handle_voice"),
    "voice_note": (
        "palabre.channels.voice.service.handle_voice_note",
        "palabre.channels.defaults.handle_voice_note",
    ),
}
CHANNEL_OF_KIND = {
    InboundKind.USSD: Channel.USSD,
    InboundKind.SMS: Channel.SMS,
    InboundKind.VOICE: Channel.VOICE,
    InboundKind.WHATSAPP: Channel.WHATSAPP,
}
EXTERNAL_ID_LENGTH = 200


def handler_for(inbound: Inbound):
    """The engine's handler for this request: WhatsApp text goes to SMS dispatch, voice notes to voice."""
    if inbound.kind == InboundKind.WHATSAPP:
        name = "voice_note" if inbound.media_id else "sms"
    else:
        name = inbound.kind
    engine_path, default_path = HANDLERS[name]
    if default_path is None or _module_exists(engine_path.rsplit(".", 1)[0]):
        return import_string(engine_path)
    return import_string(default_path)


@functools.cache  # a module does not appear or vanish while the process runs
def _module_exists(dotted: str) -> bool:
    try:
        return importlib.util.find_spec(dotted) is not None
    except ModuleNotFoundError:  # its package does not exist either
        return False


def inbound_handle(*, gateway: InboundGateway, inbound: Inbound) -> InboundMessage:
    """Store, check and process one inbound request; returns the stored message with its rendered reply."""
    message = _store(gateway.name, inbound)
    if message.is_final:
        return message
    if inbound.kind == InboundKind.DELIVERY:
        return _record_delivery(message, gateway, inbound)
    profile = phone_profile(inbound.phone)
    language = (profile.language if profile else "") or "fr"
    with translation.override(language):
        if profile is not None and profile.is_blocked:
            return _refuse(message, gateway, inbound, Status.BLOCKED, defaults.blocked_reply(inbound.kind))
        if rate_limit_exceeded(phone=inbound.phone, kind=inbound.kind):
            return _refuse(message, gateway, inbound, Status.LIMITED, Reply(text=rate_limited_text()))
        context = InboundContext(
            phone=inbound.phone,
            commune=profile.commune if profile else None,
            language=language,
            language_remembered=bool(profile and profile.language),
            channel=CHANNEL_OF_KIND[inbound.kind],
            gateway=gateway.name,
            inbound_id=message.pk,
        )
        return _process(message, gateway, inbound, context)


def _external_id(inbound: Inbound) -> str:
    """The provider's id, shortened to fit (a long USSD answer chain keeps its start and a digest)."""
    if len(inbound.external_id) <= EXTERNAL_ID_LENGTH:
        return inbound.external_id
    digest = hashlib.sha256(inbound.external_id.encode()).hexdigest()
    return inbound.external_id[: EXTERNAL_ID_LENGTH - 65] + ":" + digest


def _store(gateway_name: str, inbound: Inbound) -> InboundMessage:
    """Insert first (a new request is the common case: one query); a retry hits the unique key and
    gets the stored row."""
    key = {"gateway": gateway_name, "kind": inbound.kind, "external_id": _external_id(inbound)}
    try:
        with _alone_or_savepoint():
            return InboundMessage.objects.create(**key, phone=inbound.phone, payload=inbound.payload)
    except IntegrityError:  # a retry of a stored request (maybe stored a moment ago by a concurrent one)
        return InboundMessage.objects.get(**key)


def _alone_or_savepoint():
    """A single INSERT needs no transaction of its own (autocommit: one round trip instead of BEGIN,
    INSERT, COMMIT); inside a caller's transaction, a savepoint keeps a duplicate key from breaking it."""
    return transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext()


def _finish(message: InboundMessage, *, status: str, reply: str, commune_id=None, error: str = "") -> None:
    message.status = status
    message.reply = reply
    message.error = error
    message.processed_at = timezone.now()
    fields = ["status", "reply", "error", "processed_at"]
    if commune_id is not None:
        message.commune_id = commune_id
        fields.append("commune")
    message.save(update_fields=fields)


def _refuse(message, gateway, inbound: Inbound, status: str, reply: Reply) -> InboundMessage:
    with transaction.atomic():
        _finish(message, status=status, reply=gateway.render_reply(inbound.kind, reply))
        if status == Status.LIMITED:
            gateway.queue_reply(message=message, inbound=inbound, reply=reply)
    logger.info("Inbound %s #%s refused: %s", gateway.name, message.pk, status)
    return message


def _process(message, gateway, inbound: Inbound, context: InboundContext) -> InboundMessage:
    try:
        with transaction.atomic():
            locked = InboundMessage.objects.select_for_update().get(pk=message.pk)
            if locked.is_final:  # a concurrent retry answered it while we waited for the lock
                return locked
            reply = handler_for(inbound)(context, inbound)
            commune_id = reply.commune_id or getattr(context.commune, "pk", None)
            _finish(locked, status=Status.PROCESSED, reply=gateway.render_reply(inbound.kind, reply),
                    commune_id=commune_id)  # fmt: skip
            gateway.queue_reply(message=locked, inbound=inbound, reply=reply)
            return locked
    except Exception as error:  # any handler failure: rolled back, answered politely, retried later
        logger.exception("Inbound %s #%s failed", gateway.name, message.pk)
        sorry = Reply(text=pgettext("sms", "Désolé, une erreur est survenue. Merci de réessayer plus tard."))
        with transaction.atomic():
            _finish(message, status=Status.FAILED, reply=gateway.render_reply(inbound.kind, sorry),
                    error=repr(error)[:1000])  # fmt: skip
            gateway.queue_reply(message=message, inbound=inbound, reply=sorry, attempt="failed")
        return message


def _record_delivery(message: InboundMessage, gateway, inbound: Inbound) -> InboundMessage:
    """Keep the latest status per sent message; a final status is never replaced by an earlier one."""
    update = inbound.delivery
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
        _finish(message, status=Status.PROCESSED, reply="")
    return message
