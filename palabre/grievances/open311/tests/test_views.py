import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from palabre.grievances import services
from palabre.grievances.models import Complaint
from palabre.grievances.open311.tests import schema
from palabre.territory.tests.factories import ArrondissementFactory, VillageFactory

pytestmark = pytest.mark.django_db
FORMATS = ["json", "xml"]
BASE = "/api/open311/v2"


def is_xml(fmt: str) -> bool:
    return fmt == "xml"


def post_request(client, fmt, **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def valid_post(api_key, **overrides):
    return {
        "jurisdiction_id": "bohicon",
        "api_key": api_key,
        "service_code": "water",
        "lat": "7.178",
        "long": "2.067",
        "description": "Fuite d'eau devant l'école.",
    } | overrides


# --- Discovery and services -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_endpoint_and_its_formats(client, fmt):
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    document = schema.read(response, fmt, root="discovery")
    endpoint = document["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/api/open311/v2/")
    assert set(endpoint["formats"]) == {"text/xml; charset=utf-8", "application/json; charset=utf-8"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_lists_active_non_sensitive_categories(client, bohicon, fmt):
    response = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "bohicon"})
    assert response.status_code == 200
    items = schema.read(response, fmt, root="services", item="service")
    for item in items:
        schema.check(item, schema.SERVICE, xml=is_xml(fmt))
    codes = {item["service_code"] for item in items}
    assert "water" in codes
    assert not codes & {"gbv", "corruption"}
    water = next(item for item in items if item["service_code"] == "water")
    assert water["metadata"] in (True, "true")
    assert water["type"] == "realtime"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_offers_severity_as_a_single_value_list(client, bohicon, fmt):
    response = client.get(f"{BASE}/services/water.{fmt}", {"jurisdiction_id": "bohicon"})
    assert response.status_code == 200
    document = schema.read(response, fmt, root="service_definition")
    schema.check_definition(document, xml=is_xml(fmt))
    severity = document["attributes"][0]
    assert severity["code"] == "severity"
    assert severity["datatype"] == "singlevaluelist"
    assert {value["key"] for value in severity["values"]} == {"normal", "urgent"}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["gbv", "nothing"])
def test_service_definition_of_a_sensitive_or_unknown_service_is_404(client, bohicon, fmt, code):
    response = client.get(f"{BASE}/services/{code}.{fmt}", {"jurisdiction_id": "bohicon"})
    assert response.status_code == 404
    schema.read_errors(response, fmt)


# --- Jurisdiction and format errors -----------------------------------------------------------------------

