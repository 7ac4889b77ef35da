"""Flattened copies: a whole report on a few long lines, every cell glued to the next.

A web page's innerText or a crawler's dump loses every separator and line break:
``…一、本年新收政府信息公开申请数量640020470二、上年结转…``. This module puts the lines
back so the ordinary parser can read them: section headings are found by their words
anywhere in the text, and inside the three tables every run of digits ends a row (its
label is the text before it). How each run is cut into cells is decided later, by the
table's own arithmetic (``parse.recover``).

Headings are chosen with the tables as anchors, because running text often names a
section (「主动公开政府信息情况良好」): a table's heading is the last occurrence of its words
before the table's own header words.
"""

from __future__ import annotations

import re

from gipr_llm.domain.models import Document, Line
from gipr_llm.parse.cells import MAX_DIGITS

# A line this long carrying 表三's first row label and digits is a flattened copy.
_LONG_LINE = 600
_T3_FIRST_ROW = re.compile(r"本年新收政府信息公开申请数量\s*\d")

_NUM = r"(?:[一二三四五六七八九十]+[、.，,]|[(（][一二三四五六七八九十]+[)）])?"
_HEADING_BODIES: dict[str, str] = {
    "overview": r"(?:总体情况|工作基本情况|基本情况|概述)",
    "proactive": r"(?:行政机关)?主动公开政府信息(?:的)?情况",
    "applications": r"收到和处理政府信息公开申请(?:的)?情况",
    "review_litigation": (
        r"(?:政府信息公开)?(?:(?:因政府信息公开(?:工作)?)?被申请)?行政(?:法)?复议[、,，和及与]"
        r"(?:提起)?行政诉讼(?:的)?情况"
    ),
    "problems": (r"(?:政府信息公开(?:工作)?)?存在(?:的)?(?:主要)?问题(?:及|和|与)(?:改进|整改)(?:情况|措施)"),
    "other": r"其他需要报告的事项",
}
_HEADINGS = {key: re.compile(_NUM + body + r"[:：]?") for key, body in _HEADING_BODIES.items()}
# Words every heading of a section carries: found first (a fast literal scan), then the
# full pattern is tried only around them, so a 5 MB line costs a scan, not a regex walk.
_HEADING_WORDS = {
    "overview": re.compile(r"总体情况|基本情况|概述"),
    "proactive": re.compile(r"主动公开政府信息"),
    "applications": re.compile(r"收到和处理政府信息公开申请"),
    "review_litigation": re.compile(r"行政诉讼"),
    "problems": re.compile(r"问题"),
    "other": re.compile(r"其他需要报告的事项"),
}
_BEFORE_WORD = 40  # characters a heading may run before its word (prefix and wording)
_AFTER_WORD = 30
# The table each table section holds, and words only that table's header carries.
_TABLE_ANCHORS = {
    "proactive": re.compile(r"第二十条第"),
    "applications": re.compile(r"申请人情况|本列数据的勾稽关系|本年新收政府信息公开申请数量"),
    "review_litigation": re.compile(r"行政复议.{0,6}行政诉讼.{0,12}(?:结果维持|维持)"),
}
_ORDER = ("overview", "proactive", "applications", "review_litigation", "problems", "other")
_TABLE_SECTIONS = ("proactive", "applications", "review_litigation")

# A run of digits (a decimal point only between digits), and a label numeral glued to the
# end of the previous row's run: 「…0000000」+「2.其他法律…」 prints as 「00000002.其他法律」.
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_ITEM_AFTER = re.compile(r"[.、．]\s*[^\d\s]")
_TITLE_END = re.compile(r"报告")
_MAX_RUN = 15 * 9


def is_flattened(doc: Document) -> bool:
    """Few lines, one of them very long and holding 表三's first row with its numbers."""
    for line in doc.lines[:50]:  # a loop, and Line.text inlined: runs for every report
        text = line.raw if line.raw is not None else line.text
        if len(text) >= _LONG_LINE and _T3_FIRST_ROW.search(text):
            return True
    return False


