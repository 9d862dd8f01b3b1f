import pytest

from palabre.channels.credentials import active_credentials, credential_for, mask_secret, resolve_secret
from palabre.channels.models import GatewayCredential
from palabre.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_the_commune_account_comes_first_then_the_platform():
    commune, other = CommuneFactory(), CommuneFactory()
    GatewayCredential.objects.create(gateway="africastalking", username="platform", secret="k1")
    GatewayCredential.objects.create(gateway="africastalking", commune=commune, username="own", secret="k2")
    assert credential_for("africastalking", commune.pk).username == "own"
    assert credential_for("africastalking", other.pk).username == "platform"
    assert credential_for("africastalking").username == "platform"
    assert credential_for("twilio") is None


def test_inactive_accounts_are_ignored():
    GatewayCredential.objects.create(gateway="twilio", username="AC1", secret="t", is_active=False)
    assert credential_for("twilio") is None and active_credentials("twilio") == []


def test_secrets_may_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PALABRE_TEST_AT_KEY", "atsk_from_env")
    GatewayCredential.objects.create(gateway="africastalking", username="u", secret="env:PALABRE_TEST_AT_KEY")
    assert credential_for("africastalking").secret == "atsk_from_env"
    assert resolve_secret("env:PALABRE_TEST_UNSET") == ""


def test_masks_show_at_most_the_last_four_characters():
    assert mask_secret("atsk_0123456789abcdef") == "••••cdef"
    assert mask_secret("short") == "••••"
    assert mask_secret("") == ""
    assert mask_secret("env:PALABRE_AT_KEY") == "env:PALABRE_AT_KEY"


def test_one_platform_wide_account_per_gateway():
    from django.db import IntegrityError

    GatewayCredential.objects.create(gateway="twilio", username="AC1")
    with pytest.raises(IntegrityError):
        GatewayCredential.objects.create(gateway="twilio", username="AC2")
