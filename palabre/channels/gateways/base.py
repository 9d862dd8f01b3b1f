"""What every gateway offers. Sending is all the outbox needs today; providers that receive messages
(inbound SMS, USSD sessions, delivery reports) will add parsing and signature checks to this contract."""

from dataclasses import dataclass
from typing import Protocol


class GatewayError(Exception):
    """The provider refused or could not take the message; the outbox will try again later."""


@dataclass(frozen=True)
class SendResult:
    message_id: str


class Gateway(Protocol):
    def send(self, *, to: str, body: str, reference: str) -> SendResult:
        """Hand one SMS to the provider. `to` is E.164; `reference` is our outbox id. Raise GatewayError."""
        ...
