"""Findings about text read by OCR: that the source was OCR'd, and each number read with
low recognition confidence (the reviewer checks that cell against the scan).

A misread digit that still looks like a number is caught twice: here, when the recogniser
was unsure of it, and by the arithmetic checks when it breaks a sum (localisation then
names the likely value). Nothing is changed: the value stays as read.
"""

from __future__ import annotations

from gipr_llm.domain import spec
from gipr_llm.domain.models import Document, Finding, Sections
from gipr_llm.parse.cells import parse_cell
from gipr_llm.parse.tables import table2_line_cells, table3_line_rows

# Below this recognition confidence a number is reported (fault: reading). Chosen on the
# scanned seeds (benchmarks/bench_ocr.py): every misread number of the dev set is below it.
LOW_CONFIDENCE = 0.5

# Data cells are the last cells of a table line: (row, column) of each, right-aligned.
# 表三 and 表四 have one shape per line; 表二's columns depend on the row (its label).
_DATA_CELLS: dict[str, tuple[tuple[str | None, str], ...]] = {
    "table3": tuple((None, c) for c in spec.T3_COLUMNS),
    "table4": tuple((g, c) for g in spec.T4_GROUPS for c in spec.T4_COLUMNS),
}


def ocr_source_note(doc: Document) -> str | None:
    if doc.ocr is None:
        return None
    pages = doc.ocr.pages
    shown = f"{pages[0]}–{pages[-1]}" if len(pages) > 1 else str(pages[0]) if pages else "-"
    return f"OCR: {doc.ocr.engine}, {doc.ocr.dpi} dpi, pages {shown}"


def ocr_findings(doc: Document, sections: Sections, table2_template: str | None = None) -> list[Finding]:
    if doc.ocr is None:
        return []
    findings = [
        Finding(
            rule="PARSE-OCR",
            severity="info",
            stage="parse",
            message=(
                "本报告的表格为网页中的图片，其文字和数字由文字识别（OCR）读出"
                if doc.format == "html"
                else "本报告没有可用的文字层，文字和表格数字由文字识别（OCR）读出"
            )
            + f"（{ocr_source_note(doc)}）；"
            "引文以识别文字为准，标出的低置信度单元格请对照原件核对。",
        )
    ]
    confidence = doc.ocr.confidence
    for table, (start, end) in sections.table_regions.items():
        lines = doc.lines[start:end]
        t2_rows = table2_line_cells(lines, table2_template) if table == "table2" and table2_template else {}
        t3_rows = table3_line_rows(lines) if table == "table3" else {}
        for line in lines:
            labels = "".join(c for c in line.cells if c and parse_cell(c).state == "unreadable")
            cells = _DATA_CELLS.get(table)
            row_label = None
            if line.number in t2_rows:
                key, sub_label, columns = t2_rows[line.number]
                cells = tuple((key, c) for c in columns)
                row_label = spec.row_label(table, key) + (f"（{sub_label}）" if sub_label else "")
            elif line.number in t3_rows:
                cells = tuple((t3_rows[line.number], c) for c in spec.T3_COLUMNS)
                row_label = spec.row_label(table, t3_rows[line.number])
            for index, raw in enumerate(line.cells):
                score = confidence.get(f"{line.number}:{index}")
                if score is None or score >= LOW_CONFIDENCE:
                    continue
                row = column = None
                from_right = len(line.cells) - index
                if cells is not None and from_right <= len(cells):
                    row, column = cells[len(cells) - from_right]
                if not raw.strip() and column is not None:
                    findings.append(_unread(table, line.number, row, column, row_label or labels))
                    continue
                if parse_cell(raw).state != "value":
                    continue
                findings.append(
                    Finding(
                        rule="PARSE-OCR-LOW-CONFIDENCE",
                        severity="warning",
                        stage="parse",
                        table=table,
                        row=row,
                        row_label=row_label or labels or spec.row_label(table, row),
                        column=column,
                        column_label=spec.column_label(table, column) if column else None,
                        raw=raw,
                        values={"confidence_pct": round(score * 100)},
                        line=line.number,
                        message=f"{spec.TABLE_LABELS[table]}第{line.number}行"
                        f"{'「' + (row_label or labels) + '」' if row_label or labels else ''}"
                        f"{'「' + spec.column_label(table, column) + '」列' if column else ''}"
                        f"的数字「{raw.strip()}」识别置信度低（{score:.0%}），请对照原件核对。",
                        fault="reading",
                    )
                )
    return findings


def _unread(table: str, line: int, row: str | None, column: str, label: str | None) -> Finding:
    """A data cell with ink the recogniser read as nothing: not a cell the report left blank."""
    column_label = spec.column_label(table, column)
    return Finding(
        rule="PARSE-OCR-UNREAD",
        severity="warning",
        stage="parse",
        table=table,
        row=row,
        row_label=label or spec.row_label(table, row),
        column=column,
        column_label=column_label,
        raw="",
        line=line,
        message=f"{spec.TABLE_LABELS[table]}第{line}行{'「' + label + '」' if label else ''}「{column_label}」列"
        "有字迹但未能识别，按空值处理（未计为0），请对照原件核对。",
        fault="reading",
    )


# Cell findings that say a scanned cell was not read as printed.
CELL_DOUBT = frozenset(
    {"PARSE-OCR-UNREAD", "PARSE-OCR-LOW-CONFIDENCE", "PARSE-CELL-UNREADABLE", "PARSE-CELL-UNALIGNED"}
)


def rows_in_doubt(findings: list[Finding]) -> list[Finding]:
    """A scanned row with two or more cells not read as printed (a seal, a stain, a fold over
    it): its other numbers, read with confidence, may be the same ink misread (a seal stroke
    read as 「7」), so the whole row is flagged for checking against the original."""
    doubted: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.rule in CELL_DOUBT and f.table in ("table2", "table3") and f.row and f.column:
            doubted.setdefault((f.table, f.row), []).append(f)
    out = []
    for (table, row), cells in doubted.items():
        columns = len({f.column for f in cells})
        if columns < 2:
            continue
        label = cells[0].row_label or spec.row_label(table, row)
        out.append(
            Finding(
                rule="PARSE-OCR-ROW-DOUBT",
                severity="warning",
                stage="parse",
                table=table,
                row=row,
                row_label=label,
                message=f"{spec.TABLE_LABELS[table]}「{label}」行有{columns}个单元格识别存疑"
                "（可能被印章、污渍遮挡），该行其余数字也可能识别有误，请整行对照原件核对。",
                fault="reading",
            )
        )
    return out
