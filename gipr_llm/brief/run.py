"""``gipr brief`` without the command line: read, check, write the briefs, save them.

Every input is extracted and checked the way ``gipr check`` does (parse and narrative
findings, ``check_report``, the year chain across the inputs), so a brief's 数据质量 part
says what the check report says. Inputs that cannot be read are named at the end of the
brief and on stderr, and make the exit code 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gipr_llm.brief.batch_figures import batch_figures
from gipr_llm.brief.batch_template import batch_brief
from gipr_llm.brief.document import Brief
from gipr_llm.brief.figures import ReportFigures, report_figures
from gipr_llm.brief.template import report_brief
from gipr_llm.models import FailedInput, Report

if TYPE_CHECKING:
    from gipr_llm.llm.config import LlmConfig

OUTPUT_SUFFIXES = (".md", ".docx")


@dataclass
class BriefRun:
    briefs: list[Brief] = field(default_factory=list)
    failed: list[FailedInput] = field(default_factory=list)
    no_input: bool = False
    warnings: list[str] = field(default_factory=list)  # for stderr

    @property
    def exit_code(self) -> int:
        return 2 if self.failed or self.no_input else 0


def checked_figures(reports: list[Report]) -> list[ReportFigures]:
    """Each report's figures, with every finding ``gipr check`` would give it."""
    from gipr_llm.checks import check_report, year_chain_by_report
    from gipr_llm.checks.batch import sort_findings

    chains = year_chain_by_report(reports)
    out = []
    for report, chain in zip(reports, chains, strict=True):
        earlier = [f for f in report.findings if f.stage != "check"]
        out.append(report_figures(report, sort_findings(earlier + check_report(report) + chain)))
    return out


def failed_note(failed: list[FailedInput], brief: Brief) -> str:
    items = "；".join(
        f"{brief.figures.quote(item.path)}（{brief.figures.quote(item.error)}）" for item in failed
    )
    return f"以下文件未能读取：{items}。"


def build_briefs(
    reports: list[Report], failed: list[FailedInput], *, batch: bool, with_chart: bool = True
) -> list[Brief]:
    figures = checked_figures(reports)
    if batch:
        return [batch_brief(batch_figures(figures, failed), with_chart=with_chart)] if figures else []
    briefs = [report_brief(rf) for rf in figures]
    if briefs and failed:
        briefs[-1].notes.append(failed_note(failed, briefs[-1]))
    return briefs


def make_briefs(
    paths: Iterable[str | Path],
    *,
    batch: bool,
    llm: LlmConfig | None = None,
    with_chart: bool = True,
    jobs: int = 1,
) -> BriefRun:
    from gipr_llm.pipeline import extract_batch

    read = extract_batch(paths, llm, jobs)
    run = BriefRun(failed=read.failed, no_input=read.no_input)
    run.briefs = build_briefs(read.reports, run.failed, batch=batch, with_chart=with_chart)
    if llm is not None:
        from gipr_llm.brief.llm_prose import write_prose_with_config

        for brief in run.briefs:
            outcome = write_prose_with_config(brief, llm)
            if not outcome.used_llm:
                run.warnings.append(
                    f"大模型撰写的简报文字未通过校验或调用失败，已改用模板文字：{outcome.reason}"
                )
    return run


def write_briefs(run: BriefRun, output: Path | None) -> None:
    """Markdown to stdout, or to ``output`` by its suffix (.md, with the chart beside it; .docx)."""
    from gipr_llm.brief.markdown import to_markdown

    if output is None:
        sys.stdout.write("\n---\n\n".join(to_markdown(b) for b in run.briefs))
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".docx":
        from gipr_llm.brief.docx import to_docx

        to_docx(run.briefs, output)
        return
    texts = []
    for n, brief in enumerate(run.briefs, start=1):
        charts = {}
        for index, section in enumerate(brief.sections):
            if section.chart is not None:
                image = output.with_name(f"{output.stem}-chart{'' if len(run.briefs) == 1 else f'-{n}'}.png")
                image.write_bytes(section.chart.png)
                charts[index] = image.name
        texts.append(to_markdown(brief, charts))
    output.write_text("\n---\n\n".join(texts), encoding="utf-8")


def run_brief(
    paths: list[Path],
    output: Path | None,
    *,
    batch: bool,
    llm: LlmConfig | None,
    err: Callable[[str], None],
    jobs: int = 1,
) -> int:
    """The whole command; returns the exit code. Problems go to ``err``, one line each."""
    if output is not None and output.suffix.lower() not in OUTPUT_SUFFIXES:
        err(f"{output}: 输出文件须为 .md 或 .docx (output must be .md or .docx)")
        return 2
    run = make_briefs(paths, batch=batch, llm=llm, with_chart=output is not None, jobs=jobs)
    for warning in run.warnings:
        err(warning)
    for item in run.failed:
        err(f"{item.path}: {item.error}")
    if run.no_input:
        err("没有找到报告文件 (no input files)")
    if run.briefs:
        try:
            write_briefs(run, output)
        except OSError as error:
            err(f"{output}: 无法写入 ({error.strerror or type(error).__name__})")
            return 2
    elif not run.no_input:
        err("没有可以生成简报的报告 (no report could be read)")
    return run.exit_code
