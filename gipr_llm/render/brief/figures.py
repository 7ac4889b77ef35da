"""Every number a 简报 states, computed here from the validated report and nowhere else.

A ``Figure`` is one number with its label, unit and state; a ``FigureSet`` is the registry a
brief draws on, so that every number in the finished text can be traced to a figure (or to
data quoted verbatim, such as a problem the report names). Keys:

- ``year``; ``t3.<row>.<column>`` (表三 cells), ``t3.received_all`` (new + carried over),
  ``t3.new_received.orgs`` (the five organisation columns);
- ``outcome.<group>`` and ``outcome.<group>.share`` for the six outcome groups
  (予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理), ``outcome.disclosed`` (the first
  two together); shares are of ``total_processed.total``, one decimal, rounded half up;
- ``t4.<group>.<column>``, ``t4.litigation.<column>`` (both kinds of lawsuit), ``t4.corrected_all``;
- ``t2.<row>.<column>``; ``facts.proactive_total``, ``facts.proactive_item.<i>``, ``facts.fee``;
- ``findings.<severity>`` (how many findings of each severity).

States, so that no number is shown as fact when the data does not support it:

- *unavailable*: a cell the parser could not read, a row the table lacks, or a blank the
  checks say should hold a number. Never 0. A sum or share over it is unavailable too.
- *suspect*: a cell the checks name as the likely error (LOCALISED, LOCALISED-SWAP,
  NON-NEGATIVE), with its likely value when known; or every cell of a rule that is broken
  and that no single cell explains. Sums over it are suspect; shares of it are not computed.
- a blank cell counts as 0 only where the table's own arithmetic holds and its column was
  filled in at all (``spec``: blanks count as 0 unless the column is not reported).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Literal

from gipr_llm.checks import unknown_cells
from gipr_llm.domain import spec
from gipr_llm.domain.models import Finding, Report
from gipr_llm.domain.rules import ARITHMETIC_RULES, LOCALISING_RULES
from gipr_llm.render.brief.numbers import untraced_numbers

Value = int | Decimal
State = Literal["ok", "suspect", "unavailable"]
CellKey = tuple[str, str, str]
ONE_PLACE = Decimal("0.1")

OUTCOME_GROUPS: tuple[str, ...] = (
    "granted",
    "partially_granted",
    "denied",
    "unavailable",
    "unprocessed",
    "other",
)
OUTCOME_LABELS: dict[str, str] = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied": "不予公开",
    "unavailable": "无法提供",
    "unprocessed": "不予处理",
    "other": "其他处理",
}
_GROUP_PREFIXES = (("denied_", "denied"), ("unavailable_", "unavailable"), ("unprocessed_", "unprocessed"))


def outcome_group(row: str) -> str | None:
    """The outcome group of a 表三 row: 不予公开 for every denied_* row, and so on."""
    if row in ("granted", "partially_granted"):
        return row
    if row == "other_handling" or row.startswith("other_"):
        return "other"
    return next((group for prefix, group in _GROUP_PREFIXES if row.startswith(prefix)), None)


def t3_item_label(row: str) -> str:
    """The reason a 表三 row names, without its numbering: 属于三类内部事务信息, 重复申请."""
    label = spec.T3_ROW_LABELS[row]
    return re.split(r"\d+\.|（[一二三四五六七]）|[一二三四]、", label)[-1].strip()


def fmt_value(value: Value) -> str:
    """A number as the brief prints it: integers plain, money without trailing zeros."""
    if isinstance(value, Decimal):
        value = value.normalize()
        return format(value.quantize(Decimal(1)) if value == value.to_integral_value() else value, "f")
    return str(value)


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    label: str
    value: Value | None
    unit: str = "件"
    state: State = "ok"
    likely: Value | None = None  # suspect / unavailable: the value the other cells imply
    reason: str | None = None  # suspect / unavailable: why, in Chinese
    source: str = ""  # where the number comes from: a cell, or how it was computed

    @property
    def ok(self) -> bool:
        return self.state == "ok" and self.value is not None

    @property
    def known(self) -> bool:
        """Stated by the report (perhaps suspect), so it can be shown as 填报数."""
        return self.state != "unavailable" and self.value is not None

    def numbers(self) -> set[Decimal]:
        return {Decimal(v) for v in (self.value, self.likely) if v is not None}


class FigureSet:
    """The registry of a brief's figures, and the data it quotes verbatim."""

    def __init__(self) -> None:
        self._figures: dict[str, Figure] = {}
        self.verbatim: list[str] = []

    def add(self, figure: Figure) -> Figure:
        self._figures[figure.key] = figure
        return figure

    def __getitem__(self, key: str) -> Figure:
        return self._figures[key]

    def get(self, key: str) -> Figure | None:
        return self._figures.get(key)

    def __iter__(self) -> Iterator[Figure]:
        return iter(self._figures.values())

    def quote(self, text: str) -> str:
        """Text shown as written in the data (a name, a problem the report lists)."""
        self.verbatim.append(text)
        return text

    def include(self, other: FigureSet, prefix: str) -> None:
        for figure in other:
            self.add(
                Figure(
                    f"{prefix}{figure.key}",
                    figure.label,
                    figure.value,
                    figure.unit,
                    figure.state,
                    figure.likely,
                    figure.reason,
                    figure.source,
                )
            )
        self.verbatim.extend(other.verbatim)

    def allowed(self) -> set[Decimal]:
        return {n for figure in self for n in figure.numbers()}

    def untraced(self, text: str) -> list[str]:
        """Numbers in ``text`` that no figure holds (outside verbatim quotes): should be none."""
        return untraced_numbers(text, self.allowed(), self.verbatim)


