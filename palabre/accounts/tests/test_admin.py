import pytest
from django.urls import reverse

from palabre.accounts.models import User
from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_verified(client):
    return sign_in_verified(client, UserFactory(is_superuser=True, is_staff=True, password="x-long-password"))


@pytest.mark.parametrize(
    "name", ["accounts_user_changelist", "accounts_user_add", "accounts_membership_changelist"]
)
def test_admin_pages_render_for_a_verified_platform_admin(admin_client_verified, name):
    assert admin_client_verified.get(reverse(f"admin:{name}")).status_code == 200


def test_admin_user_change_page_renders(admin_client_verified):
    user = MembershipFactory().user
    assert admin_client_verified.get(reverse("admin:accounts_user_change", args=[user.pk])).status_code == 200


def test_admin_creates_a_user_by_phone(admin_client_verified):
    data = {
        "phone": "+2290197123456",
        "password1": "Kpètè-2025-solide",
        "password2": "Kpètè-2025-solide",
        "usable_password": "true",
    }
    admin_client_verified.post(reverse("admin:accounts_user_add"), data)
    assert User.objects.get(phone="+2290197123456").check_password("Kpètè-2025-solide")


def test_one_time_codes_cannot_be_added_in_the_admin(admin_client_verified):
    assert admin_client_verified.get(reverse("admin:accounts_onetimecode_add")).status_code == 403
