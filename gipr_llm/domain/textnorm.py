"""Text normalisation shared by every stage that compares Chinese text.

Reports mix full-width and half-width forms (（一） vs (一), ０ vs 0), pad cells with
U+00A0 and U+3000, and break labels across lines. Comparisons use ``squash`` (NFKC, no
whitespace); anything shown to a user keeps the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WHITESPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")  # what squash removes (done without it)


def nfkc(text: str) -> str:
    # NFKC is the costly part; ASCII needs none of it.
    if text.isascii():
        return text
    if len(text) < _SHORT:
        return unicodedata.normalize("NFKC", text)
    return _nfkc_long(text)


# unicodedata.normalize spends ~180 ns on every character of Chinese text that is not
# already NFKC (full-width punctuation makes most report text so). Cheaper, and exact: map
# each character of the common compatibility blocks to its own NFKC form (which keeps the
# text's NFKD unchanged, hence its NFKC); when the result is already NFKC, it *is* the NFKC
# of the text. Anything else (combining marks, other blocks) falls back to normalize().
_SHORT = 12  # below this, normalize() itself is as cheap
_COMPAT_BLOCKS = (
    (0x00A0, 0x00FF),  # Latin-1: NBSP, ¼ …
    (0x2000, 0x206F),  # general punctuation: … ‥ spaces
    (0x2100, 0x218F),  # letterlike, Roman numerals
    (0x2460, 0x24FF),  # circled numbers
    (0x3000, 0x303F),  # ideographic space, CJK symbols
    (0x3200, 0x33FF),  # enclosed and squared CJK
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE6F),  # vertical and small forms
    (0xFF00, 0xFFEF),  # full-width forms: （ ） ， ： ０-９ Ａ-Ｚ
)
_compat: tuple[re.Pattern[str], dict[str, str]] | None = None


def _nfkc_long(text: str) -> str:
    global _compat
    if _compat is None:  # built on first use (about 1 ms), not at import
        forms = {
            ch: form
            for start, end in _COMPAT_BLOCKS
            for ch in map(chr, range(start, end + 1))
            if (form := unicodedata.normalize("NFKC", ch)) != ch
        }
        # split on them (a capturing group keeps each at the odd places): one C pass, no
        # Python call per character as sub() with a function would make
        _compat = (re.compile("([" + "".join(map(re.escape, forms)) + "])"), forms)
    # Text already in NFKC (a line without full-width punctuation) is its own NFKC: the
    # check is C and stops at the first character that may change, most often the first few.
    if unicodedata.is_normalized("NFKC", text):
        return text
    pattern, forms = _compat
    parts = pattern.split(text)
    parts[1::2] = [forms[ch] for ch in parts[1::2]]
    mapped = "".join(parts)
    return mapped if unicodedata.is_normalized("NFKC", mapped) else unicodedata.normalize("NFKC", text)


@lru_cache(maxsize=1 << 14)  # labels and headings recur across reports
def squash(text: str) -> str:
    """NFKC with every kind of whitespace removed: the form labels are matched in."""
    # split() drops exactly what \s matches (str.isspace), U+00A0 and U+3000 included, in
    # C; the two zero-width characters of _WHITESPACE are not whitespace to it.
    text = "".join(nfkc(text).split())
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", "").replace("\ufeff", "")
    return text


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
