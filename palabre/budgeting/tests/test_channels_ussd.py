"""Budget voting and ideas by USSD, end to end through the Africa's Talking webhook: menus shown only when
voting (or ideas) are open, every ballot rule refused while picking, residence and age asked, receipts,
one ballot per phone across channels, resume after a network drop, and every screen within 160 characters."""

import dataclasses
import re

import pytest
from django.conf import settings
from django.utils import translation

from palabre.budgeting import channels
from palabre.budgeting.models import Ballot, BallotKind, Proposal, VoterRecord
from palabre.budgeting.phases import IDEAS, RESULTS
from palabre.budgeting.services.voters import voter_from_user
from palabre.budgeting.services.voting import ballot_cast, receipt_ballot
from palabre.budgeting.tests.conftest import VOTER_PHONE
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import ProposalFactory
from palabre.channels import router
from palabre.channels.models import CallerProfile
from palabre.channels.phones import phone_set_commune, phone_set_language
from palabre.channels.router import InboundContext
from palabre.channels.sms.dispatch import sms_dispatch
from palabre.channels.ussd.engine import Engine, Frame, State, screen_key
from palabre.channels.ussd.menus import main_menu
from palabre.channels.ussd.service import labels
from palabre.channels.ussd.sessions import UssdContext, caller_profile_set
from palabre.channels.ussd.tests.caller import Caller, Drawn, crawl
from palabre.core.choices import Channel
from palabre.core.keyed import phone_key
from palabre.core.models import OutboundMessage

pytestmark = pytest.mark.django_db
LANGUAGES = [code for code, _name in settings.LANGUAGES]
VOTE = "Voter (budget participatif)"
IDEA = "Proposer une idée"


def option(screen: str, label: str) -> str:
    """The number to type for the option whose label contains `label` (on the screen shown)."""
    for line in screen.splitlines():
        match = re.match(r"^(\d+)\. (.*)$", line)
        if match and label in match.group(2):
            return match.group(1)
    raise AssertionError(f"no option {label!r} in {screen!r}")


def new_caller(client, bohicon, phone=VOTER_PHONE) -> Caller:
    caller = Caller(client=client, phone=phone)
    phone_set_commune(phone=phone, commune=bohicon)
    phone_set_language(phone=phone, language="fr")
    return caller


@pytest.fixture
def caller(client, bohicon, passagon, commune_envelope, passagon_envelope):
    """A resident of Passagon (declared in their phone profile) at Bohicon's main menu, voting open.
    Every screen they see must fit 160 characters."""
    caller = new_caller(client, bohicon)
    caller_profile_set(phone=caller.phone, trait="arrondissement", value=passagon)
    caller.dial()
    yield caller
    assert all(len(reply) <= 160 for reply in caller.replies), caller.replies


def open_vote(caller) -> str:
    return caller.send(option(caller.replies[-1], VOTE))


def open_commune_ballot(caller) -> str:
    screen = open_vote(caller)
    assert screen.startswith("Voter dans quelle enveloppe ?\n1. Toute la commune 10M\n2. Passagon 3M")
    return caller.send("1")


def set_kind(cycle, kind, **fields):
    cycle.ballot_kind = kind
    for name, value in fields.items():
        setattr(cycle, name, value)
    cycle.save()


# Menus ---------------------------------------------------------------------------------------------------
def test_the_vote_entry_comes_first_while_voting(caller):
    assert caller.replies[-1].startswith(f"Palabre Bohicon :\n1. {VOTE}\n")
    assert IDEA not in caller.replies[-1]


@pytest.mark.parametrize("change", ["module_off", "unpublished", "results_phase", "no_cycle"])
def test_the_vote_entry_is_hidden_when_voting_is_not_open(client, bohicon, cycle, change):
    if change == "module_off":
        bohicon.modules = ["complaints"]
        bohicon.save()
    elif change == "unpublished":
        cycle.is_published = False
        cycle.save()
    elif change == "results_phase":
        for field, day in phase_dates(RESULTS).items():
            setattr(cycle, field, day)
        cycle.save()
    else:
        cycle.delete()
    screen = new_caller(client, bohicon).dial()
    assert screen.startswith("Palabre Bohicon :")
    assert VOTE not in screen and IDEA not in screen


