#!/usr/bin/env python3
"""Build Palabre's territory reference file from the Benin reference data folder.

Usage: scripts/build_territory.py <benin data dir> <output.json>

Reads (never copies) the folder's files and writes the project's own compact JSON: 12 departments, the 77
communes (code, accented display name, slug, population 2013) and, for the four pilot communes, their
arrondissements and villages / quartiers with census populations by gender where the census village matches.
Same input, byte-identical output. Plain Python: no Django, no third-party package.
"""

import csv
import json
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FORMAT = "palabre-territory/1"
CREDITS = [
    "Palabre territory reference file, built by scripts/build_territory.py; see docs/sources.md.",
    "Communes, codes and populations: R package beninr (github.com/phorux/beninr), GPL-3; boundaries of "
    "IGN Benin origin; Bonou code corrected from 1005 to 1006.",
    "Population 2013: INSAE (now INStaD), RGPH4 2013 census, via beninr (GPL-3).",
    "Arrondissements, villages and quartiers: loi n. 2013-05 du 27 mai 2013 (annex), transcription "
    "github.com/nioperas06/bj-decoupage-territorial (MIT, (c) 2018 Junior Gantin).",
    "Licence of this file: GPL-3.0-or-later (derived from GPL-3 data), inside an AGPL-3.0-or-later project.",
]
PILOT_COMMUNES = ("BANIKOARA", "BOHICON", "TOFFO", "AVRANKOU")

# Display names the upper-case sources cannot give (official spelling of the commune).
COMMUNE_NAME_FIXES = {
    "0106": "Ségbana",
    "0305": "Sô-Ava",
    "0307": "Tori-Bossito",
    "0403": "N'Dali",
    "0504": "Ouèssè",
    "0506": "Savè",
    "0604": "Klouékanmè",
    "0905": "Houéyogbé",
}
ROMAN_NUMERALS = {"I", "II", "III", "IV", "V", "VI"}


def normalise(label: str) -> str:
    """Upper case, no accents, punctuation and spaces reduced to single spaces: the matching key."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^A-Z0-9]+", " ", plain.upper()).split())


def proper_case(label: str) -> str:
    """'SÈMÈ-PODJI' -> 'Sèmè-Podji', "TOURA-BIO N'WOROU" -> "Toura-Bio N'Worou", 'BOHICON II' kept."""
    tidy = re.sub(r"\s*-\s*", "-", " ".join(label.split()))

    def word(match: re.Match) -> str:
        text = match.group(0)
        return text if text in ROMAN_NUMERALS else text.capitalize()

    return re.sub(r"[^\W\d_]+", word, tidy)


def slugify(name: str) -> str:
    """ASCII, lower case, hyphenated: 'Sèmè-Podji' -> 'seme-podji', "N'Dali" -> 'ndali'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    plain = plain.replace("'", "")
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def population(total: str, men: str, women: str) -> list[int]:
    return [int(total), int(men), int(women)]


@dataclass
class MatchCount:
    villages: int = 0
    matched: int = 0

    @property
    def rate(self) -> float:
        return self.matched / self.villages if self.villages else 0.0


def departments_and_communes(source: Path) -> tuple[list[dict], list[dict]]:
    features = json.loads((source / "benin_communes_adm2.geojson").read_text(encoding="utf-8"))["features"]
    departments: dict[str, dict] = {}
    communes = []
    for feature in sorted(features, key=lambda item: item["properties"]["code"]):
        props = feature["properties"]
        departments[props["departement_code"]] = {
            "code": props["departement_code"],
            "name": props["departement"],
        }
        name = COMMUNE_NAME_FIXES.get(props["code"], proper_case(props["nom"]))
        communes.append(
            {
                "code": props["code"],
                "department": props["departement_code"],
                "name": name,
                "slug": slugify(name),
                "population_2013": props["population_rgph4_2013"],
            }
        )
    return sorted(departments.values(), key=lambda item: item["code"]), communes


