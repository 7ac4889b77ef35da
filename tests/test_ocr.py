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

from gipr_llm.checks import check_report
from gipr_llm.domain import spec
from gipr_llm.domain.models import Document, Line, LoadError, OcrReading, Report
from gipr_llm.load import load
from gipr_llm.parse.ocr_findings import LOW_CONFIDENCE
from gipr_llm.pipeline import read_report
from tests.conftest import SEEDS
from tests.fixture_docs import report_to_pdf
from tests.scan_docs import Scanner, cjk_font, differing_cells, images_to_pdf, scan_pages

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


def _unflagged(got: Report, expected: Report, tables: tuple[str, ...]) -> list[str]:
    """Cells of these tables that differ from the text copy with no parse- or check-stage
    finding naming them (their row and column, their row, or their column)."""
    findings = got.findings + check_report(got)
    return [
        f"{'.'.join(key)}: read {read!r}, text copy {want!r}"
        for key, read, want, flagged in differing_cells(expected, got, findings)
        if key[0] in tables and not flagged
    ]


@needs_font
@pytest.mark.timeout(1800)  # a loaded 2-core machine; about 20 s a page alone
def test_scanned_pdf_page_gives_table3_or_flags_it(scans):
    got = read_report(scans["pdf"])
    assert got.source.format == "pdf"
    assert got.source.ocr and "rapidocr" in got.source.ocr and "200 dpi" in got.source.ocr
    assert any(f.rule == "PARSE-OCR" and f.severity == "info" for f in got.findings)
    assert _unflagged(got, scans["text"], ("table2", "table3")) == []
    # The page opens inside 表二: its last rows are read, 政府集中采购 as printed. A speck of
    # dust right of「11」once widened the cell's crop and it read「116」with no finding.
    assert got.table2 is not None and got.table2.template == "2019"
    assert got.table2.rows["procurement"]["projects"] == 11
    for row in ("punishment", "coercion", "fees", "procurement"):
        assert got.table2.rows[row] == scans["text"].table2.rows[row], row
    # The OCR rebuilt the grid: most of 表三 is right, not merely flagged.
    right = sum(
        a == b
        for row, values in scans["text"].table3.rows.items()
        for a, b in zip(values, got.table3.rows.get(row, [None] * 7), strict=True)
    )
    assert right >= 0.9 * 7 * len(scans["text"].table3.rows)


@needs_font
@pytest.mark.timeout(1800)  # a loaded 2-core machine; about 20 s a page alone
@needs_font
@pytest.mark.timeout(1800)
def test_sealed_harsh_colour_scan_gives_table3_or_flags_it(scans, tmp_path):
    """表三's page as a poor colour scan: a red official seal stamped across its number
    columns, 1-2° skew, uneven lighting and low contrast, JPEG quality 35, 150 dpi. The seal
    is taken out by its colour; every cell is right or flagged, and most are right."""
    import io

    import numpy as np
    from PIL import Image

    pdf = tmp_path / "003.pdf"
    report_to_pdf(scans["text"], pdf, font_file=FONT)
    scanner = Scanner(skew=(1.0, 2.0), ink=70, light=(195, 245), quality=35, seal=True, colour=True)
    (page,) = scan_pages(pdf, dpi=150, seed=3, pages=[1], scanner=scanner)
    rgb = np.asarray(Image.open(io.BytesIO(page)).convert("RGB")).astype(int)
    assert ((rgb[:, :, 0] - rgb[:, :, 1:].max(axis=2)) > 60).sum() > 2000  # the seal is there
    got = read_report(images_to_pdf([page], tmp_path / "003-sealed.pdf"))
    assert _unflagged(got, scans["text"], ("table3",)) == []
    scored = [
        a == b
        for row, values in scans["text"].table3.rows.items()
        for a, b in zip(values, got.table3.rows.get(row, [None] * 7), strict=True)
    ]
    assert sum(scored) >= 0.9 * len(scored)


def test_picture_gives_table4_and_narrative_from_cache_on_rerun(scans, monkeypatch):
    got = read_report(scans["picture"])
    assert got.source.format == "image"
    assert _unflagged(got, scans["text"], ("table4",)) == []
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


