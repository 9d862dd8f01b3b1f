from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from palabre.core.seeding import demo_seeders


class Command(BaseCommand):
    help = "Load the demo data of every app (each app's demo.seed), in INSTALLED_APPS order. Idempotent."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo accounts have published passwords: set PALABRE_DEMO=1 to seed them.")
        for label, seed in demo_seeders():
            self.stdout.write(f"Seeding {label}...")
            seed(stdout=self.stdout)
        self.stdout.write("Demo data ready.")
