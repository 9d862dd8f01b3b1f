"""Reads of the Open311 API: only active communes with complaints enabled, never a sensitive complaint.

Built on the domain's `Complaint.objects.public()`; lists are read as plain rows (`.values()`, joins in the
one query) holding only the columns the documents show: no reporter column is ever read, and a page of
1,000 builds no model instance.
"""

import datetime

from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from palabre.grievances.models import OPEN_STATUSES, Category, Complaint, ComplaintEvent, Status
from palabre.grievances.queries import active_categories
from palabre.territory.models import Commune, Module

MAX_RESULTS = 1000
# The columns a service request document shows, read as plain rows (no model instances: 1,000 per page).
REQUEST_VALUES = (
    "code",
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
    "village_id",
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


def _public_requests(commune: Commune) -> QuerySet:
    """Rows (dicts of REQUEST_VALUES) of the commune's non-sensitive complaints: joins category, village,
    arrondissement and duplicate_of in the one query; no reporter column is read."""
    return Complaint.objects.public().filter(commune=commune).values(*REQUEST_VALUES)


def open311_request(commune: Commune, code: str) -> dict | None:
    return _public_requests(commune).filter(code=code.upper()).first()


def open311_requests(
    commune: Commune,
    *,
    codes: list[str],
    service_codes: list[str],
    statuses: list[str],
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[dict]:
    """GET requests: `codes` (tracking codes) override every other filter; else the complaints filed in
    [start, end] of these service codes and open/closed statuses (all when empty), newest first, at most
    MAX_RESULTS, as rows of REQUEST_VALUES."""
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
    return list(complaints.order_by("-created_at", "-id")[:MAX_RESULTS])


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


def open311_updates(commune: Commune, *, start: datetime.datetime, end: datetime.datetime) -> QuerySet:
    """FixMyStreet's servicerequestupdates: public timeline events of the commune's non-sensitive
    complaints in [start, end], oldest first, at most MAX_RESULTS, as rows (id, code, created_at, message,
    status_then); the message is public text, never the internal note.

    The commune and the window are read on the events themselves (`grv_event_commune_idx`, in order):
    only the commune's events reach the join to their complaint, which gives the code and drops the
    sensitive ones. Filtering on the complaint's commune instead joined every event of the window, of
    every commune (~41,000 "since today" on 1 M complaints), to its complaint."""
    return (
        ComplaintEvent.objects.filter(
            commune=commune,
            is_public=True,
            created_at__gte=start,
            created_at__lte=end,
            complaint__is_sensitive=False,
        )
        .annotate(status_then=_status_then())
        .order_by("created_at", "id")
        .values("id", "complaint__code", "created_at", "message", "status_then")[:MAX_RESULTS]
    )
