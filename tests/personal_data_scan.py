"""Scanning the whole database for personal data: what the tests of `test_personal_data_at_rest.py` use,
and any other module's tests may use (a new module must keep no phone, description or code beyond what
its design allows).

    needles = phone_needles("+2290197700001", label="phone:ussd") | {"description:ussd": "Violences ..."}
    hits = database_hits(needles)                  # every (table, column, needle) found, any table
    assert_no_hits(needles, allowed=ALLOWED)       # fails, listing each hit not allowed

Every column of every table (read from the database schema, so tables of third-party apps, many-to-many
tables and tables without a model are scanned too) is read as text: strings as stored, JSON both as stored
(`\\u00e9` escapes) and decoded, bytes decoded as UTF-8. The data of a test database is small: rows are
read whole and searched in Python, which also makes the scan the same on SQLite and PostgreSQL.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    needle: str  # the needle's label, e.g. "phone:ussd"
    row: str  # the row's first column (its id, usually), to find it

    def __str__(self) -> str:
        return f"{self.table}.{self.column} holds {self.needle} (row {self.row})"


@dataclass(frozen=True)
class Allowed:
    """A hit the design allows: `table.column` may hold the needles whose label is in `needles` (a label
    covers its variants, "phone:voice" allows "phone:voice (01…)"; a label ending with ':' covers every
    channel of a kind). `why` says why."""

    table: str
    column: str
    needles: frozenset[str]
    why: str

    def allows(self, hit: Hit) -> bool:
        if (hit.table, hit.column) != (self.table, self.column):
            return False
        return any(
            hit.needle == label
            or hit.needle.startswith(label + " ")
            or (label.endswith(":") and hit.needle.startswith(label))
            for label in self.needles
        )


def phone_needles(phone: str, *, label: str) -> dict[str, str]:
    """The forms a Beninese number `+229 01 xx xx xx xx` may be stored in: E.164, without the '+', the
    local 10-digit form people write (`01...`), and the 8 digits after `01` (the old numbering)."""
    assert phone.startswith("+22901") and len(phone) == 14, phone
    return {
        f"{label}": phone,
        f"{label} (229…)": phone[1:],
        f"{label} (01…)": phone[4:],
        f"{label} (8 digits)": phone[6:],
    }


def _texts(value) -> Iterable[str]:
    if value is None:
        return
    if isinstance(value, memoryview):
        value = value.tobytes()
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        value = str(value)
    yield value
    if value[:1] in '[{"':
        try:
            decoded = json.loads(value)
        except ValueError:
            return
        yield json.dumps(decoded, ensure_ascii=False)


def _tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(
            info.name for info in connection.introspection.get_table_list(cursor) if info.type == "t"
        )


def database_hits(needles: dict[str, str]) -> list[Hit]:
    """Every place of the database holding one of `needles` (label -> text, matched case-sensitively as a
    substring, and also case-insensitively for codes: the labels starting with 'code')."""
    hits: list[Hit] = []
    quote = connection.ops.quote_name
    for table in _tables():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {quote(table)}")
            columns = [column[0] for column in cursor.description]
            rows = cursor.fetchall()
        for row in rows:
            for column, value in zip(columns, row, strict=True):
                for text in _texts(value):
                    for label, needle in needles.items():
                        if needle in text or (label.startswith("code") and needle.lower() in text.lower()):
                            hits.append(Hit(table, column, label, str(row[0])))
    return sorted(set(hits), key=lambda hit: (hit.table, hit.column, hit.needle, hit.row))


def forbidden_hits(needles: dict[str, str], *, allowed: Iterable[Allowed] = ()) -> list[Hit]:
    allowed = list(allowed)
    return [hit for hit in database_hits(needles) if not any(rule.allows(hit) for rule in allowed)]


def assert_no_hits(needles: dict[str, str], *, allowed: Iterable[Allowed] = ()) -> None:
    """Fail with the list of every hit that no rule of `allowed` allows."""
    hits = forbidden_hits(needles, allowed=allowed)
    assert not hits, "Personal data found at rest:\n" + "\n".join(f"  {hit}" for hit in hits)
