"""The Method of Equal Shares (MES), with cost or cardinality utilities, and its "Add1" completion.

Ballots are read as approvals of the projects they name (pabutools does the same for cumulative and
ordinal ballots with `Cost_Sat` / `Cardinality_Sat`). Identical ballots are merged into weighted groups.
Projects nobody names are never funded by MES; projects costing nothing that somebody names are funded
first, in tie-breaking order (pabutools funds them up front too).

Add1 completion (equalshares.net, pabutools' `voter_budget_increment=1`): if MES leaves money unspent,
rerun it with one more currency unit per voter, again and again, keeping the last outcome that fits in the
real budget. Two switches, as equalshares.net's tool:
- integral start: the first run gives each voter floor(budget / voters) instead of budget / voters;
- exhaustive stop: stop as soon as an outcome is exhaustive (no other fundable project fits in what is
  left); without it, keep adding until the next outcome would overspend.
pabutools' variant is (integral start off, exhaustive stop on).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from math import floor

import numpy as np

from ..election import Election
from ..tiebreak import tie_key
from .add1_plateau import plateau_length
from .mes_engines import TOLERANCE, run_exact, run_fast

UTILITIES = ("cost", "cardinality")


@dataclass
class ApprovalData:
    """The election as MES needs it: projects it may fund, their supporters as weighted ballot groups.

    Costs are exact (`costs`) and in integer money units (`cost_units`: cost * money_scale, see
    `Election.money_units`)."""

    project_ids: list[str]
    costs: list[Fraction]
    cost_units: list[int]
    money_scale: int
    votes: list[int]
    free: list[str]
    ballot_count: int
    group_count: int
    supporter_lists: list[list[int]]
    weight_lists: list[list[int]]

    def __post_init__(self) -> None:
        self.cost_floats = [units / self.money_scale for units in self.cost_units]  # correctly rounded
        self.vote_floats = [float(votes) for votes in self.votes]
        lower = 1 - TOLERANCE
        self.initial_bounds_cost = [lower / votes for votes in self.vote_floats]
        self.initial_bounds_cardinality = [
            lower * cost / votes for cost, votes in zip(self.cost_floats, self.vote_floats, strict=True)
        ]

    @cached_property
    def supporters(self) -> list[np.ndarray]:
        """supporter_lists as numpy arrays (built on first use: small elections never need them)."""
        return [np.array(groups, dtype=np.int64) for groups in self.supporter_lists]

    @cached_property
    def weights(self) -> list[np.ndarray]:
        return [np.array(weights, dtype=np.float64) for weights in self.weight_lists]

    def equal_split_rho(self, project: int, cardinality: bool) -> Fraction:
        """Exact rho of a project whose supporters can all pay cost / votes."""
        if cardinality:
            return self.costs[project] / self.votes[project]
        return Fraction(1, self.votes[project])

    @classmethod
    def from_election(cls, election: Election, tie_breaking: str = "id") -> ApprovalData:
        groups = Counter([ballot.approved for ballot in election.ballots])
        groups.pop(frozenset(), None)
        supporters: dict[str, list[int]] = {project: [] for project in election.projects}
        group_weights = list(groups.values())
        for index, approved in enumerate(groups):
            for project in approved:
                supporters[project].append(index)
        money = election.money_units
        units = money.costs
        tie = tie_key(election, tie_breaking)
        named = sorted((project for project in election.projects if supporters[project]), key=tie)
        fundable = [project for project in named if units[project] > 0]
        weight_lists = [[group_weights[group] for group in supporters[project]] for project in fundable]
        return cls(
            project_ids=fundable,
            costs=[election.projects[project].cost for project in fundable],
            cost_units=[units[project] for project in fundable],
            money_scale=money.scale,
            votes=[sum(weights) for weights in weight_lists],
            free=[project for project in named if units[project] <= 0],
            ballot_count=len(election.ballots),
            group_count=len(group_weights),
            supporter_lists=[supporters[project] for project in fundable],
            weight_lists=weight_lists,
        )


def _run(data: ApprovalData, per_voter: Fraction, cardinality: bool) -> tuple[list[int], bool]:
    """Indices of the funded projects, and whether the fast engine settled every decision."""
    funded = run_fast(data, float(per_voter), cardinality)
    if funded is not None:
        return funded, True
    return run_exact(data, per_voter, cardinality, tie=lambda project: project), False


def mes_run(data: ApprovalData, per_voter: Fraction, utility: str = "cost") -> list[str]:
    """One MES run with the given budget per voter; ids of the funded projects in order.

    Ties between projects go to the earlier one in `data.project_ids` (built in tie-breaking order)."""
    if utility not in UTILITIES:
        raise ValueError(f"unknown utility {utility!r}, expected one of {UTILITIES}")
    if data.ballot_count == 0:
        return list(data.free)
    funded, _ = _run(data, per_voter, utility == "cardinality")
    return data.free + [data.project_ids[project] for project in funded]


def equal_shares(election: Election, *, utility: str = "cost", tie_breaking: str = "id") -> list[str]:
    """Plain MES (no completion): each voter starts with budget / number of ballots."""
    data = ApprovalData.from_election(election, tie_breaking)
    if data.ballot_count == 0:
        return list(data.free)
    return mes_run(data, election.budget / data.ballot_count, utility)


def equal_shares_add1(
    election: Election,
    *,
    utility: str = "cost",
    integral_start: bool = False,
    exhaustive_stop: bool = True,
    tie_breaking: str = "id",
) -> list[str]:
    """MES with Add1 completion (see the module docstring); defaults are pabutools' variant."""
    data = ApprovalData.from_election(election, tie_breaking)
    if data.ballot_count == 0:
        return list(data.free)
    units = election.money_units
    budget = units.budget - sum(units.costs[project] for project in data.free)
    per_voter = election.budget / data.ballot_count
    if integral_start:
        per_voter = Fraction(floor(per_voter))
    cardinality = utility == "cardinality"
    costs = data.cost_units
    outcome, fast = _run(data, per_voter, cardinality)
    skipper = _PlateauSkipper()
    while len(outcome) < len(costs):
        if exhaustive_stop and _is_exhaustive(outcome, costs, budget):
            break
        step = skipper.step(data, per_voter, cardinality, outcome) if fast else 1
        started = time.perf_counter()
        following, fast = _run(data, per_voter + step, cardinality)
        if sum(costs[project] for project in following) > budget:
            break
        skipper.ran(time.perf_counter() - started, same=following == outcome)
        outcome, per_voter = following, per_voter + step
    return data.free + [data.project_ids[project] for project in outcome]