def test_the_idea_entry_is_shown_during_the_ideas_phase_only(client, bohicon, cycle):
    for field, day in phase_dates(IDEAS).items():
        setattr(cycle, field, day)
    cycle.save()
    screen = new_caller(client, bohicon).dial()
    assert screen.startswith(f"Palabre Bohicon :\n1. {IDEA}\n")
    assert VOTE not in screen
    bohicon.modules = ["complaints"]
    bohicon.save()
    assert IDEA not in new_caller(client, bohicon).dial()


def test_the_entries_cost_one_query_per_request(bohicon, cycle, django_assert_num_queries):
    """The main menu asks each entry whether it is available, and again when one is opened."""
    context = UssdContext(phone=VOTER_PHONE, commune=bohicon, language="fr", channel="ussd", gateway="at",
                          inbound_id=41)  # fmt: skip
    with django_assert_num_queries(1):
        assert [entry.key for entry in router.ussd_menus(context)][:1] == ["budget_vote"]
        assert "budget_idea" not in [entry.key for entry in router.ussd_menus(context)]
    with django_assert_num_queries(1):
        router.ussd_menus(dataclasses.replace(context, inbound_id=42))


# Voting --------------------------------------------------------------------------------------------------
def test_voting_step_by_step_with_a_receipt_by_sms(caller, commune_envelope):
    screen = open_commune_ballot(caller)
    assert screen == (
        "Choisis : 0/3\n1. Projet commune 1 2M\n2. Projet commune 2 3M\n3. Projet commune 3 4M\n"
        "4. Projet commune 4 5M\n5. Valider mon vote\n0. Retour 00. Menu"
    )
    assert caller.send("5").startswith("Choisissez d'abord un projet.\n1. Projet commune 1 2M")
    assert caller.send("1").startswith("Ajouté.\nChoisis : 1/3\n1. *Projet commune 1 2M\n2. Projet commune 2")
    assert caller.send("3").startswith("Ajouté.\nChoisis : 2/3\n1. *Projet commune 1 2M\n")
    screen = caller.send("5")
    assert screen == (
        "Votre vote (Toute la commune) : Projet commune 1, Projet commune 3.\n1. Confirmer\n2. Modifier\n"
        "0. Retour 00. Menu"
    )
    done = caller.send("1")
    assert caller.ended
    code = re.search(r"Reçu : (\w{4}-\w{4})", done).group(1)
    assert done == (
        f"Vote enregistré. Reçu : {code} (envoyé aussi par SMS). Rappelez pour voter aussi dans "
        "l'enveloppe Passagon."
    )
    assert receipt_ballot(cycle=commune_envelope.cycle, code=code).proposal_numbers == [1, 3]
    record = VoterRecord.objects.get()
    assert (record.envelope, record.channel) == (commune_envelope, Channel.USSD)
    sms = OutboundMessage.objects.get(kind="budgeting.receipt")
    assert sms.to == VOTER_PHONE and code in sms.body


def test_unselecting_and_going_back_undo_a_choice(caller):
    open_commune_ballot(caller)
    caller.send("1", "2")
    assert caller.send("1").startswith("Retiré.\nChoisis : 1/3\n1. Projet commune 1 2M\n2. *Projet commune 2")
    assert caller.send("0").startswith("Choisis : 2/3\n1. *Projet commune 1")
    caller.send("5", "1")
    assert Ballot.objects.get().proposal_numbers == [1, 2]


def test_more_projects_than_allowed_are_refused_while_picking(caller):
    open_commune_ballot(caller)
    caller.send("1", "2", "3")
    screen = caller.send("4")
    assert screen.startswith("Maximum 3 : retirez-en un.\n1. *Projet commune 1 2M\n")
    assert "4. Projet commune 4 5M" in screen
    caller.send("5", "1")
    assert Ballot.objects.get().proposal_numbers == [1, 2, 3]


