"""Readings the layout leaves open, decided by the table's own arithmetic (勾稽关系).

A row printed as one run of digits (``640020470``), or with more cells than columns, can be
read several ways. Each row gets its candidate readings; the template's equations
(``domain.arithmetic``: 表三 row sums, column sums, the balance; 表四 group sums) are then
solved table-wide with a bounded branch-and-bound search:

- the readings that break the fewest equations are kept; a row is read only when all of
  them agree on it;
- when even the best reading breaks equations, it is kept only if every broken equation
  runs through one cell (a single wrong printed number, which the check stage then
  reports and localises); a reading that needs several errors to work is no reading.

Plausibility prunes before the arithmetic: printed numbers have no leading zeros.
Everything is capped (candidates per row, search nodes), so a 5 MB run of digits costs
no more than a clean table; past a cap the row is unread, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations, compress, count, repeat
from math import comb
from operator import add, getitem, le, mul, ne

from gipr_llm.domain import spec
from gipr_llm.domain.arithmetic import Equation, table3_equations, table4_equations
from gipr_llm.domain.models import Finding, Table3

MAX_CELL_DIGITS = 9  # no count in these tables runs to a billion
MAX_CANDIDATES = 5000  # readings of one row
MAX_NODES = 200_000  # search nodes per table
MAX_SHOWN = 4  # candidates quoted in a finding

Reading = tuple[int, ...]


def splits(
    digits: str, k: int, keep: Callable[[list[int]], bool] | None = None, limit: int = MAX_CANDIDATES
) -> list[Reading] | None:
    """Every cut of a digit run into k plausible numbers (no leading zeros), optionally
    pruned by ``keep(prefix)``, called on each prefix of 5 numbers and on the whole.

    None when there are more than ``limit`` readings or the search outgrows its cap.
    """
    n = len(digits)
    if not k <= n <= k * MAX_CELL_DIGITS:
        return []
    out: list[Reading] = []
    parts: list[int] = []
    steps = [0]

    def cut(start: int, left: int) -> bool:
        steps[0] += 1
        if steps[0] > MAX_NODES:
            return False
        if keep is not None and parts and len(parts) % 5 == 0 and not keep(parts):
            return True
        if left == 1:
            tail = digits[start:]
            if len(tail) <= MAX_CELL_DIGITS and (len(tail) == 1 or tail[0] != "0"):
                whole = [*parts, int(tail)]
                if keep is None or keep(whole):
                    out.append(tuple(whole))
                return len(out) <= limit
            return True
        # Leave at least one digit for each number still to come, at most 9 for each.
        lo = max(start + 1, n - (left - 1) * MAX_CELL_DIGITS)
        hi = start + 1 if digits[start] == "0" else min(start + MAX_CELL_DIGITS, n - left + 1)
        for end in range(lo, hi + 1):
            parts.append(int(digits[start:end]))
            ok = cut(end, left - 1)
            parts.pop()
            if not ok:
                return False
        return True

    if not cut(0, k):
        return None
    return out


@lru_cache(maxsize=4096)  # rows like 「0000000」 recur in every report
def row_splits(digits: str, k: int) -> tuple[Reading, ...] | None:
    found = splits(digits, k)
    return None if found is None else tuple(found)


@lru_cache(maxsize=4096)
def row_sum_splits(digits: str, parts: int) -> tuple[Reading, ...]:
    """The cuts of a 表三 row's run whose first ``parts`` numbers sum to the last (the total):
    the total is each plausible suffix, and a prefix cut stops as soon as it sums past it."""
    n = len(digits)
    out: list[Reading] = []
    for length in range(1, min(MAX_CELL_DIGITS, n - parts) + 1):
        tail = digits[n - length :]
        if length > 1 and tail[0] == "0":
            continue
        head = digits[: n - length]
        if len(head) >= parts:
            _cuts_summing(head, 0, parts, int(tail), [], out)
        if len(out) > MAX_CANDIDATES:
            break
    return tuple(out)


def _cuts_summing(head: str, start: int, left: int, room: int, chosen: list[int], out: list[Reading]) -> None:
    """Cut ``head[start:]`` into ``left`` plausible numbers summing to ``room``."""
    if left == 1:
        piece = head[start:]
        if (len(piece) == 1 or piece[0] != "0") and len(piece) <= MAX_CELL_DIGITS and int(piece) == room:
            out.append((*chosen, room, sum(chosen) + room))
        return
    stop = start + 1 if head[start] == "0" else min(start + MAX_CELL_DIGITS, len(head) - left + 1)
    for end in range(start + 1, stop + 1):
        value = int(head[start:end])
        if value > room:
            break
        chosen.append(value)
        _cuts_summing(head, end, left - 1, room - value, chosen, out)
        chosen.pop()


def readings_with_surplus(cells: list[int], k: int) -> list[Reading]:
    """Readings of a row with more numbers than columns: every way to drop the surplus."""
    drop = len(cells) - k
    if drop <= 0 or comb(len(cells), drop) > MAX_CANDIDATES:
        return [tuple(cells)] if drop == 0 else []
    seen: dict[Reading, None] = {}
    for gone in combinations(range(len(cells)), drop):
        seen[tuple(v for i, v in enumerate(cells) if i not in gone)] = None
    return list(seen)


@dataclass(slots=True)
class Outcome:
    """What the search decided for one open row."""

    values: Reading | None  # None: not decided
    candidates: list[Reading]  # the best readings' values for this row (for the finding)
    decided_by: str = ""  # the rules whose equations decided it, Chinese
    broken: list[str] = field(default_factory=list)  # equations the kept reading breaks
    cost: int = 0  # equations the best readings break
    every: list[Reading] = field(default_factory=list)  # all of this row's best readings (searched rows)


@dataclass(slots=True)
class _Eq:
    eq: Equation
    terms: list[tuple[str, int, int]]  # the open rows' terms: (row, column index, coefficient)
    rows: frozenset[str]
    const: int  # the fixed rows' part of the sum


_RULE_NAMES = {
    "T3-ROW-SUM": "行内合计（六类申请人之和等于总计）",
    "T3-OUTCOME-SUM": "列合计（各办理结果之和等于（七）总计）",
    "T3-BALANCE": "收支平衡（新收+结转=总计+结转下年）",
    "T4-SUM": "表四分组合计（维持+纠正+其他+尚未审结=总计）",
}


def describe(rules: Iterable[str]) -> str:
    return _describe(tuple(rules))


@lru_cache(maxsize=256)  # the same few lists of rules name every row of every table
def _describe(rules: tuple[str, ...]) -> str:
    return "、".join(_RULE_NAMES.get(r, r) for r in dict.fromkeys(rules))


@dataclass(frozen=True, slots=True)
class _Terms:
    """An equation's terms as the search reads them, derived once per list of equations."""

    eq: Equation
    terms: tuple[tuple[str, int, int], ...]  # (row, column index, coefficient)
    rows: frozenset[str]


