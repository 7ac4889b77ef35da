"""Scanned copies of test reports: a text-layer PDF rendered to grey page images, turned
by a fraction of a degree, speckled with noise, saved as JPEG and wrapped into an
image-only PDF (Pillow writes each JPEG into the PDF as it is), as a cheap office
scanner would. Used by the OCR tests and by ``benchmarks/bench_ocr.py``.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Scanner:
    """How a page is scanned. The default is the cheap office scanner the dev set began
    with; the others widen it toward real scans (benchmarks/bench_ocr.py ``--variants``)."""

    skew: tuple[float, float] = (0.2, 0.6)  # degrees, either way
    noise: float = 12.0  # grey-level sigma
    quality: int = 75  # JPEG
    ink: int = 0  # grey of the blackest ink (low contrast: well above 0)
    light: tuple[float, float] = (255, 255)  # paper grey at the left and right edges (uneven lighting)
    seal: bool = False  # a semi-transparent red official seal stamped on each page
    colour: bool = False  # keep colour (else grey, as many scanners save)


def scan_pages(
    pdf: Path, dpi: int = 200, seed: int = 0, pages: list[int] | None = None, scanner: Scanner | None = None
) -> list[bytes]:
    """JPEG bytes of each page (or the chosen 0-based pages) of a PDF, as scanned."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    scanner = scanner or Scanner()
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    out: list[bytes] = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in pages if pages is not None else range(len(document)):
            page = document[index]
            colour = scanner.seal or scanner.colour
            image = (
                page.render(scale=dpi / 72, grayscale=not colour).to_pil().convert("RGB" if colour else "L")
            )
            page.close()
            if scanner.seal:
                image = stamp_seal(image, dpi, rng)
            if not scanner.colour:
                image = image.convert("L")
            angle = rng.uniform(*scanner.skew) * rng.choice((-1, 1))
            fill = 255 if image.mode == "L" else (255, 255, 255)
            image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=fill)
            pixels = np.asarray(image, dtype=np.float32)
            if scanner.ink or scanner.light != (255, 255):
                # Ink no darker than ``ink``, paper lit from ``light[0]`` to ``light[1]`` across.
                paper = np.linspace(*scanner.light, pixels.shape[1], dtype=np.float32)
                paper = paper[None, :, None] if pixels.ndim == 3 else paper[None, :]
                pixels = scanner.ink + pixels / 255 * (paper - scanner.ink)
            grain = np.trunc(noise.normal(0, scanner.noise, pixels.shape[:2])).astype(np.float32)
            pixels = pixels + (grain[:, :, None] if pixels.ndim == 3 else grain)
            speckle = noise.random(pixels.shape[:2]) < 0.0005  # dust
            pixels[speckle] = 60
            image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), image.mode)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=scanner.quality, dpi=(dpi, dpi))
            out.append(buffer.getvalue())
    finally:
        document.close()
    return out


