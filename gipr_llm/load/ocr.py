"""Scanned pages and pictures: offline OCR into the same lines of cells as the other loaders.

Used only where there is no usable text layer: a PDF page with no characters (or with
``(cid:…)`` glyphs that have no Unicode map), and PNG/JPEG/TIFF input. A PDF with a good
text layer never comes here.

Engine: rapidocr-onnxruntime (PP-OCRv4 Chinese detection and recognition models inside
its wheel, run by ONNX Runtime on the CPU: nothing is downloaded at run time). It is an
optional extra (``pip install 'gipr-llm[ocr]'``); without it the refusal names the extra.

A page is read in three steps:

1. **Ruled tables** are found from their lines (OpenCV morphology: long horizontal and
   vertical strokes). The page is first turned straight by the median angle of the long
   horizontal rules, so a scan a fraction of a degree off still gives level rows.
2. **Each table cell** is the white area enclosed by rules. Its ink is cut into text
   lines by horizontal projection and each line is *recognised* alone (no detection: a
   lone「0」in a wide cell is what detection misses most). Rows are rebuilt as the PDF
   loader does: origin cells of each row, one empty cell where a cell from a row above
   reaches down, so the label-anchored parser reads them unchanged.
3. **Other text** (tables blanked out) goes through detection and recognition; boxes are
   grouped into lines by vertical overlap, in reading order, and a wide gap splits a line
   into cells (as the PDF loader splits layout text on runs of spaces).

Every OCR'd cell keeps its recognition confidence (``Document.ocr.confidence``) so the
parse stage can report a low-confidence number. Results are cached per page image
(``OCR_CACHE``), so a re-run costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gipr_llm.domain.models import Document, Line, LoadError, OcrReading

# Render resolution (benchmarks/bench_ocr.py, 2026-12-07, five scanned seeds, CPU s/page
# at 150/200/250/300 dpi all 2.7-3.1 s, within the noise): a scanned page is rendered at the
# resolution of its own picture (clamped to 150-300), because resampling only loses — 300-dpi
# scans read at 250 were all right (200: 3 cells null), 200-dpi scans read at 200 all right
# (250: 16 cells null, all flagged). A page without a picture (vector glyphs with no text
# map) renders at VECTOR_DPI: 250 read as well as 300 at ~10% less time. ``DPI`` forces one
# resolution (the benchmark sets it); None = as above. Pictures (PNG/JPEG/TIFF) are read at
# their own pixels; their stated dpi, else FALLBACK_DPI, only scales the pixel tuning.
DPI: int | None = None
VECTOR_DPI = 250
FALLBACK_DPI = 200
MIN_DPI, MAX_DPI = 150, 300
EXTRA_HINT = "pip install 'gipr-llm[ocr]'"
_CACHE_FORMAT = 5
_ENGINE: Any = None


def ocr_available() -> bool:
    try:
        import cv2  # noqa: F401
        import pypdfium2  # noqa: F401
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def require_ocr(what: str) -> None:
    """Refuse in one line, naming the extra to install, when the OCR extra is missing."""
    if not ocr_available():
        raise LoadError(
            f"{what}需要文字识别（OCR），请安装 OCR 组件：{EXTRA_HINT} ({what}: install the ocr extra)"
        )


def engine_name() -> str:
    from importlib.metadata import version

    return f"rapidocr-onnxruntime {version('rapidocr-onnxruntime')} (PP-OCRv4)"


@dataclass(slots=True)
class PageText:
    """One page read by OCR: rows of cells, whether each is a table row, cell confidences."""

    rows: list[list[str]] = field(default_factory=list)
    in_table: list[bool] = field(default_factory=list)
    confidence: list[list[float | None]] = field(default_factory=list)

    def add(self, cells: list[str], in_table: bool, confidence: list[float | None]) -> None:
        self.rows.append(cells)
        self.in_table.append(in_table)
        self.confidence.append(confidence)


def page_dpi(page: Any) -> int:
    """The resolution to render a PDF page at: its largest picture's own, clamped."""
    import pypdfium2.raw as pdfium_c

    if DPI is not None:
        return DPI
    best, native = 0.0, None
    for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = image.get_bounds()
        width, height = image.get_px_size()
        if right - left < 72 or top - bottom < 72:  # under an inch: a logo or a stamp
            continue
        area = (right - left) * (top - bottom)
        if area > best:
            best = area
            native = (width / ((right - left) / 72) + height / ((top - bottom) / 72)) / 2
    if native is None:
        return VECTOR_DPI
    return int(min(MAX_DPI, max(MIN_DPI, round(native))))


