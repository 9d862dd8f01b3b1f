"""Who may open the channels staff pages: the commune's administrators (requests, blocked numbers), the
platform administrator (gateway setup). Every mismatch answers 404."""

from typing import Protocol, cast

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from palabre.accounts.models import Role
from palabre.accounts.permissions import access_commune_staff
from palabre.channels.models import InboundMessage, PhoneProfile
from palabre.territory.models import Commune


class _OTPUser(Protocol):
    """What django_otp's OTPMiddleware adds to the user of every request."""

    def is_verified(self) -> bool: ...


def access_platform_admin(request: HttpRequest) -> None:
    """The platform administrator (a superuser signed in with their second factor); anyone else 404: the
    gateway setup pages name the secrets of every commune's accounts."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    if not user.is_active:
        raise Http404
    if not user.is_superuser:
        raise Http404
    if not cast(_OTPUser, user).is_verified():
        raise Http404


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
