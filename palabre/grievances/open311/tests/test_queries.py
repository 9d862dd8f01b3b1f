import datetime

import pytest
from django.utils import timezone

from palabre.grievances import services
from palabre.grievances.models import Category, ComplaintEvent, Status
from palabre.grievances.open311.queries import open311_updates

pytestmark = pytest.mark.django_db
BASE = "/api/open311/v2"


def window():
    now = timezone.now()
    return {"start": now - datetime.timedelta(days=2), "end": now + datetime.timedelta(days=1)}


def test_updates_take_the_commune_from_the_events_not_from_their_complaints(bohicon):
    """The commune filter is on the event's own column (served by grv_event_commune_idx); the complaint is
    joined only for its code and its sensitivity."""
    sql = str(open311_updates(bohicon, **window()).query)
    where = sql.split(" WHERE ", 1)[1]
    assert '"grievances_complaintevent"."commune_id" = ' in where
    assert '"grievances_complaint"."commune_id"' not in sql


def test_updates_follow_the_event_commune(file_complaint, toffo):
    """An event stamped with another commune moves with its stamp: proof the query reads the event column."""
    complaint = file_complaint()
    services.complaint_acknowledge(complaint=complaint, by=None, message="Reçue.")
    ack = ComplaintEvent.objects.get(complaint=complaint, kind="acknowledged")
    ComplaintEvent.objects.filter(pk=ack.pk).update(commune=toffo)
    in_bohicon = list(open311_updates(complaint.commune, **window()))
    in_toffo = list(open311_updates(toffo, **window()))
    assert [row["status_then"] for row in in_bohicon] == [Status.RECEIVED]
    assert [(row["id"], row["complaint__code"]) for row in in_toffo] == [(ack.pk, complaint.code)]


def test_updates_of_another_commune_are_not_listed(client, file_complaint, toffo):
    ours = file_complaint()
    theirs = file_complaint(commune=toffo, category=Category.objects.get(commune=toffo, code="roads"))
    for slug, complaint in (("bohicon", ours), ("toffo", theirs)):
        items = client.get(f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": slug}).json()
        assert [item["service_request_id"] for item in items] == [complaint.code]


def test_updates_skip_sensitive_and_internal_events(file_complaint, gbv):
    complaint = file_complaint()
    services.complaint_note(complaint=complaint, text="Interne", by=None)
    file_complaint(category=gbv, description="Violence au marché")
    rows = list(open311_updates(complaint.commune, **window()))
    assert [row["complaint__code"] for row in rows] == [complaint.code]


def test_updates_answer_in_two_queries_whatever_the_number_of_events(
    client, file_complaint, django_assert_num_queries
):
    """The jurisdiction, then the updates (status_then is a subquery of the same statement)."""
    for _number in range(3):
        complaint = file_complaint()
        services.complaint_acknowledge(complaint=complaint, by=None, message="Reçue.")
    with django_assert_num_queries(2):
        items = client.get(f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "bohicon"}).json()
    assert len(items) == 6
