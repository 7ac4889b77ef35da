"""An in-process provider for unit tests: replies come from a function, not a server.

``FakeLLM`` implements ``protocol.StructuredLLM`` the way a real provider must: each reply is
validated against the response model, a reply that fails is re-asked with the error (up to
``validation_retries`` times), ``before_last_attempt`` runs before the final attempt, and when
every attempt fails it raises ``LlmCallError``. Usage is counted per attempt, so callers'
token accounting is exercised too. It makes no network call; the HTTP path is tested with
``scripted_server`` and the real openai client.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from gipr_llm.llm.protocol import CallStats, LlmCallError, LlmResult, T

# A reply function gets the messages sent so far (the re-ask's error appended as a user
# message) and the response model, and returns the reply as a dict or a JSON string.
Reply = Callable[[list[dict[str, str]], type], "dict[str, Any] | str"]


@dataclass
class FakeLLM:
    reply: Reply
    model: str = "fake-model"
    mode: str = "tools"
    base_url: str | None = None
    sampling: dict[str, Any] = field(default_factory=dict)
    mode_note: str | None = None
    validation_retries: int = 2
    tokens_per_reply: tuple[int, int] = (100, 20)  # prompt, completion
    calls: list[list[dict[str, str]]] = field(default_factory=list)

    @classmethod
    def scripted(cls, replies: Iterable[dict[str, Any] | str], **kwargs: Any) -> FakeLLM:
        """Replies in order, one per attempt."""
        queue = list(replies)
        return cls(reply=lambda _messages, _model: queue.pop(0), **kwargs)

    def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        before_last_attempt: Callable[[], None] = lambda: None,
    ) -> LlmResult[T]:
        stats = CallStats()
        sent = list(messages)
        attempts = self.validation_retries + 1
        for attempt in range(1, attempts + 1):
            if attempt == attempts:
                before_last_attempt()
            self.calls.append(list(sent))
            stats.requests += 1
            stats.add_usage(*self.tokens_per_reply)
            raw = self.reply(sent, response_model)
            try:
                data = json.loads(raw) if isinstance(raw, str) else raw
                return LlmResult(value=response_model.model_validate(data), stats=stats)
            except (ValidationError, json.JSONDecodeError, ValueError) as err:
                sent = [*sent, {"role": "user", "content": f"Correct the validation error: {err}"}]
                last = err
        raise LlmCallError(f"模型回复经 {attempts} 次尝试仍未通过校验：{last}", stats)
