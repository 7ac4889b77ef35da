"""OCR of scanned reports: CPU seconds per page and cell accuracy, per render resolution.

Each seed's text copy is parsed, drawn into a PDF with an embedded CJK font
(tests/fixture_docs.py), "scanned" once (tests/scan_docs.py: grey, turned by a fraction of
a degree, noise and specks, JPEG, image-only PDF; 表三 runs over a page break) and read
back through the whole load/parse/check path with the OCR cache off, once per ``--dpi``
(the resolution the scan's pages are rendered at for OCR). The scan itself is made at
``--scan-dpi`` (300 by default, above every rendering tried, so the rendering is what
limits). Prints, per dpi:

- CPU seconds per page (``time.process_time`` of each page's OCR, one ONNX Runtime
  thread): median and worst. CPU time, not wall time: the machine is shared and wall time
  there measures the neighbours. Still noisy (±20% between identical runs here);
- 表三's 总计 and 自然人 columns (the held-out set's score): right / wrong-flagged /
  wrong-unflagged (a null counts as wrong), and the same over every 表二/表三/表四 cell;
  a cell is flagged when a parse- or check-stage finding names it (its row and column, its
  row, or its column);
- low-confidence findings raised (each is work for the reviewer), and the recognition
  confidence of the lowest right and highest wrong numbers (to set LOW_CONFIDENCE).

Then one re-run of a seed with the OCR cache on: its CPU time (every page from the cache).

Run:  python benchmarks/bench_ocr.py [--dpi 150 200 250 300 auto] [--scan-dpi 200] [--seeds 000 003]
Needs the ocr extra and a CJK TrueType font (fc-list :lang=zh).
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
os.environ["GIPR_OCR_CACHE"] = "off"
os.environ.setdefault("GIPR_OCR_THREADS", "1")

from gipr_llm.checks import check_report  # noqa: E402
from gipr_llm.load import ocr  # noqa: E402
from gipr_llm.parse import ocr_findings  # noqa: E402
from gipr_llm.pipeline import read_report  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.fixture_docs import report_to_pdf  # noqa: E402
from tests.scan_docs import cjk_font, differing_cells, scan_pdf, table_cells  # noqa: E402

SCORED = ("total", "natural_person")  # the held-out set's columns of 表三


def timed_pages() -> list[float]:
    """Wrap the page reader so each page's CPU time is recorded."""
    spent: list[float] = []
    inner = ocr._read_page

    def read(image, dpi):
        start = time.process_time()
        try:
            return inner(image, dpi)
        finally:
            spent.append(time.process_time() - start)

    ocr._read_page = read
    return spent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", nargs="+", default=["150", "200", "250", "300", "auto"])
    parser.add_argument("--seeds", nargs="+", default=sorted(SEEDS))
    parser.add_argument("--scan-dpi", type=int, default=300)
    args = parser.parse_args()
    font = cjk_font()
    if font is None:
        sys.exit("no CJK TrueType font found (fc-list :lang=zh): cannot draw the copies to scan")
    print(
        f"command: python benchmarks/bench_ocr.py --dpi {' '.join(map(str, args.dpi))} "
        f"--seeds {' '.join(args.seeds)} --scan-dpi {args.scan_dpi}"
    )
    print(
        f"engine: {ocr.engine_name()}, font for the copies: {font.name}, threads {os.environ['GIPR_OCR_THREADS']}"
    )
    ocr._engine()  # the models load once per process: not a page's cost
    spent = timed_pages()
    threshold = ocr_findings.LOW_CONFIDENCE
    with tempfile.TemporaryDirectory() as folder:
        scans = {}
        for seed in args.seeds:
            text = read_report(SEEDS[seed])
            pdf = report_to_pdf(text, Path(folder) / f"{seed}.pdf", font_file=font)
            scans[seed] = (
                text,
                scan_pdf(pdf, Path(folder) / f"{seed}-scan.pdf", dpi=args.scan_dpi, seed=int(seed)),
            )
        for dpi in args.dpi:
            ocr.DPI = None if dpi == "auto" else int(dpi)  # auto: each page at its picture's own
            spent.clear()
            scored = [0, 0, 0]  # right, wrong flagged, wrong unflagged
            every = [0, 0, 0]
            low = 0
            confidences: dict[bool, list[int]] = {True: [], False: []}  # right?, confidence %
            for seed, (text, scan) in scans.items():
                ocr_findings.LOW_CONFIDENCE = 1.01  # every number gets its confidence finding...
                try:
                    got = read_report(scan)
                finally:
                    ocr_findings.LOW_CONFIDENCE = threshold
                every_score = {
                    (f.table, f.row, f.column): f.values["confidence_pct"]
                    for f in got.findings
                    if f.rule == "PARSE-OCR-LOW-CONFIDENCE" and f.values
                }
                # ...and only those below the real threshold are kept as findings.
                got.findings = [
                    f
                    for f in got.findings
                    if f.rule != "PARSE-OCR-LOW-CONFIDENCE" or f.values["confidence_pct"] < threshold * 100
                ]
                findings = got.findings + check_report(got)
                low += sum(f.rule == "PARSE-OCR-LOW-CONFIDENCE" for f in findings)
                differ = differing_cells(text, got, findings)
                wrong_keys = {key for key, *_ in differ}
                for key in table_cells(text):
                    score = every_score.get((key[0], key[1].split("/")[0], key[2]))
                    if score is not None:
                        confidences[key not in wrong_keys].append(score)
                for counts, keep in (
                    (every, lambda key: True),
                    (scored, lambda key: key[0] == "table3" and key[2] in SCORED),
                ):
                    cells = [key for key in table_cells(text) if keep(key)]
                    bad = [d for d in differ if keep(d[0])]
                    counts[0] += len(cells) - len(bad)
                    counts[1] += sum(flagged for *_, flagged in bad)
                    counts[2] += sum(not flagged for *_, flagged in bad)
                for key, read, want, flagged in [d for d in differ if not d[3] or d[1] is not None][:12]:
                    print(
                        f"    dpi {dpi} seed {seed}: {'.'.join(key)} read {read!r}, text copy {want!r}"
                        f"{' (flagged)' if flagged else ' (NOT FLAGGED)'}"
                    )
            print(
                f"dpi {dpi}: {len(spent)} pages, CPU s/page median {statistics.median(spent):.1f} "
                f"worst {max(spent):.1f}; 表三 总计+自然人 right/wrong-flagged/wrong-unflagged "
                f"{scored[0]}/{scored[1]}/{scored[2]}; all cells {every[0]}/{every[1]}/{every[2]}; "
                f"low-confidence findings {low}",
                flush=True,
            )
            right, wrong = sorted(confidences[True]), sorted(confidences[False])
            print(
                f"dpi {dpi}: confidence % of right numbers: lowest {right[:5]}, "
                f"of wrong numbers: highest {wrong[-5:]} (LOW_CONFIDENCE {threshold:.0%})",
                flush=True,
            )
        # A re-run costs (almost) nothing: every page comes from the cache.
        os.environ["GIPR_OCR_CACHE"] = str(Path(folder) / "cache")
        seed, (_, scan) = next(iter(scans.items()))
        ocr.DPI = None if args.dpi[-1] == "auto" else int(args.dpi[-1])
        for run in ("first run", "re-run"):
            spent.clear()
            start = time.process_time()
            read_report(scan)
            print(
                f"cache on, seed {seed} at {args.dpi[-1]} dpi, {run}: CPU {time.process_time() - start:.2f} s, "
                f"pages OCR'd {len(spent)}"
            )


if __name__ == "__main__":
    main()
