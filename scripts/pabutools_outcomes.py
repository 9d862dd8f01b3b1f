"""Compute the reference outcomes of pabutools on the shared pabulib files.

Writes `palabre/budgeting/tests/fixtures/pabutools_outcomes.json`, which the tally test suite compares
Palabre's engine against (so the suite stays fast: pabutools needs minutes on the big files).

    .venv/bin/python scripts/pabutools_outcomes.py [--data DIR] [--only FILE ...] [--rules RULE ...]

Existing entries for other files/rules are kept, so a partial run updates the fixture in place.
Rules, as Palabre names them, and how pabutools computes each:

- greedy: greedy_utilitarian_welfare, satisfaction = the ballot's score x cost (approval: 1 point per
  approved project, i.e. `Cost_Sat`; cumulative/scoring: the points given; ordinal: len(ballot) - position,
  the 3-2-1 points of a 3-project ballot), so the density is the project's total score;
- greedy-cost: the same score without the cost factor (approval: `Cardinality_Sat`), density = score / cost;
- mes: method_of_equal_shares with `Cost_Sat`;
- mes-cardinality: method_of_equal_shares with `Cardinality_Sat`;
- mes-complete: completion_by_rule_combination(MES `Cost_Sat` with voter_budget_increment=1, then
  greedy_utilitarian_welfare `Cost_Sat`), pabutools' "Add1u".
"""

import argparse
import json
import sys
import time
from pathlib import Path

import pabutools
from pabutools.election import (
    AbstractCardinalBallot,
    AbstractOrdinalBallot,
    Cardinality_Sat,
    Cost_Sat,
    parse_pabulib,
)
from pabutools.election.satisfaction import AdditiveSatisfaction
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "palabre" / "budgeting" / "tests" / "fixtures" / "pabutools_outcomes.json"
RULES = ["greedy", "greedy-cost", "mes", "mes-cardinality", "mes-complete"]


def ballot_score(instance, profile, ballot, project, precomputed_values):
    if project not in ballot:
        return 0
    if isinstance(ballot, AbstractCardinalBallot):
        return ballot[project]
    if isinstance(ballot, AbstractOrdinalBallot):
        return len(ballot) - ballot.index(project)
    return 1


def ballot_score_times_cost(instance, profile, ballot, project, precomputed_values):
    return ballot_score(instance, profile, ballot, project, precomputed_values) * project.cost


class ScoreSat(AdditiveSatisfaction):
    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, ballot_score)


class ScoreCostSat(AdditiveSatisfaction):
    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, ballot_score_times_cost)


def compute(rule, instance, profile):
    if rule == "greedy":
        return greedy_utilitarian_welfare(instance, profile, sat_class=ScoreCostSat)
    if rule == "greedy-cost":
        return greedy_utilitarian_welfare(instance, profile, sat_class=ScoreSat)
    if rule == "mes":
        return method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    if rule == "mes-cardinality":
        return method_of_equal_shares(instance, profile, sat_class=Cardinality_Sat)
    if rule == "mes-complete":
        return completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
        )
    raise ValueError(rule)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="/work/shared/data/pabulib")
    parser.add_argument("--only", nargs="*", help="file names (default: every .pb file)")
    parser.add_argument("--rules", nargs="*", default=RULES, choices=RULES)
    args = parser.parse_args()
    fixture = json.loads(FIXTURE.read_text()) if FIXTURE.exists() else {"outcomes": {}}
    fixture["pabutools"] = pabutools.__version__
    files = sorted(Path(args.data).glob("*.pb"), key=lambda path: path.stat().st_size)
    if args.only:
        files = [path for path in files if path.name in args.only]
    for path in files:
        instance, profile = parse_pabulib(str(path))
        for rule in args.rules:
            started = time.perf_counter()
            outcome = compute(rule, instance, profile)
            seconds = time.perf_counter() - started
            fixture["outcomes"].setdefault(path.name, {})[rule] = {
                "selected": [project.name for project in outcome],
                "seconds": round(seconds, 3),
            }
            FIXTURE.write_text(json.dumps(fixture, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
            message = f"{path.name} {rule}: {len(outcome)} projects in {seconds:.1f} s"
            print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
