"""Time and peak memory of every bad-input reproduction (issue 14: none may take more
than 10 s or 500 MB). Each repro runs ``gipr check --no-llm`` in a fresh process, three
times; prints best and median seconds and the peak resident memory. Run:

    python benchmarks/bench_repros.py [--repeat 3] [DIR]

DIR defaults to tests/data/repros (the PDF repros live with the PDF loader's tests; pass
../shared/repros to time those too).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(path: Path) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit code) of one ``gipr check`` in a child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "gipr_llm.cli", "check", "--no-llm", str(path)],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KB, the largest child so far
    return elapsed, max(peak, before) // 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", type=Path, default=ROOT / "tests" / "data" / "repros")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"command: gipr check --no-llm FILE, {args.repeat} runs each, one process per run")
    print(f"{'repro':40} {'best s':>7} {'median s':>9} {'peak MB':>8} {'exit':>5}")
    for path in sorted(p for p in args.directory.iterdir() if p.is_file() and p.suffix != ".md"):
        runs = [run_once(path) for _ in range(args.repeat)]
        times = [t for t, _, _ in runs]
        # ru_maxrss of children is the largest so far, so it is an upper bound for this file.
        print(
            f"{path.name:40} {min(times):7.2f} {statistics.median(times):9.2f} "
            f"{max(m for _, m, _ in runs):8d} {runs[-1][2]:5d}"
        )


if __name__ == "__main__":
    main()
