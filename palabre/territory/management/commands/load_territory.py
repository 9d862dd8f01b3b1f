from django.core.management.base import BaseCommand

from palabre.territory.services import territory_load


class Command(BaseCommand):
    help = "Load Benin's departments, communes and pilot arrondissements and villages (idempotent)."

    def handle(self, *args, **options) -> None:
        report = territory_load()
        if not report.changed:
            self.stdout.write("Territory already up to date.")
            return
        self.stdout.write(
            f"Territory loaded: created {report.as_dict()['created']}, updated {report.as_dict()['updated']}."
        )
