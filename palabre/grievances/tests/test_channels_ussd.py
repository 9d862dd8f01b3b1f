"""Complaints by USSD, end to end through the Africa's Talking webhook: filing (every step, bad input,
paging, back, anonymous), following by code, my recent complaints, retries, in French and in Fon."""

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from palabre.channels.models import InboundMessage, UssdSession
from palabre.channels.phones import phone_set_commune, phone_set_language
from palabre.channels.ussd.sessions import UssdContext, caller_profile_set
from palabre.channels.ussd.tests.caller import FON_STRINGS, Caller, crawl, translated
from palabre.core.keyed import phone_key
from palabre.grievances import channels, services
from palabre.grievances.models import Category, Complaint
from palabre.grievances.tests.conftest import REPORTER_PHONE
from palabre.territory.tests.factories import ArrondissementFactory, VillageFactory

pytestmark = pytest.mark.django_db
LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def caller(client, bohicon, village):
    """A caller of Bohicon who chose French, at the main menu."""
    caller = Caller(client=client, phone=REPORTER_PHONE)
    phone_set_commune(phone=caller.phone, commune=bohicon)
    phone_set_language(phone=caller.phone, language="fr")
    assert caller.dial().startswith("Palabre Bohicon :\n1. Déposer une plainte\n2. Suivre une plainte")
    return caller


def first_category(bohicon) -> Category:
    return Category.objects.filter(commune=bohicon, is_active=True).order_by("position", "name").first()


def test_filing_a_complaint_step_by_step(caller, bohicon, village):
    screen = caller.send("1")
    assert screen.startswith("Votre plainte concerne :\n1. ")
    assert "98. Suite" in screen
    assert (
        caller.send("1") == "Dans quel arrondissement ?\n1. Passagon\n2. Je ne sais pas\n0. Retour 00. Menu"
    )
    assert (
        caller.send("1")
        == "Quel village ou quartier ?\n1. Zounzonmè\n2. Pas dans la liste\n0. Retour 00. Menu"
    )
    assert caller.send("1").startswith("Décrivez le problème en quelques mots")
    assert caller.send("pompe").startswith("Trop court : écrivez au moins 10 lettres.\nDécrivez")
    screen = caller.send("La pompe de Zounzonme est en panne")
    assert screen.startswith("La mairie peut-elle vous répondre par SMS ?")
    assert "1. Oui, avec mon numéro\n2. Non, rester anonyme" in screen
    category = first_category(bohicon)
    screen = caller.send("1")
    assert screen.startswith(
        f"Envoyer votre plainte « {category.label} » à la mairie de Bohicon ?\n1. Envoyer"
    )
    screen = caller.send("1")
    assert caller.ended
    complaint = Complaint.objects.get()
    assert screen == (
        f"Plainte enregistrée. Votre code de suivi : {complaint.code}. "
        f"Réponse attendue d'ici le {complaint.resolve_due_on:%d/%m/%Y}."
    )
    assert (complaint.commune, complaint.category, complaint.village, complaint.arrondissement) == (
        bohicon, category, village, village.arrondissement,
    )  # fmt: skip
    assert complaint.description == "La pompe de Zounzonme est en panne"
    assert (complaint.channel, complaint.language, complaint.is_anonymous) == ("ussd", "fr", False)
    assert complaint.reporter_phone == REPORTER_PHONE
    assert InboundMessage.objects.filter(kind="ussd").last().commune == bohicon


def test_filing_anonymously_keeps_no_phone(caller):
    caller.send("1", "1", "2", "La route est coupée par la pluie", "2", "1")
    assert caller.ended
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous and not complaint.reporter_phone
    assert complaint.arrondissement is None


def test_an_anonymous_filing_leaves_no_trace_of_the_number_in_the_channels(caller):
    """Every request of the filing loses its number's hash (their times match the complaint's), and the
    session is gone with its description."""
    caller.send("1", "1", "2", "La route est coupée par la pluie", "2", "1")
    assert caller.ended
    assert not InboundMessage.objects.filter(phone_key=phone_key(caller.phone)).exists()
    assert InboundMessage.objects.filter(kind="ussd").count() == 7
    assert not UssdSession.objects.exists()


def test_a_named_filing_keeps_the_numbers_hash_for_the_rate_limits(caller):
    caller.send("1", "1", "2", "La route est coupée par la pluie", "1", "1")
    assert InboundMessage.objects.filter(phone_key=phone_key(caller.phone)).count() == 7


def test_the_declared_profile_goes_with_the_complaint(caller, bohicon):
    caller_profile_set(phone=caller.phone, trait="gender", value="f")
    caller_profile_set(phone=caller.phone, trait="age_band", value="18-24")
    caller.send("1", "1", "2", "La route est coupée par la pluie", "1", "1")
    complaint = Complaint.objects.get()
    assert (complaint.reporter_gender, complaint.reporter_age_band) == ("f", "18-24")


