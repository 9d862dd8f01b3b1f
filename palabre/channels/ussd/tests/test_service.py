"""A USSD session end to end, through the Africa's Talking webhook: commune, language, main menu,
navigation, resume after a network drop, retries."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext

from palabre.accounts.tests.factories import UserFactory
from palabre.channels import router
from palabre.channels.models import InboundMessage, PhoneProfile, UssdSession
from palabre.channels.phones import phone_set_commune, phone_set_language
from palabre.channels.router import MenuEntry
from palabre.channels.ussd.engine import Finish, Menu, Option, screen
from palabre.channels.ussd.service import MAX_ANSWERS, extension_in_service_code, split_dialled
from palabre.channels.ussd.sessions import session_state
from palabre.channels.ussd.tests.caller import Caller, at_token, translated
from palabre.core.keyed import phone_key
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory

pytestmark = pytest.mark.django_db


def test_the_dialled_extension_gives_the_commune_then_the_language_is_asked_once(caller, bohicon):
    screen = caller.dial("7")
    assert screen.splitlines()[0] == "Choisissez votre langue :"
    assert screen.splitlines()[1] == "1. Français"
    assert len(screen.splitlines()) == 3
    screen = caller.send("1")
    assert screen.startswith("Palabre Bohicon :\n1. Déposer une plainte")
    assert "Mon profil" in screen and "Changer de langue" in screen
    assert PhoneProfile.objects.get(phone_key=phone_key(caller.phone)).language == "fr"
    assert caller.dial("7").startswith("Palabre Bohicon :")


def test_the_phones_remembered_commune_is_used_without_extension(caller, bohicon):
    phone_set_commune(phone=caller.phone, commune=bohicon)
    phone_set_language(phone=caller.phone, language="fr")
    assert caller.dial().startswith("Palabre Bohicon :")


def test_the_account_commune_is_used_when_the_phone_has_none(client, bohicon):
    user = UserFactory(phone="+2290197000002", arrondissement=bohicon.arrondissements.first())
    phone_set_language(phone=str(user.phone), language="fr")
    assert Caller(client=client, phone=str(user.phone)).dial().startswith("Palabre Bohicon :")


def test_an_unknown_extension_asks_the_commune(caller, bohicon):
    assert caller.dial("99").startswith("Bienvenue sur Palabre. Votre commune :")


def test_the_commune_is_asked_pilots_first_then_by_name(caller, bohicon, french_only):
    screen = caller.dial()
    assert screen == "Bienvenue sur Palabre. Votre commune :\n1. Bohicon\n2. Autre commune"
    assert caller.send("2") == "Tapez le nom de votre commune :\n0. Retour"
    assert caller.send("co").startswith("Tapez au moins 3 lettres du nom.\n")
    assert caller.send("Parakou").startswith("Aucune commune de ce nom. Réessayez.\n")
    assert caller.send("come") == "Choisissez votre commune :\n1. Comè\n0. Retour 00. Menu"
    screen = caller.send("1")
    assert screen.startswith("Palabre Comè :")  # French only: no language to choose
    assert "Changer de langue" not in screen
    assert PhoneProfile.objects.get(phone_key=phone_key(caller.phone)).commune == french_only


def test_choosing_a_pilot_commune_then_the_language(caller, bohicon):
    caller.dial()
    assert caller.send("1").startswith("Choisissez votre langue :")
    assert caller.send("2").startswith("Palabre Bohicon :")
    profile = PhoneProfile.objects.get(phone_key=phone_key(caller.phone))
    assert (profile.commune, profile.language) == (bohicon, "fon")


def test_changing_commune_and_language_from_the_main_menu(caller, bohicon, french_only):
    caller.dial("7")
    caller.send("1")
    menu = caller.replies[-1].splitlines()
    language_choice = next(line for line in menu if "Changer de langue" in line).split(".")[0]
    assert caller.send(language_choice).startswith("Choisissez votre langue :")
    caller.send("2")
    assert PhoneProfile.objects.get(phone_key=phone_key(caller.phone)).language == "fon"
    commune_choice = next(line for line in caller.replies[-1].splitlines() if "commune" in line).split(".")[0]
    caller.send(commune_choice, "2", "comè", "1")
    assert caller.replies[-1].startswith("Palabre Comè :")


@pytest.mark.parametrize("answer", ["42", "x", "", "*"])
def test_a_bad_choice_in_the_main_menu_asks_again(caller, bohicon, answer):
    caller.dial("7")
    caller.send("1")
    assert caller.send(answer).startswith("Choix non valable.\nPalabre Bohicon")
    assert not caller.ended


def test_back_and_main_menu_keys(caller, bohicon):
    caller.dial("7")
    caller.send("1")
    profile = next(line for line in caller.replies[-1].splitlines() if "Mon profil" in line).split(".")[0]
    assert caller.send(profile).startswith("Facultatif")
    assert caller.send("1").startswith("Vous êtes :")
    assert caller.send("0").startswith("Facultatif")
    caller.send("1")
    assert caller.send("00").startswith("Palabre Bohicon :")


def _deep_session(caller):
    caller.dial("7")
    caller.send("1")
    profile = next(line for line in caller.replies[-1].splitlines() if "Mon profil" in line).split(".")[0]
    caller.send(profile, "2")
    assert caller.replies[-1].startswith("Votre âge :")


def test_a_dropped_session_is_resumed_within_five_minutes(caller, bohicon):
    _deep_session(caller)
    screen = caller.dial()
    assert screen.startswith("Vous reprenez ici.\nVotre âge :")
    assert caller.send("3").startswith("C'est enregistré.\nFacultatif")
    assert UssdSession.objects.count() == 1  # the dropped one was taken over and deleted


def test_a_dropped_session_is_resumed_in_the_language_the_caller_chose(caller, bohicon):
    """Bohicon offers French and Fon; the caller chose Fon, the network dropped the call, they dial again:
    the resumed screen speaks Fon, the language sealed in the dropped session (not French, the default)."""
    # Short stand-ins for the Fon texts: a screen holds 160 characters, a longer title would be cut.
    strings = {"Vous reprenez ici.": "[fon] Reprise.", "Votre âge :": "[fon] Âge :"}
    with translated("fon", strings):
        assert caller.dial("7").startswith("Choisissez votre langue :\n1. Français\n2. ")
        main_menu = caller.send("2")
        with translation.override("fon"):
            profile_title = pgettext("ussd", "Mon profil")
        profile = next(line for line in main_menu.splitlines() if profile_title in line).split(".")[0]
        caller.send(profile, "2")
        assert caller.replies[-1].startswith("[fon] Âge :\n1. ")
        screen = caller.dial()
        assert screen.startswith("[fon] Reprise.\n[fon] Âge :\n1. ")
        assert UssdSession.objects.get().language == "fon"


def test_a_dropped_session_is_not_resumed_after_five_minutes(caller, bohicon):
    _deep_session(caller)
    UssdSession.objects.update(updated_at=timezone.now() - datetime.timedelta(minutes=6))
    assert caller.dial().startswith("Palabre Bohicon :")


def test_a_dropped_session_is_not_resumed_when_another_commune_is_dialled(caller, bohicon, french_only):
    _deep_session(caller)
    assert caller.dial("12").startswith("Palabre Comè :")


def test_a_session_at_the_main_menu_is_not_resumed(caller, bohicon):
    caller.dial("7")
    caller.send("1")
    assert caller.dial("7").startswith("Palabre Bohicon :")


def test_a_retried_step_gets_the_same_screen_and_does_not_advance(caller, bohicon):
    caller.dial("7")
    first = caller.send("1")
    assert caller.retry() == first
    assert InboundMessage.objects.count() == 2
    session = UssdSession.objects.get()
    assert session.last_text_length == len("7*1")


def test_the_session_state_is_kept_in_the_database(caller, client, bohicon):
    _deep_session(caller)
    session = UssdSession.objects.get()
    assert [frame.key.rsplit(".", 1)[-1] for frame in session_state(session).frames] == [
        "main_menu",
        "profile_menu",
        "profile_age_band",
    ]
    other = Caller(client=client, phone=caller.phone, session_id=caller.session_id, text=caller.text)
    other.replies = ["x"]
    assert other.send("0").startswith("Facultatif")


def test_answers_dialled_at_once_are_applied_in_order(caller, bohicon):
    assert caller.dial("7*1").startswith("Palabre Bohicon :")


@screen
def _weather(context):
    return Menu(title="Météo :", options=[Option("Demain", Finish("Soleil."))])


def test_the_main_menu_lists_the_menus_modules_registered(caller, bohicon):
    phone_set_language(phone=caller.phone, language="fr")
    with router.temporary_registry():
        router.register_menu(
            router.USSD,
            MenuEntry("weather", "Météo", _weather, order=5),
            MenuEntry("hidden", "Caché", _weather, order=6, available=lambda context: False),
        )
        screen = caller.dial("7")
        assert screen.splitlines()[:2] == ["Palabre Bohicon :", "1. Météo"]
        assert "Caché" not in screen
        assert caller.send("1") == "Météo :\n1. Demain\n0. Retour"
        assert caller.send("1") == "Soleil."
        assert caller.ended
        assert not UssdSession.objects.exists()  # an ended session is deleted


def test_a_menu_removed_during_a_session_says_so(caller, bohicon):
    phone_set_language(phone=caller.phone, language="fr")
    with router.temporary_registry():
        router.register_menu(router.USSD, MenuEntry("weather", "Météo", _weather, order=5))
        caller.dial("7")
        caller.send("1")
    with router.temporary_registry():
        assert caller.send("1").startswith("Choix non valable.\nCe service n'est plus proposé ici.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", ("", [])), ("7", ("7", [])), ("7*1*2", ("7", ["1", "2"])), ("abc", ("", []))],
)
def test_split_dialled(text, expected):
    assert split_dialled(text) == expected


def test_the_inbound_message_is_tagged_with_the_commune(caller, bohicon):
    caller.dial("7")
    assert InboundMessage.objects.get().commune == bohicon


def test_an_inactive_commune_extension_is_ignored(caller):
    CommuneFactory(slug="off", name="Éteinte", ussd_extension="*384*229*5#", is_active=False, is_pilot=False)
    ArrondissementFactory()
    assert caller.dial("5").startswith("Bienvenue sur Palabre.")


@pytest.mark.parametrize(
    ("service_code", "extension"),
    [("*384*229#", ""), ("*384*229*7#", "7"), ("*123*7#", ""), ("*384*229*7", "")],
)
def test_extension_in_service_code(service_code, extension):
    assert extension_in_service_code(service_code) == extension


def test_the_extension_may_come_in_the_service_code(client, bohicon):
    caller = Caller(client=client)
    caller.session_id = "ATUid_full_code"
    data = {
        "sessionId": "ATUid_full_code",
        "serviceCode": "*384*229*7#",
        "phoneNumber": caller.phone,
        "text": "",
    }
    response = client.post("/channels/africastalking/ussd/", data, secure=True, query_params=at_token())
    assert response.content.decode().startswith("CON Choisissez votre langue :")


# Cost of a step: the queries stay few (each one costs CPU on every step of every caller) ----------------
@pytest.fixture
def known_caller(caller, bohicon):
    phone_set_commune(phone=caller.phone, commune=bohicon)
    phone_set_language(phone=caller.phone, language="fr")
    return caller


def test_a_menu_step_costs_few_queries(known_caller, django_assert_max_num_queries):
    """Store, phone settings, rate limit, inbound lock, session with its commune, the screen's own query
    (categories), budgeting's open-cycle check (its menu entries show only in the right phase), session
    saved, request processed, plus the test's savepoints."""
    known_caller.dial()
    with django_assert_max_num_queries(13):
        screen = known_caller.send("1")
    assert screen.startswith("Votre plainte concerne :")


