"""The append-only audit log: recording an event, anchoring the head outside the database, and proving the
chain untouched.

Each event's `hash` is an HMAC-SHA256, under a key the database does not hold (`settings.AUDIT_KEY`, from
`PALABRE_AUDIT_KEY`, else derived from SECRET_KEY with its own salt), over the event's id, every column and
the previous event's hash. Whoever holds only the database can therefore neither rewrite an event and
re-chain the ones after it, nor append a forged one. Ids are given by the chain itself (previous id + 1,
under the chain lock), so a missing id is a deleted event.

What a key cannot show is the loss of the newest events (truncation, or a restored older copy): every
`AUDIT_ANCHOR_EVERY` events, and whenever `manage.py audit_anchor` runs, the head (count, last id, hash,
time) is appended to a file outside the database (`AUDIT_ANCHOR_FILE`) and logged; `audit_verify` checks
the chain against every anchor, and against an anchor line an administrator kept elsewhere.

Upgrade: events recorded before the chain was keyed keep their unkeyed SHA-256 (`scheme` 1, `event_hash`);
migration core 0004 appends one keyed event (`core.audit_chain_keyed`) whose keyed hash covers the last
unkeyed hash, so the older events cannot be rewritten either. An unkeyed event after a keyed one, or an
unkeyed head, is reported.
"""

import hashlib
import hmac
import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from palabre.core.models import AuditEvent, AuditScheme

GENESIS_HASH = "0" * 64
# Any constant: every audited write takes this PostgreSQL lock so the chain never forks.
_CHAIN_LOCK_KEY = 7_061_746_175
# The salt of the key derived from SECRET_KEY when PALABRE_AUDIT_KEY is not set (never the receipts' one).
_DERIVED_KEY_SALT = b"palabre.core.audit-chain-key.v1"
# At most this many problems are listed (a wrong key makes every event fail).
MAX_PROBLEMS = 50

logger = logging.getLogger("palabre.audit")


