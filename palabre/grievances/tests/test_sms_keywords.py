import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from palabre.channels.gateways.africastalking import AfricasTalkingGateway
from palabre.channels.gateways.base import Inbound
from palabre.channels.inbound import inbound_handle
from palabre.channels.models import InboundKind
from palabre.channels.router import InboundContext
from palabre.channels.sms.dispatch import sms_dispatch
from palabre.core.choices import Channel
from palabre.core.models import OutboundMessage
from palabre.grievances.models import Complaint, Status
from palabre.grievances.sms_keywords import guess_category

from .conftest import REPORTER_PHONE

pytestmark = pytest.mark.django_db


def resolved(complaint):
    Complaint.objects.filter(pk=complaint.pk).update(status=Status.RESOLVED)
    return complaint


def context(commune=None, phone=REPORTER_PHONE, language="fr"):
    return InboundContext(
        phone=phone, commune=commune, language=language, channel=Channel.SMS, gateway="test", inbound_id=1
    )


def test_plainte_files_a_complaint_and_the_filing_sms_gives_the_code(bohicon):
    reply = sms_dispatch(context(bohicon), "PLAINTE La pompe de Saclo est en panne depuis lundi")
    complaint = Complaint.objects.get()
    assert reply.text == "" and reply.commune_id == bohicon.pk
    assert (complaint.channel, complaint.category.code) == (Channel.SMS, "water")
    assert complaint.description == "La pompe de Saclo est en panne depuis lundi"
    assert complaint.reporter_phone == REPORTER_PHONE
    filed = OutboundMessage.objects.get(to=REPORTER_PHONE)
    assert complaint.code in filed.body


def test_misspelled_keyword_and_other_category(bohicon):
    sms_dispatch(context(bohicon), "plinte le bruit du bar la nuit")
    assert Complaint.objects.get().category.code == "other"


def test_plainte_names_the_commune_when_the_phone_has_none(bohicon, toffo):
    sms_dispatch(context(), "PLAINTE Toffo la route est coupée")
    complaint = Complaint.objects.get()
    assert (complaint.commune, complaint.category.code, complaint.description) == (
        toffo,
        "roads",
        "la route est coupée",
    )


def test_plainte_without_commune_or_text_asks_again(bohicon):
    assert "commune" in sms_dispatch(context(), "PLAINTE la route est coupée").text
    assert "PLAINTE" in sms_dispatch(context(bohicon), "PLAINTE").text
    assert not Complaint.objects.exists()


def test_yoruba_keyword_files_and_answers_in_yoruba(bohicon):
    sms_dispatch(context(bohicon), "ẹ̀dùn omi ò sí ní Saclo")
    complaint = Complaint.objects.get()
    assert (complaint.language, complaint.category.code) == ("yo", "water")


def test_guess_category_reads_the_first_telling_word(bohicon):
    assert guess_category(bohicon, "Pas de courant, et la route").code == "electricity"
    assert guess_category(bohicon, "violences à la maison").code == "gbv"
    assert guess_category(bohicon, "rien de précis").code == "other"


def test_suivi_answers_the_status(file_complaint):
    complaint = file_complaint()
    reply = sms_dispatch(context(), f"suivi {complaint.code.lower().replace('-', ' ')}")
    assert complaint.code in reply.text
    assert str(complaint.get_status_display()) in reply.text
    assert reply.commune_id == complaint.commune_id


def test_suivi_unknown_or_missing_code(bohicon):
    assert "BOH-ZZZZ" in sms_dispatch(context(), "SUIVI BOH-ZZZZ").text
    assert "SUIVI" in sms_dispatch(context(), "SUIVI").text


def test_suivi_sensitive_complaint_gives_the_status_only(file_complaint, gbv):
    complaint = file_complaint(category=gbv, description="Détails confidentiels")
    reply = sms_dispatch(context(), f"SUIVI {complaint.code}")
    assert complaint.code in reply.text
    assert "confidentiels" not in reply.text


def test_note_rates_a_resolved_complaint_from_the_reporters_phone(file_complaint):
    complaint = resolved(file_complaint())
    reply = sms_dispatch(context(), f"NOTE {complaint.code} 4")
    complaint.refresh_from_db()
    assert complaint.rating == 4
    assert "4/5" in reply.text


def test_note_from_another_phone_is_refused_without_revealing(file_complaint):
    complaint = resolved(file_complaint())
    reply = sms_dispatch(context(phone="+2290197999999"), f"NOTE {complaint.code} 5")
    complaint.refresh_from_db()
    assert complaint.rating is None
    assert reply.text == sms_dispatch(context(), "NOTE BOH-ZZZZ 5").text.replace("BOH-ZZZZ", complaint.code)


@pytest.mark.parametrize("text", ["NOTE", "NOTE BOH-7K3M", "NOTE BOH-7K3M 9"])
def test_note_needs_a_code_and_a_rating_from_1_to_5(bohicon, text):
    assert "1 à 5" in sms_dispatch(context(), text).text


def test_note_before_resolution_is_explained(file_complaint):
    complaint = file_complaint()
    reply = sms_dispatch(context(), f"NOTE {complaint.code} 2")
    assert "résolue" in reply.text
    complaint.refresh_from_db()
    assert complaint.rating is None


def test_gateway_retry_of_the_same_sms_files_one_complaint(bohicon):
    gateway = AfricasTalkingGateway()
    inbound = Inbound(
        kind=InboundKind.SMS,
        external_id="ATXid_42",
        phone=REPORTER_PHONE,
        text="PLAINTE Bohicon pompe cassée",
    )
    inbound_handle(gateway=gateway, inbound=inbound)
    inbound_handle(gateway=gateway, inbound=inbound)
    assert Complaint.objects.count() == 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_any_sms_gets_an_answer(bohicon, text):
    filed_before = Complaint.objects.count()
    reply = sms_dispatch(context(bohicon), text)
    assert reply.text or Complaint.objects.count() == filed_before + 1
