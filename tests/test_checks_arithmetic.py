"""T3-BALANCE, T3-ROW-SUM, T3-OUTCOME-SUM, T4-SUM, NON-NEGATIVE, NOT-REPORTED, TABLE-ROWS on real seeds."""

from __future__ import annotations

import pytest

from gipr_llm.checks import check_report, check_tables
from gipr_llm.domain import spec
from gipr_llm.domain.models import Report
from gipr_llm.domain.spec import T3_COLUMNS
from gipr_llm.pipeline import extract
from tests.seed_edits import corrected_003, edit_after, report_from_text

ARITHMETIC = {"T3-BALANCE", "T3-ROW-SUM", "T3-OUTCOME-SUM", "T4-SUM", "NON-NEGATIVE"}


def tables_of(report: Report):
    return check_tables(report.table2, report.table3, report.table4)


@pytest.mark.parametrize("seed", ["000", "001", "002", "004"])
def test_clean_seeds_have_no_arithmetic_findings(seed_paths, seed):
    report = extract(seed_paths[seed])
    assert report.table3 is not None and report.table4 is not None
    assert tables_of(report) == []
    assert not [f for f in check_report(report) if f.rule in ARITHMETIC]


def test_seed_003_has_exactly_its_two_failures_and_the_localised_cell(seed_paths):
    findings = tables_of(extract(seed_paths["003"]))
    assert [f.rule for f in findings] == ["T3-ROW-SUM", "T3-OUTCOME-SUM", "LOCALISED"]
    row_sum, outcome, localised = findings
    assert (row_sum.row, row_sum.expected, row_sum.stated) == ("unavailable_not_held", 182, 183)
    assert (
        row_sum.message
        == "表三「（四）无法提供 1.本机关不掌握相关政府信息」行：各列之和为182，总计栏填报183。"
    )
    assert (outcome.column, outcome.expected, outcome.stated) == ("total", 253, 252)
    assert outcome.values["unavailable_not_held.total"] == 183
    assert localised.severity == "error" and localised.stage == "check"
    assert localised.likely_fix == {
        "row": "unavailable_not_held",
        "column": "total",
        "stated": 183,
        "likely": 182,
    }
    assert "很可能填错：填报183" in localised.message and "应为182" in localised.message


def test_corrected_003_is_clean(tmp_path):
    assert tables_of(report_from_text(tmp_path, corrected_003())) == []


def test_balance_breaks_when_carried_forward_changes(tmp_path):
    # 结转下年 自然人 and 总计 both +2: the row still sums, only the two column balances break.
    text = edit_after(corrected_003(), "四、结转下年度继续办理", "\t33\n", "\t35\n")
    text = edit_after(text, "四、结转下年度继续办理", "\t34\n", "\t36\n")
    findings = tables_of(report_from_text(tmp_path, text))
    balance = [f for f in findings if f.rule == "T3-BALANCE"]
    assert [(f.column, f.expected, f.stated) for f in balance] == [
        ("natural_person", 269, 271),
        ("total", 286, 288),
    ]
    assert not [f for f in findings if f.rule in {"T3-ROW-SUM", "T3-OUTCOME-SUM"}]


def test_row_sum_and_outcome_sum_break_on_one_changed_cell(tmp_path):
    text = edit_after(corrected_003(), "（一）予以公开", "\t33\n", "\t35\n")
    findings = tables_of(report_from_text(tmp_path, text))
    assert {(f.rule, f.row, f.column) for f in findings if f.rule in ARITHMETIC} == {
        ("T3-ROW-SUM", "granted", "total"),
        ("T3-OUTCOME-SUM", "total_processed", "total"),
    }
    localised = next(f for f in findings if f.rule == "LOCALISED")
    assert localised.likely_fix == {"row": "granted", "column": "total", "stated": 35, "likely": 33}


def test_outcome_sum_breaks_when_a_row_changes_consistently(tmp_path):
    # A whole row +1 in 自然人 and 总计 keeps its row sum; only the two outcome sums see it.
    text = edit_after(corrected_003(), "2.重复申请", "\t4\n", "\t5\n")
    text = edit_after(text, "2.重复申请", "\t0\n\t4\n", "\t0\n\t5\n")
    findings = tables_of(report_from_text(tmp_path, text))
    assert sorted((f.rule, f.column) for f in findings if f.rule in ARITHMETIC) == [
        ("T3-OUTCOME-SUM", "natural_person"),
        ("T3-OUTCOME-SUM", "total"),
    ]
    assert [f.rule for f in findings if f.rule not in ARITHMETIC] == ["UNLOCALISED"]


def test_t4_sum_breaks_and_holds(seed_paths, tmp_path):
    assert not [f for f in tables_of(extract(seed_paths["003"])) if f.rule == "T4-SUM"]
    text = edit_after(corrected_003(), "四、政府信息公开行政复议", "\t19\n", "\t20\n")
    findings = tables_of(report_from_text(tmp_path, text))
    t4 = [f for f in findings if f.rule == "T4-SUM"]
    assert [(f.row, f.expected, f.stated) for f in t4] == [("review", 19, 20)]
    assert t4[0].message == "表四「行政复议」：结果维持、结果纠正、其他结果、尚未审结之和为19，总计栏填报20。"
    # One equation cannot say which of its five cells is wrong: said so, not guessed.
    assert [f.rule for f in findings if f.table == "table4"] == ["T4-SUM", "UNLOCALISED"]


