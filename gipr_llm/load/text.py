"""Plain-text reports: one Line per physical line, split into cells on tabs or pipes."""

from __future__ import annotations

import re

from gipr_llm.domain.models import Document, Line

# A line break inside a Markdown table cell, as PDF→Markdown converters write it: the cell
# goes on (a label wrapped in its cell), so it reads as a space, never a new line or row.
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def split_cells(line: str) -> list[str]:
    """Cells of one text line: tab- or pipe-delimited rows become several cells."""
    if "\t" in line:
        return line.split("\t")
    if "|" in line:
        return line.split("|")
    return [line]


def load_text(text: str, encoding: str, path: str, sha256: str) -> Document:
    # This runs for every line of every text report, so it is written for speed:
    # - cells are tuples: cheaper than lists, free for the parser's tuple(cells), and a
    #   tuple of strings leaves the garbage collector's lists at its first pass (a list
    #   is traversed at every collection while the document lives);
    # - the Line is filled in directly (object.__new__ and slot stores): calling the
    #   dataclass's __init__ through type() costs about as much again as the stores.
    #   test_load_text.py checks the result equals Line(split_cells(raw), n, False, raw).
    # splitlines() also normalises CRLF/CR.
    if "<" in text and ("<br" in text or "<BR" in text):  # one-character scan first: cheaper
        text = _BR.sub(" ", text)
    lines: list[Line] = []
    append = lines.append
    new = object.__new__
    for number, raw in enumerate(text.splitlines(), start=1):
        line = new(Line)
        line.cells = (
            tuple(raw.split("\t")) if "\t" in raw else (tuple(raw.split("|")) if "|" in raw else (raw,))
        )
        line.number = number
        line.in_table = False
        line.raw = raw
        append(line)
    return Document(path=path, sha256=sha256, format="text", encoding=encoding, lines=lines, text=text)
