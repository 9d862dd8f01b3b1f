"""Compute the winners of a pabulib election: `manage.py pb_tally FILE.pb --rule RULE [--json]`."""

import argparse
import json

from django.core.management.base import BaseCommand, CommandError

from palabre.budgeting.tally import RULES, TIE_BREAKINGS, PabulibError, UnknownRule, read_pabulib, tally
from palabre.budgeting.tally.pabulib import format_number


class Command(BaseCommand):
    help = "Compute the projects a participatory-budgeting rule selects on a pabulib (.pb) file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="pabulib .pb file")
        parser.add_argument("--rule", default="meta", help=f"one of {', '.join(RULES)}, or meta (the file's)")
        parser.add_argument("--tie-breaking", default="id", choices=TIE_BREAKINGS)
        parser.add_argument(
            "--integral-start", action=argparse.BooleanOptionalAction, default=None, help="Add1 switch"
        )
        parser.add_argument(
            "--exhaustive-stop", action=argparse.BooleanOptionalAction, default=None, help="Add1 switch"
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        try:
            election = read_pabulib(options["file"])
            result = tally(
                election,
                options["rule"],
                tie_breaking=options["tie_breaking"],
                integral_start=options["integral_start"],
                exhaustive_stop=options["exhaustive_stop"],
            )
        except (OSError, PabulibError, UnknownRule) as error:
            raise CommandError(str(error)) from error
        used = result.budget_used
        if options["json"]:
            payload = {
                "selected": result.selected,
                "rule": result.rule,
                "budget_used": used.numerator if used.denominator == 1 else float(used),
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        self.stdout.write(f"{result.rule}: {len(result.selected)} projects, {format_number(used)} used")
        for project in result.selected:
            self.stdout.write(f"  {project}  {election.projects[project].name}")
