"""Africa's Talking: USSD, incoming SMS, delivery reports, voice callbacks and outbound SMS.

Africa's Talking signs nothing: its routes require `?token=` equal to the setting PALABRE_AT_TOKEN. An
empty token opens them only in demo mode (PALABRE_DEMO); otherwise every request is refused, and the system
check `channels.E001` stops the server from starting (`palabre/channels/checks.py`).

Replies: USSD `text/plain` starting `CON ` (the session continues) or `END `; voice an XML `<Response>` of
Say / Play / GetDigits / Record; an SMS reply is a new outbound SMS (through the outbox), the HTTP answer is
empty.
"""

import hmac
import xml.etree.ElementTree as ET

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from palabre.channels.credentials import credential_for
from palabre.channels.gateways.base import (
    Callback,
    DeliveryUpdate,
    GatewayError,
    GatewaySetup,
    Inbound,
    InboundRejected,
    SecretSetting,
    SendResult,
    credential_secrets,
    e164,
    queue_sms_reply,
    required,
)
from palabre.channels.gateways.http import Transport, UrllibTransport, as_dict
from palabre.channels.models import InboundKind
from palabre.channels.replies import GetDigits, Play, Reply, Say, VoiceAction

LIVE_URL = "https://api.africastalking.com/version1/messaging"
SANDBOX_URL = "https://api.sandbox.africastalking.com/version1/messaging"
SANDBOX_USERNAME = "sandbox"
# Recipient statusCode values meaning "accepted" (100 Processed, 101 Sent, 102 Queued).
ACCEPTED_CODES = {100, 101, 102}
FINAL_STATUSES = {"Success", "Failed", "Rejected"}
DELIVERED_STATUS = "Success"
DEFAULT_VOICE = "fr-FR-Standard-A"
TOKEN_QUERY = "token=<PALABRE_AT_TOKEN>"  # shown on the setup page: the setting's name, never its value


class AfricasTalkingGateway:
    name = "africastalking"
    title = "Africa's Talking"
    kinds = frozenset({InboundKind.USSD, InboundKind.SMS, InboundKind.DELIVERY, InboundKind.VOICE})

    def __init__(self, transport: Transport | None = None):
        self.transport = transport or UrllibTransport()

    # Outbound ---------------------------------------------------------------------------------------------
    def send(self, *, to: str, body: str, reference: str) -> SendResult:
        credential = credential_for(self.name)
        if credential is None or not credential.secret:
            raise GatewayError("No Africa's Talking credential configured")
        form = {"username": credential.username, "to": to, "message": body}
        if credential.sender:
            form["from"] = credential.sender
        url = SANDBOX_URL if credential.username == SANDBOX_USERNAME else LIVE_URL
        headers = {"apiKey": credential.secret, "Accept": "application/json"}
        status, answer = self.transport.post(url, form=form, headers=headers)
        recipients = (as_dict(answer).get("SMSMessageData") or {}).get("Recipients") or []
        if status >= 300 or not recipients:
            raise GatewayError(f"Africa's Talking refused the message (HTTP {status})")
        recipient = recipients[0]
        if recipient.get("statusCode") not in ACCEPTED_CODES:
            raise GatewayError(f"Africa's Talking: {recipient.get('status')} ({recipient.get('statusCode')})")
        return SendResult(message_id=str(recipient.get("messageId", "")))

    # Setup --------------------------------------------------------------------------------------------------
    def setup(self) -> GatewaySetup:
        return GatewaySetup(
            callbacks=(
                Callback(gettext("USSD (callback URL)"), self._route(InboundKind.USSD), TOKEN_QUERY),
                Callback(gettext("SMS reçus (incoming messages)"), self._route(InboundKind.SMS), TOKEN_QUERY),
                Callback(
                    gettext("Accusés de réception (delivery reports)"),
                    self._route(InboundKind.DELIVERY),
                    TOKEN_QUERY,
                ),
                Callback(
                    gettext("Appels vocaux, un numéro par commune (voice callback)"),
                    self._route(InboundKind.VOICE),
                    TOKEN_QUERY + "&commune=<commune>",
                ),
            ),
            secrets=(
                SecretSetting(
                    label=gettext("Jeton des adresses de rappel (?token=)"),
                    where=gettext(
                        "Variable d'environnement PALABRE_AT_TOKEN, la même sur tous les serveurs."
                    ),
                    is_set=bool(settings.AT_TOKEN),
                ),
                *credential_secrets(self.name, self.title, {"secret": gettext("Clé API (envoi des SMS)")}),
            ),
            note=gettext(
                "Africa's Talking ne signe pas ses requêtes : chaque adresse porte le jeton. Remplacez "
                "<PALABRE_AT_TOKEN> par la valeur du réglage PALABRE_AT_TOKEN et <commune> par l'identifiant "
                "de la commune dans l'adresse de son numéro vocal. Sans jeton, toutes les requêtes sont "
                "refusées hors démonstration."
            ),
        )

    def _route(self, kind: str) -> str:
        return reverse("webhooks:inbound", kwargs={"gateway_name": self.name, "kind": kind})

    # Inbound ----------------------------------------------------------------------------------------------
    def verify(self, request: HttpRequest) -> bool:
        expected = settings.AT_TOKEN
        if not expected:  # no secret to compare with: open in the demo only, closed everywhere else
            return bool(settings.DEMO_MODE)
        return hmac.compare_digest(request.GET.get("token", "").encode(), expected.encode())

    def parse_inbound(self, request: HttpRequest, kind: str) -> list[Inbound]:
        parse = {
            InboundKind.USSD: parse_ussd,
            InboundKind.SMS: parse_sms,
            InboundKind.DELIVERY: parse_delivery,
        }.get(kind)
        if kind == InboundKind.VOICE:
            return [parse_voice(request.POST, query=request.GET, base_url=request.build_absolute_uri("/"))]
        if parse is None:
            raise InboundRejected(f"unknown kind {kind}")
        return [parse(request.POST)]

    def render_reply(self, kind: str, reply: Reply) -> str:
        if kind == InboundKind.USSD:
            return ("END " if reply.end else "CON ") + reply.text
        if kind == InboundKind.VOICE:
            return render_voice(reply)
        return reply.text

    def content_type(self, kind: str) -> str:
        if kind == InboundKind.VOICE:
            return "application/xml; charset=utf-8"
        return "text/plain; charset=utf-8"

    def response_body(self, kind: str, rendered: str) -> str:
        return rendered if kind in (InboundKind.USSD, InboundKind.VOICE) else ""

    def queue_reply(self, *, message, inbound: Inbound, reply: Reply, attempt: str = "") -> None:
        if inbound.kind == InboundKind.SMS:
            queue_sms_reply(message=message, inbound=inbound, reply=reply, attempt=attempt)


