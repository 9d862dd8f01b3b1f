"""The channel pages listed on a commune's staff home (see palabre.core.staff_tools)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from palabre.accounts.models import Role
from palabre.channels.sms.permissions import BULK_ROLES
from palabre.core.staff_tools import StaffTool


def channel_tools(commune, roles: set[str]) -> list[StaffTool]:
    kwargs = {"commune_slug": commune.slug}
    tools = []
    if roles & set(BULK_ROLES):
        tools.append(StaffTool(_("Annonces par SMS"), reverse("sms_staff:history", kwargs=kwargs)))
    if Role.COMMUNE_ADMIN in roles:
        tools.append(
            StaffTool(
                _("Canaux : messages reçus, numéros bloqués"), reverse("channels_staff:home", kwargs=kwargs)
            )
        )
    return tools