# An equation's constant terms column-wise (rows, column indices, coefficients), so that
# their sum is taken by map in C.
_Fixed = tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]


@dataclass(slots=True)
class _Plan:
    """What solve derives from the equations and the table's shape alone (which rows are
    searched, which constant, which constant cells unknown), not from its numbers."""

    usable: list[tuple[Equation, list[tuple[str, int, int]], frozenset[str], _Fixed]]
    base: list[tuple[Equation, _Fixed]]  # usable, no searched row, a single row
    single_eqs: dict[str, list[Equation]]  # per single row, the usable equations it is in
    decided: dict[str, str]  # per single row, its equations' rules named (when none is broken)


# Per list of equations (the same lru_cached list object serves every report with that row
# set): its terms compiled, and the plans of the table shapes met so far. The entry holds the
# list, so its id is not reused while cached.
_COMPILED: dict[
    tuple[int, int], tuple[list[Equation], tuple[str, ...], tuple[_Terms, ...], dict[tuple, _Plan]]
] = {}
MAX_COMPILED = 256
MAX_PLANS = 256


def compile_terms(equations: list[Equation], columns: tuple[str, ...]) -> tuple[_Terms, ...]:
    """Each equation's terms as (row, column index, coefficient) and its rows."""
    col_index = {c: i for i, c in enumerate(columns)}
    return tuple(
        _Terms(
            eq,
            tuple((row, col_index[col], coef) for (_, row, col), coef in eq.terms),
            frozenset(row for (_, row, _), _ in eq.terms),
        )
        for eq in equations
    )


def _compiled(
    equations: list[Equation], columns: tuple[str, ...]
) -> tuple[tuple[_Terms, ...], dict[tuple, _Plan]]:
    key = (id(equations), id(columns))
    hit = _COMPILED.get(key)
    if hit is None or hit[0] is not equations or hit[1] is not columns or len(hit[2]) != len(equations):
        if len(_COMPILED) >= MAX_COMPILED:
            _COMPILED.clear()
        hit = _COMPILED[key] = (equations, columns, compile_terms(equations, columns), {})
    return hit[2], hit[3]


def make_plan(
    compiled: tuple[_Terms, ...],
    searched_rows: Iterable[str],
    single_rows: Iterable[str],
    constant: dict[str, Sequence[int | None]],
) -> _Plan:
    """Which equations the search can use (none of their cells unknown), their searched
    terms and constant terms; the rows with one reading and the equations they are in."""
    searched = set(searched_rows)
    singles = set(single_rows)
    usable: list[tuple[Equation, list[tuple[str, int, int]], frozenset[str], _Fixed]] = []
    base: list[tuple[Equation, _Fixed]] = []
    single_eqs: dict[str, list[Equation]] = {r: [] for r in singles}
    for c in compiled:
        varying: list[tuple[str, int, int]] = []
        fixed: list[tuple[str, int, int]] = []
        for term in c.terms:
            row, ci, _ = term
            if row in searched:
                varying.append(term)
            elif row in constant and constant[row][ci] is not None:
                fixed.append(term)
            else:
                break
        else:
            for row in c.rows & singles:
                single_eqs[row].append(c.eq)
            if varying:
                usable.append((c.eq, varying, frozenset(r for r, _, _ in varying), _columnwise(fixed)))
            elif c.rows & singles:
                base.append((c.eq, _columnwise(fixed)))
    decided = {row: describe(e.rule for e in eqs) for row, eqs in single_eqs.items()}
    return _Plan(usable, base, single_eqs, decided)


def _columnwise(terms: list[tuple[str, int, int]]) -> _Fixed:
    rows, cis, coefs = zip(*terms, strict=True) if terms else ((), (), ())
    return tuple(rows), tuple(cis), tuple(coefs)


def _shape(
    searched: dict[str, list[Reading]],
    singles: dict[str, Reading],
    fixed: dict[str, list[int | None]],
    constant: dict[str, Sequence[int | None]],
) -> tuple:
    """What a plan depends on: the rows of each kind and the constant cells that are unknown."""
    unknown = tuple(
        (row, tuple(i for i, v in enumerate(values) if v is None))
        for row, values in constant.items()
        if None in values
    )
    return frozenset(searched), frozenset(singles), frozenset(fixed), unknown


