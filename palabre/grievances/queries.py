"""Reads on complaints: the officers' queue, the public list, timelines, "me too" suggestions, statistics.

Every list names its select_related. Statistics are aggregated in SQL (GROUP BY), never by looping over
complaints in Python; the public page reads them precomputed (`statistics_snapshot`, refreshed by
services.stats_refresh), since aggregating a large commune's complaints takes seconds at a million rows.
"""

import datetime
from typing import Any

from django.db import connection
from django.db.models import Count, DurationField, ExpressionWrapper, F, Func, Q, QuerySet
from django.db.models.expressions import Combinable
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from palabre.accounts.models import Membership, User
from palabre.grievances.models import (
    OPEN_STATUSES,
    Category,
    Complaint,
    ComplaintEvent,
    ComplaintStatsSnapshot,
    ResponseTemplate,
    Status,
)
from palabre.grievances.permissions import FOCAL_POINT, HANDLER_ROLES, SENSITIVE_ROLES
from palabre.grievances.services.common import normalize_code
from palabre.territory.models import Commune, Village

QUEUE_RELATED = ("category", "arrondissement", "village", "assignee")
PUBLIC_RELATED = ("category", "arrondissement", "village")
SMALL_COUNT = 5  # groups smaller than this are not shown (people could be recognised)
CLOSED_FOR_STATS = (Status.RESOLVED, Status.CLOSED)


def active_categories(commune: Commune) -> QuerySet[Category]:
    return Category.objects.filter(commune=commune, is_active=True).order_by("position", "name")


def fallback_category(commune: Commune, *, code: str) -> Category | None:
    """The commune's active category `code` ("other"), else its first active one (None if none is)."""
    categories = active_categories(commune)
    return categories.filter(code=code).first() or categories.first()


def villages_of_arrondissement(commune: Commune, arrondissement_id: int) -> QuerySet[Village]:
    """The villages and quartiers of one arrondissement of the commune (none if it is another's)."""
    return Village.objects.filter(arrondissement_id=arrondissement_id, arrondissement__commune=commune)


def response_templates(category: Category) -> QuerySet[ResponseTemplate]:
    return ResponseTemplate.objects.filter(category=category).order_by("position", "title")


def _search(complaints: QuerySet[Complaint], text: str) -> QuerySet[Complaint]:
    text = text.strip()
    if not text:
        return complaints
    code = normalize_code(text)
    return complaints.filter(
        Q(code=code) | Q(description__icontains=text) | Q(place_description__icontains=text)
    )


def officer_queue(
    *,
    commune: Commune,
    roles: set[str],
    status: str = "",
    category: Category | None = None,
    arrondissement_id: int | None = None,
    assignee_id: int | None = None,
    overdue_only: bool = False,
    search: str = "",
) -> QuerySet[Complaint]:
    """The complaints an officer works on: open ones by default (or one `status`), overdue first, then
    oldest first. Sensitive complaints only for focal points (`roles`: the viewer's handler roles, from
    permissions.handler_roles). select_related: category, arrondissement, village, assignee."""
    complaints = Complaint.objects.filter(commune=commune).select_related(*QUEUE_RELATED)
    if not roles.intersection(HANDLER_ROLES):
        return complaints.none()
    if not roles.intersection(SENSITIVE_ROLES):
        complaints = complaints.filter(is_sensitive=False)
    complaints = complaints.filter(status=status) if status else complaints.filter(status__in=OPEN_STATUSES)
    if category is not None:
        complaints = complaints.filter(category=category)
    if arrondissement_id:
        complaints = complaints.filter(arrondissement_id=arrondissement_id)
    if assignee_id:
        complaints = complaints.filter(assignee_id=assignee_id)
    if overdue_only:
        complaints = complaints.filter(is_overdue=True)
    return _search(complaints, search).order_by("-is_overdue", "created_at", "id")


def public_complaints(
    *,
    commune: Commune,
    status: str = "",
    category: Category | None = None,
    arrondissement_id: int | None = None,
) -> QuerySet[Complaint]:
    """Non-sensitive complaints of the commune for anyone, newest first; the reporter's phone and account
    are not loaded (use `complaint.public_name` for the name). select_related: category, arrondissement,
    village."""
    complaints = (
        Complaint.objects.public()
        .filter(commune=commune)
        .select_related(*PUBLIC_RELATED)
        .defer("reporter_phone", "reporter", "reporter_gender", "reporter_age_band")
    )
    if status:
        complaints = complaints.filter(status=status)
    if category is not None:
        complaints = complaints.filter(category=category)
    if arrondissement_id:
        complaints = complaints.filter(arrondissement_id=arrondissement_id)
    return complaints.order_by("-created_at", "-id")


