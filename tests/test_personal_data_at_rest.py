"""What the database keeps of a person, read as an attacker holding a copy of it would (issue 8).

1. An anonymous sensitive complaint and a budget ballot on every channel (web, USSD, SMS through Africa's
   Talking and Twilio, WhatsApp, voice, paper), each from its own distinctive number with its own
   distinctive description: afterwards no table holds a number, a description or a code given out
   beyond what the design allows (ALLOWED, each rule with its reason).
2. A citizen with an account who filed, supported, proposed an idea, used USSD and SMS, asked a login
   code, subscribed to announcements, then deleted the account: no table holds the number or the name.

Settings are production's as far as a test can: not demo mode, a real SMS gateway (the fake one of the
outbox tests) rather than the console gateway's demo store, the outbox worker running (immediate tasks).
The scan itself (`tests/personal_data_scan.py`) is reusable by other modules' tests.
"""

import json
import re
from urllib.parse import urlsplit

import pytest
from phonenumber_field.phonenumber import PhoneNumber

from palabre.accounts.services import account_delete, otp_request
from palabre.accounts.tests.factories import MembershipFactory, UserFactory
from palabre.budgeting.models import VoterRecord
from palabre.budgeting.phases import IDEAS
from palabre.budgeting.services.paper import (
    paper_batch_finish_round,
    paper_batch_open,
    paper_batch_reconcile,
    paper_entry_add,
)
from palabre.budgeting.services.proposals import proposal_submit
from palabre.budgeting.services.voters import voter_from_user
from palabre.budgeting.services.voting import ballot_cast
from palabre.budgeting.tests.cycle_dates import phase_dates
from palabre.budgeting.tests.factories import CycleFactory, EnvelopeFactory, ProposalFactory
from palabre.channels.gateways.twilio import twilio_signature
from palabre.channels.gateways.whatsapp import WhatsAppGateway, hub_signature
from palabre.channels.models import GatewayCredential
from palabre.channels.phones import phone_set_commune, phone_set_language
from palabre.channels.tests.conftest import recorded
from palabre.channels.ussd.sessions import caller_profile_set
from palabre.channels.ussd.tests.caller import Caller, at_token
from palabre.channels.voice import audio
from palabre.channels.voice.audio import Fetched
from palabre.core.choices import Channel
from palabre.core.tests.fakes import FakeGateway
from palabre.grievances import services as grievances
from palabre.grievances.models import Category, Complaint
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory, VillageFactory
from tests.personal_data_scan import Allowed, assert_no_hits, database_hits, phone_needles

pytestmark = pytest.mark.django_db

# One distinctive number per channel (+229 01 977 ...), never used by any fixture.
PHONES = {
    "web": "+2290197700101",
    "ussd": "+2290197700102",
    "ussd_vote": "+2290197700103",
    "sms_at": "+2290197700104",
    "twilio": "+2290197700105",
    "whatsapp": "+2290197700106",
    "voice": "+2290197700107",
    "paper": "+2290197700108",
}
DESCRIPTIONS = {
    "web": "Violences conjugales chez Zinsou-QX71 a Passagon",
    "ussd": "Violences subies pres du marche QX72",
    "sms_at": "PLAINTE La pompe de Kpodji-QX73 est en panne",
}
TWILIO_TOKEN = "f2c1b7e9a4d3e8f0b6c2a1d5e7f9a0b1"
WHATSAPP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 200
RECEIPT = re.compile(r"\b([2-9A-Z]{4}-[2-9A-Z]{4})\b")

