from django.core.management.base import BaseCommand

from palabre.core.services import outbox_requeue_stuck


class Command(BaseCommand):
    help = "Hand again to the worker the SMS left queued or sending by a crashed worker (safe to repeat)."

    def handle(self, *args, **options):
        requeued = outbox_requeue_stuck()
        self.stdout.write(f"{requeued} message(s) requeued")
