import re
from fractions import Fraction

import pytest

from palabre.budgeting.tally import (
    Ballot,
    Election,
    PabulibError,
    parse_pabulib,
    read_pabulib,
    write_pabulib,
)

from .shared_files import PABULIB_FILES, requires_shared_files

TRICKY = (
    'META\r\nkey;value\r\nbudget;1000.5\nvote_type;cumulative\r\ndescription;"A ""quoted"" one; really"\n'
    "PROJECTS\nproject_id;cost;name\nL21/01/VII;100.0;Parc\n9;200;Puits\n10;300;\n"
    "VOTES\nvoter_id;vote;points;sex\nv1;L21/01/VII,10;2,1;F\nv2;9;3;\nv3;;;M\nv4;9;0.5;\n"
)


def test_parse_handles_line_endings_quotes_decimals_and_alphanumeric_ids():
    election = parse_pabulib(TRICKY)
    assert election.budget == Fraction(2001, 2)
    assert election.meta["description"] == 'A "quoted" one; really'
    assert list(election.projects) == ["L21/01/VII", "9", "10"]
    assert election.projects["L21/01/VII"].cost == 100
    assert election.projects["9"].name == "Puits"
    first, _, empty, half = election.ballots
    assert first.projects == ("L21/01/VII", "10") and first.points == (2, 1)
    assert all(type(points) is int for points in first.points)  # whole points sum fast as ints
    assert half.points == (Fraction(1, 2),)
    assert first.fields == {"sex": "F"}
    assert empty.projects == () and empty.points == ()
    assert election.scores == {"L21/01/VII": 2, "9": Fraction(7, 2), "10": 1}
    assert election.votes == {"L21/01/VII": 1, "9": 2, "10": 1}


def test_an_election_refuses_ballots_without_one_value_of_points_per_project():
    election = parse_pabulib(TRICKY)
    ballots = [Ballot("v1", ("9", "10"), (1,))]
    with pytest.raises(ValueError, match="points"):
        Election(election.meta, election.projects, ballots)


def test_round_trip_of_a_hand_written_file():
    election = parse_pabulib(TRICKY)
    assert parse_pabulib(write_pabulib(election)) == election


@pytest.mark.parametrize(
    "text",
    [
        "PROJECTS\nproject_id;cost\n1;10\n",
        "META\nkey;value\nvote_type;approval\nPROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\n1;1\n",
        "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\n1;2\n",
        "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;10\n2;5\n"
        "VOTES\nvoter_id;vote;points\n1;1,2;3\n",
    ],
    ids=["no-meta", "no-budget", "unknown-project", "points-missing"],
)
def test_unreadable_files_are_refused(text):
    with pytest.raises(PabulibError):
        parse_pabulib(text)


@requires_shared_files
@pytest.mark.parametrize("path", PABULIB_FILES, ids=lambda path: path.name)
def test_export_then_import_gives_the_same_election(path):
    election = read_pabulib(path)
    assert len(election.projects) == int(election.meta["num_projects"])
    assert len(election.ballots) == int(election.meta["num_votes"])
    assert parse_pabulib(write_pabulib(election)) == election


HEAD = "META\nkey;value\nbudget;100\nvote_type;{kind}\nPROJECTS\nproject_id;cost\n1;10\n2;20\nVOTES\n"


@pytest.mark.parametrize(
    ("kind", "votes", "error"),
    [
        ("approval", "voter_id;vote\nv1;1\nv2\n", "line 12: VOTES row 'v2' has no vote field"),
        ("cumulative", "voter_id;vote;points\nv1;1,2;3,4\nv2;1\n", "line 12: VOTES row 'v2' has no points"),
        ("cumulative", "voter_id;vote\nv1;1\n", "line 10: VOTES header has no points column"),
        ("approval", "voter_id;vote\n;1\n", "line 11: VOTES row without a voter_id"),
        (
            "cumulative",
            "voter_id;vote;points\nv1;1,2;3,x\n",
            "line 11: voter 'v1': points 'x' is not a number",
        ),
        ("cumulative", "voter_id;vote;points\nv1;1;1/0\n", "line 11: voter 'v1': points '1/0' is not a"),
        ("approval", "voter_id;vote\nv1;1\nv2;1,7\n", "line 12: voter 'v2' names unknown project '7'"),
        ("approval", "voter_id;vote\nv1;1;2\n", "line 11: VOTES row 'v1' has more fields than the header"),
        ("cumulative", "voter_id;vote;points\nv1;1,2;3\n", "line 11: voter 'v1': 2 projects but 1 points"),
    ],
    ids=[
        "vote-missing",
        "points-missing",
        "no-points-column",
        "no-voter-id",
        "points-not-a-number",
        "points-divide-by-zero",
        "unknown-project",
        "extra-field",
        "points-count",
    ],
)
def test_a_malformed_votes_row_is_refused_naming_its_line(kind, votes, error):
    with pytest.raises(PabulibError, match=f"^{re.escape(error)}"):
        parse_pabulib(HEAD.format(kind=kind) + votes)


@pytest.mark.parametrize(
    ("projects", "error"),
    [
        ("project_id;cost\n1;ten\n", "line 6: project '1': cost 'ten' is not a number"),
        ("project_id;cost\n1\n", "line 6: PROJECTS row '1' has no cost field"),
        ("project_id;cost\n1;10\n1;20\n", "line 7: project '1' is listed twice"),
        ("id;cost\n1;10\n", "line 5: PROJECTS header has no project_id column"),
    ],
    ids=["cost-not-a-number", "cost-missing", "twice", "no-id-column"],
)
def test_a_malformed_projects_row_is_refused_naming_its_line(projects, error):
    text = f"META\nkey;value\nbudget;100\nPROJECTS\n{projects}VOTES\nvoter_id;vote\n"
    with pytest.raises(PabulibError, match=f"^{re.escape(error)}"):
        parse_pabulib(text)


def test_a_budget_that_is_not_a_number_is_refused_naming_its_line():
    text = "META\nkey;value\nbudget;lots\nPROJECTS\nproject_id;cost\n1;10\nVOTES\nvoter_id;vote\n"
    with pytest.raises(PabulibError, match=r"^line 3: META budget 'lots' is not a number"):
        parse_pabulib(text)
