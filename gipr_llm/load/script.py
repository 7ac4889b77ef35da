"""Traditional-character mirrors and pinyin glosses -> the simplified text the parser reads.

Some sites mirror reports in traditional characters (结转 printed 結轉), a few with pinyin
glosses after words (政府(zhèng fǔ)). Row labels and headings are matched in simplified
characters, so such a text is converted with OpenCC (t2s) and glosses are removed before
parsing; the Document says so, and so does a finding, because quotes are then in the
converted text.
"""

from __future__ import annotations

import re
from functools import cache

from gipr_llm.domain.models import Document

# Traditional-only forms of characters every report uses (開報數關結轉…): a simplified
# report has none of them, a mirror has hundreds.
_TRADITIONAL = re.compile("[開報資處請數關機況執訴議審結轉與內國類總計項條務會對發網號於為實辦復權們區]")
MIN_TRADITIONAL = 10  # a stray quoted character is not a mirror
_TONE_MARK = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")
_PINYIN_GLOSS = re.compile(
    r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü\s'’·-]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü\s'’·-]*[)）]"
)


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# Either kind of character, so a simplified report without glosses costs one scan.
_ANY = re.compile(f"{_TRADITIONAL.pattern[:-1]}{_TONE_MARK.pattern[1:]}")


def to_simplified(text: str) -> tuple[str, str | None]:
    """The text the parser should read, and a note when it differs from the file's text."""
    if not _ANY.search(text):
        return text, None
    notes: list[str] = []
    if _TONE_MARK.search(text):
        text, glosses = _PINYIN_GLOSS.subn("", text)
        if glosses:
            notes.append(f"去除拼音注音{glosses}处")
    if _TRADITIONAL.search(text) and len(_TRADITIONAL.findall(text)) >= MIN_TRADITIONAL:
        text = _t2s().convert(text)
        notes.append("繁体字转换为简体字（OpenCC t2s）")
    return text, "；".join(notes) or None


_SEPARATOR = "\u0001"  # joins cells for one conversion; OpenCC leaves it alone


def simplified_cells(doc: Document) -> Document:
    """The same conversion for a document that arrives as cells (DOCX, PDF)."""
    cells = [cell for line in doc.lines for cell in line.cells]
    if any(_SEPARATOR in cell for cell in cells):
        return doc  # cannot happen in a real document; never risk misplacing a cell
    converted, note = to_simplified(_SEPARATOR.join(cells))
    parts = converted.split(_SEPARATOR)
    if note is None or len(parts) != len(cells):
        return doc
    parts = iter(parts)
    for line in doc.lines:
        line.cells = [next(parts) for _ in line.cells]
        line.raw = None
    doc.converted = note
    return doc
