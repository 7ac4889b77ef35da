"""The parse stage's entry point: a loaded Document -> a Report without narrative facts.

Sections and title facts, then the three tables by row label. A partial report is read,
not refused: tables that are pictures or missing leave metadata and narrative facts to
extract (the checks report each missing table), and a copy that stops inside a table gets a
``PARSE-TRUNCATED`` error. Only a text that is not an annual report at all (no report title,
no sections, no tables) is refused.
"""

from __future__ import annotations

import re

from gipr_llm.domain import spec
from gipr_llm.domain.bodies import BodyDirectory
from gipr_llm.domain.models import Document, Finding, LoadError, Meta, Report, Sections, Source
from gipr_llm.domain.rules import fill_fault
from gipr_llm.parse.flat import is_flattened, reline
from gipr_llm.parse.identity import identify
from gipr_llm.parse.ocr_findings import ocr_findings, ocr_source_note, rows_in_doubt
from gipr_llm.parse.sections import split_sections
from gipr_llm.parse.tables import ParsedTables, parse_tables

_REPORT_TITLE = re.compile(r"(?:政府信息公开|政务公开|信息公开).{0,8}报告")


def parse(doc: Document, bodies: BodyDirectory | None = None) -> tuple[Report, Sections]:
    """Tables, sections and identity (body and year) of a loaded document, and the sections
    themselves (the orchestrator needs 表三's text region for an LLM re-read). ``bodies``:
    the user's directory that pins body identities."""
    flattened = is_flattened(doc)
    if flattened:
        reline(doc)
    sections = split_sections(doc)
    tables = parse_tables(doc, sections)
    if (
        tables.table3 is None
        and tables.table2 is None
        and len(sections.spans) < 2
        and not _REPORT_TITLE.search(sections.title or "")
    ):
        raise LoadError("不是政府信息公开工作年度报告：未找到报告标题、章节和统计表 (not an annual report)")
    if truncated := _truncated(doc, sections, tables):
        tables.findings.append(truncated)
    report = Report(
        source=Source(
            path=doc.path,
            sha256=doc.sha256,
            format=doc.format,
            encoding=doc.encoding,
            converted=doc.converted,
            ocr=ocr_source_note(doc),
        ),
        meta=Meta(sections_found=list(sections.spans)),
        table2=tables.table2,
        table3=tables.table3,
        table4=tables.table4,
        narrative=sections.narrative,
        findings=tables.findings,
    )
    identity = identify(doc, (sections.title, sections.agency, sections.year), bodies)
    identity.apply(report.meta)
    report.findings.extend(identity.findings)
    set_templates(report)
    report.findings.extend(ocr_findings(doc, sections, report.table2.template if report.table2 else None))
    if doc.ocr is not None:
        report.findings.extend(rows_in_doubt(report.findings))
    if doc.converted:
        report.findings.append(
            Finding(
                rule="PARSE-CONVERTED",
                severity="info",
                stage="parse",
                message=f"原文经过转换后解析：{doc.converted}；引文和行名为转换后的文字。",
            )
        )
    if doc.hidden_skipped:
        report.findings.append(
            Finding(
                rule="PARSE-HIDDEN-SKIPPED",
                severity="info",
                stage="parse",
                message=f"网页中有{doc.hidden_skipped}处隐藏内容（不显示的元素、模板或脚本替代文字）"
                "不属于报告正文，未读取。",
            )
        )
    fill_fault(report.findings)
    return report, sections


def table_text(doc: Document, sections: Sections, table: str) -> str:
    """The text of one table's region, as printed."""
    start, end = sections.table_regions.get(table, (0, 0))
    return "\n".join(line.text for line in doc.lines[start:end])


def set_templates(report: Report) -> None:
    report.meta.table_templates = {
        name: table.template
        for name, table in (("table2", report.table2), ("table3", report.table3))
        if table is not None and table.template is not None
    }
    distinct = set(report.meta.table_templates.values())
    report.meta.template = distinct.pop() if len(distinct) == 1 else ("mixed" if distinct else None)


def _truncated(doc: Document, sections: Sections, tables: ParsedTables) -> Finding | None:
    """A file that stops inside a table is a broken copy, not a report with odd numbers: what
    was read is kept (metadata, narrative, the rows before the cut) and the cut is an error.

    The table whose region runs to the end of the file, with nothing after it, must be
    complete: 表二 with every row of its template, 表三 down to 结转下年度继续办理, 表四 with
    its fifteen cells.
    """
    if {"problems", "other"} & sections.spans.keys():
        return None
    last = max(sections.table_regions.items(), key=lambda item: item[1][0], default=None)
    if last is None or last[1][1] < len(doc.lines):
        return None
    name = last[0]
    if name == "table2":
        table2 = tables.table2
        complete = table2 is not None and all(
            row in table2.rows or row in table2.sub_rows for row in spec.T2_COLUMNS[table2.template]
        )
    elif name == "table3":
        complete = tables.table3 is not None and "carried_forward" in tables.table3.rows
    else:
        complete = tables.table4 is not None and not any(
            f.rule in ("PARSE-ROW-LENGTH", "PARSE-GLUED") and f.severity == "error" and f.table == "table4"
            for f in tables.findings
        )
    if complete:
        return None
    label = spec.TABLE_LABELS[name]
    return Finding(
        rule="PARSE-TRUNCATED",
        severity="error",
        stage="parse",
        table=name,
        fault="reading",
        message=f"文件在{label}中途结束，{label}之后的内容缺失，文件可能不完整；已读出的部分照常输出，请取得完整的报告文件。",
    )


# Parse errors that mean 表三 was not read: the one case an LLM may re-read a table.
TABLE_FAILURES = frozenset(
    {
        "PARSE-CELL-UNREADABLE",
        "PARSE-CELL-UNALIGNED",
        "PARSE-ROW-LENGTH",
        "PARSE-ROW-MISSING",
        "PARSE-ROW-EMPTY",
    }
)


def table3_failed(report: Report) -> bool:
    """表三 missing although its section is there, or cells the parser could not read."""
    if report.table3 is None:
        return "applications" in report.meta.sections_found
    return any(
        f.table == "table3" and f.severity == "error" and f.rule in TABLE_FAILURES for f in report.findings
    )
