"""Gateway credentials: the commune's own account first, else the platform's; secrets never shown in full.

A secret field may hold `env:VARIABLE_NAME`: the value is then read from that environment variable, so a
deployment can keep its secrets out of the database entirely.
"""

import os
from dataclasses import dataclass

from palabre.channels.models import GatewayCredential

ENV_PREFIX = "env:"
SHOWN_CHARACTERS = 4


@dataclass(frozen=True)
class ResolvedCredential:
    """A credential with its secrets read (from the database or the environment)."""

    gateway: str
    commune_id: int | None
    username: str
    sender: str
    secret: str
    signing_secret: str
    webhook_token: str


def resolve_secret(value: str) -> str:
    """The secret itself: `env:NAME` reads the environment variable NAME ("" if it is not set)."""
    if value.startswith(ENV_PREFIX):
        return os.environ.get(value.removeprefix(ENV_PREFIX), "")
    return value


def mask_secret(value: str) -> str:
    """`••••1234` (the last 4 characters only), `env:NAME` as is (a name is not a secret), "" if empty."""
    if not value:
        return ""
    if value.startswith(ENV_PREFIX):
        return value
    return "••••" + value[-SHOWN_CHARACTERS:] if len(value) > SHOWN_CHARACTERS * 2 else "••••"


def _resolved(credential: GatewayCredential) -> ResolvedCredential:
    return ResolvedCredential(
        gateway=credential.gateway,
        commune_id=credential.commune_id,
        username=credential.username,
        sender=credential.sender,
        secret=resolve_secret(credential.secret),
        signing_secret=resolve_secret(credential.signing_secret),
        webhook_token=resolve_secret(credential.webhook_token),
    )


def credential_for(gateway: str, commune_id: int | None = None) -> ResolvedCredential | None:
    """The active credential of `commune_id` for `gateway`, else the platform-wide one, else None."""
    active = GatewayCredential.objects.filter(gateway=gateway, is_active=True)
    if commune_id is not None:
        own = active.filter(commune_id=commune_id).first()
        if own is not None:
            return _resolved(own)
    platform = active.filter(commune__isnull=True).first()
    return _resolved(platform) if platform is not None else None


def active_credentials(gateway: str) -> list[ResolvedCredential]:
    """Every active credential of `gateway` (a webhook signed with any of them is genuine)."""
    return [_resolved(item) for item in GatewayCredential.objects.filter(gateway=gateway, is_active=True)]


@dataclass(frozen=True)
class SecretState:
    """Whether one secret field of a credential is set, and where (never the value): `owner` names the
    credential (its commune, else None for the platform's), `variable` the environment variable it is read
    from when the field holds `env:NAME` ("" when it is stored in the database)."""

    owner: str | None
    sender: str
    field: str
    variable: str
    is_set: bool


def credential_secret_states(gateway: str, fields: tuple[str, ...]) -> list[SecretState]:
    """For each active credential of `gateway` (the platform's first), whether each of `fields` is set."""
    credentials = (
        GatewayCredential.objects.filter(gateway=gateway, is_active=True)
        .select_related("commune")
        .order_by("commune__name", "pk")
    )
    states = []
    for credential in sorted(credentials, key=lambda item: item.commune is not None):
        for name in fields:
            value: str = getattr(credential, name)
            states.append(
                SecretState(
                    owner=credential.commune.name if credential.commune is not None else None,
                    sender=credential.sender,
                    field=name,
                    variable=value.removeprefix(ENV_PREFIX) if value.startswith(ENV_PREFIX) else "",
                    is_set=bool(resolve_secret(value)),
                )
            )
    return states
