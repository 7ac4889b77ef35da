"""Briefs from a checked batch, and writing them to Markdown or DOCX.

Every report comes with the findings ``gipr check`` gives it (``checks.batch``), so a brief's
数据质量 part says what the check report says. Inputs that cannot be read are named at the
end of the brief. Reading the inputs is the orchestrator's job (``pipeline.brief``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from gipr_llm.checks.batch import CheckRun, check_batch
from gipr_llm.domain.models import FailedInput, Report
from gipr_llm.render.brief.batch_figures import BatchFigures, batch_figures
from gipr_llm.render.brief.batch_template import batch_brief
from gipr_llm.render.brief.document import Brief
from gipr_llm.render.brief.figures import ReportFigures, report_figures
from gipr_llm.render.brief.template import report_brief

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
    return [report_figures(item.report, item.findings) for item in check_batch(reports).reports]


def batch_of(checked: CheckRun) -> BatchFigures:
    """The batch figures of a checked run: copies of a report listed, counted once."""
    counted, copies = [], []
    for item in checked.reports:
        rf = report_figures(item.report, item.findings)
        (copies if item.duplicate_of is not None else counted).append(rf)
    return batch_figures(counted, checked.failed, copies)


def failed_note(failed: list[FailedInput], brief: Brief) -> str:
    items = "；".join(
        f"{brief.figures.quote(item.path)}（{brief.figures.quote(item.error)}）" for item in failed
    )
    return f"以下文件未能读取：{items}。"


def build_briefs(checked: CheckRun, *, batch: bool, with_chart: bool = True) -> list[Brief]:
    failed = checked.failed
    if batch:
        return [batch_brief(batch_of(checked), with_chart=with_chart)] if checked.reports else []
    figures = [report_figures(item.report, item.findings) for item in checked.reports]
    briefs = [report_brief(rf) for rf in figures]
    if briefs and failed:
        briefs[-1].notes.append(failed_note(failed, briefs[-1]))
    return briefs


def write_briefs(run: BriefRun, output: Path | None) -> None:
    """Markdown to stdout, or to ``output`` by its suffix (.md, with the chart beside it; .docx)."""
    from gipr_llm.render.brief.markdown import to_markdown

    if output is None:
        sys.stdout.write("\n---\n\n".join(to_markdown(b) for b in run.briefs))
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.suffix.lower() == ".docx":
        from gipr_llm.render.brief.docx import to_docx

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