def _const(terms: _Fixed, constant: dict[str, Sequence[int | None]]) -> int:
    """The constant rows' part of an equation's sum (every cell known: the plan checked)."""
    rows, cis, coefs = terms
    return sum(map(mul, coefs, map(getitem, map(constant.__getitem__, rows), cis)))


def _plan(
    plans: dict[tuple, _Plan],
    compiled: tuple[_Terms, ...],
    searched: dict[str, list[Reading]],
    singles: dict[str, Reading],
    fixed: dict[str, list[int | None]],
    constant: dict[str, Sequence[int | None]],
) -> _Plan:
    """The plan of this table shape, made once per shape and list of equations."""
    shape = _shape(searched, singles, fixed, constant)
    plan = plans.get(shape)
    if plan is None:
        if len(plans) >= MAX_PLANS:
            plans.clear()
        plan = plans[shape] = make_plan(compiled, searched, singles, constant)
    return plan


def with_constants(
    plan: _Plan, constant: dict[str, Sequence[int | None]]
) -> tuple[list[_Eq], list[Equation]]:
    """The plan's equations with this table's numbers: the usable ones with their constant
    part, and those of constant rows only that the numbers break (the search's base cost)."""
    # The searched terms' list is the plan's own: _search only reads it.
    usable = [_Eq(eq, varying, rows, _const(terms, constant)) for eq, varying, rows, terms in plan.usable]
    base = [eq for eq, terms in plan.base if _const(terms, constant)]
    return usable, base


def solve(
    fixed: dict[str, list[int | None]],
    open_rows: dict[str, list[Reading]],
    equations: list[Equation],
    columns: tuple[str, ...],
) -> dict[str, Outcome]:
    """Choose each open row's reading by the equations, table-wide.

    ``fixed`` rows were read plainly (None = unknown); ``open_rows`` map a row to its
    candidate readings. Equations touching a missing row or an unknown cell are not used.
    """
    compiled, plans = _compiled(equations, columns)
    if all(len(c) == 1 for c in open_rows.values()):
        return _single(fixed, open_rows, compiled)
    # Rows with one reading are constants of the search: only equations with a row of
    # several readings are searched; those without are evaluated once, here.
    singles = {r: c[0] for r, c in open_rows.items() if len(c) == 1}
    constant: dict[str, Sequence[int | None]] = {**fixed, **singles}
    searched = {r: c for r, c in open_rows.items() if len(c) != 1}
    plan = _plan(plans, compiled, searched, singles, fixed, constant)
    usable: list[_Eq] = []
    base: list[Equation] = []
    # A searched row with no reading ends the search before any equation is looked at.
    if all(searched.values()):
        usable, base = with_constants(plan, constant)
    out, broken = _search(searched, usable, base)
    accepted = broken is not None
    for row, reading in singles.items():
        eqs = plan.single_eqs[row]
        mine = [b for b in broken or () if b in eqs]
        out[row] = Outcome(
            reading if accepted else None,
            [reading],
            describe(e.rule for e in eqs if e not in mine) if mine else plan.decided[row],
            [f"{b.rule}:{b.row or ''}:{b.column or ''}" for b in mine],
            next(iter(out.values())).cost if out else 0,
        )
    return out


