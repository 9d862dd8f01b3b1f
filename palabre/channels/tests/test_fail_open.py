"""Defaults that fail open (issue 8): the Africa's Talking token, the Twilio credential bound to its number
and commune, and the phone simulator's numbers. The domain side of the simulator (nothing counts outside
demo mode) is tested in `test_simulator_training.py` of budgeting and of grievances.
"""

import os
import subprocess
import sys
from pathlib import Path

import phonenumbers
import pytest
from phonenumber_field.phonenumber import PhoneNumber

from palabre.channels import inbound as inbound_module
from palabre.channels.checks import (
    AT_TOKEN_MISSING,
    CONSOLE_GATEWAY,
    CONSOLE_GATEWAY_IN_PRODUCTION,
    africastalking_token_check,
    console_gateway_check,
)
from palabre.channels.gateways.twilio import twilio_signature
from palabre.channels.models import DeliveryReport, GatewayCredential, InboundMessage
from palabre.channels.phones import (
    SIMULATOR_PREFIX,
    phone_is_simulated,
    phone_is_training,
    phone_set_commune,
    simulating,
)
from palabre.channels.replies import Reply
from palabre.channels.tests.conftest import PHONE, recorded
from palabre.channels.tests.test_staff_views import staff

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


# Africa's Talking: no token, no entry (except in the demo) ------------------------------------------------
def at_post(client, kind="sms", token=""):
    query = f"?token={token}" if token else ""
    fields = recorded("africastalking", "sms" if kind == "sms" else "ussd_dial")
    return client.post(f"/channels/africastalking/{kind}/{query}", fields, secure=True)


@pytest.mark.parametrize("kind", ["sms", "ussd"])
def test_without_a_token_the_webhooks_refuse_everything_outside_the_demo(client, engine, settings, kind):
    settings.AT_TOKEN, settings.DEMO_MODE = "", False
    assert at_post(client, kind).status_code == 403
    assert at_post(client, kind, token="anything").status_code == 403
    assert engine.calls == [] and InboundMessage.objects.count() == 0


def test_without_a_token_the_demo_stays_open(client, engine, settings):
    settings.AT_TOKEN, settings.DEMO_MODE = "", True
    assert at_post(client).status_code == 200
    assert len(engine.calls) == 1


def test_with_a_token_only_requests_carrying_it_are_accepted(client, engine, settings):
    settings.AT_TOKEN, settings.DEMO_MODE = "a-long-random-token", False
    assert at_post(client).status_code == 403
    assert at_post(client, token="a-long-random-token").status_code == 200


def test_an_empty_token_is_a_system_check_error_outside_the_demo(settings):
    settings.AT_TOKEN, settings.DEMO_MODE = "", False
    (error,) = africastalking_token_check()
    assert error.id == AT_TOKEN_MISSING and error.is_serious()
    assert "PALABRE_AT_TOKEN" in error.msg and "?token=" in error.hint
    settings.DEMO_MODE = True
    assert africastalking_token_check() == []
    settings.AT_TOKEN, settings.DEMO_MODE = "a-long-random-token", False
    assert africastalking_token_check() == []


def test_the_console_gateway_is_a_deploy_error_outside_the_demo(settings):
    settings.DEMO_MODE, settings.SMS_GATEWAY = False, CONSOLE_GATEWAY
    (error,) = console_gateway_check()
    assert error.id == CONSOLE_GATEWAY_IN_PRODUCTION and error.is_serious()
    settings.DEMO_MODE = True
    assert console_gateway_check() == []
    settings.DEMO_MODE, settings.SMS_GATEWAY = False, "palabre.channels.gateways.twilio.TwilioGateway"
    assert console_gateway_check() == []


