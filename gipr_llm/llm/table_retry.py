"""表三 re-read by the LLM after the deterministic parser failed on it.

The one case where table text is sent: only that table's region, only on a parse failure.
The reply must give every row of its template with seven cells, every number present in
the table text, and then pass the arithmetic rules (``checks.check_tables``: no
error-level finding) before it replaces anything. An accepted table is marked by an
``LLM-TABLE`` finding so no reader mistakes it for parsed data.
"""

from __future__ import annotations

from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.protocol import LlmCallError
from gipr_llm.models import Finding, Severity, Table3

TABLE3_PROMPT = "table3_v1"


def _finding(rule: str, severity: Severity, message: str) -> Finding:
    return Finding(rule=rule, severity=severity, stage="parse", table="table3", message=message)


def retry_table3_with_llm(table_text: str, config: LlmConfig) -> tuple[Table3 | None, list[Finding]]:
    from gipr_llm.checks import check_tables
    from gipr_llm.llm.cache import ResponseCache
    from gipr_llm.llm.client import OpenAICompatibleLLM
    from gipr_llm.llm.extract import grounded_call
    from gipr_llm.llm.prompt import load_prompt
    from gipr_llm.llm.schema import Table3Reply

    if not table_text.strip():
        return None, []
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
        return None, [
            _finding("LLM-TABLE-FAILED", "warning", f"表三解析失败后请大模型重新读取，未成功：{err.reason}")
        ]

    table3 = Table3(template=result.value.template, rows=result.value.rows)
    errors = [f for f in check_tables(None, table3, None) if f.severity == "error"]
    if errors:
        rules = "、".join(sorted({f.rule for f in errors}))
        message = f"大模型重新读取的表三未通过勾稽关系校验（{rules}），未采用"
        return None, [_finding("LLM-TABLE-REJECTED", "warning", message)]
    message = "表三由大模型从原文重新读取（确定性解析失败），已核对数字出自原文并通过勾稽关系校验"
    return table3, [_finding("LLM-TABLE", "info", message)]
