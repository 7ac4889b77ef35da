"""The wider phrasing dev set (tests/phrasing_more.py) on the rules path, each case read as a
whole report (seed 001 with the case's overview): every stated 主动公开 total and application
count found with its value, no other value for them ever, and no total where none is stated."""

from __future__ import annotations

import pytest

from gipr_llm.facts.rules import extract_facts_rules
from tests.phrasing_cases import Case, read_narratives
from tests.phrasing_more import MORE_CASES

CHECKED = ("proactive_total", "applications_received", "applications_processed", "applications_carried_over")


@pytest.fixture(scope="module")
def narratives(tmp_path_factory) -> dict[str, dict[str, str]]:
    return read_narratives(MORE_CASES, tmp_path_factory.mktemp("phrasing_more"))


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


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        # an application and a review summed: 合计 is not a 主动公开 total
        (
            "全年受理依申请公开政府信息12件、行政复议1件，合计13件。",
            [("applications_received", 12), ("reviews", 1), ("proactive_item", 13)],
        ),
        # the sum stated after the channel counts is the total; the channels are items
        (
            "通过网站公开信息30条，通过微信公众号发布信息20条，合计50条。",
            [("proactive_item", 30), ("proactive_item", 20), ("proactive_total", 50)],
        ),
        # 办结 in a sentence about 复议 is no application count
        (
            "全年收到政府信息公开申请5件，被申请行政复议1件，办结1件。",
            [("applications_received", 5), ("reviews", 1)],
        ),
        ("行政复议申请3件，办结2件。", [("reviews", 3)]),
        # 个 counts departments: never the total
        ("全区共有35个部门主动公开政府信息。", [("proactive_item", 35)]),
        # an increase is no total, and a percentage no count
        ("主动公开政府信息较上年增长15%，较上年增加126条。", [("proactive_item", 126)]),
        # a space-grouped number, a table-like line
        ("主动公开政府信息数：1 236条", [("proactive_total", 1236)]),
        ("联系电话：010-68051234，邮编100035。", []),
    ],
)
def test_rules_state_no_total_the_text_does_not(text, counts):
    found = [(c.kind, c.value) for c in extract_facts_rules({"overview": text}).counts]
    assert found == counts
