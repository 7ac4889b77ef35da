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

``--variants`` widens the scans toward real ones (one line of figures per variant and dpi):
``base`` (the above, WenQuanYi Micro Hei), ``serif`` (Noto Serif CJK SC, a Song/Ming face as
official documents use), ``kai`` (AR PL UKai), ``seal-colour`` / ``seal-grey`` (a
semi-transparent red official seal on each page, the scan kept in colour / turned grey),
``harsh`` (1-2° skew, uneven lighting, low contrast, JPEG quality 35, a 150-dpi scan),
``faint`` (light grey ruling lines broken every few points), ``borderless`` (no ruling
lines) and ``hardest`` (serif + grey seal + harsh + faint). A variant whose font is not
installed is skipped with a note (fonts-noto-cjk, fonts-arphic-ukai).

Run:  python benchmarks/bench_ocr.py [--dpi 150 200 250 300 auto] [--scan-dpi 200] [--seeds 000 003]
      python benchmarks/bench_ocr.py --dpi auto --variants base serif kai seal-colour seal-grey harsh faint
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
from tests.scan_docs import (  # noqa: E402
    Scanner,
    cjk_font,
    differing_cells,
    report_text,
    scan_pdf,
    table_cells,
    truetype_font,
)

SCORED = ("total", "natural_person")  # the held-out set's columns of 表三

_HARSH = {"skew": (1.0, 2.0), "ink": 70, "light": (195, 245), "quality": 35}
# name: (font family or None for the default, ruling lines, scanner, scan dpi or None for --scan-dpi)
VARIANTS: dict[str, tuple[str | None, str, Scanner, int | None]] = {
    "base": (None, "solid", Scanner(), None),
    "serif": ("Noto Serif CJK SC", "solid", Scanner(), None),
    "kai": ("AR PL UKai CN", "solid", Scanner(), None),
    "seal-colour": (None, "solid", Scanner(seal=True, colour=True), None),
    "seal-grey": (None, "solid", Scanner(seal=True), None),
    "harsh": (None, "solid", Scanner(**_HARSH), 150),
    "faint": (None, "faint", Scanner(), None),
    "borderless": (None, "none", Scanner(), None),
    "hardest": ("Noto Serif CJK SC", "faint", Scanner(seal=True, **_HARSH), 150),
}


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


def score_variant(variant: str, scans: dict, dpis: list[str], spent: list[float]) -> None:
    threshold = ocr_findings.LOW_CONFIDENCE
    for dpi in dpis:
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
                    f"    {variant} dpi {dpi} seed {seed}: {'.'.join(key)} read {read!r}, text copy {want!r}"
                    f"{' (flagged)' if flagged else ' (NOT FLAGGED)'}"
                )
        print(
            f"{variant} dpi {dpi}: {len(spent)} pages, CPU s/page median {statistics.median(spent):.1f} "
            f"worst {max(spent):.1f}; 表三 总计+自然人 right/wrong-flagged/wrong-unflagged "
            f"{scored[0]}/{scored[1]}/{scored[2]}; all cells {every[0]}/{every[1]}/{every[2]}; "
            f"low-confidence findings {low}",
            flush=True,
        )
        right, wrong = sorted(confidences[True]), sorted(confidences[False])
        print(
            f"{variant} dpi {dpi}: confidence % of right numbers: lowest {right[:5]}, "
            f"of wrong numbers: highest {wrong[-5:]} (LOW_CONFIDENCE {threshold:.0%})",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", nargs="+", default=["150", "200", "250", "300", "auto"])
    parser.add_argument("--seeds", nargs="+", default=sorted(SEEDS))
    parser.add_argument("--scan-dpi", type=int, default=300)
    parser.add_argument("--variants", nargs="+", default=["base"], choices=sorted(VARIANTS))
    args = parser.parse_args()
    font = cjk_font()
    if font is None:
        sys.exit("no CJK TrueType font found (fc-list :lang=zh): cannot draw the copies to scan")
    print(
        f"command: python benchmarks/bench_ocr.py --dpi {' '.join(map(str, args.dpi))} "
        f"--seeds {' '.join(args.seeds)} --scan-dpi {args.scan_dpi} --variants {' '.join(args.variants)}"
    )
    print(
        f"engine: {ocr.engine_name()}, font for the copies: {font.name}, threads {os.environ['GIPR_OCR_THREADS']}"
    )
    ocr._engine()  # the models load once per process: not a page's cost
    spent = timed_pages()
    with tempfile.TemporaryDirectory() as folder:
        for variant in args.variants:
            family, rules, scanner, scan_dpi = VARIANTS[variant]
            scans = {}
            for seed in args.seeds:
                text = read_report(SEEDS[seed])
                face = (font, 0)
                if family is not None:
                    face = truetype_font(family, report_text(text), Path(folder) / f"{variant}-{seed}.ttf")
                    if face is None:
                        print(f"variant {variant}: font {family} not installed, skipped")
                        break
                pdf = report_to_pdf(
                    text,
                    Path(folder) / f"{variant}-{seed}.pdf",
                    font_file=face[0],
                    font_index=face[1],
                    rules=rules,
                )
                scans[seed] = (
                    text,
                    scan_pdf(
                        pdf,
                        Path(folder) / f"{variant}-{seed}-scan.pdf",
                        dpi=scan_dpi or args.scan_dpi,
                        seed=int(seed),
                        scanner=scanner,
                    ),
                )
            else:
                score_variant(variant, scans, args.dpi, spent)
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
