import re

import pytest

from palabre.accounts.models import Role
from palabre.channels.models import InboundMessage
from palabre.channels.tests.test_staff_views import staff
from palabre.grievances.models import Complaint

pytestmark = pytest.mark.django_db


@pytest.fixture
def bohicon(bohicon):
    """The shared Bohicon with its categories (grievances' conftest), French only, reached at *384*229*7#."""
    bohicon.languages, bohicon.ussd_extension = ["fr"], "*384*229*7#"
    bohicon.save()
    return bohicon


def screen(response) -> str:
    return re.search(r"<pre>(.*?)</pre>", response.content.decode(), re.S).group(1)


def option(text: str, label: str) -> str:
    """The number of the option whose label starts with `label` on a USSD screen."""
    return re.search(rf"^(\d+)\. {re.escape(label)}", text, re.M).group(1)


def send(client, url, **data):
    return client.post(url, data, secure=True, follow=True)


def test_without_javascript_a_ussd_session_files_a_complaint(
    client, demo_mode, bohicon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = send(client, "/simulator/ussd/", action="dial", input="*384*229*7#")
        answers = 0
        while Complaint.objects.count() == 0 and answers < 12:
            text = screen(page)
            if "Français" in text:
                choice = option(text, "Français")
            elif "Déposer une plainte" in text:
                choice = option(text, "Déposer une plainte")
            elif "concerne" in text:
                choice = option(text, "Eau potable")
            elif "Décrivez" in text:
                choice = "La pompe du marché est en panne depuis lundi"
            elif "Oui, avec mon numéro" in text:
                choice = option(text, "Oui, avec mon numéro")
            else:
                choice = "1"
            page = send(client, "/simulator/ussd/", action="answer", input=choice)
            answers += 1
    complaint = Complaint.objects.get()
    assert (complaint.channel, complaint.commune, complaint.category.code) == ("ussd", bohicon, "water")
    assert complaint.code in screen(page)
    assert InboundMessage.objects.filter(kind="ussd", gateway="africastalking").count() == answers + 1


def test_without_javascript_an_sms_gets_its_reply(
    client, demo_mode, bohicon, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, "/simulator/sms/", text="AIDE")
    page = client.get("/simulator/", secure=True)
    message = InboundMessage.objects.get(kind="sms")
    assert message.status == "processed"
    assert "PLAINTE" in page.content.decode().split("<h2>SMS</h2>")[1]


def test_with_javascript_the_phone_alone_is_redrawn(client, demo_mode, bohicon):
    response = client.post("/simulator/ussd/", {"action": "dial", "input": "*384*229*7#"}, secure=True,
                           HTTP_X_SIMULATOR="1")  # fmt: skip
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content and "sim-screen" in content


def test_the_webhook_token_is_checked_for_the_simulator_too(client, demo_mode, bohicon, settings):
    settings.AT_TOKEN = "s3cret"
    assert screen(send(client, "/simulator/ussd/", action="dial", input="*384*229#")) != ""
    assert InboundMessage.objects.count() == 1  # sent with the token, so accepted and stored


def test_outside_the_demo_visitors_get_404(client, bohicon):
    assert client.get("/simulator/", secure=True).status_code == 404
    assert client.post("/simulator/sms/", {"text": "AIDE"}, secure=True).status_code == 404


def test_outside_the_demo_staff_may_train(client, bohicon):
    staff(client, bohicon, role=Role.COMPLAINTS_OFFICER)
    assert client.get("/simulator/", secure=True).status_code == 200
