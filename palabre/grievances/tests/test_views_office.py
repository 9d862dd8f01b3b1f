"""Officers' complaint pages: queue, confidential queue, bulk assignment, one complaint and its actions."""

import pytest
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.core.models import AuditEvent
from palabre.grievances import services
from palabre.grievances.models import ResponseTemplate, Status


def url(name, commune, *args):
    return reverse(f"grievances:{name}", args=[commune.slug, *args])


@pytest.fixture
def filed(file_complaint, village):
    return file_complaint(arrondissement=village.arrondissement, village=village)


@pytest.fixture
def sensitive(file_complaint, gbv):
    return file_complaint(category=gbv, description="Mon voisin me frappe.", reporter_name="Awa Dossou")


@pytest.fixture
def officer_client(client, officer):
    return sign_in_verified(client, officer)


@pytest.fixture
def focal_client(client, focal_point):
    return sign_in_verified(client, focal_point)


# --- Access ---------------------------------------------------------------------------------------------


def test_queue_lists_open_complaints_for_an_officer(officer_client, filed, sensitive):
    response = officer_client.get(url("queue", filed.commune))
    assert response.status_code == 200
    assert filed.code in response.text
    assert sensitive.code not in response.text
    assert "File confidentielle" not in response.text


def test_queue_is_404_for_anonymous_visitors(client, filed):
    assert client.get(url("queue", filed.commune)).status_code == 404


def test_queue_is_404_without_the_second_factor(client, officer, filed):
    client.force_login(officer)
    assert client.get(url("queue", filed.commune)).status_code == 404


def test_queue_is_404_for_a_wrong_role(client, staff, bohicon, filed):
    sign_in_verified(client, staff(bohicon, "planning_officer"))
    assert client.get(url("queue", bohicon)).status_code == 404


def test_queue_is_404_for_an_officer_of_another_commune(client, staff, toffo, filed):
    sign_in_verified(client, staff(toffo, "complaints_officer"))
    assert client.get(url("queue", filed.commune)).status_code == 404
    assert client.get(url("office_complaint", filed.commune, filed.code)).status_code == 404


@pytest.mark.parametrize("role", ["secretary_general", "mayor"])
def test_queue_opens_for_the_other_handling_roles(client, staff, bohicon, filed, role):
    sign_in_verified(client, staff(bohicon, role))
    assert client.get(url("queue", bohicon)).status_code == 200


def test_queue_filters_and_searches(officer_client, filed, file_complaint, bohicon):
    other = file_complaint(description="Le marché n'a pas été balayé.")
    response = officer_client.get(url("queue", bohicon), {"q": "balayé"})
    assert other.code in response.text and filed.code not in response.text
    response = officer_client.get(url("queue", bohicon), {"arrondissement": filed.arrondissement_id})
    assert filed.code in response.text and other.code not in response.text


def test_queue_shows_overdue_first(officer_client, filed, file_complaint, bohicon):
    late = file_complaint()
    type(late).objects.filter(pk=late.pk).update(is_overdue=True)
    text = officer_client.get(url("queue", bohicon)).text
    assert text.index(late.code) < text.index(filed.code)


def test_queue_query_count_does_not_grow(
    officer_client, file_complaint, village, django_assert_max_num_queries
):
    for _ in range(30):
        file_complaint(arrondissement=village.arrondissement, village=village)
    with django_assert_max_num_queries(14):
        response = officer_client.get(url("queue", village.arrondissement.commune))
    assert response.status_code == 200


def test_confidential_queue_for_focal_points_only(focal_client, sensitive, filed):
    response = focal_client.get(url("confidential_queue", sensitive.commune))
    assert response.status_code == 200
    assert sensitive.code in response.text and filed.code not in response.text


def test_confidential_queue_is_404_for_an_officer(officer_client, sensitive):
    assert officer_client.get(url("confidential_queue", sensitive.commune)).status_code == 404


def test_bulk_assign(officer_client, filed, file_complaint, staff, bohicon):
    second = file_complaint()
    colleague = staff(bohicon, "complaints_officer")
    response = officer_client.post(
        url("bulk_assign", bohicon), {"complaints": [filed.code, second.code], "assignee": colleague.pk}
    )
    assert response.status_code == 302
    for complaint in (filed, second):
        complaint.refresh_from_db()
        assert complaint.assignee == colleague and complaint.status == Status.ASSIGNED


def test_bulk_assign_cannot_reach_sensitive_complaints(officer_client, sensitive, officer):
    officer_client.post(
        url("bulk_assign", sensitive.commune), {"complaints": [sensitive.code], "assignee": officer.pk}
    )
    sensitive.refresh_from_db()
    assert sensitive.assignee is None


def test_bulk_assign_without_selection_says_so(officer_client, officer, bohicon):
    response = officer_client.post(url("bulk_assign", bohicon), {"assignee": officer.pk}, follow=True)
    assert "Cochez au moins une plainte." in response.text


def test_bulk_assign_is_404_for_a_wrong_role(client, staff, bohicon, filed, officer):
    sign_in_verified(client, staff(bohicon, "council_member"))
    response = client.post(url("bulk_assign", bohicon), {"complaints": [filed.code], "assignee": officer.pk})
    assert response.status_code == 404


# --- One complaint --------------------------------------------------------------------------------------


def test_complaint_page_shows_the_reporter_to_an_officer(officer_client, filed):
    response = officer_client.get(url("office_complaint", filed.commune, filed.code))
    assert response.status_code == 200
    assert "Afi Houngbo" in response.text and "+2290197112233" in response.text


def test_sensitive_complaint_page_is_404_for_an_officer(officer_client, sensitive):
    assert officer_client.get(url("office_complaint", sensitive.commune, sensitive.code)).status_code == 404


