"""The status machine is one table (services/transitions.py); the deliberate exceptions to "every write is
audited" hold (docs/architecture.md)."""

import pytest

from palabre.core.models import AuditEvent, ParticipationAct
from palabre.grievances import services
from palabre.grievances.models import OPEN_STATUSES, Complaint, EventKind, Status
from palabre.grievances.services.sweeps import mark_overdue
from palabre.grievances.services.texts import _reporter_texts
from palabre.grievances.services.transitions import ACKNOWLEDGE, REOPEN, TRANSITIONS
from palabre.grievances.tests.conftest import MONDAY

pytestmark = pytest.mark.django_db


def test_the_table_names_known_states_events_and_texts():
    texts = _reporter_texts()
    for transition in TRANSITIONS:
        assert set(transition.from_statuses) <= set(Status.values)
        assert transition.to_status in Status.values
        assert transition.event_kind in EventKind.values
        assert transition.sms_kind in texts
    assert len({transition.action for transition in TRANSITIONS}) == len(TRANSITIONS)
    finished = {Status.CLOSED, Status.REJECTED, Status.REFERRED, Status.DUPLICATE}
    assert not any(finished & set(transition.from_statuses) for transition in TRANSITIONS)
    from_any_open = {t.to_status for t in TRANSITIONS if t.from_statuses == OPEN_STATUSES}
    assert from_any_open == finished - {Status.CLOSED}


def test_the_to_state_depends_on_an_assignee_where_the_table_says(file_complaint, officer):
    complaint = file_complaint()
    assert (ACKNOWLEDGE.to_status_of(complaint), REOPEN.to_status_of(complaint)) == (
        Status.ACKNOWLEDGED,
        Status.ACKNOWLEDGED,
    )
    complaint.assignee = officer
    assert (ACKNOWLEDGE.to_status_of(complaint), REOPEN.to_status_of(complaint)) == (
        Status.ASSIGNED,
        Status.IN_PROGRESS,
    )


def test_bulk_assignment_audits_each_complaint_in_one_call(file_complaint, officer):
    first, second = file_complaint(), file_complaint()
    assert services.complaints_bulk_assign(complaints=[first, second], assignee=officer, by=officer) == 2
    assert AuditEvent.objects.filter(action="grievances.assigned", actor_id=officer.pk).count() == 2


def test_me_too_is_counted_in_the_ledger_not_the_audit_log(file_complaint, citizen):
    complaint = file_complaint()
    audited = AuditEvent.objects.count()
    services.complaint_support(complaint=complaint, user=citizen)
    assert AuditEvent.objects.count() == audited  # deliberate: see complaint_support
    assert ParticipationAct.objects.filter(kind="complaint_supported").count() == 1


def test_the_overdue_flag_is_not_audited(file_complaint):
    complaint = file_complaint()
    audited = AuditEvent.objects.count()
    assert mark_overdue(today=complaint.resolve_due_on.replace(year=MONDAY.year + 1)) == 1
    assert Complaint.objects.get().is_overdue
    assert AuditEvent.objects.count() == audited  # deliberate: see mark_overdue