def test_knapsack_shows_the_running_total_and_refuses_going_over(caller, cycle):
    set_kind(cycle, BallotKind.KNAPSACK, max_projects=None)
    assert open_commune_ballot(caller).startswith("Total 0 / 10M\n1. Projet commune 1 2M")
    assert caller.send("4").startswith("Ajouté.\nTotal 5M / 10M\n")
    assert caller.send("3").startswith("Ajouté.\nTotal 9M / 10M\n")
    assert caller.send("2").startswith("Trop cher : il reste 1M.\n1. Projet commune 1 2M\n")
    assert caller.send("4").startswith("Retiré.\nTotal 4M / 10M\n")
    assert caller.send("2").startswith("Ajouté.\nTotal 7M / 10M\n")
    assert caller.send("5").startswith(
        "Votre vote (Toute la commune) : Projet commune 3, Projet commune 2. Total 7M / 10M."
    )
    caller.send("1")
    assert Ballot.objects.get().proposal_numbers == [2, 3]  # stored in canonical order


def test_cumulative_points_are_asked_per_project(caller, cycle):
    set_kind(cycle, BallotKind.CUMULATIVE, max_projects=None, points_per_voter=10)
    assert open_commune_ballot(caller).startswith("Points : 0/10\n")
    assert caller.send("1") == "Points pour Projet commune 1 (il vous en reste 10) :\n0. Retour 00. Menu"
    assert caller.send("beaucoup").startswith("Tapez un nombre de points, 1 au moins.")
    assert caller.send("12").startswith("Il vous reste 10 points.")
    assert caller.send("6").startswith("Ajouté.\nPoints : 6/10\n1. [6]Projet commune 1 2M")
    caller.send("2")
    assert caller.send("5").startswith("Il vous reste 4 points.")
    assert caller.send("4").startswith("Ajouté.\nPoints : 10/10\n")
    assert caller.send("1").startswith("Retiré.\nPoints : 4/10\n1. Projet commune 1 2M\n2. [4]Projet")
    caller.send("1", "3")
    assert caller.send("5").startswith(
        "Votre vote (Toute la commune) : Projet commune 2 4, Projet commune 1 3."
    )
    caller.send("1")
    ballot = Ballot.objects.get()
    assert (ballot.proposal_numbers, ballot.points) == ([1, 2], [3, 4])  # canonical, points aligned


def test_the_residence_is_asked_once_and_kept(
    client, bohicon, passagon, saclo, commune_envelope, passagon_envelope
):
    caller = new_caller(client, bohicon)
    screen = caller.send(option(caller.dial(), VOTE))
    assert screen == (
        "Vous habitez quel arrondissement ? Vous y votez aussi.\n1. Passagon\n2. Saclo\n"
        "3. Je préfère ne pas dire\n0. Retour"
    )
    assert caller.send("1").startswith("Voter dans quelle enveloppe ?\n1. Toute la commune 10M\n2. Passagon")
    assert CallerProfile.objects.get(phone_key=phone_key(VOTER_PHONE)).arrondissement == passagon
    again = new_caller(client, bohicon, phone="+2290196000001")
    again.send(option(again.dial(), VOTE))
    assert again.send("3").startswith("Choisis : 0/3\n1. Projet commune 1")


def test_without_a_commune_wide_envelope_only_residents_vote(client, bohicon, passagon, passagon_envelope):
    caller = new_caller(client, bohicon)
    caller.send(option(caller.dial(), VOTE))
    assert caller.send("2") == "Ce vote est réservé aux habitants de certains arrondissements."
    assert caller.ended


def test_a_resident_of_another_arrondissement_only_sees_the_commune_envelope(caller, saclo):
    caller_profile_set(phone=caller.phone, trait="arrondissement", value=saclo)
    assert open_vote(caller).startswith("Choisis : 0/3\n1. Projet commune 1 2M")
    assert "Passagon" not in caller.replies[-1]


