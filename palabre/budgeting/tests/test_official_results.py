"""Where a file's META names the rule the city used and marks the `selected` projects, Palabre agrees."""

from functools import cache

import pytest

from palabre.budgeting.tally import RULES, read_pabulib, tally

from .shared_files import PABULIB_FILES, requires_shared_files

read = cache(read_pabulib)


def official(path):
    election = read(path)
    marked = {project.id for project in election.projects.values() if project.fields.get("selected")}
    if election.meta.get("rule") not in RULES or not marked:
        return None
    return {project.id for project in election.projects.values() if project.fields.get("selected") == "1"}


CASES = [path for path in PABULIB_FILES if official(path) is not None]


@requires_shared_files
def test_the_official_cases_cover_greedy_threshold_and_equal_shares():
    rules = {read(path).meta["rule"] for path in CASES}
    assert {"greedy", "greedy-threshold", "equalshares/add1"} <= rules


@requires_shared_files
@pytest.mark.parametrize("path", CASES, ids=lambda path: path.name)
def test_meta_rule_reproduces_the_official_winners(path):
    assert set(tally(read(path), "meta").selected) == official(path)
