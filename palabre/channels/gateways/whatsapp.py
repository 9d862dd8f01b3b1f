"""WhatsApp Cloud API: the webhook subscription handshake, `X-Hub-Signature-256` checks, text and voice-note
messages, message statuses, and sending text messages.

Handshake: Meta GETs the webhook with `hub.mode=subscribe`, `hub.verify_token` and `hub.challenge`; we
answer the challenge when the token is the `webhook_token` of an active WhatsApp credential. Every POST
carries `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`. One POST may
carry several messages and statuses (`entry[].changes[].value.messages[]` / `.statuses[]`). A voice note is
kept as its media id (downloading it is the voice engine's job). Replies go through the outbox (kind
`whatsapp.reply`, sent by this gateway: once, retried, then erased); the HTTP answer is empty.
"""

import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from palabre.channels.credentials import active_credentials, credential_for
from palabre.channels.gateways.base import (
    Callback,
    DeliveryUpdate,
    GatewayError,
    GatewaySetup,
    Inbound,
    InboundRejected,
    SendResult,
    credential_secrets,
    e164,
    queue_sms_reply,
)
from palabre.channels.gateways.http import Transport, UrllibTransport, as_dict
from palabre.channels.models import InboundKind
from palabre.channels.replies import Reply

REPLY_KIND = "whatsapp.reply"

API_URL = "https://graph.facebook.com/v21.0/{phone_number_id}/messages"
SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
SIGNATURE_PREFIX = "sha256="
FINAL_STATUSES = {"delivered", "read", "failed"}
DELIVERED_STATUSES = {"delivered", "read"}
AUDIO_TYPES = {"audio", "voice"}
# What we keep of a field: a message is at most 4,096 characters on WhatsApp; ids are far shorter.
TEXT_MAX = 4096
ID_MAX = 200

logger = logging.getLogger("palabre.channels.webhooks")


def hub_signature(app_secret: str, body: bytes) -> str:
    """What Meta puts in X-Hub-Signature-256 for `body`."""
    return SIGNATURE_PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class WhatsAppGateway:
    name = "whatsapp"
    title = "WhatsApp Cloud API"
    kinds = frozenset({InboundKind.WHATSAPP})

    def __init__(self, transport: Transport | None = None):
        self.transport = transport or UrllibTransport()

    def send(self, *, to: str, body: str, reference: str) -> SendResult:
        credential = credential_for(self.name)
        if credential is None or not credential.secret:
            raise GatewayError("No WhatsApp credential configured")
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": to.removeprefix("+"),
            "type": "text",
            "text": {"preview_url": False, "body": body},
        }
        headers = {"Authorization": f"Bearer {credential.secret}"}
        url = API_URL.format(phone_number_id=credential.username)
        status, answer = self.transport.post(url, json_body=payload, headers=headers)
        messages = as_dict(answer).get("messages") or []
        if status >= 300 or not messages:
            error = (as_dict(answer).get("error") or {}).get("code")
            raise GatewayError(f"WhatsApp refused the message (HTTP {status}, code {error})")
        return SendResult(message_id=messages[0]["id"])

    def setup(self) -> GatewaySetup:
        labels = {
            "signing_secret": gettext("Secret de l'application (app secret : signe les requêtes)"),
            "webhook_token": gettext("Jeton de vérification (verify token de l'abonnement)"),
            "secret": gettext("Jeton d'accès (access token : envoi des messages)"),
        }
        return GatewaySetup(
            callbacks=(
                Callback(
                    gettext("Webhook (messages et statuts)"),
                    reverse("webhooks:whatsapp"),
                    methods="GET, POST",
                ),
            ),
            secrets=credential_secrets(self.name, self.title, labels),
        )

    def handshake(self, request: HttpRequest) -> str | None:
        """The challenge to echo if the subscription request carries our verify token, else None."""
        if request.GET.get("hub.mode") != "subscribe":
            return None
        token = request.GET.get("hub.verify_token", "")
        tokens = [credential.webhook_token for credential in active_credentials(self.name)]
        if not any(expected and hmac.compare_digest(token, expected) for expected in tokens):
            return None
        return request.GET.get("hub.challenge", "")

    def verify(self, request: HttpRequest) -> bool:
        signature = request.META.get(SIGNATURE_HEADER, "")
        if not signature.startswith(SIGNATURE_PREFIX):
            return False
        return any(
            hmac.compare_digest(hub_signature(credential.signing_secret, request.body), signature)
            for credential in active_credentials(self.name)
            if credential.signing_secret
        )

    def parse_inbound(self, request: HttpRequest, kind: str) -> list[Inbound]:
        """The messages and statuses of a signed POST. A body that is not a JSON object is refused (400); any
        part of unexpected shape (`{"entry": 5}`, `messages: ["x"]`, an integer `from`, no `text.body`...) is
        logged and skipped, so that Meta gets a 200 and does not retry it forever."""
        try:
            document = json.loads(request.body)
        except ValueError as error:
            raise InboundRejected("body is not JSON") from error
        if not isinstance(document, dict):
            raise InboundRejected("body is not a JSON object")
        inbounds = []
        for value in _values(document):
            inbounds += _each(_message, value.get("messages"), "message")
            inbounds += _each(_status, value.get("statuses"), "status")
        return inbounds

    def render_reply(self, kind: str, reply: Reply) -> str:
        return reply.text

    def content_type(self, kind: str) -> str:
        return "text/plain; charset=utf-8"

    def response_body(self, kind: str, rendered: str) -> str:
        return ""

    def queue_reply(self, *, message, inbound: Inbound, reply: Reply, attempt: str = "") -> None:
        """Through the outbox (kind `whatsapp.reply`, which setting OUTBOX_GATEWAYS sends by WhatsApp):
        sent once, retried, and its number and text erased once sent."""
        if reply.text and inbound.kind == InboundKind.WHATSAPP:
            queue_sms_reply(message=message, inbound=inbound, reply=reply, attempt=attempt, kind=REPLY_KIND)