def complaint_timeline(complaint: Complaint, *, public_only: bool = True) -> QuerySet[ComplaintEvent]:
    """The complaint's events, oldest first; public ones only unless staff. select_related: actor.
    Public pages show `message`, never `note` nor the actor of a citizen's event."""
    events = ComplaintEvent.objects.filter(complaint=complaint).select_related("actor")
    if public_only:
        events = events.filter(is_public=True)
    return events.order_by("created_at", "id")


def complaint_similar_open(
    *, commune: Commune, category: Category, village_id: int | None, limit: int = 5
) -> QuerySet[Complaint]:
    """Open, non-sensitive complaints of the same category and village, most supported first: offered
    as "me too" before filing. Nothing without a village. select_related: category, village."""
    if not village_id or category.is_sensitive:
        return Complaint.objects.none()
    return (
        Complaint.objects.filter(
            commune=commune,
            category=category,
            village_id=village_id,
            status__in=OPEN_STATUSES,
            is_sensitive=False,
        )
        .select_related("category", "village")
        .order_by("-supporters_count", "-created_at")[:limit]
    )


def assignable_officers(complaint: Complaint) -> QuerySet[User]:
    """The people a complaint can be given to: handlers of its commune (focal points if sensitive)."""
    roles = SENSITIVE_ROLES if complaint.is_sensitive else HANDLER_ROLES
    member_ids = Membership.objects.filter(commune_id=complaint.commune_id, role__in=roles).values("user_id")
    return User.objects.filter(pk__in=member_ids, is_active=True).order_by("display_name")


def focal_points(commune: Commune) -> QuerySet[User]:
    member_ids = Membership.objects.filter(commune=commune, role=FOCAL_POINT).values("user_id")
    return User.objects.filter(pk__in=member_ids).order_by("display_name")


# --- Statistics -----------------------------------------------------------------------------------------


class _Median(Func):
    """PostgreSQL's exact median of an interval, in seconds."""

    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM %(expressions)s))"
    contains_aggregate = True


def _duration() -> ExpressionWrapper:
    return ExpressionWrapper(F("resolved_at") - F("created_at"), output_field=DurationField())


