import json

import pytest
from django.core.management import CommandError, call_command

from .shared_files import PABULIB_DIR, requires_shared_files

SMALL = (
    "META\nkey;value\nbudget;100\nvote_type;approval\nrule;greedy\n"
    "PROJECTS\nproject_id;cost;name\n1;60;Puits\n2;50;Latrines\n3;30;Marché\n"
    "VOTES\nvoter_id;vote\n1;1,2,3\n2;1,2\n3;1\n"
)


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("pb_tally", *args, stdout=out)
    return out.getvalue()


def test_json_output(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL)
    assert json.loads(run(str(path), "--rule", "greedy", "--json")) == {
        "selected": ["1", "3"],
        "rule": "greedy",
        "budget_used": 90,
    }
    assert json.loads(run(str(path), "--rule", "meta", "--json"))["rule"] == "greedy"
    assert "Marché" in run(str(path), "--rule", "greedy-cost")


def test_errors_are_command_errors(tmp_path):
    path = tmp_path / "small.pb"
    path.write_text(SMALL)
    with pytest.raises(CommandError, match="unknown rule"):
        run(str(path), "--rule", "borda")
    with pytest.raises(CommandError):
        run(str(tmp_path / "missing.pb"))


@requires_shared_files
def test_assen_official_result_with_equal_shares():
    result = json.loads(run(str(PABULIB_DIR / "Netherlands_Assen_2024.pb"), "--rule", "meta", "--json"))
    assert result["rule"] == "equalshares/add1"
    assert sorted(result["selected"]) == sorted(["3", "9", "2", "11", "13", "14", "5", "6", "12"])
