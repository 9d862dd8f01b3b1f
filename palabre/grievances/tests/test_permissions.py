import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from palabre.accounts.tests.conftest import sign_in_verified
from palabre.grievances.permissions import (
    access_complaint_public,
    access_complaint_staff,
    access_complaints_commune,
    access_complaints_staff,
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
