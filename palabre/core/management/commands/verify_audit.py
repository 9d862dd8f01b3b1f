from django.core.management.base import BaseCommand, CommandError

from palabre.core.audit import AuditAnchor
from palabre.core.queries import audit_verify


class Command(BaseCommand):
    help = (
        "Walk the keyed audit chain: 'OK, N events' or every edited, forged, missing or re-chained event, "
        "and any truncation or rollback against the anchor file and the anchors given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="LINE",
            help="an anchor line printed by audit_anchor and kept elsewhere (may be repeated)",
        )
        parser.add_argument(
            "--no-anchor-file", action="store_true", help="ignore the anchor file (only the --anchor lines)"
        )

    def handle(self, *args, **options):
        try:
            anchors = [AuditAnchor.parse(line) for line in options["anchor"]]
        except ValueError as error:
            raise CommandError(str(error)) from error
        result = audit_verify(anchors=anchors, anchor_file=not options["no_anchor_file"])
        if not result.ok:
            for problem in result.problems:
                where = f"event #{problem.event_id}" if problem.event_id is not None else "anchors"
                self.stderr.write(f"{where}: {problem.text}")
            raise CommandError(
                f"Audit log broken at event #{result.broken_event_id}: {result.problem} "
                f"({result.checked} events verified before it, {len(result.problems)} problem(s))."
            )
        anchored = (
            f"; {result.anchors} anchor(s), the last at event #{result.last_anchor.last_id}"
            if result.last_anchor is not None
            else "; no anchor yet (run audit_anchor)"
        )
        self.stdout.write(f"OK, {result.checked} events{anchored}")