# What the design allows the database to keep, and why. Everything else found fails the test.
ALLOWED = [
    Allowed(
        "grievances_complaint",
        "code",
        frozenset({"code:tracking:"}),
        "a complaint's tracking code is its public identifier (people follow it on the tracking page)",
    ),
    Allowed(
        "grievances_complaint",
        "description",
        frozenset({"description:"}),
        "a complaint keeps what happened: that is the complaint (a sensitive one is read only by the "
        "focal point); what matters is that nothing else keeps it",
    ),
    Allowed(
        "grievances_complaint",
        "reporter_phone",
        frozenset({"phone:voice", "phone:sms_at"}),
        "a complaint filed NOT anonymously (by voice or by SMS, which have no anonymous option) keeps "
        "its reporter's number for the answers; never an anonymous one (web, USSD here)",
    ),
    Allowed(
        "core_auditevent",
        "data",
        frozenset({"code:tracking:"}),
        "grievances.filed names the complaint by its code, as its target does by id: no more than the "
        "complaint row itself says, and never a phone, a name or a description (audit rules)",
    ),
    Allowed(
        "channels_voicecall",
        "result_label",
        frozenset({"code:tracking:voice"}),
        "the call keeps which complaint it filed (one complaint per call), its number blanked once filed",
    ),
    Allowed(
        "accounts_user",
        "phone",
        frozenset({"phone:web"}),
        "the web voter has an account: their number is their login (erased with the account, see the "
        "second test)",
    ),
    # Not listed, so a hit fails: budgeting_voterrecord.voter_key (a keyed hash: never the number),
    # budgeting_ballot.receipt_hash (a keyed hash: never the code), channels phone_key columns
    # (keyed hashes), core_outboundmessage (to and body erased once final).
]


def option(screen: str, label: str) -> str | None:
    for line in screen.splitlines():
        match = re.match(r"^(\d+)\. (.*)$", line)
        if match and label in match.group(2):
            return match.group(1)
    return None


@pytest.fixture
def production_like(settings, tmp_path, monkeypatch):
    """Not demo mode; SMS through a real-like gateway; background tasks run (outbox worker, voice)."""
    settings.DEMO_MODE = False
    settings.AT_TOKEN = "at-token-qx977"
    settings.SMS_GATEWAY = "palabre.core.tests.fakes.FakeGateway"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    FakeGateway.reset()
    yield
    FakeGateway.reset()


@pytest.fixture
def bohicon(production_like):
    commune = CommuneFactory(slug="bohicon", name="Bohicon", languages=["fr"])
    grievances.categories_ensure_defaults(commune=commune)
    return commune


@pytest.fixture
def passagon(bohicon):
    return ArrondissementFactory(commune=bohicon, name="Passagon")


@pytest.fixture
def village(passagon):
    return VillageFactory(arrondissement=passagon, name="Zounzonmè")


@pytest.fixture
def envelope(bohicon):
    """A cycle in its voting phase, one commune-wide envelope, projects 1 to 4."""
    cycle = CycleFactory(commune=bohicon, title="Budget participatif 2026", max_projects=3)
    envelope = EnvelopeFactory(cycle=cycle, amount=10_000_000)
    for number, cost in enumerate((2_000_000, 3_000_000, 4_000_000, 5_000_000), start=1):
        ProposalFactory(envelope=envelope, number=number, title=f"Projet {number}", estimated_cost=cost)
    return envelope


def sent_sms_to(phone: str) -> list[str]:
    return [sms["body"] for sms in FakeGateway.sent if sms["to"] == phone]


def ussd_caller(client, bohicon, phone) -> Caller:
    caller = Caller(client=client, phone=phone)
    phone_set_commune(phone=phone, commune=bohicon)
    phone_set_language(phone=phone, language="fr")
    return caller


def ussd_anonymous_sensitive_complaint(client, bohicon, village, description) -> str:
    caller = ussd_caller(client, bohicon, PHONES["ussd"])
    caller_profile_set(phone=caller.phone, trait="gender", value="f")
    screen = caller.dial()
    screen = caller.send(option(screen, "Déposer une plainte"))
    gbv = Category.objects.get(commune=bohicon, code="gbv").label
    for _page in range(5):
        if option(screen, gbv) is not None:
            break
        screen = caller.send("98")
    screen = caller.send(option(screen, gbv))
    if option(screen, "Passagon"):
        screen = caller.send(option(screen, "Passagon"))
    if option(screen, "Zounzonmè"):
        screen = caller.send(option(screen, "Zounzonmè"))
    assert screen.startswith("Décrivez"), screen
    screen = caller.send(description)
    screen = caller.send(option(screen, "anonyme"))
    done = caller.send("1")
    assert caller.ended and "code de suivi" in done, done
    return done


