"""Scanned copies of test reports: a text-layer PDF rendered to grey page images, turned
by a fraction of a degree, speckled with noise, saved as JPEG and wrapped into an
image-only PDF (Pillow writes each JPEG into the PDF as it is), as a cheap office
scanner would. Used by the OCR tests and by ``benchmarks/bench_ocr.py``.
"""

from __future__ import annotations

import io
import random
from pathlib import Path


def scan_pages(pdf: Path, dpi: int = 200, seed: int = 0, pages: list[int] | None = None) -> list[bytes]:
    """JPEG bytes of each page (or the chosen 0-based pages) of a PDF, as scanned."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    out: list[bytes] = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index in pages if pages is not None else range(len(document)):
            page = document[index]
            image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            page.close()
            angle = rng.uniform(0.2, 0.6) * rng.choice((-1, 1))
            image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
            pixels = np.asarray(image, dtype=np.int16)
            pixels = pixels + noise.normal(0, 12, pixels.shape).astype(np.int16)
            speckle = noise.random(pixels.shape) < 0.0005  # dust
            pixels[speckle] = 60
            image = Image.fromarray(pixels.clip(0, 255).astype(np.uint8), "L")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=75, dpi=(dpi, dpi))
            out.append(buffer.getvalue())
    finally:
        document.close()
    return out


def images_to_pdf(jpegs: list[bytes], path: Path) -> Path:
    """An image-only PDF: one JPEG per page, no text layer."""
    from PIL import Image

    images = [Image.open(io.BytesIO(data)) for data in jpegs]
    dpi = images[0].info.get("dpi", (200, 200))[0]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi))
    return path


def scan_pdf(pdf: Path, out: Path, dpi: int = 200, seed: int = 0, pages: list[int] | None = None) -> Path:
    return images_to_pdf(scan_pages(pdf, dpi, seed, pages), out)


def cjk_font() -> Path | None:
    """A CJK TrueType font on this machine (from fontconfig), to draw the copies to scan."""
    import shutil
    import subprocess

    if not shutil.which("fc-list"):
        return None
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "-f", "%{file}\n"], capture_output=True, text=True, check=False
    ).stdout.split()
    for found in sorted(set(listed)):
        if found.lower().endswith((".ttf", ".ttc")) and Path(found).is_file():
            return Path(found)
    return None


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
