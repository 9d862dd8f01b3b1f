"""The USSD menu state machine is plain Python (architecture rule 6): fed plain data, tested and benchmarked
without Django. This test reads its imports (without importing it) and fails on Django, on any palabre
module, or on anything outside the standard library."""

import ast
import sys
from pathlib import Path

import palabre.channels.ussd.engine as engine

ENGINE = Path(engine.__file__)


def imported_modules(source: str) -> set[str]:
    """Every module an import statement names, at any depth (functions, `if TYPE_CHECKING:` blocks)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def impure(modules: set[str]) -> list[str]:
    """The imports a pure engine may not have: relative ones (a palabre module), and any top-level
    package that is not the standard library's (Django, palabre, a third-party package)."""
    return sorted(
        name for name in modules if name.startswith(".") or name.split(".")[0] not in sys.stdlib_module_names
    )


def test_the_ussd_engine_imports_only_the_standard_library():
    modules = imported_modules(ENGINE.read_text(encoding="utf-8"))
    assert modules, "the engine's imports were not read"
    assert impure(modules) == []


def test_the_check_catches_django_palabre_and_hidden_imports():
    source = """
import json
from django.db import models
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from palabre.territory.models import Commune
def later():
    import palabre.channels.router
    from . import sessions
"""
    assert impure(imported_modules(source)) == [
        ".",
        "django.db",
        "palabre.channels.router",
        "palabre.territory.models",
    ]
