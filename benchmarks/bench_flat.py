"""Throughput of flattened text (a web page's innerText: one line, cells glued), one core,
and the worst cases of a 5 MB one-line file.

Distinct inputs: each report is a flattened copy of one of the five seeds (tests/devsets.py)
with its own title (the agency gets a number) and its own 表三 numbers (the seed's 表三
scaled by a per-report factor in the 自然人 and 总计 columns, so every glued run differs and
the table still balances). The timed path is load -> flatten detection -> sections -> tables
-> recovery, as ``gipr extract`` runs it without an LLM. Run:

    python benchmarks/bench_flat.py [--reports 1000] [--repeat 5] [--worst-mb 5]

Pinned to one core where the OS allows it, so the figures are per core.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gipr_llm.domain.models import LoadError  # noqa: E402
from gipr_llm.load import load_bytes  # noqa: E402
from gipr_llm.pipeline import parse_document  # noqa: E402
from tests.conftest import seed_text  # noqa: E402
from tests.devsets import FLAT_SEEDS, flattened  # noqa: E402


def _distinct(seed: str, index: int) -> str:
    """The seed with its own title and 表三 numbers: 自然人 and 总计 both gain ``index`` in
    new_received, granted and total_processed, so every sum still holds."""
    text = seed_text(seed)
    report = parse_document(load_bytes(text.encode("utf-8"), f"{seed}.txt"))
    flat = flattened(text)
    title_end = flat.index("报告") + 2
    flat = flat[: title_end - 2] + f"（第{index}份）" + flat[title_end - 2 :]
    rows = report.table3.rows
    for key in ("new_received", "granted", "total_processed"):
        values = rows[key]
        if None in values:
            continue
        old = "".join(map(str, values))
        new = "".join(map(str, [values[0] + index, *values[1:6], values[6] + index]))
        label = {"new_received": "申请数量", "granted": "予以公开", "total_processed": "总计"}[key]
        label_at = flat.find(label + old)
        if label_at >= 0:
            label_at += len(label)
            flat = flat[:label_at] + new + flat[label_at + len(old) :]
    return flat


def bench(blobs: list[tuple[str, bytes]], repeat: int) -> None:
    for path, data in blobs[:5]:  # warm-up: imports and regex compilation not counted
        parse_document(load_bytes(data, path))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for path, data in blobs:
            parse_document(load_bytes(data, path))
        times.append(time.perf_counter() - start)
    n = len(blobs)
    best, median = min(times), statistics.median(times)
    print(
        f"flat  {n:6d} distinct reports x{repeat}  best {n / best:7.1f} reports/s/core "
        f"({1000 * best / n:.3f} ms/report)  median {n / median:7.1f} reports/s/core"
    )


def worst_cases(megabytes: float) -> None:
    """Each pathological one-line file of about ``megabytes`` MB, timed once (best of 2)."""
    size = int(megabytes * 1024 * 1024)
    flat = flattened(seed_text("003"))
    first_row = "一、本年新收政府信息公开申请数量"
    at = flat.index(first_row)
    after_label = at + len(first_row)
    row = first_row + "640020470"
    sub_rows = "（三）不予公开1.属于国家秘密" + "9876543210" * 5
    cases = {
        "one digit run in a row": flat[:after_label] + "1" * size + flat[after_label:],
        "narrative after the tables": flat + "政府信息公开工作情况良好。" * (size // 39),
        "a row repeated": flat[:at] + row * (size // len(row.encode())) + flat[at:],
        "long digit runs between labels": flat[:at] + sub_rows * (size // len(sub_rows.encode())) + flat[at:],
    }
    for name, text in cases.items():
        data = text.encode("utf-8")
        times = []
        outcome = ""
        for _ in range(2):
            start = time.perf_counter()
            try:
                report = parse_document(load_bytes(data, "worst.txt"))
                outcome = f"read, {len(report.findings)} findings"
            except LoadError as exc:
                outcome = f"refused: {exc}"[:60]
            times.append(time.perf_counter() - start)
        print(f"worst {name:32s} {len(data) / 1e6:5.1f} MB  best {min(times):6.2f} s  ({outcome})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--worst-mb", type=float, default=5.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"python {sys.version.split()[0]}; pinned to 1 core; command: python benchmarks/bench_flat.py")
    blobs = [
        (f"flat_{i}.txt", _distinct(FLAT_SEEDS[i % len(FLAT_SEEDS)], i).encode("utf-8"))
        for i in range(args.reports)
    ]
    assert len({data for _, data in blobs}) == len(blobs), "inputs must be distinct"
    bench(blobs, args.repeat)
    if args.worst_mb > 0:
        worst_cases(args.worst_mb)


if __name__ == "__main__":
    main()
