"""Reads for the territory pages."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from palabre.core.openings import Opening, openings_for
from palabre.territory import boundaries
from palabre.territory.models import Arrondissement, Commune, Department


@dataclass
class DepartmentGroup:
    department: Department
    communes: list[Commune]


@dataclass
class NationalOverview:
    pilots: list[Commune]
    departments: list[DepartmentGroup]
    map_svg: SafeString


def national_overview() -> NationalOverview:
    """Active communes: the pilots first, then the others grouped by department (one query)."""
    communes = list(Commune.objects.active().with_department().order_by("department__name", "name"))
    groups: dict[int, DepartmentGroup] = {}
    for commune in communes:
        if not commune.is_pilot:
            groups.setdefault(commune.department_id, DepartmentGroup(commune.department, [])).communes.append(
                commune
            )
    pilots = sorted((commune for commune in communes if commune.is_pilot), key=lambda commune: commune.name)
    return NationalOverview(pilots=pilots, departments=list(groups.values()), map_svg=_national_map(communes))


def commune_url(commune: Commune) -> str:
    return reverse("territory:commune_home", kwargs={"commune_slug": commune.slug})


def _national_map(communes: list[Commune]) -> SafeString:
    areas = [(commune.code, commune_url(commune), commune.name, commune.is_pilot) for commune in communes]
    # The SVG is built from numbers and escaped names only.
    return mark_safe(boundaries.national_map(areas, label=_("Carte des communes du Bénin")))


@dataclass
class CommuneOverview:
    commune: Commune
    openings: list[Opening]
    modules: list[tuple[str, str]]
    outline_svg: SafeString


def commune_overview(commune: Commune) -> CommuneOverview:
    """What the commune's home page shows: its enabled modules and what is open in them right now."""
    # The SVG is built from numbers and an escaped name only.
    outline = boundaries.commune_outline(
        commune.code, _("Contour de la commune de %(name)s") % {"name": commune.name}
    )
    return CommuneOverview(
        commune=commune,
        openings=openings_for(commune),
        modules=commune.enabled_modules(),
        outline_svg=mark_safe(outline),
    )


def commune_arrondissements(commune: Commune) -> list[Arrondissement]:
    """The commune's arrondissements by name (the menus that ask where)."""
    return list(Arrondissement.objects.filter(commune=commune).order_by("name"))


def commune_arrondissement(commune: Commune, id: int | None) -> Arrondissement | None:
    """The commune's arrondissement of this id; None for none, or for another commune's."""
    if id is None:
        return None
    return Arrondissement.objects.filter(commune=commune, pk=id).first()
