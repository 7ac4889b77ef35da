"""YEAR-CHAIN: this year's 上年结转 against last year's 结转下年度继续办理, same body only."""

from __future__ import annotations

from gipr_llm.checks import check_year_chain, year_chain_by_report
from gipr_llm.domain.bodies import body_key
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
    office.meta.body_key = body_key(office.meta.agency)
    assert check_year_chain([earlier, office]) == []
    gap = later.model_copy(deep=True)
    gap.meta.year = 2022
    assert check_year_chain([earlier, gap]) == []
    spaced = later.model_copy(deep=True)
    spaced.meta.agency = "北京市朝阳区 政务服务管理局"
    spaced.meta.body_key = body_key(spaced.meta.agency)
    assert len(check_year_chain([earlier, spaced])) == 2


def test_chained_by_body_key_not_by_printed_name(seed_paths, tmp_path):
    # Two reports printed 「正文」-like names or none at all: only the key decides.
    earlier = extract(seed_paths["003"])
    later = report_from_text(tmp_path, next_year_003("30", "31"))
    later.meta.agency = "朝阳区政务服务管理局"  # printed without the city: same key after the batch merge
    later.meta.body_key = None
    assert check_year_chain([earlier, later]) == []  # keys differ until a batch merges them
    nameless = [earlier.model_copy(deep=True), later.model_copy(deep=True)]
    for report in nameless:
        report.meta.agency = report.meta.body_key = None
    assert check_year_chain(nameless) == []


def test_summary_report_and_office_are_different_bodies():
    assert body_key("北京市西城区人民政府") != body_key("北京市西城区人民政府办公室")
    assert body_key(" 北京市·西城区 信访办公室。") == body_key("北京市西城区信访办公室")


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


def test_two_reports_for_one_year_are_not_guessed_between(seed_paths, tmp_path):
    earlier = extract(seed_paths["003"])
    later = report_from_text(tmp_path, next_year_003("30", "31"))
    rival = later.model_copy(deep=True)
    rival.table3.rows["new_received"][6] += 1  # another version of the same body-year
    assert year_chain_by_report([earlier, later, rival]) == [[], [], []]
