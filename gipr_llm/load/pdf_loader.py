"""PDF reports with a text layer: ruled tables as rows of cells, other text as lines.

pdfium (pypdfium2) gives each character with its box and every path object of the page;
the rest is geometry done here. Government PDFs are mostly exported from Word, so their
tables are ruled: the ruling lines (horizontal and vertical path segments) are merged,
their crossings found, and each cell is the smallest rectangle closed by rules on all four
sides (``pdf_grid``). A table is read as a grid, origin cells only, a vertical span copy
as one empty cell (as in the HTML and DOCX loaders). Characters outside every table are
grouped into visual lines and each line is split into cells where the gap between two
characters is wide, which keeps unruled tables usable. Page footers such as 「— 5 —」 stay
as lines.

Guards come before pdfium parses a page: a page count limit and a limit on each page's
decoded content-stream size (``PdfLimits``; a 228 KB file can carry a 96 MB content
stream that would take pdfium 15 s and 1.5 GB).
"""

from __future__ import annotations

import ctypes
import os
import re
from dataclasses import dataclass
from itertools import pairwise

from gipr_llm.domain.models import Document, Line, LoadError
from gipr_llm.load.pdf_grid import Char, Grid, HEdge, VEdge, find_tables
from gipr_llm.load.text import split_cells

_CELL_GAP = re.compile(r"\t+| {2,}|\u3000{2,}")
_RULE_THICKNESS = 3.0  # points: a filled rectangle thinner than this is a drawn rule
_MAX_PAGES = 300  # a real report has 5-30 pages
_MAX_PAGE_CONTENT = 8 * 1024 * 1024  # decoded bytes; a real report page is well under 200 KB


@dataclass(frozen=True, slots=True)
class PdfLimits:
    """What a PDF may contain before it is refused unread (environment overrides)."""

    max_pages: int = _MAX_PAGES
    max_page_content_bytes: int = _MAX_PAGE_CONTENT  # decoded

    @classmethod
    def from_env(cls) -> PdfLimits:
        pages = os.environ.get("GIPR_PDF_MAX_PAGES")
        content = os.environ.get("GIPR_PDF_MAX_PAGE_CONTENT_MB")
        try:
            return cls(
                max_pages=int(pages) if pages else _MAX_PAGES,
                max_page_content_bytes=int(float(content) * 1024 * 1024) if content else _MAX_PAGE_CONTENT,
            )
        except ValueError:
            raise LoadError(
                "PDF 限制设置无效：GIPR_PDF_MAX_PAGES 须为整数，GIPR_PDF_MAX_PAGE_CONTENT_MB 须为数字 "
                "(invalid PDF limit setting)"
            ) from None


@dataclass(slots=True)
class TextLayer:
    """How much text the PDF's text layer carries: decides whether it can be read at all."""

    chars: int = 0
    unmapped: int = 0  # glyphs whose font has no Unicode map


def load_pdf(data: bytes, path: str, sha256: str, limits: PdfLimits | None = None) -> Document:
    import pypdfium2 as pdfium  # imported late: only PDF input pays for it

    limits = limits or PdfLimits.from_env()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise LoadError("PDF 已加密，无法读取 (encrypted PDF)") from exc
        raise LoadError("PDF 文件已损坏，无法读取 (corrupt PDF)") from exc
    try:
        pages = len(pdf)
        if pages > limits.max_pages:
            raise LoadError(
                f"PDF 页数过多：{pages} 页，超过 {limits.max_pages} 页上限 "
                f"(too many pages; limit GIPR_PDF_MAX_PAGES={limits.max_pages})"
            )
        check_content_size(data, limits)
        # The document's metadata (title, author …) is at hand here: pdf.get_metadata_dict().
        out: list[Line] = []
        layer = TextLayer()
        for index in range(pages):
            page = pdf[index]
            try:
                _read_page(page, out, layer)
            finally:
                page.close()  # pdfium's parsed objects are freed page by page: memory stays per page
    except pdfium.PdfiumError as exc:
        raise LoadError("PDF 文件已损坏，无法读取 (corrupt PDF)") from exc
    finally:
        pdf.close()
    refuse_without_text_layer(layer)
    return Document(path=path, sha256=sha256, format="pdf", encoding=None, lines=out)


def refuse_without_text_layer(layer: TextLayer) -> None:
    """The one place that decides a PDF has no usable text layer (a scan, or fonts without
    a Unicode map); OCR would hook in here."""
    if layer.chars == 0:
        raise LoadError(
            "PDF 没有文字层（扫描件），请先做文字识别（OCR）(no text layer: scanned PDF, OCR it first)"
        )
    if layer.unmapped > layer.chars / 2:
        raise LoadError(
            "PDF 文字层无法解码为文字（字体缺少 Unicode 映射），请先做文字识别（OCR）(undecodable text layer: OCR it first)"
        )