def test_the_minimum_age_is_confirmed_on_screen(caller, client, bohicon, cycle):
    cycle.minimum_age = 18
    cycle.save()
    open_vote(caller)
    assert caller.send("2") == (
        "Ce vote est ouvert à partir de 18 ans. Votre âge :\n1. J'ai 18 ans ou plus\n"
        "2. J'ai moins de 18 ans\n0. Retour 00. Menu"
    )
    assert caller.send("2") == "Il faut avoir au moins 18 ans pour voter. Merci !"
    assert caller.ended
    again = new_caller(client, bohicon)
    again.dial()
    open_vote(again)
    assert again.send("2", "1").startswith("Choisis : 0/3\n1. Puits de Passagon 1M")
    again.send("1", "3", "1")
    assert again.ended and Ballot.objects.get().proposal_numbers == [11]


def test_a_declared_age_band_under_the_minimum_is_refused(caller, cycle):
    cycle.minimum_age = 18
    cycle.save()
    caller_profile_set(phone=caller.phone, trait="age_band", value="u18")
    open_vote(caller)
    assert caller.send("1") == "Il faut avoir au moins 18 ans pour voter."
    assert caller.ended


def test_a_web_voter_cannot_vote_again_by_ussd(caller, citizen, commune_envelope):
    ballot_cast(envelope=commune_envelope, voter=voter_from_user(citizen, channel="web"), numbers=[1])
    screen = open_vote(caller)
    assert "1. Toute la commune (déjà voté)\n2. Passagon 3M" in screen
    assert caller.send("1").startswith("Vous avez déjà voté dans cette enveloppe.\nVoter dans quelle")
    ballot_cast(envelope=commune_envelope.cycle.envelopes.get(arrondissement__isnull=False),
                voter=voter_from_user(citizen, channel="web"), numbers=[11])  # fmt: skip
    caller.send("00")
    assert caller.send(option(caller.replies[-1], VOTE)) == (
        "Vous avez déjà voté dans chaque enveloppe. Merci !"
    )
    assert Ballot.objects.count() == 2


def test_a_single_envelope_already_voted_says_so(client, bohicon, commune_envelope, citizen):
    ballot_cast(envelope=commune_envelope, voter=voter_from_user(citizen, channel="web"), numbers=[1])
    caller = new_caller(client, bohicon)
    assert caller.send(option(caller.dial(), VOTE)) == (
        "Ce numéro a déjà voté dans l'enveloppe Toute la commune : un seul vote par personne."
    )


def test_a_ussd_voter_cannot_vote_again_by_sms(caller, bohicon):
    open_commune_ballot(caller)
    caller.send("2", "5", "1")
    context = InboundContext(phone=VOTER_PHONE, commune=bohicon, language="fr", channel=Channel.SMS,
                             gateway="test", inbound_id=1)  # fmt: skip
    reply = sms_dispatch(context, "VOTE 3")
    assert (
        reply.text == "Palabre : Ce numéro a déjà voté dans cette enveloppe : un seul bulletin par personne."
    )
    assert Ballot.objects.get().proposal_numbers == [2]


def test_a_web_ballot_cast_while_confirming_by_ussd_wins(caller, citizen, commune_envelope):
    open_commune_ballot(caller)
    caller.send("1", "5")
    ballot_cast(envelope=commune_envelope, voter=voter_from_user(citizen, channel="web"), numbers=[2])
    assert caller.send("1") == "Ce numéro a déjà voté dans cette enveloppe : un seul bulletin par personne."
    assert caller.ended
    assert Ballot.objects.get().proposal_numbers == [2]


def test_voting_closed_during_the_session_is_refused(caller, cycle):
    open_commune_ballot(caller)
    caller.send("1", "5")
    for field, day in phase_dates(RESULTS).items():
        setattr(cycle, field, day)
    cycle.save()
    assert caller.send("1") == "Le vote n'est pas ouvert pour ce budget."
    assert not Ballot.objects.exists()


