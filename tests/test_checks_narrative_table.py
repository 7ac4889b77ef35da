"""NARRATIVE-TABLE: narrative numbers against the tables, with carried-over and scope understood."""

from __future__ import annotations

import pytest

from gipr_llm.checks import check_report
from gipr_llm.pipeline import extract
from tests.conftest import seed_text
from tests.seed_edits import report_from_text


def narrative_findings(report):
    return [f for f in check_report(report) if f.rule == "NARRATIVE-TABLE"]


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_seeds_narratives_agree_with_their_tables(seed_paths, seed):
    assert narrative_findings(extract(seed_paths[seed])) == []


def test_seed_003_scope_trap_gives_info_not_warnings(seed_paths):
    report = extract(seed_paths["003"])
    values = {(c.kind, c.value) for c in report.facts.counts}
    # 286 = 271 new + 15 carried over, 19 reviews, 29 = 18 + 11 lawsuits: all accepted.
    assert {("applications_received", 286), ("reviews", 19), ("lawsuits", 29)} <= values
    findings = narrative_findings(report)
    assert [(f.severity, f.stated) for f in findings] == [("info", 0), ("info", 0)]
    assert "受理向区政务服务管理局提出的政府信息公开申请0件" in findings[0].message
    assert "可能指其他范围" in findings[0].message


def test_new_applications_alone_also_match(tmp_path):
    text = seed_text("003").replace("政府信息公开申请286件", "政府信息公开申请271件")
    findings = narrative_findings(report_from_text(tmp_path, text))
    assert [f.stated for f in findings] == [0, 0]  # 271 accepted like 286; only the body's own 0s remain


def test_mismatch_in_own_scope_is_a_warning(tmp_path):
    text = seed_text("004").replace("收到 2 项申请", "收到 3 项申请")
    findings = narrative_findings(report_from_text(tmp_path, text))
    assert [(f.severity, f.row, f.expected, f.stated, f.raw) for f in findings] == [
        ("warning", "new_received", 2, 3, "区政府外办今年从电子邮箱等\n\n渠道收到 3 项申请")
    ]
    assert (
        findings[0].message
        == "正文「区政府外办今年从电子邮箱等渠道收到3项申请」所述3项与表三「本年新收」总计2件不一致，请核对正文或统计表。"
    )


def test_lawsuits_are_compared_with_both_litigation_totals(tmp_path):
    text = seed_text("001").replace("被提起行政诉讼0件", "被提起行政诉讼2件")
    findings = narrative_findings(report_from_text(tmp_path, text))
    assert [(f.severity, f.table, f.expected, f.stated) for f in findings] == [("warning", "table4", 0, 2)]
    assert findings[0].values == {
        "narrative": 2,
        "litigation_direct.total": 0,
        "litigation_after_review.total": 0,
    }


def test_processed_count_is_compared_with_the_outcome_total(tmp_path):
    text = seed_text("004").replace("按照工作流程全部办结", "按照工作流程共办结申请3件")
    findings = narrative_findings(report_from_text(tmp_path, text))
    assert [(f.row, f.expected, f.stated) for f in findings] == [("total_processed", 2, 3)]


def test_another_scope_in_the_sentence_makes_a_mismatch_info(tmp_path):
    text = seed_text("003").replace("行政诉讼29件", "行政诉讼30件")
    findings = [f for f in narrative_findings(report_from_text(tmp_path, text)) if f.stated == 30]
    assert [f.severity for f in findings] == ["info"]  # the sentence is about 向区政府提出的申请
