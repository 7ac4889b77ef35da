"""HTML pages whose tables are pictures: the ``<img>`` files saved next to the page are
OCR'd (``load.ocr``) and their lines put where the picture stands in the page.

Only local files are read: a relative ``src`` inside the page's own folder (a page saved
with "save as… complete" keeps its pictures in ``name_files/``). Nothing is fetched. A
picture whose OCR finds no ruled table (a logo, a photo, a QR code) adds nothing.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from gipr_llm.domain.models import Line, OcrReading

MIN_SIDE = 300  # px: smaller pictures are icons and logos, never a table


def local_image(src: str, page: str) -> Path | None:
    """The file a relative ``src`` names inside the page's folder, if it is an image there."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # http:, data:, //host/…: not a local file
    folder = Path(page).resolve().parent
    try:
        found = (folder / unquote(parts.path)).resolve()
    except (OSError, ValueError):
        return None
    if not found.is_relative_to(folder) or not found.is_file():
        return None
    return found


def ocr_local_images(
    lines: list[Line], images: list[tuple[int, str]], page: str, *, has_grid: bool
) -> tuple[list[Line], OcrReading | None]:
    """The page's lines with each local table picture's OCR'd lines spliced in, renumbered;
    and the OCR reading (None when no picture held a table)."""
    from gipr_llm.load import ocr

    found = [(at, path) for at, src in images if (path := local_image(src, page)) is not None]
    if not found:
        return lines, None
    if not ocr.ocr_available():
        if has_grid:
            return lines, None  # the page has its tables as text: the pictures are extra
        ocr.require_ocr("表格为图片的网页")  # refuses, naming the extra
    inserted: dict[int, list[tuple[list[str], bool, list[float | None]]]] = {}
    pages: list[int] = []
    dpi = ocr.FALLBACK_DPI
    for number, (at, path) in enumerate(found, start=1):
        data = path.read_bytes()
        if not ocr.is_image(data):
            continue
        frames = ocr.image_pages(data)
        if not frames or min(frames[0].shape[:2]) < MIN_SIDE:
            continue
        dpi = ocr.image_dpi(data)
        for page_text in ocr.read_pages(frames, [dpi] * len(frames)):
            if not any(page_text.in_table):
                continue  # no ruled table: a photo or a logo
            rows = inserted.setdefault(at, [])
            rows.extend(zip(page_text.rows, page_text.in_table, page_text.confidence, strict=True))
            pages.append(number)
    if not inserted:
        return lines, None
    out: list[Line] = []
    confidence: dict[str, float] = {}

    def add(
        cells: list[str], in_table: bool, scores: list[float | None] | None, raw: str | None = None
    ) -> None:
        line = Line(cells, len(out) + 1, in_table=in_table, raw=raw)
        out.append(line)
        for index, score in enumerate(scores or []):
            if score is not None:
                confidence[f"{line.number}:{index}"] = round(score, 3)

    for index in range(len(lines) + 1):
        for cells, in_table, scores in inserted.get(index, []):
            add(cells, in_table, scores)
        if index < len(lines):
            add(lines[index].cells, lines[index].in_table, None, lines[index].raw)
    return out, OcrReading(engine=ocr.engine_name(), dpi=dpi, pages=pages, confidence=confidence)
