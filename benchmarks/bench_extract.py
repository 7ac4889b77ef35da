"""Throughput of the deterministic extract path on distinct inputs, one core.

Prints, in one run:

1. PDF: the previous loader (pdfplumber, kept in ``benchmarks/pdfplumber_loader.py``)
   against the pdfium loader on the same PDFs (the seeds and every golden case rendered to
   a ruled PDF, plus the owner-password repro): seconds per PDF, best and median of the
   repeats, and how many table cells (and parsed 表二/表三/表四) agree.
2. Text: the whole ``extract`` path (load, parse, rules narrative, JSON line) on distinct
   text reports (the seeds and golden text inputs with every number and the body's name
   varied); reports/s/core best and median: with caches kept, each repeat on reports never
   read before (a batch's figure); with the parse caches cleared before each report; and,
   for comparison only, the same reports read again. Then the golden copies in every
   format (text, HTML, DOCX, PDF).
3. ``gipr extract -j 1`` against ``-j 2`` on 2,000 files (whole processes, wall time), and
   beside them the machine's ceiling: two independent ``-j 1`` processes on the two halves
   (``--shard``) at once. Two busy cores each run slower than one (shared caches, the
   hypervisor), and each process pays the start-up, so that is the most ``-j 2`` can give.

Run (``--quick`` for a smoke run):

    python benchmarks/bench_extract.py [--reports 400] [--repeat 5] [--files 2000]

Sections 1-2 are pinned to one core where the OS allows it and timed in process CPU time
(the machine is shared: wall time there measures the neighbours), so their figures are per
core. Section 3 is wall time of whole processes, as a user sees it.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import gipr_llm  # noqa: E402
from gipr_llm.domain.models import LoadError  # noqa: E402
from gipr_llm.load.pdf_loader import load_pdf  # noqa: E402
from gipr_llm.pipeline import extract, parse_document, read_report  # noqa: E402
from gipr_llm.pipeline.batch import loaded_objects_frozen  # noqa: E402
from gipr_llm.render.json_output import RenderedReport  # noqa: E402

_NUMBER = re.compile(r"(?<![\d年])(\d{1,4})(?![\d年])")  # counts, not years


# --- inputs -------------------------------------------------------------------------


def vary(text: str, seed: int) -> str:
    """The report with every count replaced by another of the same width and the body renamed."""
    rng = random.Random(seed)

    def number(match: re.Match[str]) -> str:
        width = len(match.group(1))
        low = 0 if width == 1 else 10 ** (width - 1)
        return str(rng.randint(low, 10**width - 1))

    text = _NUMBER.sub(number, text)
    first = text.index("\n") if "\n" in text else len(text)
    return f"第{seed}分局" + text[:first] + text[first:]


def golden_inputs() -> list[Path]:
    return sorted(p for p in (ROOT / "golden").glob("*/input.*"))


_CACHES: list[functools._lru_cache_wrapper] = []


def clear_parse_caches() -> None:
    """Empty every bounded lru_cache in gipr_llm (the per-text caches, not loaded resources).

    The caches are found once (after the warm-up has imported every module), so the clearing
    itself costs next to nothing in the timed runs.
    """
    if not _CACHES:
        found = {
            id(value): value
            for name, module in list(sys.modules.items())
            if name.startswith("gipr_llm")
            for value in vars(module).values()
            if isinstance(value, functools._lru_cache_wrapper) and value.cache_info().maxsize
        }
        _CACHES.extend(found.values())
    for cache in _CACHES:
        cache.cache_clear()


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """CPU seconds of each run: on a shared machine wall time mostly measures the neighbours;
    pinned to one core, the process's CPU time is its time on that core."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return times


# --- 1. PDF -------------------------------------------------------------------------


