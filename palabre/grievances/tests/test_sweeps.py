import datetime

from django.core.management import call_command

from palabre.core.models import AuditEvent, OutboundMessage
from palabre.grievances import services
from palabre.grievances.models import Complaint, EscalationLevel, Status
from palabre.grievances.services.sweeps import AUTO_CLOSE_AFTER_DAYS
from palabre.grievances.tests.conftest import MONDAY

D = datetime.date


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC)


def test_nothing_escalates_before_the_deadline(file_complaint):
    complaint = file_complaint()
    assert services.escalation_sweep(now=_at(D(2025, 1, 8))) == 0
    complaint.refresh_from_db()
    assert not complaint.is_overdue and complaint.escalation_level == 0


def test_escalation_goes_one_level_and_is_idempotent(file_complaint, bohicon, staff, officer):
    secretary = staff(bohicon, "secretary_general")
    mayor = staff(bohicon, "mayor")
    complaint = file_complaint()  # acknowledge by Wednesday 8 January 2025
    thursday = _at(D(2025, 1, 9))
    assert services.escalation_sweep(now=thursday) == 1
    assert services.escalation_sweep(now=thursday) == 0
    complaint.refresh_from_db()
    assert complaint.is_overdue
    assert complaint.escalation_level == EscalationLevel.SECRETARY_GENERAL
    # 9 and 10 January are Vodoun days: the secretary general has until Tuesday 14 (2 working days).
    assert complaint.escalation_due_on == D(2025, 1, 14)
    texts = OutboundMessage.objects.filter(kind="grievances.escalated")
    assert list(texts.values_list("to", flat=True)) == [secretary.phone.as_e164]
    assert complaint.code in texts.get().body
    assert "pompe" not in texts.get().body
    assert AuditEvent.objects.filter(action="grievances.escalated").count() == 1
    # Still late after the new deadline: up to the mayor, and no further.
    assert services.escalation_sweep(now=_at(D(2025, 1, 15))) == 1
    complaint.refresh_from_db()
    assert complaint.escalation_level == EscalationLevel.MAYOR
    assert complaint.escalation_due_on is None
    assert texts.filter(to=mayor.phone.as_e164).count() == 1
    assert services.escalation_sweep(now=_at(D(2025, 3, 1))) == 0


def test_acknowledging_moves_the_clock_to_the_resolution_deadline(file_complaint, officer):
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer, now=MONDAY)
    assert services.escalation_sweep(now=_at(D(2025, 1, 20))) == 0
    assert services.escalation_sweep(now=_at(D(2025, 1, 30))) == 1
    complaint.refresh_from_db()
    assert complaint.is_overdue and complaint.escalation_level == 1


def test_overdue_flag_is_cleared_by_resolution(file_complaint, officer):
    complaint = file_complaint()
    services.escalation_sweep(now=_at(D(2025, 1, 9)))
    complaint = services.complaint_acknowledge(complaint=complaint, by=officer, now=_at(D(2025, 1, 9)))
    assert not complaint.is_overdue
    complaint = services.complaint_resolve(complaint=complaint, by=officer, message="Fait")
    assert not complaint.is_overdue and complaint.escalation_due_on is None


def test_resolved_and_final_complaints_never_escalate(file_complaint, officer):
    services.complaint_reject(complaint=file_complaint(), by=officer, reason="Hors sujet")
    assert services.escalation_sweep(now=_at(D(2025, 6, 1))) == 0


def test_rating_is_requested_once(file_complaint, officer):
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer)
    services.complaint_resolve(complaint=complaint, by=officer, message="Fait")
    file_complaint(is_anonymous=True)
    assert services.rating_request_sweep() == 1
    assert services.rating_request_sweep() == 0
    assert OutboundMessage.objects.filter(kind="grievances.rating").count() == 1


def test_auto_close_after_the_waiting_period(file_complaint, officer):
    complaint = services.complaint_acknowledge(complaint=file_complaint(), by=officer, now=MONDAY)
    services.complaint_resolve(complaint=complaint, by=officer, message="Fait", now=MONDAY)
    almost = MONDAY + datetime.timedelta(days=AUTO_CLOSE_AFTER_DAYS - 1)
    assert services.auto_close_sweep(now=almost) == 0
    after = MONDAY + datetime.timedelta(days=AUTO_CLOSE_AFTER_DAYS)
    assert services.auto_close_sweep(now=after) == 1
    assert services.auto_close_sweep(now=after) == 0
    complaint.refresh_from_db()
    assert complaint.status == Status.CLOSED
    closed = AuditEvent.objects.get(action="grievances.closed")
    assert closed.actor_id is None


def test_the_cron_command_runs_every_sweep(file_complaint, capsys):
    file_complaint(now=MONDAY - datetime.timedelta(days=60))
    call_command("grievances_sweep")
    assert "escalated=1" in capsys.readouterr().out
    assert Complaint.objects.get().is_overdue
