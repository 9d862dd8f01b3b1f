"""Citizens' complaint pages, end to end with the test client."""

import pytest
from django.urls import reverse

from palabre.core.guesses import MAX_FAILURES
from palabre.core.models import CodeGuessFailure
from palabre.grievances import services
from palabre.grievances.models import Category, Complaint, ComplaintSupport, Status
from palabre.grievances.tests.conftest import REPORTER_PHONE
from palabre.territory.tests.factories import ArrondissementFactory, VillageFactory
from tests.test_page_weight import BUDGET_BYTES, page_weight


def url(name, commune, *args):
    return reverse(f"grievances:{name}", args=[commune.slug, *args])


@pytest.fixture
def filed(file_complaint, village):
    """A public complaint (name not public) in the Passagon village."""
    return file_complaint(arrondissement=village.arrondissement, village=village)


@pytest.fixture
def sensitive(file_complaint, gbv):
    return file_complaint(category=gbv, description="Mon voisin me frappe.")


def place_data(water, village):
    return {"category": water.pk, "arrondissement": village.arrondissement_id, "village": village.pk}


# --- Public list, page, map, statistics ---------------------------------------------------------------


def test_list_shows_public_complaints_and_never_sensitive_ones(client, filed, sensitive):
    response = client.get(url("list", filed.commune))
    assert response.status_code == 200
    assert filed.code in response.text
    assert sensitive.code not in response.text
    assert "Afi Houngbo" not in response.text


def test_list_filters_by_status_category_and_arrondissement(client, filed, file_complaint, bohicon):
    other = file_complaint(category=Category.objects.get(commune=bohicon, code="roads"))
    services.complaint_acknowledge(complaint=other, by=None)
    response = client.get(url("list", bohicon), {"status": Status.RECEIVED})
    assert filed.code in response.text and other.code not in response.text
    response = client.get(url("list", bohicon), {"category": other.category_id})
    assert other.code in response.text and filed.code not in response.text
    response = client.get(url("list", bohicon), {"arrondissement": filed.arrondissement_id})
    assert filed.code in response.text and other.code not in response.text


def test_list_is_paginated_with_filters_kept(client, file_complaint, bohicon):
    for _ in range(27):
        file_complaint()
    response = client.get(url("list", bohicon), {"status": Status.RECEIVED})
    assert "Page 1 sur 2" in response.text
    assert "?status=received&amp;page=2" in response.text
    second = client.get(url("list", bohicon), {"status": Status.RECEIVED, "page": 2})
    assert second.text.count('class="code"') == 2


def test_list_query_count_does_not_grow_with_complaints(
    client, file_complaint, village, django_assert_max_num_queries
):
    for _ in range(30):
        file_complaint(arrondissement=village.arrondissement, village=village)
    with django_assert_max_num_queries(8):
        response = client.get(url("list", village.arrondissement.commune))
    assert response.status_code == 200


def test_list_of_unknown_commune_is_404(client, db):
    assert client.get("/nulle-part/plaintes/").status_code == 404


def test_public_page_shows_timeline_and_hides_the_name(client, filed):
    services.complaint_acknowledge(complaint=filed, by=None, message="Nous passons demain.")
    response = client.get(url("detail", filed.commune, filed.code))
    assert response.status_code == 200
    assert "Nous passons demain." in response.text
    assert "Afi Houngbo" not in response.text
    assert "97 11 22 33" not in response.text and REPORTER_PHONE not in response.text


def test_public_page_shows_the_name_when_the_reporter_opted_in(client, file_complaint):
    complaint = file_complaint(name_public=True)
    response = client.get(url("detail", complaint.commune, complaint.code))
    assert "Afi Houngbo" in response.text


def test_public_page_accepts_a_lowercase_code(client, filed):
    response = client.get(url("detail", filed.commune, filed.code.lower()))
    assert response.status_code == 200


def test_public_page_of_a_sensitive_complaint_is_404(client, sensitive):
    assert client.get(url("detail", sensitive.commune, sensitive.code)).status_code == 404


def test_public_page_in_another_commune_is_404(client, filed, toffo):
    assert client.get(url("detail", toffo, filed.code)).status_code == 404


def test_internal_notes_and_added_information_stay_off_the_public_page(client, filed, officer):
    services.complaint_note(complaint=filed, by=officer, text="Le chef de village est en cause.")
    services.complaint_add_information(code=filed.code, text="Mon voisin Koffi a vu la panne.")
    response = client.get(url("detail", filed.commune, filed.code))
    assert "Le chef de village" not in response.text
    assert "Koffi" not in response.text


