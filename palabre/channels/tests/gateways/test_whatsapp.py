import pytest

from palabre.channels.gateways.base import GatewayError
from palabre.channels.gateways.whatsapp import WhatsAppGateway, hub_signature
from palabre.channels.models import DeliveryReport, GatewayCredential, InboundKind, InboundMessage
from palabre.channels.replies import Reply
from palabre.channels.tests.conftest import PHONE, FakeTransport, recorded, recorded_bytes
from palabre.channels.voice import service as voice_service
from palabre.core.models import OutboundMessage

pytestmark = pytest.mark.django_db

APP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
VERIFY_TOKEN = "palabre-verify-2025"
URL = "/channels/whatsapp/webhook/"


@pytest.fixture
def credential(db):
    return GatewayCredential.objects.create(
        gateway="whatsapp",
        username="106540352242922",
        secret="EAAG-access-token-0123456789",
        signing_secret=APP_SECRET,
        webhook_token=VERIFY_TOKEN,
    )


def signed_post(client, body: bytes, secret=APP_SECRET):
    return client.post(
        URL,
        body,
        content_type="application/json",
        secure=True,
        HTTP_X_HUB_SIGNATURE_256=hub_signature(secret, body),
    )


def test_the_handshake_echoes_the_challenge_with_the_right_token(client, credential):
    query = {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    response = client.get(URL, query, secure=True)
    assert (response.status_code, response.content) == (200, b"1158201444")


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1"},
        {},
    ],
)
def test_the_handshake_is_refused_otherwise(client, credential, query):
    assert client.get(URL, query, secure=True).status_code == 403


def test_a_signed_text_message_is_processed_and_answered_through_the_api(
    client, engine, credential, monkeypatch, immediate_tasks, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        WhatsAppGateway,
        "send",
        lambda self, **kwargs: sent.append(kwargs) or type("R", (), {"message_id": "wamid.x"})(),
    )
    engine.reply = Reply(text="Plainte BOH-7K3M : en cours.")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_post(client, recorded_bytes("whatsapp", "text"))
    assert (response.status_code, response.content) == (200, b"")
    inbound = engine.calls[0][1]
    assert (inbound.kind, inbound.phone, inbound.text) == (InboundKind.WHATSAPP, PHONE, "SUIVI BOH-7K3M")
    assert inbound.external_id.startswith("wamid.")
    reply = OutboundMessage.objects.get(kind="whatsapp.reply")  # sent by the outbox through WhatsApp
    assert sent == [{"to": PHONE, "body": "Plainte BOH-7K3M : en cours.", "reference": str(reply.pk)}]
    assert (reply.status, reply.to, reply.body) == (OutboundMessage.Status.SENT, "", "")  # then erased


def test_a_retried_message_is_neither_processed_nor_answered_twice(
    client, engine, credential, django_capture_on_commit_callbacks
):
    engine.reply = Reply(text="Bien reçu.")
    body = recorded_bytes("whatsapp", "text")
    with django_capture_on_commit_callbacks(execute=True):
        signed_post(client, body)
        signed_post(client, body)
    assert len(engine.calls) == 1
    assert OutboundMessage.objects.filter(kind="whatsapp.reply").count() == 1


def test_a_voice_note_keeps_its_media_id(client, credential, monkeypatch):
    calls = []
    monkeypatch.setattr(
        voice_service, "handle_voice_note", lambda context, inbound: calls.append(inbound) or Reply()
    )
    assert signed_post(client, recorded_bytes("whatsapp", "audio")).status_code == 200
    (inbound,) = calls
    assert inbound.media_id == "1204735820183647"
    assert inbound.payload["mime_type"] == "audio/ogg; codecs=opus"


def test_a_status_is_a_delivery_report(client, credential):
    assert signed_post(client, recorded_bytes("whatsapp", "status")).status_code == 200
    report = DeliveryReport.objects.get(gateway="whatsapp")
    assert (report.status, report.is_delivered, report.is_final) == ("delivered", True, True)


def test_forged_or_unsigned_posts_are_refused(client, engine, credential, caplog):
    body = recorded_bytes("whatsapp", "text")
    assert signed_post(client, body, secret="not-the-app-secret").status_code == 403
    assert client.post(URL, body, content_type="application/json", secure=True).status_code == 403
    tampered = body.replace(b"SUIVI", b"PLAINTE")
    response = client.post(
        URL,
        tampered,
        content_type="application/json",
        secure=True,
        HTTP_X_HUB_SIGNATURE_256=hub_signature(APP_SECRET, body),
    )
    assert response.status_code == 403
    assert engine.calls == [] and InboundMessage.objects.count() == 0
    assert "Rejected whatsapp/whatsapp" in caplog.text


def test_a_signed_body_that_is_not_json_is_refused(client, credential):
    assert signed_post(client, b"not json").status_code == 400
    assert signed_post(client, b"[]").status_code == 400


def test_send_posts_a_text_message(credential):
    transport = FakeTransport(200, recorded("whatsapp", "send_response"))
    result = WhatsAppGateway(transport).send(to=PHONE, body="Bonjour", reference="1")
    assert result.message_id.startswith("wamid.")
    call = transport.calls[0]
    assert call["url"].endswith("/106540352242922/messages")
    assert call["json"]["to"] == "2290197123456" and call["json"]["text"]["body"] == "Bonjour"
    assert call["headers"]["Authorization"] == "Bearer EAAG-access-token-0123456789"


def test_a_refused_send_raises(credential):
    answer = {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}}
    with pytest.raises(GatewayError):
        WhatsAppGateway(FakeTransport(401, answer)).send(to=PHONE, body="Bonjour", reference="1")
