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
    # split_cells inlined as one comprehension: this runs for every line of every text
    # report, and call and loop overhead were most of the load time. splitlines() also
    # normalises CRLF/CR.
    if "<br" in text or "<BR" in text:
        text = _BR.sub(" ", text)
    lines = [
        Line(
            raw.split("\t") if "\t" in raw else (raw.split("|") if "|" in raw else [raw]), number, False, raw
        )
        for number, raw in enumerate(text.splitlines(), start=1)
    ]
    return Document(path=path, sha256=sha256, format="text", encoding=encoding, lines=lines, text=text)