def test_categories_are_paged(caller, bohicon):
    categories = list(Category.objects.filter(commune=bohicon, is_active=True).order_by("position", "name"))
    caller.send("1")
    screen = caller.send("98")
    numbers = [int(line.split(".")[0]) for line in screen.splitlines()[1:] if line[0].isdigit()]
    numbers = [number for number in numbers if number not in (98, 0)]
    caller.send(str(numbers[0]))
    caller.send("2", "La route est coupée par la pluie", "1", "1")
    assert Complaint.objects.get().category == categories[numbers[0] - 1]


def test_villages_are_paged(caller, bohicon):
    arrondissement = ArrondissementFactory(commune=bohicon, name="Zakpota")
    for number in range(30):
        VillageFactory(arrondissement=arrondissement, name=f"Village de Zakpota {number:02d}")
    caller.send("1", "1")
    assert caller.replies[-1].splitlines()[2] == "2. Zakpota"
    screen = caller.send("2")
    assert "98. Suite" in screen
    screen = caller.send("98")
    assert "0. Retour" in screen
    caller.send("25", "Le marché est inondé depuis hier", "1", "1")
    assert Complaint.objects.get().village.name == "Village de Zakpota 24"


def test_back_from_the_description_and_main_menu(caller):
    caller.send("1", "1", "1", "1")
    assert caller.send("0").startswith("Quel village ou quartier ?")
    assert caller.send("0").startswith("Dans quel arrondissement ?")
    assert caller.send("00").startswith("Palabre Bohicon :")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("answer", ["0", "99", "abc"])
def test_a_bad_choice_while_filing_asks_again(caller, answer):
    caller.send("1", "1")
    screen = caller.send("7" if answer == "0" else answer)
    assert screen.startswith("Choix non valable.\nDans quel arrondissement ?")


def test_a_retried_confirmation_files_one_complaint(caller):
    caller.send("1", "1", "2", "La route est coupée par la pluie", "1")
    assert caller.send("1").startswith("Plainte enregistrée.")
    # The last screen (its tracking code) is not stored: a retry is told the filing was received.
    assert caller.retry() == caller.retry() == "Votre demande a déjà été reçue. Merci."
    assert Complaint.objects.count() == 1


def test_a_dropped_session_resumes_and_files_once(caller, client):
    caller.send("1", "1", "2", "La route est coupée par la pluie")
    again = Caller(client=client, phone=caller.phone)
    assert again.dial().startswith("Vous reprenez ici.\n1. Oui, avec mon numéro\n2. Non, rester anonyme")
    again.send("1", "1")
    assert again.ended
    assert Complaint.objects.count() == 1


def test_a_category_closed_meanwhile_is_refused(caller, bohicon):
    caller.send("1", "1", "2", "La route est coupée par la pluie", "1")
    Category.objects.filter(commune=bohicon).update(is_active=False)
    assert caller.send("1") == "Choisissez une catégorie de la commune."  # the service's words
    assert caller.ended
    assert not Complaint.objects.exists()


def test_a_refused_filing_says_what_the_service_said(caller, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"village": "Ce village n'est pas dans cet arrondissement."})

    monkeypatch.setattr(services, "complaint_file", refuse)
    caller.send("1", "1", "2", "La route est coupée par la pluie", "1")
    assert caller.send("1") == "Ce village n'est pas dans cet arrondissement."
    assert caller.ended


def test_following_a_complaint_by_its_code(caller, file_complaint):
    complaint = file_complaint()
    assert caller.send("2") == "Tapez le code de suivi de votre plainte :\n0. Retour"
    assert caller.send("XXX-0000").startswith("Aucune plainte ne porte ce code. Vérifiez-le et retapez-le.\n")
    screen = caller.send(complaint.code.lower())
    assert screen.startswith(
        f"Plainte {complaint.code} : Reçue. Réponse attendue d'ici le {complaint.resolve_due_on:%d/%m/%Y}."
    )
    assert caller.send("1").startswith("Tapez le code de suivi")


def test_a_finished_complaint_shows_no_date(caller, file_complaint, officer):
    complaint = file_complaint()
    Complaint.objects.filter(pk=complaint.pk).update(status="closed")
    assert caller.send("2", complaint.code).startswith(f"Plainte {complaint.code} : Clôturée.\n")


def test_too_many_unknown_codes_end_the_session(caller):
    caller.send("2")
    for _attempt in range(10):
        caller.send("NOP-0000")
    assert caller.send("NOP-0001").startswith("Trop de codes inconnus")
    assert caller.ended


def test_my_recent_complaints(caller, file_complaint):
    mine = file_complaint()
    file_complaint(reporter_phone="+2290197999999")
    screen = caller.send("3")
    assert screen == f"Vos plaintes récentes :\n1. {mine.code} Reçue\n0. Retour"
    assert caller.send("1").startswith(f"Plainte {mine.code} : Reçue.")


