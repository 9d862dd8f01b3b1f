"""`manage.py worker`: django-tasks' database worker (`db_worker`, same options) that survives the
database's transient errors instead of dying on them.

`db_worker` ignores a locked SQLite database only while it claims a task; anywhere else (opening the
claiming transaction, recording a task's result, a PostgreSQL restart) an `OperationalError` ends the
process, and the queued SMS then wait forever. This worker logs the error, waits (1 s, doubling up to 30 s),
reconnects and goes on. `scripts/serve` also restarts it if it stops for any other reason.
"""

import logging
import time

from django.db import DatabaseError, close_old_connections, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger("palabre.worker")
FIRST_DELAY_SECONDS = 1.0
LONGEST_DELAY_SECONDS = 30.0


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        delay = FIRST_DELAY_SECONDS
        while self.running:
            try:
                return super().run()
            except DatabaseError:
                logger.exception("Task worker: database error, retrying in %.0f s", delay)
                connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, LONGEST_DELAY_SECONDS)
                close_old_connections()
        return None


class Command(db_worker.Command):
    help = "Run the database task worker (as db_worker), surviving transient database errors."

    def handle(self, *args, **options):
        db_worker.Worker = ResilientWorker  # db_worker's command builds its worker from this name
        return super().handle(*args, **options)