RESOURCES = ["services", "services/water", "requests", "requests/BOH-2345", "tokens/BOH-2345"]
RESOURCES += ["servicerequestupdates"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_missing_jurisdiction_is_400_and_unknown_is_404(client, bohicon, fmt, resource):
    missing = client.get(f"{BASE}/{resource}.{fmt}")
    assert missing.status_code == 400
    assert "jurisdiction_id" in schema.read_errors(missing, fmt)[0]["description"]
    unknown = client.get(f"{BASE}/{resource}.{fmt}", {"jurisdiction_id": "paris"})
    assert unknown.status_code == 404
    schema.read_errors(unknown, fmt)


def test_commune_without_the_complaints_module_is_an_unknown_jurisdiction(client, bohicon):
    bohicon.modules = ["budgeting"]
    bohicon.save()
    assert client.get(f"{BASE}/services.json", {"jurisdiction_id": "bohicon"}).status_code == 404


def test_an_unknown_format_is_a_400_in_xml(client, bohicon):
    response = client.get(f"{BASE}/services.html", {"jurisdiction_id": "bohicon"})
    assert response.status_code == 400
    schema.read_errors(response, "xml")


# --- POST requests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_a_complaint_through_the_api_channel(client, bohicon, api_key, fmt):
    response = post_request(
        client, fmt, **valid_post(api_key, first_name="Afi", last_name="Houngbo", phone="01 97 11 22 33")
    )
    assert response.status_code == 200
    [created] = schema.read(response, fmt, root="service_requests", item="request")
    schema.check(created, schema.CREATED, xml=is_xml(fmt))
    complaint = Complaint.objects.get(code=created["service_request_id"])
    assert complaint.channel == "api"
    assert complaint.commune == bohicon
    assert complaint.reporter_name == "Afi Houngbo"
    assert complaint.reporter_phone.as_e164 == "+2290197112233"
    assert str(complaint.latitude) == "7.178000"
    assert not complaint.is_anonymous


def test_post_without_name_or_phone_is_anonymous(client, bohicon, api_key):
    response = post_request(client, "json", **valid_post(api_key, email="afi@example.org"))
    complaint = Complaint.objects.get(code=response.json()[0]["service_request_id"])
    assert complaint.is_anonymous
    assert complaint.reporter_name == ""
    assert not complaint.reporter_phone


def test_post_with_address_id_places_the_complaint_in_the_village(client, village, api_key):
    data = valid_post(api_key, lat="", long="", address_id=str(village.pk), address_string="Près du marché")
    response = post_request(client, "json", **data)
    assert response.status_code == 200
    complaint = Complaint.objects.get(code=response.json()[0]["service_request_id"])
    assert complaint.village == village
    assert complaint.arrondissement == village.arrondissement
    assert complaint.place_description == "Près du marché"


def test_post_naming_another_communes_village_is_refused_and_files_nothing(client, toffo, api_key):
    elsewhere = VillageFactory(arrondissement=ArrondissementFactory(commune=toffo, name="Sèhouè"))
    data = valid_post(api_key, lat="", long="", address_id=str(elsewhere.pk))
    for fmt in ("json", "xml"):
        response = post_request(client, fmt, **data)
        assert response.status_code == 400
        assert "address_id" in schema.read_errors(response, fmt)[0]["description"]
    assert not Complaint.objects.exists()


def test_post_severity_attribute_sets_the_severity(client, bohicon, api_key):
    response = post_request(client, "json", **valid_post(api_key, **{"attribute[severity]": "urgent"}))
    assert Complaint.objects.get(code=response.json()[0]["service_request_id"]).severity == "urgent"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", ["", "wrong-key"])
def test_post_with_a_missing_or_invalid_key_is_403(client, bohicon, api_key, fmt, key):
    response = post_request(client, fmt, **valid_post(key))
    assert response.status_code == 403
    schema.read_errors(response, fmt)
    assert not Complaint.objects.exists()


def test_post_with_a_key_of_another_commune_is_403(client, bohicon, toffo, api_key):
    response = post_request(client, "json", **valid_post(api_key, jurisdiction_id="toffo"))
    assert response.status_code == 403
    assert not Complaint.objects.exists()


def test_post_with_a_revoked_key_is_403(client, bohicon, api_key):
    from palabre.grievances.open311.keys import api_key_revoke
    from palabre.grievances.open311.models import Open311ApiKey

    api_key_revoke(api_key=Open311ApiKey.objects.get())
    assert post_request(client, "json", **valid_post(api_key)).status_code == 403


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"jurisdiction_id": ""}, 400),
        ({"jurisdiction_id": "paris"}, 404),
        ({"service_code": ""}, 400),
        ({"service_code": "nothing"}, 404),
        ({"service_code": "gbv"}, 404),
        ({"lat": "", "long": ""}, 400),
        ({"long": ""}, 400),
        ({"lat": "north"}, 400),
        ({"lat": "95"}, 400),
        ({"lat": "", "long": "", "address_id": "999999"}, 400),
        ({"description": ""}, 400),
        ({"attribute[severity]": "apocalyptic"}, 400),
        ({"attribute[colour]": "blue"}, 400),
        ({"phone": "12"}, 400),
    ],
)
def test_post_errors(client, bohicon, api_key, fmt, overrides, status):
    response = post_request(client, fmt, **valid_post(api_key, **overrides))
    assert response.status_code == status
    schema.read_errors(response, fmt)
    assert not Complaint.objects.exists()


def test_post_needs_no_csrf_token(bohicon, api_key):
    from django.test import Client

    response = post_request(Client(enforce_csrf_checks=True), "json", **valid_post(api_key))
    assert response.status_code == 200