# --- building figures -------------------------------------------------------------------


def count_figure(key: str, label: str, value: int, unit: str = "件", source: str = "") -> Figure:
    return Figure(key, label, value, unit, source=source or key)


def sum_figure(key: str, label: str, parts: Iterable[Figure], unit: str = "件") -> Figure:
    """The sum of ``parts``: unavailable if any is, suspect if any is (likely when all known)."""
    parts = list(parts)
    source = " + ".join(p.source or p.key for p in parts)
    missing = [p for p in parts if not p.known]
    if missing:
        reason = missing[0].reason or "数据无法取得"
        return Figure(key, label, None, unit, "unavailable", reason=reason, source=source)
    total = sum(p.value for p in parts if p.value is not None)
    suspects = [p for p in parts if p.state == "suspect"]
    if not suspects:
        return Figure(key, label, total, unit, source=source)
    likely = None
    if all(p.likely is not None for p in suspects):
        likely = sum((p.likely if p.state == "suspect" else p.value) or 0 for p in parts)
    reason = f"含待核实数据（{suspects[0].label}）"
    return Figure(key, label, total, unit, "suspect", likely=likely, reason=reason, source=source)


def share_value(part: Value, whole: Value) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def share_figure(key: str, label: str, part: Figure, whole: Figure) -> Figure:
    """``part`` as a percentage of ``whole``; not computed from suspect or missing numbers."""
    source = f"{part.key} / {whole.key} × 100"
    if not part.ok or not whole.ok:
        bad = part if not part.ok else whole
        reason = "依据的数据待核实" if bad.state == "suspect" else "依据的数据缺失"
        return Figure(key, label, None, "%", "unavailable", reason=reason, source=source)
    if whole.value == 0:
        return Figure(key, label, None, "%", "unavailable", reason="分母为0", source=source)
    return Figure(key, label, share_value(part.value, whole.value), "%", source=source)


# --- what the findings say about cells ------------------------------------------------------


@dataclass
class CellStates:
    """Cells the parse and check findings put in doubt, and tables whose arithmetic fails."""

    unavailable: dict[CellKey, tuple[str, Value | None]] = field(default_factory=dict)
    suspect: dict[CellKey, tuple[str, Value | None]] = field(default_factory=dict)
    failing_tables: set[str] = field(default_factory=set)  # error-level arithmetic: blanks not 0
    unexplained_tables: set[str] = field(default_factory=set)


