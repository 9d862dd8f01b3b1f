"""Who may handle complaints, and access helpers for pages: every mismatch answers 404.

Roles (palabre.accounts Membership.role) that handle complaints: complaints officers, the secretary
general, the mayor and the designated focal points. A sensitive complaint (gender-based violence,
corruption) is visible and handled by the commune's focal points only.
"""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from palabre.accounts.models import Membership, Role
from palabre.accounts.permissions import access_commune_staff
from palabre.grievances.models import Category, Complaint, ResponseTemplate
from palabre.territory.models import Commune, Module
from palabre.territory.permissions import access_commune

COMPLAINTS_OFFICER = Role.COMPLAINTS_OFFICER
SECRETARY_GENERAL = Role.SECRETARY_GENERAL
MAYOR = Role.MAYOR
FOCAL_POINT = Role.FOCAL_POINT
HANDLER_ROLES = (COMPLAINTS_OFFICER, SECRETARY_GENERAL, MAYOR, FOCAL_POINT)
SENSITIVE_ROLES = (FOCAL_POINT,)
MODULE = Module.COMPLAINTS


def handler_roles(user, commune: Commune | int) -> set[str]:
    """The complaint-handling roles `user` holds in `commune` (empty for anyone else)."""
    if user is None or not user.is_authenticated:
        return set()
    commune_id = commune if isinstance(commune, int) else commune.pk
    return set(
        Membership.objects.filter(user=user, commune_id=commune_id, role__in=HANDLER_ROLES).values_list(
            "role", flat=True
        )
    )


def roles_may_handle(roles: set[str], *, is_sensitive: bool) -> bool:
    """Whether these roles (in the complaint's commune) allow handling a complaint of this sensitivity."""
    allowed = SENSITIVE_ROLES if is_sensitive else HANDLER_ROLES
    return bool(roles.intersection(allowed))


def may_handle(user, complaint: Complaint) -> bool:
    return roles_may_handle(handler_roles(user, complaint.commune_id), is_sensitive=complaint.is_sensitive)


def access_complaints_commune(commune_slug: str, *, request: HttpRequest) -> Commune:
    """An active commune that offers complaints (404 otherwise), for the public pages."""
    return access_commune(commune_slug, request=request, module=MODULE)


def access_complaints_staff(request: HttpRequest, commune_slug: str) -> tuple[Commune, Membership]:
    """The commune and the viewer's handling membership (verified staff with a handler role there, in a
    commune that offers complaints)."""
    commune, membership = access_commune_staff(request, commune_slug, roles=HANDLER_ROLES)
    if MODULE not in commune.modules:
        raise Http404
    return commune, membership


def access_complaint_staff(request: HttpRequest, commune_slug: str, code: str) -> tuple[Complaint, set[str]]:
    """A complaint of the commune for a handler; a sensitive one for its focal points only."""
    commune, _membership = access_complaints_staff(request, commune_slug)
    complaint = get_object_or_404(
        Complaint.objects.select_related("category", "arrondissement", "village", "assignee"),
        commune=commune,
        code=code.upper(),
    )
    roles = handler_roles(request.user, commune)
    if not roles_may_handle(roles, is_sensitive=complaint.is_sensitive):
        raise Http404
    return complaint, roles


def access_complaint_public(commune_slug: str, code: str, *, request: HttpRequest | None = None) -> Complaint:
    """A non-sensitive complaint of an active commune, for anyone; sensitive ones answer 404."""
    commune = access_commune(commune_slug, request=request, module=MODULE)
    return get_object_or_404(
        Complaint.objects.public().select_related("category", "arrondissement", "village"),
        commune=commune,
        code=code.upper(),
    )


SETTINGS_ROLES = (Role.COMMUNE_ADMIN, Role.SECRETARY_GENERAL)


def access_complaint_settings(
    request: HttpRequest, commune_slug: str, *, edit: bool = False
) -> tuple[Commune, bool]:
    """The commune and whether the viewer may change its complaint settings: its administrators change
    them, its secretary general reads them (404 on `edit`); 404 for anyone else, and where the commune
    does not offer complaints."""
    commune, membership = access_commune_staff(
        request, commune_slug, roles=(Role.COMMUNE_ADMIN,) if edit else SETTINGS_ROLES
    )
    if MODULE not in commune.modules:
        raise Http404
    may_edit = (
        edit
        or Membership.objects.filter(
            user_id=membership.user_id, commune=commune, role=Role.COMMUNE_ADMIN
        ).exists()
    )
    return commune, may_edit


def access_settings_category(
    request: HttpRequest, commune_slug: str, pk: int, *, edit: bool = False
) -> tuple[Category, bool]:
    """A category of the commune, for its settings pages (see access_complaint_settings)."""
    commune, may_edit = access_complaint_settings(request, commune_slug, edit=edit)
    category = get_object_or_404(Category, commune=commune, pk=pk)
    category.commune = commune
    return category, may_edit


def access_settings_template(
    request: HttpRequest, commune_slug: str, pk: int, template_pk: int
) -> ResponseTemplate:
    """A response template of a category of the commune, for its administrators."""
    category, _may_edit = access_settings_category(request, commune_slug, pk, edit=True)
    template = get_object_or_404(ResponseTemplate, category=category, pk=template_pk)
    template.category = category
    return template


def may_view_complaint_settings(user, commune: Commune) -> bool:
    """Whether to offer the link to the complaint settings (the pages check again)."""
    return Membership.objects.filter(user=user, commune=commune, role__in=SETTINGS_ROLES).exists()
