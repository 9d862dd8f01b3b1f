"""The public filing form proves a typed number with a one-time code before using it, and limits filings
per connection (issue 8, robustness)."""

import html
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from palabre.core.models import OutboundMessage
from palabre.grievances.models import Complaint
from palabre.grievances.views import filing

TYPED = "97 11 22 44"
TYPED_E164 = "+2290197112244"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def file_url(commune):
    return reverse("grievances:file", args=[commune.slug])


def details(water, village, **overrides):
    return {
        "category": water.pk,
        "arrondissement": village.arrondissement_id,
        "village": village.pk,
        "description": "La pompe est cassée depuis lundi.",
        "place_description": "Derrière le marché",
        "reporter_name": "Codjo Ahouandjinou",
        "reporter_phone": TYPED,
        "name_public": "on",
    } | overrides


def sent_to(phone):
    return OutboundMessage.objects.filter(to=phone)


def latest_code(phone=TYPED_E164) -> str:
    body = sent_to(phone).filter(kind="otp").latest("created_at").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def code_step(response) -> dict:
    """The hidden and visible fields the code step posts back (what the browser would send)."""
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', response.text))
    fields.pop("csrfmiddlewaretoken", None)
    return {name: html.unescape(value) for name, value in fields.items()}


def test_a_typed_number_gets_a_code_and_nothing_is_filed_yet(client, water, village):
    response = client.post(file_url(water.commune), details(water, village))
    assert response.status_code == 200
    assert 'name="code"' in response.text and "01 97 11 22 44" in response.text
    assert "pas encore déposée" in response.text
    assert not Complaint.objects.exists()
    assert [m.kind for m in sent_to(TYPED_E164)] == ["otp"]
    step = code_step(response)
    assert step["etape"] == "code" and step["description"] == "La pompe est cassée depuis lundi."


def test_the_right_code_files_with_the_number_the_name_and_an_sms(client, water, village):
    step = code_step(client.post(file_url(water.commune), details(water, village)))
    response = client.post(file_url(water.commune), step | {"code": latest_code()})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert str(complaint.reporter_phone) == TYPED_E164
    assert complaint.reporter_name == "Codjo Ahouandjinou" and complaint.name_public
    assert complaint.description == "La pompe est cassée depuis lundi."
    assert complaint.place_description == "Derrière le marché" and complaint.village == village
    assert complaint.reporter is None
    assert sent_to(TYPED_E164).exclude(kind="otp").filter(body__contains=complaint.code).exists()


def test_a_wrong_code_keeps_everything_and_says_so(client, water, village):
    step = code_step(client.post(file_url(water.commune), details(water, village)))
    wrong = "000000" if latest_code() != "000000" else "111111"
    response = client.post(file_url(water.commune), step | {"code": wrong})
    assert response.status_code == 400
    assert "Ce code n&#x27;est pas le bon" in response.text
    assert code_step(response) == step
    assert 'value="La pompe est cassée depuis lundi."' in response.text
    assert not Complaint.objects.exists()
    # Still right after a wrong try.
    assert client.post(file_url(water.commune), step | {"code": latest_code()}).status_code == 302


def test_an_unverified_number_is_not_kept_not_texted_and_the_name_not_kept(client, water, village):
    step = code_step(client.post(file_url(water.commune), details(water, village)))
    response = client.post(file_url(water.commune), step | {"sans_numero": ""})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert (str(complaint.reporter_phone), complaint.reporter_name, complaint.name_public) == ("", "", False)
    assert list(sent_to(TYPED_E164).values_list("kind", flat=True)) == ["otp"]
    assert complaint.description == "La pompe est cassée depuis lundi."


def test_a_forged_code_step_for_another_number_needs_that_numbers_code(client, water, village):
    step = code_step(client.post(file_url(water.commune), details(water, village)))
    code = latest_code()
    response = client.post(file_url(water.commune), step | {"reporter_phone": "97 00 00 01", "code": code})
    assert response.status_code == 400
    assert not Complaint.objects.exists()
    assert not sent_to("+2290197000001").exclude(kind="otp").exists()


