"""Reads of the channels app."""

from typing import TYPE_CHECKING

from palabre.channels.credentials import mask_secret
from palabre.channels.models import ConsoleMessage, GatewayCredential, InboundMessage, PhoneProfile

if TYPE_CHECKING:
    from palabre.territory.models import Commune

RECENT_INBOUND = 100


def recent_console_messages(*, limit: int = 50) -> list[ConsoleMessage]:
    """The latest SMS the console gateway "sent", newest first."""
    return list(ConsoleMessage.objects.order_by("-id")[:limit])


def recent_inbound(commune: "Commune", *, limit: int = RECENT_INBOUND) -> list[InboundMessage]:
    """The commune's latest phone requests (no related rows needed), newest first. Senders are shown by
    pseudonym (the start of their number's keyed hash): numbers are not stored."""
    return list(
        InboundMessage.objects.of_commune(commune)
        .only("id", "gateway", "kind", "phone_key", "status", "received_at")
        .order_by("-received_at", "-id")[:limit]
    )


def blocked_phones(commune: "Commune") -> list[PhoneProfile]:
    """The numbers this commune's staff blocked (by pseudonym), with who blocked them (select_related)."""
    return list(
        PhoneProfile.objects.filter(blocked_in=commune, blocked_at__isnull=False)
        .select_related("blocked_by")
        .order_by("-blocked_at")
    )


def commune_credentials(commune: "Commune") -> list[dict[str, str]]:
    """The gateway accounts the commune uses (its own, else the platform's), secrets masked."""
    credentials = GatewayCredential.objects.filter(is_active=True).filter(
        commune=commune
    ) | GatewayCredential.objects.filter(is_active=True, commune__isnull=True)
    return [
        {
            "gateway": credential.get_gateway_display(),
            "scope": "commune" if credential.commune_id else "platform",
            "username": credential.username,
            "sender": credential.sender,
            "secret": mask_secret(credential.secret),
            "signing_secret": mask_secret(credential.signing_secret),
        }
        for credential in credentials.order_by("gateway", "commune")
    ]