# --- GET requests -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_follows_the_schema_and_never_shows_identity(client, file_complaint, fmt):
    named = file_complaint()
    anonymous = file_complaint(reporter_name="", reporter_phone=None, is_anonymous=True)
    response = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "bohicon"})
    assert response.status_code == 200
    items = schema.read(response, fmt, root="service_requests", item="request")
    for item in items:
        schema.check(item, schema.REQUEST, xml=is_xml(fmt))
    assert [item["service_request_id"] for item in items] == [anonymous.code, named.code]
    body = response.content.decode()
    assert "Afi" not in body and "97112233" not in body
    assert items[0]["status"] == "open"
    assert items[0]["service_code"] == "water"


def test_get_requests_never_shows_sensitive_complaints(client, file_complaint, gbv):
    file_complaint(category=gbv, description="Violences au marché.")
    plain = file_complaint()
    items = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "bohicon"}).json()
    assert [item["service_request_id"] for item in items] == [plain.code]


def test_get_requests_only_shows_the_jurisdiction(client, file_complaint, toffo):
    file_complaint()
    assert client.get(f"{BASE}/requests.json", {"jurisdiction_id": "toffo"}).json() == []


def test_get_requests_defaults_to_the_last_90_days(client, file_complaint):
    recent = file_complaint()
    file_complaint(now=timezone.now() - datetime.timedelta(days=100))
    items = client.get(f"{BASE}/requests.json", {"jurisdiction_id": "bohicon"}).json()
    assert [item["service_request_id"] for item in items] == [recent.code]


def test_get_requests_between_dates(client, file_complaint):
    old = file_complaint(now=timezone.now() - datetime.timedelta(days=100))
    file_complaint()
    start = (timezone.now() - datetime.timedelta(days=101)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() - datetime.timedelta(days=99)).strftime("%Y-%m-%dT%H:%M:%S+01:00")
    params = {"jurisdiction_id": "bohicon", "start_date": start, "end_date": end}
    items = client.get(f"{BASE}/requests.json", params).json()
    assert [item["service_request_id"] for item in items] == [old.code]


def test_get_requests_by_status_and_service_code(client, file_complaint, bohicon):
    roads = bohicon_category(bohicon, "roads")
    open_one = file_complaint()
    closed_one = file_complaint()
    services.complaint_reject(complaint=closed_one, reason="Hors sujet.", by=None)
    road = file_complaint(category=roads)
    listing = lambda **params: [  # noqa: E731
        item["service_request_id"]
        for item in client.get(f"{BASE}/requests.json", {"jurisdiction_id": "bohicon"} | params).json()
    ]
    assert set(listing(status="open")) == {open_one.code, road.code}
    assert listing(status="closed") == [closed_one.code]
    assert set(listing(status="open,closed")) == {open_one.code, closed_one.code, road.code}
    assert listing(service_code="roads") == [road.code]
    assert set(listing(service_code="roads,water", status="open")) == {open_one.code, road.code}


def test_get_requests_by_ids_overrides_other_filters(client, file_complaint):
    old = file_complaint(now=timezone.now() - datetime.timedelta(days=200))
    other = file_complaint()
    params = {
        "jurisdiction_id": "bohicon",
        "service_request_id": f"{old.code},{other.code}",
        "status": "closed",
    }
    items = client.get(f"{BASE}/requests.json", params).json()
    assert {item["service_request_id"] for item in items} == {old.code, other.code}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"start_date": "2025-01-06T00:00:00"},
        {"start_date": "2025-01-01T00:00:00Z", "end_date": "2025-06-01T00:00:00Z"},
        {"start_date": "2025-02-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"},
    ],
)
def test_get_requests_invalid_filters_are_400(client, bohicon, fmt, params):
    response = client.get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "bohicon"} | params)
    assert response.status_code == 400
    schema.read_errors(response, fmt)


def test_get_requests_returns_at_most_1000(client, file_complaint, monkeypatch):
    from palabre.grievances.open311 import queries

    monkeypatch.setattr(queries, "MAX_RESULTS", 2)
    for _ in range(3):
        file_complaint()
    assert len(client.get(f"{BASE}/requests.json", {"jurisdiction_id": "bohicon"}).json()) == 2


