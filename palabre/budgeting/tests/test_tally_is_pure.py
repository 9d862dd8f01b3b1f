"""The tally engine is plain Python (docs/architecture.md rule 6): nothing under palabre/budgeting/tally
imports Django or another part of Palabre, so it is fed plain data, tested and benchmarked alone."""

import ast
from pathlib import Path

import pytest

TALLY = Path(__file__).resolve().parents[1] / "tally"
FORBIDDEN = ("django", "palabre")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, with its line: `import a.b`, `from a.b import c`, and relative imports
    resolved against the file's package (`from ..x import y` in tally/rules is palabre.budgeting.tally.x)."""
    package = ["palabre", *path.relative_to(TALLY.parents[2]).with_suffix("").parts[1:-1]]
    modules = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                modules.append((node.lineno, ".".join([*base, *([node.module] if node.module else [])])))
            else:
                modules.append((node.lineno, node.module or ""))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__" and node.args:
            first = node.args[0]
            modules.append((node.lineno, first.value if isinstance(first, ast.Constant) else "?"))
    return modules


def impurities(path: Path) -> list[str]:
    inside = "palabre.budgeting.tally"
    return [
        f"{path.relative_to(TALLY.parent)}:{line} imports {module}"
        for line, module in imported_modules(path)
        if (module.split(".")[0] in FORBIDDEN and not (module == inside or module.startswith(inside + ".")))
        or module == "?"
    ]


def test_the_tally_engine_imports_neither_django_nor_another_app():
    files = sorted(TALLY.rglob("*.py"))
    assert len(files) >= 5
    assert [problem for path in files for problem in impurities(path)] == []


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("import django.db\n", ["tally/probe.py:1 imports django.db"]),
        ("from django.conf import settings\n", ["tally/probe.py:1 imports django.conf"]),
        ("from palabre.core import audit\n", ["tally/probe.py:1 imports palabre.core"]),
        ("from ..models import Ballot\n", ["tally/probe.py:1 imports palabre.budgeting.models"]),
        ("x = __import__('django')\n", ["tally/probe.py:1 imports django"]),
        ("from .election import Election\nimport numpy\n", []),
        ("from palabre.budgeting.tally.election import Election\n", []),
    ],
)
def test_the_check_sees_each_kind_of_import(tmp_path, monkeypatch, source, found):
    root = tmp_path / "palabre" / "budgeting" / "tally"
    root.mkdir(parents=True)
    probe = root / "probe.py"
    probe.write_text(source)
    monkeypatch.setattr(f"{__name__}.TALLY", root)
    assert impurities(probe) == found
