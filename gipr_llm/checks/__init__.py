"""Reconcile/check stage: the 勾稽关系 a 政务公开 office checks before a report is published.

- ``check_tables`` — TABLE-ROWS, T3-BALANCE, T3-ROW-SUM, T3-OUTCOME-SUM, T4-SUM, NON-NEGATIVE,
  NOT-REPORTED and localisation (LOCALISED, BLANK-IMPLIED, LOCALISED-SWAP, UNLOCALISED); a pure function
  of the tables.
- ``check_report`` — everything for one report: the above, template compliance
  (TEMPLATE-OUTDATED, SECTION-MISSING, TABLE-MISSING) and NARRATIVE-TABLE.
- ``check_year_chain`` — YEAR-CHAIN across consecutive years of the same body.
- ``resolve_body_years`` (``checks.body_years``) — one report per body-year in a batch:
  BATCH-DUPLICATE (copies counted once), BODY-YEAR-CONFLICT (rival reports).

Every finding has ``stage="check"``.
"""

from __future__ import annotations

from gipr_llm.checks.arithmetic import check_tables
from gipr_llm.checks.compliance import check_compliance
from gipr_llm.checks.narrative_table import check_narrative_table
from gipr_llm.checks.year_chain import check_year_chain, year_chain_by_report
from gipr_llm.domain import spec
from gipr_llm.domain.arithmetic import CellKey
from gipr_llm.domain.models import Finding, Report
from gipr_llm.domain.rules import RULES
from gipr_llm.parse.ocr_findings import CELL_DOUBT

__all__ = [
    "check_report",
    "check_tables",
    "check_year_chain",
    "unknown_cells",
    "year_chain_by_report",
]


# Warnings that leave a cell empty because it could not be read (ink that read as nothing):
# such a cell is unknown, never a blank counted as 0.
_UNREAD_WARNINGS = frozenset({"PARSE-OCR-UNREAD"})
# Parse findings that make an OCR'd row's numbers doubtful: a cell not read as printed, or a
# row whose cells could not be placed.
_OCR_DOUBT = CELL_DOUBT | {"PARSE-ROW-LENGTH"}
# Findings that blame the report for a broken sum: every 勾稽关系 in the registry, and the
# cell the localiser names for it.
_ARITHMETIC = frozenset(r.id for r in RULES.values() if r.group == "arithmetic") | {"LOCALISED", "LOCALISED-SWAP"}


def unknown_cells(report: Report) -> set[CellKey]:
    """Empty cells that a parse error names (unreadable, misaligned, short row): never 0."""
    out: set[CellKey] = set()
    tables = {"table3": report.table3, "table4": report.table4}
    for f in report.findings:
        if f.stage != "parse" or f.table not in tables:
            continue
        if f.severity != "error" and f.rule not in _UNREAD_WARNINGS:
            continue
        table = tables[f.table]
        if table is None:
            continue
        for row, values in _rows(f.table, table):
            if f.row is not None and row != f.row:
                continue
            out.update((f.table, row, col) for col, v in values if v is None and f.column in (None, col))
    return out


def _rows(name: str, table) -> list[tuple[str, list[tuple[str, int | None]]]]:
    if name == "table3":
        return [(row, list(zip(spec.T3_COLUMNS, values, strict=False))) for row, values in table.rows.items()]
    return [(group, list(values.items())) for group, values in table.rows.items()]


def check_report(report: Report) -> list[Finding]:
    """All check-stage findings for one report (not YEAR-CHAIN, which needs several)."""
    findings = check_tables(report.table2, report.table3, report.table4, unknown=unknown_cells(report))
    # The parser reports rows it could not find; do not say it twice, unless the rules can
    # add what the missing row must have held.
    parsed_missing = {(f.table, f.row) for f in report.findings if f.rule == "PARSE-ROW-MISSING"}
    findings = [
        f
        for f in findings
        if not (f.rule == "TABLE-ROWS" and (f.table, f.row) in parsed_missing and f.values is None)
    ]
    if report.source.ocr is not None:
        _doubt_on_ocr_rows(report, findings)
    findings += check_compliance(report)
    findings += check_narrative_table(report)
    return findings


def _doubt_on_ocr_rows(report: Report, findings: list[Finding]) -> None:
    """On an OCR'd copy, a broken sum through a row whose reading is in doubt may be the
    reading's, not the report's: say so, and do not blame the report for it."""
    doubtful = {(f.table, f.row, f.column) for f in report.findings if f.rule in _OCR_DOUBT and f.row}
    if not doubtful:
        return
    for f in findings:
        if f.rule not in _ARITHMETIC or f.fault is not None:
            continue
        cells = [tuple(name.split(".", 1)) for name in (f.values or {})] or [(f.row, f.column)]
        if any(
            (f.table, row, column) in doubtful or (f.table, row, None) in doubtful for row, column in cells
        ):
            f.fault = "reading"
            f.message += "该表为文字识别所得，相关行有识别存疑的单元格，可能是识别错误，请对照原件核对。"

