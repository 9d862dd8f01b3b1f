from django.core.management.base import BaseCommand

from palabre.grievances.tasks import run_sweeps


class Command(BaseCommand):
    help = (
        "Escalate overdue complaints, ask for ratings, close resolved complaints. Idempotent: run from cron."
    )

    def handle(self, *args, **options):
        counts = run_sweeps()
        self.stdout.write(" ".join(f"{name}={count}" for name, count in counts.items()))
