"""The phone simulator outside demo mode (issue 8): a staff member may practise voting and proposing ideas
by USSD and SMS in a live cycle, but nothing is counted; in demo mode the same steps count. Also: a commune's
own Twilio number votes in that commune only, whatever commune the SMS names."""

import re

import pytest
from django.core.exceptions import ValidationError

from palabre.budgeting.models import Ballot, Proposal, VoterRecord
from palabre.budgeting.phases import IDEAS
from palabre.budgeting.services.proposals import proposal_submit
from palabre.budgeting.services.voters import Voter
from palabre.budgeting.services.voting import BallotRejected, ballot_cast
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.channels.gateways.twilio import twilio_signature
from palabre.channels.models import GatewayCredential
from palabre.channels.phones import SIMULATED_REFUSAL, SIMULATOR_PREFIX, simulating
from palabre.channels.tests.conftest import recorded
from palabre.channels.tests.test_staff_views import staff
from palabre.core.choices import Channel

pytestmark = pytest.mark.django_db
REFUSAL = "Numéro d'essai du simulateur : rien n'est enregistré hors démonstration."
SIMULATED = SIMULATOR_PREFIX + "00042"


@pytest.fixture
def voting(bohicon, commune_envelope, passagon_envelope):
    bohicon.ussd_extension = "*384*229*7#"
    bohicon.languages = ["fr"]
    bohicon.save()
    return commune_envelope


def screen(response) -> str:
    return re.search(r"<pre>(.*?)</pre>", response.content.decode(), re.S).group(1)


def ussd(client, text, action="answer"):
    return screen(
        client.post("/simulator/ussd/", {"action": action, "input": text}, secure=True, follow=True)
    )


def option(text: str, label: str) -> str:
    return re.search(rf"^(\d+)\. {re.escape(label)}", text, re.M).group(1)


def vote_by_ussd(client) -> str:
    """Dial Bohicon, open the vote, say Passagon, pick project 1 of the commune-wide ballot and confirm
    (as far as the platform lets the caller go); the last screen."""
    text = ussd(client, "*384*229*7#", action="dial")
    text = ussd(client, option(text, "Voter"))
    text = ussd(client, option(text, "Passagon"))
    text = ussd(client, option(text, "Toute la commune"))
    if not text.startswith("Choisis"):
        return text
    text = ussd(client, "1")
    while "Valider mon vote" not in text and "98. Suite" in text:
        text = ussd(client, "98")
    text = ussd(client, option(text, "Valider mon vote"))
    return ussd(client, option(text, "Confirmer"))


def test_outside_the_demo_a_ussd_vote_from_the_simulator_counts_nothing(client, live_mode, bohicon, voting):
    staff(client, bohicon)
    assert vote_by_ussd(client) == REFUSAL.replace("'", "&#x27;")
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_in_the_demo_a_ussd_vote_from_the_simulator_counts(client, demo_mode, bohicon, voting):
    assert vote_by_ussd(client).startswith("Vote enregistré.")
    assert Ballot.objects.get().proposal_numbers == [1]


def sms(client, text):
    client.post("/simulator/sms/", {"text": text}, secure=True)


def test_outside_the_demo_an_sms_vote_from_the_simulator_counts_nothing(client, live_mode, bohicon, voting):
    staff(client, bohicon)
    sms(client, "VOTE Bohicon 18+ 1 3")
    assert not Ballot.objects.exists() and not VoterRecord.objects.exists()


def test_in_the_demo_an_sms_vote_from_the_simulator_counts(client, demo_mode, bohicon, voting):
    sms(client, "VOTE Bohicon 18+ 1 3")
    assert Ballot.objects.get().proposal_numbers == [1, 3]


def test_the_services_refuse_a_simulator_number_outside_the_demo_only(settings, cycle, voting):
    voter = Voter(phone=SIMULATED, channel=Channel.SMS)
    settings.DEMO_MODE = False
    with pytest.raises(BallotRejected) as refused:
        ballot_cast(envelope=voting, voter=voter, numbers=[1])
    assert (refused.value.code, refused.value.message) == ("simulated", REFUSAL)
    settings.DEMO_MODE = True
    ballot_cast(envelope=voting, voter=voter, numbers=[1])
    assert Ballot.objects.count() == 1
    settings.DEMO_MODE = False
    for phone in (SIMULATED, ""):  # by its number, or (no number given) by the simulator's own mark
        with simulating(), pytest.raises(ValidationError) as refused:
            _idea(cycle, phone)
        assert refused.value.messages == [str(SIMULATED_REFUSAL)] == [REFUSAL]
    assert not Proposal.objects.filter(title="Un puits").exists()
    settings.DEMO_MODE = True
    assert _idea(cycle, SIMULATED).title == "Un puits"


def _idea(cycle, phone):
    for field, day in phase_dates(IDEAS).items():
        setattr(cycle, field, day)
    cycle.save()
    return proposal_submit(
        cycle=cycle, title="Un puits", description="Un puits pour le quartier", channel=Channel.SMS,
        author_phone=phone,
    )  # fmt: skip


# A commune's own Twilio number -------------------------------------------------------------------------
def test_a_vote_sent_to_toffos_number_is_not_counted_in_bohicon(client, settings, toffo, voting):
    settings.DEMO_MODE = False
    GatewayCredential.objects.create(gateway="twilio", commune=toffo, username="AC1", secret="toffo-token",
                                     sender="+22921000001")  # fmt: skip
    fields = {**recorded("twilio", "sms"), "To": "+22921000001", "Body": "VOTE Bohicon 18+ 1 3"}
    path = "/channels/twilio/sms/"
    signature = twilio_signature(
        "toffo-token", "https://testserver" + path, {k: [v] for k, v in fields.items()}
    )
    response = client.post(path, fields, secure=True, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    assert not Ballot.objects.exists()
    assert "Toffo" in response.content.decode()  # answered about Toffo (no vote there), not Bohicon
