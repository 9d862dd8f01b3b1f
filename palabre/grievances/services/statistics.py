"""The statistics snapshot of each commune: marked stale after a complaint changes state, refreshed by a
background task (at most one pending per commune) or by the hourly sweep, read by the public page.

Race-free without locks: a refresh first *claims* the marker (clears it), then computes; a change committed
after the claim marks the snapshot again (after its own commit) and queues another refresh, and a change
committed before the claim is already visible to the computation.
"""

import datetime
import json
from functools import partial

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from palabre.grievances.models import ComplaintStatsSnapshot
from palabre.territory.models import Commune


def stats_mark_stale(*, commune_id: int) -> None:
    """Once the current transaction commits: mark the commune's snapshot stale and queue its refresh,
    unless one is already pending. Nothing to do while the commune has no snapshot (the page computes
    the first one)."""
    transaction.on_commit(partial(_mark_stale_now, commune_id))


def _mark_stale_now(commune_id: int) -> None:
    marked = ComplaintStatsSnapshot.objects.filter(commune_id=commune_id, stale_since__isnull=True).update(
        stale_since=timezone.now()
    )
    if marked:
        from palabre.grievances.tasks import stats_refresh_task  # the task module imports the services

        stats_refresh_task.enqueue(commune_id)


def stats_refresh(*, commune: Commune, force: bool = False) -> ComplaintStatsSnapshot | None:
    """Recompute the commune's snapshot if it is stale or missing (always with `force`); returns it, or
    None when it was fresh. Idempotent: a second refresh of a fresh snapshot does nothing."""
    from palabre.grievances.queries import commune_statistics  # queries imports services.common

    started = timezone.now()
    claimed = ComplaintStatsSnapshot.objects.filter(commune=commune, stale_since__isnull=False).update(
        stale_since=None
    )
    if not (claimed or force) and ComplaintStatsSnapshot.objects.filter(commune=commune).exists():
        return None
    try:
        data = _as_stored(commune_statistics(commune=commune, today=timezone.localdate(started)))
    except Exception:
        if claimed:
            _mark_stale_now(commune.pk)  # keep the refresh pending
        raise
    snapshot, _created = ComplaintStatsSnapshot.objects.update_or_create(
        commune=commune, defaults={"data": data, "computed_at": started}
    )
    return snapshot


def _as_stored(statistics: dict) -> dict:
    """The statistics as the JSON column gives them back (months as ISO strings), so the returned snapshot
    reads the same as one loaded from the database."""
    return json.loads(json.dumps(statistics, cls=DjangoJSONEncoder))


def stats_refresh_stale(*, now: datetime.datetime | None = None) -> int:
    """The sweep's part: refresh every snapshot that is stale (a lost or failed task) or was computed
    before today (on-time rates depend on the day). Returns how many were recomputed."""
    now = now or timezone.now()
    start_of_today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    outdated = ComplaintStatsSnapshot.objects.filter(
        Q(stale_since__isnull=False) | Q(computed_at__lt=start_of_today)
    ).values_list("commune_id", flat=True)
    communes = Commune.objects.filter(pk__in=list(outdated))
    return sum(stats_refresh(commune=commune, force=True) is not None for commune in communes)
