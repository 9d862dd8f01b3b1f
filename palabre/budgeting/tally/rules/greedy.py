"""Greedy rules: take projects in decreasing order of a score, skipping (or stopping at) what no longer fits.

Exactly pabutools' `greedy_utilitarian_welfare` for additive satisfactions: the order key is the score
(greedy by votes or points) or the score per unit of cost; a project with no score comes last (and is still
funded if it fits, as pabutools does); a project costing nothing with some score comes first.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from math import inf

from ..election import Election
from ..tiebreak import tie_key


def _density(score, cost: Fraction, per_cost: bool):
    if score <= 0:
        return 0
    if cost <= 0:
        return inf
    return Fraction(score) / cost if per_cost else score


def greedy_order(
    election: Election, scores: Mapping[str, object], *, per_cost: bool = False, tie_breaking: str = "id"
) -> list[str]:
    """Every project id, best first."""
    tie = tie_key(election, tie_breaking)
    projects = election.projects
    return sorted(
        projects,
        key=lambda project: (-_density(scores[project], projects[project].cost, per_cost), tie(project)),
    )


def greedy_fill(
    election: Election,
    order: list[str],
    already: list[str] = (),
    *,
    skip: bool = True,
) -> list[str]:
    """`already` followed by the projects of `order` that fit in what is left of the budget.

    With skip=False, stop at the first project that does not fit (pabulib's `greedy-no-skip`)."""
    selected = list(already)
    chosen = set(selected)
    remaining = election.budget - election.cost_of(selected)
    for project in order:
        if project in chosen:
            continue
        cost = election.projects[project].cost
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
