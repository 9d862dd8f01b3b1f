import random
import sys
from fractions import Fraction

import pytest

from palabre.budgeting.tally import UnknownRule, tally

from .factories import election

equal_shares_module = sys.modules["palabre.budgeting.tally.rules.equal_shares"]
engines = sys.modules["palabre.budgeting.tally.rules.mes_engines"]
plateau = sys.modules["palabre.budgeting.tally.rules.add1_plateau"]
ENGINES = {"lists": 10**9, "arrays": 0}
"""Replay engine -> LIST_REPLAY_MAX_SUPPORTERS forcing it."""


def red_blue():
    """51 voters approve the red projects, 49 the blue ones; ten projects of cost 1 fit (MES papers)."""
    costs = {f"r{index}": 1 for index in range(10)} | {f"b{index}": 1 for index in range(10)}
    reds, blues = [f"r{index}" for index in range(10)], [f"b{index}" for index in range(10)]
    return election(costs, [reds] * 51 + [blues] * 49, budget=10)


def test_greedy_takes_only_the_majority_and_mes_shares_proportionally():
    assert set(tally(red_blue(), "greedy").selected) == {f"r{index}" for index in range(10)}
    selected = tally(red_blue(), "mes").selected
    assert sum(project.startswith("r") for project in selected) == 5
    assert sum(project.startswith("b") for project in selected) == 4
    completed = tally(red_blue(), "mes-complete")
    assert len(completed.selected) == 10 and completed.budget_used == 10


def test_greedy_skips_what_no_longer_fits_unless_no_skip():
    e = election({"a": 60, "b": 50, "c": 10}, [["a", "b", "c"], ["a", "b"], ["a"]], budget=100)
    assert tally(e, "greedy").selected == ["a", "c"]
    assert tally(e, "greedy-no-skip").selected == ["a"]
    assert tally(e, "greedy-cost").selected == ["c", "a"]


def test_greedy_threshold_leaves_out_low_scores():
    e = election({"a": 10, "b": 10}, [["a"], ["a"], ["b"]], budget=100)
    e.meta["min_project_score_threshold"] = "2"
    assert tally(e, "greedy-threshold").selected == ["a"]


def test_greedy_on_cumulative_and_ordinal_ballots_counts_points():
    cumulative = election({"a": 10, "b": 10}, [["a"], ["b", "a"]], 10, "cumulative", points=[[1], [3, 1]])
    assert cumulative.scores == {"a": 2, "b": 3}
    assert tally(cumulative, "greedy").selected == ["b"]
    ordinal = election({"a": 10, "b": 10, "c": 10}, [["a", "b", "c"], ["b", "c", "a"]], 10, "ordinal")
    assert ordinal.scores == {"a": 4, "b": 5, "c": 3}
    assert tally(ordinal, "greedy").selected == ["b"]


def test_mes_cost_and_cardinality_utilities_differ():
    # Each voter has 10. Cost utilities: rho = share / cost, the big project (100 supporters pay 0.5 each
    # for cost 50) beats the two small ones (cost 1, 3 supporters pay 1/3). Cardinality: the smaller
    # payment per voter wins first.
    e = election({"big": 50, "s1": 1, "s2": 1}, [["big"]] * 100 + [["s1", "s2"]] * 3, budget=1030)
    assert tally(e, "mes").selected[0] == "big"
    assert tally(e, "mes-cardinality").selected[0] == "s1"


def test_ties_go_to_the_smaller_id_as_a_string_or_to_the_cost_votes_chain():
    e = election({"9": 10, "10": 10, "8": 5}, [["9", "10"], ["9", "10"], ["8"]], budget=30)
    assert tally(e, "greedy").selected == ["10", "9", "8"]
    assert tally(e, "mes").selected == ["10", "9", "8"]
    e = election({"9": 10, "10": 10, "8": 5}, [["9", "10", "8"], ["9", "10", "8"]], budget=10)
    assert tally(e, "greedy", tie_breaking="cost-votes").selected == ["8"]
    assert tally(e, "greedy").selected == ["10"]


def test_exact_ties_with_poor_supporters_fall_back_to_exact_arithmetic():
    # "x" and "y" cost the same and are approved by the same voters, some of whom cannot pay a full share:
    # floats cannot promise the tie, the exact engine breaks it by id.
    ballots = [["x", "y", "z"]] * 3 + [["x", "y"]] * 2 + [["z"]] * 5
    e = election({"x": 9, "y": 9, "z": 12}, ballots, budget=20)
    data = equal_shares_module.ApprovalData.from_election(e)
    first = engines.run_fast(data, 2.0, False)
    exact = engines.run_exact(data, Fraction(2), False, tie=lambda project: project)
    assert first is None or first == exact
    assert tally(e, "mes").selected == [data.project_ids[project] for project in exact]


