import json
from pathlib import Path

import pytest

from palabre.channels import inbound as inbound_module
from palabre.channels.replies import Reply

FIXTURES = Path(__file__).parent / "fixtures"
PHONE = "+2290197123456"


def recorded(provider: str, name: str) -> dict:
    """A callback recorded from `provider` (form fields or JSON body), from tests/fixtures/<provider>/."""
    return json.loads((FIXTURES / provider / f"{name}.json").read_text())


def recorded_bytes(provider: str, name: str) -> bytes:
    return (FIXTURES / provider / f"{name}.json").read_bytes()


class FakeTransport:
    """Records the provider calls and answers with a recorded response."""

    def __init__(self, status: int = 200, answer=None):
        self.status, self.answer, self.calls = status, answer, []

    def post(self, url, *, form=None, json_body=None, headers=None):
        self.calls.append({"url": url, "form": form, "json": json_body, "headers": headers})
        return self.status, self.answer


class RecordingHandler:
    """Stands in for a channel engine: counts calls, answers `reply`, or raises `error`."""

    def __init__(self, reply: Reply | None = None, error: Exception | None = None):
        self.reply = reply or Reply(text="Bienvenue", end=False)
        self.error = error
        self.calls = []

    def __call__(self, context, inbound):
        self.calls.append((context, inbound))
        if self.error is not None:
            raise self.error
        return self.reply


@pytest.fixture
def engine(monkeypatch):
    """Every inbound request goes to one recording handler instead of the real channel engines."""
    handler = RecordingHandler()
    monkeypatch.setattr(inbound_module, "handler_for", lambda inbound: handler)
    return handler


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
