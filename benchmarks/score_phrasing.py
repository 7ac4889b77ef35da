"""Score the rules path on both phrasing dev sets, each case read as a whole report: cases,
stated totals, totals found right (value and approximate flag), wrong, missed, invented
where none is stated; the same for the application counts (受理/收到, 办结, 上年结转).

    PYTHONPATH=. python benchmarks/score_phrasing.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# tests/ of this tree, after PYTHONPATH (which may put another gipr_llm first) but before an
# editable install's path (whose tests/ would be another tree's)
sys.path.insert(1 + len([p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]), str(ROOT))

from gipr_llm.facts.rules import extract_facts_rules  # noqa: E402
from gipr_llm.pipeline import read_report  # noqa: E402
from tests.phrasing_cases import CASES, report_text  # noqa: E402
from tests.phrasing_more import MORE_CASES  # noqa: E402

APPLICATIONS = ("applications_received", "applications_processed", "applications_carried_over")


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    for name, cases in (("phrasing_cases", CASES), ("phrasing_more", MORE_CASES)):
        stats = dict.fromkeys(
            ("cases", "totals", "right", "wrong", "miss", "invented", "apps", "apps_right", "apps_wrong"), 0
        )
        stats["cases"] = len(cases)
        problems = []
        for case in cases:
            path = folder / f"{case.name}.txt"
            path.write_text(report_text(case), encoding="utf-8")
            counts = extract_facts_rules(read_report(path).narrative).counts
            expected = {f.kind: f for f in case.expected}
            totals = [c for c in counts if c.kind == "proactive_total"]
            if "proactive_total" in expected:
                stats["totals"] += 1
                want = expected["proactive_total"]
                if len(totals) == 1 and (totals[0].value, totals[0].approximate) == (
                    want.value,
                    want.approximate,
                ):
                    stats["right"] += 1
                elif totals:
                    stats["wrong"] += 1
                    problems.append(
                        (case.name, "wrong total", [(c.value, c.approximate, c.quote) for c in totals])
                    )
                else:
                    stats["miss"] += 1
                    problems.append((case.name, "missed total"))
            elif totals:
                stats["invented"] += 1
                problems.append((case.name, "invented total", [(c.value, c.quote) for c in totals]))
            for kind in APPLICATIONS:
                if kind in expected:
                    stats["apps"] += 1
                    got = [c.value for c in counts if c.kind == kind]
                    if got and set(got) == {expected[kind].value}:
                        stats["apps_right"] += 1
                    elif got:
                        stats["apps_wrong"] += 1
                        problems.append((case.name, f"wrong {kind}", got))
                    else:
                        problems.append((case.name, f"missed {kind}"))
        print(name, stats)
        for problem in problems:
            print("   ", *problem)


if __name__ == "__main__":
    main()
