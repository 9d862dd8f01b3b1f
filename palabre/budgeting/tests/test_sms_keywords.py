"""Budget voting and ideas by SMS: VOTE with every ballot rule, residence and age, several envelopes all
or nothing, one ballot per phone across channels, gateway retries, PROJETS lists cut into single SMS,
IDEE, RECU; every reply fits one SMS."""

import re

import pytest
from django.utils import timezone

from palabre.budgeting import sms_keywords
from palabre.budgeting.models import Ballot, BallotKind, Proposal, VoterRecord
from palabre.budgeting.phases import IDEAS, RESULTS
from palabre.budgeting.services.voters import voter_from_user
from palabre.budgeting.services.voting import ballot_cast, receipt_ballot
from palabre.budgeting.tests.conftest import OTHER_PHONE, VOTER_PHONE
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import ProposalFactory
from palabre.channels.gateways.africastalking import AfricasTalkingGateway
from palabre.channels.gateways.base import Inbound
from palabre.channels.inbound import inbound_handle
from palabre.channels.models import CallerProfile, InboundKind
from palabre.channels.router import InboundContext
from palabre.channels.sms.dispatch import sms_dispatch
from palabre.channels.sms.segments import segment_info
from palabre.channels.ussd.sessions import caller_profile_set
from palabre.core.choices import Channel
from palabre.core.keyed import phone_key
from palabre.core.models import OutboundMessage

pytestmark = pytest.mark.django_db


def context(commune=None, phone=VOTER_PHONE, language="fr"):
    return InboundContext(
        phone=phone, commune=commune, language=language, channel=Channel.SMS, gateway="test", inbound_id=7
    )


def send(text, commune=None, phone=VOTER_PHONE, language="fr", segments=1) -> str:
    """The reply to one SMS, checked to fit in one SMS (or `segments`)."""
    reply = sms_dispatch(context(commune, phone, language), text)
    assert segment_info(reply.text).segments <= segments, reply.text
    return reply.text


def code_in(text: str) -> str:
    return re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", text).group(0)


@pytest.fixture
def resident(passagon):
    """The voter's phone declared Passagon in its profile."""
    caller_profile_set(phone=VOTER_PHONE, trait="arrondissement", value=passagon)


@pytest.fixture
def ballots(commune_envelope, passagon_envelope):
    return commune_envelope, passagon_envelope


def move_to(cycle, phase):
    for field, day in phase_dates(phase).items():
        setattr(cycle, field, day)
    cycle.save()


# VOTE ----------------------------------------------------------------------------------------------------
def test_vote_counts_the_ballot_and_replies_the_receipt_only(bohicon, ballots):
    reply = send("VOTE 1 3", bohicon)
    code = code_in(reply)
    assert reply == (
        f"Palabre : merci, votre vote est compté (Toute la commune). Votre code : {code}, "
        f"à vérifier en envoyant RECU {code}"
    )
    ballot = receipt_ballot(cycle=ballots[0].cycle, code=code)
    assert ballot.proposal_numbers == [1, 3]
    assert VoterRecord.objects.get().channel == Channel.SMS
    assert not OutboundMessage.objects.exists()  # the reply is the receipt: no second SMS


@pytest.mark.parametrize("text", ["vote 1,3", "Voter: 1 ; 3", "VOTE  1  3 ", "dìbò 1 3"])
def test_vote_reads_what_people_type(bohicon, ballots, text):
    assert "merci" in send(text, bohicon)
    assert Ballot.objects.get().proposal_numbers == [1, 3]


@pytest.mark.parametrize("text", ["VOTE", "VOTE trois", "VOTE 1 et 3"])
def test_vote_without_numbers_gives_an_example(bohicon, ballots, text):
    assert send(text, bohicon) == (
        "Palabre : écrivez VOTE puis les numéros des projets. Exemple : VOTE 3 7 12"
    )
    assert not Ballot.objects.exists()


def test_vote_names_the_commune_when_the_phone_has_none(ballots):
    assert send("VOTE 1 3") == "Palabre : indiquez votre commune. Exemple : VOTE Bohicon 3 7 12"
    assert "merci" in send("VOTE Bohicon 1 3")
    assert Ballot.objects.count() == 1


