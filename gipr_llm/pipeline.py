"""The stages in order: load -> sections -> tables -> narrative facts -> Report.

``read_report`` is the deterministic part (no network, thousands a second);
``extract`` adds the narrative facts (rules, or the LLM when configured).
``extract_many`` runs a batch: one bad file never stops the others.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gipr_llm import spec
from gipr_llm.load import load
from gipr_llm.models import Document, FailedInput, Finding, LoadError, Meta, Report, Sections, Source
from gipr_llm.sections import split_sections
from gipr_llm.tables import ParsedTables, parse_tables

if TYPE_CHECKING:
    from gipr_llm.llm.config import LlmConfig
    from gipr_llm.llm.protocol import CallStats

log = logging.getLogger("gipr")

SUPPORTED_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm", ".shtml", ".docx", ".doc", ".pdf")


def parse_document(doc: Document) -> Report:
    """Tables, sections and title facts of a loaded document (no narrative facts)."""
    return _parse(doc)[0]


def _parse(doc: Document) -> tuple[Report, Sections]:
    sections = split_sections(doc)
    tables = parse_tables(doc, sections)
    if tables.table3 is None and tables.table2 is None and len(sections.spans) < 2:
        raise LoadError("不是政府信息公开工作年度报告：未找到报告的章节和统计表 (not an annual report)")
    _refuse_truncated(doc, sections, tables)
    report = Report(
        source=Source(
            path=doc.path,
            sha256=doc.sha256,
            format=doc.format,
            encoding=doc.encoding,
            converted=doc.converted,
        ),
        meta=Meta(
            agency=sections.agency,
            year=sections.year,
            sections_found=list(sections.spans),
        ),
        table2=tables.table2,
        table3=tables.table3,
        table4=tables.table4,
        narrative=sections.narrative,
        findings=tables.findings,
    )
    _set_templates(report)
    if doc.converted:
        report.findings.append(
            Finding(
                rule="PARSE-CONVERTED",
                severity="info",
                stage="parse",
                message=f"原文经过转换后解析：{doc.converted}；引文和行名为转换后的文字。",
            )
        )
    return report, sections


def _set_templates(report: Report) -> None:
    report.meta.table_templates = {
        name: table.template
        for name, table in (("table2", report.table2), ("table3", report.table3))
        if table is not None and table.template is not None
    }
    distinct = set(report.meta.table_templates.values())
    report.meta.template = distinct.pop() if len(distinct) == 1 else ("mixed" if distinct else None)


def _refuse_truncated(doc: Document, sections: Sections, tables: ParsedTables) -> None:
    """A file that stops inside a table is a broken copy, not a report with odd numbers.

    The table whose region runs to the end of the file, with nothing after it, must be
    complete: 表二 with every row of its template, 表三 down to 结转下年度继续办理, 表四 with
    its fifteen cells.
    """
    if {"problems", "other"} & sections.spans.keys():
        return
    last = max(sections.table_regions.items(), key=lambda item: item[1][0], default=None)
    if last is None or last[1][1] < len(doc.lines):
        return
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
    if not complete:
        label = spec.TABLE_LABELS[name]
        raise LoadError(f"报告在{label}中途结束，{label}之后的内容缺失，文件可能不完整 (truncated in {name})")


def read_report(path: str | Path) -> Report:
    return parse_document(load(path))


def extract(path: str | Path, llm: LlmConfig | None = None) -> Report:
    """One report, with its narrative facts (rules unless an LLM is configured)."""
    from gipr_llm.narrative import extract_narrative

    doc = load(path)
    report, sections = _parse(doc)
    table_stats = None
    if llm is not None and _table3_failed(report):
        table_stats = _retry_table3(report, doc, sections, llm)
    facts, run, findings = extract_narrative(report.narrative, llm)
    if table_stats is not None and table_stats.requests:
        # ExtractionRun counts every request and token spent on the report.
        run.attempts += table_stats.requests
        if run.usage is not None:
            table_stats.add_usage(
                run.usage.prompt_tokens, run.usage.completion_tokens, run.usage.total_tokens
            )
        run.usage = table_stats.usage
    report.facts = facts
    report.extraction = run
    report.findings.extend(findings)
    return report


_TABLE_FAILURES = frozenset(
    {
        "PARSE-CELL-UNREADABLE",
        "PARSE-CELL-UNALIGNED",
        "PARSE-ROW-LENGTH",
        "PARSE-ROW-MISSING",
        "PARSE-ROW-EMPTY",
    }
)


def _table3_failed(report: Report) -> bool:
    """表三 missing although its section is there, or cells the parser could not read."""
    if report.table3 is None:
        return "applications" in report.meta.sections_found
    return any(
        f.table == "table3" and f.severity == "error" and f.rule in _TABLE_FAILURES for f in report.findings
    )


def _retry_table3(report: Report, doc: Document, sections: Sections, llm: LlmConfig) -> CallStats:
    """Let the LLM re-read 表三's text; kept only if it agrees with the parsed cells and the
    arithmetic rules. Returns what the re-read cost."""
    from gipr_llm.llm.table_retry import retry_table3_with_llm

    start, end = sections.table_regions.get("table3", (0, 0))
    text = "\n".join(line.text for line in doc.lines[start:end])
    retry = retry_table3_with_llm(text, llm, parsed=report.table3)
    report.findings.extend(retry.findings)
    if retry.table3 is not None:
        report.table3 = retry.table3
        _set_templates(report)
    return retry.stats


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the report files inside directories, in a stable order."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(
                sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            out.append(p)
    return out


# After this many reports in a row whose endpoint gave no usable answer at all, a batch
# stops calling it: a dead endpoint would otherwise cost every report its full retries.
DEAD_ENDPOINT_LIMIT = 2


def _endpoint_gave_nothing(report: Report) -> bool:
    run = report.extraction
    return run.extractor == "rules" and run.attempts > 0 and not (run.usage and run.usage.total_tokens)


def extract_many(
    paths: Iterable[str | Path], llm: LlmConfig | None = None, jobs: int = 1
) -> Iterator[Report | FailedInput]:
    """Every input in order, as a Report or a FailedInput.

    With an LLM, ``jobs`` reports are extracted at once (the wait is the endpoint's, so
    threads suffice); without one the parse is CPU-bound and runs one at a time.
    """
    files = expand_paths(paths)
    width = max(1, jobs) if llm is not None else 1
    dead_in_a_row = 0
    with ThreadPoolExecutor(max_workers=width) as pool:
        for start in range(0, len(files), width):
            chunk = files[start : start + width]
            skip_llm = llm is not None and dead_in_a_row >= DEAD_ENDPOINT_LIMIT
            use = None if skip_llm else llm
            for item in pool.map(_extract_or_fail, chunk, [use] * len(chunk)):
                if isinstance(item, Report) and llm is not None:
                    if skip_llm:
                        item.extraction.model = llm.model
                        item.extraction.fallback_reason = (
                            f"本批前{DEAD_ENDPOINT_LIMIT}份报告调用大模型均未得到响应，其余报告不再调用，改用规则提取"
                            " (endpoint not answering: rules for the rest of the batch)"
                        )
                    else:
                        dead_in_a_row = dead_in_a_row + 1 if _endpoint_gave_nothing(item) else 0
                        if dead_in_a_row == DEAD_ENDPOINT_LIMIT:
                            log.warning(
                                "大模型服务连续%d份报告未响应，本批其余报告改用规则提取", DEAD_ENDPOINT_LIMIT
                            )
                yield item


@dataclass(slots=True)
class Batch:
    """A batch read whole: its reports, the inputs that failed, and whether any was named."""

    reports: list[Report] = field(default_factory=list)
    failed: list[FailedInput] = field(default_factory=list)
    no_input: bool = False


def extract_batch(paths: Iterable[str | Path], llm: LlmConfig | None = None, jobs: int = 1) -> Batch:
    files = expand_paths(paths)
    batch = Batch(no_input=not files)
    for item in extract_many(files, llm, jobs):
        if isinstance(item, FailedInput):
            batch.failed.append(item)
        else:
            batch.reports.append(item)
    return batch


def _extract_or_fail(path: Path, llm: LlmConfig | None) -> Report | FailedInput:
    try:
        return extract(path, llm)
    except LoadError as err:
        return FailedInput(path=str(path), error=str(err))
    except Exception as err:  # a parser bug must not stop the batch; say what happened
        log.exception("unexpected error in %s", path)
        return FailedInput(path=str(path), error=f"内部错误 (internal error): {type(err).__name__}: {err}")
