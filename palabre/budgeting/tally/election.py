"""Data types of a participatory-budgeting election, independent of Django and of any file format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import chain
from math import lcm

APPROVAL_TYPES = ("approval", "choose-1")
POINT_TYPES = ("cumulative", "scoring")
VOTE_TYPES = (*APPROVAL_TYPES, *POINT_TYPES, "ordinal")


@dataclass(frozen=True)
class Project:
    """A project: its id as written in the file (always a string), its exact cost, other columns as text."""

    id: str
    cost: Fraction
    fields: dict[str, str] = field(default_factory=dict, compare=True, hash=False)

    @property
    def name(self) -> str:
        return self.fields.get("name", "")


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot: the projects in the order written (the ranking for ordinal ballots).

    `points` is set for cumulative and scoring ballots (one value per project), None otherwise.
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Fraction, ...] | None = None
    fields: dict[str, str] = field(default_factory=dict, compare=True, hash=False)


@dataclass
class Election:
    """An election: META key/values, projects in file order, ballots in file order."""

    meta: dict[str, str]
    projects: dict[str, Project]
    ballots: list[Ballot]

    def __post_init__(self) -> None:
        if self.vote_type not in VOTE_TYPES:
            raise ValueError(f"unknown vote type {self.vote_type!r}")
        for ballot in self.ballots:
            unknown = set(ballot.projects) - self.projects.keys()
            if unknown:
                raise ValueError(f"ballot {ballot.voter_id} names unknown projects {sorted(unknown)}")

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    @property
    def budget(self) -> Fraction:
        return Fraction(self.meta["budget"].replace(",", "."))

    @cached_property
    def votes(self) -> dict[str, int]:
        """Number of ballots naming each project (every project present, 0 if none)."""
        counts = Counter(chain.from_iterable(map(set, (ballot.projects for ballot in self.ballots))))
        return {project: counts[project] for project in self.projects}

    @cached_property
    def scores(self) -> dict[str, int | Fraction]:
        """Total score of each project: votes (approval), points (cumulative, scoring), or the sum of
        len(ballot) - position (ordinal: 3-2-1 for rankings of three projects). Integers when exact."""
        if self.vote_type in APPROVAL_TYPES:
            return dict(self.votes)
        totals: dict[str, int | Fraction] = dict.fromkeys(self.projects, 0)
        if self.vote_type == "ordinal":
            for ballot in self.ballots:
                count = len(ballot.projects)
                for position, project in enumerate(ballot.projects):
                    totals[project] += count - position
            return totals
        for ballot in self.ballots:
            for project, points in zip(ballot.projects, ballot.points or (), strict=True):
                totals[project] += points.numerator if points.denominator == 1 else points
        return totals

    def cost_of(self, project_ids) -> Fraction:
        units = self.money_units
        return Fraction(sum(units.costs[project] for project in project_ids), units.scale)

    @cached_property
    def money_units(self) -> MoneyUnits:
        """Costs and budget as exact integers (in 1/scale of the currency), for fast exact sums."""
        amounts = [self.budget, *(project.cost for project in self.projects.values())]
        scale = lcm(*(amount.denominator for amount in amounts))
        costs = {
            project_id: project.cost.numerator * (scale // project.cost.denominator)
            for project_id, project in self.projects.items()
        }
        budget = self.budget
        return MoneyUnits(scale, costs, budget.numerator * (scale // budget.denominator))


@dataclass(frozen=True)
class MoneyUnits:
    """Money as integers: `costs[project] / scale` and `budget / scale` are the exact amounts."""

    scale: int
    costs: dict[str, int]
    budget: int
