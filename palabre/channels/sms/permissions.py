"""Who may send announcements by SMS: the commune's administrators and complaints officers."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from palabre.accounts.models import Role
from palabre.accounts.permissions import access_commune_staff
from palabre.channels.sms_models import BulkCampaign
from palabre.territory.models import Commune

BULK_ROLES = (Role.COMMUNE_ADMIN, Role.COMPLAINTS_OFFICER)


def access_bulk_staff(request: HttpRequest, commune_slug: str) -> Commune:
    """The commune, if the viewer may send its announcements (else 404)."""
    commune, _membership = access_commune_staff(request, commune_slug, roles=BULK_ROLES)
    return commune


def access_bulk_campaign(request: HttpRequest, commune_slug: str, pk: int) -> tuple[Commune, BulkCampaign]:
    """An announcement of the commune, for those who may send them (404 for another commune's)."""
    commune = access_bulk_staff(request, commune_slug)
    campaign = get_object_or_404(
        BulkCampaign.objects.select_related("arrondissement", "created_by", "confirmed_by"),
        pk=pk,
        commune=commune,
    )
    return commune, campaign
