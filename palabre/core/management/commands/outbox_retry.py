from django.core.management.base import BaseCommand

from palabre.core.outbox import outbox_erase_final
from palabre.core.services import outbox_requeue_stuck


class Command(BaseCommand):
    help = (
        "Hand again to the worker the SMS left queued or sending by a crashed worker, and erase the number "
        "and text of final SMS that still hold them (safe to repeat)."
    )

    def handle(self, *args, **options):
        requeued = outbox_requeue_stuck()
        erased = outbox_erase_final()
        self.stdout.write(f"{requeued} message(s) requeued")
        if erased:
            self.stdout.write(f"{erased} final message(s) erased")