def test_focal_point_sees_a_sensitive_reporter_on_request_and_it_is_logged(focal_client, sensitive):
    page = url("office_complaint", sensitive.commune, sensitive.code)
    response = focal_client.get(page)
    assert response.status_code == 200 and "Awa Dossou" not in response.text
    assert not AuditEvent.objects.filter(action="grievances.identity_viewed").exists()
    response = focal_client.get(page, {"identite": "1"})
    assert "Awa Dossou" in response.text
    assert AuditEvent.objects.filter(action="grievances.identity_viewed").count() == 1


def test_anonymous_complaint_shows_no_identity(officer_client, file_complaint):
    complaint = file_complaint(is_anonymous=True)
    response = officer_client.get(url("office_complaint", complaint.commune, complaint.code))
    assert "Anonyme" in response.text and "Afi Houngbo" not in response.text


def test_acknowledge_then_start_then_resolve_then_close(officer_client, filed, officer):
    commune, code = filed.commune, filed.code
    steps = [
        ("accuser", {"message": "Bien reçu."}, Status.ACKNOWLEDGED),
        ("commencer", {"message": ""}, Status.IN_PROGRESS),
        ("resoudre", {"message": "Pompe réparée.", "note": ""}, Status.RESOLVED),
        ("cloturer", {"message": ""}, Status.CLOSED),
    ]
    for action, data, status in steps:
        response = officer_client.post(url("office_action", commune, code, action), data)
        assert response.status_code == 302, (action, response.content[:0])
        filed.refresh_from_db()
        assert filed.status == status
    assert filed.assignee == officer


def test_assign_and_reassign(officer_client, filed, staff, bohicon):
    first, second = staff(bohicon, "complaints_officer"), staff(bohicon, "mayor")
    officer_client.post(url("office_action", bohicon, filed.code, "attribuer"), {"assignee": first.pk})
    filed.refresh_from_db()
    assert (filed.status, filed.assignee) == (Status.ASSIGNED, first)
    officer_client.post(url("office_action", bohicon, filed.code, "attribuer"), {"assignee": second.pk})
    filed.refresh_from_db()
    assert filed.assignee == second


def test_resolve_form_is_prefilled_from_the_response_template(officer_client, filed, water):
    ResponseTemplate.objects.create(
        category=water, title="Pompe", body="La pompe a été réparée par le service."
    )
    services.complaint_acknowledge(complaint=filed, by=None)
    response = officer_client.get(url("office_complaint", filed.commune, filed.code))
    assert "La pompe a été réparée par le service.</textarea>" in response.text


def test_reject_needs_a_reason_and_keeps_the_page(officer_client, filed):
    response = officer_client.post(url("office_action", filed.commune, filed.code, "rejeter"), {"reason": ""})
    assert response.status_code == 400
    assert "Donnez le motif du rejet." in response.text
    filed.refresh_from_db()
    assert filed.status == Status.RECEIVED


def test_refer(officer_client, filed):
    officer_client.post(
        url("office_action", filed.commune, filed.code, "transmettre"),
        {"referred_to": "Médiateur de la République", "message": ""},
    )
    filed.refresh_from_db()
    assert (filed.status, filed.referred_to) == (Status.REFERRED, "Médiateur de la République")


def test_mark_duplicate_by_code(officer_client, filed, file_complaint):
    original = file_complaint()
    officer_client.post(
        url("office_action", filed.commune, filed.code, "doublon"), {"original": original.code.lower()}
    )
    filed.refresh_from_db()
    assert (filed.status, filed.duplicate_of) == (Status.DUPLICATE, original)


def test_mark_duplicate_of_an_unknown_code_says_so(officer_client, filed):
    response = officer_client.post(
        url("office_action", filed.commune, filed.code, "doublon"), {"original": "BOH-9999"}
    )
    assert response.status_code == 400
    assert "Aucune plainte de la commune ne porte ce code." in response.text


def test_internal_note_stays_internal(officer_client, client, filed):
    officer_client.post(url("office_action", filed.commune, filed.code, "note"), {"text": "À revoir."})
    assert filed.events.filter(kind="note", note="À revoir.", is_public=False).exists()


def test_action_invalid_for_the_status_says_why(officer_client, filed):
    response = officer_client.post(
        url("office_action", filed.commune, filed.code, "cloturer"), {"message": ""}
    )
    assert response.status_code == 400
    assert "Impossible pour la plainte" in response.text


def test_unknown_action_is_404(officer_client, filed):
    assert officer_client.post(url("office_action", filed.commune, filed.code, "effacer")).status_code == 404


def test_action_is_404_for_a_wrong_role_and_a_wrong_commune(client, staff, bohicon, toffo, filed):
    sign_in_verified(client, staff(bohicon, "planning_officer"))
    assert client.post(url("office_action", bohicon, filed.code, "accuser"), {}).status_code == 404
    client.logout()
    sign_in_verified(client, staff(toffo, "complaints_officer"))
    assert client.post(url("office_action", toffo, filed.code, "accuser"), {}).status_code == 404
    filed.refresh_from_db()
    assert filed.status == Status.RECEIVED


def test_officer_cannot_act_on_a_sensitive_complaint(officer_client, sensitive):
    response = officer_client.post(url("office_action", sensitive.commune, sensitive.code, "accuser"), {})
    assert response.status_code == 404


def test_focal_point_acts_on_a_sensitive_complaint(focal_client, sensitive):
    focal_client.post(
        url("office_action", sensitive.commune, sensitive.code, "transmettre"),
        {"referred_to": "Ligne anticorruption", "message": ""},
    )
    sensitive.refresh_from_db()
    assert sensitive.status == Status.REFERRED
