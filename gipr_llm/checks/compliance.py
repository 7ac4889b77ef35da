"""Template compliance: the right template for the year, every section and table present.

(A report that names no body or year anywhere is ``TITLE-AGENCY-MISSING`` /
``TITLE-YEAR-MISSING``, found where body and year are read: ``parse.identity``.)

Findings: ``TEMPLATE-OUTDATED`` (warning) a 2021-or-later report with a table on the 2019
template; ``SECTION-MISSING`` (warning) a narrative section not found; ``TABLE-MISSING``
(error; warning for 2019 reports, when the template was only encouraged) a table not found;
rows missing from a table are ``TABLE-ROWS``, found by ``check_tables``. A table whose
region holds numbers the parser could not read is ``PARSE-TABLE-UNREAD`` (the reading's
fault), and no ``TABLE-MISSING``.
"""

from __future__ import annotations

from gipr_llm.checks.core import make_finding
from gipr_llm.domain import spec
from gipr_llm.domain.models import Finding, Report

_TABLE_SECTIONS = {"table2": "proactive", "table3": "applications", "table4": "review_litigation"}
_TEMPLATE_NOTICE = {"2019": "国办公开办函〔2019〕60号", "2021": "国办公开办函〔2021〕30号"}


def check_compliance(report: Report) -> list[Finding]:
    return _template(report) + _tables(report) + _sections(report)


def _template(report: Report) -> list[Finding]:
    year = report.meta.year
    old = [t for t in ("table2", "table3") if report.meta.table_templates.get(t) == "2019"]
    if year is None or year < 2021 or not old:
        return []
    names = "、".join(spec.TABLE_LABELS[t] for t in old)
    message = (
        f"本报告为{year}年度报告，{names}仍采用2019年版模板（{_TEMPLATE_NOTICE['2019']}），"
        f"2021年度起应采用2021年版模板（{_TEMPLATE_NOTICE['2021']}）。"
    )
    return [make_finding("TEMPLATE-OUTDATED", "warning", message, table=old[0] if len(old) == 1 else None)]


def _tables(report: Report) -> list[Finding]:
    year = report.meta.year
    # The 2019 notice only encouraged the format: a missing table is a warning there.
    severity = "warning" if year is not None and year <= 2019 else "error"
    out = []
    # A table printed but not read is the reading's failure (PARSE-TABLE-UNREAD), not the report's.
    unread = {f.table for f in report.findings if f.rule == "PARSE-TABLE-UNREAD"}
    for table, section in _TABLE_SECTIONS.items():
        if getattr(report, table) is None and table not in unread:
            message = f"报告中未找到{spec.TABLE_LABELS[table]}（{spec.SECTION_LABELS[section]}），该表的各项校验无法进行。"
            out.append(make_finding("TABLE-MISSING", severity, message, table=table))
    return out


def _sections(report: Report) -> list[Finding]:
    found = set(report.meta.sections_found)
    out = []
    for key in spec.SECTION_KEYS:
        if key in found or key not in spec.NARRATIVE_SECTIONS:
            continue  # a table section without its table is TABLE-MISSING; with it, it is there
        message = f"报告中未找到第{spec.SECTION_LABELS[key].split('、')[0]}部分「{spec.SECTION_LABELS[key].split('、')[1]}」。"
        out.append(make_finding("SECTION-MISSING", "warning", message))
    return out
