"""The provider-agnostic core: one grounded, cached structured call per report.

``grounded_call`` is shared by the narrative extraction and the table retry: look the
request up in the cache; otherwise ask the provider (``protocol.StructuredLLM``) with the
reply validated against the source texts; on the last attempt switch grounding to salvage
so that facts failing it are dropped (and reported) instead of failing the whole reply.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Generic

from gipr_llm.domain.models import ExtractionRun, Finding, NarrativeFacts, TokenUsage
from gipr_llm.domain.spec import NARRATIVE_SECTIONS
from gipr_llm.facts.grounding import Dropped, Grounding, grounded_in
from gipr_llm.facts.prompt import Prompt, narrative_report_text
from gipr_llm.facts.schema import NarrativeReply, to_facts
from gipr_llm.llm.cache import CacheEntry, ResponseCache, cache_key, schema_sha256
from gipr_llm.llm.protocol import CallStats, StructuredLLM, T

FIELD_LABELS = {
    "counts": "数字",
    "problems": "存在的问题",
    "measures": "改进措施",
    "initiatives": "工作亮点",
    "fee": "信息处理费",
}


@dataclass
class GroundedResult(Generic[T]):
    value: T
    stats: CallStats  # what this call sent and was billed: nothing on a cache hit
    cached: bool
    dropped: list[Dropped] = field(default_factory=list)
    saved: TokenUsage | None = None  # on a cache hit, what the cached reply cost when it was made


def grounded_call(
    llm: StructuredLLM,
    prompt: Prompt,
    input_text: str,
    response_model: type[T],
    sources: list[str],
    cache: ResponseCache | None = None,
) -> GroundedResult[T]:
    """A reply to ``prompt`` on ``input_text`` whose every fact is grounded in ``sources``.

    Raises ``LlmCallError`` when the provider gives up (transport or validation).
    """
    key = cache_key(
        model=llm.model,
        prompt_sha256=prompt.sha256,
        schema_sha256=schema_sha256(response_model),
        mode=llm.mode,
        input_text=input_text,
        endpoint=llm.base_url,
        sampling=llm.sampling,
    )
    entry = cache.get(key) if cache is not None else None
    if entry is not None:
        # Re-check the stored reply against today's source and rules; anything that no
        # longer grounds is dropped like a live fact would be.
        grounding = Grounding.of(sources)
        grounding.salvage = True
        with grounded_in(grounding):
            value = response_model.model_validate(entry.reply)
        dropped = [Dropped(**d) for d in entry.dropped] + grounding.dropped
        return GroundedResult(value, CallStats(), cached=True, dropped=dropped, saved=entry.usage)

    grounding = Grounding.of(sources)

    def salvage() -> None:
        grounding.salvage = True

    with grounded_in(grounding):
        result = llm.complete(prompt.messages(input_text), response_model, before_last_attempt=salvage)
    # A reply whose every fact was rejected is no answer: caching it would serve it again to a
    # later run (another endpoint, a fixed model) instead of asking.
    all_rejected = bool(grounding.dropped) and not _has_facts(result.value)
    if cache is not None and not all_rejected:
        cache.put(
            key,
            CacheEntry(
                model=llm.model,
                prompt_id=prompt.id,
                prompt_sha256=prompt.sha256,
                mode=llm.mode,
                reply=result.value.model_dump(mode="json"),
                dropped=[asdict(d) for d in grounding.dropped],
                usage=result.stats.usage,
                requests=result.stats.requests,
            ),
        )
    return GroundedResult(result.value, result.stats, cached=False, dropped=list(grounding.dropped))


def _has_facts(value: object) -> bool:
    fields = value.model_dump() if hasattr(value, "model_dump") else {}
    return any(v not in (None, [], {}) for v in fields.values())


def narrative_sources(narrative: dict[str, str]) -> list[str]:
    return [narrative[key] for key in NARRATIVE_SECTIONS if narrative.get(key)]


def extract_with_llm(
    narrative: dict[str, str],
    llm: StructuredLLM,
    prompt: Prompt,
    cache: ResponseCache | None = None,
) -> tuple[NarrativeFacts, ExtractionRun, list[Finding]]:
    """Narrative facts by the LLM: one request (plus re-asks), none on a cache hit."""
    result = grounded_call(
        llm, prompt, narrative_report_text(narrative), NarrativeReply, narrative_sources(narrative), cache
    )
    run = ExtractionRun(
        extractor="llm",
        model=llm.model,
        prompt_id=prompt.id,
        prompt_sha256=prompt.sha256,
        cached=result.cached,
        attempts=result.stats.requests,
        usage=result.stats.usage,
        saved_usage=result.saved,
    )
    findings = [ungrounded_finding(d) for d in result.dropped]
    if llm.mode_note:
        findings.append(Finding(rule="LLM-MODE", severity="info", stage="narrative", message=llm.mode_note))
    return to_facts(result.value), run, findings


def ungrounded_finding(dropped: Dropped) -> Finding:
    base = dropped.field.split("[", 1)[0]
    value = dropped.fact.get("value") if base == "counts" else dropped.fact.get("amount")
    return Finding(
        rule="LLM-UNGROUNDED",
        severity="warning",
        stage="narrative",
        raw=dropped.fact.get("quote"),
        values={"value": value if isinstance(value, int) else Decimal(repr(value))}
        if isinstance(value, int | float) and not isinstance(value, bool)
        else None,
        message=f"大模型给出的{FIELD_LABELS.get(base, base)}未通过原文核验，已舍弃：{dropped.reason}",
    )
