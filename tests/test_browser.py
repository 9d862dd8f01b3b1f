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


def test_knapsack_vote_shows_the_running_total_with_javascript(live_server, monkeypatch):
    """With JavaScript (htmx), ticking a project updates the total and greys out what no longer fits;
    the ballot is then cast and a receipt shown."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from palabre.budgeting.models import Ballot, BallotKind
    from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
    from palabre.territory.tests.factories import CommuneFactory

    commune = CommuneFactory(slug="bohicon", name="Bohicon")
    cycle = CycleFactory(commune=commune, ballot_kind=BallotKind.KNAPSACK, max_projects=None)
    envelope = EnvelopeFactory(cycle=cycle, amount=5_000_000)
    for number, cost in ((1, 3_000_000), (2, 2_000_000), (3, 4_000_000)):
        ProposalFactory(envelope=envelope, number=number, title=f"Projet {number}", estimated_cost=cost)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="fr-FR").new_page()
        page.goto(f"{live_server.url}/compte/connexion/?next=/bohicon/budget/{cycle.pk}/voter/")
        page.fill("input[name=phone]", "97 00 12 34")
        page.get_by_role("button", name=re.compile("code", re.I)).click()
        page.fill("input[name=code]", latest_login_code())
        page.get_by_role("button", name=re.compile("Valider|Vérifier|Continuer", re.I)).click()
        page.goto(f"{live_server.url}/bohicon/budget/{cycle.pk}/voter/")
        page.locator("input[type=checkbox][value='1']").check()
        page.wait_for_selector("text=reste 2")
        assert page.locator("input[type=checkbox][value='3']").is_disabled()
        assert page.locator("input[type=checkbox][value='2']").is_enabled()
        page.locator("input[type=checkbox][value='2']").check()
        page.wait_for_selector("text=reste 0")
        page.get_by_role("button", name=re.compile("Voter|Valider", re.I)).first.click()
        page.wait_for_selector("text=/reçu/i")
        browser.close()
    assert Ballot.objects.get().proposal_numbers == [1, 2]


def test_the_simulator_dials_and_answers_with_javascript(live_server, monkeypatch, settings):
    """With JavaScript each form is sent in the background and only the phone is redrawn (the form's
    button named "action" once made the script post to "/simulator/[object HTMLButtonElement]")."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from palabre.grievances.services import categories_ensure_defaults
    from palabre.territory.tests.factories import CommuneFactory

    settings.DEMO_MODE = True
    commune = CommuneFactory(slug="bohicon", name="Bohicon", languages=["fr"], ussd_extension="*384*229*7#")
    categories_ensure_defaults(commune=commune)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="fr-FR").new_page()
        posted = []
        page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
        page.goto(f"{live_server.url}/simulator/")
        page.fill("#sim-input", "*384*229*7#")
        page.get_by_role("button", name="Appeler").click()
        page.wait_for_selector("text=Palabre Bohicon")
        page.fill("#sim-input", "1")
        page.get_by_role("button", name="Envoyer", exact=True).click()
        page.wait_for_selector("text=Votre plainte concerne")
        browser.close()
    assert posted and all(url.startswith(f"{live_server.url}/simulator/") for url in posted)
    assert not any("object" in url for url in posted)