def test_map_lists_points_and_never_sensitive_ones(client, file_complaint, gbv, bohicon):
    point = {"latitude": "7.180000", "longitude": "2.070000"}
    placed = file_complaint(**point)
    hidden = file_complaint(category=gbv, **point)
    response = client.get(url("map", bohicon))
    assert response.status_code == 200
    assert placed.code in response.text and hidden.code not in response.text
    assert "leaflet" not in response.text  # the library loads only when asked for


def test_interactive_map_loads_leaflet_only_when_asked(client, file_complaint, bohicon):
    file_complaint(latitude="7.18", longitude="2.07")
    response = client.get(url("map", bohicon), {"interactive": "1"})
    assert "vendor/leaflet/leaflet.js" in response.text


def test_map_draws_points_over_the_commune_outline(client, file_complaint, bohicon, monkeypatch):
    ring = [(2.0, 7.1), (2.2, 7.1), (2.2, 7.3), (2.0, 7.3), (2.0, 7.1)]
    monkeypatch.setattr("palabre.grievances.web.boundaries", lambda: {bohicon.code: (ring,)})
    placed = file_complaint(latitude="7.2", longitude="2.1")
    response = client.get(url("map", bohicon))
    assert "<circle" in response.text and placed.code in response.text
    outline = client.get(url("outline", bohicon)).json()
    assert outline["geometry"]["type"] == "MultiPolygon"


def test_outline_without_boundaries_is_404(client, bohicon, settings):
    settings.BOUNDARIES_DIR = ""
    assert client.get(url("outline", bohicon)).status_code == 404


def test_statistics_suppress_small_counts(client, filed, bohicon):
    response = client.get(url("statistics", bohicon))
    assert response.status_code == 200
    assert "moins de 5" in response.text


def test_statistics_show_counts_of_five_or_more(client, file_complaint, bohicon):
    for _ in range(6):
        file_complaint()
    response = client.get(url("statistics", bohicon))
    assert "<dd>6</dd>" in response.text


# --- Filing ---------------------------------------------------------------------------------------------


def test_filing_starts_with_category_and_place(client, bohicon, village):
    response = client.get(url("file", bohicon))
    assert response.status_code == 200
    assert "<optgroup" in response.text and village.name in response.text


def test_filing_step_one_refuses_a_village_of_another_arrondissement(client, water, village):
    other = ArrondissementFactory(commune=water.commune, name="Lissèzoun")
    response = client.get(
        url("file", water.commune), {**place_data(water, village), "arrondissement": other.pk}
    )
    assert "n&#x27;est pas dans l&#x27;arrondissement choisi" in response.text
    assert 'name="description"' not in response.text


def test_filing_step_one_refuses_a_village_of_another_commune(client, water, toffo):
    foreign = VillageFactory(arrondissement=ArrondissementFactory(commune=toffo))
    data = {"category": water.pk, "arrondissement": foreign.arrondissement_id, "village": foreign.pk}
    response = client.get(url("file", water.commune), data)
    assert 'name="description"' not in response.text


def test_filing_step_two_suggests_similar_open_complaints(client, filed, water, village):
    response = client.get(url("file", water.commune), place_data(water, village))
    assert 'name="description"' in response.text
    assert filed.code in response.text and "Moi aussi" in response.text


def test_filing_with_errors_keeps_what_was_typed(client, water, village):
    data = {
        **place_data(water, village),
        "place_description": "Derrière le marché",
        "reporter_name": "Codjo",
        "reporter_phone": "12",
    }
    response = client.post(url("file", water.commune), data)
    assert response.status_code == 200
    assert 'value="Derrière le marché"' in response.text
    assert 'value="Codjo"' in response.text
    assert "par écrit ou par un message vocal" in response.text
    assert "Un numéro du Bénin a 10 chiffres" in response.text
    assert not Complaint.objects.exists()


def test_filing_files_and_shows_the_code_and_the_date(client, water, village):
    data = {
        **place_data(water, village),
        "description": "La pompe est cassée.",
        "reporter_name": "Codjo",
        "reporter_phone": "97 11 22 44",
        "latitude": "7.180001",
        "longitude": "2.070002",
    }
    from palabre.grievances.tests.test_views_filing_code import code_step, latest_code

    step = code_step(client.post(url("file", water.commune), data))  # a typed number is proved first
    response = client.post(url("file", water.commune), step | {"code": latest_code()}, follow=True)
    complaint = Complaint.objects.get()
    assert complaint.village == village and complaint.reporter_name == "Codjo"
    assert str(complaint.reporter_phone) == "+2290197112244"
    assert str(complaint.latitude) == "7.180001"
    spaced = "".join(f"<span>{char}</span>" for char in complaint.code)
    assert spaced in response.text
    assert complaint.resolve_due_on.strftime("%Y") in response.text


