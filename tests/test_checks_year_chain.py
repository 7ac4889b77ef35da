"""YEAR-CHAIN: this year's 上年结转 against last year's 结转下年度继续办理, same body only."""

from __future__ import annotations

from gipr_llm.checks import check_year_chain, normalise_agency, year_chain_by_report
from gipr_llm.pipeline import extract
from tests.conftest import seed_text
from tests.seed_edits import edit_after, report_from_text


def next_year_003(carried_natural: str, carried_total: str) -> str:
    """Seed 003 as if it were the same body's 2021 report, with its 上年结转 row edited."""
    text = seed_text("003").replace("2020年政府信息公开工作年度报告", "2021年政府信息公开工作年度报告")
    text = edit_after(text, "二、上年结转政府信息公开申请数量", "\t14\n", f"\t{carried_natural}\n")
    return edit_after(text, "二、上年结转政府信息公开申请数量", "\t15\n", f"\t{carried_total}\n")


def test_consecutive_years_that_hand_over_are_clean(seed_paths, tmp_path):
    later = report_from_text(tmp_path, next_year_003("33", "34"))  # 2020 结转下年: 33, 1, …, 34
    assert later.meta.year == 2021
    assert check_year_chain([extract(seed_paths["003"]), later]) == []


def test_broken_hand_over_is_an_error_on_the_later_report(seed_paths, tmp_path):
    later = report_from_text(tmp_path, next_year_003("30", "31"))
    per_report = year_chain_by_report([later, extract(seed_paths["003"])])
    assert per_report[1] == []
    findings = per_report[0]
    assert [(f.rule, f.severity, f.column, f.expected, f.stated) for f in findings] == [
        ("YEAR-CHAIN", "error", "natural_person", 33, 30),
        ("YEAR-CHAIN", "error", "total", 34, 31),
    ]
    assert "与本机关2020年度报告「四、结转下年度继续办理」的33不一致" in findings[0].message


def test_different_bodies_or_gaps_are_not_chained(seed_paths, tmp_path):
    earlier = extract(seed_paths["003"])
    later = report_from_text(tmp_path, next_year_003("30", "31"))
    office = later.model_copy(deep=True)
    office.meta.agency = "北京市朝阳区人民政府办公室"
    assert check_year_chain([earlier, office]) == []
    gap = later.model_copy(deep=True)
    gap.meta.year = 2022
    assert check_year_chain([earlier, gap]) == []
    spaced = later.model_copy(deep=True)
    spaced.meta.agency = "北京市朝阳区 政务服务管理局"
    assert len(check_year_chain([earlier, spaced])) == 2


def test_summary_report_and_office_are_different_bodies():
    assert normalise_agency("北京市西城区人民政府") != normalise_agency("北京市西城区人民政府办公室")
    assert normalise_agency(" 北京市·西城区 信访办公室。") == normalise_agency("北京市西城区信访办公室")


def test_2019_table2_previous_count_chains_as_a_warning(seed_paths):
    first = extract(seed_paths["004"])
    second = first.model_copy(deep=True)
    second.meta.year = 2020
    first.table2.rows["licensing"].update(previous=5, change=2)
    second.table2.rows["licensing"]["previous"] = 7
    assert check_year_chain([first, second]) == []
    second.table2.rows["licensing"]["previous"] = 6
    findings = check_year_chain([first, second])
    assert [(f.severity, f.table, f.row, f.expected, f.stated) for f in findings] == [
        ("warning", "table2", "licensing", 7, 6)
    ]


def test_two_reports_for_one_year_are_not_guessed_between(seed_paths):
    a = extract(seed_paths["003"])
    findings = year_chain_by_report([a, a.model_copy(deep=True)])
    assert [f.severity for f in findings[0]] == ["info"] and [f.severity for f in findings[1]] == ["info"]
