import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.core.permissions import NotFound
from palabre.grievances import services
from palabre.grievances.open311.keys import api_key_issue
from palabre.grievances.permissions import (
    access_api_key,
    access_arrondissement,
    access_category,
    access_complaint,
    access_complaint_public,
    access_complaint_staff,
    access_complaints_commune,
    access_complaints_staff,
    access_configurable_category,
    access_public_complaint,
    access_response_template,
    access_tracked_complaint,
    access_village,
    handler_roles,
    may_handle,
)


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    request.user.is_verified = lambda: True
    return request


def test_public_access_hides_sensitive_complaints(file_complaint, gbv):
    plain = file_complaint()
    sensitive = file_complaint(category=gbv)
    assert access_complaint_public("bohicon", plain.code.lower()) == plain
    with pytest.raises(Http404):
        access_complaint_public("bohicon", sensitive.code)
    with pytest.raises(Http404):
        access_complaint_public("toffo", plain.code)


def test_staff_access(file_complaint, gbv, officer, focal_point, toffo, staff):
    plain = file_complaint()
    sensitive = file_complaint(category=gbv)
    complaint, roles = access_complaint_staff(_request(officer), "bohicon", plain.code)
    assert complaint == plain and roles == {"complaints_officer"}
    with pytest.raises(Http404):
        access_complaint_staff(_request(officer), "bohicon", sensitive.code)
    assert access_complaint_staff(_request(focal_point), "bohicon", sensitive.code)[0] == sensitive
    with pytest.raises(Http404):
        access_complaint_staff(_request(staff(toffo, "complaints_officer")), "bohicon", plain.code)
    with pytest.raises(Http404):
        access_complaint_staff(_request(staff(toffo, "complaints_officer")), "toffo", plain.code)


def test_anonymous_visitors_handle_nothing(file_complaint):
    complaint = file_complaint()
    assert handler_roles(AnonymousUser(), complaint.commune) == set()
    assert not may_handle(AnonymousUser(), complaint)


def test_sign_in_helper_is_compatible(client, officer):
    assert sign_in_verified(client, officer)


def test_a_commune_without_the_complaints_module_answers_404(file_complaint, bohicon, officer):
    complaint = file_complaint()
    bohicon.modules = ["consultations"]
    bohicon.save(update_fields=["modules"])
    with pytest.raises(Http404):
        access_complaint_public("bohicon", complaint.code)
    with pytest.raises(Http404):
        access_complaints_commune("bohicon", request=_request(officer))
    with pytest.raises(Http404):
        access_complaints_staff(_request(officer), "bohicon")


def test_the_commune_home_links_to_filing_and_following(client, bohicon):
    html = client.get(reverse("territory:commune_home", kwargs={"commune_slug": "bohicon"})).content.decode()
    assert reverse("grievances:file", kwargs={"commune_slug": "bohicon"}) in html
    assert reverse("grievances:tracking", kwargs={"commune_slug": "bohicon"}) in html
    bohicon.modules = ["consultations"]
    bohicon.save(update_fields=["modules"])
    html = client.get(reverse("territory:commune_home", kwargs={"commune_slug": "bohicon"})).content.decode()
    assert reverse("grievances:file", kwargs={"commune_slug": "bohicon"}) not in html


# --- access_<thing>(*, actor, commune, id): the object, or core's one NotFound (a 404 on the web) --------


def test_not_found_is_the_webs_404():
    assert issubclass(NotFound, Http404)


def test_access_complaint_for_its_handlers_only(
    file_complaint, gbv, bohicon, toffo, officer, focal_point, staff
):
    plain, sensitive = file_complaint(), file_complaint(category=gbv)
    assert access_complaint(actor=officer, commune=bohicon, code=plain.code.lower()) == plain
    assert access_complaint(actor=focal_point, commune=bohicon, code=sensitive.code) == sensitive
    refused = [
        (officer, toffo, plain.code),  # wrong commune
        (staff(toffo, "complaints_officer"), bohicon, plain.code),  # a handler of another commune
        (officer, bohicon, sensitive.code),  # wrong role for a sensitive complaint
        (staff(bohicon, "commune_admin"), bohicon, plain.code),  # wrong role
        (AnonymousUser(), bohicon, plain.code),
        (None, bohicon, plain.code),
        (officer, bohicon, "BOH-0000"),  # missing
    ]
    for actor, commune, code in refused:
        with pytest.raises(NotFound):
            access_complaint(actor=actor, commune=commune, code=code)


