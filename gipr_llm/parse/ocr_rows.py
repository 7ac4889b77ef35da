"""表三 rows an OCR or PDF copy moved, put back when the arithmetic accepts one placement.

Three kinds of damage (issue 11's dev set, ``tests/devsets.py``):

- a damaged label (「4.无正当理由大量反夏申请」): matched by its place in the template and
  edit distance (``parse.labels``);
- two rows' cells on one line and none on the next: the surplus is the next row's, when
  the template's next row has no cells and both halves keep the table's equations;
- a number that is not a cell (a bare page number between a label and its cells): the
  surplus is dropped in the one way the equations accept.

Each placement is a ``PARSE-RECOVERED`` finding (fault: reading) quoting the printed text.
Anything the equations do not single out is left to the ordinary reading (nulls + findings).
"""

from __future__ import annotations

from dataclasses import dataclass

from gipr_llm.domain import spec
from gipr_llm.domain.models import Finding
from gipr_llm.parse.cells import is_empty, parse_cell
from gipr_llm.parse.labels import ROW_LABELS, match_damaged, slot
from gipr_llm.parse.recover import Reading, readings_with_surplus, solve, table3_eqs
from gipr_llm.parse.rows import RawRow

K = len(spec.T3_COLUMNS)
MAX_SURPLUS = 2  # numbers that are not cells (page numbers) dropped from one row


@dataclass(slots=True)
class Placed:
    key: str
    values: list[int]
    finding: Finding


def damaged_label(
    row: RawRow,
    order: tuple[str, ...],
    present: set[str],
    before: str | None,
    after: str | None,
    table: str = "table3",
    words: str | None = None,
) -> tuple[str | None, Finding | None]:
    """The row a label the patterns missed must be, from its place and its words.

    ``words``: the part of the label to match when the label carries other text (表二
    header words run into the first row's label); the finding still quotes the whole label."""
    candidates = slot(order, present, before, after)
    key, score = match_damaged(row.label if words is None else words, candidates, table)
    if key is None:
        return None, None
    labels = ROW_LABELS[table]
    label = labels[key]
    name = spec.TABLE_LABELS[table]
    return key, Finding(
        rule="PARSE-RECOVERED",
        severity="warning",
        stage="parse",
        table=table,
        row=key,
        row_label=label,
        raw=row.label,
        line=row.line,
        message=f"{name}行名印为「{row.label if words is None else words}」，与模板行名不符；按模板行序它位于"
        f"「{labels.get(before or '', '表首')}」之后，且与「{label}」最接近（相似度{score:.0%}），"
        "已按该行读取，请核对原表。",
        fault="reading",
    )


def _numbers(row: RawRow) -> list[int] | None:
    cells = [c for c in row.cells if not is_empty(c)]
    parsed = [parse_cell(c) for c in cells]
    if not all(p.state == "value" and type(p.value) is int for p in parsed):
        return None
    return [p.value for p in parsed]  # type: ignore[misc]


def place_surplus(
    key: str,
    row: RawRow,
    found: dict[str, list[int | None]],
    empty: set[str],
    order: tuple[str, ...],
    template: str | None,
) -> list[Placed]:
    """Re-assign a row's surplus cells; [] when the arithmetic does not single one out."""
    numbers = _numbers(row)
    if numbers is None or len(numbers) <= K:
        return []
    label = spec.T3_ROW_LABELS[key]
    raw = " | ".join(row.cells)
    equations = table3_eqs(found, template)
    at = order.index(key) if key in order else -1
    following = order[at + 1] if 0 <= at < len(order) - 1 else None
    if len(numbers) == 2 * K and following is not None and (following not in found or following in empty):
        # Two rows' cells on one line, the next row's line empty.
        fixed = {k: v for k, v in found.items() if k not in (key, following)}
        first, second = tuple(numbers[:K]), tuple(numbers[K:])
        outcome = solve(fixed, {key: [first], following: [second]}, equations, spec.T3_COLUMNS)
        # Both halves keep their own row sums; a column equation may stay broken only by
        # one wrong cell of the report (solve's rule), which the check stage then reports.
        if all(_row_sum(half) for half in (first, second)) and all(
            o.values is not None for o in outcome.values()
        ):
            next_label = spec.T3_ROW_LABELS[following]
            how = f"前7个数满足本行合计，后7个数满足下一行「{next_label}」的合计及{outcome[following].decided_by}"
            return [
                Placed(
                    key,
                    list(first),
                    _moved(key, label, row, raw, f"一行印有14个数、下一行没有数字；{how}，已分别读入两行"),
                ),
                Placed(
                    following,
                    list(second),
                    _moved(
                        following,
                        next_label,
                        row,
                        raw,
                        f"本行没有数字，其数字印在上一行「{label}」的末尾；{how}，已读入本行",
                    ),
                ),
            ]
        return []
    if len(numbers) - K <= MAX_SURPLUS:
        readings: list[Reading] = readings_with_surplus(numbers, K)
        fixed = {k: v for k, v in found.items() if k != key}
        outcome = solve(fixed, {key: readings}, equations, spec.T3_COLUMNS)[key]
        if outcome.values is not None:
            kept = list(outcome.values)
            dropped = list(numbers)
            for value in kept:
                dropped.remove(value)
            how = (
                f"有{len(numbers)}个数，应为{K}个；只有去掉「{'、'.join(map(str, dropped))}」"
                f"（如页码）后满足{outcome.decided_by}，已按此读取"
                + (
                    "；按此读法报告本身的算术关系不成立，已保留原数字，由核对结果指出"
                    if outcome.broken
                    else ""
                )
            )
            return [Placed(key, kept, _moved(key, label, row, raw, how))]
    return []


def _row_sum(values: Reading) -> bool:
    return sum(values[:-1]) == values[-1]


def _moved(key: str, label: str, row: RawRow, raw: str, how: str) -> Finding:
    return Finding(
        rule="PARSE-RECOVERED",
        severity="warning",
        stage="parse",
        table="table3",
        row=key,
        row_label=label,
        raw=raw,
        line=row.line,
        message=f"表三「{label}」行{how}，请核对原表。",
        fault="reading",
    )
