"""Twilio-compatible SMS: the inbound webhook (`From`, `To`, `Body`, `MessageSid`, `NumMedia`), status
callbacks, `X-Twilio-Signature` validation and outbound SMS through the REST API.

The signature is base64(HMAC-SHA1(auth token, full URL + every POST parameter name and value, sorted by
name)). A request is genuine only if it is signed with the auth token of the credential that owns OUR number
in it: the number the SMS was sent `To` (a status callback: the number it was sent `From`, or the messaging
service), compared in E.164 with the credential's `sender`. So one commune's token authenticates only
messages to that commune's number, and a platform-wide credential (no commune) only messages to its own
number. The commune of that credential is then the commune the message is processed in
(`Inbound.commune_id`). Replies are TwiML: `<Response><Message>...</Message></Response>`.
"""

import base64
import hashlib
import hmac
import xml.etree.ElementTree as ET

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from palabre.channels.credentials import ResolvedCredential, active_credentials, credential_for
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
    required,
)
from palabre.channels.gateways.http import Transport, UrllibTransport, as_dict
from palabre.channels.models import InboundKind
from palabre.channels.replies import Reply

API_URL = "https://api.twilio.com/2010-04-01/Accounts/{account}/Messages.json"
SIGNATURE_HEADER = "HTTP_X_TWILIO_SIGNATURE"
FINAL_STATUSES = {"delivered", "undelivered", "failed", "read"}
DELIVERED_STATUSES = {"delivered", "read"}
MESSAGING_SERVICE_PREFIX = "MG"


def twilio_signature(auth_token: str, url: str, params: dict[str, list[str]]) -> str:
    """What Twilio puts in X-Twilio-Signature for a POST to `url` with `params` (name -> values)."""
    signed = url + "".join(name + value for name in sorted(params) for value in params[name])
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class TwilioGateway:
    name = "twilio"
    title = "Twilio"
    kinds = frozenset({InboundKind.SMS, InboundKind.DELIVERY})

    def __init__(self, transport: Transport | None = None):
        self.transport = transport or UrllibTransport()

    def send(self, *, to: str, body: str, reference: str) -> SendResult:
        credential = credential_for(self.name)
        if credential is None or not credential.secret:
            raise GatewayError("No Twilio credential configured")
        form = {"To": to, "Body": body}
        sender_field = (
            "MessagingServiceSid" if credential.sender.startswith(MESSAGING_SERVICE_PREFIX) else "From"
        )
        form[sender_field] = credential.sender
        basic = base64.b64encode(f"{credential.username}:{credential.secret}".encode()).decode()
        headers = {"Authorization": f"Basic {basic}", "Accept": "application/json"}
        status, answer = self.transport.post(
            API_URL.format(account=credential.username), form=form, headers=headers
        )
        if status >= 300 or not as_dict(answer).get("sid"):
            raise GatewayError(
                f"Twilio refused the message (HTTP {status}, code {as_dict(answer).get('code')})"
            )
        return SendResult(message_id=answer["sid"])

    def setup(self) -> GatewaySetup:
        def route(kind: str) -> str:
            return reverse("webhooks:inbound", kwargs={"gateway_name": self.name, "kind": kind})

        return GatewaySetup(
            callbacks=(
                Callback(gettext("SMS reçus (messaging webhook)"), route(InboundKind.SMS)),
                Callback(gettext("Suivi des envois (status callback)"), route(InboundKind.DELIVERY)),
            ),
            secrets=credential_secrets(
                self.name,
                self.title,
                {"secret": gettext("Jeton d'authentification (auth token : signe les requêtes)")},
            ),
            note=gettext(
                "Chaque compte signe les requêtes adressées à son propre numéro (champ « expéditeur ») : "
                "une requête à un numéro sans compte actif est refusée."
            ),
        )

    def verify(self, request: HttpRequest) -> bool:
        """Signed with the auth token of the credential owning our number in the request (see above)."""
        return verified_credential(request) is not None

    def parse_inbound(self, request: HttpRequest, kind: str) -> list[Inbound]:
        data = request.POST
        credential = verified_credential(request)
        commune_id = credential.commune_id if credential is not None else None
        if kind == InboundKind.SMS:
            return [_parse_sms(data, commune_id=commune_id)]
        if kind == InboundKind.DELIVERY:
            return [_parse_status(data)]
        raise InboundRejected(f"unknown kind {kind}")

    def render_reply(self, kind: str, reply: Reply) -> str:
        response = ET.Element("Response")
        if kind == InboundKind.SMS and reply.text:
            ET.SubElement(response, "Message").text = reply.text
        return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(response, encoding="unicode")

    def content_type(self, kind: str) -> str:
        return "text/xml; charset=utf-8"

    def response_body(self, kind: str, rendered: str) -> str:
        return rendered

    def queue_reply(self, *, message, inbound: Inbound, reply: Reply, attempt: str = "") -> None:
        """TwiML carries the reply in the HTTP answer: nothing to send separately."""


