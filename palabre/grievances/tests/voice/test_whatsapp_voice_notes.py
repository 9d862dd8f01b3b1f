import pytest

from palabre.channels.gateways.whatsapp import hub_signature
from palabre.channels.models import GatewayCredential, PhoneProfile
from palabre.channels.tests.conftest import PHONE, FakeTransport, recorded_bytes
from palabre.channels.voice_models import VoiceCall
from palabre.core.keyed import phone_key
from palabre.grievances.models import Complaint

pytestmark = pytest.mark.django_db

APP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
TOKEN = "EAAG-access-token-0123456789"


@pytest.fixture(autouse=True)
def whatsapp_api(monkeypatch):
    """The reply the outbox sends through the Cloud API goes to a fake transport (never the network)."""
    transport = FakeTransport(answer={"messages": [{"id": "wamid.reply"}]})
    monkeypatch.setattr("palabre.channels.gateways.whatsapp.UrllibTransport", lambda: transport)
    return transport


@pytest.fixture
def credential(db):
    return GatewayCredential.objects.create(
        gateway="whatsapp", username="106540352242922", secret=TOKEN, signing_secret=APP_SECRET
    )


def post_audio(client):
    body = recorded_bytes("whatsapp", "audio")
    return client.post("/channels/whatsapp/webhook/", body, content_type="application/json", secure=True,
                       HTTP_X_HUB_SIGNATURE_256=hub_signature(APP_SECRET, body))  # fmt: skip


def test_a_voice_note_becomes_a_complaint(
    whatsapp_api, client, bohicon, credential, fetcher, django_capture_on_commit_callbacks
):
    PhoneProfile.objects.create(phone_key=phone_key(PHONE), commune=bohicon)
    with django_capture_on_commit_callbacks(execute=True):
        assert post_audio(client).status_code == 200
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.category.code) == ("whatsapp", "other")
    assert complaint.voice_recording.size > 0
    media_url, headers = fetcher.calls[0]
    assert media_url == "https://graph.facebook.com/v21.0/1204735820183647"
    assert headers == {"Authorization": f"Bearer {TOKEN}"}
    assert "bien reçu" in whatsapp_api.calls[0]["json"]["text"]["body"]


def test_the_same_voice_note_twice_is_one_complaint(
    client, bohicon, credential, fetcher, django_capture_on_commit_callbacks
):
    PhoneProfile.objects.create(phone_key=phone_key(PHONE), commune=bohicon)
    with django_capture_on_commit_callbacks(execute=True):
        post_audio(client)
        post_audio(client)
    assert Complaint.objects.count() == 1 and VoiceCall.objects.count() == 1


def test_a_voice_note_from_an_unknown_commune_is_answered_not_filed(
    client, bohicon, credential, fetcher, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_audio(client)
    assert Complaint.objects.count() == 0 and not fetcher.calls
