"""A fake SMS gateway for the outbox tests (core imports no channels code, tests included)."""

from dataclasses import dataclass


class FakeProviderDown(Exception):
    pass


@dataclass(frozen=True)
class FakeResult:
    message_id: str


class FakeGateway:
    """Records what it sends; fails the next `failures_to_come` calls; may run a hook while sending."""

    sent: list[dict] = []
    failures_to_come = 0
    while_sending = None

    @classmethod
    def reset(cls) -> None:
        cls.sent = []
        cls.failures_to_come = 0
        cls.while_sending = None

    def send(self, *, to: str, body: str, reference: str) -> FakeResult:
        if FakeGateway.while_sending is not None:
            FakeGateway.while_sending(reference)
        if FakeGateway.failures_to_come > 0:
            FakeGateway.failures_to_come -= 1
            raise FakeProviderDown("provider down")
        FakeGateway.sent.append({"to": to, "body": body, "reference": reference})
        return FakeResult(message_id=f"fake-{len(FakeGateway.sent)}")
