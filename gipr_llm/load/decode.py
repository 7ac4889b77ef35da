"""Text decoding: find the encoding from the bytes, cheapest exact test first.

Order, and why: a byte-order mark is proof; NUL bytes mean UTF-16 (or binary); a strict
UTF-8 decode that succeeds on Chinese text is all but proof (GBK text almost never forms
valid UTF-8), and it costs microseconds, which the text path's throughput depends on; UTF-8
with a handful of damaged bytes is still UTF-8 (the damage shows as U+FFFD). Only
then does a declared charset (HTML ``<meta charset>``) get a say, then strict GB18030 (the
superset of GB2312/GBK that most non-UTF-8 government pages use) when the result looks like
GBK text, and only when every exact test fails (or GB18030 gives implausible characters,
as Big5 does) does charset-normalizer guess.
"""

from __future__ import annotations

import codecs
import re

from gipr_llm.domain.models import LoadError

NOT_TEXT = "不是文本或受支持的文档格式 (not text or a supported document format)"

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 4096
_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)
# Declared GB2312/GBK pages routinely hold GBK-only characters: decode them as the superset.
_SUPERSET = {"gb2312": "gb18030", "gbk": "gb18030", "euc_cn": "gb18030", "hz": "gb18030"}
# C0/C1 control characters other than tab, newlines, form feed and escape-free whitespace.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_MAX_CONTROL_RATIO = 0.02
_C0_BYTES = bytes((*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F))
# Every byte to 0 when it is one of _C0_BYTES, else to 1: a mapping-only translate (no
# deletions) is CPython's fastest byte loop, and finding a 0 in its result is a memchr.
_C0_MARK = bytes(0 if b in _C0_BYTES else 1 for b in range(256))


def has_c0(data: bytes) -> bool:
    """Whether the bytes hold a C0 control character other than tab, newlines, form feed."""
    return 0 in data.translate(_C0_MARK)


def decode_text(data: bytes) -> tuple[str, str]:
    """``(text, encoding)`` with a normalised lowercase encoding name, or LoadError."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom) :], name.removesuffix("-sig"))
            if text is None:
                raise LoadError(f"无法按 {name} 解码文本 (invalid {name} text)")
            return _checked(text), name
    if b"\x00" in data:
        # A few stray NULs in a UTF-8 file are damage, not UTF-16: without them the bytes
        # decode as strict UTF-8, which UTF-16 text of any length (outside plain ASCII,
        # where dropping the NULs gives the same text) practically never does.
        text = _strict(data.replace(b"\x00", b""), "utf-8")
        if text:
            return _checked(text), "utf-8"
        name = _bomless_utf16(data)
        text = _strict(data, name) if name else None
        if text is None:
            raise LoadError(NOT_TEXT)
        return _checked(text), name
    text = _strict(data, "utf-8")
    if text is not None:
        # Valid UTF-8 only needs the C0 test, done on the bytes (a fraction of the regex cost).
        if has_c0(data):
            text = _checked(text)
        return text, "utf-8"
    text = _nearly_utf8(data)
    if text is not None:
        return _checked(text), "utf-8"
    declared = _declared_charset(data)
    if declared:
        text = _strict(data, declared)
        if text is not None:
            return _checked(text), declared
    text = _strict(data, "gb18030")
    if text is not None and _plausible_gb(text):
        return _checked(text), "gb18030"
    try:
        return _guess(data)
    except LoadError:
        if text is None:
            raise
        return _checked(text), "gb18030"


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: NULs (the high byte of ASCII characters) mostly on one parity.

    Not only one: CJK characters such as 一 (U+4E00) put a NUL on the other parity.
    """
    if len(data) % 2:
        return None
    sample = data[:_SAMPLE]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd > 4 * even:
        return "utf-16-le"
    if even > 4 * odd:
        return "utf-16-be"
    return None


def _nearly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few damaged bytes (a bad copy, a stray byte): keep it, marked.

    Each damaged byte becomes U+FFFD, so a number it falls in reads as an unreadable cell
    (reported, never 0). GBK text read as UTF-8 damages nearly every character, so it
    never passes this test.
    """
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    intact = len(text) - len(text.encode("ascii", "ignore")) - damaged  # well-formed multibyte characters
    return text if damaged * 50 <= intact else None


def _plausible_gb(text: str) -> bool:
    """GB18030 decodes nearly any byte string, Big5 included, into rare characters.

    Real GBK reports write almost only GB2312 characters; Big5 read as GBK gives mostly
    characters outside it. Then the detector gets a say.
    """
    cjk = [ch for ch in text[:_SAMPLE] if "\u4e00" <= ch <= "\u9fff"]
    if len(cjk) < 20:
        return True
    outside = "".join(cjk).encode("gb2312", errors="replace").count(b"?")
    return outside <= 0.25 * len(cjk)


def _declared_charset(data: bytes) -> str | None:
    match = _DECLARED.search(data, 0, _SAMPLE)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _SUPERSET.get(name, name)


def _guess(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes  # imported late: only undecodable input needs it

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise LoadError(NOT_TEXT)
    name = codecs.lookup(best.encoding).name
    text = _strict(data, name)
    if text is None:
        raise LoadError(NOT_TEXT)
    return _checked(text), name


def _checked(text: str) -> str:
    """Refuse text that is mostly control characters: binary data that happened to decode."""
    if not _CONTROL.search(text):
        return text
    sample = text[: _SAMPLE * 16]
    if len(_CONTROL.findall(sample)) > _MAX_CONTROL_RATIO * len(sample):
        raise LoadError(NOT_TEXT)
    return text