def test_too_many_projects_are_refused(bohicon, ballots):
    assert send("VOTE 1 2 3 4", bohicon) == (
        "Palabre : Vous pouvez choisir au plus 3 projets ; vous en avez choisi 4."
    )
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_over_budget_is_refused_with_plain_spaces(bohicon, ballots, cycle):
    """Amounts without thin spaces, and only GSM-7 letters: the refusal fits one SMS."""
    cycle.ballot_kind, cycle.max_projects = BallotKind.KNAPSACK, None
    cycle.save()
    assert send("VOTE 2 3 4", bohicon, segments=1) == (
        "Palabre : Total des projets choisis : 12 000 000 FCFA, plus que l'enveloppe de 10 000 000 FCFA."
    )
    assert "merci" in send("VOTE 2 4", bohicon)


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("VOTE 99", "Palabre : Le projet n° 99 n'est pas sur ce bulletin."),
        ("VOTE 1 1", "Palabre : Le projet n° 1 est choisi deux fois."),
    ],
)
def test_unknown_or_repeated_projects_are_refused(bohicon, ballots, text, reply):
    assert send(text, bohicon) == reply
    assert not Ballot.objects.exists()


def test_a_project_not_on_the_ballot_yet_is_unknown(bohicon, ballots, cycle):
    ProposalFactory(envelope=ballots[0], number=5, status="submitted")
    assert send("VOTE 5", bohicon) == "Palabre : Le projet n° 5 n'est pas sur ce bulletin."


def test_another_arrondissements_envelope_is_refused(bohicon, ballots, saclo):
    caller_profile_set(phone=VOTER_PHONE, trait="arrondissement", value=saclo)
    assert send("VOTE 11", bohicon) == (
        "Palabre : Vous ne votez pas dans cette enveloppe : elle est réservée à un autre arrondissement."
    )
    assert send("VOTE Passagon 11", bohicon).startswith("Palabre : Vous ne votez pas dans cette enveloppe")
    assert not Ballot.objects.exists()


def test_a_phone_without_residence_names_its_arrondissement_which_is_kept(bohicon, ballots, passagon, saclo):
    assert send("VOTE 11", bohicon) == (
        "Palabre : les projets 11 sont ceux de Passagon. "
        "Si vous y habitez, envoyez : VOTE Bohicon Passagon 11"
    )
    assert send("VOTE Saclo 11", bohicon).startswith("Palabre : les projets 11 sont ceux de Passagon.")
    assert not CallerProfile.objects.exists()
    assert "merci" in send("VOTE Passagon 11", bohicon)
    assert CallerProfile.objects.get(phone_key=phone_key(VOTER_PHONE)).arrondissement == passagon
    assert VoterRecord.objects.get().arrondissement == passagon


def test_the_command_suggested_to_a_phone_without_commune_casts_the_whole_vote(bohicon, ballots, passagon):
    """A phone with no remembered commune named it in the text: the suggested command names it too and
    keeps the commune-wide choices, so that sending it as is casts both ballots."""
    hint = send("VOTE Bohicon 1 11")
    suggested = hint.split("envoyez : ", 1)[1]
    assert suggested == "VOTE Bohicon Passagon 1 11"
    assert "vos votes sont comptés" in send(suggested)
    assert Ballot.objects.count() == 2


def test_a_refused_ballot_does_not_keep_the_declared_residence(bohicon, ballots):
    assert "déjà" not in send("VOTE Passagon 11 12", bohicon)  # 3.5 M: approval, fine
    Ballot.objects.all().delete()
    VoterRecord.objects.all().delete()
    CallerProfile.objects.all().delete()
    assert send("VOTE Passagon 11 11", bohicon) == "Palabre : Le projet n° 11 est choisi deux fois."
    assert not CallerProfile.objects.exists()


