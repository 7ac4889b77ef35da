"""The load stage on real files in every supported format, made with real libraries.

Text encodings are written with Python's codecs, HTML by hand, DOCX with python-docx (on
the blank 2021 template and from scratch), PDF with reportlab; each file is then read back
through ``gipr_llm.load.load`` exactly as the CLI reads it.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import docx
import pytest
from docx.table import Table
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import SimpleDocTemplate, TableStyle
from reportlab.platypus import Table as PdfTable

from gipr_llm.domain import spec
from gipr_llm.domain.models import Line
from gipr_llm.load import load, load_bytes
from tests.conftest import seed_text
from tests.fixture_docs import TEMPLATE_2021

pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))


def cells_of(lines: list[Line]) -> list[list[str]]:
    return [list(line.cells) for line in lines]  # text lines hold tuples, others lists


def row_starting(lines: list[Line], label: str) -> list[str]:
    """The cells of the first table row that has a cell equal to ``label``, from that cell on."""
    for line in lines:
        if line.in_table and label in line.cells:
            return line.cells[line.cells.index(label) :]
    raise AssertionError(f"no table row labelled {label}")


# --- text encodings ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("write_as", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),  # GBK is a subset: read as the superset
        ("utf-16", "utf-16-le"),  # Python writes a little-endian BOM
        ("utf-16-be-bom", "utf-16-be"),
        ("utf-16-le", "utf-16-le"),  # no BOM: found from where the NULs fall
        ("utf-16-be", "utf-16-be"),
    ],
)
@pytest.mark.parametrize("seed", ["000", "003", "004"])  # one-cell-per-line and tab layouts
def test_every_encoding_gives_the_same_lines(tmp_path, seed, write_as, expected):
    text = seed_text(seed)
    reference = load_bytes(text.encode("utf-8"), "ref.txt")
    if write_as == "utf-16-be-bom":
        data = codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    else:
        data = text.encode(write_as)
    path = tmp_path / "report.txt"
    path.write_bytes(data)
    doc = load(path)
    assert doc.format == "text"
    assert doc.encoding == expected
    assert cells_of(doc.lines) == cells_of(reference.lines)  # so no BOM survives either


def test_seed_002_nbsp_padding_survives_gb18030(tmp_path):
    # 002 pads cells with U+00A0, which GBK cannot encode but GB18030 can.
    text = seed_text("002")
    path = tmp_path / "002.txt"
    path.write_bytes(text.encode("gb18030"))
    doc = load(path)
    assert doc.encoding == "gb18030"
    assert any("\u00a0" in cell for line in doc.lines for cell in line.cells)
    assert cells_of(doc.lines) == cells_of(load_bytes(text.encode("utf-8"), "ref").lines)


def test_crlf_and_cr_line_ends_are_normalised(tmp_path):
    text = seed_text("004")
    reference = cells_of(load_bytes(text.encode("utf-8"), "ref").lines)
    for ending in ("\r\n", "\r"):
        path = tmp_path / "report.txt"
        path.write_bytes(text.replace("\n", ending).encode("utf-8"))
        assert cells_of(load(path).lines) == reference


def test_tab_and_pipe_rows_split_into_cells():
    doc = load_bytes("规章\t0\t1\t2\n行政许可 | 5 | ||\n一、总体情况\n".encode(), "x.txt")
    assert cells_of(doc.lines) == [
        ["规章", "0", "1", "2"],
        ["行政许可 ", " 5 ", " ", "", ""],
        ["一、总体情况"],
    ]
    assert [line.number for line in doc.lines] == [1, 2, 3]
    assert not any(line.in_table for line in doc.lines)


_TRADITIONAL = (
    "政府資訊公開工作年度報告\n一、總體情況\n本年度，本機關堅持以公開為常態、不公開為例外，全面推進決策、"
    "執行、管理、服務、結果公開。依申請公開辦理情況良好，行政復議與行政訴訟案件均已審結。\n"
    "二、主動公開政府資訊情況\n規章\t0\t0\t0\n行政規範性文件\t3\t1\t12\n"
)


def test_big5_without_declaration_is_detected_not_misread_as_gbk():
    # Big5 bytes also decode strictly as GB18030, into rare characters: the plausibility
    # test sends them to the detector instead.
    doc = load_bytes(_TRADITIONAL.encode("big5"), "mirror.txt")
    assert doc.encoding == "big5"
    assert cells_of(doc.lines) == cells_of(load_bytes(_TRADITIONAL.encode("utf-8"), "ref").lines)


# --- HTML -------------------------------------------------------------------------

_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>站点标题</title>
<style>td {{ color: red }}</style><script>document.write("<table><tr><td>假</td></tr></table>");</script>
</head><body>
<div class="article">
<h2>某区政务服务管理局<br>2021年政府信息公开工作年度报告</h2>
<p>一、总体情况</p>
<p>本年度主动公开
政府信息63条，   其中政策解读 5 条。</p>
<p>二、主动公开政府信息情况</p>
<table border="1"><tbody>
<tr><td colspan="4">第二十条第（一）项</td></tr>
<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>
<tr><td><p>规章</p></td><td>1</td><td>2</td><td>3&nbsp;</td></tr>
<tr><td>行政许可</td><td colspan="3">55</td></tr>
</tbody></table>
<p>三、收到和处理政府信息公开申请情况</p>
<table border="1">
<tr><td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td><td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td><p>商业</p>
<p>企业</p></td><td>科研<br>机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td rowspan="2">三、本年度办理结果</td><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td>
<td>1</td><td></td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
<tr><td>2.其他法律行政法规禁止公开</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
</div>
<div class="footer">主办：某区人民政府办公室<br>京ICP备00000000号</div>
</body></html>
"""


