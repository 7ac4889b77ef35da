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

# Below this recognition confidence a number is reported (fault: reading). Chosen on the
# scanned seeds (benchmarks/bench_ocr.py): every misread number of the dev set is below it.
LOW_CONFIDENCE = 0.5

# Data cells are the last cells of a table line: (row, column) of each, right-aligned.
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


def ocr_findings(doc: Document, sections: Sections) -> list[Finding]:
    if doc.ocr is None:
        return []
    findings = [
        Finding(
            rule="PARSE-OCR",
            severity="info",
            stage="parse",
            message=f"本报告没有可用的文字层，文字和表格数字由文字识别（OCR）读出（{ocr_source_note(doc)}）；"
            "引文以识别文字为准，标出的低置信度单元格请对照原件核对。",
        )
    ]
    confidence = doc.ocr.confidence
    for table, (start, end) in sections.table_regions.items():
        cells = _DATA_CELLS.get(table)
        for line in doc.lines[start:end]:
            labels = "".join(c for c in line.cells if c and parse_cell(c).state == "unreadable")
            for index, raw in enumerate(line.cells):
                score = confidence.get(f"{line.number}:{index}")
                if score is None or score >= LOW_CONFIDENCE or parse_cell(raw).state != "value":
                    continue
                row = column = None
                from_right = len(line.cells) - index
                if cells is not None and from_right <= len(cells):
                    row, column = cells[len(cells) - from_right]
                findings.append(
                    Finding(
                        rule="PARSE-OCR-LOW-CONFIDENCE",
                        severity="warning",
                        stage="parse",
                        table=table,
                        row=row,
                        row_label=labels or spec.row_label(table, row),
                        column=column,
                        column_label=spec.column_label(table, column) if column else None,
                        raw=raw,
                        values={"confidence_pct": round(score * 100)},
                        line=line.number,
                        message=f"{spec.TABLE_LABELS[table]}第{line.number}行"
                        f"{'「' + labels + '」' if labels else ''}的数字「{raw.strip()}」识别置信度低"
                        f"（{score:.0%}），请对照原件核对。",
                        fault="reading",
                    )
                )
    return findings
