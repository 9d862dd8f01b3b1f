import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory

from palabre.accounts.models import Role
from palabre.accounts.permissions import (
    access_commune_member,
    access_commune_staff,
    access_national_statistics,
)
from palabre.accounts.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def request_as(user, *, verified=True):
    request = RequestFactory().get("/")
    request.user = user
    user.is_verified = lambda: verified
    return request


def test_staff_of_the_commune_gets_commune_and_membership(bohicon):
    membership = MembershipFactory(commune=bohicon, role=Role.COMPLAINTS_OFFICER)
    assert access_commune_staff(request_as(membership.user), "bohicon") == (bohicon, membership)


def test_anonymous_gets_404(bohicon):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with pytest.raises(Http404):
        access_commune_staff(request, "bohicon")


def test_staff_without_second_factor_gets_404(bohicon):
    membership = MembershipFactory(commune=bohicon)
    with pytest.raises(Http404):
        access_commune_staff(request_as(membership.user, verified=False), "bohicon")


def test_inactive_staff_gets_404(bohicon):
    membership = MembershipFactory(commune=bohicon, user__is_active=False)
    with pytest.raises(Http404):
        access_commune_staff(request_as(membership.user), "bohicon")


def test_staff_of_another_commune_gets_404(bohicon, toffo):
    membership = MembershipFactory(commune=bohicon)
    with pytest.raises(Http404):
        access_commune_staff(request_as(membership.user), "toffo")


def test_unknown_or_inactive_commune_gets_404(bohicon):
    membership = MembershipFactory(commune=bohicon)
    with pytest.raises(Http404):
        access_commune_staff(request_as(membership.user), "nowhere")
    bohicon.is_active = False
    bohicon.save()
    with pytest.raises(Http404):
        access_commune_staff(request_as(membership.user), "bohicon")


def test_wrong_role_gets_404(bohicon):
    membership = MembershipFactory(commune=bohicon, role=Role.COUNCIL_MEMBER)
    with pytest.raises(Http404):
        access_commune_staff(request_as(membership.user), "bohicon", roles=[Role.COMMUNE_ADMIN])


def test_observer_and_superuser_are_not_commune_staff(bohicon):
    observer = MembershipFactory(commune=None, role=Role.NATIONAL_OBSERVER).user
    superuser = UserFactory(is_superuser=True, is_staff=True)
    for user in (observer, superuser):
        with pytest.raises(Http404):
            access_commune_staff(request_as(user), "bohicon")


def test_member_access_only_within_the_admins_commune(bohicon, toffo):
    admin = MembershipFactory(commune=bohicon, role=Role.COMMUNE_ADMIN).user
    here = MembershipFactory(commune=bohicon)
    there = MembershipFactory(commune=toffo)
    assert access_commune_member(request_as(admin), "bohicon", here.pk) == (bohicon, here)
    with pytest.raises(Http404):
        access_commune_member(request_as(admin), "bohicon", there.pk)
    with pytest.raises(Http404):
        access_commune_member(request_as(admin), "toffo", there.pk)


def test_national_statistics_for_observers_and_platform_admins(bohicon):
    observer = MembershipFactory(commune=None, role=Role.NATIONAL_OBSERVER).user
    access_national_statistics(request_as(observer))
    access_national_statistics(request_as(UserFactory(is_superuser=True)))
    with pytest.raises(Http404):
        access_national_statistics(request_as(observer, verified=False))
    mayor = MembershipFactory(commune=bohicon, role=Role.MAYOR).user
    with pytest.raises(Http404):
        access_national_statistics(request_as(mayor))