def random_election(seed: int):
    rng = random.Random(seed)
    costs = {str(index): rng.choice([5, 10, 20, 40, 60]) for index in range(rng.randint(3, 9))}
    ballots = [rng.sample(sorted(costs), rng.randint(1, len(costs))) for _ in range(rng.randint(3, 40))]
    return election(costs, ballots, budget=rng.choice([50, 100, 150]))


@pytest.mark.parametrize("seed", range(60))
def test_fast_engine_agrees_with_the_exact_engine(seed):
    e = random_election(seed)
    data = equal_shares_module.ApprovalData.from_election(e)
    per_voter = e.budget / len(e.ballots)
    for cardinality in (False, True):
        fast = engines.run_fast(data, float(per_voter), cardinality)
        exact = engines.run_exact(data, per_voter, cardinality, tie=lambda project: project)
        assert fast is None or fast == exact


@pytest.mark.parametrize("seed", range(60))
def test_add1_with_plateau_skipping_equals_the_plain_unit_steps(seed):
    e = random_election(seed)
    data = equal_shares_module.ApprovalData.from_election(e)
    per_voter, budget = e.budget / len(e.ballots), e.budget
    outcome = equal_shares_module.mes_run(data, per_voter)
    while len(outcome) < len(data.project_ids):
        left = budget - e.cost_of(outcome)
        if all(e.projects[project].cost > left for project in data.project_ids if project not in outcome):
            break
        per_voter += 1
        following = equal_shares_module.mes_run(data, per_voter)
        if e.cost_of(following) > budget:
            break
        outcome = following
    assert equal_shares_module.equal_shares_add1(e) == outcome


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("cardinality", [False, True])
def test_plateau_replay_finds_where_a_project_becomes_affordable(engine, cardinality, monkeypatch):
    # "a" (cost 100) has ten supporters, "b" (cost 90) one other: from 11 per voter to 89, "a" alone is
    # funded; at 90, "b" is affordable too. Two passes of the replay prove the 79 steps.
    monkeypatch.setattr(plateau, "LIST_REPLAY_MAX_SUPPORTERS", ENGINES[engine])
    data = equal_shares_module.ApprovalData.from_election(
        election({"a": 100, "b": 90}, [["a"]] * 10 + [["b"]], budget=121)
    )
    a, b = data.project_ids.index("a"), data.project_ids.index("b")
    assert plateau.plateau_length(data, 11.0, cardinality, [a]) == (79, 2)
    assert engines.run_fast(data, 11.0 + 78, cardinality) == [a]
    assert engines.run_fast(data, 11.0 + 79, cardinality) is None  # b's money is exactly its cost
    assert engines.run_exact(data, Fraction(90), cardinality, tie=lambda project: project) == [a, b]


def crowded_election(seed: int):
    """More voters than `random_election`, so that supporters change from paying all they have to paying
    the share as the budget grows (the replay's formula changes)."""
    rng = random.Random(seed)
    costs = {str(index): rng.choice([7, 60, 130, 333, 1000]) for index in range(rng.randint(3, 10))}
    ballots = [rng.sample(sorted(costs), rng.randint(1, len(costs))) for _ in range(rng.randint(20, 120))]
    return election(costs, ballots, budget=rng.choice([300, 1000, 3000]))


@pytest.mark.parametrize("seed", range(24))
def test_plateau_replay_certifies_only_steps_with_the_same_outcome(seed, monkeypatch):
    monkeypatch.setattr(plateau, "LIST_REPLAY_MAX_SUPPORTERS", list(ENGINES.values())[seed % 2])
    e = crowded_election(seed)
    data = equal_shares_module.ApprovalData.from_election(e)
    cardinality = seed % 3 == 0
    per_voter = e.budget / len(e.ballots)
    certified = 0
    for _ in range(6):
        outcome, _ = equal_shares_module._run(data, per_voter, cardinality)
        steps, _ = plateau.plateau_length(data, float(per_voter), cardinality, outcome)
        steps = min(steps, 150)
        for step in range(1, steps):
            assert equal_shares_module._run(data, per_voter + step, cardinality)[0] == outcome, step
        certified += steps - 1
        per_voter += steps
    assert certified > 0


def test_add1_switches_change_the_starting_budget_and_the_stop():
    e = random_election(7)
    results = {
        (integral, exhaustive): tally(
            e, "equalshares/add1", integral_start=integral, exhaustive_stop=exhaustive
        )
        for integral in (True, False)
        for exhaustive in (True, False)
    }
    assert all(result.budget_used <= e.budget for result in results.values())


def test_unknown_rule_and_meta_rule():
    e = red_blue()
    with pytest.raises(UnknownRule):
        tally(e, "borda")
    e.meta["rule"] = "greedy"
    assert tally(e, "meta").rule == "greedy"
