"""Computing, explaining and publishing results (services/results.py)."""

import datetime
import random
import secrets
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from palabre.budgeting.models import (
    TALLY_RULE_LABELS,
    Ballot,
    BallotKind,
    PaperBatch,
    PaperBatchStatus,
    Proposal,
    Result,
    VoterRecord,
)
from palabre.budgeting.queries.results import suppress
from palabre.budgeting.services.results import (
    envelope_election,
    explain,
    results_compute,
    results_publish,
    why_text,
)
from palabre.budgeting.tally import tally
from palabre.budgeting.tests.factories import election
from palabre.core.models import AuditEvent

# Four voters want the two big projects (3 and 4), two want the small ones (1 and 2). Greedy funds the big
# ones (9 of the 10 million); Equal Shares gives the minority its share: 3 then 1.
MAJORITY = [3, 4]
MINORITY = [1, 2]


def close_voting(cycle, *, days_ago: int = 1):
    """Move the cycle to its results phase (voting ended `days_ago` days ago)."""
    today = timezone.localdate()
    cycle.results_on = today - datetime.timedelta(days=days_ago - 1)
    cycle.follow_up_on = today + datetime.timedelta(days=30)
    cycle.save(update_fields=["results_on", "follow_up_on"])
    return cycle


def cast(envelope, numbers, points=None, *, channel="web", gender="", age_band="", arrondissement=None):
    """A ballot and its voter record, as ballot_cast stores them (without its checks)."""
    VoterRecord.objects.create(
        envelope=envelope,
        voter_key=secrets.token_hex(32),
        channel=channel,
        gender=gender,
        age_band=age_band,
        arrondissement=arrondissement,
    )
    return Ballot.objects.create(
        envelope=envelope, proposal_numbers=numbers, points=points, receipt_hash=secrets.token_hex(32)
    )


@pytest.fixture
def voted(cycle, commune_envelope, passagon_envelope):
    """Voting closed: 4 ballots [3, 4] and 2 ballots [1, 2] commune-wide; 3 for 11 and 2 for 12 in
    Passagon."""
    close_voting(cycle)
    for numbers in [MAJORITY] * 4 + [MINORITY] * 2:
        cast(commune_envelope, numbers)
    for numbers in [[11]] * 3 + [[12]] * 2:
        cast(passagon_envelope, numbers)
    return cycle


# --- the election of an envelope ---------------------------------------------------------------------------


def test_envelope_election_has_projects_ballots_and_meta(voted, commune_envelope, bohicon):
    built = envelope_election(commune_envelope)
    assert {project: built.projects[project].cost for project in built.projects} == {
        "1": 2_000_000,
        "2": 3_000_000,
        "3": 4_000_000,
        "4": 5_000_000,
    }
    assert built.projects["1"].name == "Projet commune 1"
    assert Counter(ballot.projects for ballot in built.ballots) == {("3", "4"): 4, ("1", "2"): 2}
    assert sorted(int(ballot.voter_id) for ballot in built.ballots) == [1, 2, 3, 4, 5, 6]
    hashes = set(Ballot.objects.values_list("receipt_hash", flat=True))
    assert not hashes & {ballot.voter_id for ballot in built.ballots}
    assert built.meta | {"date_begin": "", "date_end": ""} == {
        "description": "Budget participatif 2026 (Bohicon)",
        "country": "Benin",
        "unit": "Bohicon",
        "instance": str(voted.year),
        "num_projects": "4",
        "num_votes": "6",
        "budget": "10000000",
        "vote_type": "approval",
        "rule": "mes-complete",
        "date_begin": "",
        "date_end": "",
        "language": "fr",
        "currency": "XOF",
        "min_length": "1",
        "max_length": "3",
    }


def test_envelope_election_of_an_arrondissement_names_it_and_skips_projects_off_the_ballot(
    voted, passagon_envelope
):
    Proposal.objects.filter(number=12).update(status="infeasible")
    Ballot.objects.filter(envelope=passagon_envelope, proposal_numbers=[12]).delete()
    built = envelope_election(passagon_envelope)
    assert built.meta["subunit"] == "Passagon"
    assert list(built.projects) == ["11"]


def test_cumulative_ballots_carry_points_and_knapsack_its_spending_limit(voted, commune_envelope):
    voted.ballot_kind = BallotKind.CUMULATIVE
    voted.points_per_voter = 10
    voted.save()
    Ballot.objects.filter(envelope=commune_envelope).delete()
    cast(commune_envelope, [1, 3], [7, 3])
    built = envelope_election(commune_envelope)
    assert built.vote_type == "cumulative"
    assert built.meta["max_sum_points"] == "10"
    assert built.ballots[0].points == (7, 3)
    assert built.scores["1"] == 7
    voted.ballot_kind = BallotKind.KNAPSACK
    voted.save()
    assert envelope_election(commune_envelope).meta["max_sum_cost"] == "10000000"