class UnexpectedShape(InboundRejected):
    """A part of a signed payload that is not what the Cloud API sends: skipped (and logged), never a 500."""


def _as_list(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise UnexpectedShape(f"{where} is not a list")
    return value


def _as_dict(value: Any, where: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise UnexpectedShape(f"{where} is not an object")
    return value


def _as_text(value: Any, where: str, *, max_length: int = TEXT_MAX) -> str:
    """A string field, without NUL bytes (PostgreSQL text columns refuse them) and at most `max_length`."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise UnexpectedShape(f"{where} is not a string")
    return value.replace("\x00", "")[:max_length]


def _each(read: Callable[[Any], Inbound], items: Any, what: str) -> list[Inbound]:
    try:
        items = _as_list(items, f"{what}s")
    except UnexpectedShape as error:
        logger.info("Ignored WhatsApp %ss: %s", what, error)
        return []
    inbounds = []
    for item in items:
        try:
            inbounds.append(read(item))
        except InboundRejected as error:
            logger.info("Ignored a WhatsApp %s: %s", what, error)
    return inbounds


def _values(document: dict) -> list[dict]:
    """The `value` objects of `entry[].changes[]`; parts of another shape are logged and skipped."""
    values = []
    try:
        entries = _as_list(document.get("entry"), "entry")
    except UnexpectedShape as error:
        logger.info("Ignored a WhatsApp payload: %s", error)
        return []
    for entry in entries:
        try:
            changes = _as_list(_as_dict(entry, "entry[]").get("changes"), "changes")
        except UnexpectedShape as error:
            logger.info("Ignored a WhatsApp entry: %s", error)
            continue
        for change in changes:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict):
                values.append(value)
            else:
                logger.info("Ignored a WhatsApp change without a value object")
    return values


def _message(item: Any) -> Inbound:
    item = _as_dict(item, "message")
    message_type = _as_text(item.get("type"), "type", max_length=ID_MAX)
    media = _as_dict(item.get(message_type), message_type) if message_type in AUDIO_TYPES else {}
    media_id = _as_text(media.get("id"), "media id", max_length=ID_MAX)
    text = _text_of(item, message_type)
    wamid = _as_text(item.get("id"), "id", max_length=ID_MAX)
    sender = _as_text(item.get("from"), "from", max_length=ID_MAX)
    if not wamid or not sender:
        raise InboundRejected("message without id or sender")
    if message_type == "text" and not text:
        raise UnexpectedShape("text message without text.body")
    timestamp = item.get("timestamp")
    return Inbound(
        kind=InboundKind.WHATSAPP,
        external_id=wamid,
        phone=e164(sender),
        text=text,
        media_id=media_id,
        payload={
            "type": message_type,
            "text": text,
            "media_id": media_id,
            "mime_type": _as_text(media.get("mime_type"), "mime_type", max_length=ID_MAX),
            "timestamp": str(timestamp)[:ID_MAX] if isinstance(timestamp, str | int) else "",
        },
    )


def _text_of(item: dict, message_type: str) -> str:
    if message_type == "text":
        return _as_text(_as_dict(item.get("text"), "text").get("body"), "text.body")
    if message_type == "button":
        return _as_text(_as_dict(item.get("button"), "button").get("text"), "button.text")
    if message_type == "interactive":
        interactive = _as_dict(item.get("interactive"), "interactive")
        chosen = interactive.get("button_reply") or interactive.get("list_reply")
        return _as_text(_as_dict(chosen, "interactive reply").get("title"), "interactive title")
    return ""


def _status(item: Any) -> Inbound:
    item = _as_dict(item, "status")
    wamid = _as_text(item.get("id"), "id", max_length=ID_MAX)
    status = _as_text(item.get("status"), "status", max_length=ID_MAX)
    if not wamid or not status:
        raise InboundRejected("status without id")
    errors = _as_list(item.get("errors"), "errors") or [{}]
    code = _as_dict(errors[0], "errors[]").get("code", "")
    update = DeliveryUpdate(
        gateway_message_id=wamid,
        status=status,
        is_delivered=status in DELIVERED_STATUSES,
        is_final=status in FINAL_STATUSES,
        failure_reason=_as_text(code if isinstance(code, str) else str(code), "code", max_length=ID_MAX),
    )
    recipient = _as_text(item.get("recipient_id"), "recipient_id", max_length=ID_MAX)
    return Inbound(
        kind=InboundKind.DELIVERY,
        external_id=f"{wamid}:{status}",
        phone=e164(recipient) if recipient else "",
        payload={"status": status, "failure_reason": update.failure_reason},
        delivery=update,
    )
