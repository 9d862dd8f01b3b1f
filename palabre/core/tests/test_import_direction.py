"""Imports flow one way: core -> territory, accounts -> channels -> domain apps -> reports.

Every module of every palabre app (tests and migrations included) is parsed with `ast`; each import of
another palabre app must be allowed by the table below. A new app must be added to the table.
"""

import ast
from pathlib import Path

import pytest

PALABRE = Path(__file__).resolve().parents[2]

FOUNDATION = {
    "core": set(),
    "territory": {"core"},
    "accounts": {"core", "territory"},
    "channels": {"core", "territory", "accounts"},
}
DOMAIN_APPS = {"grievances", "budgeting", "initiatives", "consultations", "plans"}
# Between domain apps only these entry points: never another domain app's models.
DOMAIN_ENTRY_POINTS = {"services", "queries"}
REPORTS = "reports"  # may import anything; nothing imports it
ALL_APPS = set(FOUNDATION) | DOMAIN_APPS | {REPORTS}


def import_violation(importer: str, imported_module: str) -> str | None:
    """Why `importer` (an app label) may not import `imported_module` (a dotted path), or None if it may."""
    parts = imported_module.split(".")
    if parts[0] != "palabre" or len(parts) < 2 or parts[1] not in ALL_APPS or parts[1] == importer:
        return None
    target = parts[1]
    if target == REPORTS:
        return "nothing imports reports"
    if importer == REPORTS or target in FOUNDATION.get(importer, set()):
        return None
    if importer in DOMAIN_APPS and target in FOUNDATION:
        return None
    if importer in DOMAIN_APPS and target in DOMAIN_APPS:
        entry_point = parts[2] if len(parts) > 2 else ""
        return (
            None
            if entry_point in DOMAIN_ENTRY_POINTS
            else "domain apps use each other's services/queries only"
        )
    return f"{importer} may not import {target}"


def imported_modules(source: str, package: str) -> set[str]:
    """Every dotted module path a module of `package` imports (`from a import b` counts as a and a.b)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, package)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
    return ".".join([*anchor, node.module] if node.module else anchor)


def app_dirs() -> list[Path]:
    return sorted(path for path in PALABRE.iterdir() if (path / "apps.py").exists())


def app_modules():
    """(app label, package the module is in, file) of every Python file of every app."""
    for app_dir in app_dirs():
        for file in sorted(app_dir.rglob("*.py")):
            yield app_dir.name, ".".join(file.parent.relative_to(PALABRE.parent).parts), file


def test_every_app_is_in_the_layering_table():
    apps = {path.name for path in app_dirs()}
    assert apps <= ALL_APPS, f"add {apps - ALL_APPS} to the table in {__file__}"


def test_imports_flow_one_way():
    violations = []
    for app, package, file in app_modules():
        for imported in sorted(imported_modules(file.read_text(), package)):
            problem = import_violation(app, imported)
            if problem:
                violations.append(f"{file.relative_to(PALABRE.parent)} imports {imported}: {problem}")
    assert violations == []


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        ("core", "palabre.core.models", True),
        ("core", "palabre.territory.models", False),
        ("core", "palabre.channels", False),
        ("territory", "palabre.core.services", True),
        ("territory", "palabre.accounts.models", False),
        ("accounts", "palabre.territory.models", True),
        ("accounts", "palabre.channels.gateways", False),
        ("channels", "palabre.accounts.queries", True),
        ("channels", "palabre.grievances.services", False),
        ("grievances", "palabre.channels.router", True),
        ("grievances", "palabre.budgeting.services", True),
        ("grievances", "palabre.budgeting.queries.ballots", True),
        ("grievances", "palabre.budgeting.models", False),
        ("grievances", "palabre.budgeting", False),
        ("grievances", "palabre.reports.queries", False),
        ("reports", "palabre.grievances.models", True),
        ("core", "django.db.models", True),
    ],
)
def test_the_layering_rules(importer, imported, allowed):
    assert (import_violation(importer, imported) is None) is allowed


def test_relative_and_from_imports_are_resolved():
    source = "from ..territory import models\nfrom . import audit\nimport palabre.accounts.services\n"
    found = imported_modules(source, "palabre.core")
    assert {"palabre.territory.models", "palabre.core.audit", "palabre.accounts.services"} <= found
