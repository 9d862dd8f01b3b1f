"""Fuzzing every gateway's SMS and USSD endpoints (Africa's Talking USSD, SMS and voice, Twilio SMS,
WhatsApp text) with any unicode input: text, phone, session and message ids, control characters, NUL bytes,
strings of several KB. Requests are properly signed or tokenised, and reach the real channel engines of a
commune whose number is known. Whatever comes in, the answer is well formed in the provider's format (never
a 500), and a replay of the same request gives the same answer and writes nothing more (inbound log,
complaints, ballots)."""

import itertools
import json
import logging
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from palabre.channels.gateways.twilio import twilio_signature
from palabre.channels.gateways.whatsapp import hub_signature
from palabre.channels.models import GatewayCredential, InboundMessage
from palabre.channels.phones import phone_set_commune
from palabre.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

PHONE = "+2290197123456"
TWILIO_TOKEN = "f2c1b7e9a4d3e8f0b6c2a1d5e7f9a0b1"
TWILIO_NUMBER = "+22921000001"
WHATSAPP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
FUZZ = hypothesis_settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any character but lone surrogates (which no HTTP body can carry): NUL, controls, every script.
ANY_CHAR = st.characters(exclude_categories=("Cs",))
SHORT = st.text(ANY_CHAR, max_size=30)
LONG = st.text(ANY_CHAR, min_size=1000, max_size=5000)
TEXT = st.one_of(
    SHORT, SHORT, LONG, st.sampled_from(["", "\x00", "1\x00", "²", "\u0661\u0662\u0663", "\uff11"])
)
PHONES = st.one_of(
    st.just(PHONE),
    st.just(PHONE.removeprefix("+")),
    st.just(PHONE + "\x00"),
    st.just("+229" + "\u0660\u0661\u0669\u0667\u0661\u0662\u0663\u0664\u0665\u0666"),
    SHORT,
    LONG,
)
IDS = st.one_of(st.text("abcdef0123456789", min_size=1, max_size=24), SHORT, LONG)
# A USSD dial string: answers typed at each step joined by "*", some of them real menu numbers.
ANSWER = st.one_of(st.sampled_from(["1", "2", "3", "0", "00", "98", "99", ""]), SHORT)
USSD_TEXT = st.one_of(st.lists(ANSWER, max_size=8).map("*".join), TEXT)
COUNTER = itertools.count()


@pytest.fixture
def commune(db, settings):
    """A commune the fuzzed phone belongs to, so that requests reach its real menus and keywords (not the
    rate limit, which hundreds of requests from one number would soon reach)."""
    settings.CHANNELS_RATE_LIMITS = {kind: (10**6, 3600) for kind in ("sms", "ussd", "voice", "whatsapp")}
    commune = CommuneFactory(slug="bohicon", name="Bohicon")
    phone_set_commune(phone=PHONE, commune=commune)
    Category = apps.get_model("grievances", "Category")
    for position, (code, name, sensitive) in enumerate(
        [
            ("water", "Eau potable", False),
            ("roads", "Routes", False),
            ("gbv", "Violences", True),
            ("other", "Autre", False),
        ]
    ):
        Category.objects.create(
            commune=commune, code=code, name=name, is_sensitive=sensitive, position=position
        )
    GatewayCredential.objects.create(
        gateway="twilio",
        username="AC0123456789abcdef0123456789abcdef",
        secret=TWILIO_TOKEN,
        sender=TWILIO_NUMBER,
    )
    GatewayCredential.objects.create(
        gateway="whatsapp", username="106540352242922", secret="token", signing_secret=WHATSAPP_SECRET
    )
    return commune


def written() -> tuple[int, ...]:
    """The rows a request may write: the inbound log, complaints, ballots (read by name: channels imports
    no domain app)."""
    models = [
        InboundMessage,
        apps.get_model("grievances", "Complaint"),
        apps.get_model("budgeting", "Ballot"),
    ]
    return tuple(model.objects.count() for model in models)


def unique(value: str) -> str:
    """Ids made unique per example (else an earlier example's id would make this one a replay)."""
    return f"{value}{next(COUNTER)}"


def twice(send, *, same_answer: bool = False) -> list:
    """Send the request, then replay it: never a 500, nothing more written; with `same_answer`, the replay
    gets the very answer of the first request (USSD: the gateway retries a step it did not get the screen
    of). Other channels do not keep their reply once processed (issue 8: no text kept at rest), so their
    replay only has to be well formed. Returns both responses."""
    first = send()
    assert first.status_code < 500
    before = written()
    again = send()
    assert again.status_code == first.status_code
    if same_answer:
        assert again.content == first.content
    assert written() == before
    return [first, again]


def at_post(client, kind, fields, query=""):
    path = f"/channels/africastalking/{kind}/?token={settings.AT_TOKEN}{query}"
    return client.post(path, fields, secure=True)


