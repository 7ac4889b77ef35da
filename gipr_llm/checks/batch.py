"""The check stage over a batch of read reports: the one place that says which findings a
report has in the end (the earlier stages', the check stage's own, its year chain).

Exit code of a checked batch: 2 when an input could not be read (the others are still
checked and reported), else 1 when any error-level finding, else 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from gipr_llm.checks import check_report, year_chain_by_report
from gipr_llm.domain.models import FailedInput, Finding, Report

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(slots=True)
class CheckedReport:
    path: str
    report: Report
    findings: list[Finding]  # parse, narrative and check findings, errors first
    chain: list[Finding] = field(default_factory=list)  # the YEAR-CHAIN ones, known once the batch is
    index: int = 0  # 1-based position among the inputs, for a report streamed as it is read

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


@dataclass(slots=True)
class CheckStream:
    """A batch being checked, for output that streams: ``items`` gives each input as soon as it
    is checked on its own; after them, ``finish()`` is the whole run, the year chain added."""

    items: Iterable[CheckedReport | FailedInput]
    total: int
    finish: Callable[[], CheckRun]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first, then warnings, then info; stable within a severity."""
    return sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])


def all_findings(report: Report, chain: Iterable[Finding] = ()) -> list[Finding]:
    """The earlier stages' findings, then the check stage's, then the year chain's, in the
    order the stages produced them."""
    earlier = [f for f in report.findings if f.stage != "check"]
    return earlier + check_report(report) + list(chain)


def check_one(report: Report, index: int = 0) -> CheckedReport:
    """One report checked on its own: everything but the year chain, which needs the batch."""
    return CheckedReport(report.source.path, report, sort_findings(all_findings(report)), index=index)


def chain_years(run: CheckRun) -> CheckRun:
    """The years chained across the batch's reports, added to each report's findings."""
    chains = year_chain_by_report([item.report for item in run.reports])
    for item, chain in zip(run.reports, chains, strict=True):
        if chain:
            item.chain = chain
            item.findings = sort_findings(item.findings + chain)
    return run


def check_batch(
    reports: list[Report], failed: Iterable[FailedInput] = (), *, no_input: bool = False
) -> CheckRun:
    """Every report checked, the years chained across the batch, findings errors first."""
    run = CheckRun(reports=[check_one(report) for report in reports], failed=list(failed), no_input=no_input)
    return chain_years(run)


def _matches(rule_id: str, patterns: Iterable[str]) -> bool:
    """A rule id matches its own id or a prefix ending at a hyphen: T3 matches T3-ROW-SUM."""
    return any(rule_id == p or rule_id.startswith(p.rstrip("-") + "-") for p in patterns)


def filter_rules(run: CheckRun, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> CheckRun:
    """Only the findings ``select`` names (all when empty), less those ``ignore`` names; the
    exit code follows what is left."""
    select, ignore = [s.upper() for s in select], [s.upper() for s in ignore]
    for item in run.reports:
        item.findings = [
            f
            for f in item.findings
            if (not select or _matches(f.rule, select)) and not _matches(f.rule, ignore)
        ]
    return run


def rule_statistics(run: CheckRun) -> str:
    """One line per rule, most frequent first: count, rule id, severity, Chinese name."""
    from collections import Counter

    from gipr_llm.domain.rules import rule

    counts = Counter((f.rule, f.severity) for item in run.reports for f in item.findings)
    lines = [
        f"{n:>6}  {rule_id:<22} {severity:<8} {rule(rule_id).name}"
        for (rule_id, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    total = sum(counts.values())
    return "\n".join([*lines, f"共 {total} 条发现，{len(run.reports)} 份报告"])
