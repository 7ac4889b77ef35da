"""T3-BALANCE, T3-ROW-SUM, T3-OUTCOME-SUM, T4-SUM and NON-NEGATIVE over parsed tables.

Blanks count as 0, except in a column the report left blank on every outcome row: that
column is *not reported*, its rules are skipped and one info finding says so. Cells the
parser could not read, and rows that are missing, are never counted as 0: every rule that
needs them is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from gipr_llm.checks.core import cell_label, cell_name, fmt, make_finding
from gipr_llm.checks.localise import implied_unknowns, localise
from gipr_llm.domain import spec
from gipr_llm.domain.arithmetic import (
    CellKey,
    Equation,
    Grid,
    build_grid,
    table3_equations,
    table3_outcome_rows,
    table3_rows,
    table3_template,
    table4_equations,
)
from gipr_llm.domain.models import Finding, Table2, Table3, Table4
from gipr_llm.domain.rules import rule


def _blank(grid: Grid, cell: CellKey) -> bool:
    return cell in grid.values and grid.values[cell] is None and cell not in grid.unknown


def mark_unreported(grid: Grid, table3: Table3 | None, table4: Table4 | None) -> list[Finding]:
    """Columns (表三) and groups (表四) left blank throughout: mark their blanks, say so once."""
    findings: list[Finding] = []
    if table3 is not None:
        outcome = [r for r in table3_outcome_rows(table3) if r in table3.rows]
        columns = [
            c for c in spec.T3_COLUMNS if outcome and all(_blank(grid, ("table3", r, c)) for r in outcome)
        ]
        for column in columns:
            grid.unreported.update(
                cell for row in table3.rows if _blank(grid, cell := ("table3", row, column))
            )
        if columns:
            names = "".join(f"「{spec.T3_COLUMN_LABELS[c]}」" for c in columns)
            findings.append(
                make_finding(
                    "NOT-REPORTED",
                    "info",
                    f"表三{names}列在各项办理结果行均为空，视为未填报，涉及这些列的勾稽关系未作校验。",
                    table="table3",
                    column=columns[0] if len(columns) == 1 else None,
                )
            )
    if table4 is not None:
        groups = [
            g
            for g in spec.T4_GROUPS
            if g in table4.rows and all(_blank(grid, ("table4", g, c)) for c in spec.T4_COLUMNS)
        ]
        for group in groups:
            grid.unreported.update(("table4", group, c) for c in spec.T4_COLUMNS)
        if groups:
            names = "".join(f"「{spec.T4_GROUP_LABELS[g]}」" for g in groups)
            findings.append(
                make_finding(
                    "NOT-REPORTED",
                    "info",
                    f"表四{names}各栏均为空，视为未填报，相应的合计校验未作。",
                    table="table4",
                    row=groups[0] if len(groups) == 1 else None,
                )
            )
    return findings


def _values(eq: Equation, grid: Grid) -> dict[str, int | None]:
    """Every cell an equation involves, by ``row.column``, as the grid holds it."""
    return {cell_name(c): grid.values.get(c) for c in eq.cells()}


def failure_finding(eq: Equation, grid: Grid, residual: int) -> Finding:
    """The error for one broken equation, with every value it involves."""
    values = _values(eq, grid)
    stated = grid.value(eq.stated)
    expected = stated - residual  # the value of the stated cell that would close the equation
    if eq.rule == "T3-BALANCE":
        col = spec.T3_COLUMN_LABELS[eq.column or ""]
        left = grid.value(("table3", "new_received", eq.column or "")) + grid.value(
            ("table3", "carried_over", eq.column or "")
        )
        right = left - residual
        message = (
            f"表三「{col}」列：本年新收与上年结转之和为{left}，办理结果总计与结转下年度之和为{right}，"
            "二者应相等。"
        )
        return make_finding(
            eq.rule,
            "error",
            message,
            table="table3",
            column=eq.column,
            values=values,
            expected=left,
            stated=right,
        )
    if eq.rule == "T3-ROW-SUM":
        message = (
            f"表三「{spec.T3_ROW_LABELS[eq.row or '']}」行：各列之和为{expected}，总计栏填报{fmt(stated)}。"
        )
    elif eq.rule == "T3-OUTCOME-SUM":
        col = spec.T3_COLUMN_LABELS[eq.column or ""]
        message = f"表三「{col}」列：各项办理结果之和为{expected}，「（七）总计」行填报{fmt(stated)}。"
    else:  # T4-SUM
        message = (
            f"表四「{spec.T4_GROUP_LABELS[eq.row or '']}」：结果维持、结果纠正、其他结果、尚未审结之和为"
            f"{expected}，总计栏填报{fmt(stated)}。"
        )
    return make_finding(
        eq.rule,
        "error",
        message,
        table=eq.table,
        row=eq.row,
        column=eq.column,
        values=values,
        expected=expected,
        stated=grid.values.get(eq.stated),
    )


def bound_violation(eq: Equation, grid: Grid) -> Finding | None:
    """An equation with unread cells that cannot hold whatever they hold: every unread cell
    is a count (never below 0) on the same side, and the read cells already overshoot."""
    if any(cell in grid.unreported or cell not in grid.values for cell in eq.cells()):
        return None
    unread = [(cell, coef) for cell, coef in eq.terms if cell in grid.unknown]
    signs = {coef for _, coef in unread}
    if len(signs) != 1:
        return None
    known = sum(coef * grid.value(cell) for cell, coef in eq.terms if cell not in grid.unknown)
    if known * signs.pop() <= 0:  # the unread cells could still close it
        return None
    names = "、".join(cell_label(cell) for cell, _ in unread)
    message = f"{names}未能读取；即使按0计，已读取的数字也不符合{rule(eq.rule).short}关系（相差{abs(known)}）。"
    return make_finding(
        eq.rule,
        "error",
        message,
        table=eq.table,
        row=eq.row,
        column=eq.column if eq.rule != "T3-ROW-SUM" else None,  # no one cell of the row to name
        values=_values(eq, grid),
    )


# --- NON-NEGATIVE ---------------------------------------------------------------------


def non_negative(table2: Table2 | None, grid: Grid) -> list[Finding]:
    findings = []
    for cell, value in grid.values.items():
        if value is not None and value < 0:
            findings.append(
                make_finding(
                    "NON-NEGATIVE",
                    "error",
                    f"{cell_label(cell)}填报{value}，件数不应为负数。",
                    table=cell[0],
                    row=cell[1],
                    column=cell[2],
                    stated=value,
                )
            )
    if table2 is not None:
        rows = [(row, None, values) for row, values in table2.rows.items()]
        rows += [(row, sub, values) for row, subs in table2.sub_rows.items() for sub, values in subs.items()]
        for row, sub, values in rows:
            for column, value in values.items():
                problem = _table2_value_problem(row, column, value)
                if problem:
                    label = spec.T2_ROW_LABELS.get(row, row) + (f"（{sub}）" if sub else "")
                    findings.append(
                        make_finding(
                            "NON-NEGATIVE",
                            "error",
                            f"表二「{label}」行「{spec.T2_COLUMN_LABELS.get(column, column)}」列填报{fmt(value)}，{problem}。",
                            table="table2",
                            row=row,
                            row_label=label,
                            column=column,
                            stated=value,
                        )
                    )
    return findings


def _table2_value_problem(row: str, column: str, value: int | Decimal | None) -> str | None:
    if value is None or column in spec.T2_SIGNED_COLUMNS:
        return None
    if value < 0:
        return "该栏不应为负数"
    money = (row, column) in spec.T2_MONEY_COLUMNS
    if not money and value != int(value):
        return "件数应为整数"
    return None


# --- TABLE-ROWS -----------------------------------------------------------------------


def table_rows(
    table2: Table2 | None, table3: Table3 | None, table4: Table4 | None, grid: Grid
) -> list[Finding]:
    """Rows (and 表四/表二 cells) the template has and the table lacks: an error each."""
    out: list[Finding] = []
    if table3 is not None:
        out += _table3_rows(table3, grid)
    if table4 is not None:
        for group in spec.T4_GROUPS:
            lacking = [c for c in spec.T4_COLUMNS if c not in table4.rows.get(group, {})]
            if lacking:
                names = "、".join(f"「{spec.T4_COLUMN_LABELS[c]}」" for c in lacking)
                message = f"表四「{spec.T4_GROUP_LABELS[group]}」缺少{names}栏，该组合计未作校验。"
                out.append(make_finding("TABLE-ROWS", "error", message, table="table4", row=group))
    if table2 is not None:
        for row, columns in spec.T2_COLUMNS[table2.template].items():
            if row in table2.sub_rows:
                continue  # a locally split row (e.g. 行政检查 / 行政确认) stands in for it
            if row not in table2.rows:
                message = f"表二缺少「{spec.T2_ROW_LABELS[row]}」行。"
            elif lacking := [c for c in columns if c not in table2.rows[row]]:
                names = "、".join(f"「{spec.T2_COLUMN_LABELS[c]}」" for c in lacking)
                message = f"表二「{spec.T2_ROW_LABELS[row]}」行缺少{names}栏。"
            else:
                continue
            out.append(make_finding("TABLE-ROWS", "error", message, table="table2", row=row))
    return out


def _table3_rows(table3: Table3, grid: Grid) -> list[Finding]:
    out: list[Finding] = []
    template = table3_template(table3)
    if template is None:
        message = (
            "表三缺少「（六）其他处理」行（2019年版）或其三个分项行（2021年版），无法判断模板，"
            "各列办理结果合计未作校验。"
        )
        out.append(make_finding("TABLE-ROWS", "error", message, table="table3"))
    outcome = table3_outcome_rows(table3)
    missing = [r for r in table3_rows(table3) if r not in table3.rows and (template or r != "other_handling")]
    for row in missing:
        message = f"表三缺少「{spec.T3_ROW_LABELS[row]}」行，涉及该行的勾稽关系未作校验"
        implied = _implied_outcome_row(row, outcome, grid) if len(missing) == 1 and row in outcome else None
        values = None
        if implied is not None:
            message += f"；按各列办理结果合计推算，该行依次应为{'、'.join(map(str, implied))}"
            values = dict(zip(spec.T3_COLUMNS, implied, strict=True))
        out.append(
            make_finding("TABLE-ROWS", "error", message + "。", table="table3", row=row, values=values)
        )
    return out


def _implied_outcome_row(row: str, outcome: tuple[str, ...], grid: Grid) -> list[int] | None:
    """The one missing outcome row's values, from （七）总计 minus the other outcome rows."""
    values = []
    for column in spec.T3_COLUMNS:
        cells = [("table3", "total_processed", column)] + [("table3", r, column) for r in outcome if r != row]
        if not all(grid.readable(c) for c in cells):
            return None
        value = grid.value(cells[0]) - sum(grid.value(c) for c in cells[1:])
        if value < 0:
            return None
        values.append(value)
    return values


