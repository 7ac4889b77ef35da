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
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from gipr_llm.domain.numerals import CN_DIGITS as _CN_DIGITS
from gipr_llm.domain.numerals import chinese_to_int
from gipr_llm.domain.textnorm import nfkc

_ARABIC = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
_CN_CHARS = "零〇一二两三四五六七八九十百千万"
COUNT_UNITS = "件项个条份次家宗篇年人倍%"
_CN_NUMBER = re.compile(
    rf"(?P<percent>百分之)?(?<![第每逐唯统进同单])(?P<numeral>[{_CN_CHARS}]+)(?(percent)|(?=[{COUNT_UNITS}]))"
)


@dataclass(frozen=True, slots=True)
class Quantity:
    raw: str  # the text found
    value: Decimal  # percentages (成, 分之, %) as percent points
    approximate: bool  # 余/多/约/近/逾/左右: cannot be traced to an exact figure
    percent: bool = False  # a share read from 成 or 分之, compared to one decimal


# The quantity forms prose uses beyond plain digits: 两万余条, 1.2万件, 三成, 约三分之一, 百分之三十.
_NUM = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?|[{_CN_CHARS}亿]+(?:点[{_CN_CHARS}]+)?"
_APPROX_BEFORE = re.compile(r"(?:约|近|逾|超过|大约|将近|接近|不到|不足)(?:占|达|有|为|计)?\s*$")
_FRACTION = re.compile(rf"(?P<whole>{_NUM}|百|千|万)分之(?P<part>{_NUM})")
_SCALED = re.compile(
    rf"(?<![\d.{_CN_CHARS}第每逐唯统进同单])(?P<number>{_NUM})(?P<scale>[万千亿]?)(?P<approx>余|多|来)?"
    rf"(?P<kind>成|倍|%|[{COUNT_UNITS}])"
)
_WHOLES = {"百": 100, "千": 1000, "万": 10000}
_SCALES = {"": 1, "千": 1000, "万": 10000, "亿": 100000000}


def _value(numeral: str) -> Decimal | None:
    if "点" in numeral:  # 三十点五
        whole, _, fraction = numeral.partition("点")
        whole_value = _value(whole) if whole else None
        if whole_value is None or not fraction or any(ch not in _CN_DIGITS for ch in fraction):
            return None
        return whole_value + Decimal("0." + "".join(str(_CN_DIGITS[ch]) for ch in fraction))
    if numeral[0].isdigit():
        try:
            return Decimal(numeral.replace(",", ""))
        except InvalidOperation:
            return None
    if "亿" in numeral:
        high, _, low = numeral.partition("亿")
        high_value = chinese_to_int(high) if high else 1
        low_value = chinese_to_int(low) if low else 0
        if high_value is None or low_value is None:
            return None
        return Decimal(high_value * 100000000 + low_value)
    value = chinese_to_int(numeral)
    return None if value is None else Decimal(value)


def quantities_in(text: str) -> list[Quantity]:
    """Every quantity the text states, in order: digits, Chinese numerals, 万/千/亿, 成, 分之,
    倍, percentages, with 余/多/约/近 marking a quantity as approximate."""
    text = nfkc(text)
    found: list[tuple[int, Quantity]] = []
    taken: list[tuple[int, int]] = []

    def approximate_at(start: int, end: int, approx_suffix: bool) -> bool:
        after = text[end : end + 2]
        return (
            approx_suffix or bool(_APPROX_BEFORE.search(text[max(0, start - 4) : start])) or after == "左右"
        )

    for match in _FRACTION.finditer(text):
        whole = match.group("whole")
        whole_value = Decimal(_WHOLES[whole]) if whole in _WHOLES else _value(whole)
        part = _value(match.group("part"))
        if not whole_value or part is None:
            continue
        share = part * 100 / whole_value
        found.append(
            (
                match.start(),
                Quantity(match.group(0), share, approximate_at(match.start(), match.end(), False), True),
            )
        )
        taken.append(match.span())
    for match in _SCALED.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        numeral, kind = match.group("number"), match.group("kind")
        if numeral == "一" and kind not in ("成", "倍"):
            continue  # 一项工作, 一次培训: the article, not the count 1
        value = _value(numeral)
        if value is None:
            continue
        value *= _SCALES[match.group("scale")]
        percent = kind == "成"
        if percent:
            value *= 10
        raw = (
            match.group(0)
            if percent
            else match.group("number") + match.group("scale") + (match.group("approx") or "")
        )
        found.append(
            (
                match.start(),
                Quantity(
                    raw,
                    value,
                    approximate_at(match.start(), match.end(), bool(match.group("approx"))),
                    percent,
                ),
            )
        )
        taken.append(match.span())
    for match in _ARABIC.finditer(text):
        if any(a <= match.start() < b for a, b in taken):
            continue
        digits = match.group(1).replace(",", "") + (match.group(2) or "")
        try:
            value = Decimal(digits)
        except InvalidOperation:
            continue
        found.append(
            (
                match.start(),
                Quantity(match.group(0), value, approximate_at(match.start(), match.end(), False)),
            )
        )
    for match in _CN_NUMBER.finditer(text):
        if match.group(0) == "一" or any(a <= match.start() < b for a, b in taken):
            continue
        cn_value = chinese_to_int(match.group("numeral"))
        if cn_value is not None:
            found.append((match.start(), Quantity(match.group(0), Decimal(cn_value), False)))
    return [q for _, q in sorted(found, key=lambda item: item[0])]


def numbers_in(text: str) -> list[tuple[str, Decimal]]:
    """Every number the text states, as (the text found, its value), in order of appearance."""
    return [(q.raw, q.value) for q in quantities_in(text)]


def untraced_numbers(text: str, allowed: Iterable[Decimal], verbatim: Iterable[str] = ()) -> list[str]:
    """Quantities in ``text`` that cannot be traced to ``allowed``; text quoted ``verbatim``
    from the data is skipped.

    Quoted data (a problem the report names, a body's name, a file name) is removed before
    the numbers are read, so a number counts as traced only inside its own quote. An
    approximate quantity (两万余条, 约三分之一) is never traced: the data hold exact figures.
    A share read from 成 or 分之 is traced when it rounds to a stated percentage.
    """
    allowed = set(allowed)
    for quote in sorted(set(verbatim), key=len, reverse=True):
        if quote:
            text = text.replace(quote, "\u2002")
    bad = []
    for q in quantities_in(text):
        if q.approximate:
            bad.append(q.raw)
        elif q.percent:
            if q.value.quantize(Decimal("0.1")) not in allowed:
                bad.append(q.raw)
        elif q.value not in allowed:
            bad.append(q.raw)
    return bad
