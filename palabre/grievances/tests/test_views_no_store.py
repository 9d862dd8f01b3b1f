"""Pages showing a reporter's identity, the exports and every staff page tell browsers and proxies not
to store them (issue 8, robustness)."""

import pytest
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified


def url(name, commune, *args, query=""):
    return reverse(f"grievances:{name}", args=[commune.slug, *args]) + query


def assert_no_store(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.fixture
def sensitive(file_complaint, gbv):
    return file_complaint(category=gbv, description="Mon voisin me frappe.", reporter_name="Awa Dossou")


def test_the_focal_points_queue_and_identity_are_never_stored(client, focal_point, sensitive):
    sign_in_verified(client, focal_point)
    commune = sensitive.commune
    assert_no_store(client.get(url("confidential_queue", commune)))
    response = client.get(url("office_complaint", commune, sensitive.code, query="?identite=1"))
    assert "Awa Dossou" in response.text
    assert_no_store(response)
    assert_no_store(client.get(url("office_complaint", commune, sensitive.code)))


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx", "queue", "settings"])
def test_exports_and_staff_pages_are_never_stored(client, officer, staff, file_complaint, bohicon, name):
    file_complaint()
    user = staff(bohicon, "commune_admin") if name == "settings" else officer
    sign_in_verified(client, user)
    assert_no_store(client.get(url(name, bohicon)))


def test_an_officers_complaint_page_is_never_stored(client, officer, file_complaint):
    complaint = file_complaint()
    sign_in_verified(client, officer)
    response = client.get(url("office_complaint", complaint.commune, complaint.code))
    assert "Afi Houngbo" in response.text
    assert_no_store(response)


def test_public_pages_stay_cacheable(client, file_complaint):
    complaint = file_complaint()
    response = client.get(url("detail", complaint.commune, complaint.code))
    assert "no-store" not in response.get("Cache-Control", "")
