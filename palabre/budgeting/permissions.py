"""Who may run participatory budgets, and access helpers for pages: every mismatch answers 404.

Staff roles (palabre.accounts Membership.role) that manage a commune's budgets, review ideas and type
paper ballots: the planning officer, the commune administrator, the secretary general and the mayor.
"""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from palabre.accounts.models import Membership, Role
from palabre.accounts.permissions import access_commune_staff
from palabre.budgeting.models import Cycle, PaperBatch, Proposal
from palabre.territory.models import Commune, Module
from palabre.territory.permissions import access_commune

MODULE = Module.BUDGETING
MANAGER_ROLES = (Role.PLANNING_OFFICER, Role.COMMUNE_ADMIN, Role.SECRETARY_GENERAL, Role.MAYOR)


def access_budgeting_commune(commune_slug: str, *, request: HttpRequest) -> Commune:
    """An active commune that runs participatory budgets (404 otherwise), for the public pages."""
    return access_commune(commune_slug, request=request, module=MODULE)


def access_cycle_public(request: HttpRequest, commune_slug: str, cycle_pk: int) -> Cycle:
    """A published cycle of the commune, for anyone."""
    commune = access_budgeting_commune(commune_slug, request=request)
    return get_object_or_404(
        Cycle.objects.published().select_related("commune"), commune=commune, pk=cycle_pk
    )


def access_proposal_public(request: HttpRequest, commune_slug: str, cycle_pk: int, number: int) -> Proposal:
    """A proposal of a published cycle of the commune, for anyone."""
    cycle = access_cycle_public(request, commune_slug, cycle_pk)
    return get_object_or_404(
        Proposal.objects.select_related("cycle", "arrondissement", "village", "envelope__arrondissement"),
        cycle=cycle,
        number=number,
    )


def access_budgeting_staff(request: HttpRequest, commune_slug: str) -> tuple[Commune, Membership]:
    """The commune and the viewer's managing membership (verified staff with a manager role there, in a
    commune that runs participatory budgets)."""
    commune, membership = access_commune_staff(request, commune_slug, roles=MANAGER_ROLES)
    if MODULE not in commune.modules:
        raise Http404
    return commune, membership


def access_cycle_staff(request: HttpRequest, commune_slug: str, cycle_pk: int) -> Cycle:
    """Any cycle of the commune (published or not), for its managers."""
    commune, _membership = access_budgeting_staff(request, commune_slug)
    return get_object_or_404(Cycle.objects.select_related("commune"), commune=commune, pk=cycle_pk)


def access_proposal_staff(request: HttpRequest, commune_slug: str, cycle_pk: int, number: int) -> Proposal:
    cycle = access_cycle_staff(request, commune_slug, cycle_pk)
    return get_object_or_404(
        Proposal.objects.select_related("cycle", "arrondissement", "village", "envelope"),
        cycle=cycle,
        number=number,
    )


def access_paper_batch_staff(
    request: HttpRequest, commune_slug: str, cycle_pk: int, batch_pk: int
) -> PaperBatch:
    cycle = access_cycle_staff(request, commune_slug, cycle_pk)
    return get_object_or_404(
        PaperBatch.objects.select_related("cycle", "envelope__arrondissement"), cycle=cycle, pk=batch_pk
    )