def _search(
    open_rows: dict[str, list[Reading]], usable: list[_Eq], base: list[Equation]
) -> tuple[dict[str, Outcome], list[Equation] | None]:
    """Branch and bound over the rows with several readings. Returns the outcomes and the
    equations the kept reading breaks (None when no reading is kept)."""
    if not all(open_rows.values()):
        # A row with no reading leaves the table with no reading to keep, whatever the other
        # rows' readings: searching them would decide nothing (recover_table3 then opens that
        # row to every cut, in a second pass).
        return {row: Outcome(None, []) for row in open_rows}, None
    order = sorted(open_rows, key=lambda r: len(open_rows[r]))
    position = {row: i for i, row in enumerate(order)}
    # Each equation is evaluated when the last of its open rows is assigned; before that, it
    # is broken as soon as the rows still open cannot bring its sum back to 0 (each row's
    # least and greatest contribution bound the rest), which prunes long before the last row.
    due: list[list[int]] = [[] for _ in order]
    # Per depth, the equations its row is in, and per reading the row's share of each
    # equation's sum (summed over its columns once, here, not at every node).
    touching: list[list[int]] = [[] for _ in order]
    shares: list[list[list[int]]] = [[] for _ in order]  # per depth, per equation: per reading
    spans: list[list[tuple[int, int]]] = []  # per equation, per depth: bounds of the rows from there
    # Each searched row's readings column by column (built once, not once per equation), so a
    # reading's share of an equation is summed by map/zip in C rather than a generator per reading.
    by_column = {row: list(zip(*open_rows[row], strict=True)) for row in order}
    for i, e in enumerate(usable):
        due[max(position[r] for r in e.rows)].append(i)
        per_depth = [(0, 0)] * (len(order) + 1)
        lo = hi = 0
        for depth in range(len(order) - 1, -1, -1):
            row = order[depth]
            if row in e.rows:
                columns = by_column[row]
                # The row's terms added column by column in C (most equations hold one term of a row).
                share: Iterable[int] = repeat(0, len(open_rows[row]))
                for r, ci, coef in e.terms:
                    if r == row:
                        share = map(add, share, map(mul, columns[ci], repeat(coef)))
                sums = list(share)
                touching[depth].append(i)
                shares[depth].append(sums)
                lo, hi = lo + min(sums), hi + max(sums)
            per_depth[depth] = (lo, hi)
        spans.append(per_depth)
    # zip(*shares): per reading, its share of each equation (every list has one per reading)
    deltas = [
        list(zip(*shares[depth], strict=True)) if shares[depth] else [()] * len(open_rows[row])
        for depth, row in enumerate(order)
    ]
    # The equations to bound-check at each depth: those touched there that are not due there.
    bounded = [[i for i in touching[depth] if i not in due[depth]] for depth in range(len(order))]
    partial = [e.const for e in usable]
    doomed = [False] * len(usable)
    chosen: dict[str, Reading] = {}
    best: list[tuple[dict[str, Reading], list[Equation]]] = []
    seen: dict[str, dict[Reading, None]] = {row: {} for row in order}  # every best reading, per row
    best_cost = [len(usable) + len(base) + 1]
    nodes = [0]
    last_misses: dict[tuple[int | bool, ...], list[int]] = {}  # the last row's misses per reading

    def search(depth: int, cost: int, broken: list[Equation]) -> bool:
        if nodes[0] > MAX_NODES:
            return False
        if depth == len(order):
            if cost < best_cost[0]:
                best_cost[0] = cost
                best.clear()
                for values in seen.values():
                    values.clear()
            if len(best) < 64:
                best.append((dict(chosen), list(broken)))
            for r, reading in chosen.items():
                seen[r][reading] = None
            return True
        if depth == len(order) - 1:
            return last_row(cost, broken)
        row = order[depth]
        touched = touching[depth]
        ending = due[depth]
        checked = bounded[depth]
        for reading, delta in zip(open_rows[row], deltas[depth], strict=True):
            nodes[0] += 1
            chosen[row] = reading
            for i, share in zip(touched, delta, strict=True):
                partial[i] += share
            now: list[int] = [i for i in ending if partial[i] and not doomed[i]]
            for i in checked:
                if not doomed[i]:
                    lo, hi = spans[i][depth + 1]
                    if not partial[i] + lo <= 0 <= partial[i] + hi:
                        now.append(i)
            ok = True
            if cost + len(now) <= best_cost[0]:
                for i in now:
                    doomed[i] = True
                ok = search(depth + 1, cost + len(now), broken + [usable[i].eq for i in now])
                for i in now:
                    doomed[i] = False
            for i, share in zip(touched, delta, strict=True):
                partial[i] -= share
            if not ok:
                del chosen[row]
                return False
        chosen.pop(row, None)
        return True

    def last_row(cost: int, broken: list[Equation]) -> bool:
        """The last row's readings, where most nodes are: every equation this row is in is
        due here (none is bound-checked), and a reading breaks those its share does not bring
        to 0. Counted by map in C against what each sum still needs, not by adding each share
        into ``partial`` and taking it out again; the same nodes counted, in the same order."""
        depth = len(order) - 1
        row = order[depth]
        touched = touching[depth]
        need = [-partial[i] for i in touched]
        undoomed = [not doomed[i] for i in touched]
        readings = open_rows[row]
        # Every reading's misses at once, equation by equation over all readings (in C);
        # only the readings within the bound then cost a step of Python. The bound only
        # tightens during the loop, so a reading past it at the start stays past it.
        # Rows before the last often leave it the same sums to meet (its equations with no
        # other searched row): counted once per distinct (needs, open equations).
        key = (*need, *undoomed)
        counted = last_misses.get(key)
        if counted is None:
            misses: Iterable[int] = repeat(0, len(readings))
            for share, want, open_ in zip(shares[depth], need, undoomed, strict=True):
                if open_:
                    misses = map(add, misses, map(ne, share, repeat(want)))
            counted = last_misses[key] = list(misses)
        start = nodes[0]
        for n in compress(count(), map(le, counted, repeat(best_cost[0] - cost))):
            if cost + counted[n] > best_cost[0]:
                continue
            nodes[0] = start + n + 1
            pairs = zip(touched, deltas[depth][n], need, undoomed, strict=True)
            now = [i for i, share, want, o in pairs if o and share != want]
            chosen[row] = readings[n]
            if not search(depth + 1, cost + counted[n], broken + [usable[i].eq for i in now]):
                del chosen[row]
                return False
        nodes[0] = start + len(readings)
        chosen.pop(row, None)
        return True

    finished = search(0, len(base), list(base))
    out: dict[str, Outcome] = {}
    for row in order:
        values = list(seen[row])
        out[row] = Outcome(
            None, values[:MAX_SHOWN] if finished else [], cost=best_cost[0], every=values if finished else []
        )
    if not finished or not best:
        return out, None
    cost = best_cost[0]
    if cost and not all(_one_cell(b[1]) for b in best):
        return out, None  # the best reading needs several errors in the report: no reading
    broken = best[0][1] if len(best) == 1 else []
    broken_rows = [{r for (_, r, _), _ in b.terms} for b in broken]  # once, not once per row
    for row in order:
        if len(out[row].candidates) == 1:
            mine = [b for b, rows in zip(broken, broken_rows, strict=True) if row in rows]
            rules = [e.eq.rule for e in usable if row in e.rows and e.eq not in mine]
            out[row] = Outcome(
                out[row].candidates[0],
                out[row].candidates,
                describe(rules),
                [f"{b.rule}:{b.row or ''}:{b.column or ''}" for b in mine],
                cost,
                out[row].every,
            )
    return out, broken