def test_non_negative_in_table3(tmp_path):
    text = edit_after(corrected_003(), "1.本机关不掌握相关政府信息", "\t171\n", "\t-171\n")
    findings = tables_of(report_from_text(tmp_path, text))
    negative = [f for f in findings if f.rule == "NON-NEGATIVE"]
    assert [(f.row, f.column, f.stated) for f in negative] == [
        ("unavailable_not_held", "natural_person", -171)
    ]
    assert negative[0].severity == "error"
    localised = next(f for f in findings if f.rule == "LOCALISED")
    assert localised.likely_fix["likely"] == 171


def test_non_negative_in_table2_spares_the_signed_change_column(seed_paths):
    report = extract(seed_paths["004"])
    t2 = report.table2.model_copy(deep=True)
    t2.rows["licensing"]["change"] = -3  # 本年增/减 may be negative
    assert not check_tables(t2, None, None)
    t2.rows["licensing"]["previous"] = -3
    findings = check_tables(t2, None, None)
    assert [(f.rule, f.row, f.column) for f in findings] == [("NON-NEGATIVE", "licensing", "previous")]


def test_unreadable_cell_is_never_counted_as_zero(tmp_path):
    text = edit_after(corrected_003(), "1.本机关不掌握相关政府信息", "\t171\n", "\t17l\n")
    report = report_from_text(tmp_path, text)
    assert report.table3.rows["unavailable_not_held"][0] is None
    assert any(f.rule == "PARSE-CELL-UNREADABLE" for f in report.findings)
    # Read as 0, the row sum and the 自然人 outcome sum would both break; they are skipped,
    # and the value the sums imply is offered, not filled in.
    findings = check_report(report)
    assert not [f for f in findings if f.severity == "error"]
    implied = [f for f in findings if f.rule == "CELL-IMPLIED"]
    assert [(f.row, f.column, f.severity, f.likely_fix["likely"]) for f in implied] == [
        ("unavailable_not_held", "natural_person", "info", 171)
    ]
    assert report.table3.rows["unavailable_not_held"][0] is None
    # Told nothing about the cell, the checker takes the blank for a blank (and a missing number).
    naive = tables_of(report)
    assert [(f.rule, f.likely_fix["likely"]) for f in naive] == [("BLANK-IMPLIED", 171)]


def test_unreported_columns_are_skipped_with_one_info(seed_paths):
    report = extract(seed_paths["003"])
    t3 = report.table3.model_copy(deep=True)
    t3.rows["unavailable_not_held"][6] = 182
    outcome = spec.T3_OUTCOME_ROWS["2019"]
    for row in outcome:
        t3.rows[row][1:6] = [None] * 5  # the five organisation columns left blank throughout
    findings = check_tables(None, t3, report.table4)
    assert [(f.rule, f.severity) for f in findings] == [("NOT-REPORTED", "info")]
    assert "「商业企业」「科研机构」「社会公益组织」「法律服务机构」「其他」列" in findings[0].message
    # Blank in only some rows, the column is reported and its blanks count as 0.
    t3.rows["granted"][1] = 2
    findings = check_tables(None, t3, report.table4)
    assert ("T3-OUTCOME-SUM", "commercial", 2, 16) in [
        (f.rule, f.column, f.expected, f.stated) for f in findings
    ]
    assert "「商业企业」" not in next(f for f in findings if f.rule == "NOT-REPORTED").message


def test_dropped_row_is_reported_once_and_its_sums_are_skipped(tmp_path):
    text = corrected_003()
    start = text.index("\t6.属于四类过程性信息")
    end = text.index("\t7.属于行政执法案卷")
    report = report_from_text(tmp_path, text[:start] + text[end:])
    assert "denied_process_info" not in report.table3.rows
    own = tables_of(report)
    assert [f.rule for f in own] == ["TABLE-ROWS"]
    assert own[0].row == "denied_process_info" and own[0].severity == "error"
    assert "该行依次应为2、0、0、0、0、0、2" in own[0].message
    assert own[0].values == {**dict.fromkeys(T3_COLUMNS, 0), "natural_person": 2, "total": 2}
    # The parser reports the missing row; check_report keeps its own finding only for what it
    # adds: the values the row must have held.
    missing = [f for f in report.findings + check_report(report) if f.row == "denied_process_info"]
    assert [f.rule for f in missing] == ["PARSE-ROW-MISSING", "TABLE-ROWS"]


def test_dropped_rows_without_implied_values_are_reported_once(tmp_path):
    text = corrected_003()
    for first, after in (
        ("	6.属于四类过程性信息", "	7.属于行政执法案卷"),
        ("	2.重复申请", "	3.要求提供公开出版物"),
    ):
        start, end = text.index(first), text.index(after)
        text = text[:start] + text[end:]
    report = report_from_text(tmp_path, text)
    # Two rows missing: the sums no longer say what either held.
    missing = [f for f in report.findings + check_report(report) if f.row == "denied_process_info"]
    assert [f.rule for f in missing] == ["PARSE-ROW-MISSING"]


