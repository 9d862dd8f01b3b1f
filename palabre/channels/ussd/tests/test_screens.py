"""Every screen of every menu, in every language the platform offers, fits the 160-character limit
without cutting a text (the translators' limit)."""

import pytest
from django.conf import settings

from palabre.channels.ussd import menus
from palabre.channels.ussd.engine import SCREEN_LIMIT
from palabre.channels.ussd.sessions import UssdContext
from palabre.channels.ussd.tests.caller import crawl
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory

pytestmark = pytest.mark.django_db
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def context_for(commune, *, language_chosen=True):
    return UssdContext(phone="+2290197000001", commune=commune, language="fr", channel="ussd",
                       gateway="africastalking", language_chosen=language_chosen)  # fmt: skip


@pytest.fixture
def everything():
    """A commune offering every language, many arrondissements with long names, pilots to choose from."""
    commune = CommuneFactory(name="Commune au nom très long de démonstration", languages=LANGUAGES)
    for number in range(25):
        ArrondissementFactory(commune=commune, name=f"Arrondissement numéro {number} au nom long")
    CommuneFactory.create_batch(12, is_pilot=True)
    return commune


def assert_all_fit(drawn):
    assert drawn
    for item in drawn:
        where = f"{item.key} {item.data} page {item.page} in {item.language}"
        assert len(item.output.text) <= SCREEN_LIMIT, where
        assert not item.output.truncated, f"{where}: {item.output.text!r}"


def test_every_screen_reachable_from_the_main_menu_fits(everything):
    drawn = crawl(context_for(everything), menus.main_menu, LANGUAGES)
    assert_all_fit(drawn)
    keys = {item.key.rsplit(".", 1)[-1] for item in drawn}
    assert {
        "main_menu",
        "profile_menu",
        "profile_gender",
        "profile_age_band",
        "profile_arrondissement",
    } <= keys
    assert {"registered_menu", "language_change", "commune_change", "commune_search"} <= keys


def test_the_commune_and_language_questions_fit(everything):
    assert_all_fit(crawl(context_for(None), menus.main_menu, LANGUAGES))
    assert_all_fit(crawl(context_for(everything, language_chosen=False), menus.main_menu, LANGUAGES))
    assert_all_fit(crawl(context_for(None), menus.commune_results, LANGUAGES, query="commune"))
