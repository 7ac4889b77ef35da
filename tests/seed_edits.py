"""Planting errors in real seed text, then parsing the edited file through the real pipeline."""

from __future__ import annotations

from pathlib import Path

from gipr_llm.domain.models import Report
from gipr_llm.pipeline import extract
from tests.conftest import seed_text


def edit_after(text: str, anchor: str, old: str, new: str) -> str:
    """Replace the first ``old`` that follows ``anchor`` (so the edit hits the intended cell)."""
    at = text.index(anchor)
    cut = text.index(old, at)
    return text[:cut] + new + text[cut + len(old) :]


def corrected_003() -> str:
    """Seed 003 with its one wrong cell (本机关不掌握 × 总计, 183) set to the value that balances."""
    return edit_after(seed_text("003"), "1.本机关不掌握相关政府信息", "\t183\n", "\t182\n")


def report_from_text(tmp_path: Path, text: str, name: str = "edited.txt") -> Report:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return extract(path)
