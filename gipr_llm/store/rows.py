"""A report flattened into the store's rows: cells in long form, facts, findings.

Cell states come from the parse findings about that cell (``PARSE-CELL-BLANK`` → blank,
``PARSE-CELL-NA`` → not_applicable, ``PARSE-CELL-UNREADABLE``/``-UNALIGNED`` → unreadable,
``PARSE-RECOVERED`` → recovered); a cell with a value and none of these is a number. A cell
without a value and without a finding saying why is stored as unreadable, never as 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from gipr_llm.domain.models import FailedInput, Finding, Report, severity_counts
from gipr_llm.domain.spec import T3_COLUMNS, column_label, row_label

CELL_STATE_RULES = {
    "PARSE-CELL-BLANK": "blank",
    "PARSE-CELL-NA": "not_applicable",
    "PARSE-CELL-UNREADABLE": "unreadable",
    "PARSE-CELL-UNALIGNED": "unreadable",
    "PARSE-RECOVERED": "recovered",
}

# Provincial-level units, for partitioning by province when a body's name starts with one.
PROVINCES = [
    "北京市",
    "天津市",
    "上海市",
    "重庆市",
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
    "台湾省",
    "内蒙古自治区",
    "广西壮族自治区",
    "西藏自治区",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "香港特别行政区",
    "澳门特别行政区",
]

REPORT_COLUMNS = [
    "report_id",
    "source_path",
    "sha256",
    "format",
    "encoding",
    "status",
    "error",
    "body",
    "printed_body",
    "province",
    "year",
    "template",
    "extractor",
    "model",
    "prompt_sha256",
    "prompt_tokens",
    "completion_tokens",
    "total_tokens",
    "extraction_version",
    "errors",
    "warnings",
]
CELL_COLUMNS = [
    "report_id",
    "table_name",
    "row_key",
    "row_label",
    "column_key",
    "column_label",
    "value",
    "state",
    "raw",
    "unit",
]
FACT_COLUMNS = ["report_id", "kind", "label", "value", "unit", "approximate", "quote", "extractor"]
FINDING_COLUMNS = [
    "report_id",
    "seq",
    "rule",
    "severity",
    "stage",
    "fault",
    "table_name",
    "row_key",
    "column_key",
    "cell",
    "message",
    "likely_fix",
    "raw",
    "line",
]


@dataclass(slots=True)
class Rows:
    """Rows for each table, accumulated over a batch of reports."""

    reports: list[tuple] = field(default_factory=list)
    cells: list[tuple] = field(default_factory=list)
    facts: list[tuple] = field(default_factory=list)
    findings: list[tuple] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)  # a report (a sha256) is added once per batch

    def __len__(self) -> int:
        return len(self.reports)


def province_of(body: str | None) -> str | None:
    if not body:
        return None
    return next((p for p in PROVINCES if body.startswith(p)), None)


def body_of(report: Report) -> str | None:
    return getattr(report.meta, "body_key", None) or report.meta.agency


def add_report(rows: Rows, report: Report, findings: list[Finding], version: str) -> None:
    """Append one read report's rows; ``findings`` are all of them (parse, narrative, check)."""
    rid = report.source.sha256
    if rid in rows.ids:  # a copy of a file already in this batch: same content, same rows
        return
    rows.ids.add(rid)
    run = report.extraction
    usage = run.usage
    meta = report.meta
    rows.reports.append(
        (
            rid, report.source.path, report.source.sha256, report.source.format, report.source.encoding,
            "ok", None, body_of(report), meta.agency, getattr(meta, "province", None) or province_of(meta.agency),
            meta.year, meta.template, run.extractor, run.model, run.prompt_sha256,
            usage.prompt_tokens if usage else None, usage.completion_tokens if usage else None,
            usage.total_tokens if usage else None, version,
            *severity_counts(findings),
        )
    )  # fmt: skip
    by_cell = {(f.table, f.row, f.column): f for f in findings if f.rule in CELL_STATE_RULES}
    for table, row, label, column, value, unit in _cells(report):
        found = by_cell.get((table, row, column))
        state = CELL_STATE_RULES[found.rule] if found else ("number" if value is not None else "unreadable")
        rows.cells.append(
            (
                rid, table, row, label, column, column_label(table, column),
                _decimal(value), state, found.raw if found else None, unit,
            )
        )  # fmt: skip
    rows.facts.extend((rid, *fact) for fact in _facts(report))
    for seq, f in enumerate(findings):
        cell = f"{f.table}.{f.row}.{f.column}" if f.table and f.row and f.column else None
        fix = json.dumps(f.likely_fix, ensure_ascii=False, default=str) if f.likely_fix else None
        rows.findings.append(
            (
                rid, seq, f.rule, f.severity, f.stage, f.fault, f.table, f.row, f.column, cell,
                f.message, fix, f.raw, f.line,
            )
        )  # fmt: skip


def add_failed(rows: Rows, item: FailedInput, sha256: str | None, version: str) -> None:
    rid = sha256 or f"path:{item.path}"
    if rid in rows.ids:
        return
    rows.ids.add(rid)
    rows.reports.append(
        (rid, item.path, sha256, None, None, "failed", item.error, *([None] * 11), version, None, None)
    )


def _decimal(value: int | Decimal | None) -> int | Decimal | None:
    # Arrow's decimal128 takes ints and Decimals exactly; a float would round.
    return value


def _cells(report: Report) -> Iterator[tuple[str, str, str | None, str, int | Decimal | None, str | None]]:
    """(table, row key, Chinese row label, column key, value, unit) for every cell read."""
    if report.table2:
        units = report.table2.units
        for row, columns in report.table2.rows.items():
            for column, value in columns.items():
                yield "table2", row, row_label("table2", row), column, value, units.get(f"{row}.{column}")
        for row, subs in report.table2.sub_rows.items():
            for label, columns in subs.items():
                for column, value in columns.items():
                    yield "table2", f"{row}.{label}", label, column, value, None
    if report.table3:
        for row, values in report.table3.rows.items():
            for column, value in zip(T3_COLUMNS, values, strict=False):
                yield "table3", row, row_label("table3", row), column, value, None
    if report.table4:
        for group, columns in report.table4.rows.items():
            for column, value in columns.items():
                yield "table4", group, row_label("table4", group), column, value, None


def _facts(report: Report) -> Iterator[tuple]:
    facts = report.facts
    for c in facts.counts:
        approximate = getattr(c, "approximate", None)
        yield c.kind, c.label, _decimal(c.value), c.unit, approximate, c.quote, c.extractor
    for kind, items in (
        ("problem", facts.problems),
        ("measure", facts.measures),
        ("initiative", facts.initiatives),
    ):
        for t in items:
            yield kind, t.text, None, None, None, t.quote, t.extractor
    if facts.fee:
        fee = facts.fee
        label = "collected" if fee.collected else "not_collected"
        yield "fee", label, _decimal(fee.amount_yuan), "元", None, fee.quote, fee.extractor
