import pytest
from django.urls import reverse

from palabre.accounts.models import Membership, Role
from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from palabre.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def home(slug):
    return reverse("commune_staff:home", kwargs={"commune_slug": slug})


def members(slug):
    return reverse("commune_staff:members", kwargs={"commune_slug": slug})


def remove(slug, pk):
    return reverse("commune_staff:member_remove", kwargs={"commune_slug": slug, "pk": pk})


class TestStaffHome:
    def test_lists_the_communes_staff_and_roles(self, client, bohicon, toffo, staff_in):
        officer = staff_in(bohicon, Role.COMPLAINTS_OFFICER)
        mayor = MembershipFactory(commune=bohicon, role=Role.MAYOR, user__display_name="Afiavi Agossou")
        MembershipFactory(commune=toffo, role=Role.MAYOR, user__display_name="Dansou Kpadonou")
        page = sign_in_verified(client, officer.user).get(home("bohicon")).content.decode()
        assert mayor.user.display_name in page
        assert "Maire" in page
        assert "Dansou Kpadonou" not in page
        assert members("bohicon") not in page

    def test_admins_see_the_management_link(self, client, bohicon, staff_in):
        admin = staff_in(bohicon, Role.COMMUNE_ADMIN)
        assert (
            members("bohicon") in sign_in_verified(client, admin.user).get(home("bohicon")).content.decode()
        )

    def test_bohicon_officer_gets_404_in_toffo(self, client, bohicon, toffo, staff_in):
        officer = staff_in(bohicon, Role.COMPLAINTS_OFFICER)
        sign_in_verified(client, officer.user)
        assert client.get(home("toffo")).status_code == 404
        assert client.get(members("toffo")).status_code == 404

    def test_citizen_gets_404(self, client, bohicon):
        client.force_login(UserFactory())
        assert client.get(home("bohicon")).status_code == 404

    def test_anonymous_gets_404(self, client, bohicon):
        assert client.get(home("bohicon")).status_code == 404

    def test_observer_gets_404(self, client, bohicon):
        observer = MembershipFactory(commune=None, role=Role.NATIONAL_OBSERVER).user
        TOTPDeviceFactory(user=observer)
        sign_in_verified(client, observer)
        assert client.get(home("bohicon")).status_code == 404

    def test_staff_signed_in_by_sms_only_gets_404(self, client, bohicon, staff_in):
        client.force_login(staff_in(bohicon, Role.MAYOR).user)
        assert client.get(home("bohicon")).status_code == 404

    def test_query_count_does_not_grow_with_staff(
        self, client, bohicon, staff_in, django_assert_max_num_queries
    ):
        admin = staff_in(bohicon, Role.COMMUNE_ADMIN)
        MembershipFactory.create_batch(10, commune=bohicon, role=Role.PLANNING_OFFICER)
        sign_in_verified(client, admin.user)
        with django_assert_max_num_queries(10):
            client.get(home("bohicon"))


