"""rows.align without listing the ways to drop surplus cells gives the listing's answer.

``_listing_align`` is the previous implementation, kept here only as the reference: it
built every candidate row (C(n, surplus) of them) and compared them position by position.
"""

from __future__ import annotations

import random
from itertools import combinations
from math import comb

from gipr_llm.parse.cells import Cell, is_empty, parse_cell
from gipr_llm.parse.rows import _MAX_CANDIDATES, Alignment, align


def _listing_align(cells: list[str], k: int) -> Alignment:
    n = len(cells)
    if n == k:
        return Alignment([parse_cell(c) for c in cells], raw=cells)
    if n < k:
        return Alignment([Cell("", "unaligned")] * k, surplus=n - k, raw=cells)
    excess = n - k
    lead = 0
    while lead < n and is_empty(cells[lead]):
        lead += 1
    trail = 0
    while trail < n - lead and is_empty(cells[n - 1 - trail]):
        trail += 1
    if lead + trail >= excess:
        candidates = [cells[a : n - (excess - a)] for a in range(max(0, excess - trail), min(lead, excess) + 1)]
    elif comb(n, excess) <= _MAX_CANDIDATES:
        candidates = [
            [c for i, c in enumerate(cells) if i not in drop] for drop in map(set, combinations(range(n), excess))
        ]
    else:
        return Alignment([Cell("", "unaligned")] * k, surplus=excess, raw=cells)
    if len(candidates) == 1:
        return Alignment([parse_cell(c) for c in candidates[0]], raw=cells)
    parsed = [[parse_cell(c) for c in cand] for cand in candidates]
    out: list[Cell] = []
    for position in range(k):
        first = parsed[0][position]
        if all((p[position].state, p[position].value) == (first.state, first.value) for p in parsed[1:]):
            out.append(first)
        else:
            out.append(Cell("", "unaligned"))
    return Alignment(out, surplus=excess, raw=cells)


# Few distinct cells, so that runs of equal values (where readings agree) are common;
# " 0" vs "0" and "０" check that the reported cell keeps the first reading's raw text.
_POOL = ["", "", " ", "0", "0", " 0", "０", "1", "2", "12", "-", "/", "无", "x", "3件"]


def test_same_output_as_listing_every_way_on_random_rows():
    rng = random.Random(18)
    checked = 0
    for _ in range(4000):
        k = rng.randint(1, 9)
        n = rng.randint(max(0, k - 2), k + rng.choice((1, 2, 3, 4, 5)))
        cells = [rng.choice(_POOL) for _ in range(n)]
        if rng.random() < 0.3:  # empty edges, the window case
            cells = [""] * rng.randint(0, 3) + cells + [""] * rng.randint(0, 3)
        assert align(cells, k) == _listing_align(cells, k), (cells, k)
        checked += 1
    assert checked == 4000


def test_markdown_row_with_many_surplus_cells():
    # A Markdown row whose pipes give surplus cells on both sides of the values.
    cells = ["", "5", "", "0", "0", "0", "0", "0", "0", "0", "0", "0", "7", ""]
    for k in (7, 9, 11):
        assert align(cells, k) == _listing_align(cells, k)
    got = align(cells, 9)
    assert got.surplus == 5
    assert [c.state for c in got.cells].count("unaligned") >= 1  # 5 and 7 cannot be placed
