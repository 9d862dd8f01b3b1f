from django.core.management.base import BaseCommand, CommandError

from palabre.grievances.open311.keys import api_key_issue
from palabre.grievances.open311.queries import open311_commune


class Command(BaseCommand):
    help = "Issue a new Open311 API key for a commune; the key is printed once, as the last word."

    def add_arguments(self, parser) -> None:
        parser.add_argument("commune_slug")
        parser.add_argument("--label", default="", help="Who the key is for (default: issued by command).")

    def handle(self, *args, commune_slug: str, label: str, **options) -> None:
        commune = open311_commune(commune_slug)
        if commune is None:
            raise CommandError(f"No active commune with complaints enabled: {commune_slug}")
        api_key, raw_key = api_key_issue(commune=commune, label=label or "manage.py open311_key")
        self.stdout.write(f"Open311 key #{api_key.pk} for {commune.slug} (shown once): {raw_key}")
