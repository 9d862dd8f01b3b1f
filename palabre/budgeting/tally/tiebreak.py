"""Deterministic tie-breaking between projects that a rule cannot tell apart.

- "id" (default, as pabutools): the project whose id, compared as a string, comes first ("10" < "9");
- "cost-votes" (as equalshares.net's chain): the lower cost, then more votes, then the id as above.
"""

from __future__ import annotations

from collections.abc import Callable

from .election import Election

TIE_BREAKINGS = ("id", "cost-votes")


def tie_key(election: Election, tie_breaking: str = "id") -> Callable[[str], tuple]:
    """A sort key on project ids: the smaller key wins a tie."""
    if tie_breaking == "id":
        return lambda project_id: (project_id,)
    if tie_breaking == "cost-votes":
        projects, votes = election.projects, election.votes
        return lambda project_id: (projects[project_id].cost, -votes[project_id], project_id)
    raise ValueError(f"unknown tie-breaking {tie_breaking!r}, expected one of {TIE_BREAKINGS}")
