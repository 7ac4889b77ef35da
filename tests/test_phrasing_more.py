"""The wider phrasing dev set (tests/phrasing_more.py) on the rules path, each case read as a
whole report (seed 001 with the case's overview): every stated 主动公开 total and application
count found with its value, no other value for them ever, and no total where none is stated."""

from __future__ import annotations

from pathlib import Path

import pytest

from gipr_llm.facts.rules import extract_facts_rules
from gipr_llm.pipeline import read_report
from tests.phrasing_cases import Case, report_text
from tests.phrasing_more import MORE_CASES

CHECKED = ("proactive_total", "applications_received", "applications_processed", "applications_carried_over")


@pytest.fixture(scope="module")
def narratives(tmp_path_factory) -> dict[str, dict[str, str]]:
    folder = tmp_path_factory.mktemp("phrasing_more")
    out = {}
    for case in MORE_CASES:
        path = Path(folder, f"{case.name}.txt")
        path.write_text(report_text(case), encoding="utf-8")
        out[case.name] = read_report(path).narrative
    return out


def test_the_set_is_wide_and_hand_checked():
    assert len(MORE_CASES) >= 40
    assert len({case.name for case in MORE_CASES}) == len(MORE_CASES)
    for case in MORE_CASES:
        assert all(fact.quote and fact.quote in case.overview for fact in case.expected), case.name
        assert case.no_total != any(f.kind == "proactive_total" for f in case.expected), case.name


@pytest.mark.parametrize("case", MORE_CASES, ids=lambda c: c.name)
def test_rules_find_each_stated_count_and_no_wrong_one(case: Case, narratives):
    counts = extract_facts_rules(narratives[case.name]).counts
    found = {(c.kind, c.value, c.approximate) for c in counts if c.kind in CHECKED}
    assert {(f.kind, f.value, f.approximate) for f in case.expected} <= found
    expected = {f.kind: f.value for f in case.expected}
    # no wrong value: a kind the case states has only its value; no total where none is stated
    wrong = [
        (c.kind, c.value, c.quote)
        for c in counts
        if (c.kind in expected and c.value != expected[c.kind])
        or (c.kind == "proactive_total" and "proactive_total" not in expected)
    ]
    assert wrong == []
    text = "\n".join(narratives[case.name].values())
    assert all(c.quote in text for c in counts)