def audit_record(
    *,
    action: str,
    actor_id: int | None = None,
    commune_id: int | None = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Never put phone numbers or other personal data in `data`."""
    with transaction.atomic():
        _lock_chain()
        last_id, prev_hash = _chain_head()
        event = AuditEvent(
            id=last_id + 1,
            action=action,
            actor_id=actor_id,
            commune_id=commune_id,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=_plain_json(data or {}),
            prev_hash=prev_hash,
            scheme=AuditScheme.HMAC_SHA256,
        )
        event.hash = event_mac(event)
        event.save(force_insert=True)
        every = settings.AUDIT_ANCHOR_EVERY
        if every > 0 and event.pk % every == 0:
            transaction.on_commit(partial(_anchor_committed, event.pk, event.hash))
    return event


def _lock_chain() -> None:
    """Serialise writers of the chain. SQLite already does (BEGIN IMMEDIATE takes the write lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _chain_head() -> tuple[int, str]:
    head = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    return head or (0, GENESIS_HASH)


def _plain_json(data: dict[str, Any]) -> dict[str, Any]:
    """The data exactly as the database will give it back (dates as strings, and so on)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, cls=DjangoJSONEncoder
    ).encode()


def _content(event: AuditEvent) -> dict[str, Any]:
    return {
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "action": event.action,
        "actor_id": event.actor_id,
        "commune_id": event.commune_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
        "prev_hash": event.prev_hash,
    }


def event_hash(event: AuditEvent) -> str:
    """The unkeyed sha256 of an event (scheme 1: events recorded before the chain was keyed). Anyone can
    compute it, so it proves nothing on its own: a keyed event after it covers it."""
    return hashlib.sha256(_canonical(_content(event))).hexdigest()


def audit_key() -> bytes:
    """The chain's key: PALABRE_AUDIT_KEY, else derived from SECRET_KEY (kept in the environment or in
    the data directory, never in the database) with a salt of its own."""
    if settings.AUDIT_KEY:
        return settings.AUDIT_KEY.encode()
    return hmac.new(settings.SECRET_KEY.encode(), _DERIVED_KEY_SALT, hashlib.sha256).digest()


def event_mac(event: AuditEvent, key: bytes | None = None) -> str:
    """HMAC-SHA256 (scheme 2) over the event's id, scheme, every column and the previous hash."""
    fields = _content(event) | {"id": event.pk, "scheme": AuditScheme.HMAC_SHA256.value}
    return hmac.new(key if key is not None else audit_key(), _canonical(fields), hashlib.sha256).hexdigest()


def audit_key_check(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """Outside demo mode, the chain's key should not be derived from SECRET_KEY (which may sit in the
    data directory, next to an SQLite database)."""
    if settings.AUDIT_KEY or settings.DEMO_MODE:
        return []
    return [
        checks.Warning(
            "PALABRE_AUDIT_KEY is not set: the audit log is keyed with a key derived from SECRET_KEY.",
            hint="Set PALABRE_AUDIT_KEY to a long random value kept outside the database and its "
            "backups (docs/deploy.md, 'Audit log key and anchors') before the first migration.",
            id="palabre.W010",
        )
    ]


# ---------------------------------------------------------------------------------------------------------
# Anchors: the head, kept outside the database

_ANCHOR_LINE = re.compile(
    r"palabre-audit-anchor count=(?P<count>\d+) last_id=(?P<last_id>\d+) "
    r"hash=(?P<hash>[0-9a-f]{64}) at=(?P<at>\S+)"
)


@dataclass(frozen=True)
class AuditAnchor:
    """The head of the chain at one moment: how many events, the last one's id and hash."""

    count: int
    last_id: int
    hash: str
    at: datetime

    def line(self) -> str:
        at = self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"palabre-audit-anchor count={self.count} last_id={self.last_id} hash={self.hash} at={at}"

    @classmethod
    def parse(cls, text: str) -> "AuditAnchor":
        """ValueError unless `text` holds an anchor line (as printed by `audit_anchor`)."""
        match = _ANCHOR_LINE.search(text.strip())
        if match is None:
            raise ValueError(f"not an audit anchor: {text.strip()[:120]!r}")
        at = datetime.strptime(match["at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return cls(int(match["count"]), int(match["last_id"]), match["hash"], at)


def audit_head() -> AuditAnchor:
    """The head as committed now (ids only grow and are given under the chain lock, so counting the
    events up to the head's id after reading it is consistent)."""
    last_id, head_hash = _chain_head()
    count = AuditEvent.objects.filter(id__lte=last_id).count()
    return AuditAnchor(count, last_id, head_hash, datetime.now(UTC))


def audit_anchor() -> AuditAnchor:
    """Append the current head to the anchor file and the log; return it (to print)."""
    anchor = audit_head()
    _anchor_write(anchor)
    return anchor


def _anchor_committed(event_id: int, event_hash_: str) -> None:
    count = AuditEvent.objects.filter(id__lte=event_id).count()
    _anchor_write(AuditAnchor(count, event_id, event_hash_, datetime.now(UTC)))


def _anchor_write(anchor: AuditAnchor) -> None:
    """One line, appended in a single write (O_APPEND: several processes never interleave). Never raises:
    the events are already committed; a failure is logged loudly instead."""
    line = anchor.line()
    logger.info("%s", line)
    path = Path(settings.AUDIT_ANCHOR_FILE)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(descriptor, f"{line}\n".encode())
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
    except OSError:
        logger.exception("audit anchor not written to %s", path)


def anchors_read(path: Path | str | None = None) -> tuple[list[AuditAnchor], list[int]]:
    """The anchors of the anchor file, and the numbers of its unreadable lines."""
    path = Path(path if path is not None else settings.AUDIT_ANCHOR_FILE)
    if not path.exists():
        return [], []
    anchors, unreadable = [], []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if not text.strip():
            continue
        try:
            anchors.append(AuditAnchor.parse(text))
        except ValueError:
            unreadable.append(number)
    return anchors, unreadable


# ---------------------------------------------------------------------------------------------------------
# Verification


@dataclass(frozen=True)
class AuditProblem:
    event_id: int | None
    text: str


@dataclass(frozen=True)
class AuditVerification:
    """`checked`: events verified before the first problem (all of them when ok); `problems`: every
    problem found, the first one also as `broken_event_id` / `problem`."""

    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    problems: tuple[AuditProblem, ...] = ()
    total: int = 0
    anchors: int = 0
    last_anchor: AuditAnchor | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Walk:
    anchors: dict[int, list[AuditAnchor]]
    problems: list[AuditProblem] = field(default_factory=list)
    checked: int | None = None
    count: int = 0

    def report(self, event_id: int | None, text: str) -> None:
        if self.checked is None:
            self.checked = self.count
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(AuditProblem(event_id, text))


def audit_verify(*, anchors: list[AuditAnchor] | None = None, anchor_file: bool = True) -> AuditVerification:
    """Walk the chain in id order and report every problem: an edited, forged or re-chained event (keyed
    hash), a missing id, a broken link, an unkeyed event where only keyed ones may be, and a chain shorter
    than an anchor says (truncated or rolled back) or whose anchored event changed. Checked against the
    anchor file (unless `anchor_file=False`) and the `anchors` given."""
    known = list(anchors or [])
    walk = _Walk(anchors={})
    if anchor_file:
        from_file, unreadable = anchors_read()
        known += from_file
        for number in unreadable:
            walk.report(None, f"anchor file line {number} is not an anchor")
    for anchor in known:
        walk.anchors.setdefault(anchor.last_id, []).append(anchor)
    key = audit_key()
    expected_prev, prev_id, keyed_seen, last_scheme = GENESIS_HASH, 0, False, None
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        _verify_event(walk, event, key, expected_prev, prev_id, keyed_seen)
        walk.count += 1
        keyed_seen = keyed_seen or event.scheme == AuditScheme.HMAC_SHA256
        expected_prev, prev_id, last_scheme = event.hash, event.pk, event.scheme
        for anchor in walk.anchors.pop(event.pk, []):
            _verify_anchor(walk, event, anchor)
    if last_scheme is not None and last_scheme != AuditScheme.HMAC_SHA256:
        walk.report(prev_id, "the newest event is not keyed: events were removed or forged")
    for last_id, missing in sorted(walk.anchors.items()):
        anchor = missing[0]
        at = anchor.at.strftime("%Y-%m-%dT%H:%M:%SZ")
        walk.report(
            last_id,
            f"anchored event #{last_id} is missing: the log was truncated or rolled back "
            f"({walk.count} events now, {anchor.count} anchored at {at})",
        )
    first = walk.problems[0] if walk.problems else None
    return AuditVerification(
        checked=walk.count if walk.checked is None else walk.checked,
        broken_event_id=first.event_id if first else None,
        problem=first.text if first else "",
        problems=tuple(walk.problems),
        total=walk.count,
        anchors=len(known),
        last_anchor=max(known, key=lambda anchor: anchor.last_id, default=None),
    )


def _verify_event(
    walk: _Walk, event: AuditEvent, key: bytes, expected_prev: str, prev_id: int, keyed_seen: bool
) -> None:
    if event.scheme == AuditScheme.HMAC_SHA256 and event.pk != prev_id + 1:
        walk.report(event.pk, f"events #{prev_id + 1}-#{event.pk - 1} are missing (gap of ids)")
    if event.prev_hash != expected_prev:
        walk.report(event.pk, "previous event missing or altered (broken link)")
    if event.scheme == AuditScheme.HMAC_SHA256:
        if not hmac.compare_digest(event.hash, event_mac(event, key)):
            walk.report(
                event.pk,
                "keyed hash does not match: content altered, re-chained or forged "
                "(or PALABRE_AUDIT_KEY is not the key the chain was written with)",
            )
    elif event.scheme == AuditScheme.SHA256:
        if keyed_seen:
            walk.report(event.pk, "unkeyed event after keyed ones: forged or downgraded")
        elif event.hash != event_hash(event):
            walk.report(event.pk, "content altered")
    else:
        walk.report(event.pk, f"unknown hash scheme {event.scheme}")


def _verify_anchor(walk: _Walk, event: AuditEvent, anchor: AuditAnchor) -> None:
    if not hmac.compare_digest(event.hash, anchor.hash):
        walk.report(event.pk, f"anchored event #{event.pk} has another hash than its anchor: rewritten")
    elif walk.count != anchor.count:
        walk.report(
            event.pk,
            f"{walk.count} events up to #{event.pk}, {anchor.count} anchored: events removed",
        )