def _single(
    fixed: dict[str, list[int | None]],
    open_rows: dict[str, list[Reading]],
    compiled: tuple[_Terms, ...],
) -> dict[str, Outcome]:
    """The common case, one reading per open row: evaluate the equations once."""
    values: dict[str, Sequence[int | None]] = {**fixed, **{r: c[0] for r, c in open_rows.items()}}
    broken: list[Equation] = []
    rules: dict[str, list[Equation]] = {r: [] for r in open_rows}
    for c in compiled:
        eq = c.eq
        total = 0
        touched: list[str] = []
        for row, ci, coef in c.terms:
            row_values = values.get(row)
            value = row_values[ci] if row_values is not None else None
            if value is None:
                break
            total += coef * value
            if row in rules:
                touched.append(row)
        else:
            if touched:
                for row in touched:
                    rules[row].append(eq)
                if total:
                    broken.append(eq)
    cost = len(broken)
    if cost and not _one_cell(broken):
        return {r: Outcome(None, [c[0]], cost=cost) for r, c in open_rows.items()}
    out: dict[str, Outcome] = {}
    for row, (reading,) in open_rows.items():
        mine = [b for b in broken if b in rules[row]]
        kept = [e.rule for e in rules[row] if e not in mine]
        out[row] = Outcome(
            reading,
            [reading],
            describe(kept),
            [f"{b.rule}:{b.row or ''}:{b.column or ''}" for b in mine],
            cost,
        )
    return out


def _one_cell(broken: list[Equation]) -> bool:
    common = set(broken[0].cells())
    for eq in broken[1:]:
        common &= set(eq.cells())
    return bool(common)


def table3_eqs(rows: Iterable[str], template: str | None) -> list[Equation]:
    return _table3_eqs(frozenset(rows), template)


@lru_cache(maxsize=256)  # a handful of row sets recur across reports
def _table3_eqs(rows: frozenset[str], template: str | None) -> list[Equation]:
    return table3_equations(Table3(template=template, rows={r: [None] * 7 for r in sorted(rows)}))


# --- the tables' glued rows ---------------------------------------------------------------


@dataclass(slots=True)
class GluedRow:
    key: str
    label: str
    digits: str
    line: int


def _t3_row_sum(parts: list[int]) -> bool:
    return len(parts) < 7 or sum(parts[:6]) == parts[6]


def recover_table3(
    found: dict[str, list[int | None]], glued: dict[str, GluedRow], template: str | None
) -> list[Finding]:
    """Read 表三's glued rows table-wide; fill ``found`` and say how each row was read."""
    k = len(spec.T3_COLUMNS)
    fixed = {key: values for key, values in found.items() if key not in glued}
    equations = table3_eqs(found, template)
    summed: dict[str, list[Reading]] = {}
    summed = {key: list(row_sum_splits(row.digits, k - 1)) for key, row in glued.items()}
    # Every plausible cut, not only those keeping the row sum: wanted in phase 2 only.
    every: dict[str, tuple[Reading, ...] | None] = {
        key: ((tuple(map(int, row.digits)),) if len(row.digits) == k else None)
        for key, row in glued.items()
    }
    # Phase 1: readings whose own row sums hold. If the best of them breaks nothing, no
    # other reading can tie with it (each breaks at least its own row sum).
    outcomes = solve(fixed, summed, equations, spec.T3_COLUMNS)
    if any(not summed[key] or outcomes[key].cost for key in glued):
        every = {key: row_splits(row.digits, k) for key, row in glued.items()}
        # Phase 2: the best reading breaks an equation, so the report may hold a real error
        # that must stay visible. Rows with exactly one reading whose row sum holds keep it.
        for key, readings in summed.items():
            if len(readings) == 1:
                fixed[key] = list(readings[0])
        # A row some of whose readings keep its row sum is opened only to those; a row none
        # of whose readings do is opened to all of them.
        ranked = {key: summed[key] or list(every[key] or []) for key in glued if len(summed[key]) != 1}
        second = solve(fixed, ranked, equations, spec.T3_COLUMNS)
        cost = second_cost(second)
        outcomes = {
            key: second.get(key)
            or Outcome(
                summed[key][0],
                summed[key],
                outcomes[key].decided_by or describe(["T3-ROW-SUM"]),
                [],
                cost,
            )
            for key in glued
        }
    findings: list[Finding] = []
    for key, row in glued.items():
        outcome = outcomes[key]
        if outcome.values is not None:
            found[key] = list(outcome.values)
        if outcome.values is None and every[key] is None:
            every[key] = row_splits(row.digits, k)
        findings.append(_glued_finding("table3", key, row, outcome, every[key], spec.T3_COLUMNS))
    return findings


def second_cost(outcomes: dict[str, Outcome]) -> int:
    return max((o.cost for o in outcomes.values()), default=0)


def _t4_groups(parts: list[int]) -> bool:
    n = len(spec.T4_COLUMNS)
    return all(sum(parts[i : i + n - 1]) == parts[i + n - 1] for i in range(0, len(parts) - n + 1, n))


@lru_cache(maxsize=1024)
def _t4_readings(digits: str, k: int) -> tuple[Reading, ...] | None:
    """表四's readings: those keeping every group sum, else all (ranked later by the search)."""
    every = splits(digits, k, _t4_groups)
    if every == []:
        every = splits(digits, k)
        if every == [] and digits.strip("0") == "":  # a run of zeros longer than the table
            every = [(0,) * k]
    return None if every is None else tuple(every)


T4_FLAT_COLUMNS: tuple[str, ...] = tuple(f"{g}.{c}" for g in spec.T4_GROUPS for c in spec.T4_COLUMNS)


