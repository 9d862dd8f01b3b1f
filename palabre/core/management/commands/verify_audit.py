from django.core.management.base import BaseCommand, CommandError

from palabre.core.queries import audit_verify


class Command(BaseCommand):
    help = "Walk the hash-chained audit log: 'OK, N events' or the first edited or orphaned event."

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            raise CommandError(
                f"Audit log broken at event #{result.broken_event_id}: {result.problem} "
                f"({result.checked} events verified before it)."
            )
        self.stdout.write(f"OK, {result.checked} events")
