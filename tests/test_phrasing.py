"""Each phrasing class of the dev set (tests/phrasing_cases.py): found by the rules, and an
LLM fact with its verbatim quote kept by grounding while near-misses are rejected.

The LLM replies are scripted (the project's local OpenAI-protocol server, the real openai
client and instructor), not model output.
"""

from __future__ import annotations

import json

import pytest
from pydantic import SecretStr

from gipr_llm.facts.grounding import Grounding, grounded_in
from gipr_llm.facts.narrative import extract_narrative
from gipr_llm.facts.rules import extract_facts_rules
from gipr_llm.facts.schema import NarrativeReply, to_facts
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.scripted_server import RecordedRequest, Reply, ScriptedServer
from gipr_llm.pipeline import read_report
from tests.phrasing_cases import CASES, Case, Fact, read_narratives, report_text

HEADLINE = ("proactive_total", "applications_received", "applications_processed")


@pytest.fixture(scope="module")
def narratives(tmp_path_factory) -> dict[str, dict[str, str]]:
    return read_narratives(CASES, tmp_path_factory.mktemp("phrasing"))


def fact_json(fact: Fact, value: int | None = None, quote: str | None = None) -> dict:
    return {
        "kind": fact.kind,
        "value": fact.value if value is None else value,
        "unit": fact.unit or "件",
        "quote": fact.quote if quote is None else quote,
    }


def validate(narrative: dict[str, str], counts: list[dict]) -> tuple[NarrativeReply, Grounding]:
    grounding = Grounding.of(list(narrative.values()))
    grounding.salvage = True
    with grounded_in(grounding):
        return NarrativeReply.model_validate({"counts": counts}), grounding


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rules_find_every_stated_total_and_count(case: Case, narratives):
    counts = extract_facts_rules(narratives[case.name]).counts
    found = {(c.kind, c.value, c.approximate) for c in counts if c.kind in HEADLINE}
    assert {(f.kind, f.value, f.approximate) for f in case.expected} <= found
    totals = [c for c in counts if c.kind == "proactive_total"]
    assert len(totals) == (0 if case.no_total else 1), [c.quote for c in totals]
    text = "\n".join(narratives[case.name].values())
    assert all(c.quote in text for c in counts)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_grounding_keeps_the_true_fact_and_rejects_near_misses(case: Case, narratives):
    narrative = narratives[case.name]
    reply, grounding = validate(narrative, [fact_json(f) for f in case.expected])
    assert grounding.dropped == []
    kept = to_facts(reply).counts
    assert [(c.kind, c.value, c.approximate) for c in kept] == [
        (f.kind, f.value, f.approximate) for f in case.expected
    ]
    target = case.expected[0]
    misses = [fact_json(target, quote=target.quote.replace("\n", "") + "。此外另有3件")]  # not in the text
    if case.wrong_value is not None:
        misses.append(fact_json(target, value=case.wrong_value))
    if case.other_sentence_quote is not None:
        misses.append(fact_json(target, quote=case.other_sentence_quote))
    _, grounding = validate(narrative, misses)
    assert len(grounding.dropped) == len(misses), [d.reason for d in grounding.dropped]


def test_an_application_count_is_not_a_proactive_total(narratives):
    # 「全年共受理政府信息公开申请3件」 contains 公开 but counts applications.
    _, grounding = validate(
        narratives["publish-verb"],
        [{"kind": "proactive_total", "value": 3, "unit": "件", "quote": "全年共受理政府信息公开申请3件"}],
    )
    assert len(grounding.dropped) == 1


def test_an_item_after_qizhong_is_not_the_total(narratives):
    _, grounding = validate(
        narratives["subheading"],
        [
            {
                "kind": "proactive_total",
                "value": 3,
                "unit": "条",
                "quote": "全年主动公开政府信息158条,其中规范性文件3条",
            }
        ],
    )
    assert len(grounding.dropped) == 1