@lru_cache(maxsize=1)
def _t4_eqs() -> list[Equation]:
    """表四's group sums over its one row of fifteen cells (columns 「group.column」)."""
    return [
        Equation(
            e.rule,
            e.table,
            e.row,
            e.column,
            tuple((("t", "table4", f"{e.row}.{c}"), coef) for (_, _, c), coef in e.terms),
            e.stated,
        )
        for e in table4_equations()
    ]


def recover_table4(row: GluedRow) -> tuple[Reading | None, list[Finding]]:
    """表四 printed as one run of digits: its group sums cut it, or its surplus is dropped."""
    k = len(T4_FLAT_COLUMNS)
    every = _t4_readings(row.digits, k)
    readings = {"table4": list(every or [])}
    outcome = solve({}, readings, _t4_eqs(), T4_FLAT_COLUMNS)["table4"]
    return outcome.values, [_glued_finding("table4", None, row, outcome, every, T4_FLAT_COLUMNS)]


def _glued_finding(
    table: str,
    key: str | None,
    row: GluedRow,
    outcome: Outcome,
    every: Sequence[Reading] | None,
    columns: tuple[str, ...],
) -> Finding:
    name = spec.TABLE_LABELS[table]
    where = f"{name}「{row.label}」行的数字粘连为「{_short(row.digits)}」"
    if outcome.values is not None:
        shown = "、".join(map(str, outcome.values))
        if every is not None and len(every) == 1:
            how = "只有一种合理拆分（数字不以0开头）"
        elif every is None:
            how = f"只有一种合理拆分满足{outcome.decided_by}"
        else:
            how = f"在{len(every)}种合理拆分中只有一种满足{outcome.decided_by}"
        kept = ""
        if outcome.broken:
            kept = "；按此读法报告本身的算术关系不成立，已保留原数字，由核对结果指出"
        return Finding(
            rule="PARSE-RECOVERED",
            severity="info" if every is not None and len(every) == 1 and table == "table3" else "warning",
            stage="parse",
            table=table,
            row=key,
            row_label=row.label,
            raw=row.digits[:200],
            line=row.line,
            values=dict(zip(columns, outcome.values, strict=True)),
            message=f"{where}，{how}，已读为{shown}{kept}。",
            fault="reading",
        )
    if every is None:
        why = "可能的拆分过多，未逐一尝试"
    elif not every:
        why = "无法拆分为合理的数字（位数不符或以0开头）"
    elif outcome.candidates:
        listed = "；".join("、".join(map(str, c)) for c in outcome.candidates[:MAX_SHOWN])
        why = f"有{len(outcome.candidates)}种以上拆分同样满足表内勾稽关系（如：{listed}）"
    else:
        why = "没有一种拆分能使表内勾稽关系成立（最多只差一个数）"
    return Finding(
        rule="PARSE-GLUED",
        severity="error",
        stage="parse",
        table=table,
        row=key,
        row_label=row.label,
        raw=row.digits[:200],
        line=row.line,
        message=f"{where}，{why}，无法确定各列数值，整行按空值处理，请核对原表。",
        fault="reading",
    )


def _short(digits: str) -> str:
    return digits if len(digits) <= 60 else f"{digits[:30]}…{digits[-10:]}（共{len(digits)}位）"


_COUNT_THEN_MONEY = re.compile(r"^(\d+)\.(\d+)$")


def count_and_money(raw: str) -> list[tuple[int, str]]:
    """「1179.1500」 where a count and an amount of money belong: every plausible cut of
    the integer digits (neither part with a leading zero, the amount keeping the decimals)."""
    match = _COUNT_THEN_MONEY.match(raw.strip())
    if not match:
        return []
    whole, frac = match.groups()
    return [
        (int(whole[:i]), f"{whole[i:]}.{frac}")
        for i in range(1, len(whole))
        if (i == 1 or whole[0] != "0") and (i == len(whole) - 1 or whole[i] != "0")
    ]


# --- rows printed with fewer cells than columns -------------------------------------------

MAX_PLACEMENTS = 5000  # ways to place one short row's printed cells


def placements(
    values: Sequence[int], k: int, cap: int = MAX_PLACEMENTS
) -> dict[Reading, list[tuple[int, ...]]] | None:
    """Every way to put a short row's printed numbers, in order, into k columns (the others
    blank, counted as 0 by the arithmetic), grouped by the numbers the row then holds.
    None past the cap."""
    if comb(k, len(values)) > cap:
        return None
    out: dict[Reading, list[tuple[int, ...]]] = {}
    for where in combinations(range(k), len(values)):
        reading = [0] * k
        for position, value in zip(where, values, strict=True):
            reading[position] = value
        out.setdefault(tuple(reading), []).append(where)
    return out


@dataclass(slots=True)
class ShortRow:
    key: str | None  # None: 表四's one row
    label: str
    cells: list[str]  # the printed cells, as the row-length finding quotes them
    values: list[int]
    line: int | None


def short_rows(findings: Iterable[Finding], k: int) -> dict[str, ShortRow]:
    """The rows a PARSE-ROW-LENGTH finding left null for having fewer cells than columns,
    when every printed cell is a plain count."""
    out: dict[str, ShortRow] = {}
    for f in findings:
        if f.row is not None and (row := short_row(f, k)) is not None:
            out[f.row] = row
    return out


def short_row(f: Finding, k: int) -> ShortRow | None:
    """The short row a PARSE-ROW-LENGTH finding quotes, when every printed cell is a plain count."""
    if f.rule != "PARSE-ROW-LENGTH" or f.raw is None:
        return None
    cells = [c.strip() for c in f.raw.split(" | ")]
    if not 0 < len(cells) < k or not all(re.fullmatch(r"0|[1-9]\d{0,8}", c) for c in cells):
        return None
    return ShortRow(f.row, f.row_label or f.row or "", cells, [int(c) for c in cells], f.line)


