"""What officers do with a complaint: one service per step of the status machine, each audited.

`by` is the staff user acting (checked: a handler of the complaint's commune, a focal point for a
sensitive complaint), or None for the system itself (sweeps, demo data).

    received -> acknowledged -> assigned -> in_progress -> resolved -> closed
    (received with a default assignee -> assigned on acknowledgement)
    any open status -> rejected (reason) | referred (to whom) | duplicate (of which)
    resolved -> in_progress / acknowledged when the reporter disagrees (citizen.py)
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.core.services import audit_record
from palabre.grievances.models import OPEN_STATUSES, Complaint, EventKind, Status
from palabre.grievances.permissions import handler_roles, roles_may_handle
from palabre.grievances.services.common import (
    add_event,
    check_may_handle,
    check_status,
    notify_reporter,
    require_text,
)

ASSIGNABLE = (Status.RECEIVED, Status.ACKNOWLEDGED)
REASSIGNABLE = (Status.ASSIGNED, Status.IN_PROGRESS)
STARTABLE = (Status.ACKNOWLEDGED, Status.ASSIGNED)
RESOLVABLE = (Status.ACKNOWLEDGED, Status.ASSIGNED, Status.IN_PROGRESS)


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _audit(complaint: Complaint, action: str, by, **data) -> None:
    audit_record(
        action=f"grievances.{action}",
        actor_id=getattr(by, "pk", None),
        commune_id=complaint.commune_id,
        target=complaint,
        data={"code": complaint.code, **data},
    )


def _change_status(
    complaint: Complaint,
    *,
    to_status: str,
    kind: str,
    action: str,
    by,
    now: datetime.datetime,
    message: str = "",
    note: str = "",
    sms_kind: str | None = None,
    sms_date: datetime.date | None = None,
    sms_original: str = "",
    fields: dict | None = None,
) -> Complaint:
    """Save the new status and `fields`, add the timeline event, text the reporter, audit."""
    from_status = complaint.status
    complaint.status = to_status
    complaint.status_changed_at = now
    for name, value in (fields or {}).items():
        setattr(complaint, name, value)
    complaint.save()
    event = add_event(
        complaint,
        kind,
        by=by,
        from_status=from_status,
        to_status=to_status,
        message=message,
        note=note,
        now=now,
    )
    if sms_kind:
        notify_reporter(complaint, sms_kind, key=f"event:{event.pk}", date=sms_date, original=sms_original)
    _audit(complaint, action, by, from_status=from_status, to_status=to_status)
    return complaint


def _after_acknowledgement(complaint: Complaint, now: datetime.datetime) -> dict:
    """Once acknowledged, the next deadline that can escalate is the resolution deadline."""
    today = timezone.localdate(now)
    return {
        "acknowledged_at": complaint.acknowledged_at or now,
        "escalation_due_on": max(complaint.resolve_due_on, complaint.escalation_due_on or today)
        if complaint.escalation_level < 2
        else None,
        "is_overdue": complaint.resolve_due_on < today,
    }


def _check_assignee(complaint: Complaint, assignee) -> None:
    roles = handler_roles(assignee, complaint.commune_id)
    if not roles_may_handle(roles, is_sensitive=complaint.is_sensitive):
        raise ValidationError(
            {"assignee": _("Cette personne ne traite pas les plaintes de cette nature dans la commune.")}
        )


def complaint_acknowledge(
    *, complaint: Complaint, by, message: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Acknowledge receipt: received -> acknowledged (-> assigned if it already has an assignee)."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, (Status.RECEIVED,))
        return _change_status(
            complaint,
            to_status=Status.ASSIGNED if complaint.assignee_id else Status.ACKNOWLEDGED,
            kind=EventKind.ACKNOWLEDGED,
            action="acknowledged",
            by=by,
            now=now,
            message=message.strip(),
            sms_kind="acknowledged",
            sms_date=complaint.resolve_due_on,
            fields=_after_acknowledgement(complaint, now),
        )


def complaint_assign(
    *, complaint: Complaint, assignee, by, note: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Give a received or acknowledged complaint to an officer (acknowledges it too): -> assigned."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, ASSIGNABLE)
        _check_assignee(complaint, assignee)
        return _change_status(
            complaint,
            to_status=Status.ASSIGNED,
            kind=EventKind.ASSIGNED,
            action="assigned",
            by=by,
            now=now,
            note=note.strip(),
            sms_kind="assigned",
            fields={"assignee": assignee, **_after_acknowledgement(complaint, now)},
        )


def complaint_reassign(
    *, complaint: Complaint, assignee, by, note: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Give an assigned or in-progress complaint to another officer (internal: no SMS, status kept)."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, REASSIGNABLE)
        _check_assignee(complaint, assignee)
        previous = complaint.assignee_id
        complaint.assignee = assignee
        complaint.save(update_fields=["assignee"])
        add_event(complaint, EventKind.REASSIGNED, by=by, note=note.strip(), is_public=False, now=now)
        _audit(complaint, "reassigned", by, from_assignee=previous, to_assignee=assignee.pk)
        return complaint


def complaint_start(
    *, complaint: Complaint, by, message: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Work begins: acknowledged/assigned -> in_progress (the officer acting becomes the assignee if none)."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, STARTABLE)
        fields = {} if complaint.assignee_id or by is None else {"assignee": by}
        return _change_status(
            complaint,
            to_status=Status.IN_PROGRESS,
            kind=EventKind.STARTED,
            action="started",
            by=by,
            now=now,
            message=message.strip(),
            sms_kind="started",
            fields=fields,
        )


def complaint_resolve(
    *, complaint: Complaint, by, message: str, note: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Say what was done: -> resolved. `message` (public) is required. The reporter may disagree."""
    now = now or timezone.now()
    message = require_text(message, field="message", message=_("Dites au citoyen ce qui a été fait."))
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, RESOLVABLE)
        return _change_status(
            complaint,
            to_status=Status.RESOLVED,
            kind=EventKind.RESOLVED,
            action="resolved",
            by=by,
            now=now,
            message=message,
            note=note.strip(),
            sms_kind="resolved",
            fields={
                "resolved_at": now,
                "acknowledged_at": complaint.acknowledged_at or now,
                "is_overdue": False,
                "escalation_due_on": None,
                "rating_requested_at": None,
            },
        )