class _PlateauSkipper:
    """Decides when to look for a plateau: once the outcome repeated (one run on the current plateau), if
    the last look saved at least the runs it cost; else (big elections whose outcome changes at almost
    every step) once the runs spent on the current plateau cost as much as the last look wasted (ski
    rental). A look over a long plateau makes many passes of the replay, each one saving many runs."""

    def __init__(self) -> None:
        self.run_seconds = 0.0
        self.plateau_seconds = 0.0
        self.wasted = 0.0

    def ran(self, seconds: float, *, same: bool) -> None:
        self.run_seconds = seconds
        self.plateau_seconds = self.plateau_seconds + seconds if same else 0.0

    def step(self, data, per_voter: Fraction, cardinality: bool, outcome: list[int]) -> int:
        if self.plateau_seconds == 0.0 or self.plateau_seconds < self.wasted:
            return 1
        started = time.perf_counter()
        step, _ = plateau_length(data, float(per_voter), cardinality, outcome)
        self.wasted = max(0.0, time.perf_counter() - started - (step - 1) * self.run_seconds)
        self.plateau_seconds = 0.0
        return step


def _is_exhaustive(outcome: list[int], costs: list[int], budget: int) -> bool:
    left = budget - sum(costs[project] for project in outcome)
    chosen = set(outcome)
    return all(cost > left for project, cost in enumerate(costs) if project not in chosen)
