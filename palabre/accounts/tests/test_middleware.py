"""Staff sessions end after PALABRE_STAFF_IDLE_MINUTES without a request; residents keep theirs; staff
responses are never stored (issue 8, robustness)."""

import pytest
from django.urls import reverse

from palabre.accounts import middleware
from palabre.accounts.models import Membership, Role
from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import UserFactory


@pytest.fixture
def clock(monkeypatch):
    """clock.forward(minutes): move the time the middleware reads forward."""

    class Clock:
        now = 1_750_000_000.0

        def forward(self, minutes: float) -> None:
            self.now += minutes * 60

    clock = Clock()
    monkeypatch.setattr(middleware, "_now", lambda: clock.now)
    return clock


def staff_home(commune):
    return reverse("commune_staff:home", kwargs={"commune_slug": commune.slug})


def test_an_idle_staff_member_is_signed_out_and_sent_to_sign_in(client, bohicon, staff_in, clock, settings):
    settings.STAFF_IDLE_MINUTES = 30
    sign_in_verified(client, staff_in(bohicon, Role.COMMUNE_ADMIN).user)
    assert client.get(staff_home(bohicon)).status_code == 200
    clock.forward(29)
    assert client.get(staff_home(bohicon)).status_code == 200
    clock.forward(29)  # 29 minutes after the last request: still active
    assert client.get(staff_home(bohicon)).status_code == 200
    clock.forward(31)
    response = client.get(staff_home(bohicon))
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:staff_login')}?next={staff_home(bohicon)}"
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "déconnecté après 30 minutes sans activité" in page.text
    assert client.get(staff_home(bohicon)).status_code == 404


def test_an_idle_staff_form_goes_to_sign_in_without_replaying_it(client, bohicon, staff_in, clock):
    sign_in_verified(client, staff_in(bohicon, Role.COMMUNE_ADMIN).user)
    client.get(staff_home(bohicon))
    clock.forward(60)
    response = client.post(reverse("commune_staff:members", kwargs={"commune_slug": bohicon.slug}), {})
    assert response.status_code == 302 and response.url == reverse("accounts:staff_login")


@pytest.mark.parametrize("kind", ["observer", "superuser"])
def test_observers_and_superusers_are_staff_too(client, db, clock, kind):
    user = UserFactory(is_superuser=kind == "superuser", is_staff=kind == "superuser")
    if kind == "observer":
        Membership.objects.create(user=user, role=Role.NATIONAL_OBSERVER)
    sign_in_verified(client, user)
    client.get("/")
    clock.forward(31)
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_resident_keeps_a_long_session(client, db, clock):
    resident = UserFactory()
    client.force_login(resident)
    client.get("/")
    clock.forward(60 * 24 * 7)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert client.session["_auth_user_id"] == str(resident.pk)
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_idle_time_is_a_setting(client, bohicon, staff_in, clock, settings):
    settings.STAFF_IDLE_MINUTES = 120
    sign_in_verified(client, staff_in(bohicon, Role.COMMUNE_ADMIN).user)
    client.get(staff_home(bohicon))
    clock.forward(90)
    assert client.get(staff_home(bohicon)).status_code == 200


def test_staff_responses_are_never_stored(client, bohicon, staff_in):
    sign_in_verified(client, staff_in(bohicon, Role.COMMUNE_ADMIN).user)
    for page in (staff_home(bohicon), "/", reverse("accounts:profile")):
        response = client.get(page)
        assert "no-store" in response["Cache-Control"], page
        assert "private" in response["Cache-Control"], page


def test_personal_data_pages_are_never_stored(client, db):
    client.force_login(UserFactory())
    for name in ("accounts:my_data", "accounts:my_data_download"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], name
