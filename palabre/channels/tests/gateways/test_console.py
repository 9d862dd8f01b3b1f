import pytest

from palabre.channels.gateways import console
from palabre.channels.gateways.base import SendResult
from palabre.channels.gateways.console import ConsoleGateway
from palabre.channels.models import ConsoleMessage

pytestmark = pytest.mark.django_db


def test_console_gateway_keeps_and_logs_the_message(caplog):
    caplog.set_level("INFO", logger=console.__name__)
    result = ConsoleGateway().send(to="+2290197000001", body="Votre code : 123456", reference="12")
    stored = ConsoleMessage.objects.get()
    assert result == SendResult(message_id=f"console-{stored.pk}")
    assert (stored.to, stored.body, stored.reference) == ("+2290197000001", "Votre code : 123456", "12")
    assert "Votre code : 123456" in caplog.text


def test_console_gateway_keeps_only_the_latest_messages(monkeypatch):
    monkeypatch.setattr(console, "KEEP_LAST", 3)
    for n in range(5):
        ConsoleGateway().send(to="+2290197000001", body=f"message {n}", reference=str(n))
    assert list(ConsoleMessage.objects.values_list("body", flat=True)) == [
        "message 4",
        "message 3",
        "message 2",
    ]
