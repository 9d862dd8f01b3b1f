"""Who may open the channels staff pages: the commune's administrators (requests, blocked numbers), the
platform administrator (gateway setup). Every mismatch answers 404."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from palabre.accounts.models import Role
from palabre.accounts.permissions import access_commune_staff
from palabre.channels.models import InboundMessage, PhoneProfile
from palabre.territory.models import Commune


def access_channels_admin(request: HttpRequest, commune_slug: str) -> Commune:
    commune, _membership = access_commune_staff(request, commune_slug, roles=[Role.COMMUNE_ADMIN])
    return commune


def access_inbound(request: HttpRequest, commune_slug: str, pk: int) -> tuple[Commune, InboundMessage]:
    """A request received for the commune (to block its number)."""
    commune = access_channels_admin(request, commune_slug)
    inbound = get_object_or_404(InboundMessage.objects.exclude(phone_key=""), pk=pk, commune=commune)
    return commune, inbound


def access_blocked_phone(request: HttpRequest, commune_slug: str, pk: int) -> tuple[Commune, PhoneProfile]:
    """A number this commune blocked (only the commune that blocked a number may unblock it)."""
    commune = access_channels_admin(request, commune_slug)
    profile = get_object_or_404(PhoneProfile, pk=pk, blocked_in=commune, blocked_at__isnull=False)
    return commune, profile