def test_rows_missing_from_table4_and_table2(seed_paths):
    report = extract(seed_paths["000"])
    t4 = report.table4.model_copy(deep=True)
    del t4.rows["review"]["pending"]
    t2 = report.table2.model_copy(deep=True)
    del t2.rows["fees"]
    findings = check_tables(t2, report.table3, t4)
    assert sorted((f.rule, f.table, f.row) for f in findings) == [
        ("TABLE-ROWS", "table2", "fees"),
        ("TABLE-ROWS", "table4", "review"),
    ]


def _with_unreadable(report: Report, row: str, column: str, value_column: str, value: int):
    """Seed 003 corrected, one cell of ``row`` unreadable and another set to ``value``."""
    assert report.table3 is not None
    values = list(report.table3.rows[row])
    values[T3_COLUMNS.index(column)] = None
    values[T3_COLUMNS.index(value_column)] = value
    report.table3.rows[row] = values
    return check_tables(report.table2, report.table3, report.table4, unknown={("table3", row, column)})


def test_a_sum_that_unread_cells_cannot_close_is_still_an_error(tmp_path):
    # 不予处理 重复申请 prints 0 everywhere; a misread 7 (a seal stroke) beside an unread cell:
    # the six columns already exceed the 总计 0 whatever the unread cell holds.
    report = report_from_text(tmp_path, corrected_003())
    findings = _with_unreadable(report, "unprocessed_duplicate", "legal_service", "social_welfare", 7)
    row_sum = [f for f in findings if f.rule == "T3-ROW-SUM"]
    assert len(row_sum) == 1 and row_sum[0].row == "unprocessed_duplicate" and row_sum[0].column is None
    assert "「法律服务机构」列未能读取" in row_sum[0].message and "相差7" in row_sum[0].message


def test_a_sum_that_unread_cells_could_close_is_not_judged(tmp_path):
    # The total's side holds the unread cell: 0 + x = 7 can hold (x = 7), so no error.
    report = report_from_text(tmp_path, corrected_003())
    findings = _with_unreadable(report, "unprocessed_duplicate", "total", "social_welfare", 7)
    assert not [f for f in findings if f.rule == "T3-ROW-SUM" and f.row == "unprocessed_duplicate"]


def _ocr_row(tmp_path, ocr: bool):
    """Seed 003 corrected as an OCR'd copy would read: in 重复申请 a cell with ink read as
    nothing (PARSE-OCR-UNREAD) and a seal stroke read as 7 where 0 is printed."""
    from gipr_llm.domain.models import Finding

    report = report_from_text(tmp_path, corrected_003())
    assert report.table3 is not None
    values = list(report.table3.rows["unprocessed_duplicate"])
    values[T3_COLUMNS.index("legal_service")] = None
    values[T3_COLUMNS.index("social_welfare")] = 7
    report.table3.rows["unprocessed_duplicate"] = values
    report.findings.append(
        Finding(
            rule="PARSE-OCR-UNREAD",
            severity="warning",
            stage="parse",
            table="table3",
            row="unprocessed_duplicate",
            column="legal_service",
            message="…",
        )
    )
    if ocr:
        report.source.ocr = "rapidocr, 200 dpi, pages 2"
    return check_report(report)


def test_an_unread_ocr_cell_is_never_counted_as_0_and_its_row_is_not_blamed_on_the_report(tmp_path):
    findings = _ocr_row(tmp_path, ocr=True)
    row_sum = [f for f in findings if f.rule == "T3-ROW-SUM" and f.row == "unprocessed_duplicate"]
    assert len(row_sum) == 1 and "未能读取" in row_sum[0].message  # judged with the cell unknown
    assert row_sum[0].fault == "reading" and "文字识别" in row_sum[0].message


def test_the_same_break_in_a_text_copy_is_the_reports(tmp_path):
    findings = _ocr_row(tmp_path, ocr=False)
    row_sum = [f for f in findings if f.rule == "T3-ROW-SUM" and f.row == "unprocessed_duplicate"]
    assert len(row_sum) == 1 and row_sum[0].fault is None  # filled from the registry: report
    assert "文字识别" not in row_sum[0].message


def test_a_scanned_row_with_two_doubtful_cells_is_flagged_whole():
    from gipr_llm.domain.models import Finding
    from gipr_llm.parse.ocr_findings import rows_in_doubt

    def unread(row: str, column: str) -> Finding:
        return Finding(
            rule="PARSE-OCR-UNREAD",
            severity="warning",
            stage="parse",
            table="table3",
            row=row,
            column=column,
            message="…",
        )

    found = rows_in_doubt(
        [
            unread("unprocessed_excessive", "research"),
            unread("unprocessed_excessive", "other_org"),
            unread("granted", "research"),
        ]
    )
    assert [(f.rule, f.row, f.column, f.fault) for f in found] == [
        ("PARSE-OCR-ROW-DOUBT", "unprocessed_excessive", None, "reading")
    ]
