"""Background work of the grievances module, run by `manage.py db_worker` (or cron: `grievances_sweep`)."""

from django_tasks import task

from palabre.grievances.services import (
    auto_close_sweep,
    escalation_sweep,
    rating_request_sweep,
    stats_refresh,
    stats_refresh_stale,
)
from palabre.territory.models import Commune


def run_sweeps() -> dict[str, int]:
    """Every sweep once, now: escalation, rating requests, auto-close, then the statistics snapshots left
    stale or computed before today. Each is idempotent."""
    return {
        "escalated": escalation_sweep(),
        "rating_requested": rating_request_sweep(),
        "closed": auto_close_sweep(),
        "statistics_refreshed": stats_refresh_stale(),
    }


@task()
def grievances_sweep() -> dict[str, int]:
    return run_sweeps()


@task()
def stats_refresh_task(commune_id: int) -> bool:
    """Recompute one commune's statistics snapshot, queued by `stats_mark_stale` (at most one pending)."""
    commune = Commune.objects.filter(pk=commune_id).first()
    return commune is not None and stats_refresh(commune=commune) is not None