def test_html_spans_keep_origin_cells_only_and_page_order(tmp_path):
    path = tmp_path / "page.bin"  # the name says nothing: the bytes decide
    path.write_text(_HTML, encoding="utf-8")
    doc = load(path)
    assert doc.format == "html" and doc.encoding == "utf-8"
    assert cells_of(doc.lines) == [
        ["某区政务服务管理局"],
        ["2021年政府信息公开工作年度报告"],
        ["一、总体情况"],
        ["本年度主动公开政府信息63条， 其中政策解读 5 条。"],  # CJK line wrap joined, spaces collapsed
        ["二、主动公开政府信息情况"],
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "2", "3"],
        ["行政许可", "55"],  # colspan=3 value appears once
        ["三、收到和处理政府信息公开申请情况"],
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["", "自然人", "法人或其他组织", "总计"],  # rowspan copies: one empty cell per span
        ["", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
        ["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "1", "", "0", "0", "0", "0", "1"],
        ["", "", "2.其他法律行政法规禁止公开", "2", "0", "0", "0", "0", "0", "2"],
        ["四、政府信息公开行政复议、行政诉讼情况"],
        ["主办：某区人民政府办公室"],
        ["京ICP备00000000号"],
    ]
    assert [line.in_table for line in doc.lines].count(True) == 9
    assert [line.number for line in doc.lines] == list(range(1, len(doc.lines) + 1))
    assert all("假" not in line.text and "color" not in line.text for line in doc.lines)


def test_html_layout_table_is_flattened_and_inner_table_read_as_grid():
    page = """<html><body><table width="100%"><tr><td><p>一、总体情况</p><p>正文</p>
    <table><tr><td>规章</td><td colspan="2">7</td><td>8</td></tr></table>
    </td><td>侧栏链接</td></tr></table></body></html>"""
    doc = load_bytes(page.encode(), "x")
    assert cells_of(doc.lines) == [["一、总体情况"], ["正文"], ["规章", "7", "8"], ["侧栏链接"]]
    assert [line.in_table for line in doc.lines] == [False, False, True, False]


def test_html_gbk_page_with_meta_charset(tmp_path):
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body><p>二、主动公开政府信息情况</p><table><tr><td>行政处罚</td><td>12</td></tr></table></body></html>'
    path = tmp_path / "gbk.htm"
    path.write_bytes(page.encode("gbk"))
    doc = load(path)
    assert (doc.format, doc.encoding) == ("html", "gb18030")
    assert cells_of(doc.lines) == [["二、主动公开政府信息情况"], ["行政处罚", "12"]]


def test_html_meta_charset_decides_between_two_legacy_encodings():
    # Big5 bytes also decode as GB18030 (to nonsense): the declared charset must win.
    page = '<html><head><meta charset="big5"></head><body><p>政府資訊公開工作年度報告</p></body></html>'
    doc = load_bytes(page.encode("big5"), "big5.html")
    assert doc.encoding == "big5"
    assert cells_of(doc.lines) == [["政府資訊公開工作年度報告"]]


def test_markdown_with_embedded_html_table_keeps_its_text_lines():
    text = "# 一、总体情况\n\n本年度主动公开信息10条。\n\n二、主动公开政府信息情况\n\n<table><tr><td>规章</td><td>1</td></tr></table>\n\n三、收到和处理\n"
    doc = load_bytes(text.encode(), "ocr.md")
    assert doc.format == "html"
    assert cells_of(doc.lines) == [
        ["# 一、总体情况"],
        ["本年度主动公开信息10条。"],
        ["二、主动公开政府信息情况"],
        ["规章", "1"],
        ["三、收到和处理"],
    ]


# --- DOCX -------------------------------------------------------------------------


def _distinct(row) -> list:
    seen: list = []
    for cell in row.cells:
        if not any(cell._tc is s._tc for s in seen):
            seen.append(cell)
    return seen


def test_docx_filled_2021_template_values_land_in_their_rows(tmp_path):
    document = docx.Document(str(TEMPLATE_2021))
    t2, t3, t4 = document.tables[:3]
    # 表三: a distinct number in every cell, row r column c -> 100 * r + c.
    for r, row in enumerate(t3.rows[3:], start=1):
        for c, cell in enumerate(_distinct(row)[-7:], start=1):
            cell.text = str(100 * r + c)
    _distinct(t2.rows[6])[1].text = "42"  # 行政许可: one value cell spanning three columns
    for i, cell in enumerate(_distinct(t4.rows[-1])):
        cell.text = str(i)
    path = tmp_path / "filled.docx"
    document.save(str(path))

    doc = load(path)
    assert doc.format == "docx" and doc.encoding is None
    rows = [line for line in doc.lines if line.in_table]
    # Each 表三 data row ends with its own seven values, in template order.
    t3_rows = [line for line in rows if line.cells[-1].isdigit() and 8 <= len(line.cells) <= 10]
    assert len(t3_rows) == len(spec.T3_ROWS["2021"])
    for r, line in enumerate(t3_rows, start=1):
        assert line.cells[-7:] == [str(100 * r + c) for c in range(1, 8)]
    assert row_starting(rows, "1.属于国家秘密")[1:] == [str(500 + c) for c in range(1, 8)]
    assert row_starting(rows, "行政许可") == ["行政许可", "42"]  # a merged value cell appears once
    assert rows[-1].cells == [str(i) for i in range(15)]
    # The vertically merged group label is read once, on its first row.
    assert sum(line.cells.count("三、本年度办理结果") for line in rows) == 1
    assert sum(line.cells.count("（三）不予公开") for line in rows) == 1
    # Headings come before their tables, in document order.
    texts = [line.text for line in doc.lines]
    heading = texts.index("三、收到和处理政府信息公开申请情况")
    assert texts.index("二、主动公开政府信息情况") < texts.index("第二十条第（一）项") < heading
    assert heading < next(i for i, line in enumerate(doc.lines) if "申请人情况" in line.cells)


def test_docx_built_with_merges_and_body_order(tmp_path):
    document = docx.Document()
    document.add_paragraph("二、主动公开政府信息情况")
    table: Table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 3)).text = "第二十条第（五）项"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "行政许可"
    table.cell(1, 1).merge(table.cell(1, 3)).text = "9"
    table.cell(2, 1).text = "1"
    table.cell(2, 2).text = ""
    table.cell(2, 3).text = "3"
    paragraph = document.add_paragraph("三、收到和处理")
    paragraph.add_run().add_break()
    paragraph.add_run("政府信息公开申请情况")
    document.add_paragraph("")  # empty paragraphs are not lines
    path = tmp_path / "built.docx"
    document.save(str(path))
    doc = load(path)
    assert cells_of(doc.lines) == [
        ["二、主动公开政府信息情况"],
        ["第二十条第（五）项"],
        ["行政许可", "9"],
        ["", "1", "", "3"],  # vMerge continuation -> one empty cell; a blank cell stays blank
        ["三、收到和处理"],
        ["政府信息公开申请情况"],
    ]
    assert [line.in_table for line in doc.lines] == [False, True, True, True, False, False]


