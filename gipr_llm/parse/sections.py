"""Sections stage: find the title facts, the six sections and the three table regions.

Headings are matched by their words (numerals optional, wording variants from the spec),
never by the numeral alone: 表三's last row 「四、结转下年度继续办理」 comes right before the
heading 「四、政府信息公开行政复议、行政诉讼情况」.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

from gipr_llm.domain.models import Document, Sections
from gipr_llm.domain.textnorm import squash
from gipr_llm.parse.identity import title_in_text

_PREFIX = r"^(?:[一二三四五六七八九十]+[、.]|\(?[一二三四五六七八九十]+\)|\d+[、.])?"
_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(_PREFIX + body + r"[:：]?$"))
    for key, body in (
        ("overview", r"(?:总体情况|工作基本情况|基本情况|概述)"),
        ("proactive", r"(?:行政机关)?主动公开政府信息(?:的)?情况"),
        ("applications", r"收到和处理政府信息公开申请(?:的)?情况"),
        (
            "review_litigation",
            r"(?:政府信息公开)?(?:(?:因政府信息公开(?:工作)?)?被申请)?行政(?:法)?复议[、,和及与]"
            r"(?:提起)?行政诉讼(?:的)?情况",
        ),
        (
            "problems",
            r"(?:政府信息公开(?:工作)?)?存在(?:的)?(?:主要)?问题(?:及|和|与)(?:改进|整改)(?:情况|措施)",
        ),
        ("other", r"其他需要报告的事项"),
    )
)
# Each section's own ordinal: 「（一）主动公开政府信息情况」 inside 一、总体情况 is a sub-heading
# (its numeral is not 二), and never closes section 一.
_ORDINALS = {
    "overview": "一",
    "proactive": "二",
    "applications": "三",
    "review_litigation": "四",
    "problems": "五",
    "other": "六",
}
_PARENTHESISED = re.compile(r"^\(([一二三四五六七八九十]+)\)")
# Markdown copies: 「## 一、总体情况」, 「**二、主动公开政府信息情况**」.
_MARKDOWN = re.compile(r"^#{1,6}|^\*\*|\*\*$")
_MAX_HEADING_CHARS = 40
_MAX_RAW_HEADING_CHARS = _MAX_HEADING_CHARS * 3  # a line as read: padding and Markdown marks
# Every heading ends in one of these words: a cheap filter before normalising a line.
_HEADING_WORDS = re.compile(r"情况|事项|措施|概述")  # tested as `in` in find_headings (faster)

# Where a table starts when its heading is missing: words only its own header carries.
_TABLE_ANCHORS: dict[str, re.Pattern[str]] = {
    "table2": re.compile(r"^第二十条第"),
    "table3": re.compile(r"本列数据的勾稽关系|^申请人情况|本年新收政府信息公开申请"),
    "table4": re.compile(r"^行政复议(?:行政诉讼)?$"),
}
_TABLE_OF_SECTION = {"proactive": "table2", "applications": "table3", "review_litigation": "table4"}

_FOOTER = re.compile(
    r"主办[:：]|承办[:：]|ICP备|公网安备|网站标识码|版权所有|\.docx?$|\.pdf$|^打印本页|^关闭窗口"
)


def find_headings(doc: Document) -> dict[str, int]:
    """Index of the first line of each section heading found, in document order.

    A heading numbered in parentheses is a sub-heading unless its numeral is the section's
    own and the document has no plain heading for that section.
    """
    found: dict[str, int] = {}
    fallback: dict[str, int] = {}
    index = -1
    for line in doc.lines:  # hot loop (every line of every report): no enumerate tuples
        index += 1
        text = line.raw if line.raw is not None else line.text  # skip the property call
        # The words' last characters first: a one-character scan is about half the cost of
        # a two-character one on a line of labels or prose, and few lines hold any of them.
        if not 3 < len(text) <= _MAX_RAW_HEADING_CHARS or not (
            ("况" in text or "项" in text or "施" in text or "述" in text)
            and ("情况" in text or "事项" in text or "措施" in text or "概述" in text)  # _HEADING_WORDS
        ):
            continue
        keys, numeral = _heading_keys(text)
        for key in keys:
            if key not in found:
                if numeral is not None:
                    if numeral == _ORDINALS[key]:
                        fallback.setdefault(key, index)
                    continue
                found[key] = index
                break
    for key, index in fallback.items():
        found.setdefault(key, index)
    return dict(sorted(found.items(), key=lambda item: item[1]))


@lru_cache(maxsize=1 << 14)  # the candidate lines are mostly table labels, the same in every report
def _heading_keys(text: str) -> tuple[tuple[str, ...], str | None]:
    """The sections whose heading pattern a line matches, in ``_HEADINGS`` order, and the
    numeral it is numbered with in parentheses (None: not so numbered)."""
    norm = heading_text(text)
    if not norm or len(norm) > _MAX_HEADING_CHARS:
        return (), None
    keys = tuple(key for key, pattern in _HEADINGS if pattern.match(norm))
    numeral = _PARENTHESISED.match(norm) if keys else None
    return keys, numeral[1] if numeral else None


def heading_text(text: str) -> str:
    """A line as a heading is compared: squashed, Markdown heading marks removed."""
    text = squash(text)
    return _MARKDOWN.sub("", text) if "#" in text or "*" in text else text  # every mark holds one


# _FOOTER's alternatives as plain string tests (the same answers): the pattern has no common
# start, so its search tried every alternative at every position of every narrative line.
_FOOTER_ENDS = (".doc", ".docx", ".pdf")
_FOOTER_STARTS = ("打印本页", "关闭窗口")


def _is_footer(text: str) -> bool:
    """``_FOOTER.search(text)`` for a stripped line (no final newline for ``$`` to stop at)."""
    if text.endswith(_FOOTER_ENDS) or text.startswith(_FOOTER_STARTS):
        return True
    # Each word holds one of four characters: one scan for each of those first, most
    # narrative lines holding none of them.
    if "办" in text and ("主办:" in text or "主办：" in text or "承办:" in text or "承办：" in text):
        return True
    if "备" in text and ("ICP备" in text or "公网安备" in text):
        return True
    return ("码" in text and "网站标识码" in text) or ("版" in text and "版权所有" in text)


def _text_of(doc: Document, start: int, end: int) -> str:
    lines: list[str] = []
    for line in doc.lines[start:end]:
        text = " ".join(c.strip() for c in line.cells if c.strip()) if len(line.cells) > 1 else line.cells[0]
        if _is_footer(text.strip()):
            break
        lines.append(text.rstrip())
    return "\n".join(lines).strip()


def split_sections(doc: Document) -> Sections:
    headings = find_headings(doc)
    n = len(doc.lines)

    # A table starts after its section heading, or, when the heading is missing, at the
    # first line carrying its own header words.
    table_starts: dict[str, int] = {}
    anchored: list[int] = []
    after = headings.get("overview", -1)
    for section, table in _TABLE_OF_SECTION.items():
        if section in headings:
            table_starts[table] = headings[section] + 1
            after = max(after, headings[section])
            continue
        anchor = _TABLE_ANCHORS[table]
        for index in range(after + 1, n):
            if anchor.search(squash(doc.lines[index].text)):
                table_starts[table] = index
                anchored.append(index)
                after = index
                break

    boundaries = sorted({*headings.values(), *anchored})

    def end_of(start: int) -> int:
        # The first boundary after start, found by bisection (no generator per call).
        after = bisect_right(boundaries, start)
        return boundaries[after] if after < len(boundaries) else n

    spans = {key: (index, end_of(index)) for key, index in headings.items()}
    table_regions = {table: (start, end_of(start)) for table, start in table_starts.items()}

    first = min(headings.values(), default=min(table_starts.values(), default=n))
    title, agency, year = title_in_text(doc.lines[:first])

    narrative: dict[str, str] = {}
    for key in ("overview", "problems", "other"):
        if key in spans:
            start, end = spans[key]
            text = _text_of(doc, start + 1, end)
            if text:
                narrative[key] = text
    if "overview" not in narrative:
        # No 一、总体情况 heading: the text between the title and the first heading is the overview.
        title_end = next((i + 1 for i, ln in enumerate(doc.lines[:first]) if "报告" in ln.text), 0)
        text = _text_of(doc, title_end, first)
        if text:
            narrative["overview"] = text
    return Sections(
        title=title, agency=agency, year=year, spans=spans, table_regions=table_regions, narrative=narrative
    )
