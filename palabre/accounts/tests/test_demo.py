import io

import pytest

from palabre.accounts import demo
from palabre.accounts.models import Membership, Role, User
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory, VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilots():
    communes = {slug: CommuneFactory(slug=slug, name=slug.title()) for slug in demo.STAFF_NAMES}
    for commune in communes.values():
        VillageFactory(arrondissement=ArrondissementFactory(commune=commune))
    return communes


def test_seed_staffs_every_pilot_commune_with_every_role(pilots):
    demo.seed(stdout=io.StringIO())
    for commune in pilots.values():
        roles = set(Membership.objects.filter(commune=commune).values_list("role", flat=True))
        assert roles == {role.value for role in demo.STAFF_ROLES}
    assert Membership.objects.filter(role=Role.NATIONAL_OBSERVER, commune=None).count() == 1
    admin = User.objects.get(phone=demo.PLATFORM_ADMIN[0])
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(demo.DEMO_PASSWORD)
    assert all(
        user.totpdevice_set.filter(confirmed=True).exists()
        for user in User.objects.filter(memberships__isnull=False)
    )


def test_seed_is_idempotent(pilots):
    demo.seed(stdout=io.StringIO())
    counts = (User.objects.count(), Membership.objects.count())
    out = io.StringIO()
    demo.seed(stdout=out)
    assert (User.objects.count(), Membership.objects.count()) == counts
    assert "palabre-demo" in out.getvalue()


def test_some_citizens_have_a_profile_and_some_do_not(pilots):
    demo.seed(stdout=io.StringIO())
    citizens = User.objects.filter(phone__startswith="+22901960000")
    assert citizens.filter(profile_consent_at__isnull=False, arrondissement__isnull=False).exists()
    assert citizens.filter(profile_consent_at__isnull=True).exists()
    assert not any(citizen.has_usable_password() for citizen in citizens)


def test_seed_without_pilot_communes_still_creates_national_accounts():
    demo.seed(stdout=io.StringIO())
    assert User.objects.filter(phone=demo.NATIONAL_OBSERVER[0]).exists()
    assert not Membership.objects.exclude(commune=None).exists()