def median_days_to_resolve(complaints: QuerySet[Complaint]) -> float | None:
    """The median time from filing to resolution, in days, of the resolved complaints given."""
    resolved = complaints.filter(resolved_at__isnull=False).order_by()
    if connection.vendor == "postgresql":
        seconds = resolved.aggregate(median=_Median(_duration()))["median"]
        return None if seconds is None else round(seconds / 86400, 1)
    count = resolved.count()
    if not count:
        return None
    ordered = resolved.annotate(duration=_duration()).order_by("duration").values_list("duration", flat=True)
    middle = list(ordered[(count - 1) // 2 : count // 2 + 1])
    seconds = sum(value.total_seconds() for value in middle) / len(middle)
    return round(seconds / 86400, 1)


def _shown(count: int) -> int | None:
    """The count, or None when it is too small to show."""
    return count if count >= SMALL_COUNT else None


def _grouped(complaints: QuerySet[Complaint], key: Combinable) -> list[dict[str, Any]]:
    """Counts per group: non-sensitive complaints always, sensitive ones only when they are >= 5 in the
    group; groups whose total is under 5 show None."""
    rows = (
        complaints.order_by()
        .values(group=key)
        .annotate(
            plain=Count("id", filter=Q(is_sensitive=False)),
            sensitive=Count("id", filter=Q(is_sensitive=True)),
            plain_resolved=Count("id", filter=Q(is_sensitive=False, status__in=CLOSED_FOR_STATS)),
        )
        .order_by("group")
    )
    groups = []
    for row in rows:
        sensitive = row["sensitive"] if row["sensitive"] >= SMALL_COUNT else 0
        total = row["plain"] + sensitive
        if not total:
            continue
        groups.append(
            {"group": row["group"], "received": _shown(total), "resolved": _shown(row["plain_resolved"])}
        )
    return groups


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole >= SMALL_COUNT else None


def commune_statistics(
    *,
    commune: Commune,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> dict:
    """The commune's complaint statistics for [since, until): totals, on-time rates, median days to
    resolve, and counts by category, arrondissement, month, channel, declared gender and age band.
    Counts under 5 are None (shown as "moins de 5"); sensitive complaints only count in groups of 5+."""
    today = today or timezone.localdate()
    complaints = Complaint.objects.filter(commune=commune)
    if since is not None:
        complaints = complaints.filter(created_at__gte=since)
    if until is not None:
        complaints = complaints.filter(created_at__lt=until)
    plain = complaints.filter(is_sensitive=False)
    totals = _totals(plain, today)
    return {
        "received": _shown(totals["received"]),
        "resolved": _shown(totals["resolved"]),
        "acknowledged_on_time_percent": _rate(totals["ack_on_time"], totals["ack_due"]),
        "resolved_on_time_percent": _rate(totals["resolve_on_time"], totals["resolve_due"]),
        "median_days_to_resolve": median_days_to_resolve(plain)
        if totals["resolved"] >= SMALL_COUNT
        else None,
        "by_category": _grouped(complaints, F("category__name")),
        "by_arrondissement": _grouped(complaints, F("arrondissement__name")),
        "by_month": _grouped(complaints, TruncMonth("created_at")),
        "by_channel": _grouped(complaints, F("channel")),
        "by_gender": _grouped(complaints, F("reporter_gender")),
        "by_age_band": _grouped(complaints, F("reporter_age_band")),
    }


def statistics_snapshot(commune: Commune) -> ComplaintStatsSnapshot | None:
    """The commune's precomputed statistics (one query), or None before the first computation. Its
    `statistics` is what `commune_statistics` returned at `computed_at`."""
    return ComplaintStatsSnapshot.objects.filter(commune=commune).first()


def _totals(plain: QuerySet[Complaint], today: datetime.date) -> dict:
    """Totals over non-sensitive complaints (sensitive ones appear only in groups of five or more)."""
    dated = plain.order_by().annotate(
        ack_date=TruncDate("acknowledged_at"), resolve_date=TruncDate("resolved_at")
    )
    return dated.aggregate(
        received=Count("id"),
        resolved=Count("id", filter=Q(status__in=CLOSED_FOR_STATS)),
        ack_due=Count("id", filter=Q(acknowledged_at__isnull=False) | Q(ack_due_on__lt=today)),
        ack_on_time=Count("id", filter=Q(acknowledged_at__isnull=False, ack_date__lte=F("ack_due_on"))),
        resolve_due=Count("id", filter=Q(resolved_at__isnull=False) | Q(resolve_due_on__lt=today)),
        resolve_on_time=Count(
            "id", filter=Q(resolved_at__isnull=False, resolve_date__lte=F("resolve_due_on"))
        ),
    )


def commune_handlers(commune: Commune, *, sensitive: bool) -> QuerySet[User]:
    """The commune's active complaint handlers (focal points only for sensitive complaints): the choices
    of the queue's assignee filter and of bulk assignment (`assignable_officers` is for one complaint)."""
    roles = SENSITIVE_ROLES if sensitive else HANDLER_ROLES
    member_ids = Membership.objects.filter(commune=commune, role__in=roles).values("user_id")
    return User.objects.filter(pk__in=member_ids, is_active=True).order_by("display_name")


def complaints_of_phone(phone: str, *, limit: int) -> QuerySet[Complaint]:
    """The latest complaints filed from this phone (anonymous ones keep no phone, so they never show)."""
    return Complaint.objects.filter(reporter_phone=phone).order_by("-created_at")[:limit]


def complaint_of_reporter(code: str, phone: str) -> Complaint | None:
    """The complaint with this tracking code, only if it was filed from this phone."""
    return Complaint.objects.filter(code=normalize_code(code), reporter_phone=phone).first()


def settings_categories(commune: Commune) -> QuerySet[Category]:
    """All the commune's categories, inactive ones included, with their people and template counts
    (1 query)."""
    return (
        Category.objects.filter(commune=commune)
        .select_related("head", "default_assignee")
        .annotate(templates_count=Count("response_templates"))
        .order_by("position", "name")
    )
