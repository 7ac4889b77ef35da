"""Table cells rebuilt from a PDF page's ruling lines (pure geometry, no PDF library).

Coordinates are PDF points with y growing upwards. Rules are merged per coordinate (a
rule drawn as several pieces, or twice, is one rule), their crossings found, and each cell
is the smallest rectangle whose four corners are crossings joined by rules on all four
sides. Cells sharing a corner form one table.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

SNAP = 3.0  # points: rules this close are one rule (Word draws double borders, rounding)


class Char(NamedTuple):
    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    cx: float  # centre, which decides the cell a character belongs to
    cy: float


def make_char(text: str, x0: float, x1: float, bottom: float, top: float) -> Char:
    return Char(text, x0, x1, bottom, top, (x0 + x1) / 2, (bottom + top) / 2)


class HEdge(NamedTuple):
    y: float
    x0: float
    x1: float


class VEdge(NamedTuple):
    x: float
    y0: float
    y1: float


class Cell(NamedTuple):
    x0: float
    y0: float  # bottom
    x1: float
    y1: float  # top


@dataclass(slots=True)
class Grid:
    """One ruled table: its cells, and the distinct column lefts and row tops."""

    cells: list[Cell]
    columns: list[float] = field(default_factory=list)  # cell lefts, left to right
    tops: list[float] = field(default_factory=list)  # cell tops, top to bottom
    top: float = 0.0
    bottom: float = 0.0
    left: float = 0.0
    right: float = 0.0

    slots: dict[tuple[int, int], int] = field(default_factory=dict)  # (row, column) -> cell
    tops_ascending: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.columns = _distinct(c.x0 for c in self.cells)
        self.tops = _distinct((c.y1 for c in self.cells), reverse=True)
        self.tops_ascending = self.tops[::-1]
        asc, last = self.tops_ascending, len(self.tops) - 1
        for index, c in enumerate(self.cells):
            # Rows whose top lies in (y0, y1] and columns whose left lies in [x0, x1), with slack.
            low, high = bisect_right(asc, c.y0 + SNAP), bisect_right(asc, c.y1 + SNAP)
            columns = range(bisect_left(self.columns, c.x0 - SNAP), bisect_left(self.columns, c.x1 - SNAP))
            for a in range(low, high):
                for k in columns:
                    self.slots.setdefault((last - a, k), index)
        self.top = max(c.y1 for c in self.cells)
        self.bottom = min(c.y0 for c in self.cells)
        self.left = min(c.x0 for c in self.cells)
        self.right = max(c.x1 for c in self.cells)

    def contains(self, x: float, y: float) -> bool:
        return self.left <= x <= self.right and self.bottom <= y <= self.top

    def cell_at(self, x: float, y: float) -> int | None:
        if not self.contains(x, y):
            return None
        column = bisect_right(self.columns, x) - 1
        row = len(self.tops) - bisect_left(self.tops_ascending, y) - 1  # last row whose top is >= y
        index = self.slots.get((max(row, 0), max(column, 0)))
        if index is None:
            return None
        c = self.cells[index]
        return index if c.x0 <= x <= c.x1 and c.y0 <= y <= c.y1 else None

    def column_of(self, x: float) -> int:
        """Index of the column left nearest to x (x is a cell's left edge)."""
        at = bisect_left(self.columns, x)
        if at == len(self.columns) or (at > 0 and x - self.columns[at - 1] < self.columns[at] - x):
            at -= 1
        return at

    def row_of(self, y: float) -> int:
        """Index of the row top nearest to y (y is a cell's top edge)."""
        asc = self.tops_ascending
        at = bisect_left(asc, y)
        if at == len(asc) or (at > 0 and y - asc[at - 1] < asc[at] - y):
            at -= 1
        return len(asc) - 1 - at

    def rows(self) -> list[tuple[float, list[int]]]:
        """(row top, indexes of the cells starting on that row), top to bottom."""
        out: list[tuple[float, list[int]]] = [(top, []) for top in self.tops]
        for index, c in enumerate(self.cells):
            out[self.row_of(c.y1)][1].append(index)
        for _, members in out:
            members.sort(key=lambda i: self.cells[i].x0)
        return out


def _distinct(values, reverse: bool = False) -> list[float]:
    out: list[float] = []
    for v in sorted(values, reverse=reverse):
        if not out or abs(v - out[-1]) > SNAP:
            out.append(v)
    return out


def _merge_h(edges: list[HEdge]) -> list[HEdge]:
    """Collinear horizontal pieces joined; close y values snapped to one."""
    merged: list[HEdge] = []
    for y_group in _group(sorted(edges), key=lambda e: e.y):
        y = sum(e.y for e in y_group) / len(y_group)
        for e in sorted(y_group, key=lambda e: e.x0):
            if merged and merged[-1].y == y and e.x0 <= merged[-1].x1 + SNAP:
                last = merged[-1]
                merged[-1] = HEdge(y, last.x0, max(last.x1, e.x1))
            else:
                merged.append(HEdge(y, e.x0, e.x1))
    return merged


def _merge_v(edges: list[VEdge]) -> list[VEdge]:
    flipped = _merge_h([HEdge(e.x, e.y0, e.y1) for e in edges])
    return [VEdge(e.y, e.x0, e.x1) for e in flipped]


def _group(items: list, key) -> list[list]:
    groups: list[list] = []
    for item in items:
        if groups and key(item) - key(groups[-1][-1]) <= SNAP:
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def find_tables(h_edges: list[HEdge], v_edges: list[VEdge]) -> list[Grid]:
    """Ruled tables of one page, top to bottom."""
    hs = _merge_h(h_edges)
    vs = _merge_v(v_edges)
    # Crossings: (x, y) -> (index of the horizontal rule, index of the vertical rule).
    cross: dict[tuple[float, float], tuple[int, int]] = {}
    for hi, h in enumerate(hs):
        for vi, v in enumerate(vs):
            if v.y0 - SNAP <= h.y <= v.y1 + SNAP and h.x0 - SNAP <= v.x <= h.x1 + SNAP:
                cross[(v.x, h.y)] = (hi, vi)
    if not cross:
        return []
    by_x: dict[float, list[float]] = {}  # x -> crossing ys, ascending
    by_y: dict[float, list[float]] = {}  # y -> crossing xs, ascending
    for x, y in cross:
        by_x.setdefault(x, []).append(y)
        by_y.setdefault(y, []).append(x)
    for ys in by_x.values():
        ys.sort()
    for xs in by_y.values():
        xs.sort()
    cells: list[Cell] = []
    for (x, y), (hi, vi) in cross.items():
        cell = _cell_from(x, y, hi, vi, cross, by_x, by_y)
        if cell is not None:
            cells.append(cell)
    return _tables(cells)


def _cell_from(x, y, hi, vi, cross, by_x, by_y) -> Cell | None:
    """The smallest closed cell whose top-left corner is the crossing (x, y)."""
    ys = by_x[x]
    xs = by_y[y]
    below = [yy for yy in reversed(ys[: bisect_left(ys, y)]) if cross[(x, yy)][1] == vi]
    right = [xx for xx in xs[bisect_right(xs, x) :] if cross[(xx, y)][0] == hi]
    for yy in below:
        bottom_rule = cross[(x, yy)][0]
        for xx in right:
            corner = cross.get((xx, yy))
            if corner is None:
                continue
            if corner[0] == bottom_rule and corner[1] == cross[(xx, y)][1]:
                return Cell(x, yy, xx, y)
    return None


def _tables(cells: list[Cell]) -> list[Grid]:
    """Cells that share a corner belong to one table."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[float, float], int] = {}
    for index, c in enumerate(cells):
        for corner in ((c.x0, c.y0), (c.x0, c.y1), (c.x1, c.y0), (c.x1, c.y1)):
            other = owner.setdefault(corner, index)
            if other != index:
                parent[find(other)] = find(index)
    groups: dict[int, list[Cell]] = {}
    for index, c in enumerate(cells):
        groups.setdefault(find(index), []).append(c)
    grids = [Grid(sorted(g, key=lambda c: (-c.y1, c.x0))) for g in groups.values() if len(g) > 1]
    return sorted(grids, key=lambda g: -g.top)
