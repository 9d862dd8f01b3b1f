from django.core.management.base import BaseCommand

from palabre.core.audit import audit_anchor


class Command(BaseCommand):
    help = (
        "Append the audit chain's head (count, last id, hash, time) to the anchor file and the log, and "
        "print it: keep the line elsewhere, then check with verify_audit --anchor '<line>'."
    )

    def handle(self, *args, **options):
        self.stdout.write(audit_anchor().line())