_VERIFIED = "_palabre_twilio_credential"  # request attribute: the credential verify() found (or None)


def verified_credential(request: HttpRequest) -> ResolvedCredential | None:
    """The active credential that owns our number in this request and whose auth token signed it, or
    None (unsigned, forged, signed with another commune's token, or to a number no credential owns).
    Looked up once per request."""
    if not hasattr(request, _VERIFIED):
        setattr(request, _VERIFIED, _verify(request))
    return getattr(request, _VERIFIED)


def _verify(request: HttpRequest) -> ResolvedCredential | None:
    signature = request.META.get(SIGNATURE_HEADER, "")
    if not signature:
        return None
    url = request.build_absolute_uri()
    params = {name: request.POST.getlist(name) for name in request.POST}
    ours = _our_numbers(request)
    for credential in active_credentials(TwilioGateway.name):
        if not credential.secret or _number(credential.sender) not in ours:
            continue
        if hmac.compare_digest(twilio_signature(credential.secret, url, params), signature):
            return credential
    return None


def _our_numbers(request: HttpRequest) -> set[str]:
    """Our side of the request: the number an SMS was sent to (for a status callback, which carries
    `MessageStatus`, the number it was sent from), and the messaging service if any."""
    data = request.POST
    number = data.get("From", "") if data.get("MessageStatus") else data.get("To", "")
    service = data.get("MessagingServiceSid", "")
    return {_number(number), service if service.startswith(MESSAGING_SERVICE_PREFIX) else ""} - {""}


def _number(value: str) -> str:
    """A sender in E.164 (`+229 21 00 00 01` -> `+22921000001`); a messaging service id as is; "" if
    neither."""
    if value.startswith(MESSAGING_SERVICE_PREFIX):
        return value
    try:
        return e164(value)
    except InboundRejected:
        return ""


def _parse_sms(data, commune_id: int | None = None) -> Inbound:
    message_sid, sender = required(data, "MessageSid", "From")
    body = data.get("Body", "")
    return Inbound(
        kind=InboundKind.SMS,
        external_id=message_sid,
        phone=e164(sender),
        text=body,
        payload={"text": body, "to": data.get("To", ""), "num_media": data.get("NumMedia", "0")},
        commune_id=commune_id,
    )


def _parse_status(data) -> Inbound:
    message_sid, status = required(data, "MessageSid", "MessageStatus")
    update = DeliveryUpdate(
        gateway_message_id=message_sid,
        status=status,
        is_delivered=status in DELIVERED_STATUSES,
        is_final=status in FINAL_STATUSES,
        failure_reason=data.get("ErrorCode", ""),
    )
    recipient = data.get("To", "")
    return Inbound(
        kind=InboundKind.DELIVERY,
        external_id=f"{message_sid}:{status}",
        phone=e164(recipient) if recipient else "",
        payload={"status": status, "failure_reason": update.failure_reason},
        delivery=update,
    )