def bench_pdf(folder: Path, repeat: int) -> None:
    from pdfplumber_loader import load_pdf as old_load_pdf

    from tests.fixture_docs import report_to_pdf

    pdfs: list[Path] = []
    for path in sorted((ROOT / "samples").glob("*.txt")) + golden_inputs():
        out = folder / f"{path.parent.name}-{path.stem}.pdf"
        report_to_pdf(read_report(path), out)
        pdfs.append(out)
    blobs = [(str(p), p.read_bytes()) for p in pdfs]
    import pypdfium2

    pages = sum(len(pypdfium2.PdfDocument(data)) for _, data in blobs)
    print(
        f"\n1. PDF loaders: {len(blobs)} PDFs, {pages} pages (the seeds and golden cases rendered to ruled PDFs)"
    )
    rows = []
    docs = {}
    for name, loader in (("pdfplumber (old)", old_load_pdf), ("pdfium (new)", load_pdf)):
        docs[name] = [loader(data, path, "") for path, data in blobs]
        times = timed(lambda loader=loader: [loader(data, path, "") for path, data in blobs], repeat)
        best, median = min(times) / len(blobs), statistics.median(times) / len(blobs)
        rows.append((name, best, median))
        print(f"   {name:17s} best {best:.4f} s/PDF  median {median:.4f} s/PDF  ({1 / median:.1f} PDFs/s)")
    print(f"   speed-up (median): {rows[0][2] / rows[1][2]:.1f}x")
    old_docs, new_docs = docs["pdfplumber (old)"], docs["pdfium (new)"]
    cells = agree = tables_agree = 0
    for old, new in zip(old_docs, new_docs, strict=True):
        old_cells = [c for line in old.lines if line.in_table for c in line.cells]
        new_cells = [c for line in new.lines if line.in_table for c in line.cells]
        cells += len(old_cells)
        agree += (
            sum(a == b for a, b in zip(old_cells, new_cells, strict=False))
            if len(old_cells) == len(new_cells)
            else 0
        )
        a, b = parse_document(old), parse_document(new)
        tables_agree += (a.table2, a.table3, a.table4) == (b.table2, b.table3, b.table4)
    print(
        f"   table cells agreeing: {agree}/{cells} ({100 * agree / max(cells, 1):.1f}%); "
        f"parsed 表二/表三/表四 equal in {tables_agree}/{len(blobs)} PDFs"
    )
    owner_only = ROOT / "tests" / "data" / "repros" / "owner_only.pdf"
    verdicts = []
    for loader in (old_load_pdf, load_pdf):
        try:
            verdicts.append(f"{len(loader(owner_only.read_bytes(), str(owner_only), '').lines)} lines")
        except LoadError as refused:
            verdicts.append(f"refused: {str(refused)[:40]}…")
    print(f"   owner_only.pdf: old {verdicts[0]}; new {verdicts[1]}")


# --- 2. text ------------------------------------------------------------------------


def write_text_variants(folder: Path, n: int) -> list[Path]:
    sources = [p for p in sorted((ROOT / "samples").glob("*.txt")) + golden_inputs() if p.suffix == ".txt"]
    texts = [p.read_text(encoding="utf-8") for p in sources]
    paths = []
    for i in range(n):
        path = folder / f"r{i:05d}.txt"
        path.write_text(vary(texts[i % len(texts)], i), encoding="utf-8")
        paths.append(path)
    return paths


def extract_all(paths: list[Path], clear: bool) -> int:
    """Each report as ``gipr extract``'s batch reads it: with what was loaded before the
    batch frozen out of the garbage collector, and rendered to the JSON line's UTF-8 bytes
    as a batch's worker makes it."""
    written = 0
    with loaded_objects_frozen():
        for path in paths:
            if clear:
                clear_parse_caches()
            written += len(RenderedReport.of(extract(path)).json)
    return written


def bench_text(folder: Path, n: int, repeat: int) -> None:
    """Reports/s/core three ways. With caches kept, each repeat reads ``n`` reports it has
    never seen (a batch of n x repeat distinct reports, its caches warm from the reports
    before): a batch's figure. Reading the same ``n`` again lets every per-row cache hit,
    which no batch of distinct reports sees: printed for comparison only."""
    paths = write_text_variants(folder, n * repeat + 20)
    warm, sets = paths[-20:], [paths[i * n : (i + 1) * n] for i in range(repeat)]
    print(f"\n2. Whole extract path (load, parse, rules narrative, JSON) on distinct text reports, x{repeat}")
    runs = (
        ("caches kept, a batch of distinct reports", False, iter(sets)),
        ("caches cleared before each report", True, iter([sets[0]] * repeat)),
        ("the same reports read again (not a batch)", False, iter([sets[0]] * repeat)),
    )
    for label, clear, inputs in runs:
        clear_parse_caches()
        extract_all(warm, clear=False)  # imports and compiled patterns, not counted
        if label.startswith("the same"):
            extract_all(sets[0], clear=False)
        times = timed(lambda clear=clear, inputs=inputs: extract_all(next(inputs), clear), repeat)
        print(
            f"   {label:42s} best {n / min(times):7.1f}  median {n / statistics.median(times):7.1f}"
            f" reports/s/core  ({1000 * statistics.median(times) / n:.3f} ms/report)"
        )


def bench_formats(folder: Path, repeat: int) -> None:
    from tests.fixture_docs import report_to_docx, report_to_html, report_to_pdf

    sources = [p for p in golden_inputs() if p.suffix == ".txt"]
    made: dict[str, list[Path]] = {"text": sources, "html": [], "docx": [], "pdf": []}
    for path in sources:
        report = read_report(path)
        stem = folder / path.parent.name
        html = stem.with_suffix(".html")
        html.write_text(report_to_html(report), encoding="utf-8")
        made["html"].append(html)
        made["docx"].append(report_to_docx(report, stem.with_suffix(".docx")))
        made["pdf"].append(report_to_pdf(report, stem.with_suffix(".pdf")))
    print(f"\n   golden copies in every format ({len(sources)} cases each), caches cleared per report:")
    for fmt, paths in made.items():
        extract_all(paths[:2], clear=True)
        times = timed(lambda paths=paths: extract_all(paths, clear=True), repeat)
        n = len(paths)
        print(
            f"   {fmt:5s} best {n / min(times):7.1f}  median {n / statistics.median(times):7.1f} reports/s/core"
        )


