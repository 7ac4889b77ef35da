"""Throughput of the deterministic path (load -> sections -> tables), one core.

Repeats the five seed reports to N reports (default 2,000) and prints reports/second for
text input, and for HTML input rendered from the same seeds. Run:

    python benchmarks/bench_extract.py [--reports 2000]

Pinned to one core where the OS allows it, so the figure is per core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gipr_llm.load import load_bytes  # noqa: E402
from gipr_llm.pipeline import parse_document, read_report  # noqa: E402


def bench(name: str, blobs: list[tuple[str, bytes]], n: int, repeat: int) -> float:
    """Best and median of ``repeat`` timed runs over n reports (the VM's timing is noisy)."""
    work = [blobs[i % len(blobs)] for i in range(n)]
    # Warm-up, so regex compilation and imports are not counted.
    for path, data in blobs:
        parse_document(load_bytes(data, path))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path, data in work:
            parse_document(load_bytes(data, path))
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    print(
        f"{name:5s} {n:6d} reports x{repeat}  best {n / best:7.1f} reports/s/core ({1000 * best / n:.3f} ms/report)"
        f"  median {n / median:7.1f} reports/s/core"
    )
    return n / best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    seeds = sorted((ROOT / "samples").glob("*.txt"))
    text_blobs = [(str(p), p.read_bytes()) for p in seeds]
    print(f"seeds: {len(seeds)}; python {sys.version.split()[0]}; pinned to 1 core")
    bench("text", text_blobs, args.reports, args.repeat)

    try:
        from tests.fixture_docs import report_to_html
    except ImportError as exc:  # the HTML renderer lives with the test fixtures
        print(f"html  skipped: {exc}")
        return
    html_blobs = []
    for p in seeds:
        report = read_report(p)
        html = report_to_html(report)
        html_blobs.append((str(p.with_suffix(".html")), html.encode("utf-8")))
    bench("html", html_blobs, args.reports, args.repeat)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
