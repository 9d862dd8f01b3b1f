"""Who may handle complaints, and the access helpers every channel uses.

Roles (palabre.accounts Membership.role) that handle complaints: complaints officers, the secretary
general, the mayor and the designated focal points. A sensitive complaint (gender-based violence,
corruption) is visible and handled by the commune's focal points only.

Access helpers have one shape, `access_<thing>(*, actor, commune, id)` (a complaint's id is its tracking
`code`): they return the object, or raise core's one `NotFound` on any mismatch (unknown id, another
commune's object, a role that may not see it), which the web answers as 404 and the USSD, SMS and voice
adapters put in their own words. `actor` is the person acting (a signed-in user, a caller's account), or
None. The web's request-based helpers below them (`access_complaint_staff(request, ...)`) first check the
session (second factor, commune, module), then fetch the object through the same helpers.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest

from palabre.accounts.models import Membership, Role, User
from palabre.accounts.permissions import access_commune_staff
from palabre.core.permissions import NotFound
from palabre.grievances.models import Category, Complaint, ResponseTemplate
from palabre.grievances.open311.models import Open311ApiKey
from palabre.territory.models import Arrondissement, Commune, Module, Village
from palabre.territory.permissions import access_commune
from palabre.territory.queries import commune_arrondissement

Actor = User | AnonymousUser | None

COMPLAINTS_OFFICER = Role.COMPLAINTS_OFFICER
SECRETARY_GENERAL = Role.SECRETARY_GENERAL
MAYOR = Role.MAYOR
FOCAL_POINT = Role.FOCAL_POINT
HANDLER_ROLES = (COMPLAINTS_OFFICER, SECRETARY_GENERAL, MAYOR, FOCAL_POINT)
SENSITIVE_ROLES = (FOCAL_POINT,)
MODULE = Module.COMPLAINTS


def handler_roles(user: Actor, commune: Commune | int) -> set[str]:
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


def may_handle(user: Actor, complaint: Complaint) -> bool:
    return roles_may_handle(handler_roles(user, complaint.commune_id), is_sensitive=complaint.is_sensitive)


def _holds(actor: Actor, commune: Commune, roles: tuple[str, ...]) -> bool:
    if actor is None or not actor.is_authenticated:
        return False
    return Membership.objects.filter(user=actor, commune=commune, role__in=roles).exists()


# --- One shape for every channel ------------------------------------------------------------------------


def access_complaint(*, actor: Actor, commune: Commune, code: str) -> Complaint:
    """A complaint of the commune, by its tracking code, for its handlers (a sensitive one for its focal
    points only)."""
    complaint = (
        Complaint.objects.select_related("category", "arrondissement", "village", "assignee")
        .filter(commune=commune, code=code.upper())
        .first()
    )
    if complaint is None:
        raise NotFound
    if not may_handle(actor, complaint):
        raise NotFound
    return complaint


def access_public_complaint(*, actor: Actor, commune: Commune, code: str) -> Complaint:
    """A non-sensitive complaint of the commune, by its tracking code, for anyone (`actor` may be None);
    sensitive ones are not found."""
    complaint = (
        Complaint.objects.public()
        .select_related("category", "arrondissement", "village")
        .filter(commune=commune, code=code.upper())
        .first()
    )
    if complaint is None:
        raise NotFound
    return complaint


def access_tracked_complaint(*, actor: Actor, commune: Commune | None, id: int) -> Complaint:
    """A complaint whose STATUS a caller follows (USSD), by id, in `commune`; None for any commune, as
    tracking codes are national (`tracking_lookup`: the code names its commune). Callers show its code,
    status and due date only, never its content (sensitive ones included: phones are shared)."""
    complaints = Complaint.objects.all() if commune is None else Complaint.objects.filter(commune=commune)
    complaint = complaints.filter(pk=id).first()
    if complaint is None:
        raise NotFound
    return complaint


def access_category(*, actor: Actor, commune: Commune, id: int | None) -> Category:
    """A category of the commune, to file a complaint in (anyone may file; whether it is still offered is
    complaint_file's rule, which says so)."""
    category = Category.objects.filter(commune=commune, pk=id).first() if id else None
    if category is None:
        raise NotFound
    return category


def access_arrondissement(*, actor: Actor, commune: Commune, id: int | None) -> Arrondissement:
    """An arrondissement of the commune, to place a complaint in (anyone may file)."""
    arrondissement = commune_arrondissement(commune, id)
    if arrondissement is None:
        raise NotFound
    return arrondissement


def access_village(*, actor: Actor, commune: Commune, id: int | None) -> Village:
    """A village or quartier of the commune, to place a complaint in (anyone may file)."""
    village = (
        Village.objects.select_related("arrondissement")
        .filter(arrondissement__commune=commune, pk=id)
        .first()
        if id
        else None
    )
    if village is None:
        raise NotFound
    return village


def access_configurable_category(*, actor: Actor, commune: Commune, id: int) -> Category:
    """A category of the commune (inactive ones too), for those who read its settings: its administrators
    and its secretary general."""
    if not _holds(actor, commune, SETTINGS_ROLES):
        raise NotFound
    category = Category.objects.filter(commune=commune, pk=id).first()
    if category is None:
        raise NotFound
    category.commune = commune
    return category


def access_response_template(*, actor: Actor, commune: Commune, id: int) -> ResponseTemplate:
    """A response template of a category of the commune, for its administrators."""
    if not _holds(actor, commune, (Role.COMMUNE_ADMIN,)):
        raise NotFound
    template = (
        ResponseTemplate.objects.select_related("category").filter(category__commune=commune, pk=id).first()
    )
    if template is None:
        raise NotFound
    template.category.commune = commune
    return template


def access_api_key(*, actor: Actor, commune: Commune, id: int) -> Open311ApiKey:
    """An Open311 API key of the commune, for its administrators."""
    if not _holds(actor, commune, (Role.COMMUNE_ADMIN,)):
        raise NotFound
    api_key = Open311ApiKey.objects.filter(commune=commune, pk=id).first()
    if api_key is None:
        raise NotFound
    return api_key


# --- The web's pages: the session first, then the same helpers ------------------------------------------


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
    complaint = access_complaint(actor=request.user, commune=commune, code=code)
    return complaint, handler_roles(request.user, commune)


def access_complaint_public(commune_slug: str, code: str, *, request: HttpRequest | None = None) -> Complaint:
    """A non-sensitive complaint of an active commune, for anyone; sensitive ones answer 404."""
    commune = access_commune(commune_slug, request=request, module=MODULE)
    actor = request.user if request is not None else None
    return access_public_complaint(actor=actor, commune=commune, code=code)


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
    return access_configurable_category(actor=request.user, commune=commune, id=pk), may_edit


def access_settings_template(
    request: HttpRequest, commune_slug: str, pk: int, template_pk: int
) -> ResponseTemplate:
    """A response template of a category of the commune, for its administrators."""
    commune, _may_edit = access_complaint_settings(request, commune_slug, edit=True)
    template = access_response_template(actor=request.user, commune=commune, id=template_pk)
    if template.category_id != pk:
        raise NotFound
    return template


def may_view_complaint_settings(user: Actor, commune: Commune) -> bool:
    """Whether to offer the link to the complaint settings (the pages check again)."""
    return _holds(user, commune, SETTINGS_ROLES)
