"""Read and write the pabulib `.pb` format (https://pabulib.org/format).

A file has three sections, each a `;`-separated table introduced by its name and a header row:
META (`key;value`), PROJECTS (`project_id;cost;...`) and VOTES (`voter_id;vote;...`, plus `points` for
cumulative and scoring ballots). Fields may be quoted (`""` escapes a quote); line endings may be CRLF or
mixed; costs may be written as decimals (`100000.0`). Ids are kept as strings.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal, localcontext
from fractions import Fraction
from pathlib import Path

from .election import POINT_TYPES, Ballot, Election, Project

SECTIONS = ("meta", "projects", "votes")


class PabulibError(ValueError):
    """The text is not a readable pabulib file."""


def parse_number(text: str) -> Fraction:
    return Fraction(text.strip().replace(",", "."))


def parse_points(text: str) -> int | Fraction:
    """Points as an int when whole (sums of ints are much faster than sums of Fractions)."""
    number = parse_number(text)
    return number.numerator if number.denominator == 1 else number


def format_number(value: int | Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    with localcontext() as context:
        context.prec = 60
        return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def read_pabulib(path: str | Path) -> Election:
    return parse_pabulib(Path(path).read_text(encoding="utf-8-sig"))


def _split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def _rows_by_section(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current = None
    for row in csv.reader(text.splitlines(), delimiter=";"):
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        name = row[0].strip().lower()
        if name in SECTIONS and len([cell for cell in row if cell.strip()]) == 1:
            current = sections.setdefault(name, [])
            continue
        if current is None:
            raise PabulibError("data before the META section")
        current.append([cell.strip() for cell in row])
    missing = [name for name in SECTIONS if name not in sections]
    if missing:
        raise PabulibError(f"missing sections: {', '.join(missing)}")
    return sections


def _table(rows: list[list[str]], section: str) -> tuple[list[str], list[dict[str, str]]]:
    if not rows:
        raise PabulibError(f"{section}: no header row")
    header, *body = rows
    records = []
    for row in body:
        if len(row) > len(header):
            raise PabulibError(f"{section}: row {row[0]!r} has more fields than the header")
        records.append({column: value for column, value in zip(header, row, strict=False) if value})
    return header, records


def parse_pabulib(text: str) -> Election:
    sections = _rows_by_section(text)
    meta = {row[0]: row[1] if len(row) > 1 else "" for row in sections["meta"][1:]}
    vote_type = meta.get("vote_type", "approval")
    _, project_rows = _table(sections["projects"], "PROJECTS")
    projects = {}
    for row in project_rows:
        project_id = row.pop("project_id")
        projects[project_id] = Project(project_id, parse_number(row.pop("cost")), row)
    _, vote_rows = _table(sections["votes"], "VOTES")
    ballots = []
    for row in vote_rows:
        voter_id = row.pop("voter_id")
        named = _split_list(row.pop("vote", ""))
        points = None
        if vote_type in POINT_TYPES:
            points = tuple(parse_points(value) for value in _split_list(row.pop("points", "")))
            if len(points) != len(named):
                raise PabulibError(f"voter {voter_id}: {len(named)} projects but {len(points)} points")
        ballots.append(Ballot(voter_id, tuple(named), points, row))
    if "budget" not in meta:
        raise PabulibError("META has no budget")
    try:
        return Election(meta, projects, ballots)
    except ValueError as error:
        raise PabulibError(str(error)) from error


def write_pabulib(election: Election) -> str:
    """The election as pabulib text; `parse_pabulib(write_pabulib(e)) == e`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(election.meta.items())
    project_columns = _columns(project.fields for project in election.projects.values())
    writer.writerow(["PROJECTS"])
    writer.writerow(["project_id", "cost", *project_columns])
    for project in election.projects.values():
        fields = [project.fields.get(column, "") for column in project_columns]
        writer.writerow([project.id, format_number(project.cost), *fields])
    has_points = election.vote_type in POINT_TYPES
    vote_columns = _columns(ballot.fields for ballot in election.ballots)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote", *(["points"] if has_points else []), *vote_columns])
    for ballot in election.ballots:
        points = [",".join(format_number(value) for value in ballot.points or ())] if has_points else []
        fields = [ballot.fields.get(column, "") for column in vote_columns]
        writer.writerow([ballot.voter_id, ",".join(ballot.projects), *points, *fields])
    return buffer.getvalue()


def _columns(field_dicts) -> list[str]:
    columns: dict[str, None] = {}
    for fields in field_dicts:
        columns.update(dict.fromkeys(fields))
    return list(columns)
