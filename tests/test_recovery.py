"""Messy copies of the seeds (tests/devsets.py) read back to the clean copies' cells."""

from __future__ import annotations

import pytest

from gipr_llm.checks import check_report
from gipr_llm.load import load_bytes
from gipr_llm.parse.document import parse
from tests.conftest import seed_text
from tests.devsets import FLAT_SEEDS, flattened, ocr_markdown, page_break

# Readings no constraint can decide, which must stay null with a finding listing them:
# seed 003's 表四 「17002191710018740011」 (…|17|1|0|0|18|… or …|1|7|10|0|18|…) and its
# 政府集中采购 「1179.1500」 (1|179.15, 11|79.15 or 117|9.15).
FLAT_AMBIGUOUS = {
    "003": {
        ("table2", "procurement"),
        ("table4", "review"),
        ("table4", "litigation_direct"),
        ("table4", "litigation_after_review"),
    }
}


def _report(text: str):
    return parse(load_bytes(text.encode("utf-8"), "copy.txt"))[0]


def _cells(report) -> dict[tuple[str, str], object]:
    out: dict[tuple[str, str], object] = {}
    for name in ("table2", "table3", "table4"):
        table = getattr(report, name)
        if table is not None:
            for row, values in table.rows.items():
                out[(name, row)] = values
    return out


@pytest.fixture(scope="module")
def clean() -> dict[str, dict]:
    return {seed: _cells(_report(seed_text(seed))) for seed in FLAT_SEEDS}


@pytest.mark.parametrize("seed", FLAT_SEEDS)
def test_flattened_copy_gives_the_clean_cells(seed, clean):
    report = _report(flattened(seed_text(seed)))
    got = _cells(report)
    ambiguous = FLAT_AMBIGUOUS.get(seed, set())
    assert got.keys() == clean[seed].keys()
    for key, values in clean[seed].items():
        if key in ambiguous:
            empty = {c: None for c in values} if isinstance(values, dict) else [None] * len(values)
            assert got[key] == empty, key
        else:
            assert got[key] == values, key
    glued = [f for f in report.findings if f.rule == "PARSE-GLUED"]
    assert {(f.table, f.row) for f in glued} == {(t, None if t == "table4" else r) for t, r in ambiguous}
    assert all(f.fault == "reading" and "如：" in f.message for f in glued)
    recovered = [f for f in report.findings if f.rule == "PARSE-RECOVERED"]
    assert recovered and all(f.fault == "reading" and f.raw for f in recovered)


def test_flattened_003_keeps_its_real_error_localised():
    clean_report = _report(seed_text("003"))
    flat_report = _report(flattened(seed_text("003")))
    assert flat_report.table3.rows["unavailable_not_held"] == [171, 11, 0, 0, 0, 0, 183]

    def localised(report):
        return [
            (f.row, f.column, f.stated, f.expected) for f in check_report(report) if f.rule == "LOCALISED"
        ]

    assert localised(flat_report) == localised(clean_report) == [("unavailable_not_held", "total", 183, 182)]
    [kept] = [
        f for f in flat_report.findings if f.rule == "PARSE-RECOVERED" and f.row == "unavailable_not_held"
    ]
    assert "保留原数字" in kept.message


@pytest.mark.parametrize("seed", FLAT_SEEDS)
@pytest.mark.parametrize("make", [ocr_markdown, page_break], ids=["ocr", "page_break"])
def test_ocr_and_page_break_copies_give_the_clean_table3(seed, make, clean):
    report = _report(make(seed))
    for row, values in report.table3.rows.items():
        assert values == clean[seed][("table3", row)], row
    assert report.table3.rows.keys() == {r for t, r in clean[seed] if t == "table3"}
    assert not [f for f in report.findings if f.table == "table3" and f.severity == "error"]


def test_page_break_copy_of_003_keeps_its_real_error():
    # The bare page number 「6」 sits in the very row whose total is wrong (183 for 182):
    # the page number is dropped, the 183 kept, and the check still localises it.
    report = _report(page_break("003"))
    assert report.table3.rows["unavailable_not_held"] == [171, 11, 0, 0, 0, 0, 183]
    [placed] = [f for f in report.findings if f.rule == "PARSE-RECOVERED"]
    assert "去掉「6」" in placed.message and "保留原数字" in placed.message
    assert [(f.row, f.column) for f in check_report(report) if f.rule == "LOCALISED"] == [
        ("unavailable_not_held", "total")
    ]


