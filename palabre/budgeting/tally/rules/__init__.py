"""The rule registry: every rule name `tally()` and `pb_tally --rule` accept."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..election import Election
from .equal_shares import equal_shares, equal_shares_add1
from .greedy import greedy, greedy_fill, greedy_order


def _threshold(election: Election) -> Fraction:
    return Fraction(election.meta.get("min_project_score_threshold", "0").replace(",", "."))


def _mes_complete(election: Election, tie_breaking: str, add1: dict) -> list[str]:
    """pabutools' "Add1u": MES (cost utilities) with Add1 completion, then greedy by votes."""
    options = {"integral_start": False, "exhaustive_stop": True, **add1}
    selected = equal_shares_add1(election, tie_breaking=tie_breaking, **options)
    order = greedy_order(election, election.votes, tie_breaking=tie_breaking)
    return greedy_fill(election, order, selected)


def _equalshares_add1(election: Election, tie_breaking: str, add1: dict) -> list[str]:
    """pabulib's `equalshares/add1`: MES with equalshares.net's Add1 (integral start, exhaustive stop)."""
    options = {"integral_start": True, "exhaustive_stop": True, **add1}
    return equal_shares_add1(election, tie_breaking=tie_breaking, **options)


Rule = Callable[[Election, str, dict], list[str]]

RULES: dict[str, Rule] = {
    "greedy": lambda election, tie, add1: greedy(election, tie_breaking=tie),
    "greedy-cost": lambda election, tie, add1: greedy(election, per_cost=True, tie_breaking=tie),
    "greedy-threshold": lambda election, tie, add1: greedy(
        election, threshold=_threshold(election), tie_breaking=tie
    ),
    "greedy-no-skip": lambda election, tie, add1: greedy(election, skip=False, tie_breaking=tie),
    "mes": lambda election, tie, add1: equal_shares(election, tie_breaking=tie),
    "equalshares": lambda election, tie, add1: equal_shares(election, tie_breaking=tie),
    "mes-cardinality": lambda election, tie, add1: equal_shares(
        election, utility="cardinality", tie_breaking=tie
    ),
    "mes-complete": _mes_complete,
    "equalshares/add1": _equalshares_add1,
}
"""Rule name -> function(election, tie_breaking, add1 switches) returning the selected ids in order."""
