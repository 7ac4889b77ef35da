"""How fast the review page opens with 1,000 reports, in Debian's headless Chromium.

Reads the five seeds (and a messy copy of one) through the real pipeline, makes 1,000
distinct reports from them (each its own body name and file path, findings kept), writes
one page, then opens it ``--repeat`` times in a fresh tab and prints, best and median:

- ready: navigation start to the page's ready mark (list data parsed, the first screenful of
  the list and the first report drawn, every handler on: the page answers clicks and keys);
- list complete: until the rest of the list is drawn (in chunks between frames);
- open report: clicking a list item until its tables are drawn;
- finding: clicking a finding until its cell is highlighted.

Target: ready < 2 s. Run:

    python benchmarks/bench_review.py [--reports 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gipr_llm.checks.batch import CheckRun  # noqa: E402
from gipr_llm.pipeline.review import review_run, write_review  # noqa: E402
from tests.browser import chromium  # noqa: E402
from tests.review_inputs import review_inputs  # noqa: E402


def many_reports(n: int, folder: Path) -> CheckRun:
    base = review_run(review_inputs(folder))
    run = CheckRun(failed=list(base.failed))
    for i in range(n - len(base.failed)):
        item = base.reports[i % len(base.reports)]
        copy = item.report.model_copy(deep=True)
        copy.meta.agency = f"{copy.meta.agency or '机关'}（第{i + 1}号）"
        path = f"batch/{i + 1:04d}_{Path(item.path).name}"
        copy.source.path = path
        run.reports.append(type(item)(path, copy, list(item.findings)))
    return run


def summary(name: str, values: list[float]) -> str:
    return f"{name:<14} best {min(values):7.0f} ms   median {statistics.median(values):7.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        run = many_reports(args.reports, folder / "inputs")
        start = time.perf_counter()
        page_path = folder / "review.html"
        write_review(run, page_path)
        written = time.perf_counter() - start
        size = page_path.stat().st_size
        ready, complete, opened, finding = [], [], [], []
        with chromium() as context:
            for _ in range(args.repeat):
                page = context.new_page()
                page.goto(page_path.as_uri())
                page.wait_for_selector("html[data-ready='1']")
                ready.append(page.evaluate("window.giprReadyAt"))
                page.wait_for_selector("#report-list[data-complete='true']", state="attached")
                complete.append(page.evaluate("window.giprListCompleteAt"))
                # the report a third of the way down the list: an error report
                opened.append(
                    page.evaluate(
                        """() => { const items = document.querySelectorAll('#report-list button.item');
                        const t = performance.now(); items[Math.floor(items.length / 3)].click();
                        document.querySelector('#detail table.t3').offsetHeight; return performance.now() - t; }"""
                    )
                )
                page.click("#report-list button.item >> nth=0")
                finding.append(
                    page.evaluate(
                        """() => { const t = performance.now(); document.querySelector('#detail .finding').click();
                        document.querySelector('#detail .hl').offsetHeight; return performance.now() - t; }"""
                    )
                )
                page.close()
    print(f"command: python benchmarks/bench_review.py --reports {args.reports} --repeat {args.repeat}")
    print(f"{len(run.reports) + len(run.failed)} reports, page {size / 1e6:.1f} MB, written in {written:.2f} s")
    print(summary("ready", ready))
    print(summary("list complete", complete))
    print(summary("open report", opened))
    print(summary("finding", finding))
    print(f"target: ready < 2000 ms -> {'met' if statistics.median(ready) < 2000 else 'NOT met'} (median)")


if __name__ == "__main__":
    main()