def render_pdf_pages(data: bytes, pages: list[int]) -> tuple[list[Any], list[int]]:
    """Grey page images (numpy arrays) of the chosen 0-based pages, and each one's dpi."""
    import numpy as np
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        images, dpis = [], []
        for index in pages:
            page = document[index]
            dpi = page_dpi(page)
            dpis.append(dpi)
            # In colour: a red seal is taken out by its colour before the page turns grey.
            bitmap = page.render(scale=dpi / 72, grayscale=False)
            images.append(without_red_ink(np.asarray(bitmap.to_pil().convert("RGB"))))
            page.close()
        return images, dpis
    finally:
        document.close()


# A pixel is red seal ink when its red channel exceeds both others by this much (0-255).
RED_MARGIN = 40


def without_red_ink(rgb: Any) -> Any:
    """The grey page with red ink (an official seal, a red 文头) made paper.

    A seal stamped over 表三 draws rings and characters across the number cells; in the red
    channel red ink is as light as the paper while black text stays black, so reddish pixels
    take their red-channel value and the rest their luminance. Black text under the seal is
    kept (the ink multiplies: dark in every channel). A grey page is unchanged.
    """
    import cv2
    import numpy as np

    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    red = rgb[:, :, 0].astype(np.int16)
    other = np.maximum(rgb[:, :, 1], rgb[:, :, 2]).astype(np.int16)
    reddish = red - other > RED_MARGIN
    if not reddish.any():
        return grey
    # The anti-aliased rim of a stroke is only faintly red: widen the mask by a pixel.
    reddish = cv2.dilate(reddish.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    out = grey.copy()
    out[reddish] = np.maximum(grey[reddish], rgb[:, :, 0][reddish])
    return out


def image_pages(data: bytes) -> list[Any]:
    """Grey frames of a PNG/JPEG/TIFF picture (a multi-page TIFF gives several)."""
    import io

    import numpy as np
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as picture:
            return [
                without_red_ink(np.asarray(frame.convert("RGB"))) for frame in ImageSequence.Iterator(picture)
            ]
    except (UnidentifiedImageError, OSError) as exc:
        raise LoadError("图片已损坏，无法读取 (corrupt image)") from exc


def ocr_pages(images: list[Any], page_numbers: list[int], dpis: list[int]) -> tuple[list[Line], OcrReading]:
    """Lines of the OCR'd pages, in order, with the cell confidences keyed by line number."""
    lines: list[Line] = []
    confidence: dict[str, float] = {}
    for page in read_pages(images, dpis):
        for cells, in_table, scores in zip(page.rows, page.in_table, page.confidence, strict=True):
            line = Line(cells, len(lines) + 1, in_table=in_table)
            lines.append(line)
            for index, score in enumerate(scores):
                if score is not None:
                    confidence[f"{line.number}:{index}"] = round(score, 3)
    dpi = max(set(dpis), key=dpis.count) if dpis else FALLBACK_DPI  # the most pages' own
    reading = OcrReading(engine=engine_name(), dpi=dpi, pages=page_numbers, confidence=confidence)
    return lines, reading


# Processes reading the pages of one file. The batch sets it to ``-j`` when it is given a
# single file (several files are already spread over ``-j`` processes, one file each).
PAGE_JOBS = 1


def set_page_jobs(jobs: int) -> None:
    global PAGE_JOBS
    PAGE_JOBS = max(1, jobs)


def read_pages(images: list[Any], dpis: list[int]) -> list[PageText]:
    """Every page (at its dpi), from the cache where it was read before; the others in
    ``PAGE_JOBS`` processes (spawned: a forked ONNX Runtime session is not safe to reuse)."""
    pages: list[PageText | None] = [_cache_get(image, dpi) for image, dpi in zip(images, dpis, strict=True)]
    missing = [i for i, page in enumerate(pages) if page is None]
    # A spawned worker costs about one page of CPU before it reads anything (imports and
    # models): each gets at least two pages, else one process reads them all.
    workers = min(PAGE_JOBS, len(missing) // 2)
    if workers > 1:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            read = list(pool.map(_read_page, [images[i] for i in missing], [dpis[i] for i in missing]))
    else:
        read = [_read_page(images[i], dpis[i]) for i in missing]
    for index, page in zip(missing, read, strict=True):
        _cache_put(images[index], dpis[index], page)
        pages[index] = page
    return [page for page in pages if page is not None]


# --- cache ------------------------------------------------------------------------


def cache_dir() -> Path | None:
    """``GIPR_OCR_CACHE`` (``off`` disables it), else the user cache dir."""
    chosen = os.environ.get("GIPR_OCR_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("gipr-llm")) / "ocr"


def _cache_key(image: Any, dpi: int) -> str:
    digest = hashlib.sha256()
    digest.update(f"{_CACHE_FORMAT}|{engine_name()}|{dpi}|{image.shape}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


def _cache_path(image: Any, dpi: int) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    key = _cache_key(image, dpi)
    return folder / key[:2] / f"{key}.json"


def _cache_get(image: Any, dpi: int) -> PageText | None:
    path = _cache_path(image, dpi)
    if path is None or not path.is_file():
        return None
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return PageText(stored["rows"], stored["in_table"], stored["confidence"])
    except (ValueError, KeyError, OSError):
        return None  # a damaged entry is read again


def _cache_put(image: Any, dpi: int, page: PageText) -> None:
    path = _cache_path(image, dpi)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        payload = {"rows": page.rows, "in_table": page.in_table, "confidence": page.confidence}
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # an unwritable cache only costs time


def read_page(image: Any, dpi: int) -> PageText:
    """One page, from the cache when this exact image was read before."""
    return read_pages([image], [dpi])[0]


# --- one page ---------------------------------------------------------------------


def _engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        from rapidocr_onnxruntime import RapidOCR

        # One thread per process: on a busy or small machine ONNX Runtime's own choice (every
        # core, spinning) costs more CPU for little gain; parallelism is a process per page
        # (``PAGE_JOBS``) or per file (``-j``). GIPR_OCR_THREADS=-1 restores its choice.
        threads = int(os.environ.get("GIPR_OCR_THREADS", "1"))
        _ENGINE = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1)
        # Cell crops are many and mostly a few digits wide: batch them, and pad a batch
        # only to its widest crop (the default pads every crop to 320 px wide).
        _ENGINE.text_rec.rec_image_shape = [3, 48, 96]
    return _ENGINE


def _read_page(grey: Any, dpi: int) -> PageText:
    scale = dpi / 200  # the pixel sizes below are tuned at 200 dpi
    grey = _straighten(grey, scale)
    ink = _ink(grey)
    rules = _rules(ink, scale)
    tables = _table_boxes(rules, scale)
    blocks: list[tuple[int, list[tuple[list[str], bool, list[float | None]]]]] = []
    text_image = grey.copy()
    for x, y, w, h in tables:
        blocks.append((y, _table_rows(grey, ink, rules, (x, y, w, h), scale)))
        text_image[y : y + h, x : x + w] = 255
    for y, cells, scores in _text_lines(text_image, scale):
        blocks.append((y, [(cells, False, scores)]))
    page = PageText()
    for _, rows in sorted(blocks, key=lambda block: block[0]):
        for cells, in_table, scores in rows:
            page.add(cells, in_table, scores)
    return page


def _ink(grey: Any) -> Any:
    import cv2

    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 20)


def _rules(ink: Any, scale: float) -> Any:
    """Mask of the ruling lines: long horizontal and vertical strokes."""
    import cv2

    long_side = max(20, int(60 * scale))
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long_side, 1))
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long_side))
    )
    mask = cv2.bitwise_or(horizontal, vertical)
    return cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))


