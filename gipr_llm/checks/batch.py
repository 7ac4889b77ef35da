"""The check stage over a batch of read reports: the one place that says which findings a
report has in the end (the earlier stages', the check stage's own, its year chain).

Exit code of a checked batch: 2 when an input could not be read (the others are still
checked and reported); else 1 when any report has an error of its own (fault "report": an
arithmetic error, a missing row, …); else 3 when the only errors are the tool's reading
failures (fault "reading": a cell or row it could not read or place); else 0. A reading
failure never counts as the report's error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gipr_llm.checks import check_report, year_chain_by_report
from gipr_llm.checks.body_years import resolve_body_years
from gipr_llm.domain.models import FailedInput, Finding, Report
from gipr_llm.domain.rules import fill_fault

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(slots=True)
class CheckedReport:
    path: str
    report: Report
    findings: list[Finding]  # parse, narrative and check findings, errors first
    duplicate_of: str | None = None  # path of the report this one is a copy of (counted once)

    def count(self, severity: str) -> int:
        return sum(f.severity == severity for f in self.findings)

    @property
    def report_errors(self) -> int:
        """Errors the body must correct in its report."""
        return sum(f.severity == "error" and f.fault != "reading" for f in self.findings)

    @property
    def reading_errors(self) -> int:
        """Errors in the tool's reading of the file, not in the report."""
        return sum(f.severity == "error" and f.fault == "reading" for f in self.findings)


@dataclass(slots=True)
class CheckRun:
    reports: list[CheckedReport] = field(default_factory=list)
    failed: list[FailedInput] = field(default_factory=list)
    no_input: bool = False  # the paths named no report file at all

    @property
    def exit_code(self) -> int:
        if self.failed or self.no_input:
            return 2
        if any(r.report_errors for r in self.reports):
            return 1
        return 3 if any(r.reading_errors for r in self.reports) else 0


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first (the report's own before the tool's reading failures), then warnings,
    then info; stable otherwise."""
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.fault == "reading"))


def all_findings(report: Report, chain: Iterable[Finding] = ()) -> list[Finding]:
    """The earlier stages' findings, then the check stage's, then the year chain's, in the
    order the stages produced them."""
    earlier = [f for f in report.findings if f.stage != "check"]
    return fill_fault(earlier + check_report(report) + list(chain))


def check_batch(
    reports: list[Report], failed: Iterable[FailedInput] = (), *, no_input: bool = False
) -> CheckRun:
    """Every report checked, one report per body-year, the years chained across the batch,
    findings errors first."""
    run = CheckRun(failed=list(failed), no_input=no_input)
    body_years = resolve_body_years(reports)
    chains = year_chain_by_report(reports, skip=body_years.duplicate_of)
    for index, (report, chain) in enumerate(zip(reports, chains, strict=True)):
        findings = all_findings(report, [*body_years.findings[index], *chain])
        original = body_years.duplicate_of.get(index)
        run.reports.append(
            CheckedReport(
                report.source.path,
                report,
                sort_findings(findings),
                duplicate_of=reports[original].source.path if original is not None else None,
            )
        )
    return run


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
