"""The phone simulator outside demo mode (issue 8): a staff member may practise filing complaints by USSD
and SMS, but no complaint and no "me too" is recorded; in demo mode the same steps file them. Also: a
commune's Twilio token files complaints only through that commune's number, and in that commune."""

import re

import pytest
from django.core.exceptions import ValidationError
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.models import Role
from palabre.channels.gateways.twilio import twilio_signature
from palabre.channels.models import GatewayCredential
from palabre.channels.phones import SIMULATOR_PREFIX, phone_set_commune, simulating
from palabre.channels.tests.conftest import recorded
from palabre.channels.tests.test_staff_views import staff as sign_in_staff
from palabre.grievances import services
from palabre.grievances.models import Complaint, ComplaintSupport

pytestmark = pytest.mark.django_db
REFUSAL = "Numéro d'essai du simulateur : rien n'est enregistré hors démonstration."
SIMULATED = SIMULATOR_PREFIX + "00042"


@pytest.fixture
def dialled(bohicon):
    bohicon.ussd_extension = "*384*229*7#"
    bohicon.languages = ["fr"]
    bohicon.save()
    return bohicon


def screen(response) -> str:
    return re.search(r"<pre>(.*?)</pre>", response.content.decode(), re.S).group(1)


def option(text: str, label: str) -> str:
    return re.search(rf"^(\d+)\. {re.escape(label)}", text, re.M).group(1)


def file_by_ussd(client, *, anonymous: bool) -> str:
    """Dial Bohicon and file a water complaint through the simulator; the last screen."""
    send = lambda **data: screen(client.post("/simulator/ussd/", data, secure=True, follow=True))  # noqa: E731
    text = send(action="dial", input="*384*229*7#")
    for _step in range(12):
        if "Déposer une plainte" in text:
            choice = option(text, "Déposer une plainte")
        elif "concerne" in text:
            choice = option(text, "Eau potable")
        elif "Décrivez" in text:
            choice = "La pompe du marché est en panne depuis lundi"
        elif "Oui, avec mon numéro" in text:
            choice = option(text, "Non, rester anonyme" if anonymous else "Oui, avec mon numéro")
        elif "Envoyer" in text:
            choice = option(text, "Envoyer")
        else:
            return text
        text = send(action="answer", input=choice)
    return text


@pytest.mark.parametrize("anonymous", [False, True])
def test_outside_the_demo_a_ussd_complaint_from_the_simulator_files_nothing(
    client, live_mode, dialled, anonymous
):
    sign_in_staff(client, dialled, role=Role.COMPLAINTS_OFFICER)
    assert file_by_ussd(client, anonymous=anonymous) == REFUSAL.replace("'", "&#x27;")
    assert not Complaint.objects.exists()


def test_in_the_demo_a_ussd_complaint_from_the_simulator_is_filed(client, demo_mode, dialled):
    assert "Plainte enregistrée" in file_by_ussd(client, anonymous=True)
    assert Complaint.objects.get().commune == dialled


def test_outside_the_demo_an_sms_complaint_from_the_simulator_files_nothing(client, live_mode, dialled):
    sign_in_staff(client, dialled, role=Role.COMPLAINTS_OFFICER)
    client.post("/simulator/sms/", {"text": "PLAINTE Bohicon la pompe est en panne"}, secure=True)
    assert not Complaint.objects.exists()


def test_in_the_demo_an_sms_complaint_from_the_simulator_is_filed(client, demo_mode, dialled):
    client.post("/simulator/sms/", {"text": "PLAINTE Bohicon la pompe est en panne"}, secure=True)
    assert Complaint.objects.get().channel == "sms"


def test_the_services_refuse_a_simulator_number_outside_the_demo_only(settings, water, file_complaint):
    complaint = file_complaint()
    settings.DEMO_MODE = False
    with pytest.raises(ValidationError) as refused:
        services.complaint_support(
            complaint=complaint, phone=PhoneNumber.from_string(SIMULATED), channel="sms"
        )
    assert (refused.value.code, refused.value.messages) == ("simulated", [REFUSAL])
    with pytest.raises(ValidationError):
        file_complaint(reporter_phone=SIMULATED, channel="sms")
    with simulating(), pytest.raises(ValidationError):  # an anonymous filing names no number
        file_complaint(reporter_phone=None, reporter_name="", is_anonymous=True, channel="ussd")
    assert Complaint.objects.count() == 1 and not ComplaintSupport.objects.exists()
    settings.DEMO_MODE = True
    services.complaint_support(complaint=complaint, phone=PhoneNumber.from_string(SIMULATED), channel="sms")
    file_complaint(reporter_phone=SIMULATED, channel="sms")
    assert Complaint.objects.count() == 2 and ComplaintSupport.objects.count() == 1


# Twilio: Toffo's token files nothing in Bohicon ----------------------------------------------------------
TOFFO_NUMBER, BOHICON_NUMBER = "+22921000001", "+22922000002"


@pytest.fixture
def accounts(bohicon, toffo):
    GatewayCredential.objects.create(gateway="twilio", commune=toffo, username="AC1", secret="toffo-token",
                                     sender=TOFFO_NUMBER)  # fmt: skip
    GatewayCredential.objects.create(gateway="twilio", commune=bohicon, username="AC2",
                                     secret="bohicon-token", sender=BOHICON_NUMBER)  # fmt: skip


def twilio_sms(client, to: str, token: str, body: str, sid: str = "SM01"):
    fields = {**recorded("twilio", "sms"), "To": to, "Body": body, "MessageSid": sid, "SmsSid": sid}
    path = "/channels/twilio/sms/"
    signature = twilio_signature(token, "https://testserver" + path, {k: [v] for k, v in fields.items()})
    return client.post(path, fields, secure=True, HTTP_X_TWILIO_SIGNATURE=signature)


def test_toffos_token_cannot_file_a_complaint_in_bohicon(client, settings, accounts, bohicon, toffo):
    settings.DEMO_MODE = False
    phone = recorded("twilio", "sms")["From"]
    phone_set_commune(phone=phone, commune=bohicon)  # the forged sender "lives" in Bohicon
    body = "PLAINTE Bohicon la pompe est en panne"
    assert twilio_sms(client, BOHICON_NUMBER, "toffo-token", body).status_code == 403
    assert not Complaint.objects.exists()
    assert twilio_sms(client, TOFFO_NUMBER, "toffo-token", body, sid="SM02").status_code == 200
    assert Complaint.objects.get().commune == toffo  # Toffo's number files in Toffo, whatever it says