class TestMemberManagement:
    def test_council_member_gets_404_in_their_own_commune(self, client, bohicon, staff_in):
        member = staff_in(bohicon, Role.COUNCIL_MEMBER)
        sign_in_verified(client, member.user)
        assert client.get(members("bohicon")).status_code == 404
        other = MembershipFactory(commune=bohicon)
        assert client.post(remove("bohicon", other.pk)).status_code == 404
        assert Membership.objects.filter(pk=other.pk).exists()

    def test_admin_adds_a_member_by_phone(self, client, bohicon, staff_in):
        admin = staff_in(bohicon, Role.COMMUNE_ADMIN)
        sign_in_verified(client, admin.user)
        response = client.post(members("bohicon"), {"phone": "97 12 34 56", "role": Role.PLANNING_OFFICER})
        assert response.url == members("bohicon")
        added = Membership.objects.get(role=Role.PLANNING_OFFICER)
        assert added.user.phone.as_e164 == "+2290197123456"
        assert added.commune == bohicon
        assert AuditEvent.objects.filter(action="accounts.member_added", actor_id=admin.user.pk).exists()

    def test_add_form_keeps_input_and_explains(self, client, bohicon, staff_in):
        sign_in_verified(client, staff_in(bohicon, Role.COMMUNE_ADMIN).user)
        response = client.post(members("bohicon"), {"phone": "123", "role": Role.MAYOR})
        assert 'value="123"' in response.content.decode()
        assert "10 chiffres" in response.content.decode()

    def test_duplicate_role_is_explained(self, client, bohicon, staff_in):
        admin = staff_in(bohicon, Role.COMMUNE_ADMIN)
        sign_in_verified(client, admin.user)
        data = {"phone": admin.user.phone.as_e164, "role": Role.COMMUNE_ADMIN}
        assert "déjà ce rôle" in client.post(members("bohicon"), data).content.decode()

    def test_observer_role_cannot_be_given_here(self, client, bohicon, staff_in):
        sign_in_verified(client, staff_in(bohicon, Role.COMMUNE_ADMIN).user)
        client.post(members("bohicon"), {"phone": "0197123456", "role": Role.NATIONAL_OBSERVER})
        assert not Membership.objects.filter(role=Role.NATIONAL_OBSERVER).exists()

    def test_admin_removes_a_member(self, client, bohicon, staff_in):
        admin = staff_in(bohicon, Role.COMMUNE_ADMIN)
        other = MembershipFactory(commune=bohicon, role=Role.COUNCIL_MEMBER)
        sign_in_verified(client, admin.user)
        assert client.get(remove("bohicon", other.pk)).status_code == 405
        response = client.post(remove("bohicon", other.pk))
        assert response.url == members("bohicon")
        assert not Membership.objects.filter(pk=other.pk).exists()
        assert AuditEvent.objects.filter(action="accounts.member_removed").exists()

    def test_admin_cannot_remove_the_last_admin(self, client, bohicon, staff_in):
        admin = staff_in(bohicon, Role.COMMUNE_ADMIN)
        sign_in_verified(client, admin.user)
        response = client.post(remove("bohicon", admin.pk), follow=True)
        assert "au moins un administrateur" in response.content.decode()
        assert Membership.objects.filter(pk=admin.pk).exists()

    def test_admin_cannot_touch_another_communes_members(self, client, bohicon, toffo, staff_in):
        sign_in_verified(client, staff_in(bohicon, Role.COMMUNE_ADMIN).user)
        there = MembershipFactory(commune=toffo)
        assert client.post(remove("bohicon", there.pk)).status_code == 404
        assert client.post(remove("toffo", there.pk)).status_code == 404
        assert Membership.objects.filter(pk=there.pk).exists()


class TestStaffTools:
    def test_the_staff_home_lists_the_tools_of_the_viewers_roles(self, client, bohicon, staff_in):
        officer = staff_in(bohicon, Role.COMPLAINTS_OFFICER)
        page = sign_in_verified(client, officer.user).get(home("bohicon")).content.decode()
        assert reverse("grievances:queue", kwargs={"commune_slug": "bohicon"}) in page
        assert reverse("sms_staff:history", kwargs={"commune_slug": "bohicon"}) in page
        assert reverse("grievances:settings", kwargs={"commune_slug": "bohicon"}) not in page
        assert reverse("channels_staff:home", kwargs={"commune_slug": "bohicon"}) not in page

    def test_an_administrator_sees_the_settings_pages(self, client, bohicon, staff_in):
        admin = staff_in(bohicon, Role.COMMUNE_ADMIN)
        page = sign_in_verified(client, admin.user).get(home("bohicon")).content.decode()
        assert reverse("grievances:settings", kwargs={"commune_slug": "bohicon"}) in page
        assert reverse("grievances:open311_keys", kwargs={"commune_slug": "bohicon"}) in page
        assert reverse("channels_staff:home", kwargs={"commune_slug": "bohicon"}) in page
        assert f'href="{reverse("grievances:queue", kwargs={"commune_slug": "bohicon"})}"' not in page
