"""Background work of the grievances module, run by `manage.py db_worker` (or cron: `grievances_sweep`)."""

from django_tasks import task

from palabre.grievances.services import auto_close_sweep, escalation_sweep, rating_request_sweep


def run_sweeps() -> dict[str, int]:
    """Every sweep once, now: escalation, rating requests, auto-close. Each is idempotent."""
    return {
        "escalated": escalation_sweep(),
        "rating_requested": rating_request_sweep(),
        "closed": auto_close_sweep(),
    }


@task()
def grievances_sweep() -> dict[str, int]:
    return run_sweeps()
