import pytest

from palabre.channels.gateways.base import GatewayError
from palabre.channels.gateways.twilio import API_URL, TwilioGateway, twilio_signature
from palabre.channels.models import DeliveryReport, GatewayCredential, InboundMessage
from palabre.channels.replies import Reply
from palabre.channels.tests.conftest import PHONE, FakeTransport, recorded
from palabre.core.models import OutboundMessage

pytestmark = pytest.mark.django_db

AUTH_TOKEN = "f2c1b7e9a4d3e8f0b6c2a1d5e7f9a0b1"
ACCOUNT = "AC0123456789abcdef0123456789abcdef"
URL = "https://testserver/channels/twilio/sms/"


@pytest.fixture
def credential(db):
    return GatewayCredential.objects.create(
        gateway="twilio", username=ACCOUNT, secret=AUTH_TOKEN, sender="+22921000001"
    )


def signed_post(client, path, fields, token=AUTH_TOKEN):
    signature = twilio_signature(token, "https://testserver" + path, {k: [v] for k, v in fields.items()})
    return client.post(path, fields, secure=True, HTTP_X_TWILIO_SIGNATURE=signature)


def test_signature_matches_twilios_documented_example():
    """The example of Twilio's security documentation (auth token 12345)."""
    params = {
        "CallSid": ["CA1234567890ABCDE"],
        "Caller": ["+12349013030"],
        "Digits": ["1234"],
        "From": ["+12349013030"],
        "To": ["+18005551212"],
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_a_signed_sms_is_processed_and_answered_in_twiml(client, engine, credential):
    engine.reply = Reply(text="Plainte BOH-7K3M enregistrée & transmise.")
    response = signed_post(client, "/channels/twilio/sms/", recorded("twilio", "sms"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.decode() == (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        "<Message>Plainte BOH-7K3M enregistrée &amp; transmise.</Message></Response>"
    )
    inbound = engine.calls[0][1]
    assert (inbound.external_id, inbound.phone) == ("SM5f1c3a9e2b7d4f6a8c0e1b2d3f4a5b6c", PHONE)
    assert inbound.text == "PLAINTE La route de Lissèzoun est coupée"
    assert not OutboundMessage.objects.exists()  # the TwiML carries the reply


def test_a_retried_sms_is_processed_and_answered_once(client, engine, credential):
    fields = recorded("twilio", "sms")
    signed_post(client, "/channels/twilio/sms/", fields)
    again = signed_post(client, "/channels/twilio/sms/", fields).content.decode()
    assert again == '<?xml version="1.0" encoding="UTF-8"?><Response />'
    assert len(engine.calls) == 1


def test_an_empty_reply_is_an_empty_response(client, engine, credential):
    engine.reply = Reply()
    response = signed_post(client, "/channels/twilio/sms/", recorded("twilio", "sms"))
    assert response.content.decode() == '<?xml version="1.0" encoding="UTF-8"?><Response />'


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl", None])
def test_forged_or_unsigned_requests_are_refused(client, engine, credential, signature, caplog):
    fields = recorded("twilio", "sms")
    headers = {} if signature is None else {"HTTP_X_TWILIO_SIGNATURE": signature}
    response = client.post("/channels/twilio/sms/", fields, secure=True, **headers)
    assert response.status_code == 403
    assert engine.calls == [] and InboundMessage.objects.count() == 0
    assert "Rejected twilio/sms" in caplog.text and "Lissèzoun" not in caplog.text


def test_a_request_signed_with_another_token_is_refused(client, engine, credential):
    assert (
        signed_post(client, "/channels/twilio/sms/", recorded("twilio", "sms"), token="other").status_code
        == 403
    )


def test_a_tampered_body_is_refused(client, engine, credential):
    fields = recorded("twilio", "sms")
    signature = twilio_signature(AUTH_TOKEN, URL, {k: [v] for k, v in fields.items()})
    fields["Body"] = "PLAINTE autre chose"
    response = client.post("/channels/twilio/sms/", fields, secure=True, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 403


def test_without_any_credential_nothing_is_accepted(client, engine):
    assert signed_post(client, "/channels/twilio/sms/", recorded("twilio", "sms")).status_code == 403


def test_a_status_callback_records_the_delivery(client, credential):
    response = signed_post(client, "/channels/twilio/delivery/", recorded("twilio", "status_delivered"))
    assert response.status_code == 200
    report = DeliveryReport.objects.get(gateway="twilio")
    assert (report.gateway_message_id, report.status, report.is_delivered) == (
        "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d", "delivered", True
    )  # fmt: skip


def test_send_uses_the_rest_api_with_basic_auth(credential):
    transport = FakeTransport(201, recorded("twilio", "send_response"))
    result = TwilioGateway(transport).send(to=PHONE, body="Bonjour", reference="7")
    assert result.message_id == "SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
    call = transport.calls[0]
    assert call["url"] == API_URL.format(account=ACCOUNT)
    assert call["form"] == {"To": PHONE, "Body": "Bonjour", "From": "+22921000001"}
    assert call["headers"]["Authorization"].startswith("Basic ")


def test_a_messaging_service_sender_is_sent_as_such(credential):
    credential.sender = "MG0123456789abcdef0123456789abcdef"
    credential.save()
    transport = FakeTransport(201, recorded("twilio", "send_response"))
    TwilioGateway(transport).send(to=PHONE, body="Bonjour", reference="7")
    assert transport.calls[0]["form"]["MessagingServiceSid"] == credential.sender


def test_a_refused_send_raises(credential):
    answer = {"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}
    with pytest.raises(GatewayError):
        TwilioGateway(FakeTransport(400, answer)).send(to=PHONE, body="Bonjour", reference="7")
