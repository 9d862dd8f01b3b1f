"""The platform administrator's gateway setup pages: every configured gateway, its callback URLs and which
secrets are set (never their values); 404 for everyone else."""

import pytest

from palabre.accounts.models import Role
from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, UserFactory
from palabre.channels.gateways import inbound_gateway, inbound_gateway_classes
from palabre.channels.models import GatewayCredential

pytestmark = pytest.mark.django_db

AT_KEY = "atsk_live_9f8e7d6c5b4a39281706"
TWILIO_TOKEN = "f1e2d3c4b5a697881726354453627180"
APP_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
VERIFY_TOKEN = "palabre-verify-2025"
ACCESS_TOKEN = "EAAG-access-token-0123456789"
LIVE_GATEWAYS = [
    "palabre.channels.gateways.africastalking.AfricasTalkingGateway",
    "palabre.channels.gateways.twilio.TwilioGateway",
    "palabre.channels.gateways.whatsapp.WhatsAppGateway",
]


@pytest.fixture
def admin_client(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    sign_in_verified(client, user)
    return client


def test_gateways_are_the_dotted_paths_of_the_setting(settings):
    settings.INBOUND_GATEWAYS = LIVE_GATEWAYS
    assert list(inbound_gateway_classes()) == ["africastalking", "twilio", "whatsapp"]
    assert inbound_gateway("console") is None
    settings.INBOUND_GATEWAYS = [*LIVE_GATEWAYS, "palabre.channels.gateways.console.ConsoleGateway"]
    assert inbound_gateway("console").name == "console"


def test_a_gateway_left_out_of_the_setting_answers_404(client, settings):
    settings.INBOUND_GATEWAYS = LIVE_GATEWAYS[:1]
    assert client.post("/channels/twilio/sms/", {}, secure=True).status_code == 404
    assert client.get("/channels/whatsapp/webhook/", secure=True).status_code == 404


def test_the_list_names_every_configured_gateway(admin_client, settings):
    settings.INBOUND_GATEWAYS = [*LIVE_GATEWAYS, "palabre.channels.gateways.console.ConsoleGateway"]
    page = admin_client.get("/plateforme/passerelles/", secure=True).content.decode()
    for name in ("africastalking", "twilio", "whatsapp", "console"):
        assert f'href="/plateforme/passerelles/{name}/"' in page
    settings.INBOUND_GATEWAYS = LIVE_GATEWAYS
    page = admin_client.get("/plateforme/passerelles/", secure=True).content.decode()
    assert "/plateforme/passerelles/console/" not in page
    assert admin_client.get("/plateforme/passerelles/console/", secure=True).status_code == 404


def test_africas_talking_callbacks_carry_a_token_placeholder_never_the_token(admin_client, settings):
    settings.AT_TOKEN = "s3cr3t-at-token-value-0123456789"
    GatewayCredential.objects.create(gateway="africastalking", username="palabre", secret=AT_KEY)
    page = admin_client.get("/plateforme/passerelles/africastalking/", secure=True).content.decode()
    for kind in ("ussd", "sms", "delivery", "voice"):
        assert f"https://testserver/channels/africastalking/{kind}/?token=&lt;PALABRE_AT_TOKEN&gt;" in page
    assert "PALABRE_AT_TOKEN" in page
    assert settings.AT_TOKEN not in page
    assert AT_KEY not in page and AT_KEY[-4:] not in page
    assert page.count(">oui<") == 2  # the token and the platform account's API key


def test_an_unset_token_and_a_missing_account_are_shown_not_set(admin_client, settings):
    settings.AT_TOKEN = ""
    page = admin_client.get("/plateforme/passerelles/africastalking/", secure=True).content.decode()
    assert ">oui<" not in page
    assert page.count("<strong>non</strong>") == 2  # the token, and no account at all
    assert "aucun compte actif" in page


def test_twilio_shows_each_credential_auth_token_set_or_not(admin_client, bohicon, monkeypatch):
    GatewayCredential.objects.create(gateway="twilio", commune=bohicon, username="AC1", sender="+22921000001",
                                     secret=TWILIO_TOKEN)  # fmt: skip
    GatewayCredential.objects.create(gateway="twilio", username="AC2", sender="+22921000009",
                                     secret="env:PALABRE_TEST_TWILIO_TOKEN")  # fmt: skip
    monkeypatch.delenv("PALABRE_TEST_TWILIO_TOKEN", raising=False)
    page = admin_client.get("/plateforme/passerelles/twilio/", secure=True).content.decode()
    assert "https://testserver/channels/twilio/sms/" in page
    assert "https://testserver/channels/twilio/delivery/" in page
    assert "?token=" not in page
    assert TWILIO_TOKEN not in page and TWILIO_TOKEN[-4:] not in page
    assert "Bohicon" in page and "PALABRE_TEST_TWILIO_TOKEN" in page
    assert (page.count(">oui<"), page.count("<strong>non</strong>")) == (1, 1)
    monkeypatch.setenv("PALABRE_TEST_TWILIO_TOKEN", "from-the-environment-0123456789")
    page = admin_client.get("/plateforme/passerelles/twilio/", secure=True).content.decode()
    assert (page.count(">oui<"), page.count("<strong>non</strong>")) == (2, 0)
    assert "from-the-environment" not in page


def test_whatsapp_shows_app_secret_verify_token_and_access_token(admin_client):
    GatewayCredential.objects.create(gateway="whatsapp", username="106540352242922", secret=ACCESS_TOKEN,
                                     signing_secret=APP_SECRET, webhook_token="")  # fmt: skip
    page = admin_client.get("/plateforme/passerelles/whatsapp/", secure=True).content.decode()
    assert "https://testserver/channels/whatsapp/webhook/" in page
    assert "app secret" in page and "verify token" in page and "access token" in page
    assert (page.count(">oui<"), page.count("<strong>non</strong>")) == (2, 1)
    for secret in (ACCESS_TOKEN, APP_SECRET):
        assert secret not in page and secret[-4:] not in page


def test_the_console_gateway_has_no_secret(admin_client, settings):
    settings.INBOUND_GATEWAYS = [*LIVE_GATEWAYS, "palabre.channels.gateways.console.ConsoleGateway"]
    page = admin_client.get("/plateforme/passerelles/console/", secure=True).content.decode()
    assert "https://testserver/channels/console/ussd/" in page
    assert "Aucun secret à régler." in page


@pytest.mark.parametrize("path", ["/plateforme/passerelles/", "/plateforme/passerelles/twilio/"])
def test_nobody_but_the_platform_administrator_sees_them(client, bohicon, path):
    assert client.get(path, secure=True).status_code == 404
    admin = MembershipFactory(commune=bohicon, role=Role.COMMUNE_ADMIN).user
    sign_in_verified(client, admin)
    assert client.get(path, secure=True).status_code == 404
    unverified = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(unverified)  # no second factor
    assert client.get(path, secure=True).status_code == 404


def test_an_unknown_gateway_is_404(admin_client):
    assert admin_client.get("/plateforme/passerelles/sms-magique/", secure=True).status_code == 404
