"""The template's arithmetic (勾稽关系) as data: linear equations over table cells.

Every rule is written as ``sum(coefficient * cell) == 0`` with coefficients ±1, so one
evaluator serves all rules: the check stage turns broken equations into findings and
localises them; the parse stage uses the same equations to choose between readings of an
ambiguous layout.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gipr_llm.domain import spec
from gipr_llm.domain.models import Table3, Table4

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


T3_PARTS = spec.T3_COLUMNS[:-1]  # the six applicant columns summed into 总计
T4_PARTS = spec.T4_COLUMNS[:-1]


def table3_template(table3: Table3) -> str | None:
    """The template of 表三, from the table itself when the parser could not tell."""
    if table3.template:
        return table3.template
    rows = table3.rows.keys()
    if {"other_no_correction", "other_no_fee", "other_other"} & rows:
        return "2021"
    if "other_handling" in rows:
        return "2019"
    return None


def table3_outcome_rows(table3: Table3) -> tuple[str, ...]:
    # Unknown template: the 2019 list names other_handling, which is then missing, so the
    # outcome sums are skipped rather than computed over an incomplete set of rows.
    return spec.T3_OUTCOME_ROWS[table3_template(table3) or "2019"]


def table3_rows(table3: Table3) -> tuple[str, ...]:
    return spec.T3_ROWS[table3_template(table3) or "2019"]


def build_grid(table3: Table3 | None, table4: Table4 | None, unknown: Iterable[CellKey] = ()) -> Grid:
    grid = Grid(unknown=set(unknown))
    if table3 is not None:
        for row, values in table3.rows.items():
            if len(values) != len(spec.T3_COLUMNS):
                grid.unknown.update(("table3", row, c) for c in spec.T3_COLUMNS)
                continue
            for column, value in zip(spec.T3_COLUMNS, values, strict=True):
                grid.values[("table3", row, column)] = value
    if table4 is not None:
        for group, values in table4.rows.items():
            for column in spec.T4_COLUMNS:
                if column in values:
                    grid.values[("table4", group, column)] = values[column]
    return grid


def table3_equations(table3: Table3) -> list[Equation]:
    eqs: list[Equation] = []

    def cell(row: str, column: str) -> CellKey:
        return ("table3", row, column)

    for column in spec.T3_COLUMNS:
        eqs.append(
            Equation(
                "T3-BALANCE",
                "table3",
                None,
                column,
                (
                    (cell("new_received", column), 1),
                    (cell("carried_over", column), 1),
                    (cell("total_processed", column), -1),
                    (cell("carried_forward", column), -1),
                ),
                cell("total_processed", column),
            )
        )
    for row in table3_rows(table3):
        terms = ((cell(row, "total"), 1), *((cell(row, c), -1) for c in T3_PARTS))
        eqs.append(Equation("T3-ROW-SUM", "table3", row, "total", terms, cell(row, "total")))
    outcome = table3_outcome_rows(table3)
    for column in spec.T3_COLUMNS:
        terms = ((cell("total_processed", column), 1), *((cell(r, column), -1) for r in outcome))
        eqs.append(
            Equation(
                "T3-OUTCOME-SUM", "table3", "total_processed", column, terms, cell("total_processed", column)
            )
        )
    return eqs


def table4_equations() -> list[Equation]:
    eqs = []
    for group in spec.T4_GROUPS:
        total = ("table4", group, "total")
        terms = ((total, 1), *((("table4", group, c), -1) for c in T4_PARTS))
        eqs.append(Equation("T4-SUM", "table4", group, "total", terms, total))
    return eqs
