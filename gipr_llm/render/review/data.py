"""What the review page shows, as plain JSON: each report's status, its tables, the state of
every cell a finding touches, and the template's layout (row and column headers in order).

The page (``page.html`` + ``review.js``) only lays this out; every decision about whose
fault a finding is and what a cell's state is happens here, in Python, where it is tested.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from gipr_llm.checks.batch import CheckedReport, CheckRun
from gipr_llm.domain import spec
from gipr_llm.domain.models import FailedInput, Finding
from gipr_llm.domain.rules import LOCALISING_RULES, RULES, rule

Status = Literal["report", "reading", "failed", "clean"]
STATUS_ORDER: tuple[Status, ...] = ("report", "failed", "reading", "clean")  # send-back first
STATUS_LABELS: dict[str, str] = {
    "report": "有填报错误",
    "failed": "未能读取",
    "reading": "仅有读取问题",
    "clean": "未发现问题",
}

# Cell states, most important first: a cell touched by several findings shows the first.
CELL_STATES: tuple[str, ...] = ("error", "mismatch", "unreadable", "recovered", "blank", "na")
CELL_STATE_LABELS: dict[str, str] = {
    "error": "填报错误",
    "mismatch": "勾稽不符",
    "unreadable": "无法识别",
    "recovered": "推算恢复",
    "blank": "空白",
    "na": "不适用",
}
# Rules that name the wrong cell itself (and its likely value), not just a broken sum.
_LOCALISING = LOCALISING_RULES
_PARSE_STATE = {
    "PARSE-CELL-BLANK": "blank",
    "PARSE-CELL-NA": "na",
    "PARSE-CELL-UNREADABLE": "unreadable",
    "PARSE-CELL-UNALIGNED": "unreadable",
    "PARSE-RECOVERED": "recovered",
}


def finding_fault(f: Finding) -> str | None:
    """Whose fault a finding is: its own ``fault`` when the stage set it, else its rule's
    (the rule registry, ``domain/rules.py``)."""
    return f.fault if f.fault is not None else rule(f.rule).fault


def report_status(findings: Iterable[Finding]) -> Status:
    faults = [(finding_fault(f), f) for f in findings]
    if any(fault == "report" and f.severity != "info" for fault, f in faults):
        return "report"
    if any(fault == "reading" for fault, _ in faults):
        return "reading"
    return "clean"


def _cell_key(table: str, row: str, column: str) -> str:
    return f"{table}.{row}.{column}"


def _table_rows_and_columns(table: str) -> tuple[set[str], set[str]]:
    if table == "table3":
        return set(spec.T3_ROW_LABELS), set(spec.T3_COLUMNS)
    if table == "table4":
        return set(spec.T4_GROUPS), set(spec.T4_COLUMNS)
    columns = {c for rows in spec.T2_COLUMNS.values() for cols in rows.values() for c in cols}
    return set(spec.T2_ROW_LABELS), columns


def finding_cells(f: Finding) -> list[str]:
    """Every cell a finding is about: its own, the other of a swap, and the cells its sum used.

    A whole-column swap (no row) names every row of both columns as ``table3.*.column``.
    """
    if f.table not in spec.TABLE_LABELS:
        return []
    rows, columns = _table_rows_and_columns(f.table)
    out: list[str] = []
    fix = f.likely_fix or {}
    pairs = [(f.row, f.column), (fix.get("other_row", f.row), fix.get("other_column"))]
    for row, column in pairs:
        if column is None:
            continue
        out.append(_cell_key(f.table, str(row) if row else "*", str(column)))
    for key in f.values or {}:
        row, _, column = key.partition(".")
        if row in rows and column in columns:
            out.append(_cell_key(f.table, row, column))
    return list(dict.fromkeys(out))


def _own_cell(f: Finding) -> str | None:
    return _cell_key(f.table, f.row, f.column) if f.table and f.row and f.column else None


def cell_states(findings: list[Finding]) -> dict[str, dict[str, Any]]:
    """State of each cell a finding names as its own: error (with the likely value),
    mismatch (a broken sum shows here), unreadable / recovered / blank / na (with raw text)."""
    cells: dict[str, dict[str, Any]] = {}

    def mark(key: str, state: str, index: int, **extra: Any) -> None:
        cell = cells.setdefault(key, {"state": state, "findings": []})
        if cell["state"] is None or CELL_STATES.index(state) < CELL_STATES.index(cell["state"]):
            cell["state"] = state
        cell["findings"].append(index)
        for name, value in extra.items():
            if value is not None:
                cell.setdefault(name, value)

    localised = {
        _cell_key(f.table, str((f.likely_fix or {}).get("row", f.row)), str((f.likely_fix or {}).get("column", f.column)))
        for f in findings
        if f.rule in _LOCALISING and f.table
    }
    for index, f in enumerate(findings):
        fix = f.likely_fix or {}
        if f.rule in _LOCALISING and f.table:
            if f.rule == "LOCALISED-SWAP" and not fix.get("row"):
                continue  # a whole-column swap: shown on the columns when the finding is chosen
            own = _cell_key(f.table, str(fix.get("row", f.row)), str(fix.get("column", f.column)))
            mark(own, "error", index, likely=_number(fix.get("likely")), stated=_number(fix.get("stated")))
            if fix.get("other_row") and fix.get("other_column"):
                other = _cell_key(f.table, str(fix["other_row"]), str(fix["other_column"]))
                mark(other, "error", index, likely=_number(fix.get("stated")), stated=_number(fix.get("likely")))
            continue
        own = _own_cell(f)
        if own is None:
            continue
        if f.rule in _PARSE_STATE:
            mark(own, _PARSE_STATE[f.rule], index, raw=f.raw, how=f.message if f.rule == "PARSE-RECOVERED" else None)
        elif f.rule == "CELL-IMPLIED":
            mark(own, "unreadable", index, implied=_number(fix.get("likely")))
        elif finding_fault(f) == "report" and f.severity == "error" and not localised & set(finding_cells(f)):
            # A broken sum that a localised cell explains shows on that cell, not here.
            mark(own, "mismatch", index, expected=_number(f.expected), stated=_number(f.stated))
        else:
            cells.setdefault(own, {"state": None, "findings": []})["findings"].append(index)
    return cells


def row_findings(findings: list[Finding]) -> dict[str, list[int]]:
    """Findings about a whole row (a short row, a row not read), keyed ``table.row``: the page
    shows a cell of such a row that has no value as unreadable, with these findings."""
    rows: dict[str, list[int]] = {}
    for index, f in enumerate(findings):
        if f.table and f.row and not f.column:
            rows.setdefault(f"{f.table}.{f.row}", []).append(index)
    return rows


def _number(value: Any) -> Any:
    """Decimals as strings (exact), everything else as is."""
    return value if value is None or isinstance(value, int | str) else str(value)


def _finding_json(f: Finding) -> dict[str, Any]:
    # ``values`` are shown through ``cells`` (which cells a finding is about) and the message
    data = f.model_dump(mode="json", exclude_none=True, exclude={"values"})
    data["fault"] = finding_fault(f)
    data["rule_name"] = rule(f.rule).name
    data["cells"] = finding_cells(f)
    return data


def report_json(item: CheckedReport) -> dict[str, Any]:
    report = item.report
    meta = report.meta
    findings = item.findings
    return {
        "path": item.path,
        "file": Path(item.path).name,
        "status": report_status(findings),
        "agency": meta.agency,
        "body": getattr(meta, "body_key", None) or meta.agency,
        "year": meta.year,
        "template": meta.template,
        "format": report.source.format,
        "converted": report.source.converted,
        "table2": report.table2.model_dump(mode="json") if report.table2 else None,
        "table3": report.table3.model_dump(mode="json") if report.table3 else None,
        "table4": report.table4.model_dump(mode="json") if report.table4 else None,
        "narrative": report.narrative,
        "facts": report.facts.model_dump(mode="json", exclude_none=True),
        "extractor": report.extraction.extractor,
        "findings": [_finding_json(f) for f in findings],
        "cells": cell_states(findings),
        "rows": row_findings(findings),
    }


def failed_json(item: FailedInput) -> dict[str, Any]:
    return {
        "path": item.path,
        "file": Path(item.path).name,
        "status": "failed",
        "reason": item.error,
        "agency": None,
        "body": None,
        "year": None,
        "template": None,
        "findings": [],
        "cells": {},
    }


def _send_back_order(entry: dict[str, Any]) -> tuple:
    errors = sum(f.get("fault") == "report" and f["severity"] != "info" for f in entry["findings"])
    return (STATUS_ORDER.index(entry["status"]), -errors, entry["body"] or "", entry["path"])


def layout() -> dict[str, Any]:
    """The template's headers in order, as the page lays them out."""
    t2 = {}
    for template, rows in spec.T2_COLUMNS.items():
        t2[template] = [{"row": row, "label": spec.T2_ROW_LABELS[row], "columns": list(cols)} for row, cols in rows.items()]
    return {
        "table2": t2,
        "table2_columns": spec.T2_COLUMN_LABELS,
        "table3_rows": {tpl: [{"row": r, "parts": _t3_label_parts(r)} for r in rows] for tpl, rows in spec.T3_ROWS.items()},
        "table3_columns": [{"column": c, "label": spec.T3_COLUMN_LABELS[c]} for c in spec.T3_COLUMNS],
        "table4_groups": [{"group": g, "label": spec.T4_GROUP_LABELS[g]} for g in spec.T4_GROUPS],
        "table4_columns": [{"column": c, "label": spec.T4_COLUMN_LABELS[c]} for c in spec.T4_COLUMNS],
        "table_labels": spec.TABLE_LABELS,
        "section_labels": spec.SECTION_LABELS,
        "status_labels": STATUS_LABELS,
        "status_order": list(STATUS_ORDER),
        "cell_state_labels": CELL_STATE_LABELS,
        "rule_names": {rule_id: row.name for rule_id, row in RULES.items()},
    }