def test_projects_of_two_envelopes_cast_two_ballots(bohicon, ballots, resident):
    reply = send("VOTE 1 11", bohicon)
    codes = re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}", reply)
    assert reply == (
        f"Palabre : merci, vos votes sont comptés. Vos codes : Toute la commune : {codes[0]}; "
        f"Passagon : {codes[1]}."
    )
    commune_envelope = ballots[0]
    assert receipt_ballot(cycle=commune_envelope.cycle, code=codes[0]).envelope == commune_envelope
    assert receipt_ballot(cycle=commune_envelope.cycle, code=codes[1]).proposal_numbers == [11]


def test_two_envelopes_are_all_or_nothing(bohicon, ballots, resident, citizen):
    ballot_cast(envelope=ballots[0], voter=voter_from_user(citizen, channel="web"), numbers=[2])
    assert send("VOTE 1 11", bohicon) == (
        "Palabre : Toute la commune : Ce numéro a déjà voté dans cette enveloppe : un seul bulletin par "
        "personne."
    )
    assert Ballot.objects.count() == 1
    assert send("VOTE Passagon 1 2 3 4 11", bohicon, phone=OTHER_PHONE).startswith(
        "Palabre : Toute la commune : Vous pouvez choisir"
    )
    assert Ballot.objects.count() == 1
    assert not CallerProfile.objects.filter(phone_key=phone_key(OTHER_PHONE)).exists()


def test_a_ballot_refused_by_the_database_rolls_back_the_other(bohicon, ballots, resident):
    """The check is the unique constraint: a refusal there undoes the envelope already cast."""
    send("VOTE 12", bohicon)
    assert send("VOTE 1 12", bohicon) == (
        "Palabre : Passagon : Ce numéro a déjà voté dans cette enveloppe : un seul bulletin par personne."
    )
    assert list(Ballot.objects.values_list("proposal_numbers", flat=True)) == [[12]]
    assert VoterRecord.objects.count() == 1


def test_a_web_voter_cannot_vote_again_by_sms(bohicon, ballots, citizen):
    ballot_cast(envelope=ballots[0], voter=voter_from_user(citizen, channel="web"), numbers=[2])
    assert send("VOTE 1", bohicon) == (
        "Palabre : Ce numéro a déjà voté dans cette enveloppe : un seul bulletin par personne."
    )
    assert send("VOTE 1", bohicon, phone=OTHER_PHONE).startswith("Palabre : merci")
    assert Ballot.objects.count() == 2


def test_sms_then_sms_again_is_refused(bohicon, ballots):
    send("VOTE 1", bohicon)
    assert "déjà voté" in send("VOTE 2", bohicon)
    assert Ballot.objects.get().proposal_numbers == [1]


@pytest.mark.parametrize("change", ["results", "ideas", "unpublished", "module_off"])
def test_no_vote_outside_the_voting_phase(bohicon, ballots, cycle, change):
    if change in ("results", "ideas"):
        move_to(cycle, RESULTS if change == "results" else IDEAS)
    elif change == "unpublished":
        cycle.is_published = False
        cycle.save()
    else:
        bohicon.modules = ["complaints"]
        bohicon.save()
    assert send("VOTE 1", bohicon) == "Palabre : pas de vote du budget participatif en cours à Bohicon."
    assert not Ballot.objects.exists()


def test_cumulative_points(bohicon, ballots, cycle):
    cycle.ballot_kind, cycle.max_projects, cycle.points_per_voter = BallotKind.CUMULATIVE, None, 10
    cycle.save()
    assert send("VOTE 1 2", bohicon) == (
        "Palabre : Donnez un nombre de points à chaque projet choisi. Exemple : VOTE 3:5 7:5"
    )
    assert (
        send("VOTE 1:8 2:4", bohicon) == "Palabre : Vous avez 10 points à répartir ; vous en avez donné 12."
    )
    assert send("VOTE 1:0 2:4", bohicon) == "Palabre : Donnez au moins 1 point à chaque projet choisi."
    assert "merci" in send("VOTE 1 : 6, 2=4", bohicon)
    ballot = Ballot.objects.get()
    assert (ballot.proposal_numbers, ballot.points) == ([1, 2], [6, 4])


def test_points_on_an_approval_ballot_are_refused(bohicon, ballots):
    assert send("VOTE 1:5", bohicon) == "Palabre : ce vote ne se fait pas par points. Exemple : VOTE 3 7 12"


