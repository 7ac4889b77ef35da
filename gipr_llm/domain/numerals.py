"""Chinese numerals as reports write them (二十三, 一百零五, 三万二千, 二〇二一).

Shared by the narrative facts (counts stated in words) and the briefings (numbers traced
to the data), so both read 四十 the same way.
"""

from __future__ import annotations

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
CN_DIGITS = _CN_DIGITS  # for the briefings' decimal numerals (三十点五)


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
