import pytest

from palabre.accounts.tests.factories import UserFactory
from palabre.channels.models import PhoneProfile
from palabre.channels.phones import (
    phone_block,
    phone_language,
    phone_opt_in,
    phone_opt_out,
    phone_profile,
    phone_set_language,
    phone_unblock,
)
from palabre.channels.tests.conftest import PHONE
from palabre.core.keyed import phone_key
from palabre.core.models import AuditEvent
from palabre.territory.tests.factories import CommuneFactory

pytestmark = pytest.mark.django_db


def test_reading_never_creates_a_profile():
    assert phone_profile(PHONE) is None
    assert phone_language(PHONE) == "fr"
    assert not PhoneProfile.objects.exists()


def test_the_language_is_remembered():
    phone_set_language(phone=PHONE, language="fon")
    assert phone_language(PHONE) == "fon"


def test_stop_and_start_are_idempotent_and_audited_without_the_number():
    phone_opt_out(phone=PHONE)
    phone_opt_out(phone=PHONE)
    assert phone_profile(PHONE).opted_out_at is not None
    phone_opt_in(phone=PHONE)
    assert phone_profile(PHONE).opted_out_at is None
    events = list(AuditEvent.objects.values_list("action", "data"))
    assert events == [("channels.opted_out", {}), ("channels.opted_in", {})]


def test_block_and_unblock_are_audited_with_the_commune_and_the_staff_member():
    commune, staff = CommuneFactory(), UserFactory()
    profile = phone_block(key=phone_key(PHONE), reason="  injures répétées ", commune=commune, by=staff)
    assert phone_profile(PHONE).is_blocked
    assert (profile.blocked_reason, profile.blocked_by, profile.blocked_in) == (
        "injures répétées",
        staff,
        commune,
    )
    phone_unblock(profile=profile, by=staff)
    profile.refresh_from_db()
    assert not phone_profile(PHONE).is_blocked and profile.blocked_in is None
    blocked, unblocked = AuditEvent.objects.order_by("id")
    assert (blocked.action, blocked.commune_id, blocked.actor_id) == (
        "channels.blocked",
        commune.pk,
        staff.pk,
    )
    assert (unblocked.action, unblocked.commune_id) == ("channels.unblocked", commune.pk)
    assert PHONE not in str(blocked.data) + str(unblocked.data)


def test_profiles_hold_the_numbers_keyed_hash_not_the_number():
    phone_set_language(phone=PHONE, language="fon")
    profile = PhoneProfile.objects.get()
    assert profile.phone_key == phone_key(PHONE) and len(profile.phone_key) == 64
    assert PHONE.lstrip("+") not in str(PhoneProfile.objects.values().get())
