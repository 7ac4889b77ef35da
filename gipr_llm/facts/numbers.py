"""Counts as reports write them: 751条, 1,236条, 5500余条, 4.14万条, 四十余条, 约300条, 20多件.

``stated_counts`` finds every number a text states as a count (a number directly followed
by a counting unit, after an optional 万/千 scale and 余/多 marker) and normalises it: Arabic
or Chinese numerals, scaled, with ``approximate`` set when the text says so (约/近/逾/超过
before it, 余/多 after the number, 左右/以上 after the unit). Both the rules extractor and
grounding read numbers through here, so what one accepts the other can check.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from gipr_llm.domain.numerals import chinese_to_int

COUNT_UNITS = "条件项篇次份宗个家起"

_CN = "零〇一二两三四五六七八九十百千万"
COUNT_NUMERALS = _CN  # the Chinese numerals a count may be written in

_PREFIXES = ("约", "近", "大约", "将近", "逾", "超过", "接近")
_PREFIX = rf"(?<!第)(?P<pre>{'|'.join(_PREFIXES)})?"
# Thousands grouped by a comma or a space (1,236 / 1 236, as typeset reports print them).
_ARABIC = r"(?<![\d.第])(?P<ar>\d{1,3}(?:[,， \u00a0\u2009]\d{3})+(?![\d])|\d+)(?P<dec>\.\d+)?"
_CHINESE = rf"(?<![{_CN}第几数若])(?P<cn>[{_CN}]+)"  # 几十条, 数十条 state no number
_SCALE = r"(?P<scale>万|千)?"
_MARK = r"(?P<mark>余|多)?"
# One count as written; rules patterns embed it (its groups are read by ``read_count``).
COUNT_PATTERN = (
    rf"{_PREFIX}(?:{_ARABIC}|{_CHINESE}){_SCALE}{_MARK}\s*(?P<unit>[{COUNT_UNITS}])(?P<about>左右|以上)?"
)
# What a count starts with: a prefix's first character or a numeral.
_COUNT_START = "[" + "".join(dict.fromkeys(p[0] for p in _PREFIXES)) + rf"\d{_CN}]"
# COUNT_PATTERN to search with: the same matches, led by a lookahead on the first character,
# so that the search skips the positions no count starts at instead of trying the whole
# pattern (with its optional prefix) at each of them; about 5x faster.
COUNT_SEARCH = rf"(?={_COUNT_START}){COUNT_PATTERN}"
_STATED = re.compile(COUNT_SEARCH)
_GROUPING = re.compile(r"[,， \u00a0\u2009]")


# A NamedTuple rather than a frozen dataclass: as immutable, and made about 3x faster (a
# frozen dataclass sets each field through object.__setattr__); the rules make one per count.
class StatedCount(NamedTuple):
    value: int
    unit: str
    approximate: bool
    start: int  # where the number (or its 约/近 prefix) starts in the text
    number_start: int
    end: int


def stated_counts(text: str) -> list[StatedCount]:
    """Every count the text states, normalised, in text order."""
    return [count for m in _STATED.finditer(text) if (count := read_count(m)) is not None]


def read_count(m: re.Match[str]) -> StatedCount | None:
    """The count a match of ``COUNT_PATTERN`` states; None when it is no count (4.5条, 零件)."""
    pre, ar, dec, cn, scale, mark, unit, about = m.group(
        "pre", "ar", "dec", "cn", "scale", "mark", "unit", "about"
    )
    approximate = bool(pre or mark or about)
    if ar is not None and dec is None and scale is None and ar.isdigit():
        # the common case (751条), read without Decimal: the same value (\d digits, which int
        # reads as Decimal does; no fraction, no scale to multiply in Decimal's precision)
        return StatedCount(int(ar), unit, approximate, m.start(), m.start("ar"), m.end("unit"))
    if ar is not None:
        try:
            digits = ar if ar.isdigit() else _GROUPING.sub("", ar)  # 1,236 / 1 236
            number = Decimal(digits + (dec or ""))
        except InvalidOperation:
            return None
        number_start = m.start("ar")
    else:
        value = chinese_to_int(cn)
        # 零件 is a word, and 一 alone is the article (确保每一份文件, 一次培训), not the count 1;
        # a zero is written 0 or said by negation.
        if not value or cn == "一":
            return None
        number = Decimal(value)
        number_start = m.start("cn")
    if scale:
        number *= 10000 if scale == "万" else 1000
    if number != number.to_integral_value():
        return None
    return StatedCount(int(number), unit, approximate, m.start(), number_start, m.end("unit"))