def _cells_of(f: Finding) -> list[CellKey]:
    """The cells a rule instance involves (``values`` is keyed ``row.column``)."""
    return [(f.table or "", *key.split(".", 1)) for key in (f.values or {}) if "." in key]  # type: ignore[list-item]


def cell_states(report: Report, findings: list[Finding]) -> CellStates:
    states = CellStates()
    for cell in unknown_cells(report):
        states.unavailable[cell] = ("数据无法识别", None)
    tables = {"table3": report.table3, "table4": report.table4}
    localised: set[str] = set()
    for f in findings:
        if f.table is None:
            continue
        fix = f.likely_fix or {}
        if f.rule in ("BLANK-IMPLIED", "CELL-IMPLIED") and f.row and f.column:
            reason = "未填报" if f.rule == "BLANK-IMPLIED" else "数据无法识别"
            states.unavailable[(f.table, f.row, f.column)] = (reason, _int(fix.get("likely")))
        elif f.rule == "LOCALISED" and f.row and f.column:
            states.suspect[(f.table, f.row, f.column)] = ("疑为填报错误", _int(fix.get("likely")))
        elif f.rule == "LOCALISED-SWAP":
            for cell, likely in _swapped(f, tables):
                states.suspect[cell] = ("疑与相邻数据填反", likely)
        elif f.rule == "NON-NEGATIVE" and f.row and f.column:
            states.suspect[(f.table, f.row, f.column)] = ("为负数", None)
        if f.severity == "error" and f.rule in ARITHMETIC_RULES:
            states.failing_tables.add(f.table)
        if f.rule in LOCALISING_RULES:
            localised.add(f.table)
    for table in states.failing_tables:
        unlocalised = any(f.rule == "UNLOCALISED" and f.table == table for f in findings)
        if unlocalised or table not in localised:
            states.unexplained_tables.add(table)
            for f in findings:
                if f.table == table and f.severity == "error" and f.rule in ARITHMETIC_RULES:
                    for cell in _cells_of(f):
                        states.suspect.setdefault(cell, ("所在勾稽关系不成立", None))
    return states


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _swapped(f: Finding, tables: dict) -> list[tuple[CellKey, int | None]]:
    fix = f.likely_fix or {}
    table = f.table or ""
    if "row" in fix and "other_row" in fix:
        a = (table, str(fix["row"]), str(fix["column"]))
        b = (table, str(fix["other_row"]), str(fix["other_column"]))
        return [(a, _int(fix.get("likely"))), (b, _int(fix.get("stated")))]
    if "column" in fix and "other_column" in fix and tables.get("table3") is not None:
        rows = tables["table3"].rows
        c1, c2 = spec.T3_COLUMNS.index(str(fix["column"])), spec.T3_COLUMNS.index(str(fix["other_column"]))
        out: list[tuple[CellKey, int | None]] = []
        for row, values in rows.items():
            if len(values) == len(spec.T3_COLUMNS):
                out.append((("table3", row, spec.T3_COLUMNS[c1]), values[c2]))
                out.append((("table3", row, spec.T3_COLUMNS[c2]), values[c1]))
        return out
    return []


# --- one report ------------------------------------------------------------------------------


@dataclass
class ReportFigures:
    """One report's figures and what the brief needs besides numbers."""

    report: Report
    findings: list[Finding]
    figures: FigureSet
    states: CellStates
    agency: str
    outcome_rows: dict[str, list[str]]  # group -> 表三 rows in it, in template order

    @property
    def year(self) -> Figure | None:
        return self.figures.get("year")

    def by_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    def table_unexplained(self, table: str) -> bool:
        return table in self.states.unexplained_tables


