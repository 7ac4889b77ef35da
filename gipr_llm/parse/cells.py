"""One table cell: its text -> a value, or null with the reason (blank, n/a, unreadable).

Three states are kept apart (spec, 'A cell is in one of three states'): blank (nothing,
``-``, ``—``), not applicable (``/``, ``无``, ``不适用``) and unreadable (anything else that is
not a number). None of them is ever turned into 0 here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from gipr_llm.domain.models import CellState
from gipr_llm.domain.textnorm import CELL_PADDING, nfkc, strip_cell

_BLANK_MARKS = frozenset({"", "-", "--", "—", "——", "－", "–", "―", "─", "一一"})
_NA_MARKS = frozenset({"/", "／", "\\", "无", "不适用", "不涉及", "N/A", "n/a"})
_NUMBER = re.compile(
    r"^(?P<sign>[+-]?)\s*(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?\s*"
    r"(?P<unit>万元|元|件|条|个|项|次|宗|份|篇)?\s*(?P<note>[(（].*[)）])?$"
)


@dataclass(slots=True, frozen=True)
class Cell:
    raw: str
    state: CellState
    value: int | Decimal | None = None
    unit: str | None = None
    note: str | None = None


# No count or amount in a report comes near this; longer digit runs are damage (and past
# 4,300 digits Python refuses to convert them at all).
MAX_DIGITS = 18


@lru_cache(maxsize=1 << 16)  # cells repeat ('0', labels of one template): parse each once
def parse_cell(raw: str) -> Cell:
    text = strip_cell(raw)
    if len(text) > MAX_DIGITS and sum(map(str.isdigit, text)) > MAX_DIGITS:
        return Cell(raw, "unreadable")
    if text.isdigit() and text.isascii():  # the common case, kept cheap
        return Cell(raw, "value", int(text))
    text = strip_cell(nfkc(text))
    if text in _BLANK_MARKS:
        return Cell(raw, "blank")
    if text in _NA_MARKS:
        return Cell(raw, "not_applicable")
    match = _NUMBER.match(text)
    if not match:
        return Cell(raw, "unreadable")
    digits = match.group("int").replace(",", "")
    sign = match.group("sign")
    frac = match.group("frac")
    value: int | Decimal = Decimal(f"{sign}{digits}.{frac}") if frac is not None else int(sign + digits)
    note = match.group("note")
    return Cell(raw, "value", value, match.group("unit"), note)


def is_empty(raw: str) -> bool:
    return not raw.strip(CELL_PADDING)  # strip_cell, inlined: called for most cells
