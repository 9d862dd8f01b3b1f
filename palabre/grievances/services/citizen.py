"""What a reporter does with their tracking code: look it up, add information, disagree, rate."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palabre.accounts.services import hash_ip
from palabre.core.choices import Channel
from palabre.core.services import audit_record, guarded_lookup
from palabre.grievances.deadlines import add_working_days, working_days_for
from palabre.grievances.models import OPEN_STATUSES, Complaint, ComplaintEvent, EventKind, Status
from palabre.grievances.services.common import (
    add_event,
    check_status,
    normalize_code,
    notify_reporter,
    require_text,
)
from palabre.grievances.services.transitions import REOPEN
from palabre.territory.models import Commune

TRACKING_SCOPE = "grievances.tracking"


def tracking_lookup(
    *, code: str, ip: str, commune: Commune | None = None, now: datetime.datetime | None = None
) -> Complaint | None:
    """The complaint with this tracking code (in `commune` if given), or None.

    Each unknown code counts against the caller's (hashed) address; after ten in an hour, raises
    core's GuessesLimited, even for a right code, until the oldest failure leaves the hour.
    Sensitive complaints are found too: the tracking page shows them their status only.
    """
    complaints = Complaint.objects.select_related("category")
    if commune is not None:
        complaints = complaints.filter(commune=commune)
    return guarded_lookup(
        scope=TRACKING_SCOPE,
        ip_hash=hash_ip(ip),
        lookup=complaints.filter(code=normalize_code(code)).first,
        now=now,
    )


def _find(code: str, commune: Commune | None) -> Complaint:
    complaints = Complaint.objects.select_for_update()
    if commune is not None:
        complaints = complaints.filter(commune=commune)
    complaint = complaints.filter(code=normalize_code(code)).first()
    if complaint is None:
        raise ValidationError({"code": _("Aucune plainte ne porte ce code.")}, code="unknown")
    return complaint


def complaint_add_information(
    *,
    code: str,
    text: str,
    channel: str = Channel.WEB,
    commune: Commune | None = None,
    now: datetime.datetime | None = None,
) -> ComplaintEvent:
    """The reporter adds information to a complaint that is not finished. The text is for staff only
    (it may name people); the public timeline says that information was added."""
    text = require_text(text, field="text", message=_("Écrivez ce que vous voulez ajouter."))
    with transaction.atomic():
        complaint = _find(code, commune)
        check_status(complaint, (*OPEN_STATUSES, Status.RESOLVED))
        event = add_event(complaint, EventKind.INFORMATION, note=text, now=now)
        audit_record(
            action="grievances.information_added",
            commune_id=complaint.commune_id,
            target=complaint,
            data={"code": complaint.code, "channel": channel},
        )
    return event


def complaint_disagree(
    *,
    code: str,
    reason: str,
    channel: str = Channel.WEB,
    commune: Commune | None = None,
    now: datetime.datetime | None = None,
) -> Complaint:
    """The reporter disagrees with the resolution: the complaint reopens (in progress if it has an
    assignee, else acknowledged) with a fresh resolution deadline. The reason is for staff only."""
    now = now or timezone.now()
    reason = require_text(reason, field="reason", message=_("Dites pourquoi vous n'êtes pas d'accord."))
    with transaction.atomic():
        complaint = _find(code, commune)
        check_status(complaint, REOPEN.from_statuses)
        from_status = complaint.status
        resolve_due_on = add_working_days(
            timezone.localdate(now),
            working_days_for(complaint.category.resolve_working_days, complaint.severity),
        )
        complaint.status = REOPEN.to_status_of(complaint)
        complaint.status_changed_at = now
        complaint.resolved_at = None
        complaint.resolve_due_on = resolve_due_on
        complaint.escalation_due_on = resolve_due_on if complaint.escalation_level < 2 else None
        complaint.rating_requested_at = None
        complaint.rating = None
        complaint.reopened_count += 1
        complaint.save()
        event = add_event(
            complaint,
            REOPEN.event_kind,
            from_status=from_status,
            to_status=complaint.status,
            note=reason,
            now=now,
        )
        notify_reporter(complaint, REOPEN.sms_kind, key=f"event:{event.pk}")
        audit_record(
            action=f"grievances.{REOPEN.action}",
            commune_id=complaint.commune_id,
            target=complaint,
            data={"code": complaint.code, "channel": channel, "reopened_count": complaint.reopened_count},
        )
    return complaint


def complaint_rate(
    *, complaint: Complaint, rating: int, channel: str = Channel.WEB, now: datetime.datetime | None = None
) -> Complaint:
    """The reporter's rating, 1 (not at all satisfied) to 5, of a resolved or closed complaint."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Donnez une note de 1 à 5.")}, code="range")
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
        check_status(complaint, (Status.RESOLVED, Status.CLOSED))
        complaint.rating = rating
        complaint.save(update_fields=["rating"])
        add_event(complaint, EventKind.RATED, message=str(rating), is_public=False, now=now)
        audit_record(
            action="grievances.rated",
            commune_id=complaint.commune_id,
            target=complaint,
            data={"code": complaint.code, "rating": rating, "channel": channel},
        )
    return complaint
