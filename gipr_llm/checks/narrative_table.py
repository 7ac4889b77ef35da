"""NARRATIVE-TABLE: numbers the narrative states against the tables.

``收到/受理/办理 N件`` may be new applications alone or new plus carried over, with nothing
in the text to tell which: either matches. A mismatch is a warning, or info when the
sentence may be about another scope — it names another body (``向区政府提出``, 全区…), or
the narrative states the same quantity twice and the other figure matches the table (seed
003: 286 for the 区政府's applications, then the body's own 0, in one paragraph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gipr_llm.checks.core import make_finding
from gipr_llm.domain import spec
from gipr_llm.domain.models import CountFact, Finding, Report

_SCOPE_MARKERS = re.compile(
    r"向[^，。；,;]{1,24}?提出|(?:区|市|县|镇|乡)(?:人民)?政府(?![办外])|全区|全市|全县|各部门|各单位|各委办局|本级政府|代为|协调受理|统筹"
)
_SENTENCE_END = "。；;！？!?\n"
_QUOTE_SHOWN = 60


@dataclass(slots=True)
class _Comparison:
    fact: CountFact
    matched: bool
    table: str
    row: str
    expected: int  # the table figure the fact is compared with (the first of the accepted ones)
    described: str  # the table figure(s) in words
    values: dict[str, int | None]


def _t3(report: Report, row: str) -> int | None:
    if report.table3 is None or row not in report.table3.rows:
        return None
    values = report.table3.rows[row]
    return values[-1] if len(values) == len(spec.T3_COLUMNS) else None


def _t4(report: Report, group: str) -> int | None:
    if report.table4 is None:
        return None
    return report.table4.rows.get(group, {}).get("total")


def _compare(report: Report, fact: CountFact) -> _Comparison | None:
    v = fact.value
    if fact.kind == "applications_received":
        new, carried = _t3(report, "new_received"), _t3(report, "carried_over")
        if new is None:
            return None
        accepted = [new] + ([new + carried] if carried else [])
        described = f"表三「本年新收」总计{new}件" + (
            f"（加上年结转{carried}件共{new + carried}件）" if carried else ""
        )
        values = {"narrative": v, "new_received.total": new, "carried_over.total": carried}
        return _Comparison(fact, v in accepted, "table3", "new_received", new, described, values)
    if fact.kind in ("applications_processed", "applications_carried_over"):
        row = "total_processed" if fact.kind == "applications_processed" else "carried_over"
        stated = _t3(report, row)
        if stated is None:
            return None
        described = f"表三「{spec.T3_ROW_LABELS[row]}」总计{stated}件"
        return _Comparison(
            fact, v == stated, "table3", row, stated, described, {"narrative": v, f"{row}.total": stated}
        )
    review = _t4(report, "review")
    direct, after = _t4(report, "litigation_direct"), _t4(report, "litigation_after_review")
    lawsuits = None if direct is None or after is None else direct + after
    if fact.kind == "reviews" and review is not None:
        described = f"表四行政复议总计{review}件"
        return _Comparison(
            fact, v == review, "table4", "review", review, described, {"narrative": v, "review.total": review}
        )
    if fact.kind == "lawsuits" and lawsuits is not None:
        described = f"表四行政诉讼总计{lawsuits}件（直接起诉{direct}件、复议后起诉{after}件）"
        values = {"narrative": v, "litigation_direct.total": direct, "litigation_after_review.total": after}
        return _Comparison(fact, v == lawsuits, "table4", "litigation_direct", lawsuits, described, values)
    if fact.kind == "reviews_and_lawsuits" and review is not None and lawsuits is not None:
        both = review + lawsuits
        described = f"表四行政复议{review}件与行政诉讼{lawsuits}件合计{both}件"
        values = {
            "narrative": v,
            "review.total": review,
            "litigation_direct.total": direct,
            "litigation_after_review.total": after,
        }
        return _Comparison(fact, v == both, "table4", "review", both, described, values)
    return None  # 主动公开 counts have no table counterpart; a missing table is TABLE-MISSING


def _context(report: Report, quote: str) -> str:
    """The sentence around a quote, where scope words such as 向区政府提出 live."""
    for text in report.narrative.values():
        at = text.find(quote)
        if at < 0:
            continue
        start = max(text.rfind(ch, 0, at) for ch in _SENTENCE_END) + 1
        ends = [i for ch in _SENTENCE_END if (i := text.find(ch, at + len(quote))) >= 0]
        return text[start : min(ends) if ends else len(text)]
    return quote


def _other_scope(report: Report, comparison: _Comparison, all_comparisons: list[_Comparison]) -> bool:
    context = _context(report, comparison.fact.quote)
    if report.meta.agency:
        context = context.replace(report.meta.agency, "")
    if _SCOPE_MARKERS.search(context):
        return True
    # The same quantity stated twice, the other figure matching the table: two scopes.
    return any(
        c.matched and c.fact.kind == comparison.fact.kind and c.fact.value != comparison.fact.value
        for c in all_comparisons
    )


def check_narrative_table(report: Report) -> list[Finding]:
    comparisons = [c for fact in report.facts.counts if (c := _compare(report, fact)) is not None]
    findings = []
    for c in comparisons:
        if c.matched:
            continue
        shown = "".join(c.fact.quote.split())  # a sentence wrapped over lines reads as one
        quote = shown if len(shown) <= _QUOTE_SHOWN else shown[:_QUOTE_SHOWN] + "…"
        unit = c.fact.unit or "件"
        if _other_scope(report, c, comparisons):
            severity = "info"
            message = (
                f"正文「{quote}」所述{c.fact.value}{unit}与{c.described}不一致；该句可能指其他范围"
                "（如上级政府或其他机关）的数字，请核实。"
            )
        else:
            severity = "warning"
            message = f"正文「{quote}」所述{c.fact.value}{unit}与{c.described}不一致，请核对正文或统计表。"
        findings.append(
            make_finding(
                "NARRATIVE-TABLE",
                severity,
                message,
                table=c.table,
                row=c.row,
                column="total",
                raw=c.fact.quote,
                values=c.values,
                expected=c.expected,
                stated=c.fact.value,
            )
        )
    return findings
