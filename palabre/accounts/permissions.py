"""Who may open staff pages. Every mismatch answers 404 so nobody learns what exists."""

from collections.abc import Collection
from typing import TypeGuard

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from palabre.accounts.models import COMMUNE_ROLES, Membership, Role, User
from palabre.territory.models import Commune


def is_verified_staff(actor: object) -> TypeGuard[User]:
    """An active account signed in with its second factor: django_otp's OTPMiddleware gives the user of a
    request `is_verified()`; a user read elsewhere (a phone caller's account) never has it. The one check
    every staff page and every actor-shaped staff helper makes."""
    if not isinstance(actor, User) or not actor.is_active:
        return False
    is_verified = getattr(actor, "is_verified", None)
    return callable(is_verified) and bool(is_verified())


def _require_verified_staff(request: HttpRequest) -> User:
    """The signed-in user, once they gave their second factor; 404 otherwise."""
    user = request.user
    if not is_verified_staff(user):
        raise Http404
    return user


def access_platform_admin(request: HttpRequest) -> User:
    """The platform administrator (a superuser signed in with their second factor); anyone else 404."""
    user = _require_verified_staff(request)
    if not user.is_superuser:
        raise Http404
    return user


def access_commune_staff(
    request: HttpRequest, commune_slug: str, roles: Collection[str] = tuple(COMMUNE_ROLES)
) -> tuple[Commune, Membership]:
    """The commune and the viewer's membership there, if they signed in with their second factor and hold
    one of `roles` in THAT commune."""
    user = _require_verified_staff(request)
    commune = get_object_or_404(Commune.objects.active(), slug=commune_slug)
    membership = Membership.objects.filter(user=user, commune=commune, role__in=roles).first()
    if membership is None:
        raise Http404
    return commune, membership


def access_commune_member(request: HttpRequest, commune_slug: str, pk: int) -> tuple[Commune, Membership]:
    """A membership of the commune, for its administrators only."""
    commune, _ = access_commune_staff(request, commune_slug, roles=[Role.COMMUNE_ADMIN])
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, commune=commune)
    return commune, membership


def access_national_statistics(request: HttpRequest) -> None:
    """National aggregated statistics: national observers and platform administrators only."""
    user = _require_verified_staff(request)
    is_observer = Membership.objects.filter(user=user, role=Role.NATIONAL_OBSERVER).exists()
    if not (is_observer or user.is_superuser):
        raise Http404
