"""Briefs from a checked batch, and writing them to Markdown or DOCX.

Every report comes with the findings ``gipr check`` gives it (``checks.batch``), so a brief's
数据质量 part says what the check report says. Inputs that cannot be read are named at the
end of the brief. Reading the inputs is the orchestrator's job (``pipeline.brief``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from gipr_llm.checks.batch import CheckRun, check_batch
from gipr_llm.domain.models import FailedInput, Report
from gipr_llm.render.brief.batch_figures import batch_figures
from gipr_llm.render.brief.batch_template import batch_brief
from gipr_llm.render.brief.document import Brief
from gipr_llm.render.brief.figures import ReportFigures, report_figures
from gipr_llm.render.brief.findings_text import unread_note
from gipr_llm.render.brief.template import report_brief


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


def build_briefs(checked: CheckRun, *, batch: bool, with_chart: bool = True) -> list[Brief]:
    figures = [report_figures(item.report, item.findings) for item in checked.reports]
    failed = checked.failed
    if batch:
        return [batch_brief(batch_figures(figures, failed), with_chart=with_chart)] if figures else []
    briefs = [report_brief(rf) for rf in figures]
    if briefs and failed:
        briefs[-1].notes.append(unread_note(failed, briefs[-1].figures))
    return briefs


def write_markdown(run: BriefRun, out: IO[str], path: Path | None) -> None:
    """Markdown; with an output file, each chart is saved as a PNG beside it."""
    from gipr_llm.render.brief.markdown import to_markdown

    texts = []
    for n, brief in enumerate(run.briefs, start=1):
        charts = {}
        for index, section in enumerate(brief.sections):
            if section.chart is not None and path is not None:
                image = path.with_name(f"{path.stem}-chart{'' if len(run.briefs) == 1 else f'-{n}'}.png")
                image.write_bytes(section.chart.png)
                charts[index] = image.name
        texts.append(to_markdown(brief, charts))
    out.write("\n---\n\n".join(texts))


def write_docx(run: BriefRun, out: IO[bytes], path: Path | None) -> None:
    from gipr_llm.render.brief.docx import to_docx

    to_docx(run.briefs, out)