def test_anonymous_filing_keeps_no_identity(client, water, village, citizen):
    from palabre.accounts.tests.conftest import sign_in_verified

    sign_in_verified(client, citizen)
    data = {
        **place_data(water, village),
        "description": "On m'a demandé de l'argent.",
        "reporter_name": "Codjo",
        "reporter_phone": "0197112244",
        "is_anonymous": "on",
        "name_public": "on",
    }
    client.post(url("file", water.commune), data)
    complaint = Complaint.objects.get()
    assert complaint.is_anonymous
    assert (complaint.reporter, complaint.reporter_name, str(complaint.reporter_phone)) == (None, "", "")


def test_filing_with_a_voice_recording_only(client, water, village):
    from django.core.files.uploadedfile import SimpleUploadedFile

    voice = SimpleUploadedFile("message.ogg", b"OggS" + b"\0" * 60, content_type="audio/ogg")
    response = client.post(
        url("file", water.commune), {**place_data(water, village), "voice_recording": voice}
    )
    assert response.status_code == 302, response.text[response.text.find("errorlist") - 200 :][:800]
    assert Complaint.objects.get().voice_recording


def test_confirmation_without_a_filed_complaint_goes_back_to_the_form(client, bohicon):
    response = client.get(url("filed", bohicon))
    assert response.status_code == 302 and response.url == url("file", bohicon)


def test_changing_the_place_goes_back_to_step_one_with_the_choices(client, water, village):
    response = client.get(url("file", water.commune), {**place_data(water, village), "changer": "1"})
    assert 'name="description"' not in response.text
    assert f'value="{village.pk}" selected' in response.text


# --- Me too ---------------------------------------------------------------------------------------------


def test_me_too_adds_a_supporter_once(client, filed):
    target = url("support", filed.commune, filed.code)
    response = client.post(target, {"phone": "01 96 00 00 01"})
    assert response.status_code == 302
    client.post(target, {"phone": "0196000001"})
    filed.refresh_from_db()
    assert filed.supporters_count == 1
    assert ComplaintSupport.objects.filter(complaint=filed).count() == 1


def test_me_too_needs_a_phone_when_not_signed_in(client, filed):
    response = client.post(url("support", filed.commune, filed.code), {"phone": ""})
    assert response.status_code == 400
    assert "Saisissez votre numéro" in response.text


def test_me_too_signed_in_needs_no_phone(client, filed, citizen):
    from palabre.accounts.tests.conftest import sign_in_verified

    sign_in_verified(client, citizen)
    client.post(url("support", filed.commune, filed.code), {})
    assert ComplaintSupport.objects.get(complaint=filed).user == citizen


def test_me_too_on_a_sensitive_complaint_is_404(client, sensitive):
    response = client.post(url("support", sensitive.commune, sensitive.code), {"phone": "0196000001"})
    assert response.status_code == 404


def test_me_too_on_a_closed_complaint_says_why(client, filed):
    services.complaint_reject(complaint=filed, by=None, reason="Hors sujet.")
    response = client.post(url("support", filed.commune, filed.code), {"phone": "0196000001"})
    assert response.status_code == 400
    assert "ne peut plus recevoir de soutien" in response.text


# --- Tracking -------------------------------------------------------------------------------------------


def test_tracking_form_without_code(client, bohicon):
    response = client.get(url("tracking", bohicon))
    assert response.status_code == 200 and 'name="code"' in response.text


def test_tracking_by_code_tolerates_case_spaces_and_dashes(client, filed):
    typed = filed.code.lower().replace("-", " ")
    response = client.get(url("tracking", filed.commune), {"code": typed})
    assert response.status_code == 200
    assert "Reçue" in response.text and filed.code in response.text


def test_tracking_unknown_code_says_so_and_counts(client, bohicon):
    response = client.get(url("tracking", bohicon), {"code": "BOH-2222"})
    assert response.status_code == 400
    assert "Aucune plainte" in response.text
    assert CodeGuessFailure.objects.filter(scope="grievances.tracking").count() == 1


def test_tracking_code_of_another_commune_is_unknown(client, filed, toffo):
    response = client.get(url("tracking", toffo), {"code": filed.code})
    assert response.status_code == 400
    assert "Aucune plainte" in response.text and "Reçue" not in response.text


