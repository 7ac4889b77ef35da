"""Plain-text reports: one Line per physical line, split into cells on tabs or pipes."""

from __future__ import annotations

from gipr_llm.models import Document, Line


def split_cells(line: str) -> list[str]:
    """Cells of one text line: tab- or pipe-delimited rows become several cells."""
    if "\t" in line:
        return line.split("\t")
    if "|" in line:
        return line.split("|")
    return [line]


def load_text(text: str, encoding: str, path: str, sha256: str) -> Document:
    # split_cells inlined: this loop runs for every line of every text report, and the
    # call overhead was a third of the load time. splitlines() also normalises CRLF/CR.
    lines: list[Line] = []
    append = lines.append
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" in raw:
            append(Line(raw.split("\t"), number, False, raw))
        elif "|" in raw:
            append(Line(raw.split("|"), number, False, raw))
        else:
            append(Line([raw], number, False, raw))
    return Document(path=path, sha256=sha256, format="text", encoding=encoding, lines=lines)
