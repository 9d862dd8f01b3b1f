import pytest

from palabre.accounts.models import Role
from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory
from palabre.channels.models import GatewayCredential, InboundMessage, PhoneProfile
from palabre.channels.phones import phone_block
from palabre.channels.tests.conftest import PHONE
from palabre.core.keyed import phone_key
from palabre.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET = "atsk_live_9f8e7d6c5b4a39281706"


def staff(client, commune, role=Role.COMMUNE_ADMIN):
    membership = MembershipFactory(commune=commune, role=role)
    TOTPDeviceFactory(user=membership.user)
    sign_in_verified(client, membership.user)
    return membership.user


def inbound(commune, phone=PHONE, external_id="sms-1"):
    return InboundMessage.objects.create(
        gateway="africastalking", kind="sms", dedupe_key=external_id, phone_key=phone_key(phone),
        commune=commune, status=InboundMessage.Status.PROCESSED,
    )  # fmt: skip


def test_the_page_lists_recent_requests_by_pseudonym(client, bohicon):
    staff(client, bohicon)
    inbound(bohicon)
    response = client.get("/bohicon/gestion/canaux/", secure=True)
    content = response.content.decode()
    assert response.status_code == 200
    assert phone_key(PHONE)[:8] in content
    assert PHONE[-4:] not in content


def test_the_page_never_shows_a_full_secret(client, bohicon):
    staff(client, bohicon)
    GatewayCredential.objects.create(
        gateway="africastalking", username="palabre", secret=SECRET, signing_secret=SECRET
    )
    GatewayCredential.objects.create(gateway="twilio", commune=bohicon, username="AC1", secret=SECRET)
    content = client.get("/bohicon/gestion/canaux/", secure=True).content.decode()
    assert SECRET not in content and SECRET[:-4] not in content
    assert content.count("••••1706") == 2


def test_other_communes_requests_and_credentials_are_not_listed(client, bohicon, toffo):
    staff(client, bohicon)
    inbound(toffo, phone="+2290196000099")
    GatewayCredential.objects.create(gateway="twilio", commune=toffo, username="AC-toffo", secret=SECRET)
    content = client.get("/bohicon/gestion/canaux/", secure=True).content.decode()
    assert phone_key("+2290196000099")[:8] not in content and "AC-toffo" not in content


def test_the_page_reads_in_a_fixed_number_of_queries(client, bohicon, django_assert_max_num_queries):
    staff(client, bohicon)
    for n in range(5):
        inbound(bohicon, external_id=f"sms-{n}")
    with django_assert_max_num_queries(12):
        client.get("/bohicon/gestion/canaux/", secure=True)


def test_blocking_from_a_request_then_unblocking(client, bohicon):
    admin = staff(client, bohicon)
    message = inbound(bohicon)
    response = client.post(
        f"/bohicon/gestion/canaux/demandes/{message.pk}/bloquer/", {"reason": "injures"}, secure=True
    )
    assert response.status_code == 302
    profile = PhoneProfile.objects.get(phone_key=phone_key(PHONE))
    assert (profile.is_blocked, profile.blocked_by, profile.blocked_in) == (True, admin, bohicon)
    assert profile.pseudonym in client.get("/bohicon/gestion/canaux/", secure=True).content.decode()
    client.post(f"/bohicon/gestion/canaux/numeros/{profile.pk}/debloquer/", secure=True)
    profile.refresh_from_db()
    assert not profile.is_blocked
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [
        "channels.blocked",
        "channels.unblocked",
    ]


def test_a_block_needs_a_reason(client, bohicon):
    staff(client, bohicon)
    message = inbound(bohicon)
    client.post(f"/bohicon/gestion/canaux/demandes/{message.pk}/bloquer/", {"reason": ""}, secure=True)
    assert not PhoneProfile.objects.filter(blocked_at__isnull=False).exists()


def test_wrong_commune_staff_get_404_everywhere(client, bohicon, toffo):
    staff(client, toffo)
    message = inbound(bohicon)
    other = staff_user_blocking(bohicon)
    assert client.get("/bohicon/gestion/canaux/", secure=True).status_code == 404
    assert (
        client.post(
            f"/toffo/gestion/canaux/demandes/{message.pk}/bloquer/", {"reason": "x"}, secure=True
        ).status_code
        == 404
    )
    assert client.post(f"/toffo/gestion/canaux/numeros/{other.pk}/debloquer/", secure=True).status_code == 404
    assert PhoneProfile.objects.get(pk=other.pk).is_blocked


@pytest.mark.parametrize("role", [Role.COMPLAINTS_OFFICER, Role.MAYOR, Role.FOCAL_POINT])
def test_other_roles_get_404(client, bohicon, role):
    staff(client, bohicon, role=role)
    message = inbound(bohicon)
    assert client.get("/bohicon/gestion/canaux/", secure=True).status_code == 404
    assert (
        client.post(
            f"/bohicon/gestion/canaux/demandes/{message.pk}/bloquer/", {"reason": "x"}, secure=True
        ).status_code
        == 404
    )


def test_anonymous_visitors_get_404(client, bohicon):
    assert client.get("/bohicon/gestion/canaux/", secure=True).status_code == 404


def test_blocking_only_by_post(client, bohicon):
    staff(client, bohicon)
    message = inbound(bohicon)
    assert (
        client.get(f"/bohicon/gestion/canaux/demandes/{message.pk}/bloquer/", secure=True).status_code == 405
    )


def staff_user_blocking(commune):
    from palabre.accounts.tests.factories import UserFactory

    return phone_block(key=phone_key("+2290196000055"), reason="spam", commune=commune, by=UserFactory())
