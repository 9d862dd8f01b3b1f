"""Background sweeps run from cron or the task worker: escalation, rating requests, auto-close.

Escalation rule. Each open complaint has `escalation_due_on`: the acknowledgement deadline until it is
acknowledged, then the resolution deadline. When the sweep runs after that date, the complaint goes up
ONE level (service head -> secretary general -> mayor), is marked overdue, the people of the new level
get an SMS, and its next `escalation_due_on` becomes today + the category's acknowledgement delay (the
new level's time to react). At the mayor's level nothing escalates further. Running the sweep again the
same day changes nothing: the next escalation date is in the future.

Transactions: a sweep opens one per complaint (never one around the whole sweep), so that locks stay short
and what was done stays done if a later complaint fails; each applies the same private step as the
officer's service (auto-close: handling's `_close`).
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from palabre.accounts.models import Membership, User
from palabre.core.services import audit_record, sms_queue
from palabre.grievances.deadlines import add_working_days, working_days_for
from palabre.grievances.models import OPEN_STATUSES, Complaint, EscalationLevel, EventKind, Status
from palabre.grievances.permissions import MAYOR, SECRETARY_GENERAL
from palabre.grievances.services.common import add_event, notify_reporter
from palabre.grievances.services.handling import _close
from palabre.grievances.services.texts import escalation_sms

AUTO_CLOSE_AFTER_DAYS = 14
LEVEL_ROLES = {EscalationLevel.SECRETARY_GENERAL: SECRETARY_GENERAL, EscalationLevel.MAYOR: MAYOR}


def mark_overdue(*, today: datetime.date) -> int:
    """Flag open complaints whose acknowledgement or resolution deadline passed (one UPDATE).

    Not audited, deliberately: the flag is derived from the complaint's own dates (anyone can recompute
    it) and nobody decides it; the escalation that follows is audited (`grievances.escalated`)."""
    late = Q(acknowledged_at__isnull=True, ack_due_on__lt=today) | Q(resolve_due_on__lt=today)
    return Complaint.objects.filter(late, status__in=OPEN_STATUSES, is_overdue=False).update(is_overdue=True)


def _people_to_notify(complaint: Complaint, level: int) -> list[User]:
    """The holders of the new level's role in the commune, and the officer in charge."""
    people = [
        membership.user
        for membership in Membership.objects.filter(
            commune_id=complaint.commune_id, role=LEVEL_ROLES[EscalationLevel(level)]
        ).select_related("user")
    ]
    if complaint.assignee is not None and complaint.assignee not in people:
        people.append(complaint.assignee)
    return people


def _escalate_one(complaint_id: int, *, today: datetime.date, now: datetime.datetime) -> bool:
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update(of=("self",))
            .select_related("category", "assignee")
            .filter(pk=complaint_id, status__in=OPEN_STATUSES, escalation_due_on__lt=today)
            .first()
        )
        if complaint is None:  # handled meanwhile, or another sweep got there first
            return False
        level = min(complaint.escalation_level + 1, EscalationLevel.MAYOR)
        react_days = working_days_for(complaint.category.ack_working_days, complaint.severity)
        complaint.escalation_level = level
        complaint.is_overdue = True
        complaint.escalation_due_on = (
            add_working_days(today, react_days) if level < EscalationLevel.MAYOR else None
        )
        complaint.save(update_fields=["escalation_level", "is_overdue", "escalation_due_on"])
        label = EscalationLevel(level).label
        add_event(complaint, EventKind.ESCALATED, message=str(label), now=now)
        for person in _people_to_notify(complaint, level):
            sms_queue(
                to=person.phone.as_e164,
                body=escalation_sms(code=complaint.code, language=person.language, level_label=str(label)),
                kind="grievances.escalated",
                commune_id=complaint.commune_id,
                idempotency_key=f"grievances:{complaint.pk}:escalated:{level}:{person.pk}",
            )
        audit_record(
            action="grievances.escalated",
            commune_id=complaint.commune_id,
            target=complaint,
            data={"code": complaint.code, "level": level},
        )
    return True


def escalation_sweep(*, now: datetime.datetime | None = None) -> int:
    """Mark late complaints overdue and escalate those past their escalation date by one level.
    Idempotent. Returns how many complaints were escalated."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    mark_overdue(today=today)
    due = Complaint.objects.filter(status__in=OPEN_STATUSES, escalation_due_on__lt=today).values_list(
        "pk", flat=True
    )
    return sum(_escalate_one(complaint_id, today=today, now=now) for complaint_id in due.iterator())


def rating_request_sweep(*, now: datetime.datetime | None = None) -> int:
    """Ask the reporter of each newly resolved complaint (with a phone) for a rating, once per resolution.

    Not audited, deliberately: a reminder changes no state anyone decides (the outbox keeps the message);
    the resolution before it and the rating after it are audited."""
    now = now or timezone.now()
    waiting = Complaint.objects.filter(
        status=Status.RESOLVED, rating__isnull=True, rating_requested_at__isnull=True
    ).exclude(reporter_phone="")
    asked = 0
    for complaint in waiting.iterator():
        with transaction.atomic():
            claimed = Complaint.objects.filter(
                pk=complaint.pk, status=Status.RESOLVED, rating_requested_at__isnull=True
            ).update(rating_requested_at=now)
            if claimed:
                notify_reporter(complaint, "rating", key=f"rating:{complaint.reopened_count}")
                asked += 1
    return asked


def auto_close_sweep(*, now: datetime.datetime | None = None, after_days: int = AUTO_CLOSE_AFTER_DAYS) -> int:
    """Close complaints resolved more than `after_days` days ago whose reporter did not disagree."""
    now = now or timezone.now()
    expired = Complaint.objects.filter(
        status=Status.RESOLVED, resolved_at__lte=now - datetime.timedelta(days=after_days)
    )
    closed = 0
    for complaint in expired.iterator():
        with transaction.atomic():  # one per complaint, as complaint_close: short locks
            _close(complaint, by=None, message="", now=now)
        closed += 1
    return closed
