"""The knowledge core never imports the apps that point at it (design.md, "Import direction")."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "issues"
# Apps that point at the core; the core reaches them through signals or hooks only.
DEPENDANTS = ("probes", "diagnosis", "gaps")


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "get_model":
            # apps.get_model("probes", …) is an import by another name.
            if node.args and isinstance(node.args[0], ast.Constant):
                names.add(str(node.args[0].value))
    return names


@pytest.mark.parametrize("app", DEPENDANTS)
def test_the_core_does_not_import(app):
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in CORE.rglob("*.py")
        if "migrations" not in path.parts
        and any(name == app or name.startswith(f"{app}.") for name in imported_modules(path))
    )
    assert offenders == []