def test_the_minimum_age_is_declared_in_the_sms(bohicon, ballots, cycle):
    cycle.minimum_age = 18
    cycle.save()
    assert send("VOTE Passagon 11", bohicon) == (
        "Palabre : Il faut avoir au moins 18 ans pour voter. Si c'est votre cas, envoyez : "
        "VOTE Passagon 11 18+"
    )
    assert send("VOTE Passagon 11 16+", bohicon).startswith("Palabre : Il faut avoir au moins 18 ans")
    assert "merci" in send("VOTE Passagon 11 18+", bohicon)
    caller_profile_set(phone=OTHER_PHONE, trait="age_band", value="u18")
    assert (
        send("VOTE 1 18+", bohicon, phone=OTHER_PHONE)
        == "Palabre : Il faut avoir au moins 18 ans pour voter."
    )


def test_a_gateway_retry_casts_once_and_replies_once(bohicon, ballots):
    gateway = AfricasTalkingGateway()
    inbound = Inbound(
        kind=InboundKind.SMS, external_id="ATXid_77", phone=VOTER_PHONE, text="VOTE Bohicon 1 3"
    )
    first = inbound_handle(gateway=gateway, inbound=inbound)
    again = inbound_handle(gateway=gateway, inbound=inbound)
    assert first.message.pk == again.message.pk and again.reply == ""  # the reply went out once, by SMS
    assert Ballot.objects.count() == VoterRecord.objects.count() == 1
    reply = OutboundMessage.objects.get(to=VOTER_PHONE)
    assert reply.kind == "reply" and "merci" in reply.body


# PROJETS -------------------------------------------------------------------------------------------------
def test_projects_lists_the_callers_ballots_in_single_sms(bohicon, ballots, resident):
    reply = sms_dispatch(context(bohicon), "PROJETS")
    assert reply.text == "" and reply.commune_id == bohicon.pk
    parts = list(OutboundMessage.objects.order_by("pk").values_list("body", flat=True))
    assert len(parts) > 1
    assert all(segment_info(part).segments == 1 for part in parts)
    assert [part[: len(f"({i}/{len(parts)}) ")] for i, part in enumerate(parts, 1)] == [
        f"({i}/{len(parts)}) " for i in range(1, len(parts) + 1)
    ]
    text = "\n".join(part.split(") ", 1)[1] for part in parts)
    assert text.startswith("Budget Bohicon, jusqu'à 3 projets par enveloppe. Votez : VOTE 3 7\n")
    for line in ["Toute la commune (10M) :", "1. Projet commune 1 2M", "4. Projet commune 4 5M",
                 "Passagon (3M) :", "11. Puits de Passagon 1M", "12. Latrines de Passagon 2,5M"]:  # fmt: skip
        assert f"\n{line}" in text


def test_a_short_list_is_the_reply_itself(bohicon, cycle, passagon_envelope, resident):
    text = send("BUDGET", bohicon)
    assert text.startswith("Budget Bohicon, jusqu'à 3 projets")
    assert "\nPassagon (3M) :\n11. Puits de Passagon 1M\n12. Latrines de Passagon 2,5M" in text
    assert not OutboundMessage.objects.exists()


def test_projects_without_residence_shows_the_commune_ballot_and_how_to_see_more(bohicon, ballots):
    sms_dispatch(context(bohicon), "projets")
    text = "\n".join(OutboundMessage.objects.order_by("pk").values_list("body", flat=True))
    assert "Projet commune 1" in text and "Passagon (3M)" not in text
    assert "Ceux de votre arrondissement : PROJETS <arrondissement>" in text
    OutboundMessage.objects.all().delete()
    sms_dispatch(context(bohicon, phone=OTHER_PHONE), "PROJETS Passagon")
    assert "11. Puits de Passagon 1M" in "\n".join(OutboundMessage.objects.values_list("body", flat=True))


def test_projects_outside_voting_points_to_ideas(bohicon, ballots, cycle):
    move_to(cycle, IDEAS)
    assert send("PROJETS", bohicon) == (
        "Palabre : pas de vote du budget participatif en cours à Bohicon. "
        "Proposez une idée : IDEE <votre idée>"
    )