def test_low_confidence_table2_number_names_its_cell():
    from gipr_llm.parse.document import parse

    # 表二 (2019) as the OCR hands it over; 政府集中采购's count read with low confidence.
    # Its columns depend on the row (two here, three above), so the finding must name the
    # row from the label and the column from the template, not a fixed right-aligned grid.
    rows = [
        ["二、主动公开政府信息情况"],
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", "0"],
        ["规范性文件", "0", "0", "0"],
        ["第二十条第（九）项"],
        ["信息内容", "采购项目数量", "采购总金额"],
        ["政府集中采购", "116", "79.1500"],
        ["三、收到和处理政府信息公开申请情况"],
        ["无。"],
    ]
    lines = [Line(cells, n, in_table=len(cells) > 1) for n, cells in enumerate(rows, start=1)]
    scores = {f"{n}:{i}": 0.99 for n, cells in enumerate(rows, start=1) for i in range(len(cells))}
    scores["8:1"] = LOW_CONFIDENCE / 2
    doc = Document("scan.png", "0" * 64, "image", None, lines, ocr=OcrReading("test", 200, [1], scores))
    report, _ = parse(doc)
    assert report.table2 is not None and report.table2.rows["procurement"]["projects"] == 116
    low = [f for f in report.findings if f.rule == "PARSE-OCR-LOW-CONFIDENCE"]
    assert [(f.table, f.row, f.column, f.raw) for f in low] == [("table2", "procurement", "projects", "116")]
    assert "政府集中采购" in low[0].message and "采购项目数量" in low[0].message


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


@needs_font
@pytest.mark.timeout(600)
def test_pages_of_one_file_in_processes_read_as_one_by_one(tmp_path, monkeypatch):
    import io

    from PIL import Image, ImageDraw, ImageFont

    from gipr_llm.load import ocr

    # Four small pages of one line each (two per process): the OCR is cheap, the process
    # start is what costs.
    font = ImageFont.truetype(str(FONT), 40)
    pages = []
    for text in ("一、总体情况", "二、主动公开政府信息情况 2023", "三、收到申请 17件", "四、行政复议"):
        image = Image.new("L", (900, 160), 255)
        ImageDraw.Draw(image).text((40, 50), text, font=font, fill=0)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", dpi=(200, 200))
        pages.append(buffer.getvalue())
    pdf = images_to_pdf(pages, tmp_path / "four-pages.pdf")
    monkeypatch.setenv("GIPR_OCR_CACHE", "off")
    one_by_one = load(pdf)
    monkeypatch.setattr(ocr, "PAGE_JOBS", 2)
    in_processes = load(pdf)
    assert [line.cells for line in in_processes.lines] == [line.cells for line in one_by_one.lines]
    assert in_processes.ocr.confidence == one_by_one.ocr.confidence
    text = "".join(line.text for line in in_processes.lines).replace(" ", "")
    assert (
        text.index("总体情况") < text.index("主动公开政府信息情况2023") < text.index("行政复议")
    )  # page order


_HTML_WITH_PICTURE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1>
<p>一、总体情况</p><p>本年度依法做好政府信息公开工作。</p>
<p><img src="logo.png" width="40"></p>
<p><img src="{picture}"></p>
</body></html>"""


@needs_font
@pytest.mark.timeout(1800)  # the picture is the one the picture test reads: cached then
def test_html_whose_table_is_a_local_picture_is_ocrd(scans, monkeypatch):
    from PIL import Image

    folder = scans["picture"].parent
    Image.new("L", (40, 40), 0).save(folder / "logo.png")  # an icon: never OCR'd
    title = "北京市朝阳区政务服务管理局2020年政府信息公开工作年度报告"
    page = folder / "report.html"
    page.write_text(_HTML_WITH_PICTURE.format(title=title, picture=scans["picture"].name), encoding="utf-8")
    got = read_report(page)
    assert got.source.format == "html" and got.source.ocr and "rapidocr" in got.source.ocr
    assert got.table4 is not None and _unflagged(got, scans["text"], ("table4",)) == []
    assert got.table4 == scans["text"].table4
    note = next(f for f in got.findings if f.rule == "PARSE-OCR")
    assert "图片" in note.message
    # Without the extra, a page whose only tables are pictures is refused in one line.
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)
    with pytest.raises(LoadError) as err:
        load(page)
    assert "pip install 'gipr-llm[ocr]'" in str(err.value) and "\n" not in str(err.value)


def test_html_picture_outside_the_page_folder_is_not_read(tmp_path):
    from gipr_llm.load.html_images import local_image

    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "t.jpg").write_bytes(b"\xff\xd8\xff")
    page = str(tmp_path / "report.html")
    assert local_image("pics/t.jpg", page) == (tmp_path / "pics" / "t.jpg").resolve()
    assert local_image("pics/t%2Ejpg", page) == (tmp_path / "pics" / "t.jpg").resolve()
    for src in (
        "../t.jpg",
        "/etc/passwd",
        "http://example.org/t.jpg",
        "data:image/png;base64,AA",
        "pics/none.jpg",
    ):
        assert local_image(src, page) is None, src