def _t3_value(report: Report, row: str, column: str) -> tuple[bool, int | None]:
    if report.table3 is None or row not in report.table3.rows:
        return False, None
    values = report.table3.rows[row]
    if len(values) != len(spec.T3_COLUMNS):
        return False, None
    return True, values[spec.T3_COLUMNS.index(column)]


def _t3_column_unreported(report: Report, column: str, outcome: list[str]) -> bool:
    return bool(outcome) and all(_t3_value(report, row, column)[1] is None for row in outcome)


def _cell(
    key: str,
    label: str,
    cell: CellKey,
    present: bool,
    value: Value | None,
    states: CellStates,
    blank_is_zero: bool,
    unit: str = "件",
    table_present: bool = True,
) -> Figure:
    source = ".".join(cell)
    if not present:
        reason = "报告未列该项" if table_present else "报告未附该表"
        return Figure(key, label, None, unit, "unavailable", reason=reason, source=source)
    if cell in states.unavailable:
        reason, likely = states.unavailable[cell]
        return Figure(key, label, None, unit, "unavailable", likely=likely, reason=reason, source=source)
    if value is None:
        if not blank_is_zero:
            return Figure(key, label, None, unit, "unavailable", reason="未填报", source=source)
        value, source = 0, f"{source}（空白，按0计）"
    if cell in states.suspect:
        reason, likely = states.suspect[cell]
        return Figure(key, label, value, unit, "suspect", likely=likely, reason=reason, source=source)
    return Figure(key, label, value, unit, source=source)


def report_figures(report: Report, findings: list[Finding]) -> ReportFigures:
    """All figures of one report, from its tables, narrative facts and findings."""
    states = cell_states(report, findings)
    figures = FigureSet()
    agency = report.meta.agency or f"{Path(report.source.path).name}所载单位"  # the title named no body
    figures.quote(agency)
    if report.meta.year is not None:
        figures.add(count_figure("year", "报告年度", report.meta.year, "年", "meta.year"))
    for template in set(report.meta.table_templates.values()) | ({report.meta.template} - {None, "mixed"}):
        figures.add(count_figure(f"template.{template}", "模板版本", int(template), "年版", "meta.template"))

    outcome_rows = _table3(report, states, figures)
    _table4(report, states, figures)
    _table2(report, states, figures)
    _facts(report, figures)
    for severity in ("error", "warning", "info"):
        count = sum(f.severity == severity for f in findings)
        figures.add(count_figure(f"findings.{severity}", f"{severity}级问题数", count, "项", "findings"))
    return ReportFigures(report, findings, figures, states, agency, outcome_rows)


def _table3(report: Report, states: CellStates, figures: FigureSet) -> dict[str, list[str]]:
    t3 = report.table3
    template = (t3.template if t3 else None) or ("2021" if t3 and "other_other" in t3.rows else "2019")
    rows = [r for r in spec.T3_OUTCOME_ROWS[template]]
    groups: dict[str, list[str]] = {g: [r for r in rows if outcome_group(r) == g] for g in OUTCOME_GROUPS}

    def cell(row: str, column: str = "total") -> Figure:
        present, value = _t3_value(report, row, column)
        blank_is_zero = "table3" not in states.failing_tables and not _t3_column_unreported(
            report, column, rows
        )
        label = f"表三「{spec.T3_ROW_LABELS[row]}」{spec.T3_COLUMN_LABELS[column]}"
        cell = ("table3", row, column)
        return figures.add(
            _cell(
                f"t3.{row}.{column}",
                label,
                cell,
                present,
                value,
                states,
                blank_is_zero,
                table_present=t3 is not None,
            )
        )

    new = cell("new_received")
    carried = cell("carried_over")
    processed = cell("total_processed")
    cell("carried_forward")
    figures.add(sum_figure("t3.received_all", "本年新收与上年结转合计", [new, carried]))
    cell("new_received", "natural_person")
    orgs = [cell("new_received", c) for c in spec.T3_COLUMNS[1:-1]]
    figures.add(sum_figure("t3.new_received.orgs", "法人或其他组织申请", orgs))
    group_figures = {}
    for group, members in groups.items():
        parts = [cell(row) for row in members]
        label = OUTCOME_LABELS[group]
        group_figures[group] = figures.add(sum_figure(f"outcome.{group}", label, parts))
        figures.add(share_figure(f"outcome.{group}.share", f"{label}占比", group_figures[group], processed))
    disclosed = figures.add(
        sum_figure(
            "outcome.disclosed",
            "予以公开和部分公开",
            [group_figures["granted"], group_figures["partially_granted"]],
        )
    )
    figures.add(share_figure("outcome.disclosed.share", "公开（含部分公开）占比", disclosed, processed))
    return groups


