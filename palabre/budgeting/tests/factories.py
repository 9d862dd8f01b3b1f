"""Small hand-made elections for the tally tests."""

from fractions import Fraction

from palabre.budgeting.tally import Ballot, Election, Project


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
