"""表三 re-read by the LLM after the deterministic parser failed on it.

The one case where table text is sent: only that table's region, only on a parse failure.
The reply must give every row of its template with seven cells, every number present in
the table text; then it must agree with every cell the parser did read, name only rows
whose labels are in the text (sums alone could make up a missing row), and pass the
arithmetic rules (``checks.check_tables``: no error-level finding) before it replaces
anything. An accepted table is marked by an ``LLM-TABLE`` finding so no reader mistakes
it for parsed data.
"""

from __future__ import annotations

from dataclasses import dataclass

from gipr_llm import spec
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.protocol import CallStats, LlmCallError
from gipr_llm.models import Finding, Severity, Table3

TABLE3_PROMPT = "table3_v1"


def _finding(rule: str, severity: Severity, message: str) -> Finding:
    return Finding(rule=rule, severity=severity, stage="parse", table="table3", message=message)


@dataclass
class TableRetry:
    table3: Table3 | None  # the accepted re-read, or None
    findings: list[Finding]
    stats: CallStats  # requests and tokens spent, accepted or not


def retry_table3_with_llm(table_text: str, config: LlmConfig, parsed: Table3 | None = None) -> TableRetry:
    from gipr_llm.checks import check_tables
    from gipr_llm.llm.cache import ResponseCache
    from gipr_llm.llm.client import OpenAICompatibleLLM
    from gipr_llm.llm.extract import grounded_call
    from gipr_llm.llm.prompt import load_prompt
    from gipr_llm.llm.schema import Table3Reply

    if not table_text.strip():
        return TableRetry(None, [], CallStats())
    cache = ResponseCache(config.cache_dir) if config.cache_dir is not None else None
    try:
        result = grounded_call(
            OpenAICompatibleLLM(config),
            load_prompt(TABLE3_PROMPT),
            table_text,
            Table3Reply,
            [table_text],
            cache,
        )
    except LlmCallError as err:
        finding = _finding(
            "LLM-TABLE-FAILED", "warning", f"表三解析失败后请大模型重新读取，未成功：{err.reason}"
        )
        return TableRetry(None, [finding], err.stats)

    stats = CallStats() if result.cached else result.stats
    table3 = Table3(template=result.value.template, rows=result.value.rows)
    if problem := _disagreement(table3, parsed, table_text):
        finding = _finding("LLM-TABLE-REJECTED", "warning", f"大模型重新读取的表三{problem}，未采用")
        return TableRetry(None, [finding], stats)
    errors = [f for f in check_tables(None, table3, None) if f.severity == "error"]
    if errors:
        rules = "、".join(sorted({f.rule for f in errors}))
        message = f"大模型重新读取的表三未通过勾稽关系校验（{rules}），未采用"
        return TableRetry(None, [_finding("LLM-TABLE-REJECTED", "warning", message)], stats)
    message = "表三由大模型从原文重新读取（确定性解析失败），已核对数字出自原文、与已解析的单元格一致并通过勾稽关系校验"
    return TableRetry(table3, [_finding("LLM-TABLE", "info", message)], stats)


def _disagreement(table3: Table3, parsed: Table3 | None, table_text: str) -> str | None:
    """Why the re-read cannot be trusted next to the parser's own reading, or None."""
    from gipr_llm.tables import table3_rows_named_in

    named = table3_rows_named_in(table_text)
    if invented := [row for row in table3.rows if row not in named]:
        return f"含有原文中找不到行名的行（{'、'.join(spec.T3_ROW_LABELS[r] for r in invented)}）"
    for row, values in parsed.rows.items() if parsed else ():
        theirs = table3.rows.get(row)
        for column, mine in zip(spec.T3_COLUMNS, values, strict=True):
            if mine is not None and (theirs is None or theirs[spec.T3_COLUMNS.index(column)] != mine):
                return f"「{spec.T3_ROW_LABELS[row]}」行「{spec.T3_COLUMN_LABELS[column]}」列与解析器读出的{mine}不一致"
    return None
