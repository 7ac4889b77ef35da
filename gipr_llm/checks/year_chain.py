"""YEAR-CHAIN: the same body's reports for consecutive years must hand over their numbers.

表三: ``carried_over`` of year Y equals ``carried_forward`` of year Y-1, column by column
(error). 2019 表二: ``previous(Y) = previous(Y-1) + change(Y-1)`` (warning). Bodies are
matched by their canonical key (``Meta.body_key``: the normalised name, the user's
--bodies entry, or the batch's prefix merge), exactly: a 本级政府 summary and the
政府办公厅's own report are different bodies. Only consecutive years of one body are
chained; a body-year with more than one report is not guessed between (the batch says so
in ``BODY-YEAR-CONFLICT``, and copies are left out before). Findings go on the later report.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Container

from gipr_llm.checks.core import fmt, make_finding
from gipr_llm.domain import spec
from gipr_llm.domain.bodies import key_of
from gipr_llm.domain.models import Finding, Report


def year_chain_by_report(reports: list[Report], skip: Container[int] = ()) -> list[list[Finding]]:
    """YEAR-CHAIN findings for each report, in the order given; ``skip``: indexes of copies
    that are not counted."""
    out: list[list[Finding]] = [[] for _ in reports]
    groups: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for index, report in enumerate(reports):
        key = key_of(report.meta)
        if key and report.meta.year is not None and index not in skip:
            groups[key][report.meta.year].append(index)
    for years in groups.values():
        for year, indexes in years.items():
            if len(indexes) > 1:
                continue  # two versions of one year: not guessed between (BODY-YEAR-CONFLICT)
            previous = years.get(year - 1)
            if previous and len(previous) == 1:
                cur, prev = reports[indexes[0]], reports[previous[0]]
                out[indexes[0]] += _table3_chain(cur, prev) + _table2_chain(cur, prev)
    return out


def check_year_chain(reports: list[Report]) -> list[Finding]:
    return [f for findings in year_chain_by_report(reports) for f in findings]


def _table3_chain(cur: Report, prev: Report) -> list[Finding]:
    if cur.table3 is None or prev.table3 is None:
        return []
    now = cur.table3.rows.get("carried_over")
    before = prev.table3.rows.get("carried_forward")
    if not now or not before or len(now) != len(before):
        return []
    out = []
    for column, a, b in zip(spec.T3_COLUMNS, now, before, strict=False):
        if a is None or b is None or a == b:
            continue
        message = (
            f"表三「二、上年结转政府信息公开申请数量」行「{spec.T3_COLUMN_LABELS[column]}」列填报{a}，"
            f"与本机关{prev.meta.year}年度报告「四、结转下年度继续办理」的{b}不一致。"
        )
        out.append(
            make_finding(
                "YEAR-CHAIN",
                "error",
                message,
                table="table3",
                row="carried_over",
                column=column,
                values={"carried_over": a, f"carried_forward_{prev.meta.year}": b},
                expected=b,
                stated=a,
            )
        )
    return out


def _table2_chain(cur: Report, prev: Report) -> list[Finding]:
    t_now, t_before = cur.table2, prev.table2
    if t_now is None or t_before is None or t_now.template != "2019" or t_before.template != "2019":
        return []
    out = []
    for row, columns in spec.T2_COLUMNS["2019"].items():
        if "previous" not in columns or "change" not in columns:
            continue
        now, before = t_now.rows.get(row, {}), t_before.rows.get(row, {})
        a, p, c = now.get("previous"), before.get("previous"), before.get("change")
        if a is None or p is None or c is None or a == p + c:
            continue
        label = spec.T2_ROW_LABELS[row]
        message = (
            f"表二「{label}」行「上一年项目数量」填报{fmt(a)}，而本机关{prev.meta.year}年度报告为"
            f"{fmt(p)}、本年增/减{fmt(c)}，推算应为{fmt(p + c)}。"
        )
        out.append(
            make_finding(
                "YEAR-CHAIN",
                "warning",
                message,
                table="table2",
                row=row,
                column="previous",
                values={"previous": a, f"previous_{prev.meta.year}": p, f"change_{prev.meta.year}": c},
                expected=p + c,
                stated=a,
            )
        )
    return out
