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


Row = tuple[int, list[str]]  # (line number in the file, its fields)


def _rows_by_section(text: str) -> dict[str, list[Row]]:
    sections: dict[str, list[Row]] = {}
    current = None
    reader = csv.reader(text.splitlines(), delimiter=";")
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        name = row[0].strip().lower()
        if name in SECTIONS and len([cell for cell in row if cell.strip()]) == 1:
            current = sections.setdefault(name, [])
            continue
        if current is None:
            raise PabulibError(f"line {reader.line_num}: data before the META section")
        current.append((reader.line_num, [cell.strip() for cell in row]))
    missing = [name for name in SECTIONS if name not in sections]
    if missing:
        raise PabulibError(f"missing sections: {', '.join(missing)}")
    return sections


def _table(rows: list[Row], section: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The section's rows as {column: value} (empty values left out), each with its line number. A row
    with more fields than the header, or too few to reach a `required` column, is refused, naming its line."""
    if not rows:
        raise PabulibError(f"{section}: no header row")
    (header_line, header), *body = rows
    absent = [column for column in required if column not in header]
    if absent:
        raise PabulibError(f"line {header_line}: {section} header has no {', '.join(absent)} column")
    reach = max(header.index(column) for column in required) + 1
    records = []
    for line, row in body:
        if len(row) > len(header):
            raise PabulibError(f"line {line}: {section} row {row[0]!r} has more fields than the header")
        if len(row) < reach:
            missing = ", ".join(column for column in required if header.index(column) >= len(row))
            raise PabulibError(f"line {line}: {section} row {row[0]!r} has no {missing} field")
        records.append((line, {column: value for column, value in zip(header, row, strict=False) if value}))
    return records


def _number(text: str, *, line: int, what: str) -> Fraction:
    try:
        return parse_number(text)
    except (ValueError, ZeroDivisionError):
        raise PabulibError(f"line {line}: {what} {text!r} is not a number") from None


def _points(text: str, *, line: int, what: str) -> int | Fraction:
    number = _number(text, line=line, what=what)
    return number.numerator if number.denominator == 1 else number


def parse_pabulib(text: str) -> Election:
    """The election a pabulib text describes; PabulibError (naming the line) when it cannot be read."""
    sections = _rows_by_section(text)
    meta = {row[0]: row[1] if len(row) > 1 else "" for _line, row in sections["meta"][1:]}
    if "budget" not in meta:
        raise PabulibError("META has no budget")
    meta_lines = {row[0]: line for line, row in sections["meta"][1:]}
    _number(meta["budget"], line=meta_lines["budget"], what="META budget")
    vote_type = meta.get("vote_type", "approval")
    projects = _projects(sections["projects"])
    ballots = _ballots(sections["votes"], projects, has_points=vote_type in POINT_TYPES)
    try:
        return Election(meta, projects, ballots)
    except ValueError as error:
        raise PabulibError(str(error)) from error


def _projects(rows: list[Row]) -> dict[str, Project]:
    projects = {}
    for line, row in _table(rows, "PROJECTS", ("project_id", "cost")):
        project_id = row.pop("project_id", "")
        if not project_id:
            raise PabulibError(f"line {line}: PROJECTS row without a project_id")
        if project_id in projects:
            raise PabulibError(f"line {line}: project {project_id!r} is listed twice")
        if "cost" not in row:
            raise PabulibError(f"line {line}: project {project_id!r} has no cost")
        cost = _number(row.pop("cost"), line=line, what=f"project {project_id!r}: cost")
        projects[project_id] = Project(project_id, cost, row)
    return projects


def _ballots(rows: list[Row], projects: dict[str, Project], *, has_points: bool) -> list[Ballot]:
    required = ("voter_id", "vote", "points") if has_points else ("voter_id", "vote")
    ballots = []
    for line, row in _table(rows, "VOTES", required):
        voter_id = row.pop("voter_id", "")
        if not voter_id:
            raise PabulibError(f"line {line}: VOTES row without a voter_id")
        named = _split_list(row.pop("vote", ""))
        unknown = [project for project in named if project not in projects]
        if unknown:
            raise PabulibError(f"line {line}: voter {voter_id!r} names unknown project {unknown[0]!r}")
        points = None
        if has_points:
            what = f"voter {voter_id!r}: points"
            points = tuple(
                _points(value, line=line, what=what) for value in _split_list(row.pop("points", ""))
            )
            if len(points) != len(named):
                raise PabulibError(
                    f"line {line}: voter {voter_id!r}: {len(named)} projects but {len(points)} points"
                )
        ballots.append(Ballot(voter_id, tuple(named), points, row))
    return ballots


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
