"""The figures of a 汇总 brief over many reports: totals, ranking, shares, findings, 同比.

Which reports count: reports are grouped by body (``normalise_agency``); each body's latest
year is its *current* report, and its report for the year before, when given, is the
*previous* one for 同比. Any other report of the body (an older year, a second copy of the
same year) is listed but not added in. Per-body figures are kept under ``body<i>.`` (and
``prev<i>.``) so every number of a per-body sentence stays traceable.

Totals add each body's figure when the report states it; a body whose figure cannot be
read is left out and named, never counted as 0. A suspect figure (a cell the checks name as
wrong) is added as filed and the bodies are named, so the reader knows the total depends on it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from gipr_llm.checks import normalise_agency
from gipr_llm.domain.models import FailedInput
from gipr_llm.domain.rules import fault_of
from gipr_llm.render.brief.figures import (
    OUTCOME_GROUPS,
    OUTCOME_LABELS,
    Figure,
    FigureSet,
    ReportFigures,
    count_figure,
    share_value,
)
from gipr_llm.render.brief.findings_text import listed, rule_name
from gipr_llm.render.brief.template import shown_findings
from gipr_llm.render.brief.themes import OTHER_THEME, THEMES, themes_of


@dataclass
class Total:
    figure: Figure
    left_out: list[str] = field(default_factory=list)  # bodies whose figure could not be read
    suspect: list[str] = field(default_factory=list)  # bodies whose figure is in doubt


@dataclass
class YearPair:
    index: int  # the body's number in the batch (1-based)
    current: ReportFigures
    previous: ReportFigures


@dataclass
class BatchFigures:
    bodies: list[ReportFigures]  # current report of each body, in input order
    previous: list[YearPair]
    set_aside: list[ReportFigures]  # other reports of the same bodies: listed, not added
    failed: list[FailedInput]
    figures: FigureSet
    totals: dict[str, Total] = field(default_factory=dict)
    share_base: list[int] = field(default_factory=list)  # bodies (0-based) in the outcome shares
    themes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # theme -> (body, problem)
    rule_bodies: dict[str, list[int]] = field(default_factory=dict)  # rule name -> bodies

    def name(self, index: int) -> str:
        return self.bodies[index].agency

    @property
    def years(self) -> list[int]:
        return sorted(
            {int(rf.year.value) for rf in self.bodies if rf.year is not None and rf.year.value is not None}
        )

    def body_figure(self, index: int, key: str) -> Figure:
        return self.figures[f"body{index + 1}.{key}"]


def select(reports: list[ReportFigures]) -> tuple[list[ReportFigures], list[YearPair], list[ReportFigures]]:
    """Current report per body, 同比 pairs, and the reports set aside."""
    groups: dict[str, list[ReportFigures]] = defaultdict(list)
    for i, rf in enumerate(reports):
        agency = rf.report.meta.agency
        groups[normalise_agency(agency) if agency else f"#{i}"].append(rf)
    bodies, pairs, aside = [], [], []
    for members in groups.values():
        ordered = sorted(members, key=lambda rf: rf.report.meta.year or 0, reverse=True)
        current = ordered[0]
        bodies.append(current)
        year = current.report.meta.year
        previous = next(
            (rf for rf in ordered[1:] if year is not None and rf.report.meta.year == year - 1), None
        )
        if previous is not None:
            pairs.append((current, previous))
        aside += [rf for rf in ordered[1:] if rf is not previous]
    year_pairs = [YearPair(bodies.index(cur) + 1, cur, prev) for cur, prev in pairs]
    return bodies, year_pairs, aside


def batch_total(key: str, label: str, bodies: list[ReportFigures], figure_key: str) -> Total:
    left_out, suspect, total, likely = [], [], 0, 0
    for rf in bodies:
        fig = rf.figures[figure_key]
        if not fig.known:
            left_out.append(rf.agency)
            continue
        total += fig.value or 0
        likely += fig.likely if fig.state == "suspect" and fig.likely is not None else fig.value or 0
        if fig.state == "suspect":
            suspect.append(rf.agency)
    state = "suspect" if suspect else "ok"
    figure = Figure(
        key,
        label,
        total,
        "件",
        state,
        likely=likely if suspect else None,
        source=f"sum of {figure_key} over bodies",
    )
    return Total(figure, left_out, suspect)


TOTALS = {
    "new_received": ("本年新收申请", "t3.new_received.total"),
    "carried_over": ("上年结转申请", "t3.carried_over.total"),
    "processed": ("本年办结", "t3.total_processed.total"),
    "carried_forward": ("结转下年度继续办理", "t3.carried_forward.total"),
    "review": ("行政复议", "t4.review.total"),
    "litigation": ("行政诉讼", "t4.litigation.total"),
    "corrected": ("复议和诉讼结果纠正", "t4.corrected_all"),
}


def batch_figures(reports: list[ReportFigures], failed: list[FailedInput] | None = None) -> BatchFigures:
    bodies, pairs, aside = select(reports)
    figures = FigureSet()
    batch = BatchFigures(bodies, pairs, aside, list(failed or []), figures)
    for i, rf in enumerate(bodies, start=1):
        figures.include(rf.figures, f"body{i}.")
        figures.add(count_figure(f"index.{i}", "序号", i, "", "position in the batch"))
    for pair in pairs:
        figures.include(pair.previous.figures, f"prev{pair.index}.")
    figures.add(count_figure("batch.reports", "报告份数", len(reports), "份", "inputs read"))
    figures.add(count_figure("batch.bodies", "单位数", len(bodies), "个", "distinct bodies"))
    figures.add(count_figure("batch.failed", "未能读取的文件数", len(batch.failed), "个", "inputs failed"))
    figures.add(count_figure("batch.set_aside", "未计入汇总的报告数", len(aside), "份", "other years"))
    figures.add(count_figure("batch.pairs", "有上年报告的单位数", len(pairs), "个", "year pairs"))
    for key, (label, figure_key) in TOTALS.items():
        batch.totals[key] = batch_total(f"total.{key}", label, bodies, figure_key)
        figures.add(batch.totals[key].figure)
    _shares(batch)
    _ranking(batch)
    _findings(batch)
    _themes(batch)
    _year_on_year(batch)
    return batch


def _shares(batch: BatchFigures) -> None:
    """Outcome shares across bodies: over the bodies whose outcome figures are all stated."""
    keys = ["t3.total_processed.total"] + [f"outcome.{g}" for g in OUTCOME_GROUPS]
    batch.share_base = [
        i
        for i, rf in enumerate(batch.bodies)
        if all(rf.figures[k].known for k in keys) and not rf.table_unexplained("table3")
    ]
    base = [batch.bodies[i] for i in batch.share_base]
    processed = sum(rf.figures["t3.total_processed.total"].value or 0 for rf in base)
    figures = batch.figures
    figures.add(count_figure("shares.bodies", "计入占比的单位数", len(base), "个", "share base"))
    figures.add(count_figure("shares.processed", "计入占比的办结总数", processed, "件", "share base"))
    for group in OUTCOME_GROUPS:
        count = sum(rf.figures[f"outcome.{group}"].value or 0 for rf in base)
        figures.add(count_figure(f"shares.{group}", OUTCOME_LABELS[group], count, "件", "share base"))
        if processed:
            value = share_value(count, processed)
            figures.add(
                Figure(
                    f"shares.{group}.share", f"{OUTCOME_LABELS[group]}占比", value, "%", source="share base"
                )
            )


def _ranking(batch: BatchFigures) -> None:
    zero = sum(
        1
        for rf in batch.bodies
        if rf.figures["t3.new_received.total"].known and rf.figures["t3.new_received.total"].value == 0
    )
    batch.figures.add(count_figure("batch.no_applications", "全年未收到申请的单位数", zero, "个", "ranking"))


def ranked(batch: BatchFigures) -> list[int]:
    """Bodies (0-based) with applications, most first."""
    known = [
        i
        for i, rf in enumerate(batch.bodies)
        if rf.figures["t3.new_received.total"].known and (rf.figures["t3.new_received.total"].value or 0) > 0
    ]
    return sorted(known, key=lambda i: -(batch.bodies[i].figures["t3.new_received.total"].value or 0))


def body_status(rf: ReportFigures) -> str:
    """error: the report must be corrected; unread: only the tool's reading failed (a person
    checks the tables, the body is not asked to correct anything); warning; clean."""
    shown = [f for f in rf.findings if listed(f)]
    errors = [f for f in shown if f.severity == "error"]
    if any(fault_of(f) != "reading" for f in errors):
        return "error"
    if errors:
        return "unread"
    return "warning" if shown else "clean"


def _findings(batch: BatchFigures) -> None:
    statuses = Counter(body_status(rf) for rf in batch.bodies)
    for status in ("error", "unread", "warning", "clean"):
        batch.figures.add(
            count_figure(f"batch.{status}", f"{status}单位数", statuses[status], "个", "findings")
        )
    rules: dict[str, list[int]] = defaultdict(list)
    for i, rf in enumerate(batch.bodies):
        for name in dict.fromkeys(rule_name(f.rule) for f, _ in shown_findings(rf)):
            rules[name].append(i)
    batch.rule_bodies = dict(sorted(rules.items(), key=lambda item: -len(item[1])))
    for name, members in batch.rule_bodies.items():
        batch.figures.add(count_figure(f"rule.{name}", name, len(members), "个", "findings"))


def _themes(batch: BatchFigures) -> None:
    found: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, rf in enumerate(batch.bodies):
        for problem in rf.report.facts.problems:
            for theme in themes_of(problem.text):
                if all(body != i for body, _ in found[theme]):
                    found[theme].append((i, problem.text))
    order = [name for name, _ in THEMES] + [OTHER_THEME]
    batch.themes = dict(sorted(found.items(), key=lambda item: (-len(item[1]), order.index(item[0]))))
    for theme, members in batch.themes.items():
        batch.figures.add(count_figure(f"theme.{theme}", theme, len(members), "个", "problem themes"))


def _year_on_year(batch: BatchFigures) -> None:
    """同比 of new applications: each body with both years, and their sum."""
    figures = batch.figures
    key = "t3.new_received.total"
    usable = [p for p in batch.previous if p.current.figures[key].known and p.previous.figures[key].known]
    now = sum(p.current.figures[key].value or 0 for p in usable)
    before = sum(p.previous.figures[key].value or 0 for p in usable)
    figures.add(count_figure("yoy.bodies", "两年数据齐全的单位数", len(usable), "个", "year pairs"))
    figures.add(count_figure("yoy.current", "本年新收申请（同比口径）", now, "件", "year pairs"))
    figures.add(count_figure("yoy.previous", "上年新收申请（同比口径）", before, "件", "year pairs"))
    figures.add(count_figure("yoy.change", "增减", abs(now - before), "件", "year pairs"))
    if before:
        figures.add(
            Figure(
                "yoy.change.share",
                "增减幅度",
                share_value(abs(now - before), before),
                "%",
                source="year pairs",
            )
        )
    for p in usable:
        diff = (p.current.figures[key].value or 0) - (p.previous.figures[key].value or 0)
        figures.add(count_figure(f"yoy.body{p.index}.change", "增减", abs(diff), "件", "year pairs"))
