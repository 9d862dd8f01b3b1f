"""The append-only, hash-chained audit log: recording an event and proving the chain untouched."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from palabre.core.models import AuditEvent

GENESIS_HASH = "0" * 64
# Any constant: every audited write takes this PostgreSQL lock so the chain never forks.
_CHAIN_LOCK_KEY = 7_061_746_175


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
        event = AuditEvent(
            action=action,
            actor_id=actor_id,
            commune_id=commune_id,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            data=_plain_json(data or {}),
            prev_hash=_chain_head(),
        )
        event.hash = event_hash(event)
        event.save()
    return event


def _lock_chain() -> None:
    """Serialise writers of the chain. SQLite already does (BEGIN IMMEDIATE takes the write lock)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _chain_head() -> str:
    last_hash = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    return last_hash or GENESIS_HASH


def _plain_json(data: dict[str, Any]) -> dict[str, Any]:
    """The data exactly as the database will give it back (dates as strings, and so on)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def event_hash(event: AuditEvent) -> str:
    """sha256 over a canonical serialization of every field of the event and the previous hash."""
    canonical = json.dumps(
        {
            "created_at": event.created_at.isoformat(timespec="microseconds"),
            "action": event.action,
            "actor_id": event.actor_id,
            "commune_id": event.commune_id,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "data": event.data,
            "prev_hash": event.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        cls=DjangoJSONEncoder,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class AuditVerification:
    checked: int
    broken_event_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_event_id is None


def audit_verify() -> AuditVerification:
    """Walk the chain in order; name the first event that was edited, or whose predecessor was removed."""
    expected_prev = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev:
            return AuditVerification(checked, event.pk, "previous event missing or altered")
        if event.hash != event_hash(event):
            return AuditVerification(checked, event.pk, "content altered")
        expected_prev = event.hash
        checked += 1
    return AuditVerification(checked)