# --- PDF --------------------------------------------------------------------------


def test_pdf_text_layer_and_ruled_table(tmp_path):
    path = tmp_path / "report.pdf"
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    style = ParagraphStyle("s", fontName="STSong-Light", fontSize=11, leading=16)
    table = PdfTable(
        [
            ["行政许可", "12", "", "3"],
            ["三、本年度办理结果", "（一）予以公开", "5", "6"],
            ["", "（二）部分公开", "7", "8"],
        ],
        colWidths=[110, 110, 60, 60],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("FONT", (0, 0), (-1, -1), "STSong-Light", 9),
                ("SPAN", (0, 1), (0, 2)),
            ]
        )
    )
    story = [
        Paragraph("北京市某区某局2021年政府信息公开工作年度报告", style),
        Paragraph("二、主动公开政府信息情况", style),
        table,
        Paragraph("三、收到和处理政府信息公开申请情况", style),
    ]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    doc = load(path)
    assert doc.format == "pdf" and doc.encoding is None
    assert cells_of(doc.lines) == [
        ["北京市某区某局2021年政府信息公开工作年度报告"],
        ["二、主动公开政府信息情况"],
        ["行政许可", "12", "", "3"],  # the blank cell is kept
        ["三、本年度办理结果", "（一）予以公开", "5", "6"],
        ["", "（二）部分公开", "7", "8"],  # rowspan continuation -> one empty cell
        ["三、收到和处理政府信息公开申请情况"],
    ]
    assert [line.in_table for line in doc.lines] == [False, False, True, True, True, False]


