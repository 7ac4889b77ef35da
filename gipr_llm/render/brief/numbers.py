"""Finding the numbers a piece of brief text states, so each can be traced to the data.

Arabic digits in any width (NFKC maps ０-９ and ． to ASCII), with decimals and thousands
separators; and Chinese numerals when they count something (二十件, 百分之三十, 三个单位).
A bare Chinese numeral is not a quantity — 一是, 进一步, 统一, 第一 are words — so only a
numeral followed by a counting unit, or after 百分之, is read as a number; and 一 alone is
read as the article it usually is (一项工作, 一次培训, “无法提供”一项), not as the count 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from gipr_llm.domain.numerals import chinese_to_int
from gipr_llm.domain.textnorm import nfkc

_ARABIC = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
_CN_CHARS = "零〇一二两三四五六七八九十百千万"
COUNT_UNITS = "件项个条份次家宗篇年人倍%"
_CN_NUMBER = re.compile(
    rf"(?P<percent>百分之)?(?<![第每逐唯统进同单])(?P<numeral>[{_CN_CHARS}]+)(?(percent)|(?=[{COUNT_UNITS}]))"
)


def numbers_in(text: str) -> list[tuple[str, Decimal]]:
    """Every number the text states, as (the text found, its value), in order of appearance."""
    text = nfkc(text)
    found: list[tuple[int, str, Decimal]] = []
    for match in _ARABIC.finditer(text):
        digits = match.group(1).replace(",", "") + (match.group(2) or "")
        try:
            found.append((match.start(), match.group(0), Decimal(digits)))
        except InvalidOperation:
            continue
    for match in _CN_NUMBER.finditer(text):
        if match.group(0) == "一":
            continue
        value = chinese_to_int(match.group("numeral"))
        if value is not None:
            found.append((match.start(), match.group(0), Decimal(value)))
    return [(raw, value) for _, raw, value in sorted(found, key=lambda item: item[0])]


def untraced_numbers(text: str, allowed: Iterable[Decimal], verbatim: Iterable[str] = ()) -> list[str]:
    """Numbers in ``text`` that are not ``allowed``; text quoted ``verbatim`` from the data is skipped.

    Quoted data (a problem the report names, a body's name, a file name) is removed before
    the numbers are read, so a number counts as traced only inside its own quote.
    """
    allowed = set(allowed)
    for quote in sorted(set(verbatim), key=len, reverse=True):
        if quote:
            text = text.replace(quote, "\u2002")
    return [raw for raw, value in numbers_in(text) if value not in allowed]
