"""Greedy rules: take projects in decreasing order of a score, skipping (or stopping at) what no longer fits.

Exactly pabutools' `greedy_utilitarian_welfare` for additive satisfactions: the order key is the score
(greedy by votes or points) or the score per unit of cost; a project with no score comes last (and is still
funded if it fits, as pabutools does); a project costing nothing with some score comes first.

Speed without losing exactness: money is summed in integer units (`Election.money_units`), and densities
are sorted by their correctly rounded float first (x < y implies float(x) <= float(y)), the exact ratio
deciding only between equal floats.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import inf

from ..election import Election
from ..tiebreak import tie_key


def _score_key(score, cost: int):
    if score <= 0:
        return 0
    return inf if cost <= 0 else score


class _Density:
    """The exact ratio score / cost (cost in integer money units; 0: infinite), ordered from the largest
    down."""

    __slots__ = ("denominator", "numerator")

    def __init__(self, score, cost: int) -> None:
        if score <= 0:
            self.numerator, self.denominator = 0, 1
        elif cost <= 0:
            self.numerator, self.denominator = 1, 0
        else:
            self.numerator, self.denominator = score.numerator, score.denominator * cost

    def as_float(self) -> float:
        return self.numerator / self.denominator if self.denominator else float("inf")

    def __eq__(self, other: object) -> bool:
        return self.numerator * other.denominator == other.numerator * self.denominator

    def __lt__(self, other: _Density) -> bool:
        return self.numerator * other.denominator > other.numerator * self.denominator

    __hash__ = None


def greedy_order(
    election: Election, scores: Mapping[str, object], *, per_cost: bool = False, tie_breaking: str = "id"
) -> list[str]:
    """Every project id, best first."""
    tie = tie_key(election, tie_breaking)
    costs = election.money_units.costs
    if not per_cost:
        return sorted(costs, key=lambda project: (-_score_key(scores[project], costs[project]), tie(project)))

    def key(project):
        density = _Density(scores[project], costs[project])
        return -density.as_float(), density, tie(project)

    return sorted(costs, key=key)


def greedy_fill(
    election: Election,
    order: list[str],
    already: list[str] = (),
    *,
    skip: bool = True,
) -> list[str]:
    """`already` followed by the projects of `order` that fit in what is left of the budget.

    With skip=False, stop at the first project that does not fit (pabulib's `greedy-no-skip`)."""
    units = election.money_units
    selected = list(already)
    chosen = set(selected)
    remaining = units.budget - sum(units.costs[project] for project in selected)
    for project in order:
        if project in chosen:
            continue
        cost = units.costs[project]
        if cost <= remaining:
            selected.append(project)
            remaining -= cost
        elif not skip:
            break
    return selected


def greedy(
    election: Election,
    *,
    per_cost: bool = False,
    threshold=None,
    skip: bool = True,
    tie_breaking: str = "id",
) -> list[str]:
    """Greedy by score (votes for approval ballots, points for cumulative/scoring/ordinal ones).

    per_cost: order by score per unit of cost; threshold: leave out projects scoring below it
    (pabulib's `min_project_score_threshold`); skip=False: stop at the first project that does not fit."""
    scores = election.scores
    order = greedy_order(election, scores, per_cost=per_cost, tie_breaking=tie_breaking)
    if threshold is not None:
        order = [project for project in order if scores[project] >= threshold]
    return greedy_fill(election, order, skip=skip)
