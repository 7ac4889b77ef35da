"""Logical table rows from lines of cells, whatever the layout; and row alignment.

Three layouts reach the parser (spec, 'What real copies look like'): one cell per line
(labels broken over several lines, blank lines inside labels), tab- or pipe-delimited rows
(leading label cells, trailing empty cells), and real table grids (HTML/DOCX). One rule
covers them: a row is the label text gathered since the previous row's data, followed by
its data cells; a line that carries only text continues the label.

Alignment never shifts a value silently: when a row has more or fewer cells than its
columns, every way of dropping the surplus is tried, and only positions on which all of
them agree keep a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations, pairwise
from math import comb

from gipr_llm.domain.models import Line
from gipr_llm.domain.textnorm import CELL_PADDING, squash
from gipr_llm.parse.cells import Cell, is_empty, parse_cell
from gipr_llm.parse.flat import chunks

_MAX_CANDIDATES = 4096
# Text that is a mangled number rather than a label fragment: digits, Chinese numerals,
# look-alike letters, question marks.
_GARBLED_NUMBER = re.compile(r"^[0-9〇零一二三四五六七八九十百千两OoIlL.,?？*#]+$")
# A number written in a form the template does not allow (「5%」「(5)」「约5」「5-」「1.5e3」
# 「12万」): it still takes its column, as an unreadable cell, rather than joining the label
# and shifting every later value one column left.
_ODD_NUMBER = re.compile(
    r"^[(（]?\s*(?:约|近|逾|超|≈|~|～|<|>|＜|＞)?\s*[+-]?\d[\d,.]*(?:[eE][+-]?\d+)?\s*"
    r"(?:%|‰|万|千|亿|余|多|-|－|—|–)*\s*[)）]?$"
)


@dataclass(slots=True)
class RawRow:
    label: str  # squashed label text (all label fragments joined)
    cells: list[str]  # data cells, raw
    line: int  # source line number of the first data cell


@dataclass(slots=True)
class Alignment:
    cells: list[Cell]  # exactly k; state "unaligned" where the row cannot tell
    surplus: int = 0  # cells dropped (positive) or missing (negative)
    raw: list[str] = field(default_factory=list)


# Cached by the cells alone (one argument: the call's own argument tuple is the key), so
# build_rows' lookup per line builds no key of its own; the table-aware exceptions are
# _line_parts'.
@lru_cache(maxsize=1 << 16)
def _split_cells(cells: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(label cells, data cells, has_data) of one line; nothing for page furniture."""
    if len(cells) == 1:  # one cell per line: most lines of a text copy
        return _split_one(cells[0])
    if _cell_class(cells[0]) == _TEXT:
        # The common rows of a delimited table: a label cell (or two: 「(三)不予公开」 then
        # 「1.属于国家秘密」), then values. What the general path below gives them, without a
        # lookup per cell; those looked up are not _SPACED, being of another class.
        second = _cell_class(cells[1])
        if second == _VALUE and _none_spaced(cells[2:]):
            return cells[:1], cells[1:], True
        if second == _TEXT and len(cells) > 2 and _cell_class(cells[2]) == _VALUE and _none_spaced(cells[3:]):
            return cells[:2], cells[2:], True
    # One cached lookup per cell; cells repeat across reports where whole rows do not.
    kinds = list(map(_cell_class, cells))
    # A cell that is a value is never page furniture (no footer or rule parses as a
    # number), so the furniture test is needed only for a line without a value.
    if _VALUE not in kinds and _is_furniture(cells):  # before _unspace: 「— 5 —」 would split
        return (), (), False
    if _SPACED in kinds:
        cells, kinds = _unspace(cells, kinds)
    if _VALUE not in kinds:
        label = tuple(c for c, k in zip(cells, kinds, strict=True) if k == _TEXT)
        glued = _GLUED.match(squash(label[-1])) if label else None
        if glued and _CJK.search(glued.group("label")):
            # 「行政规范性文件8855698」: a text dump that lost the cell separators.
            return (*label[:-1], glued.group("label")), (glued.group("digits"),), True
        return label, (), False
    first_value = kinds.index(_VALUE)
    # The label cells: text cells before the first value. Most rows have one (or none),
    # found by list methods; the loop only for several.
    head = kinds[:first_value]
    texts = head.count(_TEXT)
    if texts == 0:
        label, last_label = (), -1
    elif texts == 1:
        last_label = head.index(_TEXT)
        label = (cells[last_label],)
    else:
        label_at = [i for i in range(first_value) if kinds[i] == _TEXT]
        label, last_label = tuple([cells[i] for i in label_at]), label_at[-1]
    if len(kinds) - kinds.count(_EMPTY) == 1:  # one cell per line: indentation is not a blank cell
        return label, (cells[first_value],), True
    # Data start after the last label cell, so empty placeholders there stay in the data
    # and alignment decides about them.
    return label, cells[last_label + 1 :], True


