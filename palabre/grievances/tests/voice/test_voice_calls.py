import re
from urllib.parse import urlencode, urlsplit

import pytest

from palabre.channels.models import InboundMessage, PhoneProfile
from palabre.channels.tests.conftest import PHONE, recorded
from palabre.channels.ussd.tests.caller import at_token
from palabre.channels.voice.tasks import recording_deliver
from palabre.channels.voice_models import PromptKey, VoiceCall, VoicePrompt
from palabre.core.keyed import phone_key
from palabre.grievances.models import Complaint
from palabre.grievances.tests.voice.conftest import MP3

pytestmark = pytest.mark.django_db

URL = "/channels/africastalking/voice/"


def post(client, fields, url=URL + "?commune=bohicon"):
    if "token=" not in url:  # the callback URLs we answer carry it already
        url += ("&" if "?" in url else "?") + urlencode(at_token())
    return client.post(url, fields, secure=True)


def callback_of(response) -> str:
    """The path and query of the callbackUrl in a voice answer (Africa's Talking posts there next)."""
    url = re.search(r'callbackUrl="([^"]+)"', response.content.decode()).group(1).replace("&amp;", "&")
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def call_to_the_end(client, django_capture_on_commit_callbacks, digits="2"):
    first = post(client, recorded("africastalking", "voice_call"))
    assert "<GetDigits" in first.content.decode()
    second = post(
        client, {**recorded("africastalking", "voice_digits"), "dtmfDigits": digits}, callback_of(first)
    )
    assert "<Record" in second.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        third = post(client, recorded("africastalking", "voice_recording"), callback_of(second))
    return first, second, third


def test_a_call_becomes_one_complaint_with_its_recording(
    client, bohicon, fetcher, django_capture_on_commit_callbacks
):
    _first, _second, third = call_to_the_end(client, django_capture_on_commit_callbacks)
    assert "Merci" in third.content.decode()
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.commune, complaint.category.code) == ("voice", bohicon, "roads")
    assert complaint.voice_recording.read() == MP3
    assert str(complaint.reporter_phone) == PHONE
    assert fetcher.calls[0][0].endswith("ATVId_8c1e5a2b7d3f49e0a6b1c2d3.mp3")
    call = VoiceCall.objects.get()
    assert (call.result_id, call.result_label, call.recording_status) == (
        complaint.pk,
        complaint.code,
        "done",
    )


def test_retried_callbacks_and_a_second_task_run_file_nothing_more(
    client, bohicon, fetcher, django_capture_on_commit_callbacks
):
    _first, second, third = call_to_the_end(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        retry = post(client, recorded("africastalking", "voice_recording"), callback_of(second))
        ended = {**recorded("africastalking", "voice_recording"), "isActive": "0"}
        post(client, ended)
    recording_deliver(call_id=VoiceCall.objects.get().pk)
    assert retry.content == third.content
    assert Complaint.objects.count() == 1
    assert len(fetcher.calls) == 1


def test_the_same_digit_at_two_steps_is_two_requests(client, bohicon, fetcher):
    bohicon.languages = ["fr", "fon"]
    bohicon.save()
    first = post(client, recorded("africastalking", "voice_call"))
    language = post(
        client, {**recorded("africastalking", "voice_digits"), "dtmfDigits": "1"}, callback_of(first)
    )
    category = post(
        client, {**recorded("africastalking", "voice_digits"), "dtmfDigits": "1"}, callback_of(language)
    )
    assert "<Record" in category.content.decode()
    assert VoiceCall.objects.get().language == "fr"
    assert InboundMessage.objects.filter(kind="voice").count() == 3


def test_a_wrong_key_asks_again(client, bohicon):
    first = post(client, recorded("africastalking", "voice_call"))
    again = post(
        client, {**recorded("africastalking", "voice_digits"), "dtmfDigits": "99"}, callback_of(first)
    )
    content = again.content.decode()
    assert "Choix non compris" in content and "<GetDigits" in content


def test_the_remembered_language_is_not_asked(client, bohicon):
    bohicon.languages = ["fr", "fon"]
    bohicon.save()
    PhoneProfile.objects.create(phone_key=phone_key(PHONE), language="fon")
    content = post(client, recorded("africastalking", "voice_call")).content.decode()
    assert "Pour Fon," not in content and "Eau potable" in content


def test_an_uploaded_prompt_is_played_instead_of_speech(client, bohicon, tmp_path):
    prompt = VoicePrompt.objects.create(commune=bohicon, language="fr", key=PromptKey.WELCOME, audio="a.mp3")
    content = post(client, recorded("africastalking", "voice_call")).content.decode()
    assert f'<Play url="https://testserver/channels/voice/prompts/{prompt.pk}/' in content
    assert "Bienvenue" not in content


def test_an_unknown_commune_hears_that_the_service_is_unavailable(client, bohicon):
    content = post(client, recorded("africastalking", "voice_call"), URL).content.decode()
    assert "pas disponible" in content and "<GetDigits" not in content


def test_a_failed_download_is_kept_and_files_nothing(
    client, bohicon, fetcher, django_capture_on_commit_callbacks
):
    fetcher.status = 404
    call_to_the_end(client, django_capture_on_commit_callbacks)
    call = VoiceCall.objects.get()
    assert (call.recording_status, Complaint.objects.count()) == ("failed", 0)
