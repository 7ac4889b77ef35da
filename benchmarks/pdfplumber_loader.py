"""Reference: the previous pdfplumber-based PDF loader (benchmarks and agreement checks only).

Government PDFs are mostly exported from Word, so their tables are ruled. pdfplumber finds
ruled tables from their lines and gives each cell exactly, blank cells included; layout
text alone cannot (a blank cell vanishes into a run of spaces and a vertically centred
group label lands on the wrong row). So each page is cut into horizontal bands: a ruled
table is read as a grid (origin cells only, a vertical span copy as one empty cell, as in
the HTML and DOCX loaders); the text between tables is read with layout-preserving
extraction, each visual line split into cells on runs of two or more spaces or tabs,
which keeps unruled tables usable. Page footers such as 「— 5 —」 stay as lines.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from gipr_llm.domain.models import Document, Line, LoadError

_CELL_GAP = re.compile(r"\t+| {2,}|\u3000{2,}")
_EDGE = 1.0  # points of slack when comparing cell edges


def load_pdf(data: bytes, path: str, sha256: str) -> Document:
    import pdfplumber  # imported late: only PDF input pays for it
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    # pdfminer logs every font oddity as a warning; the user only needs our one-line verdict.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    out: list[Line] = []
    chars = unmapped = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                chars += len(page.chars)
                unmapped += sum(1 for ch in page.chars if ch["text"].startswith("(cid:"))
                if page.chars:
                    _page_lines(page, out)
                page.close()  # drop the page's parsed objects: memory stays per page
    except LoadError:
        raise
    except Exception as exc:  # pdfminer raises many types for one cause
        if _caused_by(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise LoadError("PDF 已加密，无法读取 (encrypted PDF)") from exc
        raise LoadError("PDF 文件已损坏，无法读取 (corrupt PDF)") from exc
    if chars == 0:
        raise LoadError(
            "PDF 没有文字层（扫描件），请先做文字识别（OCR）(no text layer: scanned PDF, OCR it first)"
        )
    if unmapped > chars / 2:
        # Fonts without a Unicode map: pdfminer can only say "(cid:4162)" for each glyph.
        raise LoadError(
            "PDF 文字层无法解码为文字（字体缺少 Unicode 映射），请先做文字识别（OCR）(undecodable text layer: OCR it first)"
        )
    return Document(path=path, sha256=sha256, format="pdf", encoding=None, lines=out)


def _caused_by(exc: BaseException, types: tuple[type[BaseException], ...]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, types) or any(isinstance(a, types) for a in getattr(seen, "args", ())):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _page_lines(page: Any, out: list[Line]) -> None:
    tables = sorted(page.find_tables(), key=lambda t: (t.bbox[1], t.bbox[0]))
    top = page.bbox[1]
    for table in tables:
        _, t_top, _, t_bottom = table.bbox
        if t_top > top:
            _text_lines(page, (page.bbox[0], top, page.bbox[2], t_top), out)
        for cells in _table_rows(table):
            out.append(Line(cells, len(out) + 1, in_table=True))
        top = max(top, t_bottom)
    if top < page.bbox[3]:
        _text_lines(page, (page.bbox[0], top, page.bbox[2], page.bbox[3]), out)


def _text_lines(page: Any, band: tuple[float, float, float, float], out: list[Line]) -> None:
    text = page.within_bbox(band).extract_text(layout=True)
    for raw in text.splitlines():
        raw = raw.strip()
        if raw:
            out.append(Line(_CELL_GAP.split(raw), len(out) + 1))


def _table_rows(table: Any) -> list[list[str]]:
    """Origin cells of each row; one empty cell where a cell from a row above reaches down."""
    texts = table.extract()
    reaches: dict[int, float] = {}  # column index -> bottom of the last cell starting there
    rows: list[list[str]] = []
    for row, row_texts in zip(table.rows, texts, strict=True):
        boxes = row.cells
        top = min(box[1] for box in boxes if box is not None)
        cells: list[str] = []
        for column, (box, text) in enumerate(zip(boxes, row_texts, strict=True)):
            if box is not None:
                reaches[column] = box[3]
                cells.append("".join((text or "").split("\n")).strip())
            elif reaches.get(column, top) > top + _EDGE:
                cells.append("")
        if cells:
            rows.append(cells)
    return rows
