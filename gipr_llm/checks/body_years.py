"""One report per body and year in a batch: copies counted once, rival reports named.

Before anything is chained or added up across a batch:

1. a body key without its province/city prefix joins the same body's key with it when the
   batch holds exactly one such longer key (``domain.bodies.merge_prefixed``);
2. reports of one body and year are compared: the same file (sha256) or the same three
   tables (a report published as HTML, DOCX and PDF) are *copies* — one is counted (the one
   read with the fewest reading errors, then the first given) and the others are listed
   as duplicates with ``BATCH-DUPLICATE`` (info);
3. reports of one body and year that differ are ``BODY-YEAR-CONFLICT`` (warning, on each):
   the batch holds two versions (an original and a correction?) or two bodies the reader
   could not tell apart; neither is chained across years.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from gipr_llm.checks.core import make_finding
from gipr_llm.domain.bodies import key_of, merge_prefixed
from gipr_llm.domain.models import Finding, Report

_FORMAT_LABELS = {"text": "文本", "html": "网页", "docx": "Word", "pdf": "PDF"}


@dataclass(slots=True)
class BodyYears:
    """The batch's identities: which report is a copy of which, and the findings."""

    duplicate_of: dict[int, int] = field(default_factory=dict)  # copy index -> counted index
    conflicted: set[int] = field(default_factory=set)  # reports whose body-year has a rival
    findings: list[list[Finding]] = field(default_factory=list)  # per report, in input order

    def counted(self, index: int) -> bool:
        return index not in self.duplicate_of


def _tables(report: Report) -> str | None:
    """The three tables as one comparable text, or None when the report has none."""
    tables = (report.table2, report.table3, report.table4)
    if all(t is None for t in tables):
        return None  # nothing to compare: only the same file is a copy
    return json.dumps([t.model_dump(mode="json") if t is not None else None for t in tables], sort_keys=True)


def _reading_errors(report: Report) -> int:
    return sum(
        1 for f in report.findings if f.fault == "reading" or (f.stage == "parse" and f.severity == "error")
    )


def _name(report: Report) -> str:
    return Path(report.source.path).name


def resolve_body_years(reports: list[Report]) -> BodyYears:
    """Merge prefixed keys (on the reports' meta), then find copies and rivals."""
    pinned = {r.meta.body_key for r in reports if r.meta.body_source == "bodies-file" and r.meta.body_key}
    merged = merge_prefixed((k for r in reports if (k := key_of(r.meta))), pinned)
    for report in reports:
        key = key_of(report.meta)
        if key in merged:
            report.meta.body_key, report.meta.body_source = merged[key], "batch-prefix"

    out = BodyYears(findings=[[] for _ in reports])
    groups: dict[tuple[str, int], list[int]] = defaultdict(list)
    for index, report in enumerate(reports):
        key = key_of(report.meta)
        if key and report.meta.year is not None:
            groups[(key, report.meta.year)].append(index)
    by_sha: dict[str, int] = {}
    for index, report in enumerate(reports):  # the same file is a copy whatever it says it is
        if report.source.sha256 in by_sha:
            out.duplicate_of[index] = by_sha[report.source.sha256]
        else:
            by_sha[report.source.sha256] = index

    for (key, year), members in groups.items():
        members = [i for i in members if i not in out.duplicate_of]
        versions: dict[str, list[int]] = defaultdict(list)
        for i in members:
            tables = _tables(reports[i])
            versions[tables if tables is not None else reports[i].source.sha256].append(i)
        for copies in versions.values():
            counted = min(copies, key=lambda i: (_reading_errors(reports[i]), i))
            for i in copies:
                if i != counted:
                    out.duplicate_of[i] = counted
        if len(versions) > 1:
            kept = [min(c, key=lambda i: (_reading_errors(reports[i]), i)) for c in versions.values()]
            out.conflicted.update(i for c in versions.values() for i in c)
            names = "、".join(f"「{_name(reports[i])}」" for i in kept)
            agency = reports[kept[0]].meta.agency or key
            for i in kept:
                message = (
                    f"本批有{len(kept)}份内容不同的报告均为{agency}{year}年度报告（{names}），"
                    "可能是原版与更正版，也可能是不同单位未能区分；请确认正式版本。跨年度衔接未作校验。"
                )
                out.findings[i].append(make_finding("BODY-YEAR-CONFLICT", "warning", message))

    for copy, counted in out.duplicate_of.items():
        original = reports[counted]
        fmt = _FORMAT_LABELS.get(reports[copy].source.format, reports[copy].source.format)
        same = "同一文件" if reports[copy].source.sha256 == original.source.sha256 else "统计表完全相同"
        message = (
            f"本文件（{fmt}格式）与「{_name(original)}」为同一份报告（{same}），汇总和跨年度衔接只计一次，"
            f"以「{_name(original)}」为准。"
        )
        out.findings[copy].append(make_finding("BATCH-DUPLICATE", "info", message))
    return out
