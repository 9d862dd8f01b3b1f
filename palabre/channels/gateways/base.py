"""What every gateway offers: sending an SMS (all the outbox needs) and, for providers that call us,
checking a request's signature, parsing it into `Inbound` records and rendering our `Reply` in their format.
"""

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.http import HttpRequest
from django.utils.translation import gettext

from palabre.channels.replies import Reply

logger = logging.getLogger("palabre.channels.gateways")


class GatewayError(Exception):
    """The provider refused or could not take the message; the outbox will try again later."""


class InboundRejected(Exception):
    """The request is not one we can read (missing field, not a phone number): answered 400."""


@dataclass(frozen=True)
class SendResult:
    message_id: str


@dataclass(frozen=True)
class DeliveryUpdate:
    """A delivery report: the provider's id of the message we sent and its new status."""

    gateway_message_id: str
    status: str
    is_delivered: bool
    is_final: bool
    failure_reason: str = ""


@dataclass(frozen=True)
class Inbound:
    """One request from a provider, in our terms.

    `kind`: an `InboundKind` value; `external_id`: the provider's id of THIS request (retries repeat it);
    `phone`: E.164; `text`: the message, the USSD answers (`1*2*hello`) or the keypad digits;
    `session_id`: USSD session / call id; `payload`: the few fields kept with the stored message;
    `media_id`: a WhatsApp media id or a recording URL; `delivery`: set for delivery reports;
    `commune_id`: the commune the request is bound to by the gateway account that authenticated it (a
    commune's own Twilio number), which then wins over the phone's remembered commune; None: not bound.
    """

    kind: str
    external_id: str
    phone: str
    text: str = ""
    session_id: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    media_id: str = ""
    delivery: DeliveryUpdate | None = None
    commune_id: int | None = None

    def __post_init__(self) -> None:
        """NUL bytes are dropped from what every gateway read: PostgreSQL text columns refuse them (the
        request would fail after it was stored, and a complaint typed with one would be lost)."""
        for name in ("external_id", "phone", "text", "session_id", "media_id"):
            object.__setattr__(self, name, without_nul(getattr(self, name)))
        object.__setattr__(self, "payload", {key: without_nul(value) for key, value in self.payload.items()})


def without_nul(value: Any) -> Any:
    """`value` without NUL bytes when it is a string, else `value` as is."""
    return value.replace("\x00", "") if isinstance(value, str) else value


@dataclass(frozen=True)
class Callback:
    """A URL to enter in the provider's dashboard: `path` is ours (reversed), `query` the placeholders to
    append as they are (`token=<PALABRE_AT_TOKEN>`: the name of the secret, never its value)."""

    label: str
    path: str
    query: str = ""
    methods: str = "POST"


@dataclass(frozen=True)
class SecretSetting:
    """A secret the provider's setup needs: what it is, where to set it, and whether it is set (never its
    value)."""

    label: str
    where: str
    is_set: bool


@dataclass(frozen=True)
class GatewaySetup:
    """What the platform administrator configures for a gateway (its setup page)."""

    callbacks: tuple[Callback, ...]
    secrets: tuple[SecretSetting, ...]
    note: str = ""


def credential_secrets(gateway_name: str, title: str, labels: dict[str, str]) -> tuple[SecretSetting, ...]:
    """One line per secret field (`labels`: field name -> what it is) of each active credential of the
    gateway, set or not; one "no account" line when there is none."""
    from palabre.channels.credentials import credential_secret_states

    states = credential_secret_states(gateway_name, tuple(labels))
    if not states:
        return (
            SecretSetting(
                label=gettext("Compte %(gateway)s") % {"gateway": title},
                where=gettext("Administration, « Accès aux passerelles » : aucun compte actif."),
                is_set=False,
            ),
        )
    secrets = []
    for state in states:
        owner = state.owner or gettext("plateforme")
        if state.sender:
            owner = gettext("%(owner)s, expéditeur %(sender)s") % {"owner": owner, "sender": state.sender}
        if state.variable:
            where = gettext("Variable d'environnement %(name)s (le champ contient env:%(name)s).")
        else:
            where = gettext("Administration, « Accès aux passerelles », champ « %(field)s ».")
        secrets.append(
            SecretSetting(
                label=gettext("%(secret)s (compte %(owner)s)")
                % {"secret": labels[state.field], "owner": owner},
                where=where % {"name": state.variable, "field": _field_label(state.field)},
                is_set=state.is_set,
            )
        )
    return tuple(secrets)


def _field_label(name: str) -> str:
    from palabre.channels.models import GatewayCredential

    return str(GatewayCredential._meta.get_field(name).verbose_name)


class Gateway(Protocol):
    def send(self, *, to: str, body: str, reference: str) -> SendResult:
        """Hand one SMS to the provider. `to` is E.164; `reference` is our outbox id. Raise GatewayError."""
        ...


class InboundGateway(Gateway, Protocol):
    name: str
    title: str
    kinds: frozenset[str]

    def setup(self) -> GatewaySetup:
        """The callback URLs to give the provider and the secrets to set (whether set, never their value)."""
        ...

    def verify(self, request: HttpRequest) -> bool:
        """True if the request really comes from the provider (signature, token)."""
        ...

    def parse_inbound(self, request: HttpRequest, kind: str) -> list[Inbound]:
        """The requests carried by this HTTP request (WhatsApp may batch several). Raise InboundRejected."""
        ...

    def render_reply(self, kind: str, reply: Reply) -> str:
        """Our answer in the provider's format (stored as sent, and sent again as is on a retry)."""
        ...

    def content_type(self, kind: str) -> str:
        """The content type of the HTTP answer to a `kind` request."""
        ...

    def response_body(self, kind: str, rendered: str) -> str:
        """What the HTTP answer carries: the rendered reply, or nothing when the reply is sent separately."""
        ...

    def queue_reply(self, *, message, inbound: Inbound, reply: Reply, attempt: str = "") -> None:
        """Send, after commit, a reply the HTTP answer cannot carry (AT SMS, WhatsApp); else nothing.
        `attempt` tells apart the apology after a failure from the reply after a successful retry."""
        ...


E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")  # ASCII digits: \d also matches other scripts' digits


def e164(raw: str) -> str:
    """`+22901...`, `0022901...` or `22901...` (WhatsApp) -> `+22901...`; raise InboundRejected otherwise."""
    compact = "".join((raw or "").split())
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact[:1].isdigit():
        compact = "+" + compact
    if not E164.match(compact):
        raise InboundRejected("not an E.164 phone number")
    return compact


def required(data, *names: str) -> list[str]:
    """The values of form fields that must be present (InboundRejected naming the first missing one)."""
    values = []
    for name in names:
        value = data.get(name)
        if value is None or value == "":
            raise InboundRejected(f"missing field {name}")
        values.append(value)
    return values


def queue_sms_reply(
    *, message, inbound: Inbound, reply: Reply, attempt: str = "", kind: str = "reply"
) -> None:
    """A reply that the provider cannot carry in its HTTP answer goes through the outbox, once."""
    from palabre.core.services import sms_queue

    if reply.text and inbound.phone:
        sms_queue(
            to=inbound.phone,
            body=reply.text,
            kind=kind,
            commune_id=message.commune_id,
            idempotency_key=f"inbound:{message.pk}" + (f":{attempt}" if attempt else ""),
        )
