"""CSV and XLSX exports of the officers' queue: never a sensitive complaint, never a reporter's identity."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.grievances.tests.conftest import REPORTER_PHONE


def url(name, commune):
    return reverse(f"grievances:{name}", args=[commune.slug])


@pytest.fixture
def complaints(file_complaint, gbv):
    named = file_complaint(description='=HYPERLINK("http://x")', name_public=True)
    anonymous = file_complaint(is_anonymous=True, description="Anonyme au marché")
    sensitive = file_complaint(category=gbv, description="Violences au marché")
    return named, anonymous, sensitive


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_has_no_identity_and_no_sensitive_complaint(client, officer, focal_point, complaints):
    named, anonymous, sensitive = complaints
    for user in (officer, focal_point):
        sign_in_verified(client, user)
        response = client.get(url("export_csv", named.commune))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        codes = [row[0] for row in csv_rows(response)[1:]]
        assert sorted(codes) == sorted([named.code, anonymous.code])
        assert sensitive.code not in text
        assert "Afi Houngbo" not in text and REPORTER_PHONE not in text and "97 11 22 33" not in text


def test_csv_export_neutralises_formulas(client, officer, complaints):
    sign_in_verified(client, officer)
    rows = csv_rows(client.get(url("export_csv", complaints[0].commune)))
    assert '\'=HYPERLINK("http://x")' in [cell for row in rows for cell in row]


def test_csv_export_follows_the_queue_filters(client, officer, complaints):
    named, anonymous, _sensitive = complaints
    sign_in_verified(client, officer)
    rows = csv_rows(client.get(url("export_csv", named.commune), {"q": "Anonyme"}))
    assert [row[0] for row in rows[1:]] == [anonymous.code]


def test_xlsx_export(client, officer, complaints):
    named, anonymous, sensitive = complaints
    sign_in_verified(client, officer)
    response = client.get(url("export_xlsx", named.commune))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(cell) for row in sheet.iter_rows(values_only=True) for cell in row]
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted([named.code, anonymous.code])
    assert "Afi Houngbo" not in values and sensitive.code not in values


@pytest.mark.parametrize("name", ["export_csv", "export_xlsx"])
def test_exports_are_404_for_visitors_wrong_role_and_wrong_commune(
    client, staff, bohicon, toffo, complaints, name
):
    assert client.get(url(name, bohicon)).status_code == 404
    sign_in_verified(client, staff(bohicon, "planning_officer"))
    assert client.get(url(name, bohicon)).status_code == 404
    client.logout()
    sign_in_verified(client, staff(toffo, "complaints_officer"))
    assert client.get(url(name, bohicon)).status_code == 404