# --- 3. processes -------------------------------------------------------------------


def bench_jobs(folder: Path, files: int, repeat: int) -> None:
    # Byte-compiled, as an installed package is (pip compiles at install time): without it
    # every process compiles the package's source first (PYTHONDONTWRITEBYTECODE is set on
    # some machines), a start-up cost no installed copy pays. The caches go to a temporary
    # folder, not into the checkout.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    help_text = subprocess.run(
        [sys.executable, "-m", "gipr_llm.cli", "extract", "--help"], capture_output=True, text=True, env=env
    ).stdout
    print(
        f"\n3. gipr extract on {files} files, whole process (start-up included, byte-compiled), wall time, both cores allowed;"
        f" -j 1 and -j 2 alternated {repeat}x"
    )
    if "--jobs" not in help_text:
        print("   skipped: this build has no --jobs option")
        return
    if "使用大模型时" in help_text:  # the option's help says it is for LLM calls only
        print("   note: in this build -j runs LLM calls concurrently only; the deterministic path is serial")
    inputs = folder / "inputs"
    inputs.mkdir()
    write_text_variants(inputs, files)
    subprocess.run(  # writes the byte-code caches
        [sys.executable, "-m", "gipr_llm.cli", "-q", "extract", str(ROOT / "samples"), "-o", str(folder / "warm.jsonl")],
        env=env,
        check=True,
    )
    walls: dict[int, list[float]] = {1: [], 2: []}
    halves: list[float] = []
    outputs: dict[int, str] = {}

    def command(jobs: int, out: Path, *extra: str) -> list[str]:
        return [sys.executable, "-m", "gipr_llm.cli", "-q", "extract", str(inputs), "-j", str(jobs), "-o", str(out), *extra]

    for _ in range(repeat):
        for jobs in (1, 2):  # alternated, so a neighbour's burst falls on both
            out = folder / f"out{jobs}.jsonl"
            start = time.perf_counter()
            done = subprocess.run(command(jobs, out), capture_output=True, text=True, env=env)
            walls[jobs].append(time.perf_counter() - start)
            if done.returncode:
                print(f"   -j {jobs} failed (exit {done.returncode}): {done.stderr.strip()[-200:]}")
                return
            outputs[jobs] = out.read_text(encoding="utf-8")
        # What this machine gives two processes at once, whatever gipr does: two independent
        # -j 1 runs on the halves (--shard), started together, timed until both end. Each
        # pays the start-up, as -j 2 does once, so their wall time is -j 2's floor here.
        start = time.perf_counter()
        both = [
            subprocess.Popen(command(1, folder / f"half{i}.jsonl", "--shard", f"{i}/2"), env=env) for i in (1, 2)
        ]
        if any(proc.wait() for proc in both):
            print("   the two halves failed")
            return
        halves.append(time.perf_counter() - start)
    for jobs, times in walls.items():
        median = statistics.median(times)
        print(
            f"   -j {jobs}: median {median:6.2f} s  best {min(times):6.2f} s  ({files / median:6.1f} files/s;"
            f" runs {', '.join(f'{t:.2f}' for t in times)})"
        )
    same = "identical" if outputs[1] == outputs[2] else "DIFFERENT"
    print(
        f"   -j 2 speed-up: median {statistics.median(walls[1]) / statistics.median(walls[2]):.2f}x,"
        f" best {min(walls[1]) / min(walls[2]):.2f}x; outputs {same} ({outputs[1].count(chr(10))} lines)"
    )
    print(
        f"   the machine's ceiling, two -j 1 processes on the halves at once: median {statistics.median(halves):6.2f} s"
        f" best {min(halves):6.2f} s, {statistics.median(walls[1]) / statistics.median(halves):.2f}x -j 1's median"
        f" (runs {', '.join(f'{t:.2f}' for t in halves)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=400, help="distinct text reports")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000, help="files for -j 1 vs -j 2 (0 to skip)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: few reports, 2 repeats")
    parser.add_argument("--skip", default="", help="comma list of sections to skip: pdf,text,formats,jobs")
    args = parser.parse_args()
    if args.quick:
        args.reports, args.repeat, args.files = 40, 2, 0
    skip = set(filter(None, args.skip.split(",")))
    pinned = hasattr(os, "sched_setaffinity")
    cpus = os.sched_getaffinity(0) if pinned else set()
    print(
        f"gipr_llm {gipr_llm.__file__}; python {sys.version.split()[0]}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; sections 1-2 pinned to one core"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if pinned:
            os.sched_setaffinity(0, {min(cpus)})
        if "pdf" not in skip:
            bench_pdf(folder, args.repeat)
        if "text" not in skip:
            texts = folder / "texts"
            texts.mkdir()
            bench_text(texts, args.reports, args.repeat)
        if "formats" not in skip:
            bench_formats(folder, args.repeat)
        if pinned:
            os.sched_setaffinity(0, cpus)
        if "jobs" not in skip and args.files:
            bench_jobs(folder, args.files, max(3, args.repeat))


if __name__ == "__main__":
    main()
