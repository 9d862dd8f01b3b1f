"""Who may open staff pages. Every mismatch answers 404 so nobody learns what exists."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from palabre.accounts.models import COMMUNE_ROLES, Membership, Role
from palabre.territory.models import Commune


def _require_verified_staff(request: HttpRequest) -> None:
    user = request.user
    if not user.is_authenticated:
        raise Http404
    if not user.is_active:
        raise Http404
    if not user.is_verified():
        raise Http404


def access_commune_staff(
    request: HttpRequest, commune_slug: str, roles=tuple(COMMUNE_ROLES)
) -> tuple[Commune, Membership]:
    """The commune and the viewer's membership there, if they signed in with their second factor and hold
    one of `roles` in THAT commune."""
    _require_verified_staff(request)
    commune = get_object_or_404(Commune.objects.active(), slug=commune_slug)
    membership = Membership.objects.filter(user=request.user, commune=commune, role__in=roles).first()
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
    _require_verified_staff(request)
    user = request.user
    is_observer = Membership.objects.filter(user=user, role=Role.NATIONAL_OBSERVER).exists()
    if not (is_observer or user.is_superuser):
        raise Http404
