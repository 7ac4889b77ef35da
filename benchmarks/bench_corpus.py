"""The corpus at scale: N distinct text reports into the store, then the workbook.

Makes N distinct reports from the five seeds (each gets its own body name, and its own
numbers in the narrative and in 表四's review total — so every file has its own sha256 and
its own cells), then prints, for ``gipr extract DIR --db … -q -j J`` with J = 1 and 2:
wall time, reports/s, the writer's peak RSS and the largest worker's; then the time of
``gipr export … -o corpus.xlsx``. Targets (issue 16): RSS ≤ 500 MB, -j 2 ≥ 1.7× -j 1,
XLSX of 10,000 reports ≤ 60 s. Run:

    python benchmarks/bench_corpus.py [--reports 10000] [--repeat 2] [--keep DIR]

Each run is a fresh store and a fresh process; best and median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs the CLI and reports its own peak RSS and its largest child's (the pool workers), in KB.
_MEASURED = (
    "import resource, runpy, sys\n"
    "sys.argv = ['gipr'] + sys.argv[1:]\n"
    "try:\n    runpy.run_module('gipr_llm.cli', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime\n"
    "print(f'RSS {me.ru_maxrss} {kids.ru_maxrss} CPU {cpu:.2f}', file=sys.stderr)\n"
)


def make_reports(folder: Path, n: int) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = seeds[i % len(seeds)]
        # A distinct body per report: the seed's district replaced by a numbered one.
        text = re.sub(r"(西城区|东城区|朝阳区)", f"第{i}区", text, count=0)
        # Distinct numbers: a narrative sentence with this report's own counts.
        text += f"\n本年度共召开政务公开会议{i % 97}次，培训{i % 311}人次。\n"
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")


def run(args: list[str]) -> tuple[float, int, int, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    seconds = time.perf_counter() - start
    match = re.search(r"RSS (\d+) (\d+) CPU ([\d.]+)", done.stderr)
    if done.returncode not in (0, 1) or not match:
        raise SystemExit(f"failed: {' '.join(args)}\n{done.stderr[-2000:]}")
    return seconds, int(match.group(1)) // 1024, int(match.group(2)) // 1024, float(match.group(3))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="make the reports and stores here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        reports = base / "reports"
        if not reports.exists():
            make_reports(reports, args.reports)
        load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else "?"
        print(f"{args.reports} distinct text reports; python {sys.version.split()[0]}; load average {load}")
        rates = {}
        for jobs in (1, 2):
            times, rss, cpus = [], [], []
            for attempt in range(args.repeat):
                db = base / f"corpus-j{jobs}-{attempt}.duckdb"
                db.unlink(missing_ok=True)
                seconds, mine, worker, cpu = run(
                    ["extract", str(reports), "--db", str(db), "-q", "-j", str(jobs)]
                )
                times.append(seconds)
                cpus.append(cpu)
                rss.append((mine, worker))
            best, median = min(times), statistics.median(times)
            rates[jobs] = args.reports / best
            peak = max(r[0] for r in rss), max(r[1] for r in rss)
            print(
                f"extract --db -j {jobs}: best {best:7.1f} s ({args.reports / best:6.1f} reports/s)"
                f"  median {median:7.1f} s  CPU {min(cpus):.1f} s  peak RSS writer {peak[0]} MB, largest worker {peak[1]} MB"
            )
        print(f"-j 2 / -j 1 throughput: {rates[2] / rates[1]:.2f}x")
        db = base / "corpus-j2-0.duckdb"
        xlsx_times, cpus = [], []
        for _ in range(args.repeat):
            seconds, mine, _, cpu = run(["export", str(db), "-o", str(base / "corpus.xlsx")])
            xlsx_times.append(seconds)
            cpus.append(cpu)
        print(
            f"export -o corpus.xlsx: best {min(xlsx_times):.1f} s  median {statistics.median(xlsx_times):.1f} s"
            f"  CPU {min(cpus):.1f} s"
            f"  peak RSS {mine} MB  ({(base / 'corpus.xlsx').stat().st_size / 1e6:.1f} MB)"
        )


if __name__ == "__main__":
    main()
