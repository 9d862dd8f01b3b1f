"""What officers do with a complaint: one service per step of the status machine (transitions.py), each
audited.

`by` is the staff user acting (checked: a handler of the complaint's commune, a focal point for a
sensitive complaint), or None for the system itself (sweeps, demo data).
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.models import User
from palabre.core.services import audit_record
from palabre.grievances.models import Complaint, ComplaintEvent, EventKind
from palabre.grievances.permissions import handler_roles, roles_may_handle
from palabre.grievances.services.common import (
    add_event,
    check_may_handle,
    check_status,
    notify_reporter,
    require_text,
)
from palabre.grievances.services.transitions import (
    ACKNOWLEDGE,
    ASSIGN,
    ASSIGNABLE,
    CLOSE,
    MARK_DUPLICATE,
    REASSIGNABLE,
    REFER,
    REJECT,
    RESOLVE,
    START,
    Transition,
)


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _audit(complaint: Complaint, action: str, by: User | None, **data: object) -> None:
    audit_record(
        action=f"grievances.{action}",
        actor_id=getattr(by, "pk", None),
        commune_id=complaint.commune_id,
        target=complaint,
        data={"code": complaint.code, **data},
    )


Fields = Callable[[Complaint], dict[str, Any]]


def _transit(
    complaint: Complaint,
    transition: Transition,
    *,
    by: User | None,
    now: datetime.datetime,
    message: str = "",
    note: str = "",
    fields: Fields | None = None,
    check: Callable[[Complaint], None] | None = None,
    sms_date_of_due: bool = False,
    sms_original: str = "",
) -> Complaint:
    """One step of the status machine (no transaction of its own: the public service opens it). Lock the
    complaint, check `by` and the from-state (then `check`), save the to-state and `fields(complaint)`,
    add the timeline event, text the reporter, audit."""
    complaint = _locked(complaint)
    check_may_handle(complaint, by)
    check_status(complaint, transition.from_statuses)
    if check is not None:
        check(complaint)
    from_status = complaint.status
    to_status = transition.to_status_of(complaint)
    sms_date = complaint.resolve_due_on if sms_date_of_due else None
    values = fields(complaint) if fields is not None else {}
    complaint.status = to_status
    complaint.status_changed_at = now
    for name, value in values.items():
        setattr(complaint, name, value)
    complaint.save()
    event = add_event(
        complaint,
        transition.event_kind,
        by=by,
        from_status=from_status,
        to_status=to_status,
        message=message,
        note=note,
        now=now,
    )
    notify_reporter(
        complaint, transition.sms_kind, key=f"event:{event.pk}", date=sms_date, original=sms_original
    )
    _audit(complaint, transition.action, by, from_status=from_status, to_status=to_status)
    return complaint


def _after_acknowledgement(complaint: Complaint, now: datetime.datetime) -> dict[str, Any]:
    """Once acknowledged, the next deadline that can escalate is the resolution deadline."""
    today = timezone.localdate(now)
    return {
        "acknowledged_at": complaint.acknowledged_at or now,
        "escalation_due_on": max(complaint.resolve_due_on, complaint.escalation_due_on or today)
        if complaint.escalation_level < 2
        else None,
        "is_overdue": complaint.resolve_due_on < today,
    }


def _finish_fields(now: datetime.datetime) -> dict[str, Any]:
    return {"closed_at": now, "is_overdue": False, "escalation_due_on": None}


def _assignee_checker(assignee: User) -> Callable[[Complaint], None]:
    def check(complaint: Complaint) -> None:
        roles = handler_roles(assignee, complaint.commune_id)
        if not roles_may_handle(roles, is_sensitive=complaint.is_sensitive):
            raise ValidationError(
                {"assignee": _("Cette personne ne traite pas les plaintes de cette nature dans la commune.")}
            )

    return check


def complaint_acknowledge(
    *, complaint: Complaint, by: User | None, message: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Acknowledge receipt: received -> acknowledged (-> assigned if it already has an assignee)."""
    moment = now or timezone.now()
    with transaction.atomic():
        return _transit(
            complaint,
            ACKNOWLEDGE,
            by=by,
            now=moment,
            message=message.strip(),
            sms_date_of_due=True,
            fields=lambda locked: _after_acknowledgement(locked, moment),
        )


def _assign(
    complaint: Complaint, *, assignee: User, by: User | None, note: str, now: datetime.datetime
) -> Complaint:
    return _transit(
        complaint,
        ASSIGN,
        by=by,
        now=now,
        note=note.strip(),
        check=_assignee_checker(assignee),
        fields=lambda locked: {"assignee": assignee, **_after_acknowledgement(locked, now)},
    )


