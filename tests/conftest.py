from __future__ import annotations

import os
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


# Property-based profiles (tests/test_fuzz.py): "ci" is the default, a few hundred cases in
# well under a minute; "long" is run by hand: pytest -m fuzz --hypothesis-profile=long
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True, database=None)
_hypothesis_settings.register_profile(
    "long",
    max_examples=int(os.environ.get("GIPR_FUZZ_EXAMPLES", "20000")),  # split a long run over processes
    deadline=None,
    database=None,
    print_blob=True,
)
_hypothesis_settings.load_profile("ci")
