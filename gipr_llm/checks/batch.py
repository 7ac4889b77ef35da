"""``gipr check`` without the printing: read every input, check each, chain the years.

Exit code: 2 when an input could not be read (the others are still checked and reported),
else 1 when any error-level finding, else 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gipr_llm.checks import check_report, year_chain_by_report
from gipr_llm.models import FailedInput, Finding, Report

if TYPE_CHECKING:
    from gipr_llm.llm.config import LlmConfig

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(slots=True)
class CheckedReport:
    path: str
    report: Report
    findings: list[Finding]  # parse, narrative and check findings, errors first

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)


@dataclass(slots=True)
class CheckRun:
    reports: list[CheckedReport] = field(default_factory=list)
    failed: list[FailedInput] = field(default_factory=list)
    no_input: bool = False  # the paths named no report file at all

    @property
    def exit_code(self) -> int:
        if self.failed or self.no_input:
            return 2
        return 1 if any(r.count("error") for r in self.reports) else 0


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within a severity."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])


def check_paths(paths: Iterable[str | Path], llm: LlmConfig | None = None, jobs: int = 1) -> CheckRun:
    from gipr_llm.pipeline import extract_batch

    batch = extract_batch(paths, llm, jobs)
    run = CheckRun(failed=batch.failed, no_input=batch.no_input)
    chains = year_chain_by_report(batch.reports)
    for report, chain in zip(batch.reports, chains, strict=True):
        # Findings the pipeline produced before the check stage, then this stage's own.
        earlier = [f for f in report.findings if f.stage != "check"]
        findings = sort_findings(earlier + check_report(report) + chain)
        run.reports.append(CheckedReport(path=report.source.path, report=report, findings=findings))
    return run
