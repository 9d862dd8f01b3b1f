"""The rule for services calling services (docs/architecture.md, "Services"): a public service is called by
views, adapters, tasks and commands, never by another public service of its app; what two services share is
a private step (`_assign(...)`) with no transaction of its own.

Public services are the functions an app's `services` package exports (`__all__`), or the public functions
of its `services.py` module, that open a transaction (`transaction.atomic`): the writes (plain helpers such
as `normalize_code` are not services). Every function of those modules is parsed with `ast`; a call, inside
a public service, of another public service of the same app is a violation.
"""

import ast
import importlib
from pathlib import Path

import pytest

PALABRE = Path(__file__).resolve().parents[2]


def service_modules(app: str) -> list[Path]:
    package = PALABRE / app / "services"
    if package.is_dir():
        return sorted(path for path in package.glob("*.py") if path.name != "__init__.py")
    module = PALABRE / app / "services.py"
    return [module] if module.exists() else []


def public_services(app: str, modules: list[Path]) -> set[str]:
    module = importlib.import_module(f"palabre.{app}.services")
    exported = getattr(module, "__all__", None)
    if exported is not None:
        return {name for name in exported if callable(getattr(module, name)) and name[0].islower()}
    tree = ast.parse(modules[0].read_text())
    return {
        node.name for node in tree.body if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }


def called_names(function: ast.FunctionDef) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            names.add(target.id if isinstance(target, ast.Name) else getattr(target, "attr", ""))
    return names


def opens_a_transaction(function: ast.FunctionDef) -> bool:
    return "atomic" in called_names(function)


def nesting(app: str) -> list[str]:
    modules = service_modules(app)
    if not modules:
        return []
    exported = public_services(app, modules)
    functions = [
        (path, node)
        for path in modules
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and node.name in exported
    ]
    services = {node.name for _path, node in functions if opens_a_transaction(node)}
    return [
        f"{path.relative_to(PALABRE)}: {node.name} calls {callee}"
        for path, node in functions
        if node.name in services
        for callee in sorted(called_names(node) & services - {node.name})
    ]


@pytest.mark.parametrize("app", ["core", "territory", "accounts", "grievances", "budgeting"])
def test_public_services_do_not_call_each_other(app):
    assert nesting(app) == []


def test_the_check_sees_a_nested_service(tmp_path):
    source = "def a_do():\n    b_do()\n\ndef b_do():\n    _step()\n"
    tree = ast.parse(source)
    functions = {node.name: node for node in tree.body}
    assert called_names(functions["a_do"]) & {"a_do", "b_do"} - {"a_do"} == {"b_do"}
    assert called_names(functions["b_do"]) & {"a_do", "b_do"} == set()