def test_damaged_label_is_quoted_and_placed_by_template_order():
    report = _report(ocr_markdown("003", frozenset({"labels"})))
    quoted = {f.raw: f.row for f in report.findings if f.rule == "PARSE-RECOVERED"}
    assert quoted["4.无正当理由大量反夏申请"] == "unprocessed_excessive"
    assert quoted["2.其他法律行政止公开"] == "denied_prohibited_by_law"
    # 「没有现成」 survives the damage, so the label patterns still name that row.
    assert report.table3.rows["unavailable_needs_creation"] == [0] * 7


def test_label_matching_no_row_is_still_unknown():
    text = ocr_markdown("000", frozenset()).replace("（五）不予处理2.重复申请", "本行内容完全无关的文字")
    report = _report(text)
    assert (
        any(f.rule == "PARSE-ROW-UNKNOWN" for f in report.findings)
        or "unprocessed_duplicate" in report.table3.rows
    )


def test_runs_longer_than_a_cell_survive_the_cell_digit_cap():
    # 表四 of 003 glued is 20 digits, past the 18 a cell may hold: it is carried as chunks
    # and cut as one run (here into two candidate readings, listed).
    from gipr_llm.parse.flat import chunks, joined_run

    run = "17002191710018740011"
    assert joined_run(chunks(run)) == run and len(chunks(run)) == 2
    assert joined_run(["17", "0"]) is None  # two real cells are not one run
    report = _report(flattened(seed_text("003")))
    [glued] = [f for f in report.findings if f.rule == "PARSE-GLUED" and f.table == "table4"]
    assert glued.raw == run and "17、1、0、0、18" in glued.message and "1、7、10、0、18" in glued.message


# --- rows printed with fewer cells than columns (blank cells that left no trace) ----------


def _space_blank_000(**rows: str) -> str:
    """Seed 000 as web innerText with single spaces: every other 表三 row has lost its blank
    organisation cells (tests/web_variants.py), each line here replaced by its label's row."""
    from tests.web_variants import make

    lines = make("space_blank", "000").data.decode("utf-8").split("\n")
    for label, cells in rows.items():
        [index] = [i for i, line in enumerate(lines) if line.startswith(label + " ")]
        lines[index] = f"{label} {cells}"
    return "\n".join(lines)


_NEW = "一、本年新收政府信息公开申请数量"
_GRANTED = "三、本年度办理结果 （一）予以公开"
_SECRET = "（三）不予公开 1.属于国家秘密"
_TOTAL = "（七）总计"


def test_short_row_placed_uniquely_by_the_column_sums_and_balance():
    # 「5 3 8」 could stand in 15 placements that keep its row sum; only 5 under 自然人 and
    # 3 under 商业企业 make the column sums ((七)总计 = 5 3 0 0 0 0 8) and the balance hold.
    report = _report(_space_blank_000(**{_NEW: "5 3 8", _GRANTED: "5 3 8", _TOTAL: "5 3 0 0 0 0 8"}))
    assert report.table3.rows["granted"] == [5, 3, None, None, None, None, 8]
    assert report.table3.rows["new_received"] == [5, 3, None, None, None, None, 8]
    [placed] = [f for f in report.findings if f.rule == "PARSE-RECOVERED" and f.row == "granted"]
    assert placed.fault == "reading" and placed.raw == "5 | 3 | 8"
    assert "15种" in placed.message and "列合计" in placed.message
    blanks = {f.column for f in report.findings if f.rule == "PARSE-CELL-BLANK" and f.row == "granted"}
    assert blanks == {"research", "social_welfare", "legal_service", "other_org"}
    assert not [f for f in report.findings if f.rule == "PARSE-ROW-LENGTH" and f.row == "granted"]
    assert not [f for f in check_report(report) if f.severity == "error"]