def _check_deploy(tmp_path, **extra) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "PALABRE_AT_TOKEN"}
    env.update({"PALABRE_DEBUG": "0", "PALABRE_DEMO": "0", "PALABRE_DATA_DIR": str(tmp_path), **extra})
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_fails_without_the_token_and_the_demo_does_not(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    assert AT_TOKEN_MISSING in result.stderr + result.stdout
    assert CONSOLE_GATEWAY_IN_PRODUCTION in result.stderr + result.stdout
    demo = _check_deploy(tmp_path, PALABRE_DEMO="1")
    assert AT_TOKEN_MISSING not in demo.stderr + demo.stdout
    assert CONSOLE_GATEWAY_IN_PRODUCTION not in demo.stderr + demo.stdout


# Twilio: a credential authenticates only messages to its own number, processed in its commune -----------
TOFFO_NUMBER, BOHICON_NUMBER, PLATFORM_NUMBER = "+22921000001", "+22922000002", "+22923000003"
TOFFO_TOKEN, BOHICON_TOKEN, PLATFORM_TOKEN = "toffo-auth-token-0001", "bohicon-auth-token-02", "platform-03"


@pytest.fixture
def twilio_accounts(toffo, bohicon):
    GatewayCredential.objects.create(gateway="twilio", commune=toffo, username="AC1", secret=TOFFO_TOKEN,
                                     sender="+229 21 00 00 01")  # fmt: skip
    GatewayCredential.objects.create(gateway="twilio", commune=bohicon, username="AC2", secret=BOHICON_TOKEN,
                                     sender=BOHICON_NUMBER)  # fmt: skip
    GatewayCredential.objects.create(gateway="twilio", username="AC3", secret=PLATFORM_TOKEN,
                                     sender=PLATFORM_NUMBER)  # fmt: skip


def twilio_post(client, kind, fields, token):
    path = f"/channels/twilio/{kind}/"
    signature = twilio_signature(token, "https://testserver" + path, {k: [v] for k, v in fields.items()})
    return client.post(path, fields, secure=True, HTTP_X_TWILIO_SIGNATURE=signature)


def sms_to(number: str, sid: str = "SM01") -> dict:
    return {**recorded("twilio", "sms"), "To": number, "MessageSid": sid, "SmsSid": sid}


def test_a_communes_token_does_not_open_another_communes_number(client, engine, twilio_accounts):
    assert twilio_post(client, "sms", sms_to(BOHICON_NUMBER), TOFFO_TOKEN).status_code == 403
    assert twilio_post(client, "sms", sms_to("+22929999999"), TOFFO_TOKEN).status_code == 403
    assert twilio_post(client, "sms", sms_to(TOFFO_NUMBER), PLATFORM_TOKEN).status_code == 403
    assert engine.calls == [] and InboundMessage.objects.count() == 0


def test_the_credentials_commune_wins_over_the_phones_remembered_one(
    client, engine, twilio_accounts, toffo, bohicon
):
    phone_set_commune(phone=PHONE, commune=bohicon)
    assert twilio_post(client, "sms", sms_to(TOFFO_NUMBER), TOFFO_TOKEN).status_code == 200
    context, inbound = engine.calls[0]
    assert (inbound.commune_id, context.commune, context.commune_bound) == (toffo.pk, toffo, True)
    assert InboundMessage.objects.get().commune == toffo


def test_a_platform_credential_authenticates_only_its_own_number_and_binds_no_commune(
    client, engine, twilio_accounts, bohicon
):
    phone_set_commune(phone=PHONE, commune=bohicon)
    assert twilio_post(client, "sms", sms_to(PLATFORM_NUMBER), PLATFORM_TOKEN).status_code == 200
    context, inbound = engine.calls[0]
    assert (inbound.commune_id, context.commune, context.commune_bound) == (None, bohicon, False)
    assert twilio_post(client, "sms", sms_to(BOHICON_NUMBER, "SM02"), PLATFORM_TOKEN).status_code == 403


def test_a_status_callback_is_bound_to_the_number_it_was_sent_from(client, twilio_accounts):
    status = {**recorded("twilio", "status_delivered"), "From": BOHICON_NUMBER}
    assert twilio_post(client, "delivery", status, TOFFO_TOKEN).status_code == 403
    assert twilio_post(client, "delivery", status, BOHICON_TOKEN).status_code == 200
    assert DeliveryReport.objects.get().status == "delivered"


def test_a_messaging_service_credential_is_matched_by_its_service_id(client, engine, toffo):
    service = "MG0123456789abcdef0123456789abcdef"
    GatewayCredential.objects.create(gateway="twilio", commune=toffo, username="AC1", secret=TOFFO_TOKEN,
                                     sender=service)  # fmt: skip
    assert twilio_post(client, "sms", sms_to(TOFFO_NUMBER), TOFFO_TOKEN).status_code == 403
    fields = {**sms_to(TOFFO_NUMBER), "MessagingServiceSid": service}
    assert twilio_post(client, "sms", fields, TOFFO_TOKEN).status_code == 200
    assert engine.calls[0][0].commune == toffo


# The phone simulator's numbers --------------------------------------------------------------------------
def test_the_simulators_range_is_assigned_to_nobody():
    number = phonenumbers.parse(SIMULATOR_PREFIX + "12345")
    assert not phonenumbers.is_valid_number(number)


def test_simulated_phones_are_told_apart_in_one_place(settings):
    settings.DEMO_MODE = False
    assert phone_is_simulated(SIMULATOR_PREFIX + "00042")
    assert phone_is_simulated(PhoneNumber.from_string(SIMULATOR_PREFIX + "00042"))
    assert not phone_is_simulated(PHONE) and not phone_is_simulated(None)
    with simulating():  # a request of the simulator, whatever number it names (or none)
        assert phone_is_simulated(PHONE) and phone_is_simulated(None) and phone_is_training(None)
    assert not phone_is_simulated(PHONE)
    assert phone_is_training(SIMULATOR_PREFIX + "00042") and not phone_is_training(PHONE)
    settings.DEMO_MODE = True
    assert not phone_is_training(SIMULATOR_PREFIX + "00042")


def test_the_simulator_draws_its_numbers_in_the_range_and_marks_its_requests(
    client, monkeypatch, settings, bohicon
):
    settings.DEMO_MODE = False
    staff(client, bohicon)
    seen = []

    def handler(context, inbound):
        seen.append((inbound.phone, phone_is_training(None)))
        return Reply(text="Bienvenue", end=False)

    monkeypatch.setattr(inbound_module, "handler_for", lambda inbound: handler)
    client.post("/simulator/ussd/", {"action": "dial", "input": "*384*229#"}, secure=True)
    ((phone, training),) = seen
    assert phone.startswith(SIMULATOR_PREFIX) and training
    assert not phone_is_training(None)  # the mark does not outlive the simulator's request
    page = client.get("/simulator/", secure=True).content.decode()
    assert "Numéro d&#x27;essai du simulateur : rien n&#x27;est enregistré hors démonstration." in page