def check_content_size(data: bytes, limits: PdfLimits) -> None:
    """Refuse a page whose decoded content streams exceed the limit, decoding at most that much."""
    from gipr_llm.load.pdf_streams import page_content_sizes

    try:
        for number, size in page_content_sizes(data, limits.max_page_content_bytes):
            if size > limits.max_page_content_bytes:
                mb = limits.max_page_content_bytes / (1024 * 1024)
                raise LoadError(
                    f"PDF 第 {number} 页内容流超过 {mb:g} MB 上限，疑为恶意或损坏文件 "
                    f"(page content stream too large; limit GIPR_PDF_MAX_PAGE_CONTENT_MB={mb:g})"
                )
    except LoadError:
        raise
    except Exception:
        return


# --- one page ---------------------------------------------------------------------


def _read_page(page, out: list[Line], layer: TextLayer) -> None:
    chars = _page_chars(page, layer)
    if not chars:
        return
    h_edges, v_edges = _page_rules(page)
    tables = find_tables(h_edges, v_edges) if h_edges and v_edges else []
    loose: list[Char] = []
    placed: list[list[list[Char]]] = [[[] for _ in t.cells] for t in tables]
    boxes = [(t.left, t.bottom, t.right, t.top) for t in tables]
    for ch in chars:
        x, y = ch.cx, ch.cy
        for t_index, (left, bottom, right, top) in enumerate(boxes):
            if left <= x <= right and bottom <= y <= top:
                cell = tables[t_index].cell_at(x, y)
                if cell is not None:
                    placed[t_index][cell].append(ch)
                break  # inside a table, in a cell or in no closed cell (then not content)
        else:
            loose.append(ch)
    blocks: list[tuple[float, list[Line]]] = []  # (top, lines), read top to bottom
    for table, cell_chars in zip(tables, placed, strict=True):
        rows = _table_rows(table, cell_chars)
        blocks.append((table.top, [Line(cells, 0, in_table=True) for cells in rows]))
    for top, cells in _text_lines(loose):
        blocks.append((top, [Line(cells, 0)]))
    blocks.sort(key=lambda block: -block[0])
    for _, lines in blocks:
        for line in lines:
            line.number = len(out) + 1
            out.append(line)


def _page_chars(page, layer: TextLayer) -> list[Char]:
    """The page's characters with their boxes; counts what the text layer holds in ``layer``.

    One ctypes call per character (its box): the text comes in one call, and whether a
    glyph lacks a Unicode map is sampled on the first ``_MAP_SAMPLE`` characters of a page
    (a font without a map garbles every glyph it draws, so a sample shows it).
    """
    import pypdfium2.raw as raw

    textpage = page.get_textpage()
    try:
        handle = textpage.raw
        count = raw.FPDFText_CountChars(handle)
        text = _page_text(raw, handle, count)
        rect = raw.FS_RECTF()
        box = raw.FPDFText_GetLooseCharBox
        chars: list[Char] = []
        append = chars.append
        for i, t in enumerate(text):
            if t in _SKIP:
                if t in " \u3000\xa0" and raw.FPDFText_IsGenerated(handle, i) != 1:
                    t = " "  # a space the PDF draws: its advance is spacing
                elif t in "\ufffd\x00":
                    layer.chars += 1
                    layer.unmapped += 1
                    continue
                else:
                    continue  # line breaks and spaces pdfium inserts, control characters
            elif i < _MAP_SAMPLE and raw.FPDFText_HasUnicodeMapError(handle, i) == 1:
                layer.chars += 1
                layer.unmapped += 1
                continue
            layer.chars += 1
            # The loose box spans the glyph's advance and the font's height: characters of
            # one line share a band, and gaps are the real spacing between advances.
            box(handle, i, rect)
            x0, x1, bottom, top = rect.left, rect.right, rect.bottom, rect.top
            append(Char(t, x0, x1, bottom, top, (x0 + x1) / 2, (bottom + top) / 2))
        return chars
    finally:
        textpage.close()


_MAP_SAMPLE = 64
_SKIP = frozenset(" \u3000\xa0\ufffd\x00" + "".join(map(chr, range(1, 0x20))))


def _page_text(raw, handle, count: int) -> str:
    """All characters of the page, one per character index (the text call, else one by one)."""
    if count <= 0:
        return ""
    buffer = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(handle, 0, count, buffer)
    text = bytes(memoryview(buffer))[: 2 * max(written - 1, 0)].decode("utf-16-le", "replace")
    if len(text) == count:
        return text
    # Characters outside the BMP, or pdfium's text view differs from its character list.
    return "".join(chr(raw.FPDFText_GetUnicode(handle, i) or 0xFFFD) for i in range(count))


