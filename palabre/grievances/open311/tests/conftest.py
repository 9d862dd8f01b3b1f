import datetime

import pytest
from django.utils import timezone

from palabre.accounts.tests.factories import MembershipFactory, TOTPDeviceFactory
from palabre.grievances import services
from palabre.grievances.models import Category
from palabre.grievances.open311.keys import api_key_issue

REPORTER_PHONE = "+2290197112233"


@pytest.fixture
def bohicon(bohicon):
    """Bohicon with the default complaint categories."""
    services.categories_ensure_defaults(commune=bohicon)
    return bohicon


@pytest.fixture
def toffo(toffo):
    """Toffo with the default complaint categories."""
    services.categories_ensure_defaults(commune=toffo)
    return toffo


@pytest.fixture
def water(bohicon):
    return Category.objects.get(commune=bohicon, code="water")


@pytest.fixture
def gbv(bohicon):
    return Category.objects.get(commune=bohicon, code="gbv")


@pytest.fixture
def api_key(bohicon):
    """The raw key of an active key of Bohicon."""
    return api_key_issue(commune=bohicon, label="FixMyStreet")[1]


@pytest.fixture
def file_complaint(water):
    """file_complaint(**overrides) -> a complaint filed an hour ago in Bohicon's water category."""

    def make(**overrides):
        values = {
            "commune": water.commune,
            "category": water,
            "description": "La pompe du village est en panne depuis une semaine.",
            "reporter_name": "Afi Houngbo",
            "reporter_phone": REPORTER_PHONE,
            "now": timezone.now() - datetime.timedelta(hours=1),
        } | overrides
        return services.complaint_file(**values)

    return make


@pytest.fixture
def staff_in(db):
    """staff_in(commune, role) -> a user holding `role` in `commune`, with a TOTP device."""

    def make(commune, role):
        membership = MembershipFactory(commune=commune, role=role)
        TOTPDeviceFactory(user=membership.user)
        return membership.user

    return make
