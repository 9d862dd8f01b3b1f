from types import SimpleNamespace

import pytest

from palabre.core import staff_tools
from palabre.core.staff_tools import StaffTool


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(staff_tools, "_providers", [])
    return staff_tools


def queue_tools(commune, roles):
    return (
        [StaffTool("File", f"/{commune.slug}/plaintes/gestion/", "complaints")] if "officer" in roles else []
    )


def channel_tools(commune, roles):
    return [StaffTool("Canaux", f"/{commune.slug}/gestion/canaux/")] if "admin" in roles else []


def test_tools_follow_roles_and_enabled_modules(registry):
    registry.register(queue_tools)
    registry.register(queue_tools)
    registry.register(channel_tools)
    commune = SimpleNamespace(slug="bohicon", modules=["complaints"])
    assert [tool.title for tool in registry.tools_for(commune, {"officer", "admin"})] == ["File", "Canaux"]
    assert [tool.title for tool in registry.tools_for(commune, {"admin"})] == ["Canaux"]
    commune.modules = []
    assert [tool.title for tool in registry.tools_for(commune, {"officer", "admin"})] == ["Canaux"]
