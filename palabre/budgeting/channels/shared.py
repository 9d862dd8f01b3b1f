"""What the USSD menus and the SMS keywords share: short amounts, and the commune's cycle open to votes or
ideas today."""

import weakref
from contextvars import ContextVar
from dataclasses import dataclass

from palabre.budgeting.models import Cycle
from palabre.budgeting.phases import VOTING, phase_of
from palabre.budgeting.queries.cycles import public_cycles
from palabre.budgeting.services.proposals import submission_open
from palabre.channels.router import InboundContext
from palabre.territory.models import Commune, Module

# A USSD screen: 160 characters.
SCREEN = 160


def short_money(amount: int) -> str:
    """2500000 -> "2,5M", 10000000 -> "10M", 750000 -> "750k": amounts as a feature phone screen allows."""
    for size, suffix in ((1_000_000, "M"), (1_000, "k")):
        if amount >= size:
            text = f"{amount / size:.2f}".rstrip("0").rstrip(".")
            return text.replace(".", ",") + suffix
    return str(amount)


def budgeting_enabled(commune: Commune | None) -> bool:
    return commune is not None and Module.BUDGETING in commune.modules


def published_cycles(commune: Commune) -> list[Cycle]:
    """The commune's published cycles (one query; the commune is set on each, so reading it costs none)."""
    cycles = list(public_cycles(commune))
    for cycle in cycles:
        cycle.commune = commune
    return cycles


@dataclass(frozen=True)
class RequestCycles:
    """The published cycles read for one inbound request (`inbound_id`) and that request's commune
    instance (held weakly: the cycles go with it)."""

    inbound_id: int
    commune: "weakref.ref[Commune]"
    cycles: list[Cycle]

    def serves(self, commune: Commune, inbound_id: int) -> bool:
        return self.inbound_id == inbound_id and self.commune() is commune


# The cycles of the request being answered (each thread or task sees its own): the main menu asks each
# entry whether it is available, with a context built anew each time, so they are read once per request,
# not once per entry. Only the same commune instance of the same request finds them again.
_request_cycles: ContextVar[RequestCycles | None] = ContextVar("budgeting_request_cycles", default=None)


def request_cycles(context: InboundContext) -> list[Cycle]:
    """The published cycles of the context's commune, read once for this request (contexts without an
    inbound id, built by tests or tools, read them each time)."""
    commune, inbound_id = context.commune, context.inbound_id
    if commune is None:
        return []
    if inbound_id is None:
        return published_cycles(commune)
    kept = _request_cycles.get()
    if kept is not None and kept.serves(commune, inbound_id):
        return kept.cycles
    cycles = published_cycles(commune)
    _request_cycles.set(RequestCycles(inbound_id=inbound_id, commune=weakref.ref(commune), cycles=cycles))
    return cycles


def voting_cycle(commune: Commune | None) -> Cycle | None:
    """The commune's published cycle in its voting phase today (the latest if several), else None."""
    if commune is None or not budgeting_enabled(commune):
        return None
    cycles = published_cycles(commune)
    return next((cycle for cycle in cycles if phase_of(cycle) == VOTING), None)


def ideas_cycle(commune: Commune | None, *, channel: str) -> Cycle | None:
    """The commune's published cycle accepting ideas today on this channel, else None."""
    if commune is None or not budgeting_enabled(commune):
        return None
    cycles = published_cycles(commune)
    return next((cycle for cycle in cycles if submission_open(cycle, channel=channel)), None)


def voting_open(context: InboundContext) -> bool:
    """Whether the main menu offers the vote (registered in BudgetingConfig.ready())."""
    if not budgeting_enabled(context.commune):
        return False
    return any(phase_of(cycle) == VOTING for cycle in request_cycles(context))


def ideas_open(context: InboundContext) -> bool:
    """Whether the main menu offers to propose an idea."""
    if not budgeting_enabled(context.commune):
        return False
    return any(submission_open(cycle, channel=context.channel) for cycle in request_cycles(context))
