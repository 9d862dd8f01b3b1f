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

    `points` is set for cumulative and scoring ballots (one value per project: an int, or a Fraction when
    not whole), None otherwise. `approved` is the set of projects named, built once with the ballot (as
    pabutools' approval ballots are sets): counting votes and grouping identical ballots need it.
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[int | Fraction, ...] | None = None
    fields: dict[str, str] = field(default_factory=dict, compare=True, hash=False)
    approved: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "approved", frozenset(self.projects))


@dataclass
class Election:
    """An election: META key/values, projects in file order, ballots in file order."""

    meta: dict[str, str]
    projects: dict[str, Project]
    ballots: list[Ballot]

    def __post_init__(self) -> None:
        if self.vote_type not in VOTE_TYPES:
            raise ValueError(f"unknown vote type {self.vote_type!r}")
        with_points = self.vote_type in POINT_TYPES
        for ballot in self.ballots:
            unknown = ballot.approved - self.projects.keys()
            if unknown:
                raise ValueError(f"ballot {ballot.voter_id} names unknown projects {sorted(unknown)}")
            if with_points and len(ballot.points or ()) != len(ballot.projects):
                raise ValueError(f"ballot {ballot.voter_id} has not one value of points per project")

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    @property
    def budget(self) -> Fraction:
        return Fraction(self.meta["budget"].replace(",", "."))

    @cached_property
    def votes(self) -> dict[str, int]:
        """Number of ballots naming each project (every project present, 0 if none)."""
        counts = Counter(chain.from_iterable([ballot.approved for ballot in self.ballots]))
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
        named = chain.from_iterable([ballot.projects for ballot in self.ballots])
        given = chain.from_iterable([ballot.points or () for ballot in self.ballots])  # as long: checked
        for project, points in zip(named, given, strict=True):
            totals[project] += points
        return {project: _whole(total) for project, total in totals.items()}

    def cost_of(self, project_ids) -> Fraction:
        units = self.money_units
        return Fraction(sum(units.costs[project] for project in project_ids), units.scale)

    @cached_property
    def money_units(self) -> MoneyUnits:
        """Costs and budget as exact integers (in 1/scale of the currency), for fast exact sums."""
        budget = self.budget
        ratios = {
            project_id: project.cost.as_integer_ratio() for project_id, project in self.projects.items()
        }
        scale = lcm(budget.denominator, *(denominator for _, denominator in ratios.values()))
        if scale == 1:
            costs = {project_id: numerator for project_id, (numerator, _) in ratios.items()}
        else:
            costs = {
                project_id: numerator * (scale // denominator)
                for project_id, (numerator, denominator) in ratios.items()
            }
        return MoneyUnits(scale, costs, budget.numerator * (scale // budget.denominator))


def _whole(number: int | Fraction) -> int | Fraction:
    return number.numerator if number.denominator == 1 else number


@dataclass(frozen=True)
class MoneyUnits:
    """Money as integers: `costs[project] / scale` and `budget / scale` are the exact amounts."""

    scale: int
    costs: dict[str, int]
    budget: int
