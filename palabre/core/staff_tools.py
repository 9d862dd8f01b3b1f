"""The staff pages each domain app offers, collected for the commune staff home page.

A domain app registers a provider in its `AppConfig.ready()`:

    from palabre.core import staff_tools
    staff_tools.register(my_provider)   # my_provider(commune, roles) -> list[staff_tools.StaffTool]

`roles` is the set of roles the viewer holds in that commune; a provider returns only the tools those roles
may open (the pages themselves still check access). Tools of modules the commune has not enabled are left out.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StaffTool:
    title: str
    url: str
    module: str = ""  # "" for platform tools (channels), else the module that must be enabled


Provider = Callable[[object, set[str]], list[StaffTool]]
_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (once, however often it is registered)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def tools_for(commune: object, roles: set[str]) -> list[StaffTool]:
    enabled = set(getattr(commune, "modules", None) or [])
    return [
        tool
        for provider in _providers
        for tool in provider(commune, roles)
        if not tool.module or tool.module in enabled
    ]