def _straighten(grey: Any, scale: float) -> Any:
    """Turn the page level by the median slope of its long horizontal rules (none: as is)."""
    import cv2
    import numpy as np

    ink = _ink(grey)
    width = grey.shape[1]
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, int(60 * scale)), 1))
    )
    count, labels, stats, _ = cv2.connectedComponentsWithStats(horizontal, connectivity=8)
    angles = []
    for index in range(1, count):
        x, y, w, h, _ = stats[index]
        if w < width / 4:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == index)
        slope = np.polyfit(xs.astype(float), ys.astype(float), 1)[0]
        angles.append(float(np.degrees(np.arctan(slope))))
    if not angles:
        return grey
    angle = float(np.median(angles))
    if abs(angle) < 0.05:
        return grey
    centre = (grey.shape[1] / 2, grey.shape[0] / 2)
    matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
    return cv2.warpAffine(
        grey, matrix, (grey.shape[1], grey.shape[0]), flags=cv2.INTER_LINEAR, borderValue=255
    )


def _table_boxes(rules: Any, scale: float) -> list[tuple[int, int, int, int]]:
    import cv2

    count, _, stats, _ = cv2.connectedComponentsWithStats(rules, connectivity=8)
    width = rules.shape[1]
    boxes = []
    for index in range(1, count):
        x, y, w, h, _ = stats[index]
        if w > width / 4 and h > 40 * scale:
            boxes.append((int(x), int(y), int(w), int(h)))
    return sorted(boxes, key=lambda box: box[1])


