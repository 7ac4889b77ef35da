"""Render a parsed Report back into realistic HTML, DOCX and PDF reports (test fixtures).

The documents follow the national template: a title, the six section headings, the
narrative, and 表二/表三/表四 laid out with the template's merged cells (group labels
spanning rows, 表三's two-row header with 「法人或其他组织」 over five columns, 表四's
two-level header). Everything is driven by the keys and labels in ``gipr_llm.domain.spec`` and by
the Report's own values, so any parsed report can be rendered; ``None`` cells are written
empty. The only strings defined here are layout captions that the parser never keys on
(「申请人情况」, 「信息内容」, 「第二十条第（一）项」 …).

- HTML: one table per 表 with rowspan/colspan.
- DOCX: a filled copy of the blank 2021 template (its real merged cells); a 2019-template
  table is built with python-docx merges and put in the template table's place.
- PDF: reportlab platypus with ruled tables and SPAN, in the built-in CID font
  STSong-Light (no font file needed).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gipr_llm.domain import spec
from gipr_llm.domain.models import Report, Table2, Table3, Table4

# The blank official template, shared next to the repository (../shared/templates).
# The official blank 2021 template (shared/templates), kept with the tests so a clone runs alone.
TEMPLATE_2021 = Path(__file__).resolve().parent / "data" / "2021-blank-template.docx"

# Layout captions of the template (never parsed as keys).
_T2_GROUPS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "2021": (
        ("第二十条第（一）项", ("rules", "normative_documents")),
        ("第二十条第（五）项", ("licensing",)),
        ("第二十条第（六）项", ("punishment", "coercion")),
        ("第二十条第（八）项", ("fees",)),
    ),
    "2019": (
        ("第二十条第（一）项", ("rules", "normative_documents")),
        ("第二十条第（五）项", ("licensing", "other_services")),
        ("第二十条第（六）项", ("punishment", "coercion")),
        ("第二十条第（八）项", ("fees",)),
        ("第二十条第（九）项", ("procurement",)),
    ),
}
_T2_HEADER_2021 = {"decisions": "本年处理决定数量", "amount": "本年收费金额"}
_INFO = "信息内容"
_T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_T3_APPLICANTS = "申请人情况"
_T3_ORGS = "法人或其他组织"
_T3_RESULTS = "三、本年度办理结果"
_FOOTER = ("主办：北京市某区人民政府办公室", "京ICP备00000000号 京公网安备11010202000000号")
_T3_WIDTH = 10  # three label columns and seven numeric columns
_T4_WIDTH = 15


@dataclass(frozen=True, slots=True)
class Span:
    """One origin cell of a layout grid."""

    text: str
    rowspan: int = 1
    colspan: int = 1


Grid = list[list[Span]]


# --- values -----------------------------------------------------------------------


def _num(value: int | Decimal | None) -> str:
    return "" if value is None else str(value)


def _t2_cell(table: Table2, row: str, column: str, value: int | Decimal | None) -> str:
    text = _num(value)
    unit = table.units.get(f"{row}.{column}")
    if text and unit and unit != "万元":  # 万元 is printed in the header, as on the template
        text += unit
    note = table.notes.get(f"{row}.{column}")
    return text + note if text and note else text


# --- layouts ----------------------------------------------------------------------


def table2_grid(table: Table2) -> Grid:
    columns_of = spec.T2_COLUMNS[table.template]
    width = max(len(c) for c in columns_of.values())
    label_cols = 2 if table.sub_rows else 1  # sub-rows carry a second label column
    grid: Grid = []
    for caption, keys in _T2_GROUPS[table.template]:
        present = [k for k in keys if k in table.rows or k in table.sub_rows]
        if not present:
            continue
        grid.append([Span(caption, colspan=label_cols + width)])
        columns = columns_of[present[0]]
        header = [Span(_INFO, colspan=label_cols)]
        for i, column in enumerate(columns):
            label = (
                _T2_HEADER_2021.get(column, spec.T2_COLUMN_LABELS[column])
                if table.template == "2021"
                else (spec.T2_COLUMN_LABELS[column])
            )
            if (present[0], column) in spec.T2_MONEY_COLUMNS:
                label += "（单位：万元）"
            span = width - len(columns) + 1 if i == len(columns) - 1 else 1
            header.append(Span(label, colspan=span))
        grid.append(header)
        for key in present:
            cols = columns_of[key]

            def values(vals: dict, key: str = key, cols: tuple[str, ...] = cols) -> list[Span]:
                spans = []
                for i, column in enumerate(cols):
                    span = width - len(cols) + 1 if i == len(cols) - 1 else 1
                    spans.append(Span(_t2_cell(table, key, column, vals.get(column)), colspan=span))
                return spans

            if key in table.rows:
                grid.append([Span(spec.T2_ROW_LABELS[key], colspan=label_cols), *values(table.rows[key])])
            subs = table.sub_rows.get(key, {})
            for i, (sub_label, vals) in enumerate(subs.items()):
                lead = [Span(spec.T2_ROW_LABELS[key], rowspan=len(subs))] if i == 0 else []
                grid.append([*lead, Span(sub_label), *values(vals)])
    return grid


def _t3_label_parts(key: str) -> tuple[str | None, str]:
    """(sub-group label such as （三）不予公开, item label) from the spec label."""
    label = spec.T3_ROW_LABELS[key]
    group, sep, item = label.partition(" ")
    return (group, item) if sep else (None, label)


def table3_grid(table: Table3) -> Grid:
    order = [k for k in spec.T3_ROWS[table.template or "2021"] if k in table.rows]
    order += [k for k in table.rows if k not in order]
    grid: Grid = [
        [Span(_T3_NOTE, rowspan=3, colspan=3), Span(_T3_APPLICANTS, colspan=7)],
        [
            Span(spec.T3_COLUMN_LABELS["natural_person"], rowspan=2),
            Span(_T3_ORGS, colspan=5),
            Span(spec.T3_COLUMN_LABELS["total"], rowspan=2),
        ],
        [Span(spec.T3_COLUMN_LABELS[c]) for c in spec.T3_COLUMNS[1:-1]],
    ]
    rows = spec.T3_ROWS[table.template or "2021"]
    results = set(rows[rows.index("granted") : rows.index("total_processed") + 1])
    in_results = [k for k in order if k in results]
    groups: dict[str, int] = {}
    for key in order:
        group, _ = _t3_label_parts(key)
        if group:
            groups[group] = groups.get(group, 0) + 1
    started: set[str] = set()
    for key in order:
        values = [Span(_num(v)) for v in table.rows[key]]
        group, item = _t3_label_parts(key)
        lead: list[Span] = []
        if key in results:
            if key == in_results[0]:
                lead.append(Span(_T3_RESULTS, rowspan=len(in_results)))
            if group is None:
                lead.append(Span(item, colspan=2))
            else:
                if group not in started:
                    started.add(group)
                    lead.append(Span(group, rowspan=groups[group]))
                lead.append(Span(item))
        else:
            lead.append(Span(spec.T3_ROW_LABELS[key], colspan=3))
        grid.append([*lead, *values])
    return grid


def _t4_group_parts(group: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"(.+?)（(.+)）", spec.T4_GROUP_LABELS[group])
    return (match.group(1), match.group(2)) if match else (spec.T4_GROUP_LABELS[group], None)


def table4_grid(table: Table4) -> Grid:
    first, *litigation = spec.T4_GROUPS
    top = [Span(_t4_group_parts(first)[0], colspan=5), Span(_t4_group_parts(litigation[0])[0], colspan=10)]
    second = [Span(spec.T4_COLUMN_LABELS[c], rowspan=2) for c in spec.T4_COLUMNS]
    second += [Span(_t4_group_parts(g)[1] or "", colspan=5) for g in litigation]
    third = [Span(spec.T4_COLUMN_LABELS[c]) for _ in litigation for c in spec.T4_COLUMNS]
    values = [Span(_num(table.rows.get(g, {}).get(c))) for g in spec.T4_GROUPS for c in spec.T4_COLUMNS]
    return [top, second, third, values]


def _title_lines(report: Report) -> list[str]:
    year = f"{report.meta.year}年" if report.meta.year else ""
    return [report.meta.agency or "", f"{year}政府信息公开工作年度报告"]


def _blocks(report: Report, narrative_lines: list[str] | None) -> list[tuple[str, object]]:
    """The document as blocks: ("title"|"heading"|"para", text) and ("table", Grid)."""
    overview = (
        narrative_lines if narrative_lines is not None else _lines(report.narrative.get("overview", ""))
    )
    tables = {
        "proactive": table2_grid(report.table2) if report.table2 else None,
        "applications": table3_grid(report.table3) if report.table3 else None,
        "review_litigation": table4_grid(report.table4) if report.table4 else None,
    }
    narrative = {
        "overview": overview,
        **{k: _lines(report.narrative.get(k, "")) for k in ("problems", "other")},
    }
    blocks: list[tuple[str, object]] = [("title", t) for t in _title_lines(report) if t]
    for key in spec.SECTION_KEYS:
        blocks.append(("heading", spec.SECTION_LABELS[key]))
        blocks.extend(("para", line) for line in narrative.get(key, []))
        if tables.get(key) is not None:
            blocks.append(("table", tables[key]))
    return blocks


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# --- HTML -------------------------------------------------------------------------


def _html_table(grid: Grid) -> str:
    rows = []
    for row in grid:
        cells = []
        for cell in row:
            attrs = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            cells.append(f"<td{attrs}><p>{html.escape(cell.text)}</p></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table border="1" cellspacing="0" cellpadding="0">\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )


def report_to_html(report: Report, narrative_lines: list[str] | None = None) -> str:
    """A web page as government sites publish it: article, tables, site footer.

    ``narrative_lines`` are the paragraphs under 一、总体情况 (default: the report's own
    overview text); 五 and 六 come from the report's narrative.
    """
    parts: list[str] = []
    for kind, value in _blocks(report, narrative_lines):
        if kind == "title":
            parts.append(f"<h2>{html.escape(str(value))}</h2>")
        elif kind == "heading":
            parts.append(f"<p><strong>{html.escape(str(value))}</strong></p>")
        elif kind == "para":
            parts.append(f'<p style="text-indent:2em">{html.escape(str(value))}</p>')
        else:
            parts.append(_html_table(value))  # type: ignore[arg-type]
    title = html.escape("".join(_title_lines(report)))
    footer = "".join(f"<p>{html.escape(line)}</p>" for line in _FOOTER)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>td {{ border: 1px solid #000; }}</style>\n"
        '<script>var _hmt = _hmt || []; document.write("<table>");</script>\n</head>\n<body>\n'
        '<div class="article">\n' + "\n".join(parts) + "\n</div>\n"
        f'<div class="footer">{footer}</div>\n</body>\n</html>\n'
    )


# --- DOCX -------------------------------------------------------------------------


def _docx_build_table(document, grid: Grid):
    """A python-docx table with the grid's merges (used where the 2021 template does not fit)."""
    width = max(sum(cell.colspan for cell in grid[0]), *(sum(c.colspan for c in row) for row in grid))
    table = document.add_table(rows=len(grid), cols=width)
    table.style = document.styles["Table Grid"] if "Table Grid" in [s.name for s in document.styles] else None
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            origin = table.cell(r, c)
            if cell.rowspan > 1 or cell.colspan > 1:
                origin = origin.merge(table.cell(r + cell.rowspan - 1, c + cell.colspan - 1))
            origin.text = cell.text
            c += cell.colspan
    return table