@FUZZ
@given(session=IDS, phone=PHONES, text=USSD_TEXT, service_code=SHORT)
def test_africastalking_ussd(client, commune, session, phone, text, service_code):
    fields = {"sessionId": unique(session), "phoneNumber": phone, "text": text, "serviceCode": service_code}
    for response in twice(lambda: at_post(client, "ussd", fields), same_answer=True):
        if response.status_code == 200:
            assert response["Content-Type"].startswith("text/plain")
            assert response.content.decode()[:4] in ("CON ", "END ")


@FUZZ
@given(message_id=IDS, phone=PHONES, text=TEXT, to=SHORT)
def test_africastalking_sms(client, commune, message_id, phone, text, to):
    fields = {"id": unique(message_id), "from": phone, "text": text, "to": to, "date": "2025-03-14 09:12:44"}
    for response in twice(lambda: at_post(client, "sms", fields)):
        assert response.status_code in (200, 400)


@FUZZ
@given(session=IDS, phone=PHONES, digits=TEXT, active=st.sampled_from(["1", "0", "", "\x00"]))
def test_africastalking_voice(client, commune, session, phone, digits, active):
    fields = {"sessionId": unique(session), "callerNumber": phone, "isActive": active, "dtmfDigits": digits}
    for response in twice(lambda: at_post(client, "voice", fields, "&commune=bohicon")):
        if response.status_code == 200 and response.content:
            ET.fromstring(response.content)  # well-formed XML


@FUZZ
@given(sid=IDS, phone=PHONES, body=TEXT)
def test_twilio_sms(client, commune, sid, phone, body):
    path = "/channels/twilio/sms/"
    fields = {"MessageSid": unique(sid), "From": phone, "To": TWILIO_NUMBER, "Body": body, "NumMedia": "0"}
    signature = twilio_signature(
        TWILIO_TOKEN, "https://testserver" + path, {k: [v] for k, v in fields.items()}
    )

    def send():
        return client.post(path, fields, secure=True, HTTP_X_TWILIO_SIGNATURE=signature)

    for response in twice(send):
        if response.status_code == 200:
            assert response["Content-Type"].startswith("text/xml")
            assert ET.fromstring(response.content).tag == "Response"


@FUZZ
@given(wamid=IDS, sender=PHONES, body=TEXT, shape=st.sampled_from(["text", "button", "interactive", "odd"]))
def test_whatsapp_text(client, commune, wamid, sender, body, shape):
    message = {
        "from": sender.removeprefix("+"),
        "id": unique(wamid),
        "timestamp": "1741943640",
        "type": shape,
    }
    message |= {
        "text": {"text": {"body": body}},
        "button": {"button": {"text": body}},
        "interactive": {"interactive": {"button_reply": {"id": "1", "title": body}}},
        "odd": {"text": body},
    }[shape]
    document = {"entry": [{"changes": [{"value": {"messages": [message]}, "field": "messages"}]}]}
    raw = json.dumps(document).encode()

    def send():
        return client.post(
            "/channels/whatsapp/webhook/",
            raw,
            content_type="application/json",
            secure=True,
            HTTP_X_HUB_SIGNATURE_256=hub_signature(WHATSAPP_SECRET, raw),
        )

    for response in twice(send):
        assert (response.status_code, response.content) == (200, b"")


NUL_TEXTS = ["PLAINTE La route\x00 de Lissèzoun est coupée\x00", "\x00", "SUIVI\x00BOH-7K3M", "VOTE 1\x00 3"]


@pytest.mark.parametrize("text", NUL_TEXTS)
def test_nul_bytes_never_reach_the_database(client, commune, caplog, text):
    """PostgreSQL text columns refuse NUL: every gateway drops it when it reads the request."""
    caplog.set_level(logging.ERROR)
    fields = {"id": unique("nul"), "from": PHONE, "text": text, "to": "22900"}
    assert at_post(client, "sms", fields).status_code == 200
    fields = {"sessionId": unique("nul"), "phoneNumber": PHONE, "text": text.replace(" ", "*", 1)}
    assert at_post(client, "ussd", fields).content.decode()[:4] in ("CON ", "END ")
    path = "/channels/twilio/sms/"
    fields = {"MessageSid": unique("nul") + "\x00", "From": PHONE, "To": TWILIO_NUMBER, "Body": text}
    signature = twilio_signature(
        TWILIO_TOKEN, "https://testserver" + path, {k: [v] for k, v in fields.items()}
    )
    reply = client.post(path, fields, secure=True, HTTP_X_TWILIO_SIGNATURE=signature).content.decode()
    assert "une erreur est survenue" not in reply
    Complaint = apps.get_model("grievances", "Complaint")
    assert "cannot contain NUL" not in caplog.text
    assert not any("\x00" in complaint.description for complaint in Complaint.objects.all())
    if text.startswith("PLAINTE"):  # filed by SMS (Africa's Talking, then Twilio), without its NUL bytes
        descriptions = set(Complaint.objects.values_list("description", flat=True))
        assert descriptions == {"La route de Lissèzoun est coupée"}
