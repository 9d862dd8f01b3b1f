import datetime

import pytest

from palabre.accounts.tests.factories import MembershipFactory, UserFactory
from palabre.grievances import services
from palabre.grievances.models import Category

# Monday 6 January 2025, 10:00 in Benin (UTC+1): the Vodoun days are Thursday 9 and Friday 10.
MONDAY = datetime.datetime(2025, 1, 6, 9, 0, tzinfo=datetime.UTC)
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
def staff(db):
    """staff(commune, role) -> a user holding `role` in `commune`."""

    def make(commune, role):
        return MembershipFactory(commune=commune, role=role).user

    return make


@pytest.fixture
def officer(bohicon, staff):
    return staff(bohicon, "complaints_officer")


@pytest.fixture
def focal_point(bohicon, staff):
    return staff(bohicon, "focal_point")


@pytest.fixture
def citizen(db):
    return UserFactory(phone="+2290196554433", display_name="Afi Houngbo")


@pytest.fixture
def file_complaint(water):
    """file_complaint(**overrides) -> a complaint filed on MONDAY in Bohicon's water category."""

    def make(**overrides):
        values = {
            "commune": water.commune,
            "category": water,
            "description": "La pompe du village est en panne depuis une semaine.",
            "channel": "web",
            "reporter_name": "Afi Houngbo",
            "reporter_phone": REPORTER_PHONE,
            "now": MONDAY,
        } | overrides
        return services.complaint_file(**values)

    return make