def recover_short_table3(
    found: dict[str, list[int | None]], findings: list[Finding], template: str | None
) -> list[Finding]:
    """表三 rows printed with fewer cells than columns (blank cells that left no trace):
    placed table-wide by the arithmetic, or left null with their PARSE-ROW-LENGTH finding.

    A placement is kept only when the whole table then breaks no equation: a row that no
    placement makes add up stays unread, and so does every row when the only placements
    that fit need the table to be wrong elsewhere (a real error is never hidden by a choice
    of columns). Returns the findings, the placed rows' row-length findings replaced."""
    k = len(spec.T3_COLUMNS)
    short = {key: row for key, row in short_rows(findings, k).items() if key in found}
    if not short:
        return findings
    ways = {key: placements(row.values, k) for key, row in short.items()}
    # Only a placement whose own row sum holds can be part of a table that breaks nothing.
    open_rows = {key: [r for r in way if sum(r[:6]) == r[6]] for key, way in ways.items() if way is not None}
    open_rows = {key: readings for key, readings in open_rows.items() if readings}
    fixed = {key: values for key, values in found.items() if key not in short}
    if not open_rows:
        return findings
    equations = table3_eqs(found, template)
    outcomes: dict[str, Outcome] = {}
    parts, crossed = _components(fixed, open_rows, equations)
    # A row checked by its own row sum only is not placed: a row clipped at the right (a PDF
    # cut short) also leaves its cells out, and its row sum alone cannot tell it from blanks.
    open_rows = {key: readings for key, readings in open_rows.items() if key in crossed}
    for part in parts:
        part = [key for key in part if key in open_rows]
        if not part:
            continue
        outcomes.update(solve(fixed, {key: open_rows[key] for key in part}, equations, spec.T3_COLUMNS))
    placed: dict[str, list[Finding]] = {}
    for key, outcome in outcomes.items():
        if outcome.values is not None and not outcome.every:  # a row with one reading
            outcome.every = [outcome.values]
        if outcome.cost or not outcome.every:
            continue
        row = short[key]
        if outcome.values is not None:
            wheres = ways[key][outcome.values]  # type: ignore[index]
            placed[key] = _placed_findings(
                "table3", row, outcome, wheres, len(open_rows[key]), spec.T3_COLUMNS
            )
            found[key] = [outcome.values[i] if all(i in w for w in wheres) else None for i in range(k)]
            continue
        # Several placements fit: a column every one of them fills with the same printed
        # number is read (often the 总计, fixed by the row sum); the rest stay unknown.
        agreed = _agreed([(r, w) for r in outcome.every for w in ways[key][r]], k)  # type: ignore[index]
        if any(v is not None for v in agreed):
            found[key] = agreed
            placed[key] = [_partial_finding("table3", row, outcome, agreed, spec.T3_COLUMNS)]
    out = [f for f in findings if not (f.rule == "PARSE-ROW-LENGTH" and f.row in placed)]
    for key in placed:
        out.extend(placed[key])
    return out


