"""Who may open staff pages. Every mismatch answers 404 so nobody learns what exists."""

from collections.abc import Collection
from typing import Protocol, cast

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from palabre.accounts.models import COMMUNE_ROLES, Membership, Role, User
from palabre.territory.models import Commune


class _OTPUser(Protocol):
    """What django_otp's OTPMiddleware adds, at run time, to the user of every request."""

    def is_verified(self) -> bool: ...


def _require_verified_staff(request: HttpRequest) -> User:
    """The signed-in user, once they gave their second factor; 404 otherwise."""
    user = request.user
    if not user.is_authenticated:
        raise Http404
    if not user.is_active:
        raise Http404
    if not cast(_OTPUser, user).is_verified():
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
