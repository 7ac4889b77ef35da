"""Parse stage: 表二, 表三 and 表四 -> canonical tables, every cell read by its row label.

Rows are found by the words of their labels (spec row tables), never by their position,
so a stray number cannot shift the rows after it. Every cell that is not a plain number
becomes null plus a finding naming table, row, column and the text found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from gipr_llm.domain import spec
from gipr_llm.domain.models import Document, Finding, Line, Sections, Table2, Table3, Table4
from gipr_llm.domain.textnorm import CELL_PADDING, squash
from gipr_llm.parse.cells import MAX_DIGITS, Cell, parse_cell
from gipr_llm.parse.flat import joined_run
from gipr_llm.parse.labels import split_tail
from gipr_llm.parse.ocr_rows import damaged_label, place_surplus
from gipr_llm.parse.recover import (
    GluedRow,
    count_and_money,
    recover_short_table3,
    recover_short_table4,
    recover_table3,
    recover_table4,
    short_row,
)
from gipr_llm.parse.rows import Alignment, RawRow, align, build_rows, split_glued

# --- row labels -------------------------------------------------------------------
# Strong patterns name one row; weak ones (group words that are a row only on one
# template) count only when no strong pattern matches the label.

_T3_STRONG: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(p))
    for key, p in (
        ("new_received", r"本年新收"),
        ("carried_over", r"上年结转"),
        ("granted", r"予以公开"),
        ("partially_granted", r"部分公开"),
        ("denied_state_secret", r"国家秘密"),
        ("denied_prohibited_by_law", r"法律行政法规禁止|法律法规禁止|禁止公开"),
        ("denied_three_securities", r"三安全一稳定|危及"),
        ("denied_third_party", r"第三方"),
        ("denied_internal_affairs", r"内部事务"),
        ("denied_process_info", r"过程性"),
        ("denied_enforcement_file", r"执法案卷"),
        ("denied_query_matter", r"查询事项"),
        ("unavailable_not_held", r"不掌握"),
        ("unavailable_needs_creation", r"另行制作|没有现成"),
        ("unavailable_unclear", r"仍不明确|补正后"),
        ("unprocessed_petition", r"信访|举报投诉"),
        ("unprocessed_duplicate", r"重复申请"),
        ("unprocessed_publication", r"出版物"),
        ("unprocessed_excessive", r"大量反复"),
        ("unprocessed_confirmation", r"重新出具|确认或"),
        ("other_no_correction", r"不补正"),
        ("other_no_fee", r"缴纳费用|收费通知"),
        ("other_other", r"\d[.、]?其他$"),
        ("carried_forward", r"结转下年"),
    )
)
_T3_WEAK: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("other_handling", re.compile(r"\(六\)其他(?:处理)?$|^其他处理$")),
    ("total_processed", re.compile(r"总计$")),
)

_T2_STRONG: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(p))
    for key, p in (
        ("rules", r"规章"),
        ("normative_documents", r"规范性文件"),
        ("licensing", r"行政许可"),
        ("other_services", r"其他对外管理服务事项"),
        ("punishment", r"行政处罚"),
        ("coercion", r"行政强制"),
        ("fees", r"行政事业性收费"),
        ("procurement", r"政府集中采购|集中采购"),
    )
)
_T2_2019_WORDS = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "第二十条第(九)项",
    "政府集中采购",
)
_T2_2021_WORDS = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额")


def _match_row(label: str, strong, weak) -> tuple[str | None, tuple[str, ...]]:
    """(row key nearest the data, other rows the label also names)."""
    hits = [(m.end(), key) for key, pattern in strong if (m := pattern.search(label))]
    if not hits:
        hits = [(m.end(), key) for key, pattern in weak if (m := pattern.search(label))]
    if not hits:
        return None, ()
    hits.sort()
    return hits[-1][1], tuple(key for _, key in hits[:-1] if key != hits[-1][1])


# Cached per table by the label alone: a key holding the pattern tuples would be hashed
# (every pattern) on each call.
@lru_cache(maxsize=1 << 14)  # labels recur across reports of one template
def _match_t3_row(label: str) -> tuple[str | None, tuple[str, ...]]:
    return _match_row(label, _T3_STRONG, _T3_WEAK)


@lru_cache(maxsize=1 << 14)
def _match_t2_row(label: str) -> tuple[str | None, tuple[str, ...]]:
    return _match_row(label, _T2_STRONG, ())


def table3_rows_named_in(text: str) -> set[str]:
    """The 表三 rows whose label words appear in a stretch of text (for checking a re-read).

    The label patterns that are anchored to a label's end are restated for running text.
    """
    squashed = squash(text)
    named = {key for key, pattern in _T3_STRONG if key != "other_other" and pattern.search(squashed)}
    if re.search(r"\d[.、]?其他(?!处理|法律|情形)", squashed):
        named.add("other_other")
    if "(六)其他" in squashed:
        named.add("other_handling")
    if "总计" in squashed:
        named.add("total_processed")
    return named


def _names_t3_row(label: str) -> bool:
    return _match_t3_row(label)[0] is not None


def _names_t2_row(label: str) -> bool:
    return _match_t2_row(label)[0] is not None


def _names_no_row(label: str) -> bool:
    return False  # 表四 is one row of fifteen cells under a header


_T2_HEADER = re.compile(r"第二十条|信息内容|件数|数量|金额")


def _t2_blank_row(label: str) -> bool:
    """In a real 表二 grid, an empty row under a data label (e.g. a sub-row 行政检查)."""
    return not _T2_HEADER.search(label)


# --- findings ---------------------------------------------------------------------

_STATE_RULES = {
    "blank": ("PARSE-CELL-BLANK", "info", "空白"),
    "not_applicable": ("PARSE-CELL-NA", "info", "填写为不适用"),
    "unreadable": ("PARSE-CELL-UNREADABLE", "error", "无法识别为数字"),
    "unaligned": ("PARSE-CELL-UNALIGNED", "error", "因该行单元格数量不符而无法确定"),
}


@dataclass(slots=True)
class _Collector:
    table: str
    findings: list[Finding] = field(default_factory=list)

    def add(self, rule: str, severity: str, message: str, **kw) -> None:
        self.findings.append(
            Finding(rule=rule, severity=severity, stage="parse", table=self.table, message=message, **kw)
        )

    def cell(self, row: str, row_label: str | None, column: str, cell: Cell, line: int) -> None:
        rule, severity, what = _STATE_RULES[cell.state]
        col_label = spec.column_label(self.table, column)
        raw = cell.raw.strip()
        if len(raw) > 60:  # a 4,301-digit cell: the message says so, the finding's raw keeps it all
            raw = f"{raw[:40]}…（共{len(raw)}个字符）"
        shown = f"「{raw}」" if raw else "（空）"
        self.add(
            rule,
            severity,
            f"{spec.TABLE_LABELS[self.table]}「{row_label}」行「{col_label}」列{what}：原文为{shown}，按空值处理，未计为0。",
            row=row,
            row_label=row_label,
            column=column,
            column_label=col_label,
            raw=cell.raw,
            line=line,
        )

    def unknown_row(self, row: RawRow) -> None:
        self.add(
            "PARSE-ROW-UNKNOWN",
            "warning",
            f"{spec.TABLE_LABELS[self.table]}中有一行数据的行名无法识别（行名：「{row.label or '（无）'}」），该行未读取。",
            raw=" | ".join(row.cells),
            line=row.line,
        )

    def duplicate_row(self, key: str, label: str, line: int) -> None:
        self.add(
            "PARSE-ROW-DUPLICATE",
            "warning",
            f"{spec.TABLE_LABELS[self.table]}「{label}」行出现了两次，只读取第一次。",
            row=key,
            row_label=label,
            line=line,
        )

    def row_length(self, row: str | None, row_label: str | None, k: int, al: Alignment, line: int) -> None:
        n = len(al.raw)
        unresolved = any(c.state == "unaligned" for c in al.cells)
        cells_text = "、".join(c.strip() or "（空）" for c in al.raw)
        if n < k:
            what = f"只有{n}个单元格，应为{k}个，无法判断缺少哪一列，整行按空值处理"
        elif unresolved:
            what = f"有{n}个单元格，应为{k}个，多出的单元格位置无法确定，相关列按空值处理"
        else:
            what = f"有{n}个单元格，应为{k}个；无论去掉哪个多余单元格，各列取值都相同，已按此读取"
        self.add(
            "PARSE-ROW-LENGTH",
            "error" if unresolved else "warning",
            f"{spec.TABLE_LABELS[self.table]}「{row_label}」行{what}（原文：{cells_text}）。",
            row=row,
            row_label=row_label,
            raw=" | ".join(al.raw),
            line=line,
        )


def _read_row(
    col: _Collector,
    key: str,
    label: str | None,
    columns: tuple[str, ...],
    row: RawRow,
    holds: Callable[[list[int]], bool] = lambda _: True,
) -> Sequence[Cell]:
    if (parsed := _plain_row(tuple(row.cells), len(columns))) is not None:
        return parsed
    if (digits := _glued_run(row, len(columns))) is not None:
        return _read_glued(col, key, label, columns, row, digits, holds)
    al = align(row.cells, len(columns))
    if al.surplus:
        col.row_length(key, label, len(columns), al, row.line)
    if all(cell.state == "value" for cell in al.cells):
        return al.cells
    for column, cell in zip(columns, al.cells, strict=True):
        # A row with too few cells is one finding (above), not one per cell.
        if cell.state != "value" and not (cell.state == "unaligned" and al.surplus < 0):
            col.cell(key, label, column, cell, row.line)
    return al.cells


@lru_cache(maxsize=1 << 14)  # whole rows recur across reports (rows of zeros above all)
def _plain_row(cells: tuple[str, ...], k: int) -> tuple[Cell, ...] | None:
    """The common cases, read without alignment: one number per column, maybe followed by
    empty cells (a row printed 「| 0 | 0 | … | ||」, which align drops in its one possible
    way). None for any other row. Cached by the row: one lookup instead of k cell lookups."""
    if len(cells) < k:
        return None
    parsed = tuple(map(parse_cell, cells[:k]))
    # plain loops, not all()/any() over generators: this runs for every table row
    for cell in parsed:
        if cell.state != "value":
            return None
    for extra in cells[k:]:
        if extra.strip(CELL_PADDING):
            return None
    return parsed


# 「0」…「999」 as printed, to their values: what parse_cell reads them as (its fast path),
# found by one dict lookup per cell (表三's rows are new in every report, its cells are not).
# Also with the padding most cells carry: 「 3 」 between a Markdown table's pipes, a
# non-breaking space on one side from web and Word copies (parse_cell strips all of it).
_SMALL_COUNTS = {
    printed: i for i in range(1000) for printed in (str(i), f" {i} ", f"{i}\u00a0", f"\u00a0{i}")
}


def _plain_counts(cells: list[str], k: int) -> list[int] | None:
    """A row's k counts when ``_plain_row`` reads it and every value is a whole number: what
    ``_read_t3_row`` then stores (and ``parse_table4``, k = 15). None otherwise."""
    if len(cells) < k:
        return None
    # One C pass for the usual row of small counts; a cell the dict lacks is read by parse_cell.
    values: list[int] = list(map(_SMALL_COUNTS.get, cells[:k]))  # type: ignore[arg-type]
    if None in values:
        for i, raw in enumerate(cells[:k]):
            if values[i] is None:
                cell = parse_cell(raw)
                if cell.state != "value" or type(cell.value) is not int:
                    return None
                values[i] = cell.value
    for extra in cells[k:]:
        if extra.strip(CELL_PADDING):
            return None
    return values


def _glued_run(row: RawRow, k: int) -> str | None:
    """The one run of digits where k > 1 cells belong, if the row is that (the run is
    returned, so its reader does not join the cells again)."""
    if k < 2 or not row.cells:
        return None
    if len(row.cells) > 1 and len(row.cells[0].strip()) != MAX_DIGITS:
        return None  # several cells are one run only as ``chunks`` (cheap test first)
    digits = joined_run(row.cells)
    if digits is not None and len(digits) >= k and (len(row.cells) == 1 or len(digits) > MAX_DIGITS):
        return digits
    return None


def _read_glued(
    col: _Collector,
    key: str | None,
    label: str | None,
    columns: tuple[str, ...],
    row: RawRow,
    digits: str,
    holds: Callable[[list[int]], bool],
) -> list[Cell]:
    """One run of digits (``digits``, the row's cells joined) where several cells belong:
    only the table's sums may cut it."""
    table = spec.TABLE_LABELS[col.table]
    solutions = split_glued(digits, len(columns), holds)
    if len(solutions) == 1:
        values = solutions[0]
        col.add(
            "PARSE-RECOVERED",
            "warning",
            f"{table}「{label}」行的数字粘连为「{digits}」，只有一种合理拆分（数字不以0开头），"
            f"已拆分为{'、'.join(map(str, values))}，请核对原表。",
            row=key,
            row_label=label,
            raw=digits,
            line=row.line,
            fault="reading",
        )
        return [Cell(str(v), "value", v) for v in values]
    why = f"有{len(solutions)}种合理拆分" if solutions else "没有合理的拆分"
    col.add(
        "PARSE-GLUED",
        "error",
        f"{table}「{label}」行的数字粘连为「{digits}」，{why}，无法确定各列数值，整行按空值处理。",
        row=key,
        row_label=label,
        raw=digits,
        line=row.line,
        fault="reading",
    )
    return [Cell(digits, "unaligned")] * len(columns)


def _read_count_and_money(
    col: _Collector, key: str, label: str, columns: tuple[str, ...], row: RawRow
) -> list[Cell] | None:
    """A count glued to an amount of money (「53.4600」): read when only one cut is plausible."""
    raw = row.cells[0].strip()
    cuts = count_and_money(raw)
    if not cuts:
        return None
    if len(cuts) == 1:
        count, money = cuts[0]
        col.add(
            "PARSE-RECOVERED",
            "warning",
            f"表二「{label}」行的数字粘连为「{raw}」，只有一种合理拆分（数字不以0开头，金额保留小数），"
            f"已拆分为{count}、{money}，请核对原表。",
            row=key,
            row_label=label,
            raw=raw,
            line=row.line,
            fault="reading",
        )
        return [Cell(str(count), "value", count), parse_cell(money)]
    listed = "；".join(f"{c}、{m}" for c, m in cuts[:4])
    col.add(
        "PARSE-GLUED",
        "error",
        f"表二「{label}」行的数字粘连为「{raw}」，有{len(cuts)}种合理拆分（如：{listed}），无法确定各列数值，"
        "整行按空值处理，请核对原表。",
        row=key,
        row_label=label,
        raw=raw,
        line=row.line,
        fault="reading",
    )
    return [Cell(raw, "unaligned")] * 2


def _t3_row_sum_holds(values: list[int]) -> bool:
    return sum(values[:6]) == values[6]


def _t4_sums_hold(values: list[int]) -> bool:
    return all(sum(values[i : i + 4]) == values[i + 4] for i in range(0, 15, 5))


def _count(cell: Cell, col: _Collector, key: str, label: str | None, column: str, line: int) -> int | None:
    """A count cell's value; a decimal where a whole number belongs is unreadable."""
    if cell.state != "value":
        return None
    if isinstance(cell.value, Decimal):
        col.cell(key, label, column, Cell(cell.raw, "unreadable"), line)
        return None
    return cell.value  # type: ignore[return-value]


# --- 表三 ---------------------------------------------------------------------------


# A row label's own item numeral (「四、」「(三)」「5.」), as squashed labels print it.
_ITEM_NUMERAL = re.compile(r"[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、．](?=\D)")


def _reattach_label_tails(rows: list[RawRow]) -> None:
    """A label wrapped in its cell, whose numbers print beside its first line (a PDF's text
    layer, 「2.其他法律行政 0 0 …」 then 「法规禁止公开」), leaves its tail in front of the next
    row's label (「法规禁止公开3.危及“三安全」). Text before the next row's own item numeral
    that does not start with a numeral goes back to the row above, when that row's label then
    names the same row (or names one at all)."""
    for prev, cur in pairwise(rows):
        if cut := _label_tail_cut(prev.label, cur.label):
            prev.label += cur.label[:cut]
            cur.label = cur.label[cut:]


@lru_cache(maxsize=1 << 14)  # label pairs recur across reports of one template
def _label_tail_cut(prev: str, cur: str) -> int:
    """Where ``cur``'s own label starts when the text before it is ``prev``'s tail; 0 when
    nothing moves. Cached by the pair: a numeral search and two label matches per pair."""
    # one search: its leftmost numeral at 0 is the label's own (what match would find)
    numeral = _ITEM_NUMERAL.search(cur)
    if numeral is None or numeral.start() == 0:
        return 0
    tail = cur[: numeral.start()]
    prev_key = _match_t3_row(prev)[0]
    joined_key = _match_t3_row(prev + tail)[0]
    if joined_key is not None and prev_key in (None, joined_key):
        return numeral.start()
    return 0


def table3_line_rows(lines: list[Line]) -> dict[int, str]:
    """Source line number -> row key of each 表三 row whose label names it (as
    ``parse_table3`` first reads them), so a finding about a cell can name its row."""
    out: dict[int, str] = {}
    for row in build_rows(lines, _names_t3_row, 7, _names_t3_row):
        key, _ = _match_t3_row(row.label)
        if key is not None:
            out.setdefault(row.line, key)
    return out


def parse_table3(rows: list[RawRow]) -> tuple[Table3 | None, list[Finding]]:
    col = _Collector("table3")
    _reattach_label_tails(rows)
    found: dict[str, list[int | None]] = {}
    glued: dict[str, GluedRow] = {}
    surplus: dict[str, RawRow] = {}  # rows with more cells than columns: placed after the loop
    empty: set[str] = set()  # rows named only in the label of the row below
    printed: list[tuple[str | None, RawRow]] = []  # in print order; None: label not recognised
    for row in rows:
        key, also = _match_t3_row(row.label)
        printed.append((key, row))
        if key is None:
            continue
        for other in also:
            if other not in found:
                label = spec.T3_ROW_LABELS[other]
                col.add(
                    "PARSE-ROW-EMPTY",
                    "error",
                    f"表三「{label}」行没有数据单元格。",
                    row=other,
                    row_label=label,
                    line=row.line,
                )
                found[other] = [None] * 7
                empty.add(other)
        if key in found:
            col.duplicate_row(key, spec.T3_ROW_LABELS[key], row.line)
            continue
        _read_t3_row(col, key, row, found, glued, surplus)
    if not found:
        return None, col.findings
    template = (
        "2021"
        if {"other_no_correction", "other_no_fee", "other_other"} & found.keys()
        else ("2019" if "other_handling" in found else None)
    )
    order = spec.T3_ROWS[template or "2021"]
    _place_damaged_labels(col, printed, found, glued, surplus, empty, order)
    if glued:
        col.findings.extend(recover_table3(found, glued, template))
    for key, row in surplus.items():
        placed = place_surplus(key, row, found, empty, order, template)
        for p in placed:
            found[p.key] = list(p.values)
            col.findings.append(p.finding)
            if p.key in empty:
                empty.discard(p.key)
                col.findings = [
                    f for f in col.findings if not (f.rule == "PARSE-ROW-EMPTY" and f.row == p.key)
                ]
        if not placed:
            _read_t3_row(col, key, row, found, glued, None)
    col.findings = recover_short_table3(found, col.findings, template)
    for key in order:
        if key not in found and not (template is None and key.startswith("other_")):
            label = spec.T3_ROW_LABELS[key]
            col.add("PARSE-ROW-MISSING", "error", f"表三缺少「{label}」行。", row=key, row_label=label)
    ordered = {k: found[k] for k in spec.T3_ROW_LABELS if k in found}
    return Table3(template=template, rows=ordered), col.findings


def _read_t3_row(
    col: _Collector,
    key: str,
    row: RawRow,
    found: dict[str, list[int | None]],
    glued: dict[str, GluedRow],
    surplus: dict[str, RawRow] | None,
) -> None:
    """Read one 表三 row, or set it aside: a glued run for the table-wide cut, a row with
    surplus cells (when ``surplus`` is given) for placement once every row is read."""
    k = len(spec.T3_COLUMNS)
    counts = _plain_counts(row.cells, k)
    # A plain row has at most k cells that are not empty, so it is never set aside; one whose
    # first cell is a small count is never glued either (that cell is not MAX_DIGITS long),
    # so the common row skips the glued test.
    if counts is not None and row.cells[0] in _SMALL_COUNTS:
        found[key] = counts
        return
    if (digits := _glued_run(row, k)) is not None:
        found[key] = [None] * k  # decided table-wide later
        glued[key] = GluedRow(key, spec.T3_ROW_LABELS[key], digits, row.line)
        return
    if counts is not None:
        found[key] = counts
        return
    label = spec.T3_ROW_LABELS[key]
    found[key] = [None] * k
    cells = _plain_row(tuple(row.cells), k)
    if cells is None:
        if (
            surplus is not None
            and len(row.cells) > k
            and len([c for c in row.cells if c.strip(CELL_PADDING)]) > k
        ):
            surplus[key] = row
            return
        cells = _read_row(col, key, label, spec.T3_COLUMNS, row, _t3_row_sum_holds)
    values = [c.value for c in cells]
    if [v for v in values if type(v) is not int]:  # a decimal, or a cell that is no value
        values = [
            c.value if type(c.value) is int else _count(c, col, key, label, column, row.line)
            for c, column in zip(cells, spec.T3_COLUMNS, strict=True)
        ]
    found[key] = values


def _place_damaged_labels(
    col: _Collector,
    printed: list[tuple[str | None, RawRow]],
    found: dict[str, list[int | None]],
    glued: dict[str, GluedRow],
    surplus: dict[str, RawRow],
    empty: set[str],
    order: tuple[str, ...],
) -> None:
    """Rows whose label no pattern names: placed by template position + edit distance."""
    keys = [key for key, _ in printed]
    for index, (key, row) in enumerate(printed):
        if key is not None:
            continue
        before = next((k for k in reversed(keys[:index]) if k is not None), None)
        after = next((k for k in keys[index + 1 :] if k is not None), None)
        match, finding = damaged_label(row, order, set(found) - empty, before, after)
        if match is None or finding is None:
            col.unknown_row(row)
            continue
        keys[index] = match
        col.findings.append(finding)
        if match in empty:
            empty.discard(match)
            col.findings = [f for f in col.findings if not (f.rule == "PARSE-ROW-EMPTY" and f.row == match)]
        _read_t3_row(col, match, row, found, glued, surplus)


# --- 表四 ---------------------------------------------------------------------------


# 表四's fifteen cells in print order, (group, column): fixed by the spec, built once.
_T4_KEYS: tuple[tuple[str, str], ...] = tuple((g, c) for g in spec.T4_GROUPS for c in spec.T4_COLUMNS)


def parse_table4(rows: list[RawRow]) -> tuple[Table4 | None, list[Finding]]:
    col = _Collector("table4")
    cells: list[str] = []
    line = rows[0].line if rows else 0
    for row in rows:
        cells.extend(row.cells)
    if not cells:
        return None, col.findings
    keys = _T4_KEYS
    title = "行政复议、行政诉讼"
    run = joined_run(cells)
    if run is not None and len(run) >= len(keys) and (len(cells) == 1 or len(run) > MAX_DIGITS):
        values, found = recover_table4(GluedRow("table4", title, run, line))
        col.findings.extend(found)
        parsed = (
            [Cell(str(v), "value", v) for v in values]
            if values
            else [Cell(cells[0], "unaligned")] * len(keys)
        )
        one_finding = True
    elif (counts := _plain_counts(cells, len(keys))) is not None:
        # the common table: fifteen whole numbers in print order, read as align and _count
        # would read them
        plain: dict[str, dict[str, int | None]] = {g: {} for g in spec.T4_GROUPS}
        for (group, column), count in zip(keys, counts, strict=True):
            plain[group][column] = count
        return Table4(rows=plain), col.findings
    else:
        al = align(cells, len(keys))
        if al.surplus:
            col.row_length(None, title, len(keys), al, line)
        parsed, one_finding = al.cells, al.surplus < 0
        if al.surplus < 0 and (short := short_row(col.findings[-1], len(keys))) is not None:
            # Fewer numbers than cells: placed when the group sums single one placement out
            # (the placement's findings replace the row-length one and name its blank cells).
            values, placed = recover_short_table4(short)
            if values is not None:
                col.findings[-1:] = placed
                parsed = [Cell("", "unaligned") if v is None else Cell(str(v), "value", v) for v in values]
    out: dict[str, dict[str, int | None]] = {g: {} for g in spec.T4_GROUPS}
    for (group, column), cell in zip(keys, parsed, strict=True):
        label = spec.T4_GROUP_LABELS[group]
        # A row that could not be aligned or cut is one finding (above), not one per cell.
        if cell.state != "value" and not (cell.state == "unaligned" and one_finding):
            col.cell(group, label, column, cell, line)
        out[group][column] = _count(cell, col, group, label, column, line)
    return Table4(rows=out), col.findings


# --- 表二 ---------------------------------------------------------------------------


def _table2_template(lines_text: str) -> str | None:
    s2019 = sum(w in lines_text for w in _T2_2019_WORDS)
    s2021 = sum(w in lines_text for w in _T2_2021_WORDS)
    if s2019 == s2021:
        return None
    return "2019" if s2019 > s2021 else "2021"


# Header words the first 表二 rows' labels may carry before the row's own name.
_T2_HEADER_PREFIX = re.compile(
    r"^.*(?:第二十条第\([一二三四五六七八九十]+\)项|信息内容|件数|数量|金额|增/减|\(万元\))"
)


def _t2_row_keys(
    rows: list[RawRow], template: str
) -> list[tuple[RawRow, str | None, str | None, Finding | None]]:
    """(row, row key or None, sub-row label, finding for a damaged label) of each 表二 row.

    A label no pattern names is first tried as a damaged label (its place in the
    template's row order plus edit distance, as for 表三); failing that, after
    「其他对外管理服务事项」 it is one of that row's sub-rows, else it stays unknown."""
    keys = [_match_t2_row(row.label)[0] for row in rows]
    order = tuple(spec.T2_COLUMNS[template])
    out: list[tuple[RawRow, str | None, str | None, Finding | None]] = []
    last_main: str | None = None
    for index, row in enumerate(rows):
        key = keys[index]
        sub_label: str | None = None
        finding: Finding | None = None
        if key is None and row.label:
            words = _T2_HEADER_PREFIX.sub("", row.label) or row.label
            before = next((k for k in reversed(keys[:index]) if k is not None), None)
            after = next((k for k in keys[index + 1 :] if k is not None), None)
            present = {k for k in keys if k is not None}
            key, finding = damaged_label(row, order, present, before, after, "table2", words)
            if key is not None:
                keys[index] = key
                if key == "other_services":
                    sub_label = split_tail(words, "table2", key)[1] or None
        if key is not None:
            if finding is None and key == "other_services":
                # 「其他对外管理服务事项行政检查」: a locally split sub-row
                sub_label = row.label.partition(spec.T2_ROW_LABELS[key])[2] or None
            last_main = key
        elif last_main == "other_services" and row.label:
            key, sub_label = "other_services", row.label
        out.append((row, key, sub_label, finding))
    return out


def table2_line_cells(lines: list[Line], template: str) -> dict[int, tuple[str, str | None, tuple[str, ...]]]:
    """Source line number -> (row key, sub-row label, columns) of each 表二 data row, as
    ``parse_table2`` reads them: so a finding about a cell of that line can name its cell."""
    out: dict[int, tuple[str, str | None, tuple[str, ...]]] = {}
    columns_of = spec.T2_COLUMNS[template]
    for row, key, sub_label, _ in _t2_row_keys(build_rows(lines, _names_t2_row, 3, _t2_blank_row), template):
        if key is not None and key in columns_of:
            out[row.line] = (key, sub_label, columns_of[key])
    return out


def parse_table2(rows: list[RawRow], header_text: str) -> tuple[Table2 | None, list[Finding]]:
    col = _Collector("table2")
    template = _table2_template(header_text)
    if template is None:
        if rows:
            col.add(
                "PARSE-TEMPLATE-UNKNOWN",
                "error",
                "表二的表头无法判断属于2019年版还是2021年版模板，表二未读取。",
            )
        return None, col.findings
    columns_of = spec.T2_COLUMNS[template]
    table = Table2(template=template, rows={})
    raw_of: dict[str, tuple[list[str], int]] = {}  # whole rows' cells and line, for the check below
    for row, key, sub_label, damaged in _t2_row_keys(rows, template):
        if key is None:
            col.unknown_row(row)
            continue
        if damaged is not None:
            col.findings.append(damaged)
        if key not in columns_of:
            col.add(
                "PARSE-ROW-TEMPLATE",
                "warning",
                f"表二「{spec.T2_ROW_LABELS[key]}」行不属于{template}年版模板，该行未读取。",
                row=key,
                row_label=spec.T2_ROW_LABELS[key],
                line=row.line,
            )
            continue
        columns = columns_of[key]
        label = spec.T2_ROW_LABELS[key] + (f"（{sub_label}）" if sub_label else "")
        if len(columns) == 2 and (key, columns[1]) in spec.T2_MONEY_COLUMNS and len(row.cells) == 1:
            cells = _read_count_and_money(col, key, label, columns, row) or _read_row(
                col, key, label, columns, row
            )
        else:
            cells = _read_row(col, key, label, columns, row)
        values: dict[str, int | Decimal | None] = {}
        for column, cell in zip(columns, cells, strict=True):
            if (key, column) in spec.T2_MONEY_COLUMNS:
                values[column] = Decimal(cell.value) if cell.state == "value" else None  # type: ignore[arg-type]
                if cell.state == "value":
                    table.units[f"{key}.{column}"] = cell.unit or "万元"
            else:
                values[column] = _count(cell, col, key, label, column, row.line)
            if cell.note:
                table.notes[f"{key}.{column}"] = cell.note
        if sub_label:
            table.sub_rows.setdefault(key, {})[sub_label] = values
        elif key in table.rows:
            col.duplicate_row(key, label, row.line)
        else:
            table.rows[key] = values
            raw_of[key] = (row.cells, row.line)
    for key in [k for k in table.rows if k in table.sub_rows]:
        _split_row_with_own_numbers(col, table, key, *raw_of[key])
    return table, col.findings


def _split_row_with_own_numbers(
    col: _Collector, table: Table2, key: str, cells: list[str], line: int
) -> None:
    """A row read both as a whole and as sub-rows (「其他对外管理服务事项 0 0 0」, then
    「行政确认 0 0 0」): the whole row's numbers may be a sub-row whose own label was lost
    (a deleted or unreadable 「行政检查」 line), or a group total the template does not
    have. Either way they cannot be told apart, so they are not read as the row's values."""
    del table.rows[key]
    for note in [n for n in table.notes if n.startswith(f"{key}.")]:
        del table.notes[note]
    label = spec.T2_ROW_LABELS[key]
    subs = "、".join(f"「{s}」" for s in table.sub_rows[key])
    shown = "、".join(c.strip() or "（空）" for c in cells)
    col.add(
        "PARSE-ROW-AMBIGUOUS",
        "warning",
        f"表二「{label}」行既分列了分项（{subs}），又有一组不带分项名称的数字（原文：{shown}）："
        "这组数字可能属于一个行名缺失的分项，无法确定归属，按空值处理，未计入任何一行。",
        row=key,
        row_label=label,
        raw=" | ".join(cells),
        line=line,
    )


# --- stage entry ------------------------------------------------------------------


@dataclass(slots=True)
class ParsedTables:
    table2: Table2 | None
    table3: Table3 | None
    table4: Table4 | None
    findings: list[Finding]


def parse_tables(doc: Document, sections: Sections) -> ParsedTables:
    findings: list[Finding] = []

    def region(name: str):
        start, end = sections.table_regions.get(name, (0, 0))
        return doc.lines[start:end]

    t2_lines = region("table2")
    # One squash of the region joined by newlines: the same text as the lines squashed one
    # by one (a newline is whitespace, and NFKC never joins across it).
    t2_header = squash("\n".join([line.text for line in t2_lines]))
    table2, f2 = parse_table2(build_rows(t2_lines, _names_t2_row, 3, _t2_blank_row), t2_header)
    table3, f3 = parse_table3(build_rows(region("table3"), _names_t3_row, 7, _names_t3_row))
    table4, f4 = parse_table4(build_rows(region("table4"), _names_no_row, 15))
    findings.extend(f2)
    findings.extend(f3)
    findings.extend(f4)
    for name, table in (("table2", table2), ("table3", table3), ("table4", table4)):
        if table is None and (unread := _unread_table(name, region(name))) is not None:
            findings.append(unread)
    return ParsedTables(table2, table3, table4, findings)


_GLUED_RUN = re.compile(r"\d{7,}$")
_NUMBER_GROUP = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE = re.compile(r"[。；;，：:]")


def _value_tokens(line) -> int:
    """Numbers a line prints as a table row would: cells or space-separated values, else
    number groups in a line that is not a sentence (「0、0、0」); a glued run counts 7."""
    count = sum(1 for cell in line.cells for token in cell.split() if parse_cell(token).state == "value")
    if count:
        return count
    text = squash(line.text)
    if _SENTENCE.search(text):
        return 0
    return 7 if _GLUED_RUN.search(text) else len(_NUMBER_GROUP.findall(text))


def _unread_table(name: str, lines) -> Finding | None:
    """A table's region that holds rows of numbers, none of which could be read as the table:
    the tool's failure to read it, never the report's missing table (``TABLE-MISSING``
    leaves such a table alone)."""
    counts = [_value_tokens(line) for line in lines]
    if not (any(c >= 3 for c in counts) or sum(c == 1 for c in counts) >= 7):
        return None
    quote = next(line.text.strip() for line, c in zip(lines, counts, strict=True) if c)
    label = spec.TABLE_LABELS[name]
    return Finding(
        rule="PARSE-TABLE-UNREAD",
        severity="error",
        stage="parse",
        table=name,
        raw=quote[:120],
        fault="reading",
        message=f"{label}所在部分印有数字（如「{quote[:40]}」），但未能按{label}的行列读出，"
        f"该表按未读取处理；这是读取问题，不是报告缺少{label}，请核对原文。",
    )
