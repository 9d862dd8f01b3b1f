"""One rule for a complaint's description, on every channel (issue 9): 10 to 2,000 characters, checked
by `complaint_file`; each channel shows the service's words."""

import pytest
from django.core.exceptions import ValidationError

from palabre.channels.router import InboundContext
from palabre.channels.sms.dispatch import sms_dispatch
from palabre.core.choices import Channel
from palabre.grievances import services
from palabre.grievances.models import Category, Complaint
from palabre.grievances.tests.conftest import REPORTER_PHONE
from palabre.grievances.tests.test_views_public import place_data, url

pytestmark = pytest.mark.django_db
TOO_SHORT = "Trop court : écrivez au moins 10 lettres."
TOO_LONG = "Trop long : 2000 caractères au plus."


@pytest.mark.parametrize(("text", "message"), [("Panne", TOO_SHORT), ("x" * 2001, TOO_LONG)])
def test_the_service_refuses_a_description_too_short_or_too_long(bohicon, text, message):
    category = Category.objects.filter(commune=bohicon).first()
    with pytest.raises(ValidationError) as refused:
        services.complaint_file(commune=bohicon, category=category, description=text)
    assert refused.value.message_dict == {"description": [message]}
    assert not Complaint.objects.exists()


def test_spaces_are_joined_and_a_voice_message_may_stand_for_the_text(bohicon):
    assert services.complaint_description_clean("  La   pompe\n est cassée ") == "La pompe est cassée"
    assert services.complaint_description_clean("") == ""


def test_the_web_form_shows_the_rule_and_keeps_what_was_typed(client, water, village):
    data = {**place_data(water, village), "description": "x" * 2001}
    response = client.post(url("file", water.commune), data)
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert "2000" in response.text and "x" * 2001 in response.text
    assert "maxlength" not in response.text.split("<textarea", 1)[1].split(">", 1)[0]  # nothing cut silently


def test_an_sms_too_short_gets_the_services_words(bohicon):
    context = InboundContext(phone=REPORTER_PHONE, commune=bohicon, language="fr", channel=Channel.SMS,
                             gateway="test", inbound_id=1)  # fmt: skip
    assert sms_dispatch(context, "PLAINTE Panne").text == TOO_SHORT
    assert not Complaint.objects.exists()
