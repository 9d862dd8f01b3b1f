"""The statistics snapshot: marked stale on status changes (one pending refresh per commune), refreshed by
the task or the sweep, read by the public page in one query."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from palabre.grievances import queries, services
from palabre.grievances.models import ComplaintStatsSnapshot
from palabre.grievances.tasks import run_sweeps, stats_refresh_task

REFRESH_TASK = "palabre.grievances.tasks.stats_refresh_task"


def refreshes_queued() -> int:
    return DBTaskResult.objects.filter(task_path=REFRESH_TASK).count()


@pytest.fixture
def snapshot(bohicon, file_complaint):
    for _ in range(6):
        file_complaint()
    return services.stats_refresh(commune=bohicon, force=True)


def test_refresh_stores_what_commune_statistics_computes(snapshot, bohicon):
    expected = queries.commune_statistics(commune=bohicon)
    assert snapshot.statistics["received"] == expected["received"] == 6
    assert snapshot.statistics["by_category"] == expected["by_category"]
    assert [row["group"] for row in snapshot.statistics["by_month"]] == [datetime.date(2025, 1, 1)]
    stored = ComplaintStatsSnapshot.objects.get(commune=bohicon)
    assert stored.statistics == snapshot.statistics


def test_status_change_marks_stale_once_and_queues_one_refresh(
    snapshot, bohicon, file_complaint, officer, django_capture_on_commit_callbacks
):
    complaint = file_complaint()
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_acknowledge(complaint=complaint, by=officer)
    snapshot.refresh_from_db()
    assert snapshot.stale_since is not None
    with django_capture_on_commit_callbacks(execute=True):
        file_complaint()
        services.complaint_note(complaint=complaint, by=officer, text="Appelé le chef de village.")
    assert refreshes_queued() == 1  # debounced: the refresh already pending covers later changes


def test_note_without_status_change_does_not_mark_stale(
    snapshot, file_complaint, officer, django_capture_on_commit_callbacks
):
    complaint = file_complaint()
    ComplaintStatsSnapshot.objects.update(stale_since=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.complaint_note(complaint=complaint, by=officer, text="Rien de nouveau.")
    snapshot.refresh_from_db()
    assert snapshot.stale_since is None


def test_refresh_task_recomputes_after_a_status_change(
    snapshot, bohicon, file_complaint, officer, django_capture_on_commit_callbacks
):
    complaints = [file_complaint() for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for complaint in complaints:
            services.complaint_acknowledge(complaint=complaint, by=officer)
    assert stats_refresh_task.call(bohicon.pk) is True
    snapshot.refresh_from_db()
    assert snapshot.stale_since is None
    assert snapshot.statistics["received"] == 11


def test_refresh_is_idempotent(snapshot, bohicon):
    computed_at = snapshot.computed_at
    assert services.stats_refresh(commune=bohicon) is None  # fresh: nothing recomputed
    assert stats_refresh_task.call(bohicon.pk) is False
    snapshot.refresh_from_db()
    assert snapshot.computed_at == computed_at
    assert ComplaintStatsSnapshot.objects.count() == 1


def test_sweep_refreshes_stale_and_yesterdays_snapshots(snapshot, bohicon, toffo):
    other = services.stats_refresh(commune=toffo, force=True)
    assert run_sweeps()["statistics_refreshed"] == 0
    ComplaintStatsSnapshot.objects.filter(commune=bohicon).update(stale_since=timezone.now())
    ComplaintStatsSnapshot.objects.filter(commune=toffo).update(
        computed_at=other.computed_at - datetime.timedelta(days=1)
    )
    assert run_sweeps()["statistics_refreshed"] == 2
    assert not ComplaintStatsSnapshot.objects.filter(stale_since__isnull=False).exists()


def test_page_computes_the_first_snapshot_then_reads_it(client, bohicon, file_complaint):
    for _ in range(6):
        file_complaint()
    url = reverse("grievances:statistics", args=[bohicon.slug])
    assert "<dd>6</dd>" in client.get(url).text
    assert ComplaintStatsSnapshot.objects.filter(commune=bohicon).exists()
    file_complaint()  # no commit callbacks here: the snapshot is not refreshed yet
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert "<dd>6</dd>" in response.text
    assert "Chiffres du" in response.text
    assert sum('"grievances_complaint"' in query["sql"] for query in captured) == 0
    assert sum('"grievances_complaintstatssnapshot"' in query["sql"] for query in captured) == 1