def test_the_first_step_of_a_known_phone_costs_few_queries(known_caller, django_assert_max_num_queries):
    """As a menu step, plus the resumable-session lookup, the new session's insert and the deletion of
    sessions past the resume window."""
    with django_assert_max_num_queries(18):
        assert known_caller.dial("7").startswith("Palabre Bohicon :")


def test_the_session_commune_is_read_with_the_session(known_caller, django_assert_max_num_queries):
    known_caller.dial()
    with django_assert_max_num_queries(12) as captured:
        known_caller.send("2")
    assert not any('FROM "territory_commune"' in query["sql"] for query in captured.captured_queries)


def test_a_dial_string_of_100000_answers_is_ended_at_once(caller, bohicon, django_assert_max_num_queries):
    """Replayed with no bound, this held SQLite's write lock for 17 minutes (issue 8)."""
    with django_assert_max_num_queries(10):
        screen = caller.dial("7*" + "*".join(["1"] * 100_000))
    assert caller.ended and screen == "Votre message est trop long. Merci de l'écrire plus court."
    assert not UssdSession.objects.exists()


def test_more_answers_than_a_real_session_end_it(caller, bohicon):
    screen = caller.dial("7*" + "*".join(["1"] * MAX_ANSWERS))
    assert caller.ended and screen.startswith("Réponse trop longue.")
    assert not UssdSession.objects.exists()


def test_a_first_step_replays_a_few_answers_only(caller, bohicon):
    phone_set_language(phone=caller.phone, language="fr")
    # Twenty "0" (back) answers after the extension: only the first MAX_DIALLED_ANSWERS are replayed.
    assert caller.dial("7*" + "*".join(["0"] * 20)).startswith("Palabre Bohicon :")
