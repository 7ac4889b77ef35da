"""LLM-written connecting prose for a brief: the 导语 and 综合研判 paragraphs, nothing else.

The code writes the brief from the validated data first (the template). The LLM then gets
that text and rewrites the two slot paragraphs through instructor into a pydantic schema.
Each paragraph is validated: every number in it (Arabic digits in any width, Chinese
numerals that count something) must be one the template brief states — which are all
traced to the data. A reply that breaks this is re-asked with the error (instructor, the
config's ``validation_retries``); after the last failure the template paragraphs stay and
the reason is returned for stderr. Nothing here raises for an LLM problem.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gipr_llm.domain.models import TokenUsage
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.protocol import LlmCallError, StructuredLLM
from gipr_llm.render.brief.document import Brief
from gipr_llm.render.brief.markdown import to_markdown
from gipr_llm.render.brief.numbers import numbers_in, untraced_numbers

log = logging.getLogger("gipr.llm")

BRIEF_PROMPT = "brief_v1"
SLOTS = ("overview", "assessment")
MAX_CHARS = 400
_MARKUP = ("#", "**", "\n", "|", "<", ">")


def prose_model(allowed: frozenset[Decimal]) -> type[BaseModel]:
    """The reply schema, its validators bound to the numbers this brief may state."""

    def check(text: str) -> str:
        text = text.strip()
        if not text:
            raise ValueError("段落不能为空")
        if len(text) > MAX_CHARS:
            raise ValueError(f"段落过长（{len(text)}字），不超过{MAX_CHARS}字")
        if any(mark in text for mark in _MARKUP):
            raise ValueError("只写一段正文，不用Markdown、标题、表格或换行")
        if bad := untraced_numbers(text, allowed):
            raise ValueError(
                f"出现了简报初稿中没有的数字：{'、'.join(bad)}。数字只能照抄初稿中的数字，"
                "不得推算、合计、换算或编造；不需要数字时不写数字"
            )
        return text

    class BriefProse(BaseModel):
        """简报的两段连接性文字"""

        model_config = ConfigDict(extra="forbid")

        overview: str = Field(description="导语段：正式公文语体概述简报要点，120至220字，一段")
        assessment: str = Field(description="综合研判段：简要研判和工作建议，80至200字，一段")

        @field_validator("overview", "assessment")
        @classmethod
        def _numbers_from_data(cls, value: str) -> str:
            return check(value)

    return BriefProse


@dataclass
class ProseOutcome:
    """What the prose call did, recorded like the narrative and 表三 calls: prompt and tokens."""

    used_llm: bool
    requests: int = 0
    reason: str | None = None  # why the template prose stayed
    prompt_id: str | None = None
    prompt_sha256: str | None = None
    usage: TokenUsage = field(default_factory=TokenUsage)  # billed, failed attempts included


def write_prose(brief: Brief, llm: StructuredLLM) -> ProseOutcome:
    """Replace the brief's slot paragraphs with LLM prose when the reply passes; else keep them."""
    from gipr_llm.facts.prompt import load_prompt

    draft = to_markdown(brief)
    allowed = frozenset(value for _, value in numbers_in(draft))
    model = prose_model(allowed)
    prompt = load_prompt(BRIEF_PROMPT)
    messages = prompt.messages(draft)
    try:
        result = llm.complete(messages, model)
    except LlmCallError as err:
        log.warning("大模型撰写简报文字未成功，已改用模板文字：%s", err.reason)
        return ProseOutcome(False, err.stats.requests, err.reason, prompt.id, prompt.sha256, err.stats.usage)
    for slot in SLOTS:
        if slot in brief.slots:
            brief.set_slot(slot, getattr(result.value, slot))
    brief.prose_by = "llm"
    usage = result.stats.usage
    log.info(
        "简报文字：提示词 %s（sha256 %s），%d 次请求，%d tokens",
        prompt.id,
        prompt.sha256[:12],
        result.stats.requests,
        usage.total_tokens,
    )
    return ProseOutcome(True, result.stats.requests, None, prompt.id, prompt.sha256, usage)


def write_prose_with_config(brief: Brief, config: LlmConfig) -> ProseOutcome:
    """``write_prose`` over the configured OpenAI-compatible endpoint; never raises."""
    secret = config.api_key.get_secret_value()
    try:
        from gipr_llm.llm.providers import make_llm

        return write_prose(brief, make_llm(config))
    except Exception as err:  # a provider or library bug must not cost the user the brief
        reason = f"{type(err).__name__}: {str(err).splitlines()[0][:200] if str(err).strip() else ''}"
        if secret:
            reason = reason.replace(secret, "***")
        log.warning("大模型撰写简报文字出错，已改用模板文字：%s", reason)
        return ProseOutcome(False, 0, reason)
