"""The arithmetic rules as linear equations over table cells, and the finding helper.

Every 勾稽关系 is written as ``sum(coefficient * cell) == 0`` with coefficients ±1, so one
evaluator serves all rules and the localiser can ask, for any cell, which value would make
every equation it takes part in hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from gipr_llm.domain import spec
from gipr_llm.domain.models import Finding, Severity

# (table, row key, column key); for 表四 the row is the group (review, litigation_direct, …).
CellKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Equation:
    """One instance of a rule: ``sum(coef * value) == 0`` over ``terms``."""

    rule: str
    table: str
    row: str | None  # the row the instance is about (T3-ROW-SUM), or the 表四 group
    column: str | None  # the column the instance is about (T3-BALANCE, T3-OUTCOME-SUM)
    terms: tuple[tuple[CellKey, int], ...]
    stated: CellKey  # the cell that holds the printed total

    def cells(self) -> tuple[CellKey, ...]:
        return tuple(cell for cell, _ in self.terms)

    def coefficient(self, cell: CellKey) -> int:
        return next(coef for c, coef in self.terms if c == cell)


@dataclass(slots=True)
class Grid:
    """Cell values of the tables being checked.

    ``values`` holds every cell present in a table; None is a blank (counted as 0 by the
    arithmetic). ``unknown`` cells (unreadable, missing row) and ``unreported`` cells (blank in
    a column the report did not fill at all) make every equation that uses them unevaluable.
    """

    values: dict[CellKey, int | None] = field(default_factory=dict)
    unknown: set[CellKey] = field(default_factory=set)
    unreported: set[CellKey] = field(default_factory=set)

    def readable(self, cell: CellKey) -> bool:
        return cell in self.values and cell not in self.unknown and cell not in self.unreported

    def value(self, cell: CellKey) -> int:
        return self.values.get(cell) or 0

    def residual(self, eq: Equation, override: dict[CellKey, int] | None = None) -> int | None:
        """``sum(coef * value)``; None when a cell of the equation cannot be used."""
        if not all(self.readable(cell) for cell in eq.cells()):
            return None
        total = 0
        for cell, coef in eq.terms:
            value = override[cell] if override and cell in override else self.value(cell)
            total += coef * value
        return total


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
