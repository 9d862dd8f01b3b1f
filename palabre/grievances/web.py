"""Helpers of the complaint pages that are presentation only: the points map drawn as SVG, the map settings.

The commune outline comes from palabre.territory.boundaries; without boundaries the pages show lists only.
"""

from collections.abc import Iterable
from html import escape

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from palabre.accounts.models import Role
from palabre.core.openings import Opening
from palabre.core.staff_tools import StaffTool
from palabre.grievances.models import Complaint
from palabre.grievances.permissions import HANDLER_ROLES, SENSITIVE_ROLES, SETTINGS_ROLES
from palabre.territory.boundaries import Frame, boundaries, rings_path
from palabre.territory.models import Commune

MAP_SIZE = 300
POINT_RADIUS = 4


def complaint_openings(commune: Commune) -> list[Opening]:
    """Complaints are always open: the commune home links to filing and following one."""
    return [
        Opening(
            title=_("Déposer une plainte"),
            url=reverse("grievances:file", kwargs={"commune_slug": commune.slug}),
            module="complaints",
        ),
        Opening(
            title=_("Suivre ma plainte avec son code"),
            url=reverse("grievances:tracking", kwargs={"commune_slug": commune.slug}),
            module="complaints",
        ),
    ]


def complaint_staff_tools(commune: Commune, roles: set[str]) -> list[StaffTool]:
    """The complaint pages a commune's staff member may open, for the staff home page."""
    kwargs = {"commune_slug": commune.slug}
    candidates = [
        (HANDLER_ROLES, _("File des plaintes"), "grievances:queue"),
        (SENSITIVE_ROLES, _("Plaintes confidentielles"), "grievances:confidential_queue"),
        (
            SETTINGS_ROLES,
            _("Réglages des plaintes : catégories, délais, modèles de réponse"),
            "grievances:settings",
        ),
        ((Role.COMMUNE_ADMIN,), _("Clés de l'API Open311"), "grievances:open311_keys"),
    ]
    return [
        StaffTool(title, reverse(url_name, kwargs=kwargs), module="complaints")
        for allowed, title, url_name in candidates
        if roles & set(allowed)
    ]


def tiles_url() -> str:
    """The tile URL template for the optional Leaflet map (opt-in, e.g. an OSM server); "" by default."""
    return settings.MAP_TILES_URL


def commune_rings(commune: Commune):
    return boundaries().get(commune.code, ())


def outline_geojson(commune: Commune) -> dict | None:
    """The commune's outline as a GeoJSON MultiPolygon (outer rings), or None without boundaries."""
    rings = commune_rings(commune)
    if not rings:
        return None
    return {"type": "MultiPolygon", "coordinates": [[list(ring)] for ring in rings]}


def points_svg(commune: Commune, complaints: Iterable[Complaint], *, label: str) -> str:
    """The complaints with a map point, as linked dots over the commune outline; "" without boundaries.

    Presentation attributes only (the content security policy forbids inline styles)."""
    rings = commune_rings(commune)
    if not rings:
        return ""
    frame = Frame.around(rings, MAP_SIZE)
    dots = []
    for complaint in complaints:
        if complaint.latitude is None or complaint.longitude is None:
            continue
        x, y = frame.project(float(complaint.longitude), float(complaint.latitude))
        url = reverse("grievances:detail", kwargs={"commune_slug": commune.slug, "code": complaint.code})
        title = escape(f"{complaint.code} · {complaint.category.label} · {complaint.get_status_display()}")
        dots.append(
            f'<a href="{escape(url)}"><title>{title}</title>'
            f'<circle cx="{x}" cy="{y}" r="{POINT_RADIUS}" fill="#9c2a00" stroke="#fff"/></a>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-5 -5 {frame.width + 10} {frame.height + 10}" '
        f'width="{frame.width + 10}" height="{frame.height + 10}" class="map" role="img" '
        f'aria-label="{escape(label)}"><path d="{rings_path(rings, frame)}" fill="#e6efe9" '
        f'stroke="#2f6b4f" stroke-width="1.5" stroke-linejoin="round"/>{"".join(dots)}</svg>'
    )
