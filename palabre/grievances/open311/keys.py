"""Issuing, revoking and checking Open311 API keys. A key is shown once; only its SHA-256 is stored."""

import datetime
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from palabre.core.services import audit_record
from palabre.grievances.open311.models import Open311ApiKey
from palabre.territory.models import Commune

KEY_BYTES = 32


def key_hash(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


def api_key_issue(*, commune: Commune, label: str, by=None) -> tuple[Open311ApiKey, str]:
    """A new key for `commune`: returns the stored key and the raw key, which is never stored."""
    raw_key = secrets.token_urlsafe(KEY_BYTES)
    with transaction.atomic():
        api_key = Open311ApiKey.objects.create(
            commune=commune, key_hash=key_hash(raw_key), label=label.strip()[:120], created_by=by
        )
        audit_record(
            action="grievances.open311_key_issued",
            actor_id=getattr(by, "pk", None),
            commune_id=commune.pk,
            target=api_key,
            data={"label": api_key.label},
        )
    return api_key, raw_key


def api_key_revoke(*, api_key: Open311ApiKey, by=None, now: datetime.datetime | None = None) -> None:
    """Revoke a key for good (revoking twice changes nothing)."""
    if api_key.revoked_at is not None:
        return
    with transaction.atomic():
        api_key.revoked_at = now or timezone.now()
        api_key.save(update_fields=["revoked_at"])
        audit_record(
            action="grievances.open311_key_revoked",
            actor_id=getattr(by, "pk", None),
            commune_id=api_key.commune_id,
            target=api_key,
            data={"label": api_key.label},
        )


def api_key_check(*, raw_key: str, commune: Commune) -> Open311ApiKey | None:
    """The active key of `commune` matching `raw_key` (its last use recorded), else None."""
    if not raw_key:
        return None
    api_key = Open311ApiKey.objects.active().filter(commune=commune, key_hash=key_hash(raw_key)).first()
    if api_key is not None:
        Open311ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
    return api_key
