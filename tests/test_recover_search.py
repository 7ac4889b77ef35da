"""recover._search against the search as it was before issue 18 (its last row counted by map,
no search when a row has no reading): the same outcomes, broken equations and node cap,
over many random tables."""

from __future__ import annotations

import random

import pytest

from gipr_llm.domain.arithmetic import Equation
from gipr_llm.parse import recover
from gipr_llm.parse.recover import Outcome, Reading, _Eq, _one_cell, _search, describe


# The search before issue 18, verbatim but for its name and the module's caps read from the
# module (so a test can lower them): the reference the faster search must agree with.
def _reference_search(
    open_rows: dict[str, list[Reading]], usable: list[_Eq], base: list[Equation]
) -> tuple[dict[str, Outcome], list[Equation] | None]:
    """Branch and bound over the rows with several readings. Returns the outcomes and the
    equations the kept reading breaks (None when no reading is kept)."""
    empty = {row: Outcome(None, []) for row, cands in open_rows.items() if not cands}
    order = sorted((r for r in open_rows if open_rows[r]), key=lambda r: len(open_rows[r]))
    position = {row: i for i, row in enumerate(order)}
    live = [e for e in usable if not any(r in empty for r in e.rows)]
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
    for i, e in enumerate(live):
        due[max(position[r] for r in e.rows)].append(i)
        per_depth = [(0, 0)] * (len(order) + 1)
        lo = hi = 0
        for depth in range(len(order) - 1, -1, -1):
            row = order[depth]
            if row in e.rows:
                columns = by_column[row]
                terms = [[coef * v for v in columns[ci]] for r, ci, coef in e.terms if r == row]
                sums = list(map(sum, zip(*terms, strict=True)))
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
    partial = [e.const for e in live]
    doomed = [False] * len(live)
    chosen: dict[str, Reading] = {}
    best: list[tuple[dict[str, Reading], list[Equation]]] = []
    seen: dict[str, dict[Reading, None]] = {row: {} for row in order}  # every best reading, per row
    best_cost = [len(usable) + len(base) + 1]
    nodes = [0]

    def search(depth: int, cost: int, broken: list[Equation]) -> bool:
        if nodes[0] > recover.MAX_NODES:
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
                ok = search(depth + 1, cost + len(now), broken + [live[i].eq for i in now])
                for i in now:
                    doomed[i] = False
            for i, share in zip(touched, delta, strict=True):
                partial[i] -= share
            if not ok:
                del chosen[row]
                return False
        chosen.pop(row, None)
        return True

    finished = search(0, len(base), list(base))
    out: dict[str, Outcome] = dict(empty)
    for row in order:
        values = list(seen[row])
        out[row] = Outcome(
            None,
            values[: recover.MAX_SHOWN] if finished else [],
            cost=best_cost[0],
            every=values if finished else [],
        )
    if not finished or not best or empty:
        return out, None
    cost = best_cost[0]
    if cost and not all(_one_cell(b[1]) for b in best):
        return out, None  # the best reading needs several errors in the report: no reading
    broken = best[0][1] if len(best) == 1 else []
    for row in order:
        if len(out[row].candidates) == 1:
            mine = [b for b in broken if any(r == row for _, r, _ in b.cells())]
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



def _random_case(rng: random.Random) -> tuple[dict[str, list[Reading]], list[_Eq], list[Equation]]:
    rows = [f"r{i}" for i in range(rng.randint(1, 4))]
    open_rows = {
        # the first row has a reading; the others may have none (the search is then cut short)
        row: [
            tuple(rng.randint(0, 3) for _ in range(3))
            for _ in range(rng.choice([0, 2, 3, 5, 9]) if i else rng.randint(1, 9))
        ]
        for i, row in enumerate(rows)
    }
    usable: list[_Eq] = []
    for n in range(rng.randint(1, 7)):
        mine = rng.sample(rows, rng.randint(1, len(rows)))
        terms = [
            (row, rng.randrange(3), rng.choice([1, -1])) for row in mine for _ in range(rng.randint(1, 3))
        ]
        eq = Equation(
            rng.choice(["T3-ROW-SUM", "T3-OUTCOME-SUM", "T3-BALANCE"]),
            "table3",
            mine[0],
            f"c{n}",
            tuple((("table3", row, f"c{ci}"), coef) for row, ci, coef in terms),
            ("table3", mine[0], "c0"),
        )
        usable.append(_Eq(eq, terms, frozenset(mine), rng.randint(-4, 4)))
    base = [usable[0].eq] if rng.random() < 0.2 else []
    return open_rows, usable, base


@pytest.mark.parametrize("cap", [recover.MAX_NODES, 7, 30])
def test_search_agrees_with_the_reference_search(cap, monkeypatch):
    monkeypatch.setattr(recover, "MAX_NODES", cap)
    rng = random.Random(18 + cap)
    decided = capped = emptied = 0
    for _ in range(3000):
        open_rows, usable, base = _random_case(rng)
        got, broken = _search(open_rows, usable, base)
        want, want_broken = _reference_search(open_rows, usable, base)
        assert broken == want_broken
        if all(open_rows.values()):
            assert got == want
        else:
            # A row with no reading: nothing is kept (as before), and the other rows are no
            # longer searched for candidates that no caller used (recover_table3's first pass).
            assert broken is None
            assert got == {row: Outcome(None, []) for row in open_rows}
            assert all(o.values is None for o in want.values())
            # solve gives its single-reading rows the first outcome's cost: 0 before and now
            assert next(iter(want.values())) == Outcome(None, [])
            emptied += 1
        decided += any(o.values is not None for o in got.values())
        capped += any(o.candidates == [] for o in got.values())
    # the cases reach both decided rows and (under the low caps) cut-off searches
    assert decided > 100
    assert capped > 100
    assert emptied > 100