def recover_short_table4(row: ShortRow) -> tuple[list[int | None] | None, list[Finding]]:
    """表四 printed with fewer than fifteen numbers (blank cells that left no trace).

    表四 is one row: only its three group sums (维持+纠正+其他+尚未审结=总计) can check a
    placement, each on its own five cells. A group that lost cells can be placed only when
    its printed parts are all 0: any other part could stand under any of the four result
    columns with the sums unchanged. So a placement is kept only when every placement that
    keeps all three sums gives the same numbers; when several do, only the columns they
    all agree on are read (often the 总计s); when none does, nothing is read. Returns
    (the fifteen cells or None, findings replacing the row-length finding)."""
    k = len(T4_FLAT_COLUMNS)
    ways = placements(row.values, k, comb(k, k // 2))  # every placement: at most 6,435
    if ways is None:
        return None, []
    fitting = [r for r in ways if _t4_groups(list(r))]
    if not fitting:
        return None, []
    outcome = solve({}, {"table4": fitting}, _t4_eqs(), T4_FLAT_COLUMNS)["table4"]
    if outcome.values is not None and not outcome.every:  # one reading
        outcome.every = [outcome.values]
    if outcome.cost or not outcome.every:
        return None, []
    if outcome.values is not None:
        wheres = ways[outcome.values]
        values = [outcome.values[i] if all(i in w for w in wheres) else None for i in range(k)]
        return values, _placed_findings("table4", row, outcome, wheres, len(fitting), T4_FLAT_COLUMNS)
    agreed = _agreed([(r, w) for r in outcome.every for w in ways[r]], k)
    if all(v is None for v in agreed):
        return None, []
    return agreed, [_partial_finding("table4", row, outcome, agreed, T4_FLAT_COLUMNS)]


def _cell_names(table: str, row: ShortRow, column: str) -> tuple[str | None, str | None, str, str]:
    """(row, row label, column, column label) of a cell for a finding: 表四's flat columns
    「group.column」 name the group as the row."""
    if table == "table4":
        group, _, col = column.partition(".")
        return group, spec.T4_GROUP_LABELS[group], col, spec.T4_COLUMN_LABELS[col]
    return row.key, row.label, column, spec.column_label(table, column) or column


def _components(
    fixed: dict[str, list[int | None]], open_rows: dict[str, list[Reading]], equations: list[Equation]
) -> tuple[list[list[str]], set[str]]:
    """The open rows in groups that share a usable equation (one whose other cells are all
    read): each group is searched alone, so independent rows do not multiply each other's
    readings, and an equation that no placement can satisfy keeps only its own group unread.
    Also the rows some usable equation other than their own row sum crosses."""
    col_index = {c: i for i, c in enumerate(spec.T3_COLUMNS)}
    parent = {key: key for key in open_rows}
    crossed: set[str] = set()

    def root(key: str) -> str:
        while parent[key] != key:
            key = parent[key]
        return key

    for eq in equations:
        rows = {row for (_, row, _), _ in eq.terms}
        usable = all(
            row in open_rows or (row in fixed and fixed[row][col_index[col]] is not None)
            for (_, row, col), _ in eq.terms
        )
        linked = [root(r) for r in rows if r in open_rows]
        if usable:
            for other in linked[1:]:
                parent[other] = linked[0]
            if eq.rule != "T3-ROW-SUM":
                crossed.update(r for r in rows if r in open_rows)
    groups: dict[str, list[str]] = {}
    for key in open_rows:
        groups.setdefault(root(key), []).append(key)
    return list(groups.values()), crossed


def _agreed(ways: list[tuple[Reading, tuple[int, ...]]], k: int) -> list[int | None]:
    """Per column, the printed number every placement puts there, else None."""
    out: list[int | None] = []
    for i in range(k):
        values = {reading[i] if i in where else None for reading, where in ways}
        out.append(values.pop() if len(values) == 1 else None)
    return out


def _partial_finding(
    table: str, row: ShortRow, outcome: Outcome, agreed: list[int | None], columns: tuple[str, ...]
) -> Finding:
    """A short row several placements fit: the agreed columns are read, the others stay
    unknown (an error finding on the row, so the checks never count them as 0)."""
    name = spec.TABLE_LABELS[table]
    read = "、".join(
        f"「{_column_name(table, row, c)}」列为{v}"
        for c, v in zip(columns, agreed, strict=True)
        if v is not None
    )
    listed = "；".join("、".join(map(str, c)) for c in outcome.candidates[:MAX_SHOWN])
    return Finding(
        rule="PARSE-ROW-LENGTH",
        severity="error",
        stage="parse",
        table=table,
        row=row.key,
        row_label=row.label,
        raw=" | ".join(row.cells),
        line=row.line,
        values={c: v for c, v in zip(columns, agreed, strict=True) if v is not None},
        message=(
            f"{name}「{row.label}」行只印出{len(row.cells)}个数（原文：{'、'.join(row.cells)}），应为{len(columns)}个，"
            f"有{len(outcome.every)}种排列同样满足{outcome.decided_by or '表内勾稽关系'}（如：{listed}）；"
            f"各种排列一致的只有{read}，已按此读取，其余各列无法确定，按空值处理，请核对原表。"
        ),
        fault="reading",
    )


def _placed_findings(
    table: str,
    row: ShortRow,
    outcome: Outcome,
    wheres: list[tuple[int, ...]],
    tried: int,
    columns: tuple[str, ...],
) -> list[Finding]:
    """The recovery finding for a placed short row, and a blank-cell finding for each column
    it leaves empty (as for a printed blank: null, counted as 0 by the arithmetic)."""
    assert outcome.values is not None
    name = spec.TABLE_LABELS[table]
    printed = "、".join(row.cells)
    cells: list[str] = []
    blanks: list[Finding] = []
    for i, column in enumerate(columns):
        here = [i in w for w in wheres]
        if all(here):
            cells.append(str(outcome.values[i]))
            continue
        cells.append("空" if not any(here) else "0或空")
        cell_row, cell_row_label, cell_column, col_label = _cell_names(table, row, column)
        # Several placements agreeing on the numbers may differ on whether a 0 stands here.
        what = "未印出，为空白" if not any(here) else "为0或空白（不同排列的勾稽关系相同，无法区分）"
        blanks.append(
            Finding(
                rule="PARSE-CELL-BLANK",
                severity="info",
                stage="parse",
                table=table,
                row=cell_row,
                row_label=cell_row_label,
                column=cell_column,
                column_label=col_label,
                raw="",
                line=row.line,
                message=f"{name}「{cell_row_label}」行「{col_label}」列{what}，按空值处理，未计为0。",
            )
        )
    if tried > 1:
        how = f"在{tried}种使本行合计成立的读法中只有一种使{outcome.decided_by}成立"
    else:
        how = f"只有一种读法使{outcome.decided_by or describe(['T3-ROW-SUM'])}成立"
    if len(wheres) > 1:  # the same numbers from several placements: they differ only on 0 / blank
        how += f"（该读法有{len(wheres)}种排列，数值相同，只在某格是0还是空白上不同）"
    recovered = Finding(
        rule="PARSE-RECOVERED",
        severity="warning",
        stage="parse",
        table=table,
        row=row.key,
        row_label=row.label,
        raw=" | ".join(row.cells),
        line=row.line,
        values={
            c: (outcome.values[i] if v not in ("空", "0或空") else None)
            for i, (c, v) in enumerate(zip(columns, cells, strict=True))
        },
        message=(
            f"{name}「{row.label}」行只印出{len(row.cells)}个数（原文：{printed}），应为{len(columns)}个，"
            f"空白单元格未留下分隔；{how}，已读为{'、'.join(cells)}（空：空白单元格；0或空：无法区分，按空值处理），请核对原表。"
        ),
        fault="reading",
    )
    return [recovered, *blanks]


def _column_name(table: str, row: ShortRow, column: str) -> str:
    """A column as a finding names it: 表四's flat columns with their group."""
    _, row_label, _, col_label = _cell_names(table, row, column)
    return f"{row_label}{col_label}" if table == "table4" else col_label