def stamp_seal(image, dpi: int, rng: random.Random):
    """A round red official seal (圆形红色印章: ring, star, agency name round the top,
    专用章 across), semi-transparent ink multiplied over the page, on the right half of the
    page (where 表三's number columns and the signature are) at a random height."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    radius = int(21 / 25.4 * dpi)  # a 42 mm seal
    size = 2 * radius + 4
    mask = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(mask)
    centre = size / 2
    ring = max(2, int(1.2 / 25.4 * dpi))
    draw.ellipse((2, 2, size - 3, size - 3), outline=255, width=ring)
    star = radius * 0.28
    points = [
        (
            centre + (star if k % 2 == 0 else star * 0.4) * np.sin(np.pi * k / 5),
            centre - (star if k % 2 == 0 else star * 0.4) * np.cos(np.pi * k / 5),
        )
        for k in range(10)
    ]
    draw.polygon(points, fill=255)
    font_path = cjk_font()
    if font_path is not None:
        glyph = int(radius * 0.3)
        font = ImageFont.truetype(str(font_path), glyph)
        name = "某某市人民政府办公室"
        for k, char in enumerate(name):
            theta = np.radians(-150 + 300 * (k + 0.5) / len(name))
            tile = Image.new("L", (glyph * 2, glyph * 2), 0)
            ImageDraw.Draw(tile).text((glyph // 2, glyph // 2), char, fill=255, font=font)
            tile = tile.rotate(-np.degrees(theta), resample=Image.BICUBIC)
            r = radius - ring - glyph * 0.75
            x = centre + r * np.sin(theta) - glyph
            y = centre - r * np.cos(theta) - glyph
            mask.paste(255, (int(x), int(y)), tile)
        small = ImageFont.truetype(str(font_path), int(glyph * 0.8))
        draw.text((centre, centre + radius * 0.55), "专用章", fill=255, font=small, anchor="mm")
    width, height = image.size
    left = rng.randint(width // 2, max(width // 2, width - size - width // 20))
    top = rng.randint(height // 5, max(height // 5, height - size - height // 10))
    page = np.asarray(image, dtype=np.float32)
    alpha = np.asarray(mask, dtype=np.float32)[:, :, None] / 255 * rng.uniform(0.55, 0.8)
    ink = np.array([215, 35, 40], dtype=np.float32) / 255
    region = page[top : top + size, left : left + size]
    alpha = alpha[: region.shape[0], : region.shape[1]]
    page[top : top + size, left : left + size] = region * (1 - alpha + alpha * ink)
    return Image.fromarray(page.clip(0, 255).astype(np.uint8), "RGB")


def images_to_pdf(jpegs: list[bytes], path: Path) -> Path:
    """An image-only PDF: one JPEG per page, no text layer."""
    from PIL import Image

    images = [Image.open(io.BytesIO(data)) for data in jpegs]
    dpi = images[0].info.get("dpi", (200, 200))[0]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return path


def scan_pdf(
    pdf: Path,
    out: Path,
    dpi: int = 200,
    seed: int = 0,
    pages: list[int] | None = None,
    scanner: Scanner | None = None,
) -> Path:
    return images_to_pdf(scan_pages(pdf, dpi, seed, pages, scanner), out)


def cjk_font(family: str = "WenQuanYi Micro Hei") -> Path | None:
    """A CJK TrueType font on this machine (from fontconfig), to draw the copies to scan:
    ``family`` when installed, else any with TrueType outlines (reportlab embeds no CFF)."""
    found = font_face(family)
    if found is not None:
        return found[0]
    for path, _ in _faces(":lang=zh"):
        if path.suffix.lower() in (".ttf", ".ttc") and _truetype(path):
            return path
    return None


def font_face(family: str) -> tuple[Path, int] | None:
    """The file and face index of an installed font family (fontconfig), or None."""
    faces = _faces(f":family={family}")
    return faces[0] if faces else None


def _faces(pattern: str) -> list[tuple[Path, int]]:
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        return []
    listed = subprocess.run(
        ["fc-list", pattern, "-f", "%{file}|%{index}\n"], capture_output=True, text=True, check=False
    ).stdout.split()
    out = []
    for row in sorted(set(listed)):
        path, _, index = row.rpartition("|")
        if Path(path).is_file() and "Bold" not in path:
            out.append((Path(path), int(index or 0)))
    return out


def _truetype(path: Path) -> bool:
    from fontTools.ttLib import TTFont

    try:
        return "glyf" in TTFont(str(path), fontNumber=0, lazy=True)
    except Exception:  # an unreadable font is simply not used
        return False


def truetype_font(family: str, text: str, out: Path) -> tuple[Path, int] | None:
    """A TrueType copy of an installed font family holding the characters of ``text``:
    the face itself when it has TrueType outlines, else (Noto Serif CJK and other CFF
    fonts, which reportlab cannot embed) a subset converted to quadratic outlines."""
    face = font_face(family)
    if face is None:
        return None
    path, index = face
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(str(path), fontNumber=index)
    if "glyf" in font:
        return path, index
    options = subset.Options()
    options.desubroutinize = True
    options.layout_features = []
    options.name_IDs = ["*"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text + "".join(chr(c) for c in range(32, 127)))
    subsetter.subset(font)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attribute in (
        "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
        "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
    ):  # fmt: skip
        setattr(maxp, attribute, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(str(out))
    return out, 0


def report_text(report) -> str:
    """Every character the report's PDF copy draws (to subset a font to)."""
    from tests.fixture_docs import _blocks

    chars: set[str] = set()
    for _, value in _blocks(report, None):
        if isinstance(value, str):
            chars.update(value)
        else:
            for row in value:  # a grid of spans
                for span in row:
                    chars.update(span.text)
    return "".join(sorted(chars))


# --- comparing a scan's reading with its text copy ----------------------------------------


def table_cells(report) -> dict[tuple[str, str, str], object]:
    """Every cell of 表二/表三/表四: (table, row, column) -> value; a 表二 sub-row's row is
    ``row/sub-label``."""
    from gipr_llm.domain import spec

    out: dict[tuple[str, str, str], object] = {}
    for name in ("table2", "table3", "table4"):
        table = getattr(report, name)
        if table is None:
            continue
        for row, values in table.rows.items():
            pairs = values.items() if isinstance(values, dict) else zip(spec.T3_COLUMNS, values, strict=True)
            for column, value in pairs:
                out[(name, row, column)] = value
        for row, subs in getattr(table, "sub_rows", {}).items():
            for sub, values in subs.items():
                for column, value in values.items():
                    out[(name, f"{row}/{sub}", column)] = value
    return out


def names_cell(finding, key: tuple[str, str, str]) -> bool:
    """Whether a finding is about this cell: its row and column, its row as a whole, or
    its column as a whole (a column sum). A note (info) names no cell."""
    table, row, column = key
    row = row.split("/")[0]
    if finding.table != table or finding.severity == "info":
        return False
    if finding.row is None and finding.column is None:
        # 表四 is one printed row of fifteen cells: a finding on that row names each of them.
        return table == "table4" and finding.stage == "parse"
    return (finding.row == row and finding.column in (column, None)) or (
        finding.row is None and finding.column == column
    )


def differing_cells(expected, got, findings) -> list[tuple[tuple[str, str, str], object, object, bool]]:
    """Cells of the scan's reading that differ from the text copy: (cell, read, want, flagged)."""
    want, read = table_cells(expected), table_cells(got)
    return [
        (key, read.get(key), value, any(names_cell(f, key) for f in findings))
        for key, value in want.items()
        if read.get(key) != value
    ]
