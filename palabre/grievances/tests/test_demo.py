import io

import pytest

from palabre.accounts import demo as accounts_demo
from palabre.core.audit import audit_verify
from palabre.grievances import demo
from palabre.grievances.models import Complaint, Status
from palabre.territory.services import territory_load


@pytest.fixture
def pilots(db):
    territory_load()
    accounts_demo.seed(stdout=io.StringIO())


def test_demo_seeds_every_status_once(pilots):
    demo.seed(stdout=io.StringIO())
    complaints = Complaint.objects.all()
    assert complaints.count() == len(demo.PILOTS) * demo.COMPLAINTS_PER_COMMUNE
    assert set(complaints.values_list("status", flat=True)) == set(Status.values)
    assert complaints.filter(is_sensitive=True).exists()
    assert complaints.filter(is_anonymous=True).exists()
    assert complaints.filter(is_overdue=True).exists()
    assert complaints.filter(reopened_count__gt=0).exists()
    assert audit_verify().ok
    output = io.StringIO()
    demo.seed(stdout=output)
    assert Complaint.objects.count() == complaints.count()
    assert "already has complaints" in output.getvalue()


def test_demo_is_deterministic(pilots):
    demo.seed(stdout=io.StringIO())
    first = list(Complaint.objects.order_by("created_at").values_list("category__code", "status"))
    Complaint.objects.all().delete()
    demo.seed(stdout=io.StringIO())
    again = list(Complaint.objects.order_by("created_at").values_list("category__code", "status"))
    assert [category for category, _status in first] == [category for category, _status in again]
