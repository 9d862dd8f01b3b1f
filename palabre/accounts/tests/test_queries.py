import datetime
import io

import pytest
from django.utils import timezone

from palabre.accounts import demo, queries
from palabre.accounts.models import Role
from palabre.accounts.tests.conftest import totp_now
from palabre.accounts.tests.factories import MembershipFactory, UserFactory
from palabre.territory.tests.factories import ArrondissementFactory, CommuneFactory

pytestmark = pytest.mark.django_db


class TestParticipantTraits:
    def test_traits_with_consent(self):
        arrondissement = ArrondissementFactory()
        user = UserFactory(
            gender="f",
            birth_year=timezone.now().year - 30,
            arrondissement=arrondissement,
            profile_consent_at=timezone.now(),
        )
        assert queries.participant_traits(user) == {
            "gender": "f",
            "age_band": "25-35",
            "arrondissement_id": arrondissement.pk,
        }

    def test_nothing_without_consent(self):
        user = UserFactory(gender="f", birth_year=1990, arrondissement=ArrondissementFactory())
        assert queries.participant_traits(user) == {"gender": "", "age_band": "", "arrondissement_id": None}

    def test_nothing_without_a_person(self):
        assert queries.participant_traits(None)["gender"] == ""


class TestPersonalData:
    def test_holds_account_profile_memberships_and_codes_but_no_code(self):
        user = UserFactory(birth_year=1950, gender="m", profile_consent_at=timezone.now())
        MembershipFactory(user=user, role=Role.COUNCIL_MEMBER)
        data = queries.personal_data(user)
        assert data["account"]["phone"] == user.phone.as_e164
        assert data["profile"]["age_band"] == "65+"
        assert data["memberships"][0]["role"] == "council_member"
        assert data["login_codes"] == []

    def test_query_count(self, django_assert_max_num_queries):
        user = UserFactory(arrondissement=ArrondissementFactory())
        MembershipFactory.create_batch(5, user=user)
        with django_assert_max_num_queries(5):
            queries.personal_data(user)


class TestCommuneStaff:
    def test_only_the_communes_staff(self, django_assert_num_queries):
        commune = CommuneFactory()
        MembershipFactory.create_batch(3, commune=commune)
        MembershipFactory()
        with django_assert_num_queries(1):
            assert [m.user.phone for m in queries.commune_staff(commune)]
        assert queries.commune_staff(commune).count() == 3


class TestDemoStaffCodes:
    @pytest.fixture
    def seeded(self, db):
        for slug in demo.STAFF_NAMES:
            CommuneFactory(slug=slug, name=slug.title())
        demo.seed(stdout=io.StringIO())

    def test_empty_outside_demo_mode(self, settings, seeded):
        settings.DEMO_MODE = False
        assert queries.demo_staff_codes() == []

    def test_current_codes_of_demo_staff(self, settings, seeded):
        settings.DEMO_MODE = True
        rows = queries.demo_staff_codes()
        assert len(rows) == 2 + 4 * len(demo.STAFF_ROLES)
        mayor = next(row for row in rows if row["commune"] == "Bohicon" and row["role"] == "Maire")
        assert set(mayor) == {"phone", "name", "role", "commune", "code"}
        assert len(mayor["code"]) == 6
        user = MembershipFactory._meta.model.objects.get(role=Role.MAYOR, commune__slug="bohicon").user
        assert mayor["code"] == totp_now(user.totpdevice_set.get())
        admin = next(row for row in rows if row["phone"] == demo.PLATFORM_ADMIN[0])
        assert admin["role"] == "Administrateur de la plateforme"

    def test_ordinary_staff_devices_are_not_shown(self, settings, bohicon, staff_in):
        settings.DEMO_MODE = True
        staff_in(bohicon, Role.MAYOR)
        assert queries.demo_staff_codes() == []


def test_needs_staff_password():
    assert not queries.needs_staff_password(UserFactory())
    assert queries.needs_staff_password(MembershipFactory(user=UserFactory()).user)
    assert not queries.needs_staff_password(MembershipFactory().user)


def test_age_band_uses_the_calendar_year():
    user = UserFactory(birth_year=datetime.date.today().year - 18)
    assert user.age_band == "18-24"
    assert str(user.age_band_label) == "18 à 24 ans"
