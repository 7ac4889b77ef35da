"""What the extraction core needs from an LLM provider, and nothing more.

The callers (``facts.llm_extract``, ``facts.table3_reread``, ``render.brief.llm_prose``) build
messages, check replies and cache them; a provider (``openai_compat``: openai + instructor)
turns messages and a response model into a validated instance, handling transport retries,
re-asks and the deadline. Another provider implements this protocol alone and gets one row
in ``providers.PROVIDERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from gipr_llm.domain.models import TokenUsage

T = TypeVar("T", bound=BaseModel)


@dataclass
class CallStats:
    """Requests sent and tokens billed, over every attempt of one call (failed ones too)."""

    requests: int = 0
    usage: TokenUsage = field(default_factory=TokenUsage)

    def add_usage(self, prompt: int, completion: int, total: int | None = None) -> None:
        self.usage = TokenUsage(
            prompt_tokens=self.usage.prompt_tokens + prompt,
            completion_tokens=self.usage.completion_tokens + completion,
            total_tokens=self.usage.total_tokens + (total if total is not None else prompt + completion),
        )


@dataclass
class LlmResult(Generic[T]):
    value: T
    stats: CallStats


class LlmCallError(Exception):
    """The provider gave up. ``reason`` is one line of Chinese for the output; ``stats``
    still counts what was sent and billed."""

    def __init__(self, reason: str, stats: CallStats) -> None:
        super().__init__(reason)
        self.reason = reason
        self.stats = stats
        self.refused_tools = False  # an HTTP 400 saying the endpoint cannot call tools


class StructuredLLM(Protocol):
    model: str
    mode: str  # the mode requests are sent in now ("auto" is resolved to tools or json)
    base_url: str | None  # the endpoint: part of the cache key
    sampling: dict[str, object]  # temperature and the like: part of the cache key
    mode_note: str | None  # set when the provider changed mode during a call (auto: tools -> json)

    def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        before_last_attempt: Callable[[], None] = ...,
    ) -> LlmResult[T]:
        """A validated ``response_model`` instance, re-asking with the validation error when
        a reply fails. ``before_last_attempt`` runs before the final reply is validated (the
        caller switches grounding to salvage there). Raises ``LlmCallError``."""
        ...
