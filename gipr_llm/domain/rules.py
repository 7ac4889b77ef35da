"""The rule registry: every finding's rule id, in one place.

A row says which stage emits the rule, its usual severity, who is at fault when it fires
(the report, or the tool's reading of it), its Chinese name, how the briefing groups it,
and for the arithmetic rules how a localised fix explains itself. Adding a rule is one row
here; ``tests/test_rules.py`` fails when code emits a rule id that has no row, and every
reader (``rule(id)``) falls back to a generic entry instead of crashing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gipr_llm.domain.models import Finding

Fault = Literal["report", "reading"]
# How a briefing treats a rule's findings:
# arithmetic  a broken 勾稽关系 (T3-*, T4-SUM)
# localising  names the one cell (or pair) to blame
# data        another statement about the report's figures
# compliance  the report's form: template, sections, title
# narrative   narrative against tables
# reading     how the tool read the file (not the report's fault)
# llm         how the LLM extraction went
Group = Literal["arithmetic", "localising", "data", "compliance", "narrative", "reading", "llm"]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    stage: Literal["parse", "narrative", "check"]
    severity: Literal["error", "warning", "info"]  # the usual one; some rules vary by case
    fault: Fault | None
    name: str  # Chinese name a reviewer reads
    group: Group
    reason: str | None = None  # arithmetic only: how it reads in 「按…应为N」
    short: str | None = None  # arithmetic only: a short name, in 「…均不符」

    @property
    def brief_name(self) -> str:
        """How a briefing names it: reading and LLM problems by their kind, not one by one."""
        if self.group == "reading":
            return "统计表部分内容无法读取"
        if self.group == "llm":
            return "叙述部分自动抽取异常"
        return self.name


def _rules(*rows: Rule) -> dict[str, Rule]:
    return {row.id: row for row in rows}


RULES: dict[str, Rule] = _rules(
    # --- parse: how the tables were read ---------------------------------------------------
    Rule("PARSE-CELL-BLANK", "parse", "info", None, "单元格为空", "reading"),
    Rule("PARSE-CELL-NA", "parse", "info", None, "单元格标为不适用", "reading"),
    Rule("PARSE-CELL-UNREADABLE", "parse", "error", "reading", "单元格无法识别", "reading"),
    Rule("PARSE-CELL-UNALIGNED", "parse", "error", "reading", "单元格无法对齐到列", "reading"),
    # Issue 11's contract (COMMON.md); listed here because the store reads it as a cell state.
    Rule("PARSE-RECOVERED", "parse", "warning", "reading", "单元格经约束推定后读取", "reading"),
    Rule("PARSE-ROW-LENGTH", "parse", "error", "reading", "行的单元格数与模板不符", "reading"),
    Rule("PARSE-ROW-MISSING", "parse", "error", "reading", "未读到该行", "reading"),
    Rule("PARSE-ROW-EMPTY", "parse", "error", "reading", "该行没有数字", "reading"),
    Rule("PARSE-TRUNCATED", "parse", "error", "reading", "文件在统计表中途结束", "reading"),
    Rule("PARSE-TABLE-UNREAD", "parse", "error", "reading", "统计表有数字但未能读出", "reading"),
    Rule("PARSE-ROW-UNKNOWN", "parse", "warning", "reading", "无法识别的行", "reading"),
    Rule("PARSE-ROW-DUPLICATE", "parse", "warning", "reading", "重复的行", "reading"),
    Rule("PARSE-ROW-AMBIGUOUS", "parse", "warning", "reading", "整行数字与分项并存，无法确定归属", "reading"),
    Rule("PARSE-ROW-TEMPLATE", "parse", "warning", "report", "行不属于所用模板", "reading"),
    Rule("PARSE-TEMPLATE-UNKNOWN", "parse", "error", "reading", "无法判断表格模板", "reading"),
    Rule("PARSE-GLUED", "parse", "error", "reading", "数字粘连无法拆分", "reading"),
    Rule("PARSE-RECOVERED", "parse", "warning", "reading", "按勾稽关系恢复的读数", "reading"),
    Rule("PARSE-CONVERTED", "parse", "info", None, "原文经转换后解析", "reading"),
    # --- parse: which body and year (parse.identity) ------------------------------------------
    Rule("TITLE-YEAR-MISSING", "parse", "warning", None, "未写明报告年度", "compliance"),
    Rule("TITLE-AGENCY-MISSING", "parse", "warning", None, "未写明报告机关", "compliance"),
    Rule("META-AGENCY-CONFLICT", "parse", "warning", "reading", "报告机关各处写法不一", "compliance"),
    Rule("META-YEAR-CONFLICT", "parse", "warning", "reading", "报告年度各处写法不一", "compliance"),
    Rule("PARSE-HIDDEN-SKIPPED", "parse", "info", None, "网页隐藏内容未读取", "reading"),
    Rule("PARSE-OCR", "parse", "info", None, "原文为扫描件，经文字识别（OCR）读取", "reading"),
    Rule("PARSE-OCR-LOW-CONFIDENCE", "parse", "warning", "reading", "数字识别置信度低", "reading"),
    Rule("PARSE-OCR-UNREAD", "parse", "warning", "reading", "单元格有字迹但未能识别", "reading"),
    Rule("PARSE-OCR-ROW-DOUBT", "parse", "warning", "reading", "整行识别存疑", "reading"),
    # --- narrative: the LLM path ----------------------------------------------------------
    Rule("LLM-UNGROUNDED", "narrative", "warning", "reading", "大模型抽取的事实无原文依据", "llm"),
    Rule("LLM-FALLBACK", "narrative", "warning", "reading", "大模型抽取失败，改用规则", "llm"),
    Rule("LLM-MODE", "narrative", "info", None, "接口不支持函数调用，已改用 JSON 模式", "llm"),
    Rule("NARRATIVE-DISAGREE", "narrative", "warning", "reading", "规则与大模型读出的数字不同", "llm"),
    Rule("LLM-TABLE", "parse", "info", "reading", "表三由大模型重新读取", "llm"),
    Rule("LLM-TABLE-REJECTED", "parse", "warning", "reading", "大模型重新读取的表三未采用", "llm"),
    Rule("LLM-TABLE-FAILED", "parse", "warning", "reading", "大模型重新读取表三失败", "llm"),
    # --- check: the 勾稽关系 (in the order a localised fix names them) ------------------------
    Rule(
        "T3-ROW-SUM", "check", "error", "report", "表三行合计不符", "arithmetic",
        reason="该行各列之和", short="行合计",
    ),
    Rule(
        "T3-OUTCOME-SUM", "check", "error", "report", "表三办理结果合计不符", "arithmetic",
        reason="该列各项办理结果之和", short="办理结果合计",
    ),
    Rule(
        "T3-BALANCE", "check", "error", "report", "表三收支不平衡", "arithmetic",
        reason="该列“第一项加第二项等于第三项加第四项”的关系", short="收支平衡",
    ),
    Rule(
        "T4-SUM", "check", "error", "report", "表四合计不符", "arithmetic",
        reason="该组各项之和", short="表四合计",
    ),
    Rule("NON-NEGATIVE", "check", "error", "report", "出现负数", "data"),
    Rule("LOCALISED", "check", "error", "report", "单元格填报错误", "localising"),
    Rule("LOCALISED-SWAP", "check", "error", "report", "数据填反或错位", "localising"),
    Rule("BLANK-IMPLIED", "check", "warning", "report", "应填未填", "localising"),
    Rule("CELL-IMPLIED", "check", "info", None, "单元格无法识别", "data"),
    Rule("UNLOCALISED", "check", "info", None, "勾稽关系不符且无法定位", "data"),
    Rule("NOT-REPORTED", "check", "info", None, "部分栏目未填报", "compliance"),
    # --- check: the report's form -----------------------------------------------------------
    Rule("TABLE-MISSING", "check", "error", "report", "缺少统计表", "compliance"),
    Rule("TABLE-ROWS", "check", "error", "report", "统计表缺项", "compliance"),
    Rule("SECTION-MISSING", "check", "warning", "report", "缺少规定章节", "compliance"),
    Rule("TEMPLATE-OUTDATED", "check", "warning", "report", "沿用旧版模板", "compliance"),
    # --- check: across sources and years --------------------------------------------------
    Rule("NARRATIVE-TABLE", "check", "warning", "report", "正文与统计表数字不一致", "narrative"),
    Rule("YEAR-CHAIN", "check", "error", "report", "与上年报告不衔接", "data"),
    # --- check: one report per body-year in a batch (checks.body_years) ---------------------------
    Rule("BATCH-DUPLICATE", "check", "info", None, "同一报告的重复副本", "compliance"),
    Rule("BODY-YEAR-CONFLICT", "check", "warning", None, "同一单位同一年度有多份不同报告", "compliance"),
)

ARITHMETIC_RULES = frozenset(r.id for r in RULES.values() if r.group == "arithmetic")
LOCALISING_RULES = frozenset(r.id for r in RULES.values() if r.group == "localising")
# Rules about the report's figures (what a body must correct in its tables).
DATA_RULES = frozenset(r.id for r in RULES.values() if r.group in ("arithmetic", "localising", "data"))


def fill_fault(findings: list[Finding]) -> list[Finding]:
    """Set each finding's ``fault`` from its rule's row where the emitter left it open.

    An info finding blames no one unless its emitter says so (a recovered cell is the
    reading's, even when all went well)."""
    for finding in findings:
        if finding.fault is None and finding.severity != "info":
            finding.fault = rule(finding.rule).fault
    return findings


def rule(rule_id: str) -> Rule:
    """The registry row of ``rule_id``; an unregistered id gets a generic row (a test makes
    sure none is emitted), so a reader never crashes on one."""
    if found := RULES.get(rule_id):
        return found
    prefix = rule_id.split("-", 1)[0]
    if prefix == "PARSE":
        return Rule(rule_id, "parse", "warning", "reading", rule_id, "reading")
    if prefix == "LLM":
        return Rule(rule_id, "narrative", "warning", "reading", rule_id, "llm")
    return Rule(rule_id, "check", "warning", None, rule_id, "data")


def fault_of(finding: Finding) -> Fault | None:
    """Who is at fault for a finding: as the finding says, else as its rule usually is."""
    return finding.fault or rule(finding.rule).fault