def test_resend_sends_a_new_code_and_the_limit_per_number_is_said(client, water, village, settings):
    settings.OTP_MAX_SENDS_PER_NUMBER_PER_HOUR = 2
    step = code_step(client.post(file_url(water.commune), details(water, village)))
    response = client.post(file_url(water.commune), step | {"renvoyer": ""})
    assert "Un nouveau code vous a été envoyé" in response.text
    assert sent_to(TYPED_E164).filter(kind="otp").count() == 2
    response = client.post(file_url(water.commune), step | {"renvoyer": ""})
    assert "Trop de codes ont été demandés" in response.text
    assert 'name="sans_numero"' in response.text
    assert sent_to(TYPED_E164).filter(kind="otp").count() == 2


def test_correcting_goes_back_to_the_details_with_everything(client, water, village):
    step = code_step(client.post(file_url(water.commune), details(water, village)))
    response = client.post(file_url(water.commune), step | {"modifier": ""})
    assert 'name="description"' in response.text and 'name="code"' not in response.text
    assert "La pompe est cassée depuis lundi." in response.text
    assert 'value="Codjo Ahouandjinou"' in response.text


def test_the_photo_is_held_through_the_code_step(client, water, village):
    photo = SimpleUploadedFile("pompe.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    response = client.post(file_url(water.commune), details(water, village, photo=photo))
    assert "pompe.png" in response.text
    step = code_step(response)
    assert step["depot"]
    _dirs, held = default_storage.listdir(filing.HELD_DIR)
    assert len(held) == 1
    assert client.post(file_url(water.commune), step | {"code": latest_code()}).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.photo and complaint.photo.read().startswith(b"\x89PNG")
    assert default_storage.listdir(filing.HELD_DIR)[1] == []


def test_held_files_belong_to_their_session_only(client, water, village):
    from django.test import Client

    photo = SimpleUploadedFile("pompe.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, content_type="image/png")
    step = code_step(client.post(file_url(water.commune), details(water, village, photo=photo)))
    other = Client()
    other.post(file_url(water.commune), step | {"sans_numero": ""})
    assert not Complaint.objects.get().photo


def test_signed_in_with_that_number_needs_no_code(client, water, village, citizen):
    client.force_login(citizen)
    data = details(water, village, reporter_phone="01 96 55 44 33")
    assert client.post(file_url(water.commune), data).status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.reporter == citizen and complaint.name_public
    assert not sent_to(str(citizen.phone)).filter(kind="otp").exists()


def test_signed_in_with_another_number_needs_its_code(client, water, village, citizen):
    client.force_login(citizen)
    response = client.post(file_url(water.commune), details(water, village))
    assert 'name="code"' in response.text and not Complaint.objects.exists()


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymous", "no-number"])
def test_filing_without_a_number_needs_no_code(client, water, village, anonymous):
    data = details(water, village, reporter_phone="", is_anonymous="on" if anonymous else "")
    assert client.post(file_url(water.commune), data).status_code == 302
    complaint = Complaint.objects.get()
    assert str(complaint.reporter_phone) == "" and not OutboundMessage.objects.exists()
    assert not complaint.name_public
    assert complaint.reporter_name == ("" if anonymous else "Codjo Ahouandjinou")


def test_filings_are_limited_per_connection_and_nothing_typed_is_lost(client, water, village, settings):
    settings.COMPLAINTS_PER_IP_PER_HOUR = 2
    data = details(water, village, reporter_phone="")
    for _ in range(2):
        assert client.post(file_url(water.commune), data).status_code == 302
    response = client.post(file_url(water.commune), data | {"description": "Encore la pompe."})
    assert response.status_code == 429
    assert "Trop de plaintes ont été déposées depuis cette connexion" in response.text
    assert "Encore la pompe." in response.text and 'value="Derrière le marché"' in response.text
    assert Complaint.objects.count() == 2
    # Another connection still files.
    assert client.post(file_url(water.commune), data, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_the_filing_limit_holds_on_the_code_step_too(client, water, village, settings):
    settings.COMPLAINTS_PER_IP_PER_HOUR = 1
    assert client.post(file_url(water.commune), details(water, village, reporter_phone="")).status_code == 302
    response = client.post(file_url(water.commune), details(water, village))
    assert response.status_code == 429
    assert not sent_to(TYPED_E164).exists()


def test_the_filing_form_is_never_stored_by_a_browser(client, water, village):
    response = client.post(file_url(water.commune), details(water, village))
    assert "no-store" in response["Cache-Control"]
