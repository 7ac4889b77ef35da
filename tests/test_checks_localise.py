"""Localisation on real seed tables: one cell, a blank, a swapped pair, a shifted column, or no guess."""

from __future__ import annotations

import pytest

from gipr_llm.checks import check_tables
from gipr_llm.domain.models import Table3, Table4
from gipr_llm.pipeline import extract
from tests.conftest import seed_text
from tests.seed_edits import corrected_003, report_from_text


@pytest.fixture(scope="module")
def clean_003(tmp_path_factory) -> tuple[Table3, Table4]:
    report = report_from_text(tmp_path_factory.mktemp("clean"), corrected_003())
    assert check_tables(None, report.table3, report.table4) == []
    return report.table3, report.table4


def rules(findings) -> list[str]:
    return [f.rule for f in findings]


def test_one_cell_explaining_two_rules_is_named(clean_003):
    t3, t4 = clean_003
    t3 = t3.model_copy(deep=True)
    t3.rows["new_received"][0] = 256  # 自然人 255 -> 256
    findings = check_tables(None, t3, t4)
    assert rules(findings) == ["T3-BALANCE", "T3-ROW-SUM", "LOCALISED"]
    assert findings[-1].likely_fix == {
        "row": "new_received",
        "column": "natural_person",
        "stated": 256,
        "likely": 255,
    }


def test_two_separate_errors_are_each_localised(clean_003):
    t3, t4 = clean_003
    t3 = t3.model_copy(deep=True)
    t3.rows["new_received"][0] = 256
    t3.rows["granted"][1] = 5  # 商业企业 2 -> 5
    fixes = [f.likely_fix for f in check_tables(None, t3, t4) if f.rule == "LOCALISED"]
    assert fixes == [
        {"row": "new_received", "column": "natural_person", "stated": 256, "likely": 255},
        {"row": "granted", "column": "commercial", "stated": 5, "likely": 2},
    ]


def test_equally_possible_cells_are_named_without_a_guess(clean_003):
    # +1 at (予以公开, 自然人) and (部分公开, 商业企业): the crossed pair explains it as well.
    t3, t4 = clean_003
    t3 = t3.model_copy(deep=True)
    t3.rows["granted"][0] += 1
    t3.rows["partially_granted"][1] += 1
    findings = check_tables(None, t3, t4)
    assert "LOCALISED" not in rules(findings)
    unlocalised = [f for f in findings if f.rule == "UNLOCALISED"]
    assert len(unlocalised) == 1 and unlocalised[0].severity == "info"
    message = unlocalised[0].message
    for cell in (
        "「（一）予以公开」行「自然人」列",
        "「（二）部分公开」行「商业企业」列",
        "「（一）予以公开」行「商业企业」列",
    ):
        assert cell in message
    assert "无法确定是哪一格" in message


def test_blank_cell_implied_by_the_others_is_a_warning_not_a_silent_fill(clean_003):
    t3, t4 = clean_003
    t3 = t3.model_copy(deep=True)
    t3.rows["carried_forward"][6] = None
    findings = check_tables(None, t3, t4)
    assert [(f.rule, f.severity) for f in findings] == [("BLANK-IMPLIED", "warning")]
    assert findings[0].likely_fix == {
        "row": "carried_forward",
        "column": "total",
        "stated": None,
        "likely": 34,
    }
    assert t3.rows["carried_forward"][6] is None


def test_blank_that_means_zero_is_no_finding(clean_003):
    t3, t4 = clean_003
    t3 = t3.model_copy(deep=True)
    t3.rows["denied_state_secret"] = [None] * 7
    assert check_tables(None, t3, t4) == []


def test_swapped_pair_in_a_row_from_edited_seed_text(tmp_path):
    text = seed_text("004").replace("(七) 总计\t\t2\t0\t0\t0\t0\t0\t2", "(七) 总计\t\t0\t2\t0\t0\t0\t0\t2")
    report = report_from_text(tmp_path, text)
    findings = check_tables(None, report.table3, report.table4)
    assert sorted(rules(findings)) == [
        "LOCALISED-SWAP",
        "T3-BALANCE",
        "T3-BALANCE",
        "T3-OUTCOME-SUM",
        "T3-OUTCOME-SUM",
    ]
    swap = next(f for f in findings if f.rule == "LOCALISED-SWAP")
    assert swap.likely_fix == {
        "row": "total_processed",
        "column": "natural_person",
        "stated": 0,
        "likely": 2,
        "other_row": "total_processed",
        "other_column": "commercial",
    }
    assert "很可能填反" in swap.message


def test_swapped_pair_in_a_column(clean_003):
    t3, t4 = clean_003
    t3 = t3.model_copy(deep=True)
    t3.rows["granted"][0], t3.rows["partially_granted"][0] = 7, 31
    swap = [f for f in check_tables(None, t3, t4) if f.rule == "LOCALISED-SWAP"]
    assert len(swap) == 1
    assert (swap[0].likely_fix["row"], swap[0].likely_fix["other_row"]) == ("granted", "partially_granted")


def test_swapped_columns_are_recognised_as_a_shift(clean_003):
    t3, t4 = clean_003
    shifted = Table3(
        template=t3.template, rows={row: [v[6], *v[1:6], v[0]] for row, v in t3.rows.items()}
    )  # 自然人 and 总计 exchanged on every row
    findings = check_tables(None, shifted, t4)
    swap = [f for f in findings if f.rule == "LOCALISED-SWAP"]
    assert len(swap) == 1 and swap[0].likely_fix == {"column": "natural_person", "other_column": "total"}
    assert "UNLOCALISED" not in rules(findings)


def test_swapped_cells_in_table4(seed_paths):
    t4 = extract(seed_paths["003"]).table4.model_copy(deep=True)
    review = t4.rows["review"]
    review["upheld"], review["total"] = review["total"], review["upheld"]
    findings = check_tables(None, None, t4)
    assert rules(findings) == ["T4-SUM", "LOCALISED-SWAP"]
    assert findings[1].likely_fix["column"] == "upheld" and findings[1].likely_fix["other_column"] == "total"
