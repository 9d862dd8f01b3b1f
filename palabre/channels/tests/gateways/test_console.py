import pytest

from palabre.channels.gateways import console
from palabre.channels.gateways.base import SendResult
from palabre.channels.gateways.console import ConsoleGateway
from palabre.channels.models import ConsoleMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def console_served(settings):
    """The demo's settings serve the console gateway's webhooks (PALABRE_DEMO adds it at start)."""
    settings.INBOUND_GATEWAYS = [
        *settings.INBOUND_GATEWAYS,
        "palabre.channels.gateways.console.ConsoleGateway",
    ]


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


def test_console_inbound_works_only_in_demo_mode(client, engine, settings):
    fields = {"sessionId": "sim-1", "serviceCode": "*384*229#", "phoneNumber": "+2290197000001", "text": ""}
    settings.DEMO_MODE = False
    assert client.post("/channels/console/ussd/", fields, secure=True).status_code == 403
    settings.DEMO_MODE = True
    response = client.post("/channels/console/ussd/", fields, secure=True)
    assert response.content.decode() == "CON Bienvenue"
    assert engine.calls[0][0].gateway == "console"


def test_console_sms_replies_reach_the_demo_phone(
    client, engine, settings, immediate_tasks, django_capture_on_commit_callbacks
):
    from palabre.channels.replies import Reply

    settings.DEMO_MODE = True
    settings.SMS_GATEWAY = "palabre.channels.gateways.console.ConsoleGateway"
    engine.reply = Reply(text="Votre plainte est enregistrée.")
    fields = {"id": "sim-sms-1", "from": "+2290197000001", "to": "22900", "text": "PLAINTE eau"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/channels/console/sms/", fields, secure=True)
    assert ConsoleMessage.objects.get().body == "Votre plainte est enregistrée."
