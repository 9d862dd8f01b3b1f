"""Odd input never makes the Open311 API answer 500: non-ASCII digits, very long numbers, dates at the edge
of what a datetime holds. Each is a 400 in the Open311 error format."""

import pytest

from palabre.core.tests.odd_digits import ODD_NUMBERS, ODD_PHONES
from palabre.grievances.models import Complaint
from palabre.grievances.open311.tests import schema
from palabre.grievances.open311.tests.test_views import BASE, FORMATS, post_request, valid_post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("address_id", [*ODD_NUMBERS, "9" * 25, "-1", "1e3"])
def test_an_address_id_that_is_not_an_ascii_number_is_a_400(client, village, api_key, fmt, address_id):
    data = valid_post(api_key, lat="", long="", address_id=address_id)
    response = post_request(client, fmt, **data)
    assert response.status_code == 400
    assert "address_id" in schema.read_errors(response, fmt)[0]["description"]
    assert not Complaint.objects.exists()


def test_the_village_id_typed_in_ascii_digits_still_works(client, village, api_key):
    response = post_request(
        client, "json", **valid_post(api_key, lat="", long="", address_id=str(village.pk))
    )
    assert response.status_code == 200
    assert Complaint.objects.get().village == village


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("phone", [*ODD_NUMBERS, *ODD_PHONES])
def test_a_phone_with_odd_digits_is_a_400_that_says_why(client, bohicon, api_key, fmt, phone):
    response = post_request(client, fmt, **valid_post(api_key, phone=phone))
    assert response.status_code == 400
    assert "phone invalide" in schema.read_errors(response, fmt)[0]["description"]
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "9999-12-31T23:59:59Z"},
        {"end_date": "0001-01-01T00:00:00Z"},
        {"start_date": "9999-12-31T23:59:59-05:00"},
        {"end_date": "0001-01-01T00:00:00+05:00"},
        {"start_date": "9999-12-31T23:59:59Z", "end_date": "9999-12-31T23:59:59-05:00"},
    ],
)
def test_dates_at_the_edge_of_the_calendar_are_a_400(client, bohicon, fmt, params):
    response = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "bohicon"} | params)
    assert response.status_code == 400
    description = schema.read_errors(response, fmt)[0]["description"]
    assert "entre l'an 1 et l'an 9999" in description
    assert description.split()[0] in params  # a parameter given is named, never the derived one


@pytest.mark.parametrize(
    "digits", ["\uff12\uff10\uff12\uff16-11-01T00:00:00Z", "\u0662\u0660\u0662\u0666-11-01T00:00:00Z"]
)
def test_dates_in_other_digits_are_a_400(client, bohicon, digits):
    response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "bohicon", "start_date": digits})
    assert response.status_code == 400
    assert "start_date invalide" in schema.read_errors(response, "json")[0]["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_dates_near_the_edge_that_fit_are_answered(client, file_complaint, fmt):
    params = {"jurisdiction_id": "bohicon", "start_date": "9999-01-01T00:00:00Z"}
    assert client.get(f"{BASE}/requests.{fmt}", params).status_code == 200
    params = {"jurisdiction_id": "bohicon", "end_date": "0001-06-01T00:00:00Z"}
    assert client.get(f"{BASE}/requests.{fmt}", params).status_code == 200


def test_a_description_too_short_gets_the_services_words(client, api_key):
    response = post_request(client, "json", **valid_post(api_key, description="Fuite"))
    assert response.status_code == 400
    (error,) = schema.read_errors(response, "json")
    assert "Trop court : écrivez au moins 10 lettres." in error["description"]
    assert not Complaint.objects.exists()