def _page_rules(page) -> tuple[list[HEdge], list[VEdge]]:
    """Horizontal and vertical segments of the page's path objects, in page coordinates."""
    import pypdfium2.raw as raw

    h_edges: list[HEdge] = []
    v_edges: list[VEdge] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    matrix = raw.FS_MATRIX()
    bounds = [ctypes.c_float() for _ in range(4)]
    page_handle = page.raw
    for o in range(raw.FPDFPage_CountObjects(page_handle)):  # top level: Word draws rules there
        handle = raw.FPDFPage_GetObject(page_handle, o)
        if raw.FPDFPageObj_GetType(handle) != raw.FPDF_PAGEOBJ_PATH:
            continue
        raw.FPDFPageObj_GetBounds(handle, *bounds)
        left, bottom, right, top = (b.value for b in bounds)
        if right - left <= _RULE_THICKNESS and top - bottom > _RULE_THICKNESS:
            v_edges.append(VEdge((left + right) / 2, bottom, top))
            continue
        if top - bottom <= _RULE_THICKNESS and right - left > _RULE_THICKNESS:
            h_edges.append(HEdge((bottom + top) / 2, left, right))
            continue
        raw.FPDFPageObj_GetMatrix(handle, matrix)
        a, b, c, d, e, f = matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f
        start: tuple[float, float] | None = None
        previous: tuple[float, float] | None = None
        for s in range(raw.FPDFPath_CountSegments(handle)):
            segment = raw.FPDFPath_GetPathSegment(handle, s)
            raw.FPDFPathSegment_GetPoint(segment, x, y)
            point = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            kind = raw.FPDFPathSegment_GetType(segment)
            if kind == raw.FPDF_SEGMENT_MOVETO or previous is None:
                start = point
            elif kind == raw.FPDF_SEGMENT_LINETO:
                _add_edge(previous, point, h_edges, v_edges)
            previous = point
            if raw.FPDFPathSegment_GetClose(segment) and start is not None:
                _add_edge(point, start, h_edges, v_edges)
                previous = start
    return h_edges, v_edges


def _add_edge(p: tuple[float, float], q: tuple[float, float], h: list[HEdge], v: list[VEdge]) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 0.5 and abs(x1 - x0) > 1:
        h.append(HEdge(y0, min(x0, x1), max(x0, x1)))
    elif abs(x0 - x1) < 0.5 and abs(y1 - y0) > 1:
        v.append(VEdge(x0, min(y0, y1), max(y0, y1)))


# --- tables and text lines ---------------------------------------------------------

_EDGE = 1.0  # points of slack when comparing cell edges


def _table_rows(table: Grid, cell_chars: list[list[Char]]) -> list[list[str]]:
    """Origin cells of each row; one empty cell where a cell from a row above reaches down."""
    reaches: dict[int, float] = {}  # column index -> bottom of the last cell starting there
    rows: list[list[str]] = []
    for row_top, row_cells in table.rows():
        starts = {table.column_of(table.cells[i].x0): i for i in row_cells}
        cells: list[str] = []
        for column in range(len(table.columns)):
            index = starts.get(column)
            if index is not None:
                reaches[column] = table.cells[index].y0
                cells.append(_cell_text(cell_chars[index]))
            elif reaches.get(column, row_top) < row_top - _EDGE:
                cells.append("")
        if cells:
            rows.append(cells)
    return rows


def _cell_text(chars: list[Char]) -> str:
    """A cell's characters, line by line, joined without line breaks (as a Word cell reads)."""
    return "".join("".join(cells) for _, cells in _text_lines(chars, split=False)).strip()


def _text_lines(chars: list[Char], split: bool = True) -> list[tuple[float, list[str]]]:
    """Characters grouped into visual lines (top to bottom), each split into cells on wide gaps.

    A gap wider than one character's height separates cells (an unruled table's columns);
    a gap of a quarter of it is a space inside a cell. A line typed with pipes is split on
    them, as in a text copy.
    """
    lines: list[list[Char]] = []
    tops: list[float] = []  # each line's top: its first character's, as they come top down
    band_top = band_bottom = band_half = 0.0  # the current line's first character
    for ch in sorted(chars, key=lambda c: -c.top):
        if lines:
            overlap = min(band_top, ch.top) - max(band_bottom, ch.bottom)
            if overlap > band_half or overlap > 0.5 * (ch.top - ch.bottom):
                lines[-1].append(ch)
                continue
        lines.append([ch])
        tops.append(ch.top)
        band_top, band_bottom, band_half = ch.top, ch.bottom, 0.5 * (ch.top - ch.bottom)
    out: list[tuple[float, list[str]]] = []
    for top, line in zip(tops, lines, strict=True):
        line.sort(key=lambda c: c.x0)
        parts: list[str] = [line[0].text]
        for prev, ch in pairwise(line):
            gap = ch.x0 - prev.x1
            if gap > 0.25:  # closer than that is never a space (and the common case)
                height = ch.top - ch.bottom
                if height < 1.0:
                    height = 1.0
                if gap > height:
                    parts.append("  ")
                elif gap > 0.25 * height and prev.text != " " and ch.text != " ":
                    parts.append(" ")  # a space the PDF does not draw as a character
            parts.append(ch.text)
        text = "".join(parts).strip()
        if text:
            if not split:
                cells = [text]
            elif "|" in text:  # a table typed as text with pipes, read as a text copy is
                cells = [c.strip() for c in split_cells(text)]
            else:
                cells = _CELL_GAP.split(text)
            out.append((top, cells))
    return out
