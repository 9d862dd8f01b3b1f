"""Hand-made elections for the tally tests, and model factories for the budgeting tests."""

import datetime
from fractions import Fraction

import factory
from django.utils import timezone

from palabre.budgeting.models import BallotKind, Cycle, Envelope, Proposal, ProposalStatus
from palabre.budgeting.tally import Ballot, Election, Project
from palabre.territory.tests.factories import CommuneFactory


def election(costs: dict[str, int], ballots: list[list[str]], budget, vote_type="approval", points=None):
    """An election from project costs and ballots (lists of project ids); points: one list per ballot."""
    projects = {project: Project(project, Fraction(cost)) for project, cost in costs.items()}
    made = [
        Ballot(
            str(index),
            tuple(named),
            tuple(Fraction(value) for value in points[index]) if points else None,
        )
        for index, named in enumerate(ballots)
    ]
    meta = {"budget": str(budget), "vote_type": vote_type}
    return Election(meta, projects, made)


class CycleFactory(factory.django.DjangoModelFactory):
    """A published cycle whose phases put `today` in the voting phase (override the dates for others)."""

    class Meta:
        model = Cycle

    commune = factory.SubFactory(CommuneFactory)
    title = factory.Sequence(lambda n: f"Budget participatif {n}")
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    is_published = True
    information_on = factory.LazyFunction(lambda: _days(-40))
    ideas_on = factory.LazyFunction(lambda: _days(-30))
    review_on = factory.LazyFunction(lambda: _days(-20))
    voting_on = factory.LazyFunction(lambda: _days(-5))
    results_on = factory.LazyFunction(lambda: _days(10))
    follow_up_on = factory.LazyFunction(lambda: _days(40))
    ballot_kind = BallotKind.APPROVAL
    max_projects = 3


def _days(offset: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=offset)


class EnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Envelope

    cycle = factory.SubFactory(CycleFactory)
    arrondissement = None
    amount = 10_000_000


class ProposalFactory(factory.django.DjangoModelFactory):
    """A feasible proposal on the ballot of `envelope` (set status/estimated_cost for other states)."""

    class Meta:
        model = Proposal

    envelope = factory.SubFactory(EnvelopeFactory)
    cycle = factory.SelfAttribute("envelope.cycle")
    commune = factory.SelfAttribute("cycle.commune")
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Projet {n}")
    description = "Un forage pour le quartier."
    status = ProposalStatus.FEASIBLE
    estimated_cost = 2_000_000
