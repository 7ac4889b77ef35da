"""Does a speed change leave the output alone? sha256 of every ``to_json(extract(path))``.

Record the hashes before a change, check them after:

    python benchmarks/check_same_output.py record /tmp/before.json [--reports 1000]
    python benchmarks/check_same_output.py check /tmp/before.json

The inputs: distinct text reports from ``bench_extract.write_text_variants`` (the seeds and
golden texts with every count and the body's name varied), every ``golden/*/input.*``, every
``tests/data/repros/*`` and the shared seeds when present. An input that raises is recorded
by its exception's type and message, so a changed refusal shows too. Each report is read
twice, once with the parse caches cleared and once with them warm, and both must agree.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_extract import clear_parse_caches, golden_inputs, write_text_variants  # noqa: E402

from gipr_llm.pipeline import extract  # noqa: E402
from gipr_llm.render.json_output import to_json  # noqa: E402

SEEDS = Path("/work/shared/seeds")


def digest(path: Path) -> str:
    try:
        text = to_json(extract(path, None))
    except Exception as error:  # a refusal is an output too
        text = f"{type(error).__name__}: {error}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def inputs(folder: Path, reports: int) -> dict[str, Path]:
    named = {f"variant/{p.name}": p for p in write_text_variants(folder, reports)}
    named.update({f"golden/{p.parent.name}/{p.name}": p for p in golden_inputs()})
    named.update({f"repro/{p.name}": p for p in sorted((ROOT / "tests" / "data" / "repros").iterdir())})
    if SEEDS.is_dir():
        named.update({f"seed/{p.name}": p for p in sorted(SEEDS.iterdir()) if p.is_file()})
    return named


def hashes(reports: int) -> dict[str, str]:
    # a fixed folder per checkout (the output names its input's path, so record and check
    # must read the same paths), so two checkouts' runs never delete each other's inputs
    tree = hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
    folder = Path(tempfile.gettempdir()) / f"gipr-check-same-output-{tree}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        named = inputs(folder, reports)
        out = {}
        for name, path in named.items():
            clear_parse_caches()
            cold = digest(path)
            warm = digest(path)
            out[name] = cold if cold == warm else f"cold {cold} warm {warm}"
        return out
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("record", "check"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--reports", type=int, default=1000, help="varied text reports (record only)")
    args = parser.parse_args()
    if args.mode == "record":
        found = hashes(args.reports)
        args.file.write_text(
            json.dumps({"reports": args.reports, "hashes": found}, indent=1), encoding="utf-8"
        )
        split = sum(v.startswith("cold") for v in found.values())
        print(f"recorded {len(found)} inputs to {args.file}; {split} differ between cold and warm caches")
        return 0
    recorded = json.loads(args.file.read_text(encoding="utf-8"))
    found = hashes(recorded["reports"])
    changed = sorted(
        k for k in recorded["hashes"].keys() | found.keys() if recorded["hashes"].get(k) != found.get(k)
    )
    for name in changed[:20]:
        print(f"changed: {name}")
    print(
        f"{len(found) - len(changed)}/{len(found)} inputs give the same output"
        + ("" if changed else " (all)")
    )
    return 1 if changed else 0


if __name__ == "__main__":
    raise SystemExit(main())
