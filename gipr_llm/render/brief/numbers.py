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

from gipr_llm.domain.textnorm import nfkc

_ARABIC = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_CHARS = "零〇一二两三四五六七八九十百千万"
COUNT_UNITS = "件项个条份次家宗篇年人倍%"
_CN_NUMBER = re.compile(
    rf"(?P<percent>百分之)?(?<![第每逐唯统进同单])(?P<numeral>[{_CN_CHARS}]+)(?(percent)|(?=[{COUNT_UNITS}]))"
)


def chinese_to_int(numeral: str) -> int | None:
    """二十三 -> 23, 一百零五 -> 105, 三万二千 -> 32000, 二〇二一 -> 2021; None if not a numeral."""
    if numeral and all(ch in _CN_DIGITS for ch in numeral) and len(numeral) > 1:
        return int("".join(str(_CN_DIGITS[ch]) for ch in numeral))  # digit by digit, as in years
    total, section, digit = 0, 0, None
    for ch in numeral:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


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