def test_short_rows_with_two_equally_valid_placements_stay_null():
    # 「5 5」 twice: one under 自然人 and one under 商业企业, either way round, keeps every sum.
    # Only the 总计 (5 in every placement) is read; the other cells stay unknown.
    report = _report(
        _space_blank_000(**{_NEW: "5 5 10", _GRANTED: "5 5", _SECRET: "5 5", _TOTAL: "5 5 0 0 0 0 10"})
    )
    for row in ("granted", "denied_state_secret"):
        assert report.table3.rows[row] == [None] * 6 + [5], row
        [length] = [f for f in report.findings if f.rule == "PARSE-ROW-LENGTH" and f.row == row]
        assert length.severity == "error" and length.fault == "reading"
        assert "「总计」列为5" in length.message and "5、0、0、0、0、0、5" in length.message
    assert report.table3.rows["new_received"] == [5, 5, None, None, None, None, 10]
    # Unknown cells are never counted as 0: no report error comes of them.
    assert not [f for f in check_report(report) if f.severity == "error" and f.table == "table3"]


def test_short_row_checked_only_by_its_own_row_sum_is_not_placed():
    # A PDF row clipped at the right also loses cells; its row sum alone cannot tell.
    from tests.web_variants import make

    report = _report(make("space_blank", "003").data.decode("utf-8"))
    assert report.table3.rows["granted"] == [None] * 7  # 「31 2 33」: the 183 row blocks the column sums
    assert report.table3.rows["new_received"] == [255, 16, None, None, None, None, 271]


def test_real_error_in_a_fully_printed_row_is_not_hidden_by_a_placement():
    # 003 with single spaces, its wrong row (171 11 … 183 for 182) printed in full: no
    # placement of the short outcome rows can make the 总计 column add up, so none is
    # chosen, and the check still names the cell.
    from tests.web_variants import make

    text = make("space_blank", "003").data.decode("utf-8").replace(" 171 11 183", " 171 11 0 0 0 0 183")
    report = _report(text)
    assert report.table3.rows["unavailable_not_held"] == [171, 11, 0, 0, 0, 0, 183]
    for row in ("granted", "denied_internal_affairs", "unprocessed_duplicate", "other_handling"):
        assert report.table3.rows[row] == [None] * 7, row
    assert [
        (f.row, f.column, f.stated, f.expected) for f in check_report(report) if f.rule == "T3-ROW-SUM"
    ] == [("unavailable_not_held", "total", 183, 182)]


def test_seed_003_real_error_still_localised_in_a_spaced_copy():
    from tests.web_variants import make

    report = _report(make("space1", "003").data.decode("utf-8"))
    assert [(f.row, f.column) for f in check_report(report) if f.rule == "LOCALISED"] == [
        ("unavailable_not_held", "total")
    ]


# 表二 labels as OCR damages them: (clean text, damaged text) in the seed's own copy.
_T2_DAMAGE = {
    "004": [
        ("\n规范性文件", "\n现范性文件"),
        ("其他对外管理服务事项", "其他对外管理服务事"),
        ("\n行政处罚", "\n行政处芇"),
    ],
    "001": [("行政规范性文件", "行政现范性文件"), ("行政强制", "行政强刺")],
}


@pytest.mark.parametrize("seed", sorted(_T2_DAMAGE))
def test_damaged_table2_labels_give_the_clean_cells(seed):
    text = seed_text(seed)
    clean_t2 = _report(text).table2
    for printed, damaged in _T2_DAMAGE[seed]:
        assert printed in text
        text = text.replace(printed, damaged)
    report = _report(text)
    assert report.table2.rows == clean_t2.rows
    assert report.table2.sub_rows == clean_t2.sub_rows
    assert not [f for f in report.findings if f.table == "table2" and f.rule == "PARSE-ROW-UNKNOWN"]
    recovered = {f.row: f for f in report.findings if f.table == "table2" and f.rule == "PARSE-RECOVERED"}
    damaged_rows = {
        "004": {"normative_documents", "other_services", "punishment"},
        "001": {"normative_documents", "coercion"},
    }
    assert recovered.keys() == damaged_rows[seed]
    assert all(f.fault == "reading" and f.severity == "warning" for f in recovered.values())
    if seed == "004":
        assert "「现范性文件」" in recovered["normative_documents"].message
        # The sub-row's name is cut from the damaged label; the header words before
        # 「行政处芇」 are not quoted as its label.
        assert recovered["other_services"].raw == "其他对外管理服务事行政检查"
        assert "「行政处芇」" in recovered["punishment"].message