# --- entry ---------------------------------------------------------------------------


def check_tables(
    table2: Table2 | None,
    table3: Table3 | None,
    table4: Table4 | None,
    *,
    unknown: Iterable[CellKey] = (),
) -> list[Finding]:
    """TABLE-ROWS, NON-NEGATIVE, arithmetic and localisation findings for one report's tables.

    ``unknown`` names cells that hold no usable number although the table shows None there
    (the parser could not read them): they are never counted as 0.
    """
    grid = build_grid(table3, table4, unknown)
    findings = table_rows(table2, table3, table4, grid) + non_negative(table2, grid)
    findings += mark_unreported(grid, table3, table4)
    for table, eqs in (
        ("table3", table3_equations(table3) if table3 else []),
        ("table4", table4_equations() if table4 else []),
    ):
        evaluated = {eq: r for eq in eqs if (r := grid.residual(eq)) is not None}
        findings += implied_unknowns(table, eqs, grid)
        findings += [f for eq in eqs if eq not in evaluated and (f := bound_violation(eq, grid))]
        failing = [eq for eq, r in evaluated.items() if r != 0]
        if not failing:
            continue
        local, explained_by_blank = localise(table, evaluated, grid)
        findings += [
            failure_finding(eq, grid, evaluated[eq]) for eq in failing if eq not in explained_by_blank
        ]
        findings += local
    return findings
