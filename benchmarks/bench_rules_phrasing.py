"""CPU time of the rules narrative extractor (``extract_facts_rules``) per narrative: the seeds
and every case of both phrasing dev sets, read once, then extracted 20 times per repeat;
median and best of 7 repeats (process CPU time: the machine is shared).

Compare two trees by putting the one to time first on the path, e.g.:

    PYTHONPATH=. python benchmarks/bench_rules_phrasing.py
    PYTHONPATH=/tmp/base:. python benchmarks/bench_rules_phrasing.py   # gipr_llm from /tmp/base
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# tests/ of this tree, after PYTHONPATH (which may put another gipr_llm first) but before an
# editable install's path (whose tests/ would be another tree's)
sys.path.insert(1 + len([p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]), str(ROOT))

from gipr_llm.facts.rules import extract_facts_rules  # noqa: E402
from gipr_llm.pipeline import read_report  # noqa: E402
from tests.phrasing_cases import CASES, report_text  # noqa: E402
from tests.phrasing_more import MORE_CASES  # noqa: E402


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    narratives = [read_report(p).narrative for p in sorted((ROOT / "samples").glob("*.txt"))]
    for case in CASES + MORE_CASES:
        path = folder / f"{case.name}.txt"
        path.write_text(report_text(case), encoding="utf-8")
        narratives.append(read_report(path).narrative)
    times = []
    for _ in range(7):
        start = time.process_time()
        for _ in range(20):
            for narrative in narratives:
                extract_facts_rules(narrative)
        times.append((time.process_time() - start) / (20 * len(narratives)) * 1e6)
    print(
        f"{len(narratives)} narratives: median {statistics.median(times):.0f} µs/narrative "
        f"(best {min(times):.0f})"
    )


if __name__ == "__main__":
    main()
