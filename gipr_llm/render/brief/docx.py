"""A brief as a .docx laid out like a government 简报, with python-docx.

A4 with the 公文 margins (GB/T 9704: 37/35/28/26 mm), a red masthead and rule, the title
centred in 方正小标宋简体, section headings (一、二、…) in 黑体 as Heading 1 (so they show in
Word's navigation pane), body text in 仿宋 三号 with a two-character first-line indent and
fixed 28-point line spacing, tables in 仿宋 小四, the chart as an inline PNG. Fonts are named
for their East Asian slot (``w:eastAsia``); a machine without 方正小标宋简体 shows its default
Chinese font instead, so the title font is the one place the look depends on the reader.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import IO

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from gipr_llm.render.brief.document import DATA_NOTE, MASTHEAD, Brief, BriefChart, BriefTable, ordinal

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋"
NOTE_FONT = "楷体"
RED = RGBColor(0xC0, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(12)  # 小四
WIDE_TABLE_SIZE = Pt(10.5)  # 五号, for the per-body table of a batch
LINE = Pt(28)


def _fonts(element, name: str) -> None:
    """Name the font for every script slot, East Asian included (python-docx sets only ascii/hAnsi)."""
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)  # a theme font would win over the name set here
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)


def _run(paragraph, text: str, font: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None):
    run = paragraph.add_run(text)
    _fonts(run._element, font)
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def _setup(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_height, section.page_width = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = doc.styles["Normal"]
    _fonts(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    heading = doc.styles["Heading 1"]
    _fonts(heading.element, HEADING_FONT)
    heading.font.size = BODY_SIZE
    heading.font.bold = False
    heading.font.color.rgb = RGBColor(0, 0, 0)
    hfmt = heading.paragraph_format
    hfmt.first_line_indent = Pt(32)
    hfmt.space_before = hfmt.space_after = Pt(0)
    hfmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    hfmt.line_spacing = LINE
    hfmt.keep_with_next = True
    for section in doc.sections:
        _page_number(section.footer.paragraphs[0])


def _page_number(paragraph) -> None:
    """「— 1 —」 centred in the footer, as 公文 number their pages (a PAGE field)."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _run(paragraph, "— ", BODY_FONT, Pt(14))
    run = _run(paragraph, "", BODY_FONT, Pt(14))
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)
    _run(paragraph, " —", BODY_FONT, Pt(14))


def _row_properties(row, *, header: bool) -> None:
    """Never split a row across pages; repeat the header row at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def _red_rule(paragraph) -> None:
    """A red line under the masthead: the paragraph's bottom border."""
    p_pr = paragraph._element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "6"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def _centred(doc: DocxDocument, text: str, font: str, size: Pt, **kw):
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _run(paragraph, text, font, size, **kw)
    return paragraph


def _body(doc: DocxDocument, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Pt(32)
    _run(paragraph, text, BODY_FONT, BODY_SIZE)


def _table(doc: DocxDocument, table: BriefTable) -> None:
    caption = _centred(doc, table.caption, HEADING_FONT, Pt(14))
    caption.paragraph_format.space_before = Pt(6)
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    # A batch table starts with 序号 and names the body next; a single report's names the item first.
    name_column = 1 if table.header[0] == "序号" else 0
    widths = (
        [Mm(w) for w in table.widths_mm] if table.widths_mm else _column_widths(len(table.header), name_column)
    )
    grid.autofit = False
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width  # the grid widths LibreOffice reads; Word reads the cell widths
    for r, cells in enumerate([table.header, *table.rows]):
        _row_properties(grid.rows[r], header=r == 0)
        for c, text in enumerate(cells):
            cell = grid.cell(r, c)
            cell.width = widths[c]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            paragraph.alignment = (
                WD_ALIGN_PARAGRAPH.CENTER if c != name_column or r == 0 else WD_ALIGN_PARAGRAPH.LEFT
            )
            font = HEADING_FONT if r == 0 else BODY_FONT
            _run(paragraph, text, font, TABLE_SIZE if len(table.header) <= 4 else WIDE_TABLE_SIZE)
    if table.note:
        _centred(doc, table.note, NOTE_FONT, Pt(12))
    doc.add_paragraph()


TEXT_WIDTH_MM = 156  # A4 less the 公文 margins


def _column_widths(columns: int, name_column: int) -> list[Mm]:
    """The name column wide enough for a body's full name; 序号 narrow; figures share the rest."""
    name = 30 if columns > 4 else 60
    index = 8 if name_column == 1 else 0
    figures = columns - 1 - (1 if name_column == 1 else 0)
    each = (TEXT_WIDTH_MM - name - index) / figures if figures else 0
    widths = [Mm(each)] * columns
    widths[name_column] = Mm(name)
    if name_column == 1:
        widths[0] = Mm(index)
    return widths


def _chart(doc: DocxDocument, chart: BriefChart) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE  # an exact 28pt line would crop it
    paragraph.add_run().add_picture(io.BytesIO(chart.png), width=Mm(150))
    _centred(doc, chart.caption, NOTE_FONT, Pt(14))
    if chart.legend:
        _table(doc, BriefTable("图例", ["图中标注", "含义"], [[a, b] for a, b in chart.legend]))
    if chart.note:
        _centred(doc, chart.note, NOTE_FONT, Pt(12))


def _brief(doc: DocxDocument, brief: Brief) -> None:
    masthead = _centred(doc, MASTHEAD, TITLE_FONT, Pt(26), color=RED)
    if brief.edition or brief.date:
        # 期号 on the left, the date on the right, the red rule under both.
        line = doc.add_paragraph()
        line.paragraph_format.first_line_indent = Pt(0)
        line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
        _run(line, f"{brief.edition or ''}\t{brief.date or ''}", BODY_FONT, Pt(14))
        _red_rule(line)
    else:
        _red_rule(masthead)
    title = _centred(doc, brief.title, TITLE_FONT, Pt(22))
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    note = _centred(doc, f"（{DATA_NOTE.rstrip('。')}）", NOTE_FONT, Pt(14))
    note.paragraph_format.space_after = Pt(12)
    for index, section in enumerate(brief.sections):
        doc.add_heading(f"{ordinal(index + 1)}、{section.heading}", level=1)
        for paragraph in section.paragraphs:
            _body(doc, paragraph)
        if section.table is not None:
            _table(doc, section.table)
        if section.chart is not None:
            _chart(doc, section.chart)
    for text in brief.notes:
        _body(doc, text)


def to_docx(briefs: list[Brief], path: Path | IO[bytes]) -> None:
    """Write one or more briefs to ``path`` (a file name or a binary stream), each starting
    on a new page."""
    doc = Document()
    _setup(doc)
    for i, brief in enumerate(briefs):
        if i:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _brief(doc, brief)
    core = doc.core_properties
    core.title = briefs[0].title if len(briefs) == 1 else MASTHEAD
    core.author = "gipr-llm"
    doc.save(str(path) if isinstance(path, Path) else path)