def _distinct_cells(row) -> list:
    """A row's cells with python-docx's repeats of a merged cell removed."""
    seen: list = []
    out = []
    for cell in row.cells:
        if not any(cell._tc is s for s in seen):
            seen.append(cell._tc)
            out.append(cell)
    return out


def _fill_t2_2021(docx_table, table: Table2) -> None:
    columns_of = spec.T2_COLUMNS["2021"]
    for row in docx_table.rows:
        cells = _distinct_cells(row)
        label = cells[0].text.strip()
        key = next((k for k in columns_of if spec.T2_ROW_LABELS[k] in label), None)
        if key is None or key not in table.rows:
            continue
        for cell, column in zip(cells[1:], columns_of[key], strict=False):
            cell.text = _t2_cell(table, key, column, table.rows[key].get(column))


def _fill_t3_2021(docx_table, table: Table3) -> None:
    data_rows = docx_table.rows[3:]
    for row, key in zip(data_rows, spec.T3_ROWS["2021"], strict=True):
        values = table.rows.get(key, [None] * len(spec.T3_COLUMNS))
        for cell, value in zip(_distinct_cells(row)[-len(spec.T3_COLUMNS) :], values, strict=True):
            cell.text = _num(value)


def _fill_t4(docx_table, table: Table4) -> None:
    values = [table.rows.get(g, {}).get(c) for g in spec.T4_GROUPS for c in spec.T4_COLUMNS]
    for cell, value in zip(_distinct_cells(docx_table.rows[-1]), values, strict=True):
        cell.text = _num(value)


