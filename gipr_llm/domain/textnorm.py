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


def strip_cell(text: str) -> str:
    """A cell's text without padding (spaces, U+00A0, U+3000, zero-width)."""
    return text.strip(" \t\r\n\u00a0\u3000\u200b\ufeff")
