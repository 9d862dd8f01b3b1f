"""Participatory-budgeting tally engine: pure Python (and numpy), no Django.

    from palabre.budgeting.tally import read_pabulib, tally
    result = tally(read_pabulib("file.pb"), "mes-complete")
    result.selected, result.budget_used

See docs/tally.md for the rules, tie-breaking and the agreement with pabutools.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .election import Ballot, Election, Project
from .pabulib import PabulibError, parse_pabulib, read_pabulib, write_pabulib
from .rules import RULES
from .tiebreak import TIE_BREAKINGS

__all__ = [
    "RULES",
    "TIE_BREAKINGS",
    "Ballot",
    "Election",
    "PabulibError",
    "Project",
    "TallyResult",
    "UnknownRule",
    "parse_pabulib",
    "read_pabulib",
    "tally",
    "write_pabulib",
]


class UnknownRule(ValueError):
    """The rule name (or the file's META rule, for `meta`) is not one Palabre computes."""


@dataclass(frozen=True)
class TallyResult:
    rule: str
    selected: list[str]
    budget_used: Fraction


def tally(
    election: Election,
    rule: str,
    *,
    tie_breaking: str = "id",
    integral_start: bool | None = None,
    exhaustive_stop: bool | None = None,
) -> TallyResult:
    """Compute the projects `rule` selects, in selection order.

    rule: a name of RULES, or "meta" for the rule named in the file's META. integral_start and
    exhaustive_stop override the Add1 switches of `mes-complete` and `equalshares/add1` (None: the rule's
    own default)."""
    if rule == "meta":
        rule = election.meta.get("rule", "")
    if rule not in RULES:
        raise UnknownRule(f"unknown rule {rule!r}; known rules: {', '.join(RULES)}, meta")
    add1 = {"integral_start": integral_start, "exhaustive_stop": exhaustive_stop}
    add1 = {name: value for name, value in add1.items() if value is not None}
    selected = RULES[rule](election, tie_breaking, add1)
    return TallyResult(rule, selected, election.cost_of(selected))
