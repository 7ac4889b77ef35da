"""Scanned reports read by OCR (the ``ocr`` extra), on scans made from the seeds.

Seed 003's text copy is parsed, drawn into a PDF with an embedded CJK font and "scanned"
(tests/scan_docs.py: grey 200 dpi, turned a fraction of a degree, noise, JPEG). Two
single pages keep the suite fast: page 2 as an image-only PDF (表三 whole, with its
numbers) and page 3 as a JPEG picture (表四 and the closing narrative). Every cell must be
the text copy's, or carry a finding: never a wrong number without one.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gipr_llm.domain import spec
from gipr_llm.domain.models import Document, Line, LoadError, OcrReading, Report
from gipr_llm.load import load
from gipr_llm.parse.ocr_findings import LOW_CONFIDENCE
from gipr_llm.pipeline import read_report
from tests.conftest import SEEDS
from tests.fixture_docs import report_to_pdf
from tests.scan_docs import cjk_font, images_to_pdf, scan_pages

pytest.importorskip("rapidocr_onnxruntime", reason="the ocr extra is not installed")
FONT = cjk_font()
needs_font = pytest.mark.skipif(FONT is None, reason="no CJK TrueType font to draw the copies to scan")


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("scans")
    text = read_report(SEEDS["003"])
    pdf = report_to_pdf(text, folder / "003.pdf", font_file=FONT)
    table3_page, table4_page = scan_pages(pdf, dpi=200, seed=3, pages=[1, 2])
    picture = folder / "003-p3.jpg"
    picture.write_bytes(table4_page)
    return {"text": text, "pdf": images_to_pdf([table3_page], folder / "003-p2.pdf"), "picture": picture}


@pytest.fixture(autouse=True)
def ocr_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("GIPR_OCR_CACHE", str(tmp_path_factory.getbasetemp() / "ocr-cache"))


def _unflagged(got: Report, expected: Report, table: str) -> list[str]:
    """Cells that differ from the text copy and carry no finding on their table and column."""
    exp, found = getattr(expected, table), getattr(got, table)
    assert found is not None, f"{table} not read from the scan"
    bad = []
    for row, values in exp.rows.items():
        want = values if isinstance(values, dict) else dict(zip(spec.T3_COLUMNS, values, strict=True))
        read = found.rows.get(row)
        read = (
            (read if isinstance(read, dict) else dict(zip(spec.T3_COLUMNS, read, strict=True)))
            if read
            else {}
        )
        for column, value in want.items():
            if read.get(column) == value:
                continue
            if not any(
                f.table == table
                and f.severity != "info"
                and f.column in (column, None)
                and f.row in (row, None)
                for f in got.findings
            ):
                bad.append(f"{row}.{column}: read {read.get(column)!r}, text copy {value!r}")
    return bad


@needs_font
@pytest.mark.timeout(1800)  # a loaded 2-core machine; about 20 s a page alone
def test_scanned_pdf_page_gives_table3_or_flags_it(scans):
    got = read_report(scans["pdf"])
    assert got.source.format == "pdf"
    assert got.source.ocr and "rapidocr" in got.source.ocr and "200 dpi" in got.source.ocr
    assert any(f.rule == "PARSE-OCR" and f.severity == "info" for f in got.findings)
    assert _unflagged(got, scans["text"], "table3") == []
    # The OCR rebuilt the grid: most of 表三 is right, not merely flagged.
    right = sum(
        a == b
        for row, values in scans["text"].table3.rows.items()
        for a, b in zip(values, got.table3.rows.get(row, [None] * 7), strict=True)
    )
    assert right >= 0.9 * 7 * len(scans["text"].table3.rows)


@needs_font
@pytest.mark.timeout(1800)  # a loaded 2-core machine; about 20 s a page alone
def test_picture_gives_table4_and_narrative_from_cache_on_rerun(scans, monkeypatch):
    got = read_report(scans["picture"])
    assert got.source.format == "image"
    assert _unflagged(got, scans["text"], "table4") == []
    # The closing narrative is OCR'd in reading order: its first words are in the section text.
    original = scans["text"].narrative.get("other") or next(iter(scans["text"].narrative.values()))
    assert original[:12] in "".join(got.narrative.values()).replace(" ", "")
    # A re-run reads every page from the cache: the recogniser is not needed at all.
    from gipr_llm.load import ocr

    def no_ocr(*_args):
        raise AssertionError("page OCR'd again although cached")

    monkeypatch.setattr(ocr, "_read_page", no_ocr)
    again = read_report(scans["picture"])
    assert again.table4 == got.table4 and again.narrative == got.narrative


def test_low_confidence_number_is_a_reading_finding():
    from gipr_llm.parse.document import parse

    # A 表四 row as the OCR would hand it over: one number read with low confidence.
    header = [*spec.T4_COLUMN_LABELS.values()] * 3
    lines = [
        Line(["四、政府信息公开行政复议、行政诉讼情况"], 1),
        Line(["行政复议", "行政诉讼"], 2, in_table=True),
        Line(header, 3, in_table=True),
        Line(["0"] * 14 + ["8"], 4, in_table=True),
        Line(["五、存在的主要问题及改进情况"], 5),
        Line(["无。"], 6),
        Line(["六、其他需要报告的事项"], 7),
        Line(["无。"], 8),
    ]
    scores = {f"4:{i}": 0.99 for i in range(15)} | {"4:14": LOW_CONFIDENCE / 2}
    doc = Document("scan.png", "0" * 64, "image", None, lines, ocr=OcrReading("test", 200, [1], scores))
    report, _ = parse(doc)
    low = [f for f in report.findings if f.rule == "PARSE-OCR-LOW-CONFIDENCE"]
    assert len(low) == 1
    assert (low[0].table, low[0].row, low[0].column, low[0].raw) == (
        "table4",
        "litigation_after_review",
        "total",
        "8",
    )
    assert low[0].fault == "reading" and low[0].severity == "warning"
    assert report.table4.rows["litigation_after_review"]["total"] == 8  # reported, never changed


def test_without_the_extra_a_picture_is_refused_naming_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    path = tmp_path / "page.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    with pytest.raises(LoadError) as err:
        load(path)
    assert "pip install 'gipr-llm[ocr]'" in str(err.value) and "\n" not in str(err.value)


def test_text_layer_pdf_is_never_ocrd(tmp_path):
    pdf = report_to_pdf(read_report(SEEDS["000"]), tmp_path / "000.pdf")
    assert load(Path(pdf)).ocr is None
