"""`manage.py worker` survives the database's transient errors (db_worker alone dies on them)."""

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.models import DBTaskResult, DBTaskResultQuerySet

from palabre.core.management.commands import worker
from palabre.core.tasks import send_outbound_message

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_worker_goes_on_after_a_database_error(monkeypatch):
    real_get_locked = DBTaskResultQuerySet.get_locked
    failures = iter([OperationalError("disk I/O error")])

    def get_locked_failing_once(self):
        error = next(failures, None)
        if error is not None:
            raise error
        return real_get_locked(self)

    monkeypatch.setattr(DBTaskResultQuerySet, "get_locked", get_locked_failing_once)
    waits = []
    monkeypatch.setattr(worker.time, "sleep", waits.append)
    result = send_outbound_message.enqueue(message_id=0)
    call_command("worker", batch=True, interval=0, startup_delay=False, verbosity=0)
    assert waits == [worker.FIRST_DELAY_SECONDS]
    assert DBTaskResult.objects.get(pk=result.id).status != "READY"
