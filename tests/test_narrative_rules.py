"""Rules-based narrative facts on the seeds' real narratives and on the common phrasings."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from gipr_llm.facts.rules import extract_facts_rules
from gipr_llm.pipeline import read_report


@pytest.fixture(scope="module")
def narratives(seed_paths) -> dict[str, dict[str, str]]:
    return {seed: read_report(path).narrative for seed, path in seed_paths.items()}


def counts(facts, kind: str) -> list[int]:
    return [c.value for c in facts.counts if c.kind == kind]


def all_facts(facts):
    return [
        *facts.counts,
        *facts.problems,
        *facts.measures,
        *facts.initiatives,
        *([facts.fee] if facts.fee else []),
    ]


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_every_quote_is_an_exact_substring_of_its_section(narratives, seed):
    narrative = narratives[seed]
    facts = extract_facts_rules(narrative)
    for fact in all_facts(facts):
        assert fact.extractor == "rules"
        assert any(fact.quote in text for text in narrative.values()), fact.quote


def test_seed_001_proactive_total_and_items(narratives):
    facts = extract_facts_rules(narratives["001"])
    assert counts(facts, "proactive_total") == [21]
    items = [(c.label, c.value) for c in facts.counts if c.kind == "proactive_item"]
    assert ("财政预算、决算信息", 2) in items and ("其他信息", 17) in items
    assert sum(value for _, value in items) == 21
    assert counts(facts, "applications_received") == [0]
    assert counts(facts, "reviews") == [0] and counts(facts, "lawsuits") == [0]
    assert facts.fee is not None and facts.fee.collected is False and facts.fee.quote == "未收取信息处理费"


def test_seed_002_total_is_the_stated_63_not_the_partial_breakdown(narratives):
    facts = extract_facts_rules(narratives["002"])
    assert counts(facts, "proactive_total") == [63]
    assert counts(facts, "proactive_item") == [2, 1, 25]
    assert counts(facts, "applications_received") == [0]
    assert facts.fee.collected is False and facts.fee.amount_yuan == Decimal(0)


def test_seed_004_channel_counts_and_no_invented_total(narratives):
    facts = extract_facts_rules(narratives["004"])
    assert counts(facts, "proactive_total") == []
    items = [(c.label, c.value, c.unit) for c in facts.counts if c.kind == "proactive_item"]
    assert items == [
        ("“西城外事”公众号", 112, "篇"),
        ("“北京市政府信息公开专栏”", 91, "篇"),
        ("“北京西城”网站专栏", 46, "篇"),
    ]
    received = [c for c in facts.counts if c.kind == "applications_received"]
    assert [(c.value, c.unit) for c in received] == [(2, "项")]
    assert "收到 2 项申请" in received[0].quote
    assert facts.fee is None


def test_seed_003_both_scopes_in_one_sentence(narratives):
    facts = extract_facts_rules(narratives["003"])
    assert counts(facts, "applications_received") == [286, 0]
    assert counts(facts, "reviews") == [19] and counts(facts, "lawsuits") == [29]
    assert counts(facts, "reviews_and_lawsuits") == [0]
    assert counts(facts, "proactive_total") == []  # 23 件 policy files etc. are items, not a total
    assert "向区政府提出" in facts.counts[[c.value for c in facts.counts].index(286)].quote


@pytest.mark.parametrize(
    ("seed", "problems", "measures"),
    [("000", 1, 1), ("001", 2, 2), ("002", 1, 2), ("003", 2, 2), ("004", 2, 2)],
)
def test_section_five_split_into_problems_and_measures(narratives, seed, problems, measures):
    facts = extract_facts_rules(narratives[seed])
    assert (len(facts.problems), len(facts.measures)) == (problems, measures)


def test_problem_and_measure_texts(narratives):
    facts = extract_facts_rules(narratives["001"])
    assert facts.problems[1].text == "与群众互动交流频次不够,沟通深度有欠缺"
    assert facts.measures[0].text.startswith("将积极参与全区政府公开培训")
    facts = extract_facts_rules(narratives["002"])
    assert facts.problems[0].text.startswith("微信服务公众号宣传内容还不够完善")
    assert facts.measures[0].text.startswith("加强学习培训")


def test_highlights_in_section_six_are_initiatives(narratives):
    facts = extract_facts_rules(narratives["000"])
    assert len(facts.initiatives) == 3
    assert facts.initiatives[0].text.startswith("积极协助完成并按时公布了我区2021年度重大决策事项目录")
    assert facts.fee is None  # 行政事业性收费 is not 信息处理费


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "全年共受理政府信息公开申请12件（含上年结转3件）。",
            [("applications_received", 12), ("applications_carried_over", 3)],
        ),
        ("本年度共办结政府信息公开申请10宗。", [("applications_processed", 10)]),
        ("共收到 5 份政府信息公开申请。", [("applications_received", 5)]),
        ("发生行政复议和行政诉讼共3件。", [("reviews_and_lawsuits", 3)]),
        ("被申请行政复议2起，被提起行政诉讼1起。", [("reviews", 2), ("lawsuits", 1)]),
        ("全年主动公开政府信息1,234条。", [("proactive_total", 1234)]),
        ("全年主动公开政府信息１２条。", [("proactive_total", 12)]),
        ("结转下年度继续办理5件。", []),
        ("开展培训3次，编制指南2份。", []),
    ],
)
def test_common_phrasings(text, expected):
    facts = extract_facts_rules({"overview": text})
    assert [(c.kind, c.value) for c in facts.counts] == expected
    assert all(c.quote in text for c in facts.counts)


@pytest.mark.parametrize(
    ("text", "collected", "amount"),
    [
        ("本年度收取信息处理费共计380元。", True, Decimal(380)),
        ("本机关共收取信息处理费0.05万元。", True, Decimal("500.00")),
        ("本年度未收取信息处理费，不存在行政事业性收费。", False, None),
        ("信息处理费收费情况：实际收取的总金额为0元。", False, Decimal(0)),
    ],
)
def test_fee_statements(text, collected, amount):
    fee = extract_facts_rules({"other": text}).fee
    assert fee is not None and fee.collected is collected and fee.amount_yuan == amount
    assert fee.quote in text


def test_administrative_fee_is_not_an_information_fee():
    assert extract_facts_rules({"other": "2021年区政府办公室不存在行政事业性收费，收费金额0元。"}).fee is None


def test_empty_narrative_gives_no_facts():
    facts = extract_facts_rules({})
    assert all_facts(facts) == []


def test_fast_enough_to_be_the_fallback(narratives):
    start = time.perf_counter()
    for _ in range(20):
        for narrative in narratives.values():
            extract_facts_rules(narrative)
    assert time.perf_counter() - start < 2.0  # 100 reports; measured ~0.15 s