def _table4(report: Report, states: CellStates, figures: FigureSet) -> None:
    t4 = report.table4
    blank_is_zero = "table4" not in states.failing_tables
    by_group: dict[str, dict[str, Figure]] = {}
    for group in spec.T4_GROUPS:
        by_group[group] = {}
        for column in spec.T4_COLUMNS:
            values = t4.rows.get(group, {}) if t4 else {}
            label = f"表四「{spec.T4_GROUP_LABELS[group]}」{spec.T4_COLUMN_LABELS[column]}"
            figure = _cell(
                f"t4.{group}.{column}",
                label,
                ("table4", group, column),
                column in values,
                values.get(column),
                states,
                blank_is_zero,
                table_present=t4 is not None,
            )
            by_group[group][column] = figures.add(figure)
    for column in spec.T4_COLUMNS:
        parts = [by_group["litigation_direct"][column], by_group["litigation_after_review"][column]]
        figures.add(sum_figure(f"t4.litigation.{column}", f"行政诉讼{spec.T4_COLUMN_LABELS[column]}", parts))
    figures.add(
        sum_figure(
            "t4.corrected_all",
            "复议和诉讼结果纠正",
            [by_group["review"]["corrected"], figures["t4.litigation.corrected"]],
        )
    )


_T2_ITEM_UNITS = {"previous": "项", "change": "项", "projects": "项"}  # 2019 表二 counts items


def _table2(report: Report, states: CellStates, figures: FigureSet) -> None:
    t2 = report.table2
    if t2 is None:
        return
    for row, columns in spec.T2_COLUMNS[t2.template].items():
        values = t2.rows.get(row)
        if values is None:
            continue
        for column in columns:
            unit = _T2_ITEM_UNITS.get(column, "件")
            if (row, column) in spec.T2_MONEY_COLUMNS:
                unit = t2.units.get(f"{row}.{column}", "")
            label = f"表二「{spec.T2_ROW_LABELS[row]}」{spec.T2_COLUMN_LABELS[column]}"
            cell = ("table2", row, column)
            figures.add(
                _cell(
                    f"t2.{row}.{column}",
                    label,
                    cell,
                    column in values,
                    values.get(column),
                    states,
                    False,
                    unit,
                )
            )


def _facts(report: Report, figures: FigureSet) -> None:
    counts = report.facts.counts
    total = next((c for c in counts if c.kind == "proactive_total"), None)
    if total is not None:
        figures.add(
            count_figure(
                "facts.proactive_total", "主动公开政府信息", total.value, total.unit or "条", "facts"
            )
        )
    items = [c for c in counts if c.kind == "proactive_item" and c.label]
    for i, item in enumerate(items):
        label = clean_label(item.label or "")
        figures.add(count_figure(f"facts.proactive_item.{i}", label, item.value, item.unit or "条", "facts"))
    fee = report.facts.fee
    if fee is not None and fee.amount_yuan is not None:
        figures.add(Figure("facts.fee", "信息处理费", fee.amount_yuan, "元", source="facts.fee"))


_LEADING_JOINERS = re.compile(r"^(?:以及|及|和|并|另有|其中|包括)+")


def clean_label(label: str) -> str:
    """A category named in the narrative, without the joining word it was quoted with."""
    return _LEADING_JOINERS.sub("", label.strip(" ，,、；;。"))