_T3_OUTCOMES_HEADING = "三、本年度办理结果"


def _t3_label_parts(row: str) -> list[str]:
    """The official 表三's label columns for a row: [section, group, item] (fewer when merged).

    Rows 一/二/四 span all label columns; outcome rows sit under 三、本年度办理结果, split into
    their group （三）不予公开 and item 1.属于国家秘密 where the template has both.
    """
    label = spec.T3_ROW_LABELS[row]
    if row in ("new_received", "carried_over", "carried_forward"):
        return [label]
    group, _, item = label.partition(" ")
    return [_T3_OUTCOMES_HEADING, group, item] if item else [_T3_OUTCOMES_HEADING, group]


def review_data(run: CheckRun) -> dict[str, Any]:
    """Everything the page shows, sorted so the reports to send back come first."""
    entries = [report_json(item) for item in run.reports] + [failed_json(item) for item in run.failed]
    entries.sort(key=_send_back_order)
    for index, entry in enumerate(entries):
        entry["id"] = index
        entry["n_report"] = sum(f.get("fault") == "report" and f["severity"] != "info" for f in entry["findings"])
        entry["n_reading"] = sum(f.get("fault") == "reading" for f in entry["findings"])
        entry["rules"] = sorted({f["rule"] for f in entry["findings"]})
    return {"layout": layout(), "reports": entries}


# What the list needs of every report at once; the rest of a report is parsed when it is shown.
SUMMARY_FIELDS = ("id", "path", "file", "status", "reason", "agency", "body", "year", "template",
                  "n_report", "n_reading", "rules")  # fmt: skip


def split_summary(entry: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the list's fields, the rest) of one report entry."""
    summary = {k: entry[k] for k in SUMMARY_FIELDS if entry.get(k) is not None}
    return summary, {k: v for k, v in entry.items() if k not in SUMMARY_FIELDS}
