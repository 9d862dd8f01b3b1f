"""Palabre's tally equals pabutools' on every shared pabulib file (outcomes precomputed by
scripts/pabutools_outcomes.py into fixtures/pabutools_outcomes.json)."""

import json
from functools import cache
from pathlib import Path

import pytest

from palabre.budgeting.tally import read_pabulib, tally

from .shared_files import PABULIB_FILES, requires_shared_files

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "pabutools_outcomes.json").read_text())
RULES = ["greedy", "greedy-cost", "mes", "mes-cardinality", "mes-complete"]

read = cache(read_pabulib)


@requires_shared_files
def test_every_shared_file_has_reference_outcomes_for_every_rule():
    for path in PABULIB_FILES:
        assert sorted(FIXTURE["outcomes"].get(path.name, {})) == sorted(RULES), path.name


@requires_shared_files
@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("path", PABULIB_FILES, ids=lambda path: path.name)
def test_same_selection_as_pabutools(path, rule):
    expected = FIXTURE["outcomes"][path.name][rule]["selected"]
    assert tally(read(path), rule).selected == expected
