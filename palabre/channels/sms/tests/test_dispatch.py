import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palabre.channels import router
from palabre.channels.gateways.africastalking import AfricasTalkingGateway
from palabre.channels.gateways.base import Inbound
from palabre.channels.inbound import inbound_handle
from palabre.channels.models import InboundKind, InboundMessage, PhoneProfile
from palabre.channels.router import Reply, SmsKeyword
from palabre.channels.sms.dispatch import handle_sms, help_text, keyword_table, sms_dispatch
from palabre.channels.sms_models import SmsSubscription
from palabre.core.keyed import phone_key

from .conftest import PHONE

pytestmark = pytest.mark.django_db

calls: list[str] = []


def echo(context, args):
    calls.append(args)
    return f"echo {args} ({context.language})"


def silent(context, args):
    return ""


def refusing(context, args):
    raise ValidationError("Code inconnu.")


def answered_elsewhere(context, args):
    return Reply(text="")


@pytest.fixture(autouse=True)
def registry():
    calls.clear()
    with router.temporary_registry():
        router.register_sms_keywords(
            SmsKeyword(
                "echo",
                {"fr": ["ECHO", "ECHOTER"], "yo": ["ÀTÚNSỌ"]},
                echo,
                help_text="ECHO <texte> : répéter",
                order=1,
            ),
            SmsKeyword("silent", {"fr": ["SILENCE"]}, silent),
            SmsKeyword("refusing", {"fr": ["REFUS"]}, refusing),
            SmsKeyword("elsewhere", {"fr": ["AILLEURS"]}, answered_elsewhere),
        )
        yield


def test_keyword_goes_to_its_handler_with_the_rest_of_the_text(context_for):
    assert sms_dispatch(context_for(), "echo: bonjour").text == "echo bonjour (fr)"
    assert sms_dispatch(context_for(), "ECHOTE bonjour").text == "echo bonjour (fr)"  # one typo


def test_national_language_keyword_answers_in_that_language(context_for):
    assert sms_dispatch(context_for(language="fr"), "àtúnsọ omi").text == "echo omi (yo)"
    assert sms_dispatch(context_for(language="fon"), "ECHO x").text == "echo x (fon)"


def test_help_lists_registered_and_channel_commands(context_for):
    text = sms_dispatch(context_for(), "AIDE").text
    assert "ECHO <texte> : répéter" in text
    assert "STOP" in text and "START" in text


def test_unknown_text_gets_help_never_silence(context_for):
    reply = sms_dispatch(context_for(), "Bonjour la mairie")
    assert reply.text == help_text(known_command=False)
    assert "ECHO" in reply.text


def test_empty_handler_answer_becomes_help(context_for):
    assert sms_dispatch(context_for(), "SILENCE").text == help_text(known_command=False)


def test_validation_error_becomes_the_reply(context_for):
    assert sms_dispatch(context_for(), "REFUS x").text == "Code inconnu."


def test_handler_may_answer_through_the_outbox(context_for):
    assert sms_dispatch(context_for(), "AILLEURS").text == ""


def test_stop_opts_out_and_start_opts_back_in(context_for):
    reply = sms_dispatch(context_for(), "stop")
    assert "START" in reply.text
    assert PhoneProfile.objects.get(phone_key=phone_key(PHONE)).is_opted_out
    sms_dispatch(context_for(), "Stop")  # twice is harmless
    sms_dispatch(context_for(), "START")
    assert not PhoneProfile.objects.get(phone_key=phone_key(PHONE)).is_opted_out


def test_start_subscribes_to_the_commune_or_a_named_arrondissement(context_for, bohicon, saclo):
    reply = sms_dispatch(context_for(commune=bohicon), "START")
    assert "Bohicon" in reply.text
    assert reply.commune_id == bohicon.pk
    sms_dispatch(context_for(commune=bohicon, language="fon"), "start saclo")
    subscription = SmsSubscription.objects.get(phone=PHONE)
    assert (subscription.commune, subscription.arrondissement, subscription.language) == (
        bohicon,
        saclo,
        "fon",
    )


def test_start_names_the_commune_when_the_phone_has_none(context_for, bohicon, saclo, toffo):
    sms_dispatch(context_for(), "START bohicon SACLO")
    assert SmsSubscription.objects.get(phone=PHONE).arrondissement == saclo


def test_start_without_any_commune_asks_for_it(context_for):
    reply = sms_dispatch(context_for(), "START")
    assert reply.text
    assert not SmsSubscription.objects.exists()


def test_start_ignores_an_arrondissement_of_another_commune(context_for, bohicon, toffo, saclo):
    sms_dispatch(context_for(commune=toffo), "START saclo")
    assert SmsSubscription.objects.get(phone=PHONE).arrondissement is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_dispatch_always_replies(context_for, text):
    reply = sms_dispatch(context_for(), text)
    assert reply.text or keyword_table().parse(text).command == "elsewhere"


def at_sms(external_id: str, text: str) -> Inbound:
    return Inbound(kind=InboundKind.SMS, external_id=external_id, phone=PHONE, text=text)


def test_engine_entry_point_reads_the_inbound_text(context_for):
    assert handle_sms(context_for(), at_sms("m1", "ECHO salut")).text == "echo salut (fr)"


def test_duplicate_inbound_is_processed_once(db):
    gateway = AfricasTalkingGateway()
    first = inbound_handle(gateway=gateway, inbound=at_sms("ATXid_1", "ECHO une fois"))
    again = inbound_handle(gateway=gateway, inbound=at_sms("ATXid_1", "ECHO une fois"))
    assert calls == ["une fois"]
    assert first.message.pk == again.message.pk
    assert first.reply == "echo une fois (fr)" and again.reply == ""  # the reply went out once
    assert InboundMessage.objects.count() == 1