def test_a_project_withdrawn_during_the_session_is_explained(caller, commune_envelope):
    open_commune_ballot(caller)
    caller.send("4", "5")
    Proposal.objects.filter(number=4).update(status="withdrawn")
    assert caller.send("1").startswith("Le projet n° 4 n'est pas sur ce bulletin.")
    assert not caller.ended and not Ballot.objects.exists()


def test_a_dropped_session_resumes_with_the_choices_kept(caller, client, bohicon):
    open_commune_ballot(caller)
    caller.send("1", "3")
    again = new_caller(client, bohicon)
    assert again.dial().startswith("Vous reprenez ici.\nChoisis : 2/3\n1. *Projet commune 1")
    again.send("5", "1")
    assert again.ended
    assert Ballot.objects.get().proposal_numbers == [1, 3]


def test_a_retried_confirmation_counts_one_ballot_and_sends_one_receipt(caller):
    open_commune_ballot(caller)
    caller.send("1", "5")
    assert caller.send("1").startswith("Vote enregistré. Reçu :")
    # The receipt screen is not stored (it would pair a number with a ballot): a retry is told it was seen.
    assert caller.retry() == caller.retry() == "Votre demande a déjà été reçue. Merci."
    assert Ballot.objects.count() == 1
    assert OutboundMessage.objects.filter(kind="budgeting.receipt").count() == 1


def test_long_lists_are_paged_and_projects_stay_numbered(caller, commune_envelope):
    for number in range(20, 32):
        ProposalFactory(envelope=commune_envelope, number=number, title=f"Forage du quartier numéro {number}")
    screen = open_commune_ballot(caller)
    assert "98. Suite" in screen
    screen = caller.send("98")
    assert screen.startswith("Choisis : 0/3\n")
    last = int(option(screen, "Forage du quartier"))
    picked = caller.send(str(last))
    assert picked.startswith("Ajouté.\nChoisis : 1/3")
    while "Valider" not in screen:
        screen = caller.send("98")
    caller.send(option(screen, "Valider"), "1")
    on_ballot = Proposal.objects.filter(envelope=commune_envelope).order_by("number")
    assert Ballot.objects.get().proposal_numbers == [on_ballot[last - 1].number]


# Ideas ---------------------------------------------------------------------------------------------------
@pytest.fixture
def ideas_caller(client, bohicon, passagon, saclo, cycle, commune_envelope):
    for field, day in phase_dates(IDEAS).items():
        setattr(cycle, field, day)
    cycle.save()
    caller = new_caller(client, bohicon)
    caller.dial()
    yield caller
    assert all(len(reply) <= 160 for reply in caller.replies), caller.replies


def test_proposing_an_idea_step_by_step(ideas_caller, passagon):
    caller = ideas_caller
    assert caller.send("1") == ("Votre idée de projet en quelques mots (exemple : Forage à Zou) :\n0. Retour")
    assert caller.send("Eau").startswith("Trop court : 5 lettres au moins.")
    assert caller.send("Forage à Zou") == (
        "Pour quel arrondissement ?\n1. Passagon\n2. Saclo\n3. Toute la commune\n0. Retour 00. Menu"
    )
    assert caller.send("1").startswith("Décrivez-la : quoi, où, pour qui ?")
    assert caller.send("Un puits").startswith("Trop court : 20 lettres au moins.")
    screen = caller.send("Le puits de Zou est à sec depuis mars, 300 familles")
    assert screen.startswith("Envoyer votre idée « Forage à Zou » à la mairie de Bohicon ?\n1. Envoyer")
    done = caller.send("1")
    proposal = Proposal.objects.get(title="Forage à Zou")
    assert done == f"Merci ! Votre idée n° {proposal.number} est enregistrée. La mairie l'examinera."
    assert (proposal.channel, proposal.arrondissement) == (Channel.USSD, passagon)
    assert proposal.description == "Le puits de Zou est à sec depuis mars, 300 familles"
    ack = OutboundMessage.objects.get(kind="budgeting.proposal_submitted")
    assert ack.to == VOTER_PHONE and f"n° {proposal.number}" in ack.body