def test_a_zero_needs_the_words_that_say_it(narratives):
    kept, _ = validate(
        narratives["negation"],
        [{"kind": "applications_received", "value": 0, "unit": "件", "quote": "全年未收到政府信息公开申请"}],
    )
    assert [(c.value, c.quote) for c in to_facts(kept).counts] == [(0, "全年未收到政府信息公开申请")]
    _, grounding = validate(
        narratives["negation"],
        [{"kind": "applications_received", "value": 0, "unit": "件", "quote": "做好依申请公开工作"}],
    )
    assert len(grounding.dropped) == 1


def _reply_for(request: RecordedRequest) -> Reply:
    """Answer each report with its case's facts (scripted): the case is known by its text."""
    text = json.dumps(request.body, ensure_ascii=False)
    for case in CASES:
        if all(json.dumps(f.quote, ensure_ascii=False)[1:-1] in text for f in case.expected):
            return Reply({"counts": [fact_json(f) for f in case.expected]})
    return Reply({"counts": []})


def test_scripted_replies_for_every_class_are_kept_over_http(narratives, tmp_path):
    with ScriptedServer(_reply_for) as server:
        config = LlmConfig(
            model="scripted",
            api_key=SecretStr("sk-test"),
            base_url=server.base_url,
            cache_dir=None,
            timeout=5.0,
            backoff_base=0.01,
        )
        for case in CASES:
            facts, run, findings = extract_narrative(narratives[case.name], config)
            assert run.fallback_reason is None, case.name
            llm = {(c.kind, c.value, c.approximate) for c in facts.counts if "llm" in c.extractor}
            assert {(f.kind, f.value, f.approximate) for f in case.expected} <= llm, case.name
            assert not [f for f in findings if f.rule == "LLM-UNGROUNDED"], case.name


def test_sections_as_the_report_prints_them(tmp_path):
    from tests.phrasing_cases import BY_NAME

    for name in ("subheading", "markdown"):
        path = tmp_path / f"{name}.txt"
        path.write_text(report_text(BY_NAME[name]), encoding="utf-8")
        report = read_report(path)
        assert report.meta.sections_found == [
            "overview",
            "proactive",
            "applications",
            "review_litigation",
            "problems",
            "other",
        ], name
        assert report.meta.year == 2024 and report.meta.agency == "北京市西城区信访办公室", name
        assert report.table3 is not None and "本年新收" not in report.narrative["overview"], name
    # the sub-headings stay inside 一、总体情况
    assert "（三）政府信息管理情况" in read_report(tmp_path / "subheading.txt").narrative["overview"]


def test_a_wrapped_line_is_joined_but_a_heading_or_item_is_not():
    from gipr_llm.facts.rules import join_wrapped_lines

    text = "（一）主动公开情况\n全年主动公开政府\n信息351件，\n涉及各领域。\n1.依申请公开\n全年受理申\n\n请17件。"
    joined, where = join_wrapped_lines(text)
    assert (
        joined
        == "（一）主动公开情况\n全年主动公开政府信息351件，涉及各领域。\n1.依申请公开\n全年受理申请17件。"
    )
    assert all(text[where[i]] == ch for i, ch in enumerate(joined) if ch != "\n")


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("全年依申请公开政府信息5件。", []),  # applications, not 主动公开
        ("主动公开政府信息几十条。", []),  # no number stated
        ("依据《条例》第十一条规定，主动公开政府信息。", []),  # an article, not a count
        ("确保每一份文件都经过审核后发布信息。", []),  # 一 is the article
        ("全年主动公开政府信息百余条。", [("proactive_total", 100, True)]),
        (
            "通过网站公开信息30条，通过微信公众号发布信息20条。",
            [("proactive_item", 30, False), ("proactive_item", 20, False)],
        ),
    ],
)
def test_rules_state_no_number_the_text_does_not(text, counts):
    found = [(c.kind, c.value, c.approximate) for c in extract_facts_rules({"overview": text}).counts]
    assert found == counts
