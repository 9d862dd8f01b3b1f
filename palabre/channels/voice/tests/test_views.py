import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from palabre.accounts.models import Role
from palabre.channels.tests.test_staff_views import staff
from palabre.channels.voice.tests.conftest import MP3
from palabre.channels.voice_models import VoicePrompt
from palabre.core.models import AuditEvent
from palabre.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db

PAGE = "/bohicon/gestion/canaux/voix/"


def upload(client, name="accueil.mp3", content=MP3, url=PAGE):
    data = {"language": "fr", "key": "welcome", "audio": SimpleUploadedFile(name, content)}
    return client.post(url, data, secure=True)


def test_an_administrator_uploads_a_prompt_and_hears_it(client, bohicon):
    staff(client, bohicon)
    assert upload(client).status_code == 302
    prompt = VoicePrompt.objects.get()
    assert (prompt.commune, prompt.language, prompt.key) == (bohicon, "fr", "welcome")
    assert AuditEvent.objects.filter(action="channels.voice_prompt_uploaded").exists()
    page = client.get(PAGE, secure=True).content.decode()
    assert f"/channels/voice/prompts/{prompt.pk}/" in page
    audio = client.get(f"/channels/voice/prompts/{prompt.pk}/", secure=True)
    assert audio["Content-Type"] == "audio/mpeg" and b"".join(audio.streaming_content) == MP3


def test_uploading_again_replaces_the_prompt(client, bohicon):
    staff(client, bohicon)
    upload(client)
    upload(client, name="nouveau.mp3")
    assert VoicePrompt.objects.count() == 1


def test_a_file_that_is_not_audio_is_refused(client, bohicon):
    staff(client, bohicon)
    response = upload(client, name="virus.mp3", content=b"MZ\x90\x00 not audio")
    assert response.status_code == 400 and not VoicePrompt.objects.exists()


def test_removing_a_prompt(client, bohicon):
    staff(client, bohicon)
    upload(client)
    prompt = VoicePrompt.objects.get()
    client.post(f"{PAGE}{prompt.pk}/retirer/", secure=True)
    assert not VoicePrompt.objects.exists()


@pytest.mark.parametrize("role", [Role.COMPLAINTS_OFFICER, Role.MAYOR])
def test_other_roles_get_404(client, bohicon, role):
    staff(client, bohicon, role=role)
    assert client.get(PAGE, secure=True).status_code == 404
    assert upload(client).status_code == 404


def test_another_communes_administrator_gets_404(client, bohicon):
    staff(client, CommuneFactory(slug="toffo"))
    assert client.get(PAGE, secure=True).status_code == 404
    assert upload(client).status_code == 404


def test_another_communes_prompt_cannot_be_removed(client, bohicon):
    toffo = CommuneFactory(slug="toffo")
    prompt = VoicePrompt.objects.create(commune=toffo, language="fr", key="welcome", audio="x.mp3")
    staff(client, bohicon)
    assert client.post(f"{PAGE}{prompt.pk}/retirer/", secure=True).status_code == 404
    assert VoicePrompt.objects.exists()


def test_anonymous_visitors_get_404_or_login(client, bohicon):
    assert client.get(PAGE, secure=True).status_code in (302, 404)