def test_no_complaint_yet(caller):
    assert caller.send("3") == "Aucune plainte déposée depuis ce numéro.\n0. Retour"


def test_the_menus_are_hidden_when_the_commune_has_no_complaints_module(client, bohicon):
    bohicon.modules = ["budgeting"]
    bohicon.save()
    caller = Caller(client=client)
    phone_set_commune(phone=caller.phone, commune=bohicon)
    phone_set_language(phone=caller.phone, language="fr")
    screen = caller.dial()
    assert "Déposer une plainte" not in screen and "Suivre une plainte" not in screen
    assert "Mes plaintes" in screen


def test_filing_in_fon(client, bohicon, village):
    caller = Caller(client=client, phone=REPORTER_PHONE)
    phone_set_commune(phone=caller.phone, commune=bohicon)
    phone_set_language(phone=caller.phone, language="fon")
    with translated("fon", FON_STRINGS):
        assert caller.dial().startswith("[fon] Palabre Bohicon :\n1. [fon] Déposer une plainte")
        assert caller.send("1").startswith("[fon] Votre plainte concerne :")
        assert caller.send("x").startswith("[fon] Choix non valable.\n1. ")
        done = caller.send("1", "2", "Ali ɔ gble, mi ka wa", "1", "1")
    complaint = Complaint.objects.get()
    due = complaint.resolve_due_on.strftime("%d/%m/%Y")
    assert done == f"[fon] Plainte enregistrée. Code : {complaint.code}. Réponse d'ici le {due}."
    assert complaint.language == "fon"


def test_every_complaint_screen_fits_in_every_language(bohicon, village, file_complaint):
    for number in range(40):
        VillageFactory(
            arrondissement=village.arrondissement, name=f"Village au nom assez long numéro {number}"
        )
    context = UssdContext(phone=REPORTER_PHONE, commune=bohicon, language="fr", channel="ussd", gateway="at")
    complaint = file_complaint()
    category = first_category(bohicon).pk
    draft = {"category": category, "arrondissement": village.arrondissement_id, "village": village.pk,
             "description": "x" * 300}  # fmt: skip
    drawn = [
        *crawl(context, channels.file_category, LANGUAGES),
        *crawl(context, channels.file_anonymity, LANGUAGES, **draft),
        *crawl(context, channels.file_confirm, LANGUAGES, **draft, anonymous=False),
        *crawl(context, channels.track_code, LANGUAGES),
        *crawl(context, channels.complaint_status, LANGUAGES, complaint=complaint.pk),
        *crawl(context, channels.my_complaints, LANGUAGES),
    ]
    keys = {item.key.rsplit(".", 1)[-1] for item in drawn}
    assert {
        "file_category",
        "file_arrondissement",
        "file_village",
        "file_description",
        "file_confirm",
    } <= keys
    for item in drawn:
        assert len(item.output.text) <= 160
        assert not item.output.truncated, (item.key, item.language, item.output.text)


@pytest.fixture
def ussd_context(bohicon):
    return UssdContext(phone=REPORTER_PHONE, commune=bohicon, language="fr", channel="ussd", gateway="at")


@pytest.fixture
def toffo_places(toffo):
    arrondissement = ArrondissementFactory(commune=toffo, name="Sèhouè")
    return arrondissement, VillageFactory(arrondissement=arrondissement, name="Gbéto")


def test_a_draft_naming_another_communes_category_or_place_files_nothing(
    ussd_context, bohicon, toffo, village, toffo_places
):
    toffo_arrondissement, toffo_village = toffo_places
    mine = {"category": first_category(bohicon).pk, "arrondissement": None, "village": None}
    drafts = [
        mine | {"category": first_category(toffo).pk},
        mine | {"arrondissement": toffo_arrondissement.pk},
        mine | {"village": toffo_village.pk},
        mine | {"arrondissement": village.arrondissement_id, "village": toffo_village.pk},
    ]
    for draft in drafts:
        outcome = channels._file(
            ussd_context, draft | {"description": "La pompe est cassée", "anonymous": True}
        )
        assert outcome.text == "La plainte n'a pas pu être enregistrée. Merci de recommencer."
    assert not Complaint.objects.exists()
    confirm = channels.file_confirm(ussd_context, **drafts[0], description="La pompe", anonymous=True)
    assert confirm.title == "Votre plainte concerne :"  # back to the commune's own categories


def test_the_arrondissement_screen_lists_no_other_communes_villages(ussd_context, toffo_places):
    toffo_arrondissement, _village = toffo_places
    screen = channels.file_village(ussd_context, category=1, arrondissement=toffo_arrondissement.pk)
    assert screen.title.startswith("Décrivez le problème")  # none of Bohicon's: straight to the description


def test_the_status_of_a_complaint_that_is_gone(ussd_context):
    screen = channels.complaint_status(ussd_context, complaint=123456)
    assert screen.title == "Aucune plainte ne porte ce code. Vérifiez-le et retapez-le."
