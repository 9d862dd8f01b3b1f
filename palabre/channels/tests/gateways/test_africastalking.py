import pytest
from django.conf import settings

from palabre.channels.gateways.africastalking import (
    LIVE_URL,
    SANDBOX_URL,
    AfricasTalkingGateway,
    render_voice,
)
from palabre.channels.gateways.base import GatewayError
from palabre.channels.inbound import dedupe_key
from palabre.channels.models import DeliveryReport, GatewayCredential, InboundKind, InboundMessage
from palabre.channels.replies import GetDigits, Play, Record, Reply, Say
from palabre.channels.tests.conftest import PHONE, FakeTransport, recorded
from palabre.core.keyed import phone_key
from palabre.core.models import OutboundMessage

pytestmark = pytest.mark.django_db


def post(client, kind, fields, token=None):
    """POST a callback, with the token of PALABRE_AT_TOKEN unless `token` is given ("": none)."""
    token = settings.AT_TOKEN if token is None else token
    query = f"?token={token}" if token else ""
    return client.post(f"/channels/africastalking/{kind}/{query}", fields, secure=True)


def test_ussd_dial_is_parsed_stored_and_answered_con(client, engine):
    response = post(client, "ussd", recorded("africastalking", "ussd_dial"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "CON Bienvenue"
    _context, inbound = engine.calls[0]
    assert (inbound.kind, inbound.phone, inbound.text) == (InboundKind.USSD, PHONE, "")
    assert inbound.session_id == "ATUid_5f2c1b7e9a4d3e8f0b6c2a1d"
    assert inbound.payload == {"text": "", "service_code": "*384*229#", "network_code": "61602"}
    stored = InboundMessage.objects.get()
    assert stored.dedupe_key == dedupe_key("africastalking", inbound) and stored.phone_key == phone_key(PHONE)


def test_ussd_answers_chain_reaches_the_engine_and_end_closes(client, engine):
    engine.reply = Reply(text="Merci. Code BOH-7K3M", end=True)
    response = post(client, "ussd", recorded("africastalking", "ussd_answer"))
    assert response.content.decode() == "END Merci. Code BOH-7K3M"
    assert engine.calls[0][1].text == "1*2*Pas d'eau au forage de Saclo"


def test_a_retried_ussd_step_is_not_processed_again(client, engine):
    fields = recorded("africastalking", "ussd_answer")
    post(client, "ussd", fields)
    engine.reply = Reply(text="autre")
    assert post(client, "ussd", fields).content.decode() == "END Votre demande a déjà été reçue. Merci."
    assert len(engine.calls) == 1


def test_inbound_sms_is_parsed_and_its_reply_queued(client, engine, django_capture_on_commit_callbacks):
    engine.reply = Reply(text="Plainte BOH-7K3M : en cours.")
    with django_capture_on_commit_callbacks():
        response = post(client, "sms", recorded("africastalking", "sms"))
    assert (response.status_code, response.content) == (200, b"")
    inbound = engine.calls[0][1]
    assert (inbound.external_id, inbound.phone, inbound.text) == (
        "9d6d7cfe-5b5b-4a0a-b08e-7f3e1c2d9a11", PHONE, "SUIVI BOH-7K3M"
    )  # fmt: skip
    assert inbound.payload["link_id"] == "SampleLinkId123"
    assert OutboundMessage.objects.get(kind="reply").body == "Plainte BOH-7K3M : en cours."


def test_delivery_reports_are_kept_per_message(client):
    assert post(client, "delivery", recorded("africastalking", "delivery_failed")).status_code == 200
    report = DeliveryReport.objects.get(gateway_message_id="ATXid_3b7e1a9c2f4d6e8a0c1b2d3e4f5a6b7c")
    assert (report.status, report.failure_reason, report.is_final, report.is_delivered) == (
        "Failed", "AbsentSubscriber", True, False
    )  # fmt: skip


def test_delivery_success_marks_the_message_delivered(client):
    post(client, "delivery", recorded("africastalking", "delivery_success"))
    assert DeliveryReport.objects.get().is_delivered


@pytest.mark.parametrize("name", ["voice_call", "voice_digits", "voice_recording"])
def test_voice_callbacks_are_parsed_and_answered_in_xml(client, engine, name):
    fields = recorded("africastalking", name)
    engine.reply = Reply(voice=(Say(text="Bienvenue"),))
    response = post(client, "voice", fields)
    assert response["Content-Type"].startswith("application/xml")
    assert response.content.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Response><Say voice="fr-FR-Standard-A">Bienvenue</Say></Response>'
    )
    inbound = engine.calls[0][1]
    assert (inbound.phone, inbound.session_id) == (PHONE, "ATVId_8c1e5a2b7d3f49e0a6b1c2d3")
    assert inbound.text == fields.get("dtmfDigits", "")
    assert inbound.media_id == fields.get("recordingUrl", "")


def test_each_voice_callback_of_a_call_is_processed(client, engine):
    for name in ["voice_call", "voice_digits", "voice_recording"]:
        post(client, "voice", recorded("africastalking", name))
    assert len(engine.calls) == 3


def test_voice_actions_render_as_africas_talking_xml():
    reply = Reply(
        voice=(
            Play(url="https://palabre.example/media/prompts/fon/welcome.mp3"),
            GetDigits(
                prompt=Say(text="Tapez 1 pour l'eau"), num_digits=1, timeout=15, callback_url="https://x/cb"
            ),
            Record(prompt=Play(url="https://x/beep.mp3"), max_length=90, finish_on_key="#"),
        )
    )
    xml = render_voice(reply)
    assert '<Play url="https://palabre.example/media/prompts/fon/welcome.mp3" />' in xml
    assert (
        '<GetDigits numDigits="1" timeout="15" finishOnKey="#" callbackUrl="https://x/cb">'
        '<Say voice="fr-FR-Standard-A">Tapez 1 pour l\'eau</Say></GetDigits>'
    ) in xml
    assert (
        '<Record maxLength="90" finishOnKey="#" trimSilence="true" playBeep="true">'
        '<Play url="https://x/beep.mp3" /></Record>' in xml
    )


def test_voice_text_is_escaped():
    assert "&lt;b&gt; &amp;" in render_voice(Reply(text="<b> &"))


def test_the_token_is_required_when_set(client, engine, settings, caplog):
    settings.AT_TOKEN = "s3cret-token"
    fields = recorded("africastalking", "ussd_dial")
    assert post(client, "ussd", fields, token="").status_code == 403
    assert post(client, "ussd", fields, token="wrong").status_code == 403
    assert InboundMessage.objects.count() == 0 and engine.calls == []
    assert "Rejected africastalking/ussd" in caplog.text
    assert "ATUid_5f2c1b7e9a4d3e8f0b6c2a1d" not in caplog.text  # the body is never logged
    assert post(client, "ussd", fields, token="s3cret-token").status_code == 200


def test_unreadable_requests_are_refused(client, engine):
    assert post(client, "ussd", {"sessionId": "x"}).status_code == 400
    assert post(client, "sms", {"id": "1", "from": "not a phone"}).status_code == 400
    assert InboundMessage.objects.count() == 0


def test_unknown_gateway_or_kind_is_404_and_get_is_refused(client):
    assert client.post("/channels/nobody/sms/", {}, secure=True).status_code == 404
    assert client.post("/channels/africastalking/whatsapp/", {}, secure=True).status_code == 404
    assert client.get("/channels/africastalking/ussd/", secure=True).status_code == 405


def _credential(username="palabre", sender="PALABRE"):
    return GatewayCredential.objects.create(
        gateway="africastalking", username=username, secret="atsk_live_0123456789", sender=sender
    )


def test_send_posts_to_the_messaging_api_with_the_api_key():
    _credential()
    transport = FakeTransport(201, recorded("africastalking", "send_response"))
    result = AfricasTalkingGateway(transport).send(to=PHONE, body="Bonjour", reference="42")
    assert result.message_id == "ATXid_3b7e1a9c2f4d6e8a0c1b2d3e4f5a6b7c"
    call = transport.calls[0]
    assert call["url"] == LIVE_URL
    assert call["form"] == {"username": "palabre", "to": PHONE, "message": "Bonjour", "from": "PALABRE"}
    assert call["headers"]["apiKey"] == "atsk_live_0123456789"


def test_the_sandbox_account_uses_the_sandbox_api():
    _credential(username="sandbox", sender="")
    transport = FakeTransport(201, recorded("africastalking", "send_response"))
    AfricasTalkingGateway(transport).send(to=PHONE, body="Bonjour", reference="42")
    assert transport.calls[0]["url"] == SANDBOX_URL
    assert "from" not in transport.calls[0]["form"]


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (201, recorded("africastalking", "send_response_invalid")),
        (401, "The supplied authentication is invalid"),
        (500, None),
    ],
)
def test_a_refused_send_raises_gateway_error(status, answer):
    _credential()
    with pytest.raises(GatewayError):
        AfricasTalkingGateway(FakeTransport(status, answer)).send(to=PHONE, body="Bonjour", reference="42")


def test_send_without_credential_raises():
    with pytest.raises(GatewayError):
        AfricasTalkingGateway(FakeTransport()).send(to=PHONE, body="Bonjour", reference="42")
