"""The check stage over a batch of read reports: the one place that says which findings a
report has in the end (the earlier stages', the check stage's own, its year chain).

Exit code of a checked batch: 2 when an input could not be read (the others are still
checked and reported); else 1 when any report has an error of its own (fault "report": an
arithmetic error, a missing row, …); else 3 when the only errors are the tool's reading
failures (fault "reading": a cell or row it could not read or place); else 0. A reading
failure never counts as the report's error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    chain: list[Finding] = field(default_factory=list)  # batch-level ones, known once the batch is
    index: int = 0  # 1-based position among the inputs, for a report streamed as it is read

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


@dataclass(slots=True)
class CheckStream:
    """A batch being checked, for output that streams: ``items`` gives each input as soon as it
    is checked on its own; after them, ``finish()`` is the whole run, the year chain added."""

    items: Iterable[CheckedReport | FailedInput]
    total: int
    finish: Callable[[], CheckRun]


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """Errors first (the report's own before the tool's reading failures), then warnings,
    then info; stable otherwise."""
    return sorted(findings, key=lambda f: (_SEVERITY_ORDER[f.severity], f.fault == "reading"))


def all_findings(report: Report, chain: Iterable[Finding] = ()) -> list[Finding]:
    """The earlier stages' findings, then the check stage's, then the year chain's, in the
    order the stages produced them."""
    earlier = [f for f in report.findings if f.stage != "check"]
    return fill_fault(earlier + check_report(report) + list(chain))


def check_one(report: Report, index: int = 0) -> CheckedReport:
    """One report checked on its own: everything but the year chain, which needs the batch."""
    return CheckedReport(report.source.path, report, sort_findings(all_findings(report)), index=index)


def chain_years(run: CheckRun) -> CheckRun:
    """What needs the whole batch, added to each report's findings: one report per body-year
    (copies named, counted once) and the years chained across the batch."""
    reports = [item.report for item in run.reports]
    body_years = resolve_body_years(reports)
    chains = year_chain_by_report(reports, skip=body_years.duplicate_of)
    for index, (item, chain) in enumerate(zip(run.reports, chains, strict=True)):
        original = body_years.duplicate_of.get(index)
        if original is not None:
            item.duplicate_of = reports[original].source.path
        extra = fill_fault([*body_years.findings[index], *chain])
        if extra:
            item.chain = extra
            item.findings = sort_findings(item.findings + extra)
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
