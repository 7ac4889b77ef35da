"""表三 re-read by the LLM after the deterministic parser failed on it: the call only.

The one case where table text is sent: only that table's region, only on a parse failure.
The reply schema (``Table3Reply``) requires every row of its template with seven cells,
every number present in the table text. Whether the re-read then replaces anything is the
parser's decision (``parse.reread_policy``), made by the orchestrator with the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass

from gipr_llm.domain.models import Finding, Table3, TokenUsage
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.protocol import CallStats, LlmCallError

TABLE3_PROMPT = "table3_v1"


@dataclass
class TableReread:
    table3: Table3 | None  # the reply, not yet accepted; None when the call failed
    findings: list[Finding]
    stats: CallStats  # requests and tokens spent, accepted or not


def reread_table3(table_text: str, config: LlmConfig) -> TableReread:
    from gipr_llm.facts.llm_extract import grounded_call
    from gipr_llm.facts.prompt import load_prompt
    from gipr_llm.facts.schema import Table3Reply
    from gipr_llm.llm.cache import ResponseCache
    from gipr_llm.llm.providers import make_llm

    if not table_text.strip():
        return TableReread(None, [], CallStats())
    cache = ResponseCache(config.cache_dir) if config.cache_dir is not None else None
    try:
        result = grounded_call(
            make_llm(config), load_prompt(TABLE3_PROMPT), table_text, Table3Reply, [table_text], cache
        )
    except LlmCallError as err:
        finding = Finding(
            rule="LLM-TABLE-FAILED",
            severity="warning",
            stage="parse",
            table="table3",
            message=f"表三解析失败后请大模型重新读取，未成功：{err.reason}",
        )
        return TableReread(None, [finding], err.stats)
    stats = CallStats(saved=result.saved or TokenUsage()) if result.cached else result.stats
    return TableReread(Table3(template=result.value.template, rows=result.value.rows), [], stats)
