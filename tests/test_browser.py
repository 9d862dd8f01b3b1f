"""End to end in Debian's chromium (Playwright), JavaScript off as on a cheap phone's proxy browser."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture
def page(live_server, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test's ORM calls stay synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from palabre.territory.models import Commune
    from palabre.territory.services import territory_load

    territory_load()
    Commune.objects.filter(slug="bohicon").update(languages=["fr", "fon", "en"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(java_script_enabled=False, locale="fr-FR")
        yield context.new_page()
        browser.close()


def latest_login_code() -> str:
    from palabre.core.models import OutboundMessage

    body = OutboundMessage.objects.filter(kind="otp").latest("created_at").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def test_citizen_reaches_a_commune_and_switches_language_without_javascript(page, live_server):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Bohicon").first.click()
    assert page.url.endswith("/bohicon/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.select_option("#lang", "en")
    page.get_by_role("button", name="Changer").click()
    assert page.url.endswith("/bohicon/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Log in").is_visible()


def test_citizen_signs_up_with_a_one_time_code_without_javascript(page, live_server):
    page.goto(live_server.url + "/compte/connexion/")
    page.fill("input[name=phone]", "97 00 12 34")
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    page.fill("input[name=code]", latest_login_code())
    page.get_by_role("button", name=re.compile("Valider|Vérifier|Continuer", re.I)).click()
    assert page.get_by_role("link", name="Mon compte").is_visible()