def ussd_ballot(client, bohicon) -> str:
    caller = ussd_caller(client, bohicon, PHONES["ussd_vote"])
    screen = caller.dial()
    screen = caller.send(option(screen, "Voter"))
    if option(screen, "Toute la commune"):
        screen = caller.send(option(screen, "Toute la commune"))
    caller.send("1")
    screen = caller.send("3")
    screen = caller.send(option(screen, "Valider"))
    done = caller.send("1")
    assert caller.ended and "Reçu" in done, done
    return RECEIPT.search(done).group(1)


def at_sms(client, phone, text, message_id):
    fields = {**recorded("africastalking", "sms"), "from": phone, "text": text, "id": message_id}
    response = client.post("/channels/africastalking/sms/", fields, secure=True, query_params=at_token())
    assert response.status_code == 200


def twilio_sms(client, phone, text) -> str:
    GatewayCredential.objects.get_or_create(
        gateway="twilio",
        commune=None,
        defaults={"username": "AC0123456789abcdef0123456789abcdef", "secret": TWILIO_TOKEN,
                  "sender": "+22921000001"},
    )  # fmt: skip
    fields = {**recorded("twilio", "sms"), "From": phone, "Body": text, "MessageSid": "SM977001" + "0" * 26}
    fields["SmsMessageSid"] = fields["SmsSid"] = fields["MessageSid"]
    path = "/channels/twilio/sms/"
    signature = twilio_signature(
        TWILIO_TOKEN, "https://testserver" + path, {k: [v] for k, v in fields.items()}
    )
    response = client.post(path, fields, secure=True, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 200
    return response.content.decode()


def whatsapp_text(client, phone, text, monkeypatch) -> list[str]:
    GatewayCredential.objects.get_or_create(
        gateway="whatsapp",
        commune=None,
        defaults={"username": "106540352242922", "secret": "EAAG-access-token-0123456789",
                  "signing_secret": WHATSAPP_SECRET, "webhook_token": "palabre-verify-2025"},
    )  # fmt: skip
    sent: list[str] = []
    monkeypatch.setattr(
        WhatsAppGateway,
        "send",
        lambda self, **kwargs: sent.append(kwargs["body"]) or type("R", (), {"message_id": "wamid.y"})(),
    )
    body = recorded("whatsapp", "text")
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["wa_id"] = phone[1:]
    value["messages"][0].update({"from": phone[1:], "id": "wamid.QX977006", "text": {"body": text}})
    raw = json.dumps(body).encode()
    response = client.post(
        "/channels/whatsapp/webhook/",
        raw,
        content_type="application/json",
        secure=True,
        HTTP_X_HUB_SIGNATURE_256=hub_signature(WHATSAPP_SECRET, raw),
    )
    assert response.status_code == 200
    return sent


class FakeFetcher:
    def get(self, url, *, headers=None):
        return Fetched(200, MP3, "audio/mpeg")


def voice_complaint(client, monkeypatch) -> None:
    """A call to the commune's number: the category by keypad, then the recorded complaint."""
    monkeypatch.setattr(audio, "audio_fetcher", FakeFetcher)

    def post(name, url="/channels/africastalking/voice/?commune=bohicon&token=at-token-qx977", **extra):
        fields = {**recorded("africastalking", name), "callerNumber": PHONES["voice"],
                  "sessionId": "ATVId_QX977007", **extra}  # fmt: skip
        return client.post(url, fields, secure=True)

    def callback_of(response) -> str:
        found = re.search(r'callbackUrl="([^"]+)"', response.content.decode()).group(1).replace("&amp;", "&")
        parts = urlsplit(found)
        return f"{parts.path}?{parts.query}"

    first = post("voice_call")
    second = post("voice_digits", callback_of(first), dtmfDigits="2")
    assert "<Record" in second.content.decode()
    post("voice_recording", callback_of(second))


def paper_ballot(bohicon, envelope) -> None:
    clerk = MembershipFactory(commune=bohicon, role="planning_officer").user
    second_clerk = MembershipFactory(commune=bohicon, role="secretary_general").user
    batch = paper_batch_open(
        cycle=envelope.cycle, envelope=envelope, polling_point="EPP Gbanhicon", declared_count=1, by=clerk
    )
    typed = "01 97 70 01 08"  # as the polling officer wrote PHONES["paper"]
    paper_entry_add(batch=batch, round=1, position=1, voter_phone=typed, numbers=[2, 4], by=clerk)
    paper_batch_finish_round(batch=batch, by=clerk)
    paper_entry_add(batch=batch, round=2, position=1, voter_phone=typed, numbers=[2, 4], by=second_clerk)
    paper_batch_reconcile(batch=batch, by=second_clerk)


def test_every_channel_leaves_only_what_the_design_allows(
    client, bohicon, village, envelope, monkeypatch, django_capture_on_commit_callbacks
):
    codes: dict[str, str] = {}
    gbv = Category.objects.get(commune=bohicon, code="gbv")

    with django_capture_on_commit_callbacks(execute=True):
        # web: an anonymous sensitive complaint (the public form's service) and a signed-in ballot
        complaint = grievances.complaint_file(
            commune=bohicon, category=gbv, description=DESCRIPTIONS["web"], channel=Channel.WEB,
            is_anonymous=True, reporter_name="", reporter_phone=None,
        )  # fmt: skip
        codes["code:tracking:web"] = complaint.code
        web_voter = UserFactory(phone=PHONES["web"])
        receipt = ballot_cast(
            envelope=envelope, voter=voter_from_user(web_voter, channel=Channel.WEB), numbers=[1, 2],
            send_receipt_sms=True,
        )  # fmt: skip
        codes["code:receipt:web"] = receipt.code

    with django_capture_on_commit_callbacks(execute=True):
        done = ussd_anonymous_sensitive_complaint(client, bohicon, village, DESCRIPTIONS["ussd"])
    codes["code:tracking:ussd"] = Complaint.objects.get(description=DESCRIPTIONS["ussd"]).code
    assert codes["code:tracking:ussd"] in done
    with django_capture_on_commit_callbacks(execute=True):
        codes["code:receipt:ussd"] = ussd_ballot(client, bohicon)

    for channel in ("sms_at", "twilio", "whatsapp"):
        phone_set_commune(phone=PHONES[channel], commune=bohicon)
    with django_capture_on_commit_callbacks(execute=True):
        at_sms(client, PHONES["sms_at"], "VOTE 1 3", "qx977004-vote")
    codes["code:receipt:sms_at"] = RECEIPT.search(" ".join(sent_sms_to(PHONES["sms_at"]))).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        at_sms(client, PHONES["sms_at"], DESCRIPTIONS["sms_at"], "qx977004-complaint")
    codes["code:tracking:sms_at"] = Complaint.objects.get(channel=Channel.SMS).code
    with django_capture_on_commit_callbacks(execute=True):
        twiml = twilio_sms(client, PHONES["twilio"], "VOTE 2 3")
    codes["code:receipt:twilio"] = RECEIPT.search(twiml).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        replies = whatsapp_text(client, PHONES["whatsapp"], "VOTE 1 4", monkeypatch)
    codes["code:receipt:whatsapp"] = RECEIPT.search(" ".join(replies)).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        voice_complaint(client, monkeypatch)
    codes["code:tracking:voice"] = Complaint.objects.get(channel=Channel.VOICE).code

    with django_capture_on_commit_callbacks(execute=True):
        paper_ballot(bohicon, envelope)
    codes["code:receipt:paper"] = RECEIPT.search(" ".join(sent_sms_to(PHONES["paper"]))).group(1)

    assert Complaint.objects.count() == 4
    assert VoterRecord.objects.filter(envelope=envelope).count() == 6
    needles = dict(codes)
    for channel, phone in PHONES.items():
        needles |= phone_needles(phone, label=f"phone:{channel}")
    for channel, description in DESCRIPTIONS.items():
        needles[f"description:{channel}"] = description.removeprefix("PLAINTE ")
    assert_no_hits(needles, allowed=ALLOWED)


def test_a_deleted_account_leaves_no_trace_of_its_number_or_name(
    client, bohicon, village, envelope, monkeypatch, django_capture_on_commit_callbacks
):
    phone, name = "+2290197700201", "Afi Dossou-QX79"
    citizen = UserFactory(phone=phone, display_name=name, arrondissement=village.arrondissement)
    water = Category.objects.get(commune=bohicon, code="water")
    other = grievances.complaint_file(commune=bohicon, category=water, description="La route est coupée")
    with django_capture_on_commit_callbacks(execute=True):
        grievances.complaint_file(
            commune=bohicon, category=water, description="Le forage de Zounzonmè fuit", reporter=citizen,
            reporter_name=name, name_public=True,
        )  # fmt: skip
        grievances.complaint_file(
            commune=bohicon, category=Category.objects.get(commune=bohicon, code="gbv"),
            description="Violences au marché de Passagon", reporter=citizen, reporter_name=name,
        )  # fmt: skip
        grievances.complaint_support(complaint=other, user=citizen)
        third = grievances.complaint_file(commune=bohicon, category=water, description="Le marché est inondé")
        grievances.complaint_support(
            complaint=third, phone=PhoneNumber.from_string(phone), channel=Channel.SMS
        )
        ideas = CycleFactory(commune=bohicon, title="Budget 2027", **phase_dates(IDEAS))
        EnvelopeFactory(cycle=ideas, amount=5_000_000)
        proposal_submit(
            cycle=ideas, title="Un forage à Zounzonmè", description="Un forage pour le village",
            channel=Channel.WEB, author=citizen, author_name=name,
        )  # fmt: skip
        proposal_submit(
            cycle=ideas, title="Des latrines au marché", description="Des latrines publiques",
            channel=Channel.SMS, author_phone=phone,
        )  # fmt: skip
        ballot_cast(envelope=envelope, voter=voter_from_user(citizen, channel=Channel.WEB), numbers=[1])
        otp_request(phone=citizen.phone, ip="203.0.113.9", language="fr")

    caller = ussd_caller(client, bohicon, phone)
    caller_profile_set(phone=phone, trait="age_band", value="25-35")
    with django_capture_on_commit_callbacks(execute=True):
        caller.dial()
        caller.send("2")
        at_sms(client, phone, "AIDE", "qx977201-aide")
        at_sms(client, phone, "START Bohicon", "qx977201-start")
    sent_before = len(sent_sms_to(phone))
    with django_capture_on_commit_callbacks(execute=True):
        grievances.complaint_file(
            commune=bohicon,
            category=water,
            description="Plainte en attente d'envoi",
            reporter=citizen,
        )  # its SMS still queued when the account goes: it is never sent
        needles = phone_needles(phone, label="phone") | {"name": name}
        assert database_hits(needles), "the scenario left nothing to erase: it tests nothing"
        account_delete(user=citizen, by=citizen)

    assert_no_hits(needles)
    assert Complaint.objects.filter(description="Le forage de Zounzonmè fuit", reporter_phone="").exists()
    assert third.supports.count() == 1
    assert len(sent_sms_to(phone)) == sent_before


def test_the_scan_finds_what_it_looks_for(bohicon):
    """The scan is not blind: a number written in a JSON field, in a text field and as 01... is found."""
    grievances.complaint_file(
        commune=bohicon, category=Category.objects.get(commune=bohicon, code="water"),
        description="Appelez le 01 97 70 03 01, ou 0197700301",
    )  # fmt: skip
    bohicon.languages = ["fr", "+2290197700301"]
    bohicon.save()
    assert {(hit.table, hit.column) for hit in database_hits(phone_needles("+2290197700301", label="p"))} == {
        ("grievances_complaint", "description"),
        ("territory_commune", "languages"),
    }


def test_every_app_keeping_a_phone_registers_its_eraser():
    """An app.py edit that drops a registration line would silently leave data behind."""
    from palabre.core.personal_data import phone_erasers

    registered = {f"{eraser.__module__}.{eraser.__qualname__}" for eraser in phone_erasers()}
    assert registered >= {
        "palabre.core.outbox.outbox_phone_eraser",
        "palabre.accounts.services.accounts_forget_phone",
        "palabre.channels.personal_data.channels_forget_phone",
        "palabre.grievances.services.erasure.grievances_forget_phone",
        "palabre.budgeting.services.erasure.budgeting_forget_phone",
    }
