"""When an LLM's re-read of 表三 may replace the parser's reading: the parser's policy.

The re-read must agree with every cell the parser did read, name only rows whose labels
are in the text (sums alone could make up a missing row), and pass the arithmetic rules
(no error-level finding from the check stage, which the orchestrator runs and passes in).
An accepted table is marked by an ``LLM-TABLE`` finding so no reader mistakes it for parsed
data; a rejected one by ``LLM-TABLE-REJECTED``.
"""

from __future__ import annotations

from gipr_llm.domain import spec
from gipr_llm.domain.models import Finding, Severity, Table3
from gipr_llm.parse.tables import table3_rows_named_in


def _finding(rule: str, severity: Severity, message: str) -> Finding:
    return Finding(rule=rule, severity=severity, stage="parse", table="table3", message=message)


def judge_reread(
    candidate: Table3, parsed: Table3 | None, table_text: str, arithmetic_errors: list[str]
) -> tuple[bool, Finding]:
    """(accepted, the finding that says so). ``arithmetic_errors`` are the rule ids of the
    error-level check findings on the candidate table."""
    if problem := _disagreement(candidate, parsed, table_text):
        return False, _finding("LLM-TABLE-REJECTED", "warning", f"大模型重新读取的表三{problem}，未采用")
    if arithmetic_errors:
        rules = "、".join(sorted(set(arithmetic_errors)))
        message = f"大模型重新读取的表三未通过勾稽关系校验（{rules}），未采用"
        return False, _finding("LLM-TABLE-REJECTED", "warning", message)
    message = "表三由大模型从原文重新读取（确定性解析失败），已核对数字出自原文、与已解析的单元格一致并通过勾稽关系校验"
    return True, _finding("LLM-TABLE", "info", message)


def _disagreement(table3: Table3, parsed: Table3 | None, table_text: str) -> str | None:
    """Why the re-read cannot be trusted next to the parser's own reading, or None."""
    named = table3_rows_named_in(table_text)
    if invented := [row for row in table3.rows if row not in named]:
        return f"含有原文中找不到行名的行（{'、'.join(spec.T3_ROW_LABELS[r] for r in invented)}）"
    for row, values in parsed.rows.items() if parsed else ():
        theirs = table3.rows.get(row)
        for column, mine in zip(spec.T3_COLUMNS, values, strict=True):
            if mine is not None and (theirs is None or theirs[spec.T3_COLUMNS.index(column)] != mine):
                return f"「{spec.T3_ROW_LABELS[row]}」行「{spec.T3_COLUMN_LABELS[column]}」列与解析器读出的{mine}不一致"
    return None