def match_keys(label: str) -> list[str]:
    """Keys to match a village across the two sources, strictest first: the normalised name, then without
    a parenthesised alias, without a trailing 'CENTRE', and with no spaces at all."""
    strict = normalise(label)
    without_alias = normalise(re.sub(r"\(.*?\)", " ", label))
    without_centre = re.sub(r" CENTRE$", "", without_alias)
    keys = [strict, without_alias, without_centre, without_centre.replace(" ", "")]
    return list(dict.fromkeys(keys))


@dataclass
class CensusVillage:
    keys: list[str]
    figures: list[int]
    used: bool = False


def census_villages(rows: list[dict[str, str]], commune: str, arrondissement: str) -> list[CensusVillage]:
    """The census villages of one arrondissement, in file order."""
    return [
        CensusVillage(
            match_keys(row["village_ou_quartier"]),
            population(row["population_totale"], row["hommes"], row["femmes"]),
        )
        for row in rows
        if normalise(row["commune"]) == commune and normalise(row["arrondissement"]) == arrondissement
    ]


def census_figures(name: str, census: list[CensusVillage]) -> list[int] | None:
    """The figures of the census village matching `name` (each census village is used once), else None."""
    for key in match_keys(name):
        for village in census:
            if not village.used and key in village.keys:
                village.used = True
                return village.figures
    return None


def pilot_arrondissements(source: Path, commune: str, count: MatchCount) -> list[dict]:
    law_rows = read_csv(source / "benin_localites_loi2013.csv")
    census_rows = read_csv(source / "rgph4_2013_population_villages.csv")
    arrondissements = []
    for row in read_csv(source / "pilot_communes_arrondissements.csv"):
        if normalise(row["commune"]) != commune:
            continue
        law_label = normalise(row["libelle_loi_2013_05"])
        census = census_villages(census_rows, commune, normalise(row["libelle_rgph4_2013"]))
        villages = []
        names = sorted(
            {
                proper_case(law["village_ou_quartier"])
                for law in law_rows
                if normalise(law["commune"]) == commune and normalise(law["arrondissement"]) == law_label
            }
        )
        for name in names:
            figures = census_figures(name, census)
            count.villages += 1
            count.matched += figures is not None
            villages.append({"name": name, "population": figures})
        arrondissements.append(
            {
                "name": row["arrondissement"],
                "population": population(row["population_2013"], row["hommes_2013"], row["femmes_2013"]),
                "villages": villages,
            }
        )
    return sorted(arrondissements, key=lambda item: item["name"])


def build(source: Path) -> tuple[dict, MatchCount]:
    departments, communes = departments_and_communes(source)
    count = MatchCount()
    for commune in communes:
        key = normalise(commune["name"])
        commune["is_pilot"] = key in PILOT_COMMUNES
        if commune["is_pilot"]:
            commune["arrondissements"] = pilot_arrondissements(source, key, count)
    data = {"format": FORMAT, "credits": CREDITS, "departments": departments, "communes": communes}
    return data, count


def dumps(data: dict) -> str:
    """Compact JSON, one department or commune per line, so that changes read well in a diff."""

    def compact(value) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))

    lines = ["{", f'"format":{compact(data["format"])},', f'"credits":{compact(data["credits"])},']
    for key in ("departments", "communes"):
        items = ",\n".join(compact(item) for item in data[key])
        closing = "]," if key == "departments" else "]"
        lines.append(f'"{key}":[\n{items}\n{closing}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    data, count = build(Path(argv[1]))
    Path(argv[2]).parent.mkdir(parents=True, exist_ok=True)
    Path(argv[2]).write_text(dumps(data), encoding="utf-8")
    print(
        f"{len(data['departments'])} departments, {len(data['communes'])} communes; "
        f"pilot villages with census figures: {count.matched}/{count.villages} ({count.rate:.0%})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
