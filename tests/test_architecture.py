"""The import direction of the stage packages, enforced.

The flow is load -> parse -> facts -> checks -> render, with the data model and the
template's vocabulary (``domain``) at the bottom and the orchestrator (``pipeline``), the
golden runner and the command line on top. A package may import only itself and the
layers below it; the provider layer (``llm``) imports only ``domain``. Every import counts,
including the ones inside functions (they are deferred, not exempt).
"""

from __future__ import annotations

import ast
from pathlib import Path

import gipr_llm

PACKAGE = Path(gipr_llm.__file__).parent

# Layer order, bottom first; a package may import any package at its own index or below.
LAYERS = ["domain", "llm", "load", "parse", "facts", "checks", "store", "render", "pipeline", "golden", "cli"]
# Exceptions to the order: the provider layer sits beside the stages, not under them.
ONLY = {"domain": {"domain"}, "llm": {"domain", "llm"}}


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "gipr_llm" or len(parts) < 2:
        return None
    return parts[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "gipr_llm":
                found.update(f"gipr_llm.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _violations(package: Path = PACKAGE) -> list[str]:
    out = []
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        here = relative.parts[0].removesuffix(".py")
        if here == "__init__":
            continue
        assert here in LAYERS, f"{relative}: package {here!r} is not in the layer list"
        allowed = ONLY.get(here, set(LAYERS[: LAYERS.index(here) + 1]))
        for module in _imports(path):
            target = _package_of(module)
            if target is not None and target not in allowed:
                out.append(f"{relative} imports {module}")
    return out


def test_imports_point_down_the_stages():
    assert _violations() == []


def test_the_check_can_fail(tmp_path):
    """An upward import is caught (the test above is not vacuous)."""
    fake = tmp_path / "gipr_llm"
    (fake / "parse").mkdir(parents=True)
    (fake / "parse" / "bad.py").write_text("from gipr_llm.checks import check_report\n", encoding="utf-8")
    assert _violations(fake) == ["parse/bad.py imports gipr_llm.checks"]
