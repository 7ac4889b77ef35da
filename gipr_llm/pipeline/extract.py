"""One report through the stages: load -> parse -> (表三 re-read) -> facts.

``read_report`` is the deterministic part (no network, thousands a second); ``extract``
adds the narrative facts (rules, or the LLM when configured).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gipr_llm.domain.models import Document, Finding, Report, Sections, Table3, TokenUsage
from gipr_llm.facts.narrative import extract_narrative  # at import: every extract() calls it
from gipr_llm.load import load
from gipr_llm.parse.document import parse, set_templates, table3_failed, table_text

if TYPE_CHECKING:
    from gipr_llm.domain.bodies import BodyDirectory
    from gipr_llm.llm.config import LlmConfig
    from gipr_llm.llm.protocol import CallStats


def parse_document(doc: Document, bodies: BodyDirectory | None = None) -> Report:
    """Tables, sections, body and year of a loaded document (no narrative facts)."""
    return parse(doc, bodies)[0]


def read_report(path: str | Path, bodies: BodyDirectory | None = None) -> Report:
    return parse_document(load(path), bodies)


def extract(path: str | Path, llm: LlmConfig | None = None, bodies: BodyDirectory | None = None) -> Report:
    """One report, with its narrative facts (rules unless an LLM is configured); ``bodies``
    is the user's directory that pins body identities."""
    doc = load(path)
    report, sections = parse(doc, bodies)
    table_stats = None
    if llm is not None and table3_failed(report):
        table_stats = _reread_table3(report, doc, sections, llm)
    facts, run, findings = extract_narrative(report.narrative, llm)
    if table_stats is not None and table_stats.requests:
        # ExtractionRun counts every request and token spent on the report.
        run.attempts += table_stats.requests
        if run.usage is not None:
            table_stats.add_usage(
                run.usage.prompt_tokens, run.usage.completion_tokens, run.usage.total_tokens
            )
        run.usage = table_stats.usage
    if table_stats is not None and table_stats.saved.total_tokens:
        # a cached 表三 re-read billed nothing; what it saved is reported beside the narrative's
        saved = run.saved_usage or TokenUsage()
        run.saved_usage = TokenUsage(
            prompt_tokens=saved.prompt_tokens + table_stats.saved.prompt_tokens,
            completion_tokens=saved.completion_tokens + table_stats.saved.completion_tokens,
            total_tokens=saved.total_tokens + table_stats.saved.total_tokens,
        )
    report.facts = facts
    report.extraction = run
    report.findings.extend(findings)
    return report


def _reread_table3(report: Report, doc: Document, sections: Sections, llm: LlmConfig) -> CallStats:
    """Let the LLM re-read 表三's text; returns what the re-read cost."""
    table3, findings, stats = reread_and_judge(table_text(doc, sections, "table3"), report.table3, llm)
    report.findings.extend(findings)
    if table3 is not None:
        report.table3 = table3
        set_templates(report)
    return stats


def reread_and_judge(
    text: str, parsed: Table3 | None, llm: LlmConfig
) -> tuple[Table3 | None, list[Finding], CallStats]:
    """The LLM's reading of 表三's text (facts stage), judged by the parser's policy with the
    check stage's arithmetic: (the accepted table or None, findings, cost)."""
    from gipr_llm.checks import check_tables
    from gipr_llm.facts.table3_reread import reread_table3
    from gipr_llm.parse.reread_policy import judge_reread

    reread = reread_table3(text, llm)
    if reread.table3 is None:
        return None, reread.findings, reread.stats
    errors = [f.rule for f in check_tables(None, reread.table3, None) if f.severity == "error"]
    accepted, finding = judge_reread(reread.table3, parsed, text, errors)
    return (reread.table3 if accepted else None), [*reread.findings, finding], reread.stats
