import pytest
from django.urls import reverse

from palabre.channels import views
from palabre.channels.gateways.console import ConsoleGateway
from palabre.core.models import OutboundMessage
from palabre.core.services import sms_queue

pytestmark = pytest.mark.django_db

URL = "/demo/"


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True


def test_demo_page_url_name():
    assert reverse("channels:demo_messages") == URL


def test_demo_page_does_not_exist_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    ConsoleGateway().send(to="+2290197000001", body="Votre code : 123456", reference="1")
    response = client.get(URL, secure=True)
    assert response.status_code == 404
    assert b"123456" not in response.content


def test_demo_page_lists_the_latest_fifty_sms_newest_first(client, demo):
    for n in range(55):
        ConsoleGateway().send(to="+2290197000001", body=f"Message numéro {n:02d}", reference=str(n))
    response = client.get(URL, secure=True)
    assert response.status_code == 200
    sms_list = response.context["sms_list"]
    assert len(sms_list) == 50
    assert sms_list[0].body == "Message numéro 54"
    content = response.content.decode()
    assert content.index("Message numéro 54") < content.index("Message numéro 53")
    assert "Message numéro 04" not in content
    assert "no-cache" in response["Cache-Control"]


def test_demo_page_shows_the_staff_codes(client, demo, monkeypatch):
    staff = [
        {
            "phone": "+2290197000010",
            "name": "Awa Dossou",
            "role": "Maire",
            "commune": "Bohicon",
            "code": "654321",
        }
    ]
    monkeypatch.setattr(views, "demo_staff_codes", lambda: staff)
    content = client.get(URL, secure=True).content.decode()
    for value in staff[0].values():
        assert value in content


def test_demo_page_uses_the_accounts_demo_staff_codes(client, demo):
    response = client.get(URL, secure=True)
    assert response.status_code == 200
    assert response.context["staff_codes"] == []


def test_a_login_code_reaches_the_demo_page_but_not_the_outbox_table(
    client, demo, settings, django_capture_on_commit_callbacks
):
    settings.SMS_GATEWAY = "palabre.channels.gateways.console.ConsoleGateway"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        message = sms_queue(to="+2290197000001", body="Votre code Palabre : 482913", kind="otp")
    message.refresh_from_db()
    assert (message.status, message.body) == (OutboundMessage.Status.SENT, "")
    assert "482913" in client.get(URL, secure=True).content.decode()


def test_demo_page_reads_the_sms_in_one_query(client, demo, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(views, "demo_staff_codes", list)
    ConsoleGateway().send(to="+2290197000001", body="Bonjour", reference="1")
    with django_assert_num_queries(1):
        client.get(URL, secure=True)
