import pytest
from django.urls import reverse

from palabre.accounts.models import Role
from palabre.accounts.tests.conftest import sign_in_verified
from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory, UserFactory
from palabre.core.choices import AgeBand, Channel, Gender
from palabre.core.services import participation_record
from palabre.reports.queries import national_participation, suppressed

URL = reverse("reports:national_overview")


def record(commune, count, **traits):
    for _ in range(count):
        participation_record(commune_id=commune.pk, module="grievances", kind="complaint.filed", **traits)


@pytest.fixture
def bohicon(bohicon):
    """Bohicon with 9 complaints counted: 6 by SMS (women, 18-24), 3 on the web (men, 50-64)."""
    record(bohicon, 6, channel=Channel.SMS, gender=Gender.FEMALE, age_band=AgeBand.FROM_18_TO_24)
    record(bohicon, 3, channel=Channel.WEB, gender=Gender.MALE, age_band=AgeBand.FROM_50_TO_64)
    return bohicon


def verified(client, role=None, commune=None, superuser=False):
    if role:
        user = MembershipFactory(role=role, commune=commune).user
    else:
        user = UserFactory(password="un-mot-de-passe-solide", is_superuser=superuser)
    TOTPDeviceFactory(user=user)
    return sign_in_verified(client, user)


def test_small_counts_are_suppressed():
    assert suppressed(4) is None
    assert suppressed(5) == 5


def test_participation_is_counted_per_commune_with_small_groups_hidden(bohicon, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = national_participation()
    row = next(row for row in rows if row.commune == bohicon)
    assert (row.total, row.women, row.men, row.youth) == (9, 6, None, 6)
    assert row.by_channel[Channel.SMS] == 6
    assert row.by_channel[Channel.WEB] is None
    assert row.counts[:4] == [9, 6, None, 6]


def test_national_observer_reads_the_aggregated_table(client, bohicon):
    page = verified(client, role=Role.NATIONAL_OBSERVER).get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bohicon" in html
    assert "<td>9</td>" in html
    assert "&lt;5" in html


def test_platform_administrator_reads_it_too(client, bohicon):
    assert verified(client, superuser=True).get(URL).status_code == 200


@pytest.mark.parametrize("role", [Role.MAYOR, Role.COMMUNE_ADMIN, Role.COMPLAINTS_OFFICER])
def test_commune_staff_cannot_read_the_national_view(client, bohicon, role):
    assert verified(client, role=role, commune=bohicon).get(URL).status_code == 404


def test_citizens_and_visitors_cannot_read_it(client, bohicon):
    assert client.get(URL).status_code == 404
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 404
