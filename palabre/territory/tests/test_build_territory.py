"""The script that builds palabre/territory/data/benin.json from the shared Benin reference folder."""

import importlib.util
import json
from pathlib import Path

import pytest

from palabre.territory.services import REFERENCE_FILE

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "build_territory.py"


@pytest.fixture(scope="module")
def build_script():
    spec = importlib.util.spec_from_file_location("build_territory", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def rebuilt(build_script, shared_benin, tmp_path) -> Path:
    output = tmp_path / "benin.json"
    assert build_script.main(["build_territory.py", str(shared_benin), str(output)]) == 0
    return output


def test_rebuilding_gives_the_committed_file_byte_for_byte(rebuilt):
    assert rebuilt.read_bytes() == REFERENCE_FILE.read_bytes()


def test_reference_file_holds_departments_communes_and_pilot_arrondissements():
    data = json.loads(REFERENCE_FILE.read_text(encoding="utf-8"))
    pilots = [commune for commune in data["communes"] if commune["is_pilot"]]
    assert data["credits"] and "GPL-3" in " ".join(data["credits"])
    assert len(data["departments"]) == 12
    assert len(data["communes"]) == 77
    assert sorted(commune["slug"] for commune in pilots) == ["avrankou", "banikoara", "bohicon", "toffo"]
    assert sum(len(commune["arrondissements"]) for commune in pilots) == 37
    assert all("arrondissements" not in commune for commune in data["communes"] if not commune["is_pilot"])


def test_commune_codes_names_and_slugs_follow_the_boundaries(build_script, shared_benin):
    data, _count = build_script.build(shared_benin)
    by_code = {commune["code"]: commune for commune in data["communes"]}
    assert by_code["1006"]["name"] == "Bonou"  # the corrected duplicate code
    assert by_code["1005"]["name"] == "Avrankou"
    assert by_code["1009"] == {**by_code["1009"], "name": "Sèmè-Podji", "slug": "seme-podji"}
    assert by_code["0301"]["slug"] == "abomey-calavi"
    assert by_code["0307"]["name"] == "Tori-Bossito"
    assert len({commune["slug"] for commune in data["communes"]}) == 77


def test_pilot_arrondissements_keep_accents_and_census_figures(build_script, shared_benin):
    data, count = build_script.build(shared_benin)
    bohicon = next(commune for commune in data["communes"] if commune["slug"] == "bohicon")
    sodohome = next(item for item in bohicon["arrondissements"] if item["name"] == "Sodohomè")
    assert sodohome["population"] == [18814, 9023, 9791]
    assert len(sodohome["villages"]) == 10
    assert count.villages == 313
    assert 0.45 < count.rate < 1


def test_village_matching_tolerates_spelling_variants(build_script):
    census = [
        build_script.CensusVillage(build_script.match_keys("TOFFO GARE (GBAFLESSA)"), [10, 4, 6]),
        build_script.CensusVillage(build_script.match_keys("AGUE CENTRE"), [5, 2, 3]),
    ]
    assert build_script.census_figures("Toffo-Gare", census) == [10, 4, 6]
    assert build_script.census_figures("Ague", census) == [5, 2, 3]
    assert build_script.census_figures("Ague", census) is None  # each census village is used once
    assert build_script.census_figures("Zeko", census) is None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("SÈMÈ-PODJI", "Sèmè-Podji"),
        ("BOHICON II", "Bohicon II"),
        ("TOURA-BIO N'WOROU", "Toura-Bio N'Worou"),
        ("KOUTI- LOGON", "Kouti-Logon"),
    ],
)
def test_proper_case(build_script, label, expected):
    assert build_script.proper_case(label) == expected


def test_slugify_is_ascii_lowercase_hyphenated(build_script):
    assert build_script.slugify("Sèmè-Podji") == "seme-podji"
    assert build_script.slugify("N'Dali") == "ndali"
    assert build_script.slugify("Sô-Ava") == "so-ava"


def test_usage_error_without_arguments(build_script):
    assert build_script.main(["build_territory.py"]) == 2
