"""Reads of the Open311 API: only active communes with complaints enabled, never a sensitive complaint.

Built on the domain's `Complaint.objects.public()`; each list names its select_related and loads only the
columns the documents show (no reporter column is ever read).
"""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from palabre.grievances.models import OPEN_STATUSES, Category, Complaint, ComplaintEvent, Status
from palabre.grievances.queries import active_categories
from palabre.territory.models import Commune, Module

MAX_RESULTS = 1000
REQUEST_RELATED = ("category", "village", "arrondissement", "duplicate_of")
REQUEST_FIELDS = (
    "code",
    "commune_id",
    "status",
    "description",
    "created_at",
    "closed_at",
    "status_changed_at",
    "resolve_due_on",
    "place_description",
    "latitude",
    "longitude",
    "rejection_reason",
    "referred_to",
    "category__code",
    "category__name",
    "category__responsible_service",
    "village__name",
    "arrondissement__name",
    "duplicate_of__code",
)
CLOSED_STATUSES = tuple(status for status in Status.values if status not in OPEN_STATUSES)


def open311_commune(slug: str) -> Commune | None:
    """The jurisdiction: an active commune that runs the complaints module."""
    commune = Commune.objects.active().filter(slug=slug).first()
    if commune is None or Module.COMPLAINTS not in (commune.modules or []):
        return None
    return commune


def open311_services(commune: Commune) -> QuerySet[Category]:
    """The categories a client may file in: active and not sensitive."""
    return active_categories(commune).filter(is_sensitive=False)


def open311_service(commune: Commune, code: str) -> Category | None:
    return open311_services(commune).filter(code=code).first()


def _public_requests(commune: Commune) -> QuerySet[Complaint]:
    return (
        Complaint.objects.public()
        .filter(commune=commune)
        .select_related(*REQUEST_RELATED)
        .only(*REQUEST_FIELDS)
    )


def _attach_commune(complaints, commune: Commune) -> list[Complaint]:
    rows = list(complaints)
    for complaint in rows:
        complaint.commune = commune
    return rows


def open311_request(commune: Commune, code: str) -> Complaint | None:
    rows = _attach_commune(_public_requests(commune).filter(code=code.upper())[:1], commune)
    return rows[0] if rows else None


def open311_requests(
    commune: Commune,
    *,
    codes: list[str],
    service_codes: list[str],
    statuses: list[str],
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[Complaint]:
    """GET requests: `codes` (tracking codes) override every other filter; else the complaints filed in
    [start, end] of these service codes and open/closed statuses (all when empty), newest first, at most
    MAX_RESULTS. select_related: category, village, arrondissement, duplicate_of."""
    complaints = _public_requests(commune)
    if codes:
        complaints = complaints.filter(code__in=[code.upper() for code in codes])
    else:
        complaints = complaints.filter(created_at__gte=start, created_at__lte=end)
        if service_codes:
            complaints = complaints.filter(category__code__in=service_codes)
        if statuses == ["open"]:
            complaints = complaints.filter(status__in=OPEN_STATUSES)
        elif statuses == ["closed"]:
            complaints = complaints.filter(status__in=CLOSED_STATUSES)
    return _attach_commune(complaints.order_by("-created_at", "-id")[:MAX_RESULTS], commune)


def _status_then():
    """The complaint's status when the event happened: its own new status, else the latest one before."""
    earlier = (
        ComplaintEvent.objects.filter(
            complaint_id=OuterRef("complaint_id"), created_at__lte=OuterRef("created_at")
        )
        .exclude(to_status="")
        .order_by("-created_at", "-id")
        .values("to_status")[:1]
    )
    return Coalesce(NullIf("to_status", Value("")), Subquery(earlier), Value(Status.RECEIVED))


def open311_updates(
    commune: Commune, *, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[ComplaintEvent]:
    """FixMyStreet's servicerequestupdates: public timeline events of the commune's non-sensitive
    complaints in [start, end], oldest first, at most MAX_RESULTS, annotated with `status_then`.
    select_related: complaint (its code only); the message is public text, never the internal note."""
    return (
        ComplaintEvent.objects.filter(
            complaint__commune=commune,
            complaint__is_sensitive=False,
            is_public=True,
            created_at__gte=start,
            created_at__lte=end,
        )
        .select_related("complaint")
        .only("created_at", "message", "to_status", "complaint__code")
        .annotate(status_then=_status_then())
        .order_by("created_at", "id")[:MAX_RESULTS]
    )
