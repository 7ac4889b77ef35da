"""Text normalisation shared by every stage that compares Chinese text.

Reports mix full-width and half-width forms (（一） vs (一), ０ vs 0), pad cells with
U+00A0 and U+3000, and break labels across lines. Comparisons use ``squash`` (NFKC, no
whitespace); anything shown to a user keeps the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WHITESPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


def nfkc(text: str) -> str:
    # NFKC is the costly part; ASCII needs none of it.
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=1 << 14)  # labels and headings recur across reports
def squash(text: str) -> str:
    """NFKC with every kind of whitespace removed: the form labels are matched in."""
    return _WHITESPACE.sub("", nfkc(text))


CELL_PADDING = " \t\r\n\u00a0\u3000\u200b\ufeff"


def strip_cell(text: str) -> str:
    """A cell's text without padding (spaces, U+00A0, U+3000, zero-width)."""
    return text.strip(CELL_PADDING)


# Characters a terminal acts on rather than shows: C0/C1 controls (escape sequences, a
# newline that would split a one-line message) and the bidi controls that reorder what
# follows them. Shown as \x1b, \n, \u202e so the text stays one honest line.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe to print on one terminal line: control and bidi characters escaped."""
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
