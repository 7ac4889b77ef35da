"""``gipr eval``: fact scoring against the golden facts, on recordings (no live model here)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gipr_llm.cli import app
from gipr_llm.domain.models import CountFact, FeeFact, NarrativeFacts, TextFact
from gipr_llm.golden.evaluate import (
    FIELDS,
    evaluate,
    golden_facts,
    score_facts,
)
from gipr_llm.golden.store import GoldenCase, GoldenError, list_cases, write_json
from gipr_llm.llm.scripted_server import Reply, Script, ScriptedServer
from gipr_llm.pipeline import read_report

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
runner = CliRunner()


def count(kind: str, value: int, label: str | None = None, quote: str = "q") -> CountFact:
    return CountFact(kind=kind, label=label, value=value, quote=quote, extractor="llm")


def item(text: str, quote: str) -> TextFact:
    return TextFact(text=text, quote=quote, extractor="llm")


# --- scoring on tiny hand-made facts ----------------------------------------------------


def test_one_missing_fact_halves_recall_and_keeps_precision():
    golden = NarrativeFacts(counts=[count("reviews", 2), count("lawsuits", 3)])
    predicted = NarrativeFacts(counts=[count("reviews", 2)])
    scores = score_facts(golden, predicted)
    total = (
        sum(scores[f].tp for f in FIELDS),
        sum(scores[f].fn for f in FIELDS),
        sum(scores[f].fp for f in FIELDS),
    )
    assert total == (1, 1, 0)
    assert scores["reviews"].recall == 1.0 and scores["lawsuits"].recall == 0.0
    assert scores["lawsuits"].precision is None  # nothing predicted: undefined, not 0


def test_wrong_number_is_a_miss_and_a_wrong_number():
    golden = NarrativeFacts(
        counts=[count("proactive_item", 25, "工作动态信息"), count("proactive_total", 63)]
    )
    predicted = NarrativeFacts(
        counts=[count("proactive_item", 52, "“工作动态信息”"), count("proactive_total", 63)]
    )
    scores = score_facts(golden, predicted)
    item_score = scores["proactive_item"]
    assert (item_score.tp, item_score.fp, item_score.fn) == (0, 1, 1)
    assert (item_score.numbers, item_score.numbers_exact) == (1, 0)
    assert (scores["proactive_total"].numbers, scores["proactive_total"].numbers_exact) == (1, 1)


def test_item_labels_must_agree():
    golden = NarrativeFacts(counts=[count("proactive_item", 2, "领导介绍类信息")])
    other = NarrativeFacts(counts=[count("proactive_item", 2, "机构设置类信息")])
    shorter = NarrativeFacts(counts=[count("proactive_item", 2, "领导介绍类")])
    assert score_facts(golden, other)["proactive_item"].tp == 0
    assert score_facts(golden, shorter)["proactive_item"].tp == 1


def test_text_facts_match_by_quote_coverage_not_by_a_heading():
    sentence = "一是扩大政府信息主动公开方面。对于涉及企业群众切身利益、群众关注度高的信息，还需要进一步加大政府信息主动公开力度"
    golden = NarrativeFacts(problems=[item("主动公开力度还需加大", sentence)])
    clause = NarrativeFacts(problems=[item("信息主动公开力度不够", sentence[15:])])
    heading = NarrativeFacts(problems=[item("扩大政府信息主动公开方面", "一是扩大政府信息主动公开方面。")])
    assert score_facts(golden, clause)["problems"].tp == 1
    scored = score_facts(golden, heading)["problems"]
    assert (scored.tp, scored.fp, scored.fn) == (0, 1, 1)


def test_fee_not_collected_with_or_without_a_zero_amount_agrees():
    none = FeeFact(collected=False, quote="未收取信息处理费", extractor="llm")
    zero = FeeFact(collected=False, amount_yuan=Decimal("0"), quote="均为0", extractor="rules")
    paid = FeeFact(collected=True, amount_yuan=Decimal("380"), quote="收取信息处理费380元", extractor="llm")
    assert score_facts(NarrativeFacts(fee=none), NarrativeFacts(fee=zero))["fee"].tp == 1
    wrong = score_facts(NarrativeFacts(fee=paid), NarrativeFacts(fee=none))["fee"]
    assert (wrong.tp, wrong.fp, wrong.fn) == (0, 1, 1)
    assert score_facts(NarrativeFacts(fee=none), NarrativeFacts())["fee"].fn == 1


# --- golden facts ---------------------------------------------------------------------


def test_every_golden_fact_is_grounded_in_its_report():
    for case in list_cases(GOLDEN):
        facts = golden_facts(case, read_report(case.input_path))
        assert facts.counts or facts.problems, case.name


def test_golden_fact_with_an_invented_quote_is_refused(tmp_path):
    import shutil

    shutil.copytree(GOLDEN / "004", tmp_path / "004")
    case = GoldenCase(tmp_path, "004")
    facts = json.loads(case.facts_path.read_text(encoding="utf-8"))
    facts["counts"][0]["quote"] = "主动公开政务信息 121 篇"
    write_json(case.facts_path, facts)
    with pytest.raises(GoldenError, match=r"004: facts\.json 有事实未通过原文核验"):
        golden_facts(case, read_report(case.input_path))


# --- eval on recordings -----------------------------------------------------------------


def test_eval_on_recordings_prints_the_same_scores_twice():
    first = runner.invoke(app, ["eval", "--recordings"])
    second = runner.invoke(app, ["eval", "--recordings"])
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    assert "scripted 为手写脚本回复，不是模型输出" in first.output
    as_json = [runner.invoke(app, ["eval", "--json"]).output for _ in range(2)]
    assert as_json[0] == as_json[1]
    data = json.loads(as_json[0])
    assert set(data["fields"]) == set(FIELDS)


def test_eval_on_recordings_scores_the_planted_model_errors():
    cases = list_cases(GOLDEN, ["002", "002-llm-ungrounded"])
    result = evaluate(cases, "recordings", prices=(2.0, 8.0)).as_dict()
    clean, planted = result["reports"]
    assert (clean["recall"], clean["ungrounded_quotes"], clean["retries"]) == (1.0, 0, 0)
    # the wrong total (36 for a quote saying 63条) was re-asked twice, then dropped by grounding
    assert (planted["attempts"], planted["retries"], planted["ungrounded_quotes"]) == (3, 2, 1)
    # ... and the rules, which always run, still give the total the reply lost
    assert planted["precision"] == 1.0 and planted["recall"] == 1.0
    assert result["fields"]["proactive_total"]["fn"] == 0 and result["fields"]["proactive_total"]["tp"] == 2
    cost = (planted["prompt_tokens"] * 2.0 + planted["completion_tokens"] * 8.0) / 1_000_000
    assert planted["cost"] == pytest.approx(cost) and planted["cost"] > 0
    totals = result["totals"]
    assert totals["cost_per_report"] == pytest.approx((clean["cost"] + planted["cost"]) / 2, abs=1e-6)


def test_rules_baseline_is_scored_against_the_same_facts():
    (case,) = list_cases(GOLDEN, ["003"])
    result = evaluate([case], "rules").as_dict()
    fields = result["fields"]
    # the rules take the 区政府's 286 applications and 19/29 cases as this body's own
    assert fields["applications_received"]["fp"] == 1 and fields["reviews"]["fp"] == 1
    assert result["reports"][0]["attempts"] == 0 and result["reports"][0]["answered_by"] == "rules"


def test_compare_puts_saved_results_side_by_side(tmp_path):
    rec, rules = tmp_path / "recordings.json", tmp_path / "rules.json"
    assert runner.invoke(app, ["eval", "--case", "003", "--json", "-o", str(rec)]).exit_code == 0
    assert runner.invoke(app, ["eval", "--case", "003", "--rules", "--json", "-o", str(rules)]).exit_code == 0
    shown = runner.invoke(app, ["eval", "--compare", str(rec), "--compare", str(rules)])
    assert shown.exit_code == 0, shown.output
    header, _, *rows = shown.output.splitlines()
    assert header.split() == ["field", "recordings", "rules"]
    applications = next(r for r in rows if r.startswith("applications_received"))
    # the rules run beside the LLM, so their 区政府-scope count is in both columns
    assert applications.count("P 0.500 R 1.000") == 2


def test_live_eval_names_who_answered(monkeypatch):
    """``--model`` against an endpoint: here the project's scripted server, so the output says
    scripted, whatever model name was asked for."""
    facts = json.loads((GOLDEN / "004" / "facts.json").read_text(encoding="utf-8"))
    facts["counts"] = facts["counts"][1:]  # this reply misses the first channel count
    with ScriptedServer(Script([Reply(facts)])) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-eval-test")
        result = runner.invoke(app, ["eval", "--model", "some-model", "--case", "004", "--json"])
        sent = len(server.completion_requests)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (report,) = data["reports"]
    assert (data["source"], data["model"], report["answered_by"]) == ("live", "some-model", "scripted")
    assert sent == 1 and report["attempts"] == 1 and report["prompt_tokens"] > 0
    # the rules, which always run, supply the channel count the reply missed
    assert data["fields"]["proactive_item"]["fn"] == 0 and data["fields"]["proactive_item"]["tp"] == 3
    assert report["agreement"] == {"agreed": 3, "rules_only": 1, "llm_only": 0, "disagreed": 0}


def test_eval_refuses_two_sources_at_once():
    result = runner.invoke(app, ["eval", "--rules", "--recordings"])
    assert result.exit_code == 2


def test_eval_fails_below_a_threshold_and_reports_agreement():
    cases = ["--case", "002", "--case", "003"]
    data = json.loads(runner.invoke(app, ["eval", "--json", *cases]).output)
    precision, recall = data["overall"]["precision"], data["overall"]["recall"]
    assert precision < 1.0  # 003: the rules add the 区政府-scope counts the golden facts leave out
    agreement = data["totals"]["agreement"]
    assert agreement["agreed"] > 0 and data["totals"]["agreement_rate"] == pytest.approx(
        agreement["agreed"] / sum(agreement.values()), abs=1e-4
    )
    passing = runner.invoke(app, ["eval", *cases, "--min-recall", str(recall), "--min-precision", "0.5"])
    assert passing.exit_code == 0, passing.output
    failing = runner.invoke(app, ["eval", *cases, "--min-precision", str(round(precision + 0.01, 4))])
    assert failing.exit_code == 1 and "precision" in failing.output
