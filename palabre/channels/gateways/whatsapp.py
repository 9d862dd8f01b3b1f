"""WhatsApp Cloud API: the webhook subscription handshake, `X-Hub-Signature-256` checks, text and voice-note
messages, message statuses, and sending text messages.

Handshake: Meta GETs the webhook with `hub.mode=subscribe`, `hub.verify_token` and `hub.challenge`; we
answer the challenge when the token is the `webhook_token` of an active WhatsApp credential. Every POST
carries `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`. One POST may
carry several messages and statuses (`entry[].changes[].value.messages[]` / `.statuses[]`). A voice note is
kept as its media id (downloading it is the voice engine's job). Replies are sent through the API after
commit (`channels.tasks.send_whatsapp_reply`); the HTTP answer is empty.
"""

import hashlib
import hmac
import json
from functools import partial

from django.db import transaction
from django.http import HttpRequest

from palabre.channels.credentials import active_credentials, credential_for
from palabre.channels.gateways.base import (
    DeliveryUpdate,
    GatewayError,
    Inbound,
    InboundRejected,
    SendResult,
    e164,
)
from palabre.channels.gateways.http import Transport, UrllibTransport, as_dict
from palabre.channels.models import InboundKind
from palabre.channels.replies import Reply

API_URL = "https://graph.facebook.com/v21.0/{phone_number_id}/messages"
SIGNATURE_HEADER = "HTTP_X_HUB_SIGNATURE_256"
SIGNATURE_PREFIX = "sha256="
FINAL_STATUSES = {"delivered", "read", "failed"}
DELIVERED_STATUSES = {"delivered", "read"}
AUDIO_TYPES = {"audio", "voice"}


def hub_signature(app_secret: str, body: bytes) -> str:
    """What Meta puts in X-Hub-Signature-256 for `body`."""
    return SIGNATURE_PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class WhatsAppGateway:
    name = "whatsapp"
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
        try:
            document = json.loads(request.body)
        except ValueError as error:
            raise InboundRejected("body is not JSON") from error
        if not isinstance(document, dict):
            raise InboundRejected("body is not a JSON object")
        inbounds = []
        for value in _values(document):
            inbounds += [_message(item) for item in value.get("messages") or []]
            inbounds += [_status(item) for item in value.get("statuses") or []]
        return inbounds

    def render_reply(self, kind: str, reply: Reply) -> str:
        return reply.text

    def content_type(self, kind: str) -> str:
        return "text/plain; charset=utf-8"

    def response_body(self, kind: str, rendered: str) -> str:
        return ""

    def queue_reply(self, *, message, inbound: Inbound, reply: Reply, attempt: str = "") -> None:
        if reply.text and inbound.kind == InboundKind.WHATSAPP:
            transaction.on_commit(partial(_enqueue_reply, message.pk))


def _enqueue_reply(inbound_id: int) -> None:
    from palabre.channels.tasks import send_whatsapp_reply  # the task module imports this one

    send_whatsapp_reply.enqueue(inbound_id)


def _values(document: dict) -> list[dict]:
    values = []
    for entry in document.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value")
            if isinstance(value, dict):
                values.append(value)
    return values


def _message(item: dict) -> Inbound:
    message_type = item.get("type", "")
    media = item.get(message_type) if message_type in AUDIO_TYPES else None
    media_id = (media or {}).get("id", "")
    text = _text_of(item, message_type)
    if not item.get("id") or not item.get("from"):
        raise InboundRejected("message without id or sender")
    return Inbound(
        kind=InboundKind.WHATSAPP,
        external_id=item["id"],
        phone=e164(item["from"]),
        text=text,
        media_id=media_id,
        payload={
            "type": message_type,
            "text": text,
            "media_id": media_id,
            "mime_type": (media or {}).get("mime_type", ""),
            "timestamp": item.get("timestamp", ""),
        },
    )


def _text_of(item: dict, message_type: str) -> str:
    if message_type == "text":
        return (item.get("text") or {}).get("body", "")
    if message_type == "button":
        return (item.get("button") or {}).get("text", "")
    if message_type == "interactive":
        interactive = item.get("interactive") or {}
        chosen = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return chosen.get("title", "")
    return ""


def _status(item: dict) -> Inbound:
    wamid, status = item.get("id"), item.get("status")
    if not wamid or not status:
        raise InboundRejected("status without id")
    errors = item.get("errors") or [{}]
    update = DeliveryUpdate(
        gateway_message_id=wamid,
        status=status,
        is_delivered=status in DELIVERED_STATUSES,
        is_final=status in FINAL_STATUSES,
        failure_reason=str(errors[0].get("code", "")),
    )
    recipient = item.get("recipient_id", "")
    return Inbound(
        kind=InboundKind.DELIVERY,
        external_id=f"{wamid}:{status}",
        phone=e164(recipient) if recipient else "",
        payload={"status": status, "failure_reason": update.failure_reason},
        delivery=update,
    )
