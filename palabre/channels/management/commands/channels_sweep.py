from django.core.management.base import BaseCommand

from palabre.channels.retention import inbound_sweep


class Command(BaseCommand):
    help = (
        "Delete inbound requests older than PALABRE_INBOUND_RETENTION_DAYS and USSD sessions past the "
        "resume window. Idempotent: run from cron (scripts/serve runs it every few minutes)."
    )

    def handle(self, *args, **options):
        counts = inbound_sweep()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