def test_table2_label_matching_no_row_is_still_unknown():
    text = seed_text("001").replace("行政强制", "本行内容完全无关的文字")
    report = _report(text)
    [unknown] = [f for f in report.findings if f.table == "table2" and f.rule == "PARSE-ROW-UNKNOWN"]
    assert "本行内容完全无关的文字" in unknown.message
    assert "coercion" not in report.table2.rows
    assert not [f for f in report.findings if f.table == "table2" and f.rule == "PARSE-RECOVERED"]


def test_table2_sub_row_names_are_not_taken_for_damaged_main_rows():
    # 004's 「行政检查」/「行政确认」 sub-rows sit where no main row is missing: they stay sub-rows.
    report = _report(seed_text("004"))
    assert set(report.table2.sub_rows["other_services"]) == {"行政检查", "行政确认"}
    assert not [f for f in report.findings if f.table == "table2" and f.rule == "PARSE-RECOVERED"]


_T4_003 = "17 0 0 2 19 17 1 0 0 18 7 4 0 0 11"  # seed 003's 表四 as the spaced copy prints it


def _space_blank_003_t4(cells: str):
    from tests.web_variants import make

    text = make("space_blank", "003").data.decode("utf-8")
    assert text.count(_T4_003) == 1
    return _report(text.replace(_T4_003, cells))


def test_short_table4_placed_when_the_group_sums_allow_one_reading():
    # 14 numbers: 「3 0 0 0 3」 must be 行政复议 (no shorter head keeps its sum); the nine
    # zeros left fill the ten 诉讼 cells in ten ways that differ only on which cell is blank.
    report = _space_blank_003_t4("3 0 0 0 3 0 0 0 0 0 0 0 0 0")
    assert report.table4.rows["review"] == {"upheld": 3, "corrected": 0, "other": 0, "pending": 0, "total": 3}
    for group in ("litigation_direct", "litigation_after_review"):
        assert set(report.table4.rows[group].values()) == {None}
    [placed] = [f for f in report.findings if f.table == "table4" and f.rule == "PARSE-RECOVERED"]
    assert placed.fault == "reading" and "表四分组合计" in placed.message and "10种排列" in placed.message
    blanks = {
        (f.row, f.column) for f in report.findings if f.table == "table4" and f.rule == "PARSE-CELL-BLANK"
    }
    assert len(blanks) == 10 and ("litigation_direct", "upheld") in blanks
    assert not [f for f in report.findings if f.table == "table4" and f.rule == "PARSE-ROW-LENGTH"]
    assert not [f for f in check_report(report) if f.table == "table4" and f.severity == "error"]


def test_short_table4_with_nonzero_results_reads_only_the_agreed_totals():
    # 003's 表四 with its zeros left blank: 17 and 2 may stand under any two of the four
    # result columns (6 ways per group, 216 in all), so only the three 总计 are read.
    report = _space_blank_003_t4("17 2 19 17 1 18 7 4 11")
    assert {g: cols["total"] for g, cols in report.table4.rows.items()} == {
        "review": 19,
        "litigation_direct": 18,
        "litigation_after_review": 11,
    }
    assert all(v is None for cols in report.table4.rows.values() for c, v in cols.items() if c != "total")
    [length] = [f for f in report.findings if f.table == "table4" and f.rule == "PARSE-ROW-LENGTH"]
    assert length.severity == "error" and length.fault == "reading" and "216种" in length.message
    assert not [f for f in report.findings if f.table == "table4" and f.rule == "PARSE-RECOVERED"]


def test_short_table4_no_placement_keeps_the_sums_stays_null():
    # The row clipped at the right (its last 0 and 11 lost): no placement keeps 复议后起诉's sum.
    report = _space_blank_003_t4("17 0 0 2 19 17 1 0 0 18 7 4 0")
    assert all(v is None for cols in report.table4.rows.values() for v in cols.values())
    [length] = [f for f in report.findings if f.table == "table4" and f.rule == "PARSE-ROW-LENGTH"]
    assert length.severity == "error" and "无法判断缺少哪一列" in length.message
