"""Time and peak memory of every bad-input reproduction (issue 14: none may take more
than 10 s or 500 MB). Each repro runs ``gipr check --no-llm`` in a fresh process, three
times (``--command brief`` for the brief crashes); prints best and median seconds and the
peak resident memory. Run:

    python benchmarks/bench_repros.py [--repeat 3] [--command check|extract|brief] [DIR]

DIR defaults to tests/data/repros (copies of ../shared/repros, the PDF repros included).
Peak memory is each child's own (wait4), in MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_once(path: Path, command: str) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit code) of one ``gipr COMMAND --no-llm`` in a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gipr_llm.cli", command, "--no-llm", str(path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    # wait4 gives this child's own peak RSS (RUSAGE_CHILDREN would be the largest of all
    # children so far, so a small repro timed after a big one would inherit its figure).
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss // 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", type=Path, default=ROOT / "tests" / "data" / "repros")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--command", choices=["check", "extract", "brief"], default="check")
    args = parser.parse_args()
    print(f"command: gipr {args.command} --no-llm FILE, {args.repeat} runs each, one process per run")
    print(f"{'repro':40} {'best s':>7} {'median s':>9} {'peak MB':>8} {'exit':>5}")
    for path in sorted(p for p in args.directory.iterdir() if p.is_file() and p.suffix != ".md"):
        runs = [run_once(path, args.command) for _ in range(args.repeat)]
        times = [t for t, _, _ in runs]
        print(
            f"{path.name:40} {min(times):7.2f} {statistics.median(times):9.2f} "
            f"{max(m for _, m, _ in runs):8d} {runs[-1][2]:5d}"
        )


if __name__ == "__main__":
    main()