def _table_rows(
    grey: Any, ink: Any, rules: Any, box: tuple[int, int, int, int], scale: float
) -> list[tuple[list[str], bool, list[float | None]]]:
    """Rows of one ruled table: origin cells, an empty cell where a cell above reaches down."""
    import cv2

    x0, y0, w0, h0 = box
    inside = cv2.bitwise_not(rules[y0 : y0 + h0, x0 : x0 + w0])
    count, _, stats, _ = cv2.connectedComponentsWithStats(inside, connectivity=4)
    cells = []
    minimum = 8 * scale
    for index in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[index])
        if x == 0 or y == 0 or x + w >= w0 or y + h >= h0:  # outside the grid
            continue
        if w < minimum or h < minimum:
            continue
        cells.append((x0 + x, y0 + y, w, h))
    if not cells:
        return []
    tolerance = 6 * scale
    tops: list[float] = []
    for _, y, _, _ in sorted(cells, key=lambda c: c[1]):
        if not tops or y - tops[-1] > tolerance:
            tops.append(y)
    crops, owners = [], []
    texts: dict[tuple[int, int, int, int], list[str]] = {}
    for cell in cells:
        for crop in _cell_lines(grey, ink, cell, scale):
            crops.append(crop)
            owners.append(cell)
    results = _recognise(crops)
    scores: dict[tuple[int, int, int, int], float] = {}
    for cell, (text, score) in zip(owners, results, strict=True):
        if text.strip():
            texts.setdefault(cell, []).append(text)
            scores[cell] = min(scores.get(cell, 1.0), score)
        else:
            # Ink (specks are filtered out before) that reads as nothing: often a faint
            # lone「0」. Confidence 0 with no text, so the parse stage can say the cell was
            # not read rather than take it for a cell the report left blank.
            scores.setdefault(cell, 0.0)
    rows = []
    for top in tops:
        row: list[tuple[int, str, float | None]] = []
        for cell in cells:
            x, y, w, h = cell
            if abs(y - top) <= tolerance:
                text = "".join(texts.get(cell, [])).strip()
                row.append((x, text, scores.get(cell) if text else (0.0 if cell in scores else None)))
            elif y < top - tolerance and y + h > top + tolerance:
                row.append((x, "", None))
        row.sort(key=lambda item: item[0])
        if any(text for _, text, _ in row) or row:
            rows.append(([text for _, text, _ in row], True, [score for _, _, score in row]))
    return rows