def test_tracking_is_rate_limited_with_a_clear_message(client, filed):
    for attempt in range(MAX_FAILURES):
        client.get(url("tracking", filed.commune), {"code": f"BOH-{attempt + 2}ZZZ"})
    response = client.get(url("tracking", filed.commune), {"code": filed.code})
    assert response.status_code == 400
    assert "Trop de codes inconnus" in response.text
    assert "Reçue" not in response.text


def test_tracking_sensitive_complaint_shows_status_only(client, sensitive, focal_point):
    services.complaint_acknowledge(complaint=sensitive, by=focal_point, message="Un agent vous appellera.")
    response = client.get(url("tracking", sensitive.commune), {"code": sensitive.code})
    assert response.status_code == 200
    assert "Accusé de réception" in response.text
    assert "Un agent vous appellera" not in response.text


def test_tracking_add_information(client, filed):
    response = client.post(
        url("tracking_action", filed.commune, "informations"), {"code": filed.code, "text": "Depuis lundi."}
    )
    assert response.status_code == 302
    assert filed.events.filter(kind="information", note="Depuis lundi.").exists()


def test_tracking_action_with_errors_keeps_the_page(client, filed):
    response = client.post(url("tracking_action", filed.commune, "informations"), {"code": filed.code})
    assert response.status_code == 400
    assert "Écrivez ce que vous voulez ajouter." in response.text


def test_tracking_action_with_unknown_code_is_rate_counted(client, bohicon):
    response = client.post(url("tracking_action", bohicon, "informations"), {"code": "BOH-3333", "text": "x"})
    assert response.status_code == 400
    assert CodeGuessFailure.objects.filter(scope="grievances.tracking").count() == 1


def test_unknown_tracking_action_is_404(client, filed):
    response = client.post(url("tracking_action", filed.commune, "effacer"), {"code": filed.code})
    assert response.status_code == 404


@pytest.fixture
def resolved(filed, officer):
    services.complaint_acknowledge(complaint=filed, by=officer)
    services.complaint_resolve(complaint=filed, by=officer, message="La pompe est réparée.")
    filed.refresh_from_db()
    return filed


def test_tracking_resolved_offers_disagree_and_rating(client, resolved):
    response = client.get(url("tracking", resolved.commune), {"code": resolved.code})
    assert "La pompe est réparée." in response.text
    assert "Rouvrir la plainte" in response.text and 'name="rating"' in response.text


def test_disagreeing_reopens_the_complaint(client, resolved):
    response = client.post(
        url("tracking_action", resolved.commune, "desaccord"),
        {"code": resolved.code, "reason": "Elle est encore en panne."},
    )
    assert response.status_code == 302 and resolved.code in response.url
    resolved.refresh_from_db()
    assert resolved.status in (Status.IN_PROGRESS, Status.ACKNOWLEDGED, Status.ASSIGNED)
    assert resolved.reopened_count == 1


def test_disagreeing_needs_a_reason(client, resolved):
    response = client.post(url("tracking_action", resolved.commune, "desaccord"), {"code": resolved.code})
    assert response.status_code == 400
    assert "Dites pourquoi" in response.text


def test_rating_a_resolved_complaint(client, resolved):
    client.post(url("tracking_action", resolved.commune, "note"), {"code": resolved.code, "rating": "4"})
    resolved.refresh_from_db()
    assert resolved.rating == 4


def test_rating_an_open_complaint_is_refused(client, filed):
    response = client.post(url("tracking_action", filed.commune, "note"), {"code": filed.code, "rating": "4"})
    assert response.status_code == 400
    filed.refresh_from_db()
    assert filed.rating is None


# --- Page weight ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "file", "tracking", "map", "statistics"], ids=lambda name: name)
def test_citizen_pages_weigh_at_most_30_kb(client, filed, name):
    response = client.get(url(name, filed.commune))
    total, assets = page_weight(response.content)
    assert "vendor/leaflet/leaflet.js" not in assets
    assert total <= BUDGET_BYTES, f"{name} weighs {total} bytes"


def test_filing_step_two_and_tracked_complaint_weigh_at_most_30_kb(client, filed, water, village):
    for response in (
        client.get(url("file", water.commune), place_data(water, village)),
        client.get(url("tracking", filed.commune), {"code": filed.code}),
        client.get(url("detail", filed.commune, filed.code)),
    ):
        total, assets = page_weight(response.content)
        assert "vendor/leaflet/leaflet.js" not in assets
        assert total <= BUDGET_BYTES
