from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEEDS = {p.name[:3]: p for p in sorted(SAMPLES.glob("*.txt"))}


@pytest.fixture(scope="session")
def seed_paths() -> dict[str, Path]:
    """The five real seed reports, keyed '000' … '004'."""
    assert len(SEEDS) == 5, "samples/ must hold the five seed reports"
    return SEEDS


def seed_text(seed: str) -> str:
    return SEEDS[seed].read_text(encoding="utf-8")
