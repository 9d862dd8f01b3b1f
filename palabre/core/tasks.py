"""Background work of the kernel, run by `manage.py db_worker`."""

from django_tasks import task

from palabre.core.outbox import outbox_deliver


@task()
def send_outbound_message(message_id: int) -> str:
    """Send one queued SMS; on failure the outbox re-enqueues this task with backoff."""
    return outbox_deliver(message_id=message_id)