def _cell_lines(grey: Any, ink: Any, cell: tuple[int, int, int, int], scale: float) -> list[Any]:
    """Crops of the text lines inside one cell (none for a blank cell)."""
    import cv2
    import numpy as np

    x, y, w, h = cell
    pad = max(2, int(3 * scale))
    region = ink[y + pad : y + h - pad, x + pad : x + w - pad]
    if region.size == 0:
        return []
    region = cv2.morphologyEx(region, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # dust
    region = _without_specks(region, scale)
    rows = np.count_nonzero(region, axis=1) > 0
    spans: list[list[int]] = []  # runs of inked pixel rows; a gap of a few rows is inside a glyph
    for index, filled in enumerate(rows.tolist()):
        if not filled:
            continue
        if spans and index - spans[-1][1] <= 3 * scale:
            spans[-1][1] = index + 1
        else:
            spans.append([index, index + 1])
    bands = [(top, bottom) for top, bottom in spans if bottom - top >= 6 * scale]
    crops = []
    margin = int(6 * scale)
    for top, bottom in bands:
        columns = np.nonzero(np.count_nonzero(region[top:bottom], axis=0))[0]
        if columns.size == 0 or np.count_nonzero(region[top:bottom]) < 12 * scale * scale:
            continue
        left, right = int(columns[0]), int(columns[-1]) + 1
        gy0 = max(0, y + pad + top - margin)
        gy1 = min(grey.shape[0], y + pad + bottom + margin)
        gx0 = max(0, x + pad + left - margin)
        gx1 = min(grey.shape[1], x + pad + right + margin)
        crop = cv2.medianBlur(grey[gy0:gy1, gx0:gx1], 3)  # specks off, strokes kept
        crops.append(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
    return crops


def _without_specks(region: Any, scale: float) -> Any:
    """The cell's ink less the specks away from its text.

    A speck of dust a few millimetres right of「11」widened the crop, and the recogniser
    read the blank paper between as「116」(seed 003, 表二). A small blob is kept only when it
    lies within the text's own box (the point of「79.15」), never when it lies apart.
    """
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    if count <= 1:
        return region
    areas = stats[1:, cv2.CC_STAT_AREA]
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    # A stroke of text: a digit is ~20 px high at 200 dpi, a minus sign ~8 px wide.
    big = (areas >= 14 * scale * scale) & ((heights >= 7 * scale) | (widths >= 6 * scale))
    if not big.any():
        return np.zeros_like(region)
    boxes = stats[1:][big]
    x0 = int(boxes[:, 0].min())
    x1 = int((boxes[:, 0] + boxes[:, 2]).max())
    y0 = int(boxes[:, 1].min())
    y1 = int((boxes[:, 1] + boxes[:, 3]).max())
    keep = np.zeros(count, dtype=bool)
    keep[1:] = big
    for index in np.nonzero(~big)[0]:
        x, y, w, h = (int(v) for v in stats[index + 1][:4])
        keep[index + 1] = x >= x0 and x + w <= x1 and y >= y0 - 2 and y + h <= y1 + 2
    return np.where(keep[labels], region, 0).astype(region.dtype)


# What a table cell that is not a label can hold: numbers and the blank / n.a. marks.
_NUMERIC_MARKS = "0123456789.,-/—－"


# Glyphs the recogniser confuses with each number mark: a lone「0」is scored as much「o」
# as「0」. A number's confidence counts a look-alike's probability for its digit, so a
# clean「0」is not a finding while a「6」the model half took for「8」still is.
_LOOK_ALIKES = {
    "0": "oO〇DQ。○０",
    "1": "lI|丨ｌ]i!１",
    "2": "Zz２",
    "3": "３",
    "4": "４",
    "5": "Ss５",
    "6": "b６",
    "7": "７",
    "8": "B８",
    "9": "gq９",
    ".": "。·",
    ",": "，",
    "-": "一—－_~",
}


def _recognise(crops: list[Any]) -> list[tuple[str, float]]:
    """Text and confidence of each one-line crop (CTC greedy decoding of PP-OCR's recogniser).

    A crop whose free reading holds no CJK character is a number or a mark, so it is
    decoded again over the number alphabet only: a lone「0」is otherwise as likely「o」or
    「。」. Its confidence is then the lowest, over its characters, of the probability the
    model gave that character or a look-alike of it (``_LOOK_ALIKES``): one unsure digit
    makes the whole number unsure, however sure the others are.
    """
    import numpy as np

    if not crops:
        return []
    recogniser = _engine().text_rec
    alphabet: list[str] = recogniser.postprocess_op.character
    allowed, classes = _number_alphabet(tuple(alphabet))
    order = np.argsort([crop.shape[1] / crop.shape[0] for crop in crops])
    out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    _, height, width = recogniser.rec_image_shape
    for chosen in _batches(order, [max(width / height, c.shape[1] / c.shape[0]) for c in crops]):
        ratio = max(width / height, *(crops[i].shape[1] / crops[i].shape[0] for i in chosen))
        images = np.stack([recogniser.resize_norm_img(crops[i], ratio) for i in chosen]).astype(np.float32)
        probabilities = recogniser.session(images)[0]
        for index, probs in zip(chosen, probabilities, strict=True):
            text, score = _ctc(probs, alphabet, None, None)
            if text and not any("\u3400" <= ch <= "\u9fff" for ch in text):
                text, score = _ctc(probs, alphabet, allowed, classes)
            out[int(index)] = (text, score)
    return out


# Crops per batch are bounded by their padded width in model pixels (48 px high): many
# narrow cells share a batch, a long text line goes nearly alone. Large batches of long
# lines cost several times more CPU per pixel (memory traffic); see _batches.
BATCH_WIDTH = int(os.environ.get("GIPR_OCR_BATCH_WIDTH", "1000"))
BATCH_MAX = 32


def _batches(order: Any, ratios: list[float]) -> list[list[int]]:
    """Consecutive runs of ``order`` (crops sorted by width/height) whose padded width
    (count × widest, at the model's 48 px height) stays within BATCH_WIDTH."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in (int(i) for i in order):
        padded = 48 * ratios[index] * (len(current) + 1)  # sorted: this crop is the widest
        if current and (padded > BATCH_WIDTH or len(current) >= BATCH_MAX):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


_NUMBER_ALPHABETS: dict[int, tuple[Any, Any]] = {}


def _number_alphabet(alphabet: tuple[str, ...]) -> tuple[Any, Any]:
    """Indexes of the number marks (0 = CTC blank first) and a look-alike matrix over them."""
    import numpy as np

    key = hash(alphabet)
    if key not in _NUMBER_ALPHABETS:
        where = {c: i for i, c in enumerate(alphabet)}
        marks = [c for c in _NUMERIC_MARKS if c in where]
        allowed = np.array([0, *(where[c] for c in marks)])
        # classes[k] sums, per time step, the probability of allowed[k] and its look-alikes.
        classes = np.zeros((len(alphabet), len(allowed)), dtype=np.float32)
        for k, index in enumerate(allowed):
            classes[index, k] = 1.0
            if k:
                for other in _LOOK_ALIKES.get(alphabet[index], ""):
                    if other in where and other not in marks:
                        classes[where[other], k] = 1.0
        _NUMBER_ALPHABETS[key] = (allowed, classes)
    return _NUMBER_ALPHABETS[key]


def _ctc(probs: Any, alphabet: list[str], allowed: Any, classes: Any) -> tuple[str, float]:
    """Greedy CTC decoding, optionally over a subset of the alphabet (index 0 is the blank).

    Free decoding scores the mean character probability; the number decoding scores the
    lowest look-alike-class probability of its characters (see ``_recognise``).
    """
    import numpy as np

    if allowed is None:
        best = probs.argmax(axis=1)
        chosen = probs[np.arange(len(best)), best]
    else:
        mass = probs @ classes  # (steps, allowed): each number mark with its look-alikes
        pick = mass.argmax(axis=1)
        best = allowed[pick]
        chosen = mass[np.arange(len(best)), pick]
    keep = best != 0
    keep[1:] &= best[1:] != best[:-1]
    if not keep.any():
        return "", 0.0
    chars = "".join(alphabet[i] for i in best[keep])
    if allowed is None:
        return chars, float(np.mean(chosen[keep]))
    return chars, float(np.min(np.minimum(chosen[keep], 1.0)))


def _recognise_lines(crops: list[Any]) -> list[tuple[str, float]]:
    """Text lines outside tables, each given white margins: without them the recogniser
    often drops the last character of a line cut tight at its ink."""
    import cv2

    def framed(crop: Any) -> Any:
        margin = int(0.4 * crop.shape[0])
        crop = cv2.copyMakeBorder(crop, 0, 0, margin, margin, cv2.BORDER_CONSTANT, value=255)
        return cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)

    return _recognise([framed(crop) for crop in crops])


def _text_lines(grey: Any, scale: float) -> list[tuple[int, list[str], list[float | None]]]:
    """Lines of the text outside tables, top to bottom, split into cells at wide gaps."""
    import cv2

    # Detection at half resolution (body text is still ~15 px high there) costs a tenth
    # of full resolution; recognition then reads each box from the full-resolution page.
    factor = 0.5 * 200 / (200 * scale)
    small = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    found, _ = _engine().text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
    rects = []
    for points in found if found is not None else []:
        xs = [p[0] / factor for p in points]
        ys = [p[1] / factor for p in points]
        x0, x1 = max(0, int(min(xs)) - 2), min(grey.shape[1], int(max(xs)) + 3)
        y0, y1 = max(0, int(min(ys)) - 2), min(grey.shape[0], int(max(ys)) + 3)
        if x1 - x0 > 4 and y1 - y0 > 4:
            rects.append((x0, y0, x1, y1))
    crops = [grey[y0:y1, x0:x1] for x0, y0, x1, y1 in rects]
    boxes = [
        (x0, y0, x1, y1, text, score)
        for (x0, y0, x1, y1), (text, score) in zip(rects, _recognise_lines(crops), strict=True)
        if text.strip() and score >= 0.5
    ]
    boxes.sort(key=lambda b: (b[1] + b[3]) / 2)
    lines: list[list[tuple[float, float, float, float, str, float]]] = []
    for box in boxes:
        if lines:
            last = lines[-1]
            top = min(b[1] for b in last)
            bottom = max(b[3] for b in last)
            overlap = min(bottom, box[3]) - max(top, box[1])
            if overlap > 0.5 * min(bottom - top, box[3] - box[1]):
                last.append(box)
                continue
        lines.append([box])
    out = []
    for line in lines:
        line.sort(key=lambda b: b[0])
        height = max(b[3] - b[1] for b in line)
        cells: list[str] = []
        scores: list[float | None] = []
        right = None
        for x0, _, x1, _, text, score in line:
            if right is not None and x0 - right < 1.5 * height:
                cells[-1] += text
                scores[-1] = min(scores[-1] or 1.0, score)
            else:
                cells.append(text)
                scores.append(score)
            right = x1
        out.append((int(min(b[1] for b in line)), cells, scores))
    return out


# --- entry points -----------------------------------------------------------------


def ocr_pdf(data: bytes, path: str, sha256: str) -> Document:
    """A PDF without a usable text layer, read page by page from its rendered images."""
    require_ocr("扫描件 PDF（没有可用的文字层）")
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
        count = len(document)
        document.close()
    except pdfium.PdfiumError as exc:
        raise LoadError("PDF 文件已损坏，无法读取 (corrupt PDF)") from exc
    pages = list(range(count))
    images, dpis = render_pdf_pages(data, pages)
    lines, reading = ocr_pages(images, [p + 1 for p in pages], dpis)
    return Document(path=path, sha256=sha256, format="pdf", encoding=None, lines=lines, ocr=reading)


def load_image(data: bytes, path: str, sha256: str) -> Document:
    """A PNG/JPEG/TIFF picture of report pages."""
    require_ocr("图片格式的报告")
    frames = image_pages(data)
    lines, reading = ocr_pages(frames, list(range(1, len(frames) + 1)), [image_dpi(data)] * len(frames))
    return Document(path=path, sha256=sha256, format="image", encoding=None, lines=lines, ocr=reading)


def is_image(data: bytes) -> bool:
    return data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*"))


def image_dpi(data: bytes) -> int:
    """The picture's own resolution when it states a plausible one, else the default."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as picture:
        stated = picture.info.get("dpi", (0, 0))[0]
    return int(stated) if 100 <= float(stated) <= 600 else FALLBACK_DPI