def test_closed_request_has_status_notes_and_no_expected_date(client, file_complaint):
    complaint = file_complaint()
    services.complaint_refer(complaint=complaint, referred_to="Médiateur de la République", by=None)
    [item] = client.get(f"{BASE}/requests/{complaint.code}.json", {"jurisdiction_id": "bohicon"}).json()
    assert item["status"] == "closed"
    assert "Médiateur de la République" in item["status_notes"]
    assert item["expected_datetime"] is None


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request(client, file_complaint, fmt):
    complaint = file_complaint()
    response = client.get(f"{BASE}/requests/{complaint.code}.{fmt}", {"jurisdiction_id": "bohicon"})
    assert response.status_code == 200
    [item] = schema.read(response, fmt, root="service_requests", item="request")
    schema.check(item, schema.REQUEST, xml=is_xml(fmt))
    assert item["service_request_id"] == complaint.code
    assert item["status_notes"] == "Reçue"


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_sensitive_or_unknown_or_foreign_request_is_404(client, file_complaint, gbv, toffo, fmt):
    sensitive = file_complaint(category=gbv)
    plain = file_complaint()
    for code, jurisdiction in ((sensitive.code, "bohicon"), ("BOH-ZZZZ", "bohicon"), (plain.code, "toffo")):
        response = client.get(f"{BASE}/requests/{code}.{fmt}", {"jurisdiction_id": jurisdiction})
        assert response.status_code == 404
        schema.read_errors(response, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_gives_the_service_request_id(client, file_complaint, gbv, fmt):
    complaint = file_complaint()
    response = client.get(f"{BASE}/tokens/{complaint.code}.{fmt}", {"jurisdiction_id": "bohicon"})
    assert response.status_code == 200
    [item] = schema.read(response, fmt, root="service_requests", item="request")
    assert item == {"service_request_id": complaint.code, "token": complaint.code}
    sensitive = file_complaint(category=gbv)
    for token in ("nothing", sensitive.code):
        missing = client.get(f"{BASE}/tokens/{token}.{fmt}", {"jurisdiction_id": "bohicon"})
        assert missing.status_code == 404
        schema.read_errors(missing, fmt)


# --- FixMyStreet servicerequestupdates --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_list_public_events_with_fixmystreet_states(client, file_complaint, gbv, fmt):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=None, message="Nous avons bien reçu.")
    services.complaint_note(complaint=complaint, text="Secret interne", by=None)
    services.complaint_resolve(complaint=complaint, message="Pompe réparée.", by=None)
    file_complaint(category=gbv, description="Violence au marché")
    response = client.get(f"{BASE}/servicerequestupdates.{fmt}", {"jurisdiction_id": "bohicon"})
    assert response.status_code == 200
    items = schema.read(response, fmt, root="service_requests_updates", item="request_update")
    for item in items:
        schema.check(item, schema.UPDATE, xml=is_xml(fmt))
    assert {item["service_request_id"] for item in items} == {complaint.code}
    assert [item["status"] for item in items] == ["OPEN", "INVESTIGATING", "FIXED"]
    assert items[-1]["description"] == "Pompe réparée."
    body = response.content.decode()
    assert "Secret interne" not in body and "Violence" not in body


def test_updates_without_a_new_status_carry_the_current_one(client, file_complaint):
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=None)
    services.complaint_add_information(code=complaint.code, text="La fuite s'aggrave, appelez-moi.")
    items = client.get(f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "bohicon"}).json()
    assert [item["status"] for item in items] == ["OPEN", "INVESTIGATING", "INVESTIGATING"]
    assert "appelez-moi" not in str(items)


def test_updates_between_dates(client, file_complaint):
    file_complaint(now=timezone.now() - datetime.timedelta(days=10))
    recent = file_complaint()
    start = (timezone.now() - datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    params = {"jurisdiction_id": "bohicon", "start_date": start}
    items = client.get(f"{BASE}/servicerequestupdates.json", params).json()
    assert [item["service_request_id"] for item in items] == [recent.code]


def bohicon_category(commune, code):
    from palabre.grievances.models import Category

    return Category.objects.get(commune=commune, code=code)


def test_url_names():
    assert reverse("open311:requests", kwargs={"fmt": "json"}) == f"{BASE}/requests.json"