def reline(doc: Document) -> None:
    """Put headings and table rows on lines of their own, in place (every later stage and
    the orchestrator's table re-read then see the same lines)."""
    lines: list[Line] = []
    for line in doc.lines:
        if len(line.text) >= _LONG_LINE and _T3_FIRST_ROW.search(line.text):
            lines.extend(_reline(line.text, line.number))
        else:
            lines.append(line)
    doc.lines = lines


def _headings(text: str) -> list[tuple[str, int, int]]:
    """(section, start, end) of each heading chosen, in text order."""
    chosen: list[tuple[str, int, int]] = []
    after = 0
    for key in _ORDER:
        matches = _heading_matches(text, key, after)
        if not matches:
            continue
        anchor = _TABLE_ANCHORS.get(key)
        pick = matches[0]
        if anchor is not None:
            found = anchor.search(text, matches[0].end())
            if found is not None:
                before = [m for m in matches if m.end() <= found.start()]
                pick = before[-1] if before else matches[0]
        chosen.append((key, pick.start(), pick.end()))
        after = pick.end()
    return chosen


def _heading_matches(text: str, key: str, after: int) -> list[re.Match[str]]:
    pattern = _HEADINGS[key]
    found: list[re.Match[str]] = []
    last_end = after
    for word in _HEADING_WORDS[key].finditer(text, after):
        start = max(last_end, word.start() - _BEFORE_WORD)
        for match in pattern.finditer(text, start, word.end() + _AFTER_WORD):
            if match.start() <= word.start() and match.end() >= word.end():
                found.append(match)
                last_end = match.end()
                break
    return found


def _reline(text: str, number: int) -> list[Line]:
    heads = _headings(text)
    out: list[Line] = []
    first = heads[0][1] if heads else len(text)
    title = _TITLE_END.search(text, 0, min(first, 200))
    if title is not None:
        out.append(Line([text[: title.end()]], number))
        out.append(Line([text[title.end() : first]], number))
    else:
        out.append(Line([text[:first]], number))
    for index, (key, start, end) in enumerate(heads):
        stop = heads[index + 1][1] if index + 1 < len(heads) else len(text)
        out.append(Line([text[start:end]], number))
        body = text[end:stop]
        if key in _TABLE_SECTIONS:
            out.extend(_table_lines(body, number))
        elif body:
            out.append(Line([body], number))
    return [line for line in out if line.cells[0]]


def chunks(run: str) -> list[str]:
    """A run longer than a cell may be (``MAX_DIGITS``) as cells of exactly that many digits
    and a last shorter one, so the row stays a row of numbers; ``joined_run`` puts it back.
    No real cell has that many digits, so such cells can only come from here."""
    return [run[i : i + MAX_DIGITS] for i in range(0, len(run), MAX_DIGITS)] or [run]


def joined_run(cells: list[str]) -> str | None:
    """The one run of digits a row's cells hold: a single all-digit cell, or ``chunks``."""
    parts = [c.strip() for c in cells]
    # the length test first: it ends at the first cell of an ordinary row of numbers
    if len(parts) > 1 and any(len(p) != MAX_DIGITS for p in parts[:-1]):
        return None
    if not parts or not all(p.isdigit() and p.isascii() for p in parts):
        return None
    return "".join(parts)


def _table_lines(body: str, number: int) -> list[Line]:
    """One line per row: the label text, then the row's run of digits as one cell."""
    out: list[Line] = []
    label_start = 0
    for match in _DIGITS.finditer(body):
        start, end = match.span()
        run = match.group()
        if _ITEM_AFTER.match(body, end) and "." not in run:
            # The run's last digit numbers the next row's label (「2.其他法律…」).
            end -= 1
            run = run[:-1]
        if not run:
            continue  # 「不予公开1.属于国家秘密」: the label's own numeral
        label = body[label_start:start]
        if len(run) > _MAX_RUN:
            # No row holds this many digits (15 cells of at most 9): not a row's cells. Keep
            # it out of the cells, shown shortened, so the row reads as empty and is reported.
            run = f"［{len(run)}位数字串：{run[:20]}…］"
            out.append(Line([label + run], number))
            label_start = end
            continue
        out.append(Line([label, *chunks(run)] if label else chunks(run), number))
        label_start = end
    rest = body[label_start:]
    if rest:
        out.append(Line([rest], number))
    return out