def test_an_idea_after_the_ideas_phase_closed_is_refused(ideas_caller, cycle):
    ideas_caller.send("1", "Forage à Zou", "3", "Le puits de Zou est à sec depuis mars")
    for field, day in phase_dates(RESULTS).items():
        setattr(cycle, field, day)
    cycle.save()
    assert ideas_caller.send("1") == "Le dépôt des idées est fermé."
    assert not Proposal.objects.filter(title="Forage à Zou").exists()


# Every screen fits ---------------------------------------------------------------------------------------
def test_every_budget_screen_fits_in_every_language(bohicon, passagon, saclo, cycle, commune_envelope):
    long = "Construction d'un module de trois classes équipé à l'école primaire publique de Zounzonmè"
    for number in range(20, 45):
        ProposalFactory(envelope=commune_envelope, number=number, title=long, estimated_cost=1_234_567)
    cycle.minimum_age = 18
    cycle.save()
    context = UssdContext(phone=VOTER_PHONE, commune=bohicon, language="fr", channel="ussd", gateway="at")
    ballot = {"envelope": commune_envelope.pk, "arrondissement": passagon.pk, "age_ok": True}
    chosen = {"chosen": [20, 21, 22], "points": []}
    drawn = [
        *crawl(context, channels.vote_start, LANGUAGES),
        *crawl(context, channels.vote_envelopes, LANGUAGES, arrondissement=passagon.pk),
        *crawl(context, channels.vote_age, LANGUAGES, envelope=commune_envelope.pk, arrondissement=None),
        *crawl(context, channels.idea_title, LANGUAGES),
        *crawl(context, channels.idea_place, LANGUAGES, title=long),
        *crawl(context, channels.idea_confirm, LANGUAGES, title=long, arrondissement=None, description=long),
        *draw(context, channels.vote_ballot, **ballot, **chosen),
        *draw(context, channels.vote_confirm, **ballot, **chosen),
        *draw(context, channels.vote_points, **ballot, chosen=[20], points=[3], number=21),
    ]
    set_kind(cycle, BallotKind.KNAPSACK)
    drawn += draw(context, channels.vote_ballot, **ballot, **chosen)
    drawn += draw(context, channels.vote_confirm, **ballot, **chosen)
    set_kind(cycle, BallotKind.CUMULATIVE, points_per_voter=100)
    drawn += draw(context, channels.vote_ballot, **ballot, chosen=[20, 21], points=[40, 60])
    drawn += draw(context, channels.vote_confirm, **ballot, chosen=[20, 21], points=[40, 60])
    keys = {item.key.rsplit(".", 1)[-1] for item in drawn}
    assert {"vote_envelopes", "vote_envelope", "vote_age", "vote_ballot", "vote_confirm", "vote_points",
            "idea_title", "idea_place", "idea_description", "idea_confirm"} <= keys  # fmt: skip
    for item in drawn:
        assert len(item.output.text) <= 160
        assert not item.output.truncated, (item.key, item.language, item.output.text)


def draw(context, function, **data) -> list[Drawn]:
    """Every page of one screen whose data holds lists (which `crawl` cannot follow), in every language."""
    engine = Engine(root=main_menu, context=lambda: context, labels=labels())
    drawn = []
    for language in LANGUAGES:
        with translation.override(language):
            for page in range(20):
                frame = Frame(screen_key(function), data, page)
                output = engine.show(State(frames=[Frame(engine.root_key), Frame(engine.root_key), frame]))
                drawn.append(Drawn(language, screen_key(function), data, page, output))
                if "\n98. " not in output.text:
                    break
    return drawn


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (0, "0"),
        (999, "999"),
        (750_000, "750k"),
        (2_500_000, "2,5M"),
        (10_000_000, "10M"),
        (2_456_789, "2,46M"),
    ],
)
def test_short_money(amount, text):
    assert channels.short_money(amount) == text
