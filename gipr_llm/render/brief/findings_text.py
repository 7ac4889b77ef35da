"""Check findings in words a leader reads: what is wrong, where, and what to do about it.

The checks' own messages are written for the reviewer who corrects the table; a brief says
less. Every number a sentence states comes from the finding's own fields, registered as a
figure; a message carrying any other number is replaced by a sentence without numbers.
"""

from __future__ import annotations

import re
from decimal import Decimal

from gipr_llm.domain import spec
from gipr_llm.domain.models import FailedInput, Finding
from gipr_llm.domain.rules import rule
from gipr_llm.render.brief.figures import (
    OUTCOME_LABELS,
    Figure,
    FigureSet,
    fmt_value,
    outcome_group,
    t3_item_label,
)

TABLE_SECTIONS = {"table2": "proactive", "table3": "applications", "table4": "review_litigation"}
# Findings a leader need not read one by one: how the tool read the file, not what the report says.
TECHNICAL_STAGES = frozenset({"parse", "narrative"})


def rule_name(rule_id: str) -> str:
    return rule(rule_id).brief_name


def listed(f: Finding) -> bool:
    """Shown sentence by sentence in a brief: errors, and warnings about the report itself."""
    return f.severity == "error" or (f.severity == "warning" and f.stage not in TECHNICAL_STAGES)


def register(figures: FigureSet, f: Finding, prefix: str) -> None:
    """The numbers a finding carries, as figures the brief may state."""
    numbers: dict[str, object] = {"stated": f.stated, "expected": f.expected}
    numbers.update({f"values.{k}": v for k, v in (f.values or {}).items()})
    numbers.update({f"fix.{k}": v for k, v in (f.likely_fix or {}).items()})
    for name, value in numbers.items():
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            figures.add(
                Figure(
                    f"{prefix}.{name}", f"{rule_name(f.rule)}所涉数值", value, "", source=f"finding {f.rule}"
                )
            )


def row_words(table: str | None, row: str | None) -> str:
    """A row's label without its numbering (a brief must not print 1. 2. as if they were data)."""
    if row is None:
        return ""
    if table == "table3" and row in spec.T3_ROW_LABELS:
        group = outcome_group(row)
        item = t3_item_label(row)
        if group is None or OUTCOME_LABELS[group] == item:
            return item
        return f"{OUTCOME_LABELS[group]}（{item}）"
    return spec.row_label(table or "", row) or row


def _where(f: Finding) -> str:
    table = spec.TABLE_LABELS.get(f.table or "", "")
    words = row_words(f.table, f.row) if f.row else ""
    if f.table == "table2" and f.row_label:
        words = f.row_label  # keeps a local sub-row's name: 其他对外管理服务事项（行政检查）
    row = f"「{words}」{'行' if f.table == 'table3' else ''}" if words else ""
    column = f"「{f.column_label}」栏" if f.column_label and f.table != "table2" else ""
    return f"{table}{row}{column}"


def _n(value: int | Decimal | None) -> str:
    return fmt_value(value) if value is not None else "空"


def sentence(f: Finding, figures: FigureSet, prefix: str) -> str:
    """One sentence (without final punctuation) on one finding."""
    register(figures, f, prefix)
    fix = f.likely_fix or {}
    if f.rule == "LOCALISED":
        return (
            f"{_where(f)}填报{_n(f.stated)}，按表内勾稽关系推算应为{_n(f.expected)}，很可能填错，需核实更正"
        )
    if f.rule == "T3-ROW-SUM":
        return f"{_where(f)}：各列之和为{_n(f.expected)}，总计栏填报{_n(f.stated)}，二者不符"
    if f.rule == "T3-OUTCOME-SUM":
        return f"表三「{f.column_label}」栏：各项办理结果之和为{_n(f.expected)}，“总计”行填报{_n(f.stated)}，二者不符"
    if f.rule == "T3-BALANCE":
        return (
            f"表三「{f.column_label}」栏：本年新收与上年结转之和为{_n(f.expected)}，"
            f"办理结果总计与结转下年度之和为{_n(f.stated)}，收支不平衡"
        )
    if f.rule == "T4-SUM":
        return f"{_where(f)}：各项之和为{_n(f.expected)}，总计栏填报{_n(f.stated)}，二者不符"
    if f.rule == "NON-NEGATIVE":
        return f"{_where(f)}填报{_n(f.stated)}，不应为负数"
    if f.rule == "NARRATIVE-TABLE":
        return f"报告正文所述{_n(f.stated)}件与{_where(f)}的{_n(f.expected)}件不一致，需核对"
    if f.rule == "YEAR-CHAIN" and f.stated is not None:
        return f"{_where(f)}填报{_n(f.stated)}，与本单位上一年度报告的相应数字{_n(f.expected)}不衔接，需核对"
    if f.rule == "TEMPLATE-OUTDATED":
        return "统计表仍沿用旧版模板，应改用国务院办公厅政府信息公开办公室现行模板"
    if f.rule == "TABLE-MISSING" and f.table in TABLE_SECTIONS:
        heading = spec.SECTION_LABELS[TABLE_SECTIONS[f.table]].split("、", 1)[1]
        return f"报告未附{spec.TABLE_LABELS[f.table]}（{heading}），该表无法校验"
    if f.rule == "UNLOCALISED":
        table = spec.TABLE_LABELS.get(f.table or "", "统计表")
        return f"{table}存在勾稽关系不符，仅凭表内数据无法确定是哪一格填错，需逐项核对原始台账"
    if f.rule.startswith("PARSE-"):
        return f"{_where(f) or '统计表'}部分内容无法按模板读取，相关数字未予采用，需核对原件"
    if f.rule in ("BLANK-IMPLIED", "CELL-IMPLIED") and isinstance(fix.get("likely"), int):
        state = "未填报" if f.rule == "BLANK-IMPLIED" else "无法识别"
        return f"{_where(f)}{state}，按表内勾稽关系推算应为{fix['likely']}，需核实"
    message = f.message.rstrip("。；; ")
    return f"{_where(f)}{rule_name(f.rule)}" if figures.untraced(message) else message


_ENGLISH_GLOSS = re.compile(r"\s*\([^()]*[A-Za-z][^()]*\)\s*$")


def unread_note(failed: list[FailedInput], figures: FigureSet) -> str:
    """The inputs that could not be read, in words for a leader: the reasons in Chinese, no
    paths or file names (those are in the check report and on the command line)."""
    reasons = dict.fromkeys(_ENGLISH_GLOSS.sub("", item.error).strip() or "无法读取" for item in failed)
    listed_reasons = "；".join(figures.quote(reason) for reason in reasons)
    return f"另有部分文件未能读取，未计入本简报（{listed_reasons}），文件清单见检查报告。"