@lru_cache(maxsize=1 << 16)  # keyed by the one cell: build_rows calls it for one-cell lines
def _split_one(cell: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """``_split_cells`` of a one-cell line, without the list work of the general case."""
    kind = _cell_kind(cell)
    if kind == _EMPTY:
        return (), (), False
    if kind == _VALUE:  # a value is never page furniture (footers and rules do not parse)
        return (), (cell,), True
    if _is_furniture((cell,)):
        return (), (), False
    if spaced := _spaced_values(cell):
        return _split_cells(spaced)
    if (run := cell.strip()).isdigit() and run.isascii():
        # A digit run longer than any cell (表四's fifteen cells glued): the row's cells,
        # to be cut by the arithmetic, as in a flattened copy.
        return (), tuple(chunks(run)), True
    glued = _GLUED.match(squash(cell))
    if glued and _CJK.search(glued.group("label")):
        return (glued.group("label"),), (glued.group("digits"),), True
    return (cell,), (), False


def _spaced_values(cell: str) -> tuple[str, ...] | None:
    """A cell holding several cells separated by spaces (web innerText, copy-paste:
    「予以公开 31 2 0 0 0 0 33」, 「0  0」 between two tabs): the label text, then one cell per
    value. The spaces are the printed separators, so the values are read as printed, not cut
    by the arithmetic as glued digits would be. None when the cell is not of that form."""
    tokens = cell.split()
    if len(tokens) < 2:
        return None
    values = 0
    numbers = 0
    for token in reversed(tokens):
        state = parse_cell(token).state
        if state == "unreadable":
            break
        values += 1
        numbers += state == "value"
    label = tokens[: len(tokens) - values]
    named = bool(label) and _CJK.search(label[-1]) is not None
    # Two values or more; or one number after a label (「1.本机关不掌握相关政府信息 171」). A
    # row of blank and n/a marks only (「— / 无」) needs its label, or the length of a row.
    if numbers:
        if values < (1 if named else 2):
            return None
    elif values < (2 if named else 4):
        return None
    return (*((" ".join(label),) if label else ()), *tokens[len(tokens) - values :])


def _unspace(cells: tuple[str, ...], kinds: list[int]) -> tuple[tuple[str, ...], list[int]]:
    """Cells of a delimited line with any space-separated cells inside them split apart, and
    their ``_cell_kind``. ``kinds``: the cells' ``_cell_class``; only a ``_SPACED`` cell has
    several tokens, so only those are tried (``_spaced_values`` of any other cell is None,
    and its class is its kind)."""
    out: list[str] = []
    out_kinds: list[int] = []
    for cell, kind in zip(cells, kinds, strict=True):
        if kind == _SPACED:
            parts, part_kinds = _spaced_parts(cell)
            out.extend(parts)
            out_kinds.extend(part_kinds)
        else:
            out.append(cell)
            out_kinds.append(kind)
    return tuple(out), out_kinds


@lru_cache(maxsize=1 << 14)  # mostly labels holding a space (「1. 没有现成信息需要另行制作」): they recur
def _spaced_parts(cell: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """What ``_unspace`` makes of one ``_SPACED`` cell: its cells, and their kinds."""
    parts = _spaced_values(cell) or (cell,)
    return parts, tuple(map(_cell_kind, parts))


def _none_spaced(cells: tuple[str, ...]) -> bool:
    """True only if no cell holds two space-separated tokens (none is ``_SPACED``), found by
    string methods on the joined cells instead of a lookup per cell. False when it cannot
    tell so cheaply: a cell holding the joiner, padding other than one space each side."""
    joined = "\x00".join(cells)
    if joined.count("\x00") != len(cells) - 1:
        return False
    # Without one padding space either side of each cell, a space left between two
    # characters is inside a cell (split's leading and trailing whitespace is the first
    # cell's and the last one's padding).
    return len(joined.replace(" \x00", "\x00").replace("\x00 ", "\x00").split(None, 1)) < 2


_EMPTY, _VALUE, _TEXT = 0, 1, 2
_GLUED = re.compile(r"^(?P<label>.*[^\d.,])(?P<digits>\d{2,})$")
_CJK = re.compile(r"[\u4e00-\u9fff]")

# Lines that are not table content: page footers of PDF/OCR copies inside a table
# (「— 5 —」, 「第3页 共9页」) and Markdown's header separator row (|---|:--:|).
_PAGE_FOOTER = re.compile(r"^[-—–－]+\s*\d+\s*[-—–－]+$|^第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?$")
_MARKDOWN_RULE = re.compile(r"^:?-{3,}:?$")


def _is_furniture(cells: tuple[str, ...]) -> bool:
    non_empty = [c.strip() for c in cells if c.strip()]
    if not non_empty:
        return False
    if len(non_empty) == 1 and _PAGE_FOOTER.match(non_empty[0]):
        return True
    return all(_MARKDOWN_RULE.match(c) for c in non_empty)


_SPACED = 3  # a cell holding several space-separated tokens (``_unspace`` splits it)


@lru_cache(maxsize=1 << 16)
def _cell_class(raw: str) -> int:
    """``_cell_kind`` of a cell, or ``_SPACED`` when ``_unspace`` would split it."""
    return _SPACED if len(raw.split()) > 1 else _cell_kind(raw)


@lru_cache(maxsize=1 << 16)
def _cell_kind(raw: str) -> int:
    if is_empty(raw):
        return _EMPTY
    return _TEXT if parse_cell(raw).state == "unreadable" else _VALUE


def build_rows(
    lines: Sequence[Line],
    is_row_label: Callable[[str], bool],
    max_cells: int,
    blank_row: Callable[[str], bool] | None = None,
) -> list[RawRow]:
    """Group lines into logical rows.

    ``is_row_label(squashed)`` says whether text names a row. A lone text cell followed by
    values is normally a label fragment; it is an unreadable cell instead when it sits
    among the values of an unfinished row and names no row, or when it looks like a
    mangled number right after a complete row label.

    ``blank_row(squashed)`` says whether a real table row (``Line.in_table``) whose data
    cells are all empty is a row of blank cells rather than a label continued from the
    row above; plain text cannot tell the two apart, so there it is always a label.
    """
    rows: list[RawRow] = []
    pending: list[str] = []
    current: RawRow | None = None
    current_lines = 0
    # One pass over the lines. A lone label cell waits for the next line with content:
    # what it is depends on whether that line has data (``held``, decided there). One still
    # held after the last line would only join the pending label, which no row takes.
    held: str | None = None
    held_number = 0
    for line in lines:
        cells = line.cells
        # _split_one is cached by the string itself (no tuple built); the general case by
        # the cells. Only a line _line_parts' exceptions may apply to goes the long way:
        # several label cells before data, or a table grid's row without data.
        label, data, has_data = _split_one(cells[0]) if len(cells) == 1 else _split_cells(tuple(cells))
        if (has_data and len(label) > 1) or (
            line.in_table and blank_row is not None and label and not has_data
        ):
            label, data, has_data = _line_parts(tuple(cells), line.in_table, is_row_label, blank_row)
        if not label and not has_data:
            continue
        if held is not None:
            lone, held, handled = held, None, False
            if has_data:  # the lone label cell sits right before data
                text = squash(lone)
                if current is not None and len(current.cells) < max_cells and not is_row_label(text):
                    current.cells.append(lone)
                    handled = True
                elif current is None and pending and _GARBLED_NUMBER.match(text):
                    pending_label = squash("".join(pending))
                    if is_row_label(pending_label):
                        current = RawRow(pending_label, [lone], held_number)
                        current_lines = 1
                        pending = []
                        rows.append(current)
                        handled = True
            if not handled:
                current = None
                pending.append(lone)
        if has_data:
            if label or current is None:
                current = RawRow(squash("".join(pending) + "".join(label)), list(data), line.number)
                current_lines = 1
                pending = []
                rows.append(current)
            else:
                if current_lines == 1 and len(current.cells) > 1:
                    current.cells = _trim(current.cells)
                current.cells.extend(_trim(list(data)) if len(data) > 1 else data)
                current_lines += 1
        elif len(label) == 1:
            held, held_number = label[0], line.number
        else:
            current = None
            pending.extend(label)
    return rows


@lru_cache(maxsize=1 << 14)  # the few lines build_rows sends here recur across reports
def _line_parts(
    cells: tuple[str, ...],
    in_table: bool,
    is_row_label: Callable[[str], bool],
    blank_row: Callable[[str], bool] | None,
) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """(label cells, data cells, has_data) of one line, with the two table-aware exceptions."""
    label, data, has_data = _split_cells(cells)
    if has_data and len(label) > 1 and _looks_like_number(squash(label[-1])):
        # 「本机关不掌握…」 | O | 0 …: a mangled first value, not the end of the label.
        head = label[:-1]
        if is_row_label(squash("".join(head))):
            # The split's data start right after its last label cell, so the mangled value
            # heads them; taken from the split, not searched for among the line's own cells,
            # which a spaced cell (「0 0 0」) split into several no longer line up with.
            return head, (label[-1], *data), True
    if not has_data and label and in_table and blank_row is not None:
        # a line without values is not unspaced: its label cells are its own cells
        last_label = max(i for i, c in enumerate(cells) if c == label[-1])
        blanks = cells[last_label + 1 :]
        if blanks and blank_row(squash("".join(label))):
            return label, blanks, True
    return label, data, has_data


def _looks_like_number(text: str) -> bool:
    return bool(_GARBLED_NUMBER.match(text) or _ODD_NUMBER.match(text))


def _trim(cells: list[str]) -> list[str]:
    start = 0
    end = len(cells)
    while start < end and not cells[start].strip(CELL_PADDING):  # is_empty, inlined
        start += 1
    while end > start and not cells[end - 1].strip(CELL_PADDING):
        end -= 1
    return cells[start:end]


def align(cells: list[str], k: int) -> Alignment:
    """The k column values of a row of n cells: where n > k, every way of dropping the
    surplus is considered, and a position keeps a value only if all of them agree on it.

    The ways are never built: a way that drops j cells before a position reads that
    position from ``cells[position + j]``, and every j the row allows is reachable, so a
    position is checked against at most ``surplus + 1`` cells (k x (surplus + 1) work,
    where listing the ways was C(n, surplus)). Only empty edge cells to drop: j runs over
    the possible numbers of empty leading cells dropped. Otherwise j is 0..surplus, and
    rows with more than ``_MAX_CANDIDATES`` ways stay unaligned (too ambiguous to trust).
    """
    n = len(cells)
    if n == k:
        return Alignment([parse_cell(c) for c in cells], raw=cells)
    if n < k:
        return Alignment([Cell("", "unaligned")] * k, surplus=n - k, raw=cells)
    excess = n - k
    # is_empty inlined: align runs for every row printed with trailing separators
    lead = 0
    while lead < n and not cells[lead].strip(CELL_PADDING):
        lead += 1
    trail = 0
    while trail < n - lead and not cells[n - 1 - trail].strip(CELL_PADDING):
        trail += 1
    if lead + trail >= excess:
        offsets = range(max(0, excess - trail), min(lead, excess) + 1)
        if len(offsets) == 1:  # only empty edge cells to drop, in one possible way
            return Alignment([parse_cell(c) for c in cells[offsets[0] : offsets[0] + k]], raw=cells)
        chosen = offsets[0]  # the reading reported when all agree (the first way listed)
    elif comb(n, excess) <= _MAX_CANDIDATES:
        offsets = range(excess + 1)
        chosen = excess  # the first way listed drops the first `excess` cells
    else:
        return Alignment([Cell("", "unaligned")] * k, surplus=excess, raw=cells)
    out: list[Cell] = []
    for position in range(k):
        first = parse_cell(cells[position + chosen])
        agreed = all(
            (cell.state, cell.value) == (first.state, first.value)
            for cell in (parse_cell(cells[position + j]) for j in offsets)
        )
        out.append(first if agreed else Cell("", "unaligned"))
    return Alignment(out, surplus=excess, raw=cells)


def split_glued(
    digits: str, k: int, holds: Callable[[list[int]], bool], limit: int = 20000
) -> list[list[int]]:
    """Every way to cut a run of digits into k printed numbers that satisfies ``holds``.

    Printed numbers have no leading zeros, so "000" is three zeros and nothing else.
    Returns [] when the run is too long to try (more than ``limit`` cuttings).
    """
    n = len(digits)
    if not k <= n or comb(n - 1, k - 1) > limit:
        return []
    found: list[list[int]] = []
    for cuts in combinations(range(1, n), k - 1):
        bounds = (0, *cuts, n)
        parts = [digits[a:b] for a, b in pairwise(bounds)]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue
        values = [int(p) for p in parts]
        if holds(values):
            found.append(values)
    return found
