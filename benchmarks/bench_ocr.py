"""OCR of scanned reports: seconds per page and cell accuracy on scanned copies of the seeds.

Each seed's text copy is parsed, rendered to a PDF with an embedded CJK font
(tests/fixture_docs.py), "scanned" (tests/scan_docs.py: grey, turned by a fraction of a
degree, noise and specks, JPEG, image-only PDF; 表三 runs over a page break) and read back
through the whole load/parse path with the OCR cache off. Prints, per dpi:

- CPU seconds per page (one ONNX Runtime thread; CPU time, because the machine is shared
  and wall time there measures the neighbours), best and median over pages;
- every cell of 表二/表三/表四: right, wrong, missing (null); and how many of the wrong or
  missing cells carry a finding on the same table, row and column (flagged);
- the recognition confidence of right and wrong numbers (to set LOW_CONFIDENCE).

Run:  python benchmarks/bench_ocr.py [--dpi 150 200] [--seeds 000 003]
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

import pypdfium2 as pdfium  # noqa: E402

from gipr_llm.domain import spec  # noqa: E402
from gipr_llm.load import ocr  # noqa: E402
from gipr_llm.pipeline import read_report  # noqa: E402
from tests.conftest import SEEDS  # noqa: E402
from tests.fixture_docs import report_to_pdf  # noqa: E402
from tests.scan_docs import cjk_font, scan_pdf  # noqa: E402


def cells(report) -> dict[tuple[str, str, str], object]:
    """Every cell of the three tables: (table, row, column) -> value."""
    out = {}
    for name in ("table2", "table3", "table4"):
        table = getattr(report, name)
        if table is None:
            continue
        for row, values in table.rows.items():
            pairs = values.items() if isinstance(values, dict) else zip(spec.T3_COLUMNS, values, strict=True)
            for column, value in pairs:
                out[(name, row, column)] = value
        for row, subs in getattr(table, "sub_rows", {}).items():
            for sub, values in subs.items():
                for column, value in values.items():
                    out[(name, f"{row}/{sub}", column)] = value
    return out


def flagged(report, key: tuple[str, str, str]) -> bool:
    table, row, column = key
    return any(
        f.table == table and f.column == column and f.row in (row, None) and f.severity != "info"
        for f in report.findings
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", type=int, nargs="+", default=[200])
    parser.add_argument("--seeds", nargs="+", default=sorted(SEEDS))
    args = parser.parse_args()
    font = cjk_font()
    if font is None:
        sys.exit("no CJK TrueType font found (fc-list :lang=zh): cannot draw the copies to scan")
    print(
        f"command: python benchmarks/bench_ocr.py --dpi {' '.join(map(str, args.dpi))} --seeds {' '.join(args.seeds)}"
    )
    print(f"engine: {ocr.engine_name()}, font for the copies: {font.name}")
    with tempfile.TemporaryDirectory() as folder:
        for dpi in args.dpi:
            ocr.DPI = dpi
            per_page: list[float] = []
            right = wrong = missing = wrong_flagged = 0
            for seed in args.seeds:
                text = read_report(SEEDS[seed])
                pdf = report_to_pdf(text, Path(folder) / f"{seed}.pdf", font_file=font)
                scan = scan_pdf(pdf, Path(folder) / f"{seed}-scan.pdf", dpi=200, seed=int(seed))
                cpu, wall = time.process_time(), time.perf_counter()
                got = read_report(scan)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                pages = len(pdfium.PdfDocument(str(scan)))
                per_page.append(cpu / pages)
                expected, found = cells(text), cells(got)
                seed_wrong = []
                for key, value in expected.items():
                    read = found.get(key)
                    if read == value:
                        right += 1
                        continue
                    if read is None:
                        missing += 1
                    else:
                        wrong += 1
                    ok = flagged(got, key)
                    wrong_flagged += ok
                    seed_wrong.append(
                        f"{key[0]}.{key[1]}.{key[2]}={read!r}(want {value!r}{', flagged' if ok else ''})"
                    )
                low = sum(f.rule == "PARSE-OCR-LOW-CONFIDENCE" for f in got.findings)
                print(
                    f"  dpi {dpi} seed {seed}: {pages} pages, cpu {cpu:.1f} s, wall {wall:.1f} s; "
                    f"{len(expected) - len(seed_wrong)}/{len(expected)} cells right; low-confidence findings {low}"
                )
                for line in seed_wrong[:12]:
                    print("     ", line)
            total = right + wrong + missing
            print(
                f"dpi {dpi}: cpu s/page best {min(per_page):.1f} median {statistics.median(per_page):.1f}; "
                f"cells right {right}/{total} ({right / total:.1%}), wrong {wrong}, null {missing}, "
                f"wrong-or-null flagged {wrong_flagged}/{wrong + missing}"
            )


if __name__ == "__main__":
    main()