def complaint_close(
    *, complaint: Complaint, by, message: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Close a resolved complaint for good (by an officer, or by the system after the waiting period)."""
    now = now or timezone.now()
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, (Status.RESOLVED,))
        return _change_status(
            complaint,
            to_status=Status.CLOSED,
            kind=EventKind.CLOSED,
            action="closed",
            by=by,
            now=now,
            message=message.strip(),
            sms_kind="closed",
            fields={"closed_at": now},
        )


def _finish_fields(now: datetime.datetime) -> dict:
    return {"closed_at": now, "is_overdue": False, "escalation_due_on": None}


def complaint_reject(
    *, complaint: Complaint, by, reason: str, now: datetime.datetime | None = None
) -> Complaint:
    """Refuse an open complaint; the reason (required) is public on the tracking page."""
    now = now or timezone.now()
    reason = require_text(reason, field="reason", message=_("Donnez le motif du rejet."))
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, OPEN_STATUSES)
        return _change_status(
            complaint,
            to_status=Status.REJECTED,
            kind=EventKind.REJECTED,
            action="rejected",
            by=by,
            now=now,
            message=reason,
            sms_kind="rejected",
            fields={"rejection_reason": reason, **_finish_fields(now)},
        )


def complaint_refer(
    *, complaint: Complaint, by, referred_to: str, message: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Send an open complaint outside the commune's competence (to whom: required), e.g. the Médiateur
    de la République or the anti-corruption line for a sensitive complaint."""
    now = now or timezone.now()
    referred_to = require_text(
        referred_to, field="referred_to", message=_("Dites à qui la plainte est transmise.")
    )
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, OPEN_STATUSES)
        return _change_status(
            complaint,
            to_status=Status.REFERRED,
            kind=EventKind.REFERRED,
            action="referred",
            by=by,
            now=now,
            message=message.strip() or referred_to,
            sms_kind="referred",
            fields={"referred_to": referred_to, **_finish_fields(now)},
        )


def complaint_mark_duplicate(
    *, complaint: Complaint, of: Complaint, by, now: datetime.datetime | None = None
) -> Complaint:
    """An open complaint repeats `of` (same commune; a duplicate points to the original it repeats)."""
    now = now or timezone.now()
    of = Complaint.objects.select_related("duplicate_of").get(pk=of.pk)
    original = of.duplicate_of or of
    if original.commune_id != complaint.commune_id or original.pk == complaint.pk:
        raise ValidationError({"duplicate_of": _("Choisissez une autre plainte de la même commune.")})
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        check_status(complaint, OPEN_STATUSES)
        return _change_status(
            complaint,
            to_status=Status.DUPLICATE,
            kind=EventKind.DUPLICATE,
            action="marked_duplicate",
            by=by,
            now=now,
            message=original.code,
            sms_kind="duplicate",
            sms_original=original.code,
            fields={"duplicate_of": original, **_finish_fields(now)},
        )


def complaint_note(*, complaint: Complaint, by, text: str, now: datetime.datetime | None = None):
    """An internal note on the timeline: staff only, never public, no SMS."""
    text = require_text(text, field="text", message=_("Écrivez la note."))
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        event = add_event(complaint, EventKind.NOTE, by=by, note=text, is_public=False, now=now)
        _audit(complaint, "noted", by)
    return event


def complaints_bulk_assign(*, complaints, assignee, by, now: datetime.datetime | None = None) -> int:
    """Assign (or reassign) several complaints at once; those in other statuses are left alone.

    Each complaint goes through complaint_assign / complaint_reassign (same checks, events, SMS, audit).
    Returns how many were given to `assignee`.
    """
    changed = 0
    with transaction.atomic():
        for complaint in complaints:
            if complaint.status in ASSIGNABLE:
                complaint_assign(complaint=complaint, assignee=assignee, by=by, now=now)
            elif complaint.status in REASSIGNABLE and complaint.assignee_id != assignee.pk:
                complaint_reassign(complaint=complaint, assignee=assignee, by=by, now=now)
            else:
                continue
            changed += 1
    return changed


@dataclass(frozen=True)
class ReporterIdentity:
    name: str
    phone: str
    user_id: int | None


def complaint_reveal_identity(*, complaint: Complaint, by) -> ReporterIdentity:
    """Who filed the complaint, for a handler (a focal point if sensitive). Each view of a sensitive
    complaint's reporter is logged (`grievances.identity_viewed`)."""
    if by is None:
        raise PermissionDenied(_("Vous ne pouvez pas traiter cette plainte."))
    check_may_handle(complaint, by)
    identity = ReporterIdentity(
        name=complaint.reporter_name,
        phone=complaint.reporter_phone.as_e164 if complaint.reporter_phone else "",
        user_id=complaint.reporter_id,
    )
    if complaint.is_sensitive:
        with transaction.atomic():
            _audit(complaint, "identity_viewed", by)
    return identity
