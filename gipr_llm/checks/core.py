"""The arithmetic rules as linear equations over table cells, and the finding helper.

Every 勾稽关系 is written as ``sum(coefficient * cell) == 0`` with coefficients ±1, so one
evaluator serves all rules and the localiser can ask, for any cell, which value would make
every equation it takes part in hold.
"""

from __future__ import annotations

from decimal import Decimal

from gipr_llm.domain import spec
from gipr_llm.domain.arithmetic import CellKey
from gipr_llm.domain.models import Finding, Severity


def cell_name(cell: CellKey) -> str:
    """The ``row.column`` key used in ``Finding.values``."""
    return f"{cell[1]}.{cell[2]}"


def cell_label(cell: CellKey) -> str:
    """A cell in reviewer words: 表三「…」行「…」列 / 表四「行政复议」「总计」."""
    table, row, column = cell
    table_label = spec.TABLE_LABELS.get(table, table)
    if table == "table4":
        return f"{table_label}「{spec.row_label(table, row)}」「{spec.column_label(table, column)}」栏"
    return f"{table_label}「{spec.row_label(table, row)}」行「{spec.column_label(table, column)}」列"


def fmt(value: int | Decimal | None) -> str:
    """A number as a reviewer reads it (no Python reprs)."""
    if value is None:
        return "空"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    return str(value)


def make_finding(
    rule: str,
    severity: Severity,
    message: str,
    *,
    table: str | None = None,
    row: str | None = None,
    column: str | None = None,
    row_label: str | None = None,
    column_label: str | None = None,
    **kw,
) -> Finding:
    """A check-stage finding with the Chinese labels of its row and column filled in."""
    if table is not None:
        row_label = row_label or spec.row_label(table, row)
        column_label = column_label or spec.column_label(table, column)
    return Finding(
        rule=rule,
        severity=severity,
        stage="check",
        table=table,
        row=row,
        row_label=row_label,
        column=column,
        column_label=column_label,
        message=message,
        **kw,
    )
