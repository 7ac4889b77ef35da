"""recover.solve's compiled equations and cached plans against the direct computation (the
pass over every term of every equation solve made at each call before): the same usable
equations with the same constant parts, the same base and the same equations per row."""

from __future__ import annotations

import random
from collections.abc import Sequence

from gipr_llm.domain import spec
from gipr_llm.domain.arithmetic import Equation
from gipr_llm.parse import recover
from gipr_llm.parse.recover import Reading, _Eq, solve

ROWS = spec.T3_ROWS["2019"]


def _direct(
    fixed: dict[str, list[int | None]],
    open_rows: dict[str, list[Reading]],
    equations: list[Equation],
    columns: tuple[str, ...],
) -> tuple[list[_Eq], list[Equation], dict[str, list[Equation]]]:
    """solve's pass over the equations before they were compiled, verbatim."""
    col_index = {c: i for i, c in enumerate(columns)}
    singles = {r: c[0] for r, c in open_rows.items() if len(c) == 1}
    constant: dict[str, Sequence[int | None]] = {**fixed, **singles}
    searched = {r: c for r, c in open_rows.items() if len(c) != 1}
    base: list[Equation] = []
    usable: list[_Eq] = []
    single_eqs: dict[str, list[Equation]] = {r: [] for r in singles}
    for eq in equations:
        varying: list[tuple[str, int, int]] = []
        const = 0
        rows: set[str] = set()
        for (_, row, col), coef in eq.terms:
            ci = col_index[col]
            rows.add(row)
            if row in searched:
                varying.append((row, ci, coef))
            elif row in constant and (value := constant[row][ci]) is not None:
                const += coef * value
            else:
                break
        else:
            for row in rows & singles.keys():
                single_eqs[row].append(eq)
            if varying:
                usable.append(_Eq(eq, varying, frozenset(r for r, _, _ in varying), const))
            elif const and single_eqs.keys() & rows:
                base.append(eq)
    return usable, base, single_eqs


def _planned(
    fixed: dict[str, list[int | None]],
    open_rows: dict[str, list[Reading]],
    equations: list[Equation],
    columns: tuple[str, ...],
) -> tuple[list[_Eq], list[Equation], dict[str, list[Equation]]]:
    """The same through the compiled equations and the plan cache, as solve takes them."""
    compiled, plans = recover._compiled(equations, columns)
    singles = {r: c[0] for r, c in open_rows.items() if len(c) == 1}
    constant: dict[str, Sequence[int | None]] = {**fixed, **singles}
    searched = {r: c for r, c in open_rows.items() if len(c) != 1}
    plan = recover._plan(plans, compiled, searched, singles, fixed, constant)
    usable, base = recover.with_constants(plan, constant)
    assert plan.decided == {r: recover.describe(e.rule for e in eqs) for r, eqs in plan.single_eqs.items()}
    return usable, base, plan.single_eqs


def _random_table(rng: random.Random) -> tuple[dict[str, list[int | None]], dict[str, list[Reading]]]:
    """Mostly zeros (every equation holds) with a few other numbers, so that some tables are
    read, some break one cell and some break several; rows fixed (some cells unknown), with
    no, one or several readings, or missing."""
    k = len(spec.T3_COLUMNS)

    def number() -> int:
        return 0 if rng.random() < 0.97 else rng.randint(1, 3)

    fixed: dict[str, list[int | None]] = {}
    open_rows: dict[str, list[Reading]] = {}
    for row in ROWS:
        kind = rng.random()
        if kind < 0.05:
            continue  # a missing row
        if kind < 0.5:
            fixed[row] = [None if rng.random() < 0.03 else number() for _ in range(k)]
        else:
            n = 0 if rng.random() < 0.03 else rng.choice([1, 1, 1, 2, 3])
            open_rows[row] = [tuple(number() for _ in range(k)) for _ in range(n)]
    return fixed, open_rows


def test_compiled_terms_are_the_equations_terms() -> None:
    for equations, columns in (
        (recover.table3_eqs(ROWS, "2019"), spec.T3_COLUMNS),
        (recover._t4_eqs(), recover.T4_FLAT_COLUMNS),
    ):
        compiled = recover.compile_terms(equations, columns)
        assert [c.eq for c in compiled] == equations
        for c in compiled:
            assert c.terms == tuple((row, columns.index(col), coef) for (_, row, col), coef in c.eq.terms)
            assert c.rows == {row for (_, row, _), _ in c.eq.terms}
        # cached per list object: the same compiled terms for the same list, fresh for a copy
        assert recover._compiled(equations, columns)[0] is recover._compiled(equations, columns)[0]
        assert recover._compiled(list(equations), columns)[0] == compiled


def test_plans_give_what_the_direct_pass_gives() -> None:
    rng = random.Random(18)
    equations = recover.table3_eqs(ROWS, "2019")
    seen_usable = seen_base = seen_single = 0
    # Few distinct shapes at first (the plan then comes from the cache), many later.
    for case in range(600):
        fixed, open_rows = _random_table(random.Random(case % 40) if case < 200 else rng)
        # numbers differ between repeats of a shape: the plan is shared, the constants not
        for values in fixed.values():
            for i, v in enumerate(values):
                if v is not None:
                    values[i] = rng.choice((0, 0, 0, 1))
        # the same rows with one cell more unknown (same row sets, another plan), or fewer
        other = {row: list(values) for row, values in fixed.items()}
        if other:
            values = other[rng.choice(list(other))]
            i = rng.randrange(len(values))
            values[i] = None if values[i] is not None else 0
        for table in (fixed, other, fixed):
            want = _direct(table, open_rows, equations, spec.T3_COLUMNS)
            got = _planned(table, open_rows, equations, spec.T3_COLUMNS)
            assert got == want
        seen_usable += bool(want[0])
        seen_base += bool(want[1])
        seen_single += any(want[2].values())
    assert min(seen_usable, seen_base, seen_single) > 50  # the cases exercise every part


def test_solve_is_the_same_from_the_cache_and_from_scratch() -> None:
    rng = random.Random(7)
    decided = 0
    equations = recover.table3_eqs(ROWS, "2019")
    for _ in range(300):
        fixed, open_rows = _random_table(rng)
        first = solve(fixed, open_rows, equations, spec.T3_COLUMNS)
        again = solve(fixed, open_rows, equations, spec.T3_COLUMNS)  # the plan from the cache
        fresh = solve(fixed, open_rows, list(equations), spec.T3_COLUMNS)  # compiled anew
        assert first == again == fresh
        decided += any(o.values is not None for o in first.values())
    assert decided > 30