def parse_ussd(data) -> Inbound:
    session_id, phone = required(data, "sessionId", "phoneNumber")
    text = data.get("text", "")
    return Inbound(
        kind=InboundKind.USSD,
        external_id=f"{session_id}:{text}",
        phone=e164(phone),
        text=text,
        session_id=session_id,
        payload={
            "text": text,
            "service_code": data.get("serviceCode", ""),
            "network_code": data.get("networkCode", ""),
        },
    )


def parse_sms(data) -> Inbound:
    message_id, sender = required(data, "id", "from")
    text = data.get("text", "")
    return Inbound(
        kind=InboundKind.SMS,
        external_id=message_id,
        phone=e164(sender),
        text=text,
        payload={
            "text": text,
            "to": data.get("to", ""),
            "date": data.get("date", ""),
            "link_id": data.get("linkId", ""),
        },
    )


def parse_delivery(data) -> Inbound:
    message_id, status = required(data, "id", "status")
    update = DeliveryUpdate(
        gateway_message_id=message_id,
        status=status,
        is_delivered=status == DELIVERED_STATUS,
        is_final=status in FINAL_STATUSES,
        failure_reason=data.get("failureReason", ""),
    )
    phone = data.get("phoneNumber", "")
    return Inbound(
        kind=InboundKind.DELIVERY,
        external_id=f"{message_id}:{status}",
        phone=e164(phone) if phone else "",
        payload={"status": status, "failure_reason": update.failure_reason},
        delivery=update,
    )


def parse_voice(data, query=None, base_url: str = "") -> Inbound:
    """A voice callback. `query`: our callback URL's own parameters (`step`: the voice engine's step
    counter, so two steps answered with the same digit stay two requests; `commune`: the commune slug the
    number's callback URL names); `base_url`: this site's address (for absolute prompt and callback URLs)."""
    (session_id,) = required(data, "sessionId")
    query = query or {}
    step = query.get("step", "")
    phone = data.get("callerNumber") or data.get("phoneNumber") or ""
    is_active = data.get("isActive", "1")
    digits = data.get("dtmfDigits", "")
    recording_url = data.get("recordingUrl", "")
    return Inbound(
        kind=InboundKind.VOICE,
        external_id=f"{session_id}:{is_active}:{digits}:{recording_url}" + (f":{step}" if step else ""),
        phone=e164(phone),
        text=digits,
        session_id=session_id,
        media_id=recording_url,
        payload={
            "is_active": is_active,
            "digits": digits,
            "recording_url": recording_url,
            "direction": data.get("direction", ""),
            "duration": data.get("durationInSeconds", ""),
            "step": step,
            "commune": query.get("commune", ""),
            "base_url": base_url,
        },
    )


def render_voice(reply: Reply) -> str:
    """`<?xml ...?><Response>...</Response>` with the reply's voice actions (its text said if none)."""
    response = ET.Element("Response")
    actions = reply.voice or ((Say(text=reply.text),) if reply.text else ())
    for action in actions:
        response.append(_voice_element(action))
    return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(response, encoding="unicode")


def _voice_element(action: VoiceAction) -> ET.Element:
    if isinstance(action, Say):
        element = ET.Element("Say", voice=action.voice or DEFAULT_VOICE)
        element.text = action.text
        return element
    if isinstance(action, Play):
        return ET.Element("Play", url=action.url)
    if isinstance(action, GetDigits):
        element = ET.Element(
            "GetDigits",
            numDigits=str(action.num_digits),
            timeout=str(action.timeout),
            finishOnKey=action.finish_on_key,
        )
    else:
        element = ET.Element(
            "Record",
            maxLength=str(action.max_length),
            finishOnKey=action.finish_on_key,
            trimSilence=_flag(action.trim_silence),
            playBeep=_flag(action.play_beep),
        )
    if action.callback_url:
        element.set("callbackUrl", action.callback_url)
    element.append(_voice_element(action.prompt))
    return element


def _flag(value: bool) -> str:
    return "true" if value else "false"
