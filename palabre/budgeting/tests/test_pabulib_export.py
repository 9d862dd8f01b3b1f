"""The anonymised ballots of an envelope as a pabulib file: a round trip gives the same election and the
same result, so anyone can recompute a published result."""

from collections import Counter

import pytest

from palabre.budgeting.models import TALLY_RULE_LABELS, Ballot, BallotKind
from palabre.budgeting.services.results import envelope_pabulib, results_compute
from palabre.budgeting.tally import parse_pabulib, tally
from palabre.budgeting.tests import test_results
from palabre.budgeting.tests.test_results import cast

voted = test_results.voted  # the fixture: voting closed, ballots in both envelopes


def _ballots(parsed):
    return Counter((ballot.projects, ballot.points) for ballot in parsed.ballots)


@pytest.mark.parametrize("rule", TALLY_RULE_LABELS)
def test_round_trip_gives_the_same_election_and_selection(voted, commune_envelope, planner, rule):
    voted.tally_rule = rule
    voted.save()
    results_compute(cycle=voted, by=planner)
    parsed = parse_pabulib(envelope_pabulib(commune_envelope))
    assert {project.id: project.cost for project in parsed.projects.values()} == {
        "1": 2_000_000,
        "2": 3_000_000,
        "3": 4_000_000,
        "4": 5_000_000,
    }
    assert parsed.budget == 10_000_000
    assert _ballots(parsed) == {(("3", "4"), None): 4, (("1", "2"), None): 2}
    selected = commune_envelope.result.selected_numbers
    assert [int(project) for project in tally(parsed, rule).selected] == selected
    assert [int(project) for project in tally(parsed, "meta").selected] == selected
    assert {project.id for project in parsed.projects.values() if project.fields["selected"] == "1"} == {
        str(number) for number in selected
    }
    assert parsed.projects["3"].fields["votes"] == "4"


def test_cumulative_round_trip_keeps_the_points(voted, commune_envelope, passagon_envelope, planner):
    voted.ballot_kind = BallotKind.CUMULATIVE
    voted.points_per_voter = 10
    voted.tally_rule = "greedy"
    voted.save()
    Ballot.objects.all().delete()
    for numbers, points in [([1, 3], [7, 3]), ([4], [10]), ([2, 1], [5, 5])]:
        cast(commune_envelope, numbers, points)
    cast(passagon_envelope, [11], [10])
    results_compute(cycle=voted, by=planner)
    parsed = parse_pabulib(envelope_pabulib(commune_envelope))
    assert parsed.vote_type == "cumulative"
    assert _ballots(parsed) == {
        (("1", "3"), (7, 3)): 1,
        (("4",), (10,)): 1,
        (("1", "2"), (5, 5)): 1,
    }
    assert [int(project) for project in tally(parsed, "greedy").selected] == (
        commune_envelope.result.selected_numbers
    )
    assert parsed.projects["1"].fields["score"] == "12"


def test_the_file_names_voters_by_number_only(voted, commune_envelope):
    text = envelope_pabulib(commune_envelope)
    parsed = parse_pabulib(text)
    assert sorted(int(ballot.voter_id) for ballot in parsed.ballots) == list(range(1, 7))
    for receipt_hash, ballot_id in Ballot.objects.values_list("receipt_hash", "id"):
        assert receipt_hash not in text
        assert str(ballot_id) not in text
    assert "selected" not in parsed.projects["1"].fields  # not computed yet
