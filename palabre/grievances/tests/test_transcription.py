import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.core.models import AuditEvent
from palabre.grievances import services
from palabre.grievances.models import ComplaintEvent

pytestmark = pytest.mark.django_db

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 100
SAID = "La pompe de Saclo ne donne plus d'eau depuis lundi."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def voice_complaint(file_complaint):
    return file_complaint(description="", channel="voice", voice_recording=ContentFile(MP3, name="call.mp3"))


def page_url(complaint, suffix=""):
    return f"/bohicon/plaintes/gestion/{complaint.code}/{suffix}"


def test_transcribing_sets_the_description_and_is_audited(voice_complaint, officer):
    services.complaint_transcribe(complaint=voice_complaint, text=f"  {SAID} ", by=officer)
    voice_complaint.refresh_from_db()
    assert voice_complaint.description == SAID and voice_complaint.voice_recording
    assert ComplaintEvent.objects.filter(complaint=voice_complaint, kind="note", is_public=False).exists()
    event = AuditEvent.objects.get(action="grievances.transcribed")
    assert event.data["corrected"] is False and SAID not in str(event.data)


def test_an_empty_transcription_or_a_typed_complaint_is_refused(voice_complaint, file_complaint, officer):
    with pytest.raises(ValidationError):
        services.complaint_transcribe(complaint=voice_complaint, text="  ", by=officer)
    with pytest.raises(ValidationError):
        services.complaint_transcribe(complaint=file_complaint(), text=SAID, by=officer)


def test_another_communes_officer_may_not_transcribe(voice_complaint, toffo, staff):
    with pytest.raises(PermissionDenied):
        services.complaint_transcribe(
            complaint=voice_complaint, text=SAID, by=staff(toffo, "complaints_officer")
        )


def test_the_officer_page_plays_the_recording_and_takes_the_transcription(client, voice_complaint, officer):
    sign_in_verified(client, officer)
    page = client.get(page_url(voice_complaint), secure=True).content.decode()
    assert f'<audio controls preload="none" src="{page_url(voice_complaint, "message-vocal/")}"' in page
    audio = client.get(page_url(voice_complaint, "message-vocal/"), secure=True)
    assert audio["Content-Type"] == "audio/mpeg" and b"".join(audio.streaming_content) == MP3
    response = client.post(page_url(voice_complaint, "transcrire/"), {"text": SAID}, secure=True)
    assert response.status_code == 302
    voice_complaint.refresh_from_db()
    assert voice_complaint.description == SAID


def test_the_recording_is_404_for_another_commune_and_for_visitors(client, voice_complaint, toffo, staff):
    assert client.get(page_url(voice_complaint, "message-vocal/"), secure=True).status_code == 404
    sign_in_verified(client, staff(toffo, "complaints_officer"))
    assert client.get(page_url(voice_complaint, "message-vocal/"), secure=True).status_code == 404


def test_a_sensitive_recording_is_404_for_an_officer_who_is_not_a_focal_point(
    client, file_complaint, gbv, officer
):
    complaint = file_complaint(category=gbv, description="", voice_recording=ContentFile(MP3, name="c.mp3"))
    sign_in_verified(client, officer)
    assert client.get(page_url(complaint, "message-vocal/"), secure=True).status_code == 404
