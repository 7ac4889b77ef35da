"""Narrative stage: section texts -> NarrativeFacts, by the rules always and the LLM when configured.

The rules are cheap and nearly never wrong, so they always run; the LLM, when configured,
adds what they miss and the two are reconciled (``facts.reconcile``): each fact carries
``extractor`` ("rules", "llm" or "rules+llm" when both agree) and the run carries the
agreement counts. When the LLM path fails (after its bounded retries) the rules' facts stand
alone, the ExtractionRun says why, and a warning finding tells the reviewer. Nothing here
ever raises for an LLM problem, and no LLM outcome removes a rules fact.
"""

from __future__ import annotations

import logging

from gipr_llm.domain.models import ExtractionRun, Finding, NarrativeFacts
from gipr_llm.facts.rules import extract_facts_rules  # at import: every report runs the rules
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.protocol import CallStats, LlmCallError

log = logging.getLogger("gipr.llm")

NARRATIVE_PROMPT = "narrative_v2"
NO_LLM_REASON = "未配置大模型 (no LLM configured)"
NO_TEXT_REASON = "报告没有叙述部分，未调用大模型 (no narrative text)"


def extract_narrative(
    narrative: dict[str, str], config: LlmConfig | None
) -> tuple[NarrativeFacts, ExtractionRun, list[Finding]]:
    if config is None:
        return _rules(narrative), ExtractionRun(extractor="rules", fallback_reason=NO_LLM_REASON), []

    from gipr_llm.facts.prompt import load_prompt, narrative_report_text

    prompt = load_prompt(NARRATIVE_PROMPT)
    if not narrative_report_text(narrative):
        run = ExtractionRun(extractor="rules", model=config.model, fallback_reason=NO_TEXT_REASON)
        return _rules(narrative), run, []

    secret = config.api_key.get_secret_value()
    try:
        from gipr_llm.facts.llm_extract import extract_with_llm
        from gipr_llm.llm.cache import ResponseCache
        from gipr_llm.llm.providers import make_llm

        cache = ResponseCache(config.cache_dir) if config.cache_dir is not None else None
        llm_facts, run, findings = extract_with_llm(narrative, make_llm(config), prompt, cache)
    except LlmCallError as err:
        reason, stats = err.reason, err.stats
    except Exception as err:  # a provider or library bug must not stop the batch either
        detail = str(err).splitlines()[0][:200] if str(err).strip() else ""
        reason = f"大模型抽取出错：{type(err).__name__} {detail}".strip()
        if secret:
            reason = reason.replace(secret, "***")
        stats = CallStats()

    else:
        return _reconciled(narrative, llm_facts, run, findings)

    log.warning("大模型抽取失败，改用规则抽取：%s", reason)
    run = ExtractionRun(
        extractor="rules",
        model=config.model,
        prompt_id=prompt.id,
        prompt_sha256=prompt.sha256,
        attempts=stats.requests,
        usage=stats.usage,
        fallback_reason=reason,
    )
    finding = Finding(
        rule="LLM-FALLBACK",
        severity="warning",
        stage="narrative",
        message=f"大模型抽取失败，叙述事实已改由规则提取：{reason}",
    )
    return _rules(narrative), run, [finding]


def _reconciled(
    narrative: dict[str, str], llm_facts: NarrativeFacts, run: ExtractionRun, findings: list[Finding]
) -> tuple[NarrativeFacts, ExtractionRun, list[Finding]]:
    from gipr_llm.facts.llm_extract import narrative_sources
    from gipr_llm.facts.reconcile import reconcile

    facts, agreement, disagreements = reconcile(_rules(narrative), llm_facts, narrative_sources(narrative))
    run = run.model_copy(update={"agreement": agreement})
    return facts, run, [*findings, *disagreements]


def _rules(narrative: dict[str, str]) -> NarrativeFacts:
    # the rules drop counts stated only inside instructions to a model themselves
    # (facts/rules.py, with grounding's only_inside_instructions)
    return extract_facts_rules(narrative)