def test_access_public_complaint_hides_sensitive_ones(file_complaint, gbv, bohicon, toffo):
    plain, sensitive = file_complaint(), file_complaint(category=gbv)
    assert access_public_complaint(actor=None, commune=bohicon, code=plain.code) == plain
    for commune, code in [(bohicon, sensitive.code), (toffo, plain.code), (bohicon, "BOH-0000")]:
        with pytest.raises(NotFound):
            access_public_complaint(actor=None, commune=commune, code=code)


def test_access_tracked_complaint(file_complaint, bohicon, toffo):
    complaint = file_complaint()
    assert access_tracked_complaint(actor=None, commune=bohicon, id=complaint.pk) == complaint
    assert access_tracked_complaint(actor=None, commune=None, id=complaint.pk) == complaint  # national
    for commune, pk in [(toffo, complaint.pk), (None, complaint.pk + 1000)]:
        with pytest.raises(NotFound):
            access_tracked_complaint(actor=None, commune=commune, id=pk)


def test_access_category_of_the_commune(water, bohicon, toffo, citizen):
    assert access_category(actor=citizen, commune=bohicon, id=water.pk) == water
    assert access_category(actor=None, commune=bohicon, id=water.pk) == water
    for commune, pk in [(toffo, water.pk), (bohicon, None), (bohicon, 0), (bohicon, water.pk + 1000)]:
        with pytest.raises(NotFound):
            access_category(actor=None, commune=commune, id=pk)


def test_access_places_of_the_commune(village, bohicon, toffo):
    arrondissement = village.arrondissement
    assert access_arrondissement(actor=None, commune=bohicon, id=arrondissement.pk) == arrondissement
    assert access_village(actor=None, commune=bohicon, id=village.pk) == village
    for commune, pk in [(toffo, arrondissement.pk), (bohicon, None), (bohicon, arrondissement.pk + 1000)]:
        with pytest.raises(NotFound):
            access_arrondissement(actor=None, commune=commune, id=pk)
    for commune, pk in [(toffo, village.pk), (bohicon, None), (bohicon, village.pk + 1000)]:
        with pytest.raises(NotFound):
            access_village(actor=None, commune=commune, id=pk)


def test_access_configurable_category(water, bohicon, toffo, officer, staff):
    admin, secretary = staff(bohicon, "commune_admin"), staff(bohicon, "secretary_general")
    assert access_configurable_category(actor=admin, commune=bohicon, id=water.pk) == water
    assert access_configurable_category(actor=secretary, commune=bohicon, id=water.pk) == water
    refused = [
        (admin, toffo, water.pk),  # wrong commune (and not theirs)
        (staff(toffo, "commune_admin"), toffo, water.pk),  # another commune's category
        (officer, bohicon, water.pk),  # wrong role
        (None, bohicon, water.pk),
        (admin, bohicon, water.pk + 1000),  # missing
    ]
    for actor, commune, pk in refused:
        with pytest.raises(NotFound):
            access_configurable_category(actor=actor, commune=commune, id=pk)


def test_access_response_template(water, bohicon, toffo, staff):
    admin = staff(bohicon, "commune_admin")
    template = services.response_template_save(
        category=water, title="Réparée", body="C'est réparé.", by=admin
    )
    assert access_response_template(actor=admin, commune=bohicon, id=template.pk) == template
    refused = [
        (staff(toffo, "commune_admin"), toffo, template.pk),  # wrong commune
        (staff(bohicon, "secretary_general"), bohicon, template.pk),  # reads settings, changes no template
        (None, bohicon, template.pk),
        (admin, bohicon, template.pk + 1000),  # missing
    ]
    for actor, commune, pk in refused:
        with pytest.raises(NotFound):
            access_response_template(actor=actor, commune=commune, id=pk)


def test_access_api_key(bohicon, toffo, officer, staff):
    admin = staff(bohicon, "commune_admin")
    api_key, _raw = api_key_issue(commune=bohicon, label="FixMyStreet", by=admin)
    assert access_api_key(actor=admin, commune=bohicon, id=api_key.pk) == api_key
    refused = [
        (staff(toffo, "commune_admin"), toffo, api_key.pk),  # wrong commune
        (officer, bohicon, api_key.pk),  # wrong role
        (None, bohicon, api_key.pk),
        (admin, bohicon, api_key.pk + 1000),  # missing
    ]
    for actor, commune, pk in refused:
        with pytest.raises(NotFound):
            access_api_key(actor=actor, commune=commune, id=pk)