def test_pdf_unruled_columns_split_on_runs_of_spaces(tmp_path):
    path = tmp_path / "plain.pdf"
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("STSong-Light", 11)
    pdf.drawString(72, 760, "四、政府信息公开行政复议、行政诉讼情况")
    for x, text in zip((72, 220, 300, 380), ("行政处罚", "0", "17", "3"), strict=True):
        pdf.drawString(x, 730, text)
    pdf.drawString(280, 60, "— 5 —")
    pdf.save()
    doc = load(path)
    assert cells_of(doc.lines) == [
        ["四、政府信息公开行政复议、行政诉讼情况"],
        ["行政处罚", "0", "17", "3"],
        ["— 5 —"],
    ]


def test_format_is_read_from_bytes_not_name(tmp_path):
    html_named_txt = tmp_path / "page.txt"
    html_named_txt.write_text("<html><body><p>一、总体情况</p></body></html>", encoding="utf-8")
    text_named_docx = tmp_path / "report.docx"
    text_named_docx.write_text("一、总体情况\n正文\n", encoding="utf-8")
    assert load(html_named_txt).format == "html"
    assert load(text_named_docx).format == "text"


def test_document_identity(tmp_path: Path):
    path = tmp_path / "r.txt"
    path.write_bytes("一、总体情况\n".encode())
    doc = load(path)
    import hashlib

    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc.path == str(path)


def test_utf8_with_a_few_damaged_bytes_is_kept_with_visible_damage():
    data = bytearray(seed_text("003").encode("utf-8"))
    positions = [i for i, b in enumerate(data) if b >= 0xE0][100:103]  # lead bytes of three characters
    for i in positions:
        data[i] = 0xFF  # never valid in UTF-8
    doc = load_bytes(bytes(data), "damaged.txt")
    assert doc.encoding == "utf-8"
    damaged = sum(line.text.count("\ufffd") for line in doc.lines)
    assert 3 <= damaged <= 9  # each bad byte (and its orphaned continuation bytes) shows, never vanishes
    # GBK text is not "damaged UTF-8": it is still read as GB18030.
    assert load_bytes(seed_text("003").encode("gbk"), "gbk.txt").encoding == "gb18030"