def test_long_titles_and_unicode_lists_stay_one_sms_each(bohicon, ballots, resident):
    for number in range(20, 40):
        ProposalFactory(envelope=ballots[0], number=number, title="Forêt communale ɖo Zounzonmè, reboisement")
    sms_dispatch(context(bohicon), "PROJETS")
    parts = list(OutboundMessage.objects.order_by("pk").values_list("body", flat=True))
    assert all(segment_info(part).segments == 1 for part in parts)
    assert sum(part.count("Forêt communale") for part in parts) == 20


def test_pack_lines_cuts_a_line_only_when_it_cannot_fit_alone():
    parts = sms_keywords.pack_lines(["court", "x " * 100])
    assert len(parts) == 3 and parts[0] == "(1/3) court"
    assert all(segment_info(part).segments == 1 for part in parts)


# IDEE ----------------------------------------------------------------------------------------------------
def test_an_idea_by_sms_is_submitted_and_acknowledged_once(bohicon, cycle, commune_envelope, passagon):
    move_to(cycle, IDEAS)
    reply = sms_dispatch(context(bohicon), "IDEE Passagon un forage à Zou. Le puits est à sec depuis mars")
    proposal = Proposal.objects.get(channel=Channel.SMS)
    assert reply.text == "" and reply.commune_id == bohicon.pk
    assert proposal.title == "Passagon un forage à Zou"
    assert proposal.description == "Passagon un forage à Zou. Le puits est à sec depuis mars"
    assert proposal.arrondissement == passagon
    ack = OutboundMessage.objects.get()
    assert ack.to == VOTER_PHONE and f"n° {proposal.number}" in ack.body


def test_an_idea_too_short_or_out_of_phase_is_explained(bohicon, cycle, commune_envelope):
    move_to(cycle, IDEAS)
    assert send("IDEE forage", bohicon) == (
        "Palabre : décrivez votre idée en 20 lettres au moins. Exemple : IDEE un forage à Zou, le puits "
        "est à sec"
    )
    move_to(cycle, RESULTS)
    assert send("IDÉE un forage à Zou, le puits est à sec", bohicon) == (
        "Palabre : le budget participatif de Bohicon n'accepte pas d'idées en ce moment."
    )
    assert send("IDEE Bohicon un forage à Zou, le puits est à sec").startswith("Palabre : le budget")
    assert send("IDEE un forage à Zou, le puits est à sec").startswith("Palabre : indiquez votre commune.")
    assert not Proposal.objects.filter(channel=Channel.SMS).exists()


def test_an_idea_title_is_its_first_sentence():
    assert sms_keywords.idea_title("Un forage à Zou! Le puits est à sec") == "Un forage à Zou"
    assert len(sms_keywords.idea_title("mot " * 40)) <= 60


# RECU ----------------------------------------------------------------------------------------------------
def test_a_receipt_checks_that_the_vote_was_counted_without_its_content(bohicon, ballots):
    code = code_in(send("VOTE 1 3", bohicon))
    reply = send(f"recu {code.lower().replace('-', '')}", bohicon, phone=OTHER_PHONE)
    assert reply == (  # the envelope and day, never the projects chosen
        f"Palabre : le vote au code {code} est bien compté : vote du {timezone.localdate():%d/%m/%Y}, "
        "enveloppe Toute la commune, Budget participatif 2026."
    )


def test_an_unknown_or_malformed_receipt(bohicon, ballots):
    assert send("REÇU KKKK-KKKK", bohicon) == "Palabre : aucun vote ne porte le code KKKK-KKKK. Vérifiez-le."
    assert send("RECU 12", bohicon).startswith("Palabre : écrivez RECU puis le code")
    assert send("RECU KKKK-KKKK").startswith("Palabre : indiquez votre commune.")


def test_help_lists_the_budget_keywords(bohicon):
    text = sms_dispatch(context(bohicon), "AIDE").text
    assert "VOTE <numéros> : voter au budget participatif" in text
    assert "IDEE <texte> : proposer un projet" in text
