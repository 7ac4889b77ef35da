"""Exports of a corpus: an Excel workbook for a 政务公开 office, long-form CSV/Parquet for
researchers, hive-partitioned Parquet for engines past one machine.

The source is a store (``.duckdb``) or the JSON Lines ``gipr extract`` wrote; JSON Lines are
loaded into an in-memory store first, so every export reads the same tables. The workbook
has one sheet per table (a row per body-year, the template's Chinese headers, cells with
error or warning findings filled and commented), a findings sheet and a reports sheet.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gipr_llm.checks.batch import all_findings
from gipr_llm.domain.models import FailedInput
from gipr_llm.domain.spec import (
    T2_COLUMN_LABELS,
    T2_ROW_LABELS,
    T3_COLUMNS,
    T3_ROW_LABELS,
    T4_COLUMNS,
    T4_GROUPS,
    TABLE_LABELS,
    column_label,
    row_label,
)
from gipr_llm.render.json_output import from_json
from gipr_llm.store import Rows, Store, add_failed, add_report

LONG_FORMATS = ("csv", "parquet")
SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
FAULT_LABELS = {"report": "报告填报", "reading": "程序读取", None: ""}
FILLS = {
    "error": PatternFill("solid", fgColor="FFC7CE"),
    "warning": PatternFill("solid", fgColor="FFEB9C"),
}
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

# Column order of each table's sheet: the template's row order, then its column order.
_ROW_ORDER = {
    "table2": list(T2_ROW_LABELS),
    "table3": list(T3_ROW_LABELS),
    "table4": list(T4_GROUPS),
}
_COLUMN_ORDER = {"table2": list(T2_COLUMN_LABELS), "table3": list(T3_COLUMNS), "table4": list(T4_COLUMNS)}
_FIXED = [
    ("机关", "body"),
    ("年度", "year"),
    ("省份", "province"),
    ("模板", "template"),
    ("文件", "source_path"),
]


class ExportError(Exception):
    """A source or target the export cannot use; ``str(err)`` is a one-line reason."""


# --- sources ----------------------------------------------------------------------------


def open_source(path: Path) -> Store:
    """A store to export from: the DuckDB file itself (read only), or JSON Lines loaded into memory."""
    if not path.exists():
        raise ExportError(f"{path}: 文件不存在 (no such file)")
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        store = Store.open(":memory:")
        store.write(_rows_from_jsonl(path))
        return store
    try:
        return Store.open(path, read_only=True)
    except Exception as problem:  # duckdb raises its own IOException for a non-database file
        raise ExportError(f"{path}: 不是 gipr 语料库（.duckdb）或 JSON Lines 文件：{problem}") from None


def _rows_from_jsonl(path: Path) -> Rows:
    rows = Rows()
    version = f"jsonl:{path.name}"
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError:
                raise ExportError(
                    f"{path}:{number}: 不是 JSON Lines（每行一个对象），请用 gipr extract -o x.jsonl 生成"
                ) from None
            item = from_json(data)
            if isinstance(item, FailedInput):
                add_failed(rows, item, None, version)
            else:
                add_report(rows, item, all_findings(item), version)
    return rows


# --- long form --------------------------------------------------------------------------

_LONG_QUERIES = {
    "cells": "SELECT * FROM cells_by_report",
    "facts": "SELECT r.body, r.printed_body, r.province, r.year, r.source_path, f.* FROM facts f JOIN reports r USING (report_id)",
    "findings": "SELECT r.body, r.printed_body, r.province, r.year, r.source_path, f.* FROM findings f JOIN reports r USING (report_id)",
    "reports": "SELECT * FROM reports",
}


def export_long(store: Store, output: Path, fmt: str) -> None:
    """Cells in long form (one row per cell, with the report's body, year, province) to one file."""
    _copy(store, _LONG_QUERIES["cells"] + " ORDER BY body, year, source_path, table_name", output, fmt)


# Writers for the output-format registry (render/formats.py): ``out`` is the atomic temporary
# file it opened. DuckDB writes to a path of its own, whose bytes are then copied into ``out``.


def write_xlsx(store: Store, out: IO[bytes], path: Path | None) -> None:
    export_xlsx(store, out)


def write_csv(store: Store, out: IO[bytes], path: Path | None) -> None:
    _long_into(store, out, "csv")


def write_parquet(store: Store, out: IO[bytes], path: Path | None) -> None:
    _long_into(store, out, "parquet")


def _long_into(store: Store, out: IO[bytes], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        part = Path(tmp) / f"cells.{fmt}"
        export_long(store, part, fmt)
        with part.open("rb") as data:
            shutil.copyfileobj(data, out)


def export_hive(store: Store, directory: Path, part: str = "part") -> list[Path]:
    """cells/, facts/, findings/, reports/ under ``directory``, each hive-partitioned by year and
    province (``year=2021/province=北京市/{part}_0.parquet``) for DuckDB, Spark or Trino to read as
    is. Files are named after ``part`` (the store's name), so several stores' parts can share the
    directory and a second export of one store replaces its own files."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, query in _LONG_QUERIES.items():
        target = directory / name
        store.con.execute(
            f"COPY ({query}) TO '{_quote(target)}' (FORMAT parquet, PARTITION_BY (year, province), OVERWRITE_OR_IGNORE,"
            f" FILENAME_PATTERN '{_quote(Path(part))}_{{i}}')"
        )
        out.append(target)
    return out


# In CSV a value is written as the report printed it (271, 79.15), not as DECIMAL text (271.0000).
_CSV_VALUE = "CASE WHEN value = trunc(value) THEN CAST(value AS BIGINT)::VARCHAR ELSE CAST(CAST(value AS DOUBLE) AS VARCHAR) END"


def _copy(store: Store, query: str, output: Path, fmt: str) -> None:
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER"
    if fmt == "csv":
        query = f"SELECT * REPLACE ({_CSV_VALUE} AS value) FROM ({query})"
    store.con.execute(f"COPY ({query}) TO '{_quote(output)}' ({options})")


def _quote(path: Path) -> str:
    return str(path).replace("'", "''")


# --- workbook ---------------------------------------------------------------------------


def export_xlsx(store: Store, output: Path | IO[bytes]) -> None:
    """The workbook: 表二/表三/表四 (a row per report), 发现 (findings), 报告 (every input)."""
    wb = Workbook(write_only=True)
    for table in ("table2", "table3", "table4"):
        _table_sheet(wb, store, table)
    _findings_sheet(wb, store)
    _reports_sheet(wb, store)
    wb.save(output)


def _table_sheet(wb: Workbook, store: Store, table: str) -> None:
    ws = wb.create_sheet(TABLE_LABELS[table])
    columns = _cell_columns(store, table)
    # Two header rows: the template's row label over the first of its columns, then the column label.
    first, second, previous = [], [], None
    for name, _ in _FIXED:
        first.append(_header(ws, name))
        second.append(None)
    for row, row_text, _, column_text in columns:
        first.append(_header(ws, row_text) if row != previous else None)
        second.append(_header(ws, column_text))
        previous = row
    longest_body = store.con.execute("SELECT max(length(body)) FROM reports").fetchone()[0] or 5
    widths = [max(2 * longest_body, 10), 6, 14, 6, 24] + [max(6, _width(c[3])) for c in columns]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(width + 2, 50)
    ws.freeze_panes = f"{get_column_letter(len(_FIXED) + 1)}3"
    ws.append(first)
    ws.append(second)
    # DuckDB gathers each report's cells as (column index, value) lists (numbers as DOUBLE,
    # Excel's own type); Python lays them out, and touches only the few cells that carry a
    # finding or say 不适用.
    first_cell = len(_FIXED) + 1  # after report_id (fetched, not written) and the fixed columns
    index = {(row, col): first_cell + i for i, (row, _, col, _) in enumerate(columns)}
    special = _special_cells(store, table)  # before the main query: a new query ends a pending result
    layout = pa.table(
        {
            "row_key": [c[0] for c in columns],
            "column_key": [c[2] for c in columns],
            "idx": list(range(first_cell, first_cell + len(columns))),
        }
    )
    store.con.register("sheet_layout", layout)
    result = store.con.execute(
        "SELECT r.report_id, r.body, r.year, r.province, r.template, r.source_path, w.idx, w.vals"
        " FROM reports r LEFT JOIN ("
        "   SELECT c.report_id, list(l.idx) AS idx, list(c.value::DOUBLE) AS vals"
        "   FROM cells c JOIN sheet_layout l USING (row_key, column_key)"
        "   WHERE c.table_name = $1 GROUP BY c.report_id) w USING (report_id)"
        " WHERE r.status = 'ok' ORDER BY r.body NULLS LAST, r.year NULLS LAST, r.source_path",
        [table],
    )
    while chunk := result.fetchmany(5_000):
        for report_id, *fixed, positions, values in chunk:
            out: list[object] = [report_id, *fixed] + [None] * len(columns)
            for i, value in zip(positions or (), values or (), strict=True):
                out[i] = value
            cells = special.get(report_id)
            if not cells:
                ws.append(out[1:])
                continue
            for (row, column), (text, mark) in cells.items():
                if column is None:  # a row-level finding marks every cell of its row
                    for j in (j for (r, _), j in index.items() if r == row):
                        out[j] = _marked(ws, out[j], mark)
                    continue
                i = index.get((row, column))
                if i is not None:
                    value = text if text is not None else out[i]
                    out[i] = _marked(ws, value, mark) if mark else value
            ws.append(out[1:])
    store.con.unregister("sheet_layout")


def _special_cells(store: Store, table: str) -> dict[str, dict[tuple, tuple[str | None, tuple | None]]]:
    """report -> (row, column; None for the whole row) -> (text shown instead, finding mark)."""
    out: dict[str, dict[tuple, tuple[str | None, tuple | None]]] = defaultdict(dict)
    for report_id, row, column in store.con.execute(
        "SELECT report_id, row_key, column_key FROM cells WHERE table_name = ? AND state = 'not_applicable'",
        [table],
    ).fetchall():
        out[report_id][(row, column)] = ("不适用", None)
    for (report_id, row, column), mark in _cell_marks(store, table).items():
        text, _ = out[report_id].get((row, column), (None, None))
        out[report_id][(row, column)] = (text, mark)
    return out


def _cell_columns(store: Store, table: str) -> list[tuple[str, str, str, str]]:
    """(row key, row label, column key, column label) of every cell the corpus has, in template order."""
    found = store.con.execute(
        "SELECT DISTINCT row_key, row_label, column_key, column_label FROM cells WHERE table_name = ?",
        [table],
    ).fetchall()
    rows, cols = _ROW_ORDER[table], _COLUMN_ORDER[table]

    def order(item: tuple[str, str, str, str]) -> tuple:
        row, _, column, _ = item
        base = row.split(".", 1)[0]  # a 表二 sub-row sorts after its parent row
        return (
            rows.index(base) if base in rows else len(rows),
            row,
            cols.index(column) if column in cols else len(cols),
        )

    return sorted(found, key=order)


def _cell_marks(store: Store, table: str) -> dict[tuple, tuple[str, str]]:
    """(report, row, column or None for the whole row) -> (worst severity, the messages)."""
    marks: dict[tuple, list[tuple[str, str]]] = defaultdict(list)
    for report_id, row, column, severity, rule, message in store.con.execute(
        "SELECT report_id, row_key, column_key, severity, rule, message FROM findings"
        " WHERE table_name = ? AND row_key IS NOT NULL AND severity IN ('error', 'warning') ORDER BY report_id, seq",
        [table],
    ).fetchall():
        marks[(report_id, row, column)].append((severity, f"{SEVERITY_LABELS[severity]}〔{rule}〕{message}"))
    return {
        key: ("error" if any(s == "error" for s, _ in items) else "warning", "\n".join(m for _, m in items))
        for key, items in marks.items()
    }


def _marked(ws, value: object, mark: tuple[str, str]) -> WriteOnlyCell:
    severity, text = mark
    cell = WriteOnlyCell(ws, value)
    cell.fill = FILLS[severity]
    comment = Comment(text, "gipr")
    comment.width, comment.height = 320, 120
    cell.comment = comment
    return cell


def _header(ws, text: str | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, text)
    cell.font = BOLD
    return cell


def _width(text: str | None) -> int:
    """Display width: a Chinese character takes two columns."""
    if not text:
        return 0
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _simple_sheet(
    wb: Workbook, title: str, headers: list[str], widths: list[int], rows: Iterator[tuple]
) -> None:
    ws = wb.create_sheet(title)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.append([_header(ws, h) for h in headers])
    for row in rows:
        ws.append(list(row))


def _findings_sheet(wb: Workbook, store: Store) -> None:
    result = store.con.execute(
        "SELECT r.body, r.year, r.source_path, f.rule, f.severity, f.fault, f.table_name, f.row_key, f.column_key,"
        " f.message, f.likely_fix FROM findings f JOIN reports r USING (report_id)"
        " ORDER BY r.body NULLS LAST, r.year NULLS LAST, r.source_path, f.seq"
    )

    def rows() -> Iterator[tuple]:
        while chunk := result.fetchmany(20_000):
            for body, year, path, rule, severity, fault, table, row, column, message, fix in chunk:
                yield (
                    body, year, path, rule, SEVERITY_LABELS.get(severity, severity), FAULT_LABELS.get(fault, fault),
                    TABLE_LABELS.get(table or "", table), row_label(table or "", row),
                    column_label(table or "", column), message, fix,
                )  # fmt: skip

    headers = ["机关", "年度", "文件", "规则", "严重程度", "问题在于", "表", "行", "列", "说明", "建议修正"]
    _simple_sheet(wb, "发现", headers, [30, 8, 24, 18, 10, 10, 6, 36, 14, 80, 30], rows())


def _reports_sheet(wb: Workbook, store: Store) -> None:
    result = store.con.execute(
        "SELECT source_path, CASE status WHEN 'ok' THEN '已读取' ELSE '读取失败' END, body, printed_body, year,"
        " template, errors, warnings, extractor, model, error FROM reports ORDER BY source_path"
    ).fetchall()
    headers = [
        "文件",
        "状态",
        "机关",
        "报告所印机关",
        "年度",
        "模板",
        "错误",
        "警告",
        "叙述抽取",
        "模型",
        "失败原因",
    ]
    _simple_sheet(wb, "报告", headers, [30, 10, 30, 30, 8, 8, 8, 8, 10, 14, 60], iter(result))
