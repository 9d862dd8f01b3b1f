"""Who may see and run participatory budgets: one access helper per thing, for every channel.

Every helper has the shape `access_<thing>(*, actor, commune, ...ids)`: it returns the object, or raises
`palabre.core.permissions.NotFound` on ANY mismatch (unknown id, another commune's object, a cycle not
published, a role that may not see it), so nobody learns what exists. A web view lets the error through
(Django answers 404); a USSD or SMS adapter catches it and says so in its own words. `actor` is who asks:
the signed-in user, an anonymous visitor, or None for a caller known only by their phone (who may see what
anyone may see).

Staff roles (palabre.accounts Membership.role) that manage a commune's budgets, review ideas and type
paper ballots: the planning officer, the commune administrator, the secretary general and the mayor. They
must have signed in with their second factor.
"""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest

from palabre.accounts.models import Membership, Role, User
from palabre.accounts.permissions import is_verified_staff
from palabre.budgeting.models import Cycle, Envelope, PaperBatch, Proposal
from palabre.core.permissions import NotFound
from palabre.territory.models import Commune, Module
from palabre.territory.permissions import access_commune

Actor = User | AnonymousUser | None

MODULE = Module.BUDGETING
MANAGER_ROLES = (Role.PLANNING_OFFICER, Role.COMMUNE_ADMIN, Role.SECRETARY_GENERAL, Role.MAYOR)


def access_budgeting_commune(commune_slug: str, *, request: HttpRequest) -> Commune:
    """An active commune that runs participatory budgets (404 otherwise): the `commune` every other helper
    takes, for web pages (the USSD and SMS adapters have theirs from the inbound message)."""
    return access_commune(commune_slug, request=request, module=MODULE)


def _runs_budgets(commune: Commune) -> None:
    if not commune.is_active:
        raise NotFound
    if MODULE not in commune.modules:
        raise NotFound


def _published_cycles(commune: Commune) -> QuerySet[Cycle]:
    return Cycle.objects.published().filter(commune=commune)


# Public: anyone, on any channel ---------------------------------------------------------------------------
def access_cycle(*, actor: Actor, commune: Commune, id: int) -> Cycle:
    """A published cycle of the commune, for anyone."""
    _runs_budgets(commune)
    cycle = _published_cycles(commune).filter(pk=id).first()
    if cycle is None:
        raise NotFound
    cycle.commune = commune
    return cycle


def access_envelope(*, actor: Actor, commune: Commune, id: int, cycle_id: int | None = None) -> Envelope:
    """An envelope of a published cycle of the commune (of `cycle_id` when given), for anyone."""
    _runs_budgets(commune)
    envelopes = Envelope.objects.select_related("cycle", "arrondissement").filter(
        cycle__in=_published_cycles(commune), pk=id
    )
    if cycle_id is not None:
        envelopes = envelopes.filter(cycle_id=cycle_id)
    envelope = envelopes.first()
    if envelope is None:
        raise NotFound
    envelope.cycle.commune = commune
    return envelope


def access_proposal(*, actor: Actor, commune: Commune, cycle_id: int, number: int) -> Proposal:
    """A proposal of a published cycle of the commune, by its number, for anyone."""
    cycle = access_cycle(actor=actor, commune=commune, id=cycle_id)
    return _proposal(cycle, number, "envelope__arrondissement")


def _proposal(cycle: Cycle, number: int, envelope: str) -> Proposal:
    proposal = (
        Proposal.objects.select_related("arrondissement", "village", envelope)
        .filter(cycle=cycle, number=number)
        .first()
    )
    if proposal is None:
        raise NotFound
    proposal.cycle = cycle
    return proposal


# Staff: the commune's budget managers ---------------------------------------------------------------------
def access_budgeting_staff(*, actor: Actor, commune: Commune) -> Membership:
    """The actor's managing membership in the commune: verified staff (second factor) with a manager role
    there, in an active commune that runs participatory budgets."""
    _runs_budgets(commune)
    if not is_verified_staff(actor):
        raise NotFound
    membership = Membership.objects.filter(user=actor, commune=commune, role__in=MANAGER_ROLES).first()
    if membership is None:
        raise NotFound
    return membership


def access_cycle_staff(*, actor: Actor, commune: Commune, id: int) -> Cycle:
    """Any cycle of the commune (published or not), for its managers."""
    access_budgeting_staff(actor=actor, commune=commune)
    cycle = Cycle.objects.filter(commune=commune, pk=id).first()
    if cycle is None:
        raise NotFound
    cycle.commune = commune
    return cycle


def access_proposal_staff(*, actor: Actor, commune: Commune, cycle_id: int, number: int) -> Proposal:
    """Any proposal of a cycle of the commune, by its number, for its managers."""
    cycle = access_cycle_staff(actor=actor, commune=commune, id=cycle_id)
    return _proposal(cycle, number, "envelope")


def access_paper_batch_staff(*, actor: Actor, commune: Commune, cycle_id: int, id: int) -> PaperBatch:
    """A paper batch of a cycle of the commune, for its managers."""
    cycle = access_cycle_staff(actor=actor, commune=commune, id=cycle_id)
    batch = PaperBatch.objects.select_related("envelope__arrondissement").filter(cycle=cycle, pk=id).first()
    if batch is None:
        raise NotFound
    batch.cycle = cycle
    return batch
