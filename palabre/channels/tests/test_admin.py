import pytest

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import UserFactory
from palabre.channels.models import GatewayCredential

pytestmark = pytest.mark.django_db

SECRET = "atsk_live_9f8e7d6c5b4a39281706"


@pytest.fixture
def admin_client(client):
    return sign_in_verified(client, UserFactory(is_staff=True, is_superuser=True, password="x-long-password"))


def test_the_credential_admin_never_shows_a_full_secret(admin_client):
    credential = GatewayCredential.objects.create(
        gateway="whatsapp", username="1065", secret=SECRET, signing_secret=SECRET, webhook_token=SECRET
    )
    for url in [
        "/admin/channels/gatewaycredential/",
        f"/admin/channels/gatewaycredential/{credential.pk}/change/",
    ]:
        content = admin_client.get(url, secure=True).content.decode()
        assert SECRET not in content
        assert "••••1706" in content


def test_an_empty_secret_field_keeps_the_stored_secret(admin_client):
    credential = GatewayCredential.objects.create(gateway="twilio", username="AC1", secret=SECRET)
    data = {"gateway": "twilio", "commune": "", "username": "AC2", "sender": "+22921000001", "secret": "",
            "signing_secret": "", "webhook_token": "", "is_active": "on"}  # fmt: skip
    response = admin_client.post(
        f"/admin/channels/gatewaycredential/{credential.pk}/change/", data, secure=True
    )
    assert response.status_code == 302
    credential.refresh_from_db()
    assert (credential.username, credential.secret) == ("AC2", SECRET)


def test_inbound_messages_are_read_only_in_the_admin(admin_client):
    assert admin_client.get("/admin/channels/inboundmessage/add/", secure=True).status_code == 403


def test_the_inbound_log_admin_has_nothing_personal_to_show_or_search(admin_client):
    from palabre.channels.models import InboundMessage
    from palabre.core.keyed import phone_key

    message = InboundMessage.objects.create(gateway="africastalking", kind="ussd", dedupe_key="d" * 64,
                                            phone_key=phone_key("+2290197123456"))  # fmt: skip
    listing = admin_client.get("/admin/channels/inboundmessage/", secure=True).content.decode()
    assert 'name="q"' not in listing  # no search box: nothing to search
    detail = admin_client.get(f"/admin/channels/inboundmessage/{message.pk}/change/", secure=True)
    assert detail.status_code == 200
    assert message.phone_key not in detail.content.decode() and "d" * 64 not in detail.content.decode()


def test_a_phone_profile_is_found_by_typing_the_number_never_stored(admin_client):
    from palabre.channels.phones import phone_set_language

    phone_set_language(phone="+2290197123456", language="fon")
    phone_set_language(phone="+2290197000000", language="fr")
    found = admin_client.get("/admin/channels/phoneprofile/", {"q": "+2290197123456"}, secure=True)
    assert [profile.language for profile in found.context["cl"].result_list] == ["fon"]
    assert found.content.decode().count("+2290197123456") == 1  # only in the search box, as typed
