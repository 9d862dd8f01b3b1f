"""What is open for participation in a commune right now, collected from the domain apps.

A domain app registers a provider in its `AppConfig.ready()`:

    from palabre.core import openings
    openings.register(my_provider)   # my_provider(commune) -> list[openings.Opening]

The commune is passed as is (core imports no other app): providers read `commune.pk`, `commune.slug`...
Only the openings of modules the commune enabled (`commune.modules`) are shown.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Opening:
    title: str
    url: str
    module: str
    closes_on: datetime.date | None = None


Provider = Callable[[object], list[Opening]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (once, however often it is registered); usable as a decorator."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def openings_for(commune: object) -> list[Opening]:
    """The commune's openings in its enabled modules, closing soonest first, open-ended last."""
    enabled = set(getattr(commune, "modules", None) or [])
    found = [opening for provider in _providers for opening in provider(commune) if opening.module in enabled]
    return sorted(
        found, key=lambda opening: (opening.closes_on is None, opening.closes_on or 0, opening.title)
    )
