"""build_rows' per-line split: the shortcuts agree with the tests they stand in for."""

from __future__ import annotations

import random

from gipr_llm.parse.rows import _VALUE, _cell_kind, _is_furniture

# Cells near the furniture patterns (footers, Markdown rules) and near numbers.
_POOL = [
    "", " ", "\u3000", "\u200b", "0", "5", "12", "-5", "+3", "1,234", "5.0", "５", "(5)", "5件", "5(注)",
    "— 5 —", "-5-", "－5－", "—5—", "- 12 -", "第3页", "第 3 页 共 9 页", "---", ":--:", ":---", "--",
    "—", "-", "/", "无", "规章", "予以公开", "5%", "约5", "O", "\u200b5", "5\u200b", "-5-\u200b", "\xa05\xa0",
]


def _random_cell(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return rng.choice(_POOL)
    return "".join(rng.choice("0123456789-—－–:第页共 \u3000\u200b") for _ in range(rng.randint(1, 6)))


def test_a_line_with_a_value_is_never_furniture():
    # _split_cells skips _is_furniture for a line with a value cell (and no spaced cell)
    rng = random.Random(20261207)
    seen_value = seen_furniture = 0
    for _ in range(200_000):
        cells = tuple(_random_cell(rng) for _ in range(rng.randint(1, 4)))
        if any(_cell_kind(c) == _VALUE for c in cells):
            seen_value += 1
            assert not _is_furniture(cells), cells
        else:
            seen_furniture += _is_furniture(cells)
    assert seen_value > 10_000 and seen_furniture > 1_000


def test_plain_counts_equals_plain_row_of_whole_numbers():
    from gipr_llm.parse.tables import _plain_counts, _plain_row

    def slow(cells: list[str]) -> list[int] | None:
        parsed = _plain_row(tuple(cells), 7)
        if parsed is None or any(type(c.value) is not int for c in parsed):
            return None
        return [c.value for c in parsed]

    pool = ["0", "7", "12", "999", "1000", "007", "00", " 5", "5 ", "５", "1,234", "5.0", "5件", "-", "", "/", "x"]
    rng = random.Random(18)
    plain = 0
    for _ in range(100_000):
        cells = [rng.choice(pool) for _ in range(rng.randint(5, 10))]
        expected = slow(cells)
        plain += expected is not None
        assert _plain_counts(cells, 7) == expected, cells
    assert plain > 1_000


def test_split_cells_label_cells_as_the_index_list_found_them():
    # _split_cells finds one or no label cell by list methods; the index list it replaced
    # (every text cell before the first value, data from after the last of them) is the reference.
    from gipr_llm.parse.rows import _EMPTY, _SPACED, _TEXT, _cell_class, _split_cells

    pool = ["", " ", "0", "7", " 12 ", "规章", "予以公开 ", "(三) 不予公开", "5. 属于国家秘密", "O", "—", "5%"]
    rng = random.Random(3)
    checked = 0
    for _ in range(50_000):
        cells = tuple(rng.choice(pool) for _ in range(rng.randint(2, 11)))
        kinds = [_cell_class(c) for c in cells]
        if _VALUE not in kinds or _SPACED in kinds:  # no value, or a spaced cell: the other paths
            continue
        first = kinds.index(_VALUE)
        label_at = [i for i in range(first) if kinds[i] == _TEXT]
        data = (cells[first],) if len(kinds) - kinds.count(_EMPTY) == 1 else cells[(label_at[-1] if label_at else -1) + 1 :]
        assert _split_cells.__wrapped__(cells) == (tuple(cells[i] for i in label_at), data, True), cells
        checked += len(label_at) > 1
    assert checked > 1_000


def _split_cells_reference(cells: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """_split_cells as it was before its fast path for a label-then-values row and its cached
    _unspace of one spaced cell: every cell looked up, furniture tested on any spaced line."""
    from gipr_llm.domain.textnorm import squash
    from gipr_llm.parse.rows import _CJK, _EMPTY, _GLUED, _SPACED, _TEXT, _cell_class, _spaced_values

    kinds = [_cell_class(c) for c in cells]
    if _VALUE not in kinds or _SPACED in kinds:
        if _is_furniture(cells):
            return (), (), False
        if _SPACED in kinds:
            out: list[str] = []
            for cell, kind in zip(cells, kinds, strict=True):
                out.extend((_spaced_values(cell) or (cell,)) if kind == _SPACED else (cell,))
            cells = tuple(out)
            kinds = [_cell_kind(c) for c in cells]
    if _VALUE not in kinds:
        label = tuple(c for c, k in zip(cells, kinds, strict=True) if k == _TEXT)
        glued = _GLUED.match(squash(label[-1])) if label else None
        if glued and _CJK.search(glued.group("label")):
            return (*label[:-1], glued.group("label")), (glued.group("digits"),), True
        return label, (), False
    first = kinds.index(_VALUE)
    label_at = [i for i in range(first) if kinds[i] == _TEXT]
    if len(kinds) - kinds.count(_EMPTY) == 1:
        return tuple(cells[i] for i in label_at), (cells[first],), True
    return tuple(cells[i] for i in label_at), cells[(label_at[-1] if label_at else -1) + 1 :], True


def test_split_cells_equals_the_reference_on_varied_rows():
    # The label(s)-then-values fast path (_none_spaced: string methods on the joined cells) and
    # the cached split of a spaced cell give what looking up every cell gave.
    from gipr_llm.parse.rows import _TEXT, _cell_class, _none_spaced, _split_cells

    pads = ["", " ", "  ", "\t", "\u3000", "\xa0", "\x00"]
    words = ["0", "7", "12", "1,234", "5件", "5 件", "—", "/", "无", "O", "5%", "— 5 —", "---", "1 2"]
    words += ["规章", "予以公开", "(三) 不予公开", "1. 没有现成信息需要另行制作", "予以公开 31 2 0"]
    words += ["0  0", "a\x00 b", "行政规范性文件8855698", "第 3 页", "x y z 4 5", ""]
    rng = random.Random(24)
    fast = 0
    for _ in range(100_000):
        # Half the rows shaped as a delimited table's (one padding space, a label first).
        shaped = rng.random() < 0.5
        cells = tuple(
            (" " if shaped else rng.choice(pads)) + rng.choice(words) + (" " if shaped else rng.choice(pads))
            for _ in range(rng.randint(2, 11))
        )
        if shaped:
            cells = (rng.choice(["规章", "(三) 不予公开 ", "一、新收"]), *cells)
        assert _split_cells.__wrapped__(cells) == _split_cells_reference(cells), cells
        fast += _cell_class(cells[0]) == _TEXT and _cell_class(cells[1]) == _VALUE and _none_spaced(cells[2:])
    assert fast > 1_000


def test_a_mangled_value_before_a_split_spaced_cell_is_read_not_a_crash():
    # The spaced cell 「0 0 0」 is split into three, so the mangled value 「5%」 is not where
    # the exception looked for it among the line's own cells (found by a random comparison
    # of build_rows' paths; it raised ValueError): it heads the row's data instead.
    from gipr_llm.domain.models import Line
    from gipr_llm.parse.rows import build_rows
    from gipr_llm.parse.tables import _names_t2_row, _t2_blank_row

    rows = build_rows([Line(("行政规范性文件8855698", "5%", "0 0 0"), 1)], _names_t2_row, 3, _t2_blank_row)
    assert len(rows) == 1
    assert rows[0].label.startswith("行政规范性文件")
    assert rows[0].cells == ["5%", "0", "0", "0"]


def test_a_mangled_value_heads_the_split_data_not_the_line_own_cells():
    # 「本机关不掌握…」 | O | 「0 0 0」: the mangled first value 「O」 heads the row's data as the
    # split made them (three cells), not the unsplit 「0 0 0」 of the line as printed; and a
    # line where the mangled value also occurs inside the label does not take its data from
    # that earlier copy (which put label cells into the data twice).
    from gipr_llm.parse.rows import _line_parts
    from gipr_llm.parse.tables import _match_t3_row, _names_t2_row

    def names_t3_row(text: str) -> bool:
        return _match_t3_row(text)[0] is not None

    line = ("本机关不掌握相关政府信息", "O", "0 0 0")
    assert _line_parts.__wrapped__(line, False, names_t3_row, None) == (
        ("本机关不掌握相关政府信息",),
        ("O", "0", "0", "0"),
        True,
    )
    line = ("规章", "(5)", "o", "I", "约5", "(5)", "0 0 0", "(5)")
    label, data, _ = _line_parts.__wrapped__(line, False, _names_t2_row, None)
    assert data == ("(5)", "0", "0", "0", "(5)")
    assert len(label) + len(data) == 10  # every split cell once
