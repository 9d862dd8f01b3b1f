"""The two engines of one Method of Equal Shares run at a fixed per-voter budget.

`run_fast` works in floats over numpy arrays and watches every decision whose outcome floats could flip: the
choice of the next project (the best and the runner-up closer than TOLERANCE, relatively, including exact
ties) and a project's affordability (its supporters' money within TOLERANCE of its cost). On such a
near-tie it gives up (returns None) and `run_exact` recomputes the run in exact fractions, breaking exact
ties with the tie-breaking key. Away from near-ties the float run takes the same decisions as the exact one:
its rounding errors (about 1e-13 relative after a run) stay far below the tolerance. Exact ties are frequent
(two projects with as many votes, all of whose supporters can pay an equal share: both have rho = 1/votes
with cost utilities), so when every near-tied project is in that equal-split case, their exact rho is known
without the budgets and the fast run settles the tie itself (the smaller index wins).

Both follow pabutools' `method_of_equal_shares`: each voter starts with the same budget; a project of cost
c approved by voters with utilities u_i is affordable at factor rho if sum_i min(b_i, rho * u_i) = c (cost
utilities: u_i = c; cardinality utilities: u_i = 1); the project with the smallest rho is funded, each
supporter paying min(b_i, rho * u_i); projects whose supporters cannot pay any more are dropped. Previous
rho values are lower bounds (budgets only decrease), so each round only re-evaluates the projects whose
bound could still beat the best one found (the lazy evaluation of equalshares.net's implementation).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction
from math import inf

import numpy as np

TOLERANCE = 1e-9


def run_fast(data, per_voter: float, cardinality: bool) -> list[int] | None:
    """Indices of the funded projects in order, or None on a near-tie (then use run_exact)."""
    budgets = np.full(data.group_count, per_voter, dtype=np.float64)
    costs, supporters, weights, totals = data.cost_floats, data.supporters, data.weights, data.vote_floats
    bounds = list(data.initial_bounds_cardinality if cardinality else data.initial_bounds_cost)
    alive = list(range(len(costs)))
    selected: list[int] = []
    upper, lower = 1 + TOLERANCE, 1 - TOLERANCE
    while alive:
        best = inf
        evaluated = []
        unaffordable = []
        for project in sorted(alive, key=bounds.__getitem__):
            if bounds[project] > best * upper:
                break
            cost = costs[project]
            paying = budgets[supporters[project]]
            money = float(paying @ weights[project])
            if money < cost * lower:
                unaffordable.append(project)
                continue
            if money <= cost * upper:
                return None
            alpha = cost / totals[project]
            exact = paying.min() > alpha * upper
            if not exact:
                alpha = capped_share(paying, weights[project], cost, totals[project])
            rho = alpha if cardinality else alpha / cost
            bounds[project] = rho * lower
            best = min(best, rho)
            evaluated.append((rho, project, alpha, exact))
        for project in unaffordable:
            alive.remove(project)
        if not evaluated:
            return selected
        contenders = [entry for entry in evaluated if entry[0] <= best * upper]
        if len(contenders) > 1:
            if not all(exact for *_, exact in contenders):
                return None
            contenders.sort(key=lambda entry: (data.equal_split_rho(entry[1], cardinality), entry[1]))
        _, winner, alpha, _ = contenders[0]
        paying_voters = supporters[winner]
        budgets[paying_voters] = np.maximum(budgets[paying_voters] - alpha, 0.0)
        selected.append(winner)
        alive.remove(winner)
    return selected


def capped_share(paying: np.ndarray, weights: np.ndarray, cost: float, total_weight: float) -> float:
    """The largest payment alpha with sum(weights * min(paying, alpha)) == cost."""
    order = np.argsort(paying, kind="stable")
    sorted_budgets, sorted_weights = paying[order], weights[order]
    paid_before = np.concatenate(([0.0], np.cumsum(sorted_budgets * sorted_weights)[:-1]))
    weight_left = total_weight - np.concatenate(([0.0], np.cumsum(sorted_weights)[:-1]))
    shares = (cost - paid_before) / weight_left
    return float(shares[int(np.argmax(shares <= sorted_budgets))])


def run_exact(data, per_voter: Fraction, cardinality: bool, tie: Callable[[int], tuple]) -> list[int]:
    """Indices of the funded projects in order, in exact arithmetic; exact ties go to the smallest tie key."""
    budgets = [per_voter] * data.group_count
    costs, supporters, weights, totals = data.costs, data.supporter_lists, data.weight_lists, data.votes
    bounds = {
        project: (cost / totals[project] if cardinality else Fraction(1, totals[project]))
        for project, cost in enumerate(costs)
    }
    selected: list[int] = []
    while bounds:
        best = None
        tied: list[int] = []
        shares: dict[int, Fraction] = {}
        for project in sorted(bounds, key=bounds.__getitem__):
            if best is not None and bounds[project] > best:
                break
            money_by_budget: dict[Fraction, int] = defaultdict(int)
            for group, weight in zip(supporters[project], weights[project], strict=True):
                money_by_budget[budgets[group]] += weight
            cost = costs[project]
            if sum(budget * weight for budget, weight in money_by_budget.items()) < cost:
                del bounds[project]
                continue
            alpha = _exact_share(money_by_budget, cost, totals[project])
            rho = alpha if cardinality else alpha / cost
            bounds[project] = rho
            shares[project] = alpha
            if best is None or rho < best:
                best, tied = rho, [project]
            elif rho == best:
                tied.append(project)
        if not tied:
            return selected
        winner = min(tied, key=tie)
        alpha = shares[winner]
        for group in supporters[winner]:
            budgets[group] -= min(budgets[group], alpha)
        selected.append(winner)
        del bounds[winner]
    return selected


def _exact_share(money_by_budget: dict[Fraction, int], cost: Fraction, total_weight: int) -> Fraction:
    paid, weight_left = Fraction(0), total_weight
    for budget in sorted(money_by_budget):
        share = (cost - paid) / weight_left
        if share <= budget:
            return share
        paid += budget * money_by_budget[budget]
        weight_left -= money_by_budget[budget]
    raise AssertionError("an affordable project always has a share")