def complaint_assign(
    *,
    complaint: Complaint,
    assignee: User,
    by: User | None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Complaint:
    """Give a received or acknowledged complaint to an officer (acknowledges it too): -> assigned."""
    with transaction.atomic():
        return _assign(complaint, assignee=assignee, by=by, note=note, now=now or timezone.now())


def _reassign(
    complaint: Complaint, *, assignee: User, by: User | None, note: str, now: datetime.datetime
) -> Complaint:
    complaint = _locked(complaint)
    check_may_handle(complaint, by)
    check_status(complaint, REASSIGNABLE)
    _assignee_checker(assignee)(complaint)
    previous = complaint.assignee_id
    complaint.assignee = assignee
    complaint.save(update_fields=["assignee"])
    add_event(complaint, EventKind.REASSIGNED, by=by, note=note.strip(), is_public=False, now=now)
    _audit(complaint, "reassigned", by, from_assignee=previous, to_assignee=assignee.pk)
    return complaint


def complaint_reassign(
    *,
    complaint: Complaint,
    assignee: User,
    by: User | None,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Complaint:
    """Give an assigned or in-progress complaint to another officer (internal: no SMS, status kept)."""
    with transaction.atomic():
        return _reassign(complaint, assignee=assignee, by=by, note=note, now=now or timezone.now())


def complaint_start(
    *, complaint: Complaint, by: User | None, message: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Work begins: acknowledged/assigned -> in_progress (the officer acting becomes the assignee if none)."""
    with transaction.atomic():
        return _transit(
            complaint,
            START,
            by=by,
            now=now or timezone.now(),
            message=message.strip(),
            fields=lambda locked: {} if locked.assignee_id or by is None else {"assignee": by},
        )


def complaint_resolve(
    *,
    complaint: Complaint,
    by: User | None,
    message: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Complaint:
    """Say what was done: -> resolved. `message` (public) is required. The reporter may disagree."""
    moment = now or timezone.now()
    message = require_text(message, field="message", message=_("Dites au citoyen ce qui a été fait."))
    with transaction.atomic():
        return _transit(
            complaint,
            RESOLVE,
            by=by,
            now=moment,
            message=message,
            note=note.strip(),
            fields=lambda locked: {
                "resolved_at": moment,
                "acknowledged_at": locked.acknowledged_at or moment,
                "is_overdue": False,
                "escalation_due_on": None,
                "rating_requested_at": None,
            },
        )


def _close(complaint: Complaint, *, by: User | None, message: str, now: datetime.datetime) -> Complaint:
    """Close a resolved complaint: the step complaint_close and the auto-close sweep share (no transaction
    of its own)."""
    return _transit(
        complaint, CLOSE, by=by, now=now, message=message.strip(), fields=lambda _locked: {"closed_at": now}
    )


def complaint_close(
    *, complaint: Complaint, by: User | None, message: str = "", now: datetime.datetime | None = None
) -> Complaint:
    """Close a resolved complaint for good (by an officer, or by the system after the waiting period)."""
    with transaction.atomic():
        return _close(complaint, by=by, message=message, now=now or timezone.now())


def complaint_reject(
    *, complaint: Complaint, by: User | None, reason: str, now: datetime.datetime | None = None
) -> Complaint:
    """Refuse an open complaint; the reason (required) is public on the tracking page."""
    moment = now or timezone.now()
    reason = require_text(reason, field="reason", message=_("Donnez le motif du rejet."))
    with transaction.atomic():
        return _transit(
            complaint,
            REJECT,
            by=by,
            now=moment,
            message=reason,
            fields=lambda _locked: {"rejection_reason": reason, **_finish_fields(moment)},
        )


def complaint_refer(
    *,
    complaint: Complaint,
    by: User | None,
    referred_to: str,
    message: str = "",
    now: datetime.datetime | None = None,
) -> Complaint:
    """Send an open complaint outside the commune's competence (to whom: required), e.g. the Médiateur
    de la République or the anti-corruption line for a sensitive complaint."""
    moment = now or timezone.now()
    referred_to = require_text(
        referred_to, field="referred_to", message=_("Dites à qui la plainte est transmise.")
    )
    with transaction.atomic():
        return _transit(
            complaint,
            REFER,
            by=by,
            now=moment,
            message=message.strip() or referred_to,
            fields=lambda _locked: {"referred_to": referred_to, **_finish_fields(moment)},
        )


def complaint_mark_duplicate(
    *, complaint: Complaint, of: Complaint, by: User | None, now: datetime.datetime | None = None
) -> Complaint:
    """An open complaint repeats `of` (same commune; a duplicate points to the original it repeats)."""
    moment = now or timezone.now()
    of = Complaint.objects.select_related("duplicate_of").get(pk=of.pk)
    original = of.duplicate_of or of
    if original.commune_id != complaint.commune_id or original.pk == complaint.pk:
        raise ValidationError({"duplicate_of": _("Choisissez une autre plainte de la même commune.")})
    with transaction.atomic():
        return _transit(
            complaint,
            MARK_DUPLICATE,
            by=by,
            now=moment,
            message=original.code,
            sms_original=original.code,
            fields=lambda _locked: {"duplicate_of": original, **_finish_fields(moment)},
        )


def complaint_note(
    *, complaint: Complaint, by: User | None, text: str, now: datetime.datetime | None = None
) -> ComplaintEvent:
    """An internal note on the timeline: staff only, never public, no SMS."""
    text = require_text(text, field="text", message=_("Écrivez la note."))
    with transaction.atomic():
        complaint = _locked(complaint)
        check_may_handle(complaint, by)
        event = add_event(complaint, EventKind.NOTE, by=by, note=text, is_public=False, now=now)
        _audit(complaint, "noted", by)
    return event


def complaints_bulk_assign(
    *,
    complaints: Iterable[Complaint],
    assignee: User,
    by: User | None,
    now: datetime.datetime | None = None,
) -> int:
    """Assign (or reassign) several complaints at once; those in other statuses are left alone.

    Each complaint goes through the steps of complaint_assign / complaint_reassign (same checks, events,
    SMS, audit), all in one transaction. Returns how many were given to `assignee`.
    """
    moment = now or timezone.now()
    changed = 0
    with transaction.atomic():
        for complaint in complaints:
            if complaint.status in ASSIGNABLE:
                _assign(complaint, assignee=assignee, by=by, note="", now=moment)
            elif complaint.status in REASSIGNABLE and complaint.assignee_id != assignee.pk:
                _reassign(complaint, assignee=assignee, by=by, note="", now=moment)
            else:
                continue
            changed += 1
    return changed


@dataclass(frozen=True)
class ReporterIdentity:
    name: str
    phone: str
    user_id: int | None


def complaint_reveal_identity(*, complaint: Complaint, by: User | None) -> ReporterIdentity:
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
