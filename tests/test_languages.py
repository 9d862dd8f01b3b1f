"""Languages: registered with the information Django lacks, switched without JavaScript, French as fallback,
and limited on a commune's pages to the languages that commune offers."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language_info

from palabre.territory.tests.factories import CommuneFactory

NATIONAL_LANGUAGES = ["fon", "yo", "bba", "ddn", "guw"]


def commune_page(client, commune) -> str:
    return client.get(
        reverse("territory:commune_home", kwargs={"commune_slug": commune.slug})
    ).content.decode()


def switch_language(client, code: str, next_url: str = "/"):
    return client.post(reverse("set_language"), {"language": code, "next": next_url})


def test_every_language_is_registered_with_its_local_name():
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes[0] == settings.LANGUAGE_CODE == "fr"
    assert set(codes) == {"fr", "en", *NATIONAL_LANGUAGES}
    assert get_language_info("fon")["name_local"] == "Fɔ̀ngbè"
    assert get_language_info("bba")["name"] == "Bariba"


@pytest.mark.django_db
def test_switcher_is_a_plain_form_listing_every_language(client):
    html = client.get("/").content.decode()
    assert f'action="{reverse("set_language")}"' in html
    assert "<script" not in html
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}"' in html


@pytest.mark.django_db
def test_switching_to_english_translates_the_page_and_is_remembered(client):
    response = switch_language(client, "en")
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Se connecter" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "login_label"), [("yo", "Wọlé"), ("fon", "Byɔ")])
def test_navigation_is_translated_in_yoruba_and_fon(client, code, login_label):
    switch_language(client, code)
    html = client.get("/").content.decode()
    assert f'<html lang="{code}">' in html
    assert login_label in html


@pytest.mark.django_db
def test_untranslated_language_falls_back_to_french(client):
    switch_language(client, "ddn")
    html = client.get("/").content.decode()
    assert '<html lang="ddn">' in html
    assert "Se connecter" in html


def test_missing_translation_falls_back_to_the_french_source():
    with translation.override("guw"):
        assert translation.gettext("Aller au contenu") == "Aller au contenu"


@pytest.mark.django_db
def test_commune_page_offers_only_the_communes_languages(client):
    commune = CommuneFactory(slug="toffo", name="Toffo", languages=["fr", "fon"])
    html = commune_page(client, commune)
    assert '<option value="fon"' in html
    assert '<option value="en"' not in html


@pytest.mark.django_db
def test_commune_page_answers_in_french_when_the_visitors_language_is_not_offered(client):
    commune = CommuneFactory(slug="toffo", name="Toffo", languages=["fr", "fon"])
    switch_language(client, "en")
    html = commune_page(client, commune)
    assert '<html lang="fr">' in html
    assert "Se connecter" in html


@pytest.mark.django_db
def test_commune_page_keeps_an_offered_language(client):
    commune = CommuneFactory(slug="bohicon", name="Bohicon", languages=["fr", "fon", "en"])
    switch_language(client, "en")
    html = commune_page(client, commune)
    assert '<html lang="en">' in html
