"""My profile (optional traits, with the reason they are asked) and the language and commune menus."""

import pytest
from django.utils import translation

from palabre.channels.models import CallerProfile, PhoneProfile
from palabre.channels.phones import phone_set_language
from palabre.channels.ussd.sessions import caller_traits
from palabre.core.keyed import phone_key

pytestmark = pytest.mark.django_db


def choice(screen: str, label: str) -> str:
    return next(line for line in screen.splitlines() if label in line).split(".")[0]


@pytest.fixture
def at_main_menu(caller, bohicon):
    phone_set_language(phone=caller.phone, language="fr")
    caller.dial("7")
    return caller


def open_profile(caller):
    return caller.send(choice(caller.replies[-1], "Mon profil"))


def test_the_profile_says_why_it_is_asked(at_main_menu):
    screen = open_profile(at_main_menu)
    assert screen.startswith("Facultatif, jamais publié : aide la mairie à voir qui participe.\n")
    assert "1. Genre\n2. Tranche d'âge\n3. Arrondissement\n4. Effacer mon profil" in screen


def test_declaring_gender_age_band_and_arrondissement(at_main_menu, bohicon):
    caller = at_main_menu
    open_profile(caller)
    assert caller.send("1").startswith(
        "Vous êtes :\n1. Femme\n2. Homme\n3. Autre\n4. Je préfère ne pas répondre"
    )
    assert caller.send("1").startswith("C'est enregistré.\nFacultatif")
    assert caller.send("2").startswith("Votre âge :")
    caller.send("3")
    assert caller.send("3").startswith("Vous habitez l'arrondissement :\n1. Passagon")
    caller.send("1")
    profile = CallerProfile.objects.get(phone_key=phone_key(caller.phone))
    assert (profile.gender, profile.age_band, profile.arrondissement.name) == ("f", "25-35", "Passagon")
    assert caller_traits(caller.phone) == {"gender": "f", "age_band": "25-35"}


def test_not_answering_withdraws_a_trait(at_main_menu):
    caller = at_main_menu
    open_profile(caller)
    caller.send("1", "2", "1", "4")
    assert CallerProfile.objects.get(phone_key=phone_key(caller.phone)).gender == ""


def test_a_bad_choice_in_the_profile_asks_again(at_main_menu):
    caller = at_main_menu
    open_profile(caller)
    assert caller.send("9").startswith("Choix non valable.\nFacultatif")
    assert caller.send("1", "12").startswith("Choix non valable.\nVous êtes :")


def test_clearing_the_profile(at_main_menu):
    caller = at_main_menu
    open_profile(caller)
    caller.send("1", "2")
    assert caller.send("4").startswith("Votre profil est effacé.\nPalabre Bohicon")
    assert not CallerProfile.objects.filter(phone_key=phone_key(caller.phone)).exists()
    assert caller_traits(caller.phone) == {"gender": "", "age_band": ""}


def test_choosing_fon_is_remembered_and_the_menus_speak_it(caller, bohicon, fon_strings):
    caller.dial("7")
    assert caller.send("2").startswith("[fon] Palabre Bohicon :\n1. [fon] Déposer une plainte")
    assert PhoneProfile.objects.get(phone_key=phone_key(caller.phone)).language == "fon"
    screen = caller.dial()
    assert screen.startswith("[fon] Palabre Bohicon :")
    assert caller.send("9").startswith("[fon] Choix non valable.\n")
    assert translation.get_language() != "fon"