# --- computing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", TALLY_RULE_LABELS)
def test_compute_gives_the_engines_result_for_each_rule(voted, commune_envelope, planner, rule):
    voted.tally_rule = rule
    voted.save()
    expected = tally(envelope_election(commune_envelope), rule)
    results_compute(cycle=voted, by=planner)
    result = Result.objects.get(envelope=commune_envelope)
    assert result.rule == rule
    assert result.selected_numbers == [int(project) for project in expected.selected]
    assert result.budget_used == expected.budget_used
    assert result.ballot_count == 6
    assert result.greedy_selected_numbers == [3, 4]
    selected = set(Proposal.objects.filter(is_selected=True).values_list("number", flat=True))
    passagon = Result.objects.get(envelope__arrondissement__name="Passagon").selected_numbers
    assert selected == set(result.selected_numbers) | set(passagon)


def test_equal_shares_differs_from_greedy_here(voted, commune_envelope, planner):
    voted.tally_rule = "mes"
    voted.save()
    results_compute(cycle=voted, by=planner)
    result = Result.objects.get(envelope=commune_envelope)
    assert result.selected_numbers == [3, 1]
    assert result.greedy_selected_numbers == [3, 4]
    assert result.votes["1"] == {"votes": 2, "score": 2, "why": result.votes["1"]["why"]}
    assert result.votes["1"]["why"]["code"] == "mes_won"


def test_recompute_replaces_the_results_and_the_selection(voted, commune_envelope, planner):
    voted.tally_rule = "greedy"
    voted.save()
    results_compute(cycle=voted, by=planner)
    assert Proposal.objects.get(number=4).is_selected
    for _ in range(5):
        cast(commune_envelope, [1, 2])
    results_compute(cycle=voted, by=planner)
    result = Result.objects.get(envelope=commune_envelope)
    assert Result.objects.filter(envelope=commune_envelope).count() == 1
    assert result.ballot_count == 11
    assert result.selected_numbers == [1, 2, 3]
    assert not Proposal.objects.get(number=4).is_selected
    assert AuditEvent.objects.filter(action="budgeting.results_computed").count() == 2


def test_compute_is_refused_while_voting(cycle, commune_envelope, planner):
    cast(commune_envelope, [1])
    with pytest.raises(ValidationError):
        results_compute(cycle=cycle, by=planner)
    assert not Result.objects.exists()


def test_compute_waits_for_paper_batches(voted, commune_envelope, planner):
    batch = PaperBatch.objects.create(
        cycle=voted, envelope=commune_envelope, polling_point="École", declared_count=3, first_clerk=planner
    )
    with pytest.raises(ValidationError):
        results_compute(cycle=voted, by=planner)
    batch.status = PaperBatchStatus.RECONCILED
    batch.save()
    assert len(results_compute(cycle=voted, by=planner)) == 2


def test_compute_audits_without_personal_data(voted, planner):
    results_compute(cycle=voted, by=planner)
    event = AuditEvent.objects.get(action="budgeting.results_computed")
    assert event.actor_id == planner.pk
    assert event.commune_id == voted.commune_id
    assert set(event.data) == {"rule", "envelopes"}


# --- publishing ------------------------------------------------------------------------------------------


def test_publish_needs_results_and_is_idempotent(voted, planner):
    with pytest.raises(ValidationError):
        results_publish(cycle=voted, by=planner)
    results_compute(cycle=voted, by=planner)
    results_publish(cycle=voted, by=planner)
    voted.refresh_from_db()
    published_at = voted.results_published_at
    assert published_at is not None
    results_publish(cycle=voted, by=planner)
    voted.refresh_from_db()
    assert voted.results_published_at == published_at
    assert AuditEvent.objects.filter(action="budgeting.results_published").count() == 1


def test_published_results_are_never_recomputed(voted, commune_envelope, planner):
    results_compute(cycle=voted, by=planner)
    results_publish(cycle=voted, by=planner)
    cast(commune_envelope, [1])
    with pytest.raises(ValidationError):
        results_compute(cycle=voted, by=planner)
    assert Result.objects.get(envelope=commune_envelope).ballot_count == 6


def test_publish_refuses_when_an_envelope_has_no_result(voted, commune_envelope, planner):
    results_compute(cycle=voted, by=planner)
    Result.objects.filter(envelope=commune_envelope).delete()
    with pytest.raises(ValidationError):
        results_publish(cycle=voted, by=planner)


# --- why -------------------------------------------------------------------------------------------------


def _why(voted, commune_envelope, planner, rule):
    voted.tally_rule = rule
    voted.save()
    results_compute(cycle=voted, by=planner)
    votes = Result.objects.get(envelope=commune_envelope).votes
    return {int(number): why_text(outcome["why"]) for number, outcome in votes.items()}


