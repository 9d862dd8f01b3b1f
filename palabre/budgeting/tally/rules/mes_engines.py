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
from operator import mul

import numpy as np

TOLERANCE = 1e-9
LIST_ENGINE_MAX_GROUPS = 150
"""Up to this many voter groups, the float engine keeps the money in a list rather than numpy."""


def run_fast(data, per_voter: float, cardinality: bool) -> list[int] | None:
    """Indices of the funded projects in order, or None on a near-tie (then use run_exact)."""
    budgets = (ListBudgets if data.group_count <= LIST_ENGINE_MAX_GROUPS else ArrayBudgets)(data, per_voter)
    costs, totals = data.cost_floats, data.vote_floats
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
            paying = budgets.paying(project)
            alpha = cost / totals[project]
            exact = budgets.smallest(paying) > alpha * upper  # then the money is well above the cost
            if not exact:
                money = budgets.money(project, paying)
                if money < cost * lower:
                    unaffordable.append(project)
                    continue
                if money <= cost * upper:
                    return None
                alpha = budgets.capped_share(project, paying)
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
        budgets.pay(winner, alpha)
        selected.append(winner)
        alive.remove(winner)
    return selected


class ListBudgets:
    """The voter groups' money as a Python list: on small elections, cheaper than numpy's per-call cost."""

    def __init__(self, data, per_voter: float) -> None:
        self.data = data
        self.values = [per_voter] * data.group_count

    def paying(self, project: int) -> list[float]:
        """The money of the project's supporter groups."""
        values = self.values
        return [values[group] for group in self.data.supporter_lists[project]]

    def money(self, project: int, paying: list[float]) -> float:
        return sum(map(mul, paying, self.data.weight_lists[project]))

    smallest = staticmethod(min)

    def capped_share(self, project: int, paying: list[float]) -> float:
        """The largest payment alpha with sum(weights * min(paying, alpha)) == cost: going through the
        supporters from the poorest, the first whose money covers the equal share of what is left."""
        paid, weight_left = 0.0, self.data.vote_floats[project]
        cost = self.data.cost_floats[project]
        for budget, weight in sorted(zip(paying, self.data.weight_lists[project], strict=True)):
            share = (cost - paid) / weight_left
            if share <= budget:
                return share
            paid += budget * weight
            weight_left -= weight
        raise AssertionError("an affordable project always has a share")

    def pay(self, project: int, alpha: float) -> None:
        values = self.values
        for group in self.data.supporter_lists[project]:
            left = values[group] - alpha
            values[group] = left if left > 0.0 else 0.0


class ArrayBudgets:
    """The voter groups' money as a numpy array, for large elections."""

    def __init__(self, data, per_voter: float) -> None:
        self.data = data
        self.values = np.full(data.group_count, per_voter, dtype=np.float64)

    def paying(self, project: int) -> np.ndarray:
        return self.values[self.data.supporters[project]]

    def money(self, project: int, paying: np.ndarray) -> float:
        return float(paying @ self.data.weights[project])

    def smallest(self, paying: np.ndarray) -> float:
        return float(paying.min())

    def capped_share(self, project: int, paying: np.ndarray) -> float:
        data = self.data
        return capped_share(
            paying, data.weights[project], data.cost_floats[project], data.vote_floats[project]
        )

    def pay(self, project: int, alpha: float) -> None:
        groups = self.data.supporters[project]
        self.values[groups] = np.maximum(self.values[groups] - alpha, 0.0)


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
