"""Keyed hashes and sealed values: what lets the database hold a phone number's trace without the number.

Both use keys derived from the server's SECRET_KEY (set in the environment or kept in the data folder,
never in the database), so a copy of the database alone cannot turn a hash back into a number (a plain
SHA-256 of a Beninese number is reversed by trying the hundred million possible numbers) nor open a sealed
value. Changing SECRET_KEY changes every key: the phone profiles (language, commune, STOP) are then
forgotten, which is safe.
"""

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.crypto import salted_hmac


def keyed_hash(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of `value` (64 hex characters) under a key of its own for each `purpose`."""
    return salted_hmac(f"palabre.{purpose}", value, algorithm="sha256").hexdigest()


def phone_key(phone: str) -> str:
    """The keyed hash by which the channels find a phone number's settings, sessions and requests."""
    return keyed_hash(phone, purpose="phone") if phone else ""


def _fernet(purpose: str) -> Fernet:
    digest = salted_hmac(f"palabre.sealed.{purpose}", settings.SECRET_KEY, algorithm="sha256").digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(value: Any, *, purpose: str) -> str:
    """`value` (JSON) encrypted and authenticated (Fernet: AES-128-CBC + HMAC-SHA256)."""
    return _fernet(purpose).encrypt(json.dumps(value, separators=(",", ":")).encode()).decode()


def unseal(token: str, *, purpose: str) -> Any:
    """The value `seal` sealed, or None when `token` is empty, altered or sealed under another key."""
    if not token:
        return None
    try:
        return json.loads(_fernet(purpose).decrypt(token.encode()))
    except (InvalidToken, ValueError):
        return None
