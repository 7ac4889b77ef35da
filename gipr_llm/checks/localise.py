"""Localisation: which cell (or pair of cells) explains a table's broken rules.

A cell explains a set of broken equations when it takes part in every one of them, takes
part in no equation that holds, and one value for it closes them all. It is named only
when no other cell explains any of the same equations (otherwise the choice would be a
guess). Findings:

- ``LOCALISED`` (error): one printed cell explains two or more broken rules; ``likely_fix``
  gives ``row``, ``column``, ``stated`` and ``likely`` (the value that satisfies every rule).
- ``BLANK-IMPLIED`` (warning): a blank cell that the other cells imply; the rules it explains
  are not reported as errors, and the value is never filled in silently.
- ``LOCALISED-SWAP`` (error): swapping two cells (or two whole 表三 columns) makes every rule
  hold; ``likely_fix`` adds ``other_row`` / ``other_column``.
- ``UNLOCALISED`` (info): the broken rules cannot be pinned on one cell; says so instead of
  guessing, naming the equally possible cells when there are few.
- ``CELL-IMPLIED`` (info): a cell the parser could not read, whose value the rules it takes
  part in agree on; offered to the reviewer, never filled in.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from gipr_llm.checks.core import cell_label, make_finding
from gipr_llm.domain import spec
from gipr_llm.domain.arithmetic import CellKey, Equation, Grid
from gipr_llm.domain.models import Finding
from gipr_llm.domain.rules import RULES, rule

_MAX_NAMED = 4


def _reasons(eqs: frozenset[Equation]) -> str:
    rules = sorted({eq.rule for eq in eqs}, key=list(RULES).index)
    text = "及".join(rule(r).reason or rule(r).name for r in rules)
    return f"按{text}均" if len(eqs) > 1 else f"按{text}"


def _single_cell_candidates(
    evaluated: dict[Equation, int], grid: Grid, by_cell: dict[CellKey, list[Equation]]
) -> dict[CellKey, tuple[int, frozenset[Equation]]]:
    failing = [eq for eq, r in evaluated.items() if r != 0]
    out: dict[CellKey, tuple[int, frozenset[Equation]]] = {}
    for cell in sorted({c for eq in failing for c in eq.cells()}):
        eqs = by_cell[cell]
        if any(evaluated[eq] == 0 for eq in eqs):
            continue
        # coefficients are ±1, so the change that closes eq is -residual * coefficient
        deltas = {-evaluated[eq] * eq.coefficient(cell) for eq in eqs}
        if len(deltas) != 1:
            continue
        likely = grid.value(cell) + deltas.pop()
        blank = grid.values.get(cell) is None
        # A printed number is named only when two rules agree on it; a blank may be implied by one.
        if likely < 0 or (not blank and len(eqs) < 2) or (blank and likely == 0):
            continue
        out[cell] = (likely, frozenset(eqs))
    return out


def _order(cell: CellKey) -> tuple[int, int]:
    """Reading order of a cell: row, then column, as printed in the template."""
    rows = list(spec.T3_ROW_LABELS) if cell[0] == "table3" else list(spec.T4_GROUPS)
    columns = spec.T3_COLUMNS if cell[0] == "table3" else spec.T4_COLUMNS
    return (rows.index(cell[1]) if cell[1] in rows else len(rows), columns.index(cell[2]))


Swap = tuple[tuple[CellKey, ...], tuple[CellKey, ...]]


def _cell_swaps(
    failing: set[Equation], grid: Grid, by_cell: dict[CellKey, list[Equation]]
) -> dict[Swap, set[Equation]]:
    """Pairs of cells in one row or one column whose exchange closes every equation they touch,
    with the broken equations each exchange mends."""
    cells = sorted({c for eq in failing for c in eq.cells() if grid.readable(c)}, key=_order)
    found: dict[Swap, set[Equation]] = {}
    for a, b in combinations(cells, 2):
        if (a[1] != b[1] and a[2] != b[2]) or grid.value(a) == grid.value(b):
            continue
        affected = set(by_cell[a]) | set(by_cell[b])
        override = {a: grid.value(b), b: grid.value(a)}
        if all(grid.residual(eq, override) == 0 for eq in affected):
            found[((a,), (b,))] = affected & failing
    return found


def _column_swaps(evaluated: dict[Equation, int], grid: Grid) -> list[Swap]:
    """Pairs of whole 表三 columns whose exchange makes every rule hold (a shifted column)."""
    rows = sorted({c[1] for c in grid.values if c[0] == "table3"})
    found: list[Swap] = []
    for c1, c2 in combinations(spec.T3_COLUMNS, 2):
        left = tuple(("table3", r, c1) for r in rows)
        right = tuple(("table3", r, c2) for r in rows)
        pairs = [(x, y) for x, y in zip(left, right, strict=True) if grid.readable(x) and grid.readable(y)]
        if sum(grid.value(x) != grid.value(y) for x, y in pairs) < 2:
            continue  # one differing row is a cell swap, found above
        override = {x: grid.value(y) for x, y in pairs} | {y: grid.value(x) for x, y in pairs}
        if all(grid.residual(eq, override) == 0 for eq in evaluated):
            found.append((left, right))
    return found


def _swap_finding(swap: Swap, grid: Grid) -> Finding:
    left, right = swap
    a, b = left[0], right[0]
    table = spec.TABLE_LABELS[a[0]]
    if len(left) > 1:
        c1, c2 = spec.T3_COLUMN_LABELS[a[2]], spec.T3_COLUMN_LABELS[b[2]]
        message = f"表三「{c1}」列与「{c2}」列的数据很可能整列错位（互换），互换后各项勾稽关系均成立。"
        fix = {"column": a[2], "other_column": b[2]}
        return make_finding("LOCALISED-SWAP", "error", message, table="table3", column=a[2], likely_fix=fix)
    va, vb = grid.value(a), grid.value(b)
    unit = "栏" if a[0] == "table4" else "列"
    row_a, row_b = spec.row_label(a[0], a[1]), spec.row_label(b[0], b[1])
    col_a, col_b = spec.column_label(a[0], a[2]), spec.column_label(b[0], b[2])
    joiner = "" if a[0] == "table4" else "行"
    if a[1] == b[1]:
        where = f"{table}「{row_a}」{joiner}「{col_a}」{unit}与「{col_b}」{unit}"
    else:
        where = f"{table}「{col_a}」{unit}中「{row_a}」{joiner}与「{row_b}」{joiner}"
    message = f"{where}的数值很可能填反（分别填报{va}和{vb}），互换后各项勾稽关系均成立。"
    fix = {"row": a[1], "column": a[2], "stated": va, "likely": vb, "other_row": b[1], "other_column": b[2]}
    return make_finding("LOCALISED-SWAP", "error", message, table=a[0], row=a[1], column=a[2], likely_fix=fix)


def localise(table: str, evaluated: dict[Equation, int], grid: Grid) -> tuple[list[Finding], set[Equation]]:
    """Findings naming the likely wrong cell(s) of one table, and the equations a blank explains."""
    failing = {eq for eq, r in evaluated.items() if r != 0}
    by_cell: dict[CellKey, list[Equation]] = defaultdict(list)
    for eq in evaluated:
        for cell in eq.cells():
            by_cell[cell].append(eq)
    candidates = _single_cell_candidates(evaluated, grid, by_cell)
    findings: list[Finding] = []
    explained: set[Equation] = set()
    by_blank: set[Equation] = set()
    for cell, (likely, eqs) in sorted(candidates.items(), key=lambda item: _order(item[0])):
        if any(other != cell and eqs & other_eqs for other, (_, other_eqs) in candidates.items()):
            continue
        explained |= eqs
        stated = grid.values.get(cell)
        fix = {"row": cell[1], "column": cell[2], "stated": stated, "likely": likely}
        if stated is None:
            by_blank |= eqs
            message = f"{cell_label(cell)}为空，{_reasons(eqs)}应为{likely}，请核实后补填。"
            findings.append(
                make_finding(
                    "BLANK-IMPLIED",
                    "warning",
                    message,
                    table=table,
                    row=cell[1],
                    column=cell[2],
                    likely_fix=fix,
                )
            )
        else:
            message = f"{cell_label(cell)}很可能填错：填报{stated}，{_reasons(eqs)}应为{likely}。"
            findings.append(
                make_finding(
                    "LOCALISED",
                    "error",
                    message,
                    table=table,
                    row=cell[1],
                    column=cell[2],
                    stated=stated,
                    expected=likely,
                    likely_fix=fix,
                )
            )
    if not explained and table == "table3" and len(swaps := _column_swaps(evaluated, grid)) == 1:
        return [_swap_finding(swaps[0], grid)], set()
    swaps = _cell_swaps(failing - explained, grid, by_cell)
    for swap, mended in swaps.items():
        # Named only when every other exchange touching the same rules mends strictly fewer.
        if all(
            other == swap or not mended & other_mended or other_mended < mended
            for other, other_mended in swaps.items()
        ):
            findings.append(_swap_finding(swap, grid))
            explained |= mended
    rest = failing - explained
    if rest:
        findings.append(_unlocalised(table, rest, candidates))
    return findings, by_blank


def _unlocalised(
    table: str, rest: set[Equation], candidates: dict[CellKey, tuple[int, frozenset[Equation]]]
) -> Finding:
    rules = sorted({rule(eq.rule).short or rule(eq.rule).name for eq in rest})
    possible = sorted(cell for cell, (_, eqs) in candidates.items() if eqs & rest)
    label = spec.TABLE_LABELS[table]
    message = f"{label}有{len(rest)}处勾稽关系不符（{'、'.join(rules)}），"
    if 1 < len(possible) <= _MAX_NAMED:
        names = "、".join(cell_label(c) for c in possible)
        message += f"{names}中任一格填错都可解释，仅凭表内数据无法确定是哪一格"
    else:
        message += "无法归结为同一个单元格的错误"
    message += "，请逐项核对原始台账。"
    return make_finding("UNLOCALISED", "info", message, table=table)


def implied_unknowns(table: str, equations: list[Equation], grid: Grid) -> list[Finding]:
    """For each unreadable cell of a table, the value its equations agree on, if they do."""
    out = []
    cells = sorted((c for c in grid.unknown if c[0] == table and c in grid.values), key=_order)
    for cell in cells:
        used = []
        implied: set[int] = set()
        for eq in equations:
            if cell not in eq.cells() or not all(grid.readable(c) for c in eq.cells() if c != cell):
                continue
            rest = sum(coef * grid.value(c) for c, coef in eq.terms if c != cell)
            implied.add(-rest * eq.coefficient(cell))  # coef * x + rest = 0, coef = ±1
            used.append(eq)
        if len(implied) != 1 or (value := implied.pop()) < 0:
            continue
        message = f"{cell_label(cell)}无法读取，{_reasons(frozenset(used))}推算应为{value}（未自动填入），请核对原件。"
        fix = {"row": cell[1], "column": cell[2], "stated": None, "likely": value}
        out.append(
            make_finding(
                "CELL-IMPLIED", "info", message, table=table, row=cell[1], column=cell[2], likely_fix=fix
            )
        )
    return out