def _replace_table(document, old, grid: Grid) -> None:
    new = _docx_build_table(document, grid)
    old._tbl.addnext(new._tbl)
    old._tbl.getparent().remove(old._tbl)


def _replace_paragraph(paragraph, lines: list[str]) -> None:
    for line in lines:
        paragraph.insert_paragraph_before(line)
    paragraph._element.getparent().remove(paragraph._element)


def report_to_docx(report: Report, path: str | Path, narrative_lines: list[str] | None = None) -> Path:
    """A filled copy of the blank 2021 template (see the module docstring)."""
    import docx

    document = docx.Document(str(TEMPLATE_2021))
    t2, t3, t4 = document.tables[:3]
    if report.table2 is None:
        t2._tbl.getparent().remove(t2._tbl)
    elif report.table2.template == "2021" and not report.table2.sub_rows:
        _fill_t2_2021(t2, report.table2)
    else:
        _replace_table(document, t2, table2_grid(report.table2))
    if report.table3 is None:
        t3._tbl.getparent().remove(t3._tbl)
    elif report.table3.template == "2021":
        _fill_t3_2021(t3, report.table3)
    else:
        _replace_table(document, t3, table3_grid(report.table3))
    if report.table4 is None:
        t4._tbl.getparent().remove(t4._tbl)
    else:
        _fill_t4(t4, report.table4)

    overview = (
        narrative_lines if narrative_lines is not None else _lines(report.narrative.get("overview", ""))
    )
    fills = [
        overview,
        _lines(report.narrative.get("problems", "")),
        _lines(report.narrative.get("other", "")),
    ]
    placeholders = [p for p in document.paragraphs if p.text.startswith("（文字描述")]
    for paragraph, lines in zip(placeholders, fills, strict=True):
        _replace_paragraph(paragraph, lines)
    title = next(p for p in document.paragraphs if "格式模板" in p.text)
    _replace_paragraph(title, _title_lines(report))
    out = Path(path)
    document.save(str(out))
    return out


