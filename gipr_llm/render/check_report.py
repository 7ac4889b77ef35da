"""The ``gipr check`` report: readable Chinese text for a reviewer, or JSON for machines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from gipr_llm.checks.batch import CheckedReport, CheckRun, CheckStream
from gipr_llm.domain.models import FailedInput, Finding
from gipr_llm.domain.textnorm import printable

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
READING_LABEL = "读取问题（工具未能读取，非报告错误）"
TEMPLATE_LABELS = {"2019": "2019年版模板", "2021": "2021年版模板", "mixed": "表二与表三模板不一致"}
MAX_INFO_SHOWN = 10  # info findings listed per report in text; JSON always has all


def write_text(run: CheckRun | CheckStream, out: IO[str], path: Path | None) -> None:
    """The Chinese report; from a stream, each report's block as soon as it is checked."""
    if isinstance(run, CheckRun):
        out.write(render_text(run))
        return
    for index, item in enumerate(run.items, start=1):
        if isinstance(item, FailedInput):
            out.write(render_failed_block(item, index, run.total))
        else:
            out.write(render_report_block(item, run.total))
        out.flush()
    out.write(render_text_tail(run.finish()))


def write_json(run: CheckRun | CheckStream, out: IO[str], path: Path | None) -> None:
    if isinstance(run, CheckStream):
        for _ in run.items:
            pass
        run = run.finish()
    out.write(render_json(run))


# --- text ---------------------------------------------------------------------------------


def _finding_line(f: Finding) -> str:
    where = f"（原文第{f.line}行）" if f.line else ""
    return f"  {_kind(f)}：{printable(f.message)}{where}〔{f.rule}〕"


def _kind(f: Finding) -> str:
    """A reading failure is never shown as the report's error."""
    if f.fault == "reading" and f.severity != "info":
        return READING_LABEL if f.severity == "error" else "读取提示"
    return SEVERITY_LABELS[f.severity]


def _heading(item: CheckedReport, own: list[Finding], index: int, total: int) -> list[str]:
    meta = item.report.meta
    agency = printable(meta.agency or "（未识别报告机关）")
    year = f"{meta.year}年度" if meta.year is not None else "（未识别年度）"
    template = TEMPLATE_LABELS.get(meta.template or "", "模板未识别")
    errors = [f for f in own if f.severity == "error"]
    reading = sum(f.fault == "reading" for f in errors)
    counts = (
        f"报告错误{len(errors) - reading}项，读取问题{reading}项，"
        f"警告{sum(f.severity == 'warning' for f in own)}项，提示{sum(f.severity == 'info' for f in own)}项"
    )
    lines = [
        f"【{index}/{total}】{printable(item.path)}",
        f"报告：{agency}　{year}　{template}",
        f"结果：{counts}",
    ]
    if item.duplicate_of:
        lines.append(f"副本：与 {printable(item.duplicate_of)} 为同一份报告，汇总只计一次")
    return lines


def _report_lines(item: CheckedReport, index: int, total: int) -> list[str]:
    # The year chain needs the whole batch, so a streamed block cannot have it yet: it is
    # listed after the last report (render_text_tail), when streaming and when not alike.
    chain = {id(f) for f in item.chain}
    own = [f for f in item.findings if id(f) not in chain]
    lines = _heading(item, own, index, total)
    if not own:
        lines.append("  未发现问题。")
        return lines
    shown_info = 0
    for f in own:
        if f.severity == "info":
            shown_info += 1
            if shown_info > MAX_INFO_SHOWN:
                continue
        lines.append(_finding_line(f))
    hidden = sum(f.severity == "info" for f in own) - MAX_INFO_SHOWN
    if hidden > 0:
        lines.append(f"  另有{hidden}条提示未列出，可用 --format json 查看全部。")
    return lines


def _summary(run: CheckRun) -> str:
    with_errors = sum(1 for r in run.reports if r.report_errors)
    with_reading = sum(1 for r in run.reports if r.reading_errors)
    only_warnings = sum(1 for r in run.reports if not r.count("error") and r.count("warning"))
    clean = sum(1 for r in run.reports if not r.count("error") and not r.count("warning"))
    text = (
        f"汇总：共检查{len(run.reports)}份报告，{with_errors}份有报告错误，"
        f"{with_reading}份有读取问题（工具未能读取的内容，非报告错误），{only_warnings}份仅有警告，"
        f"{clean}份未发现错误或警告"
    )
    if run.failed:
        text += f"；{len(run.failed)}个文件无法读取"
    return text + "。"


def render_report_block(item: CheckedReport, total: int) -> str:
    """One report's part of the text report, as soon as it is checked (``check`` streams these)."""
    return "\n".join(_report_lines(item, item.index, total)) + "\n\n"


def render_failed_block(item: FailedInput, index: int, total: int) -> str:
    return f"【{index}/{total}】{printable(item.path)}\n  无法读取：{printable(item.error)}\n\n"


def render_text_tail(run: CheckRun) -> str:
    """What comes after the last report: the year chain across the batch, the inputs that
    could not be read, the summary."""
    blocks = []
    chained = [item for item in run.reports if item.chain]
    if chained:
        lines = ["跨年度衔接（同一机关相邻年度）："]
        for item in chained:
            lines.append(printable(item.path))
            lines.extend(_finding_line(f) for f in item.chain)
        blocks.append("\n".join(lines))
    if run.failed:
        failed = ["无法读取的文件："] + [
            f"  {printable(item.path)}：{printable(item.error)}" for item in run.failed
        ]
        blocks.append("\n".join(failed))
    if run.no_input:
        blocks.append("没有找到报告文件（支持 .txt、.html、.docx、.pdf 等格式）。")
    blocks.append(_summary(run))
    return "\n\n".join(blocks) + "\n"


def render_text(run: CheckRun) -> str:
    total = len(run.reports) + len(run.failed)
    blocks = [
        render_report_block(item, total) if item.index else "\n".join(_report_lines(item, i, total)) + "\n\n"
        for i, item in enumerate(run.reports, start=1)
    ]
    return "".join(blocks) + render_text_tail(run)


# --- JSON ---------------------------------------------------------------------------------


def render_json(run: CheckRun) -> str:
    reports = [
        {
            "path": item.path,
            "agency": item.report.meta.agency,
            "body_key": item.report.meta.body_key,
            "year": item.report.meta.year,
            "duplicate_of": item.duplicate_of,
            "template": item.report.meta.template,
            "counts": {
                **{s: item.count(s) for s in ("error", "warning", "info")},
                "report_errors": item.report_errors,
                "reading_errors": item.reading_errors,
            },
            "findings": [f.model_dump(mode="json") for f in item.findings],
        }
        for item in run.reports
    ]
    doc = {
        "summary": {
            "reports": len(run.reports),
            "with_report_errors": sum(1 for r in run.reports if r.report_errors),
            "with_reading_errors": sum(1 for r in run.reports if r.reading_errors),
            "failed": len(run.failed),
        },
        "reports": reports,
        "failed": [{"path": item.path, "error": item.error} for item in run.failed],
        "exit_code": run.exit_code,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