def test_why_under_greedy(voted, commune_envelope, planner):
    why = _why(voted, commune_envelope, planner, "greedy")
    assert why[3] == (
        "Retenu : avec 4 voix, il était parmi les plus soutenus (rang 1) et son coût de "
        "4\u202f000\u202f000 FCFA tenait dans les 10\u202f000\u202f000 FCFA qui restaient."
    )
    assert why[1] == (
        "Non retenu : il coûtait 2\u202f000\u202f000 FCFA et il ne restait que "
        "1\u202f000\u202f000 FCFA quand son tour est venu (rang 3)."
    )


def test_why_under_equal_shares(voted, commune_envelope, planner):
    why = _why(voted, commune_envelope, planner, "mes")
    assert why[1] == (
        "Retenu : les votants qui l'ont choisi (2) ont payé ensemble son coût de "
        "2\u202f000\u202f000 FCFA avec leurs parts égales (1\u202f666\u202f666 FCFA par votant au départ)."
    )
    # Each of the 4 paid 1 000 000 for project 3 and kept 666 666.67: 2 666 666 together, less than 5 million.
    assert why[4] == (
        "Non retenu : les votants qui l'ont choisi (4) n'avaient plus ensemble que "
        "2\u202f666\u202f666 FCFA de leurs parts, moins que son coût de 5\u202f000\u202f000 FCFA."
    )


def test_why_under_equal_shares_with_completion(voted, commune_envelope, planner):
    votes_why = _why(voted, commune_envelope, planner, "mes-complete")
    result = Result.objects.get(envelope=commune_envelope)
    codes = {number: outcome["why"]["code"] for number, outcome in result.votes.items()}
    assert result.selected_numbers == [3, 1, 2]
    assert codes == {"1": "mes_won", "2": "fill_won", "3": "mes_won", "4": "complete_lost"}
    assert "il ne restait à la fin que 1\u202f000\u202f000 FCFA" in votes_why[4]


def test_why_with_points_and_projects_nobody_chose():
    points = election(
        {"a": 10, "b": 10, "c": 50}, [["a"], ["a"]], 30, vote_type="cumulative", points=[[4], [5]]
    )
    reasons = explain(points, "greedy", tally(points, "greedy").selected)
    assert reasons["a"]["code"] == "greedy_won"
    assert why_text(reasons["a"]).startswith(
        "Retenu : il était parmi les plus soutenus (rang 1, points reçus : 9)"
    )
    assert reasons["b"]["code"] == "leftover_won"
    assert why_text(reasons["c"]) == "Non retenu : personne ne l'a choisi."
    assert why_text({"code": "generic", "won": True}) == "Retenu par la règle de calcul du budget."


@pytest.mark.parametrize("rule", TALLY_RULE_LABELS)
def test_the_replay_agrees_with_the_engine_on_random_elections(rule):
    """The explanations come from a replay of the rule; it must select what the engine selects (else the
    generic reason would be shown)."""
    rng = random.Random(5)
    for _ in range(80):
        count = rng.randint(2, 7)
        costs = {str(project): rng.choice((1, 2, 3, 5, 8, 13)) * 1000 for project in range(1, count + 1)}
        ballots = [rng.sample(list(costs), rng.randint(1, min(3, count))) for _ in range(rng.randint(1, 30))]
        made = election(costs, ballots, rng.choice((10_000, 17_000, 25_000)))
        selected = tally(made, rule).selected
        reasons = explain(made, rule, selected)
        assert {reason["code"] for reason in reasons.values()}.isdisjoint({"generic"})
        assert {project for project, reason in reasons.items() if reason["won"]} == set(selected)


def test_a_replay_that_disagrees_falls_back_to_the_generic_reason():
    made = election({"a": 10, "b": 10}, [["a"], ["b"]], 10)
    reasons = explain(made, "greedy", ["b"])
    assert reasons == {"a": {"code": "generic", "won": False}, "b": {"code": "generic", "won": True}}


# --- small counts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([6, 1, 5, 6], [6, None, None, 6]),  # the lone small count pulls the next smallest in
        ([0, 7, 9], [0, 7, 9]),  # zero names nobody
        ([0, 3, 28, 40], [None, None, 28, 40]),  # the complement of a lone small count may be a zero
        ([2, 3, 20], [None, None, 20]),  # two hidden already: neither can be worked out
        ([10, 12], [10, 12]),
        ([3], [None]),
    ],
)
def test_suppress_hides_small_counts_and_their_complement(counts, shown):
    assert suppress(counts) == shown


def test_publishing_is_refused_when_ballots_were_counted_after_computing(voted, commune_envelope, planner):
    """A ballot counted after the computation (a late paper batch) makes the stored results stale."""
    results_compute(cycle=voted, by=planner)
    cast(commune_envelope, MINORITY)
    with pytest.raises(ValidationError, match="recalculez"):
        results_publish(cycle=voted, by=planner)
    results_compute(cycle=voted, by=planner)
    assert results_publish(cycle=voted, by=planner).results_published_at is not None