# --- PDF --------------------------------------------------------------------------


def report_to_pdf(
    report: Report,
    path: str | Path,
    narrative_lines: list[str] | None = None,
    font_file: str | Path | None = None,
    *,
    doc_title: str = "",
    font_index: int = 0,
    rules: str = "solid",
) -> Path:
    """A PDF with a text layer and ruled tables, as exported from Word; ``doc_title`` goes
    into the PDF's metadata (document properties).

    ``font_file`` embeds that TrueType font (subset) instead of naming the built-in CID
    font, for copies that must render to pixels (pdfium draws no glyph for an absent font).
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    font = "STSong-Light"
    if font_file is None:
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    else:
        from reportlab.pdfbase.ttfonts import TTFont

        # One name per face: reportlab keeps the first font registered under a name.
        font = f"EmbeddedCJK-{Path(font_file).stem}-{font_index}"
        pdfmetrics.registerFont(TTFont(font, str(font_file), subfontIndex=font_index))
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    head = ParagraphStyle("head", parent=body, fontSize=12, leading=20)
    title = ParagraphStyle("title", parent=body, fontSize=15, leading=24, alignment=1)
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    margin = 40
    usable = A4[0] - 2 * margin

    def pdf_table(grid: Grid) -> Table:
        width = sum(c.colspan for c in grid[-1]) if grid[-1] else 1
        width = max(width, *(sum(c.colspan for c in row) for row in grid))
        label_cols = {_T3_WIDTH: 3, _T4_WIDTH: 0}.get(width, 1)
        label_width = 0.45 * usable if label_cols else 0.0
        widths = [label_width / label_cols] * label_cols if label_cols else []
        widths += [(usable - label_width) / (width - label_cols)] * (width - label_cols)
        data = [["" for _ in range(width)] for _ in grid]
        ruling = {
            "solid": [("GRID", (0, 0), (-1, -1), 0.5, colors.black)],
            "faint": [("GRID", (0, 0), (-1, -1), 0.3, colors.Color(0.62, 0.62, 0.62), None, (6, 1.5))],
            "none": [],
        }[rules]
        style = [
            *ruling,
            ("FONT", (0, 0), (-1, -1), font, 7.5),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(grid):
            c = 0
            for span in row:
                while (r, c) in taken:
                    c += 1
                for dr in range(span.rowspan):
                    for dc in range(span.colspan):
                        taken.add((r + dr, c + dc))
                data[r][c] = Paragraph(html.escape(span.text), cell) if span.text else ""
                if span.rowspan > 1 or span.colspan > 1:
                    style.append(("SPAN", (c, r), (c + span.colspan - 1, r + span.rowspan - 1)))
                c += span.colspan
        table = Table(data, colWidths=widths, repeatRows=0)
        table.setStyle(TableStyle(style))
        return table

    story = []
    for kind, value in _blocks(report, narrative_lines):
        if kind == "title":
            story.append(Paragraph(html.escape(str(value)), title))
        elif kind == "heading":
            story.append(Paragraph(html.escape(str(value)), head))
        elif kind == "para":
            story.append(Paragraph(html.escape(str(value)), body))
        else:
            story.append(pdf_table(value))  # type: ignore[arg-type]
    out = Path(path)
    SimpleDocTemplate(
        str(out),
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=doc_title,
    ).build(story)
    return out


__all__ = [
    "Span",
    "report_to_docx",
    "report_to_html",
    "report_to_pdf",
    "table2_grid",
    "table3_grid",
    "table4_grid",
]
