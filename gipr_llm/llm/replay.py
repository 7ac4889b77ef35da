"""Record and replay at the provider protocol (``StructuredLLM``), for any provider.

The OpenAI-compatible path is recorded on the wire (golden's recording proxy) so that
replay drives the real openai client and instructor. A provider that does not speak that
wire (a native SDK) is recorded here instead: inside ``recording_calls()`` every provider
``make_llm`` builds is wrapped, and each call's request key, validated reply and usage are
kept; inside ``replaying_calls(entries)`` ``make_llm`` builds no provider at all and each
call is answered from the entries, the reply validated against the response model as a
live one would be (grounding included). Nothing here knows what the calls are about.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from gipr_llm.domain.models import TokenUsage
from gipr_llm.llm.protocol import CallStats, LlmCallError, LlmResult, StructuredLLM, T


class ProtocolEntry(BaseModel):
    """One call as the protocol saw it."""

    key: str  # request_key(...) of the call
    schema_name: str
    reply: dict[str, Any]  # the validated reply, as JSON
    usage: TokenUsage = TokenUsage()
    requests: int = 1


def request_key(model: str, messages: list[dict[str, str]], response_model: type[BaseModel]) -> str:
    """sha256 over what decides the answer: model, messages and the reply schema."""
    body = {"model": model, "messages": messages, "schema": response_model.model_json_schema()}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class RecordingLLM:
    """Any provider, with each successful call kept in ``entries``."""

    inner: StructuredLLM
    entries: list[ProtocolEntry]

    @property
    def model(self) -> str:
        return self.inner.model

    @property
    def mode(self) -> str:
        return self.inner.mode

    @property
    def base_url(self) -> str | None:
        return self.inner.base_url

    @property
    def sampling(self) -> dict[str, object]:
        return self.inner.sampling

    @property
    def mode_note(self) -> str | None:
        return self.inner.mode_note

    def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        before_last_attempt: Callable[[], None] = lambda: None,
    ) -> LlmResult[T]:
        result = self.inner.complete(messages, response_model, before_last_attempt=before_last_attempt)
        self.entries.append(
            ProtocolEntry(
                key=request_key(self.model, messages, response_model),
                schema_name=response_model.__name__,
                reply=result.value.model_dump(mode="json"),
                usage=result.stats.usage,
                requests=result.stats.requests,
            )
        )
        return result


@dataclass
class ReplayLLM:
    """Answers from recorded entries; a call with no entry is a failed call, and is kept in
    ``misses`` so the caller can say what changed."""

    model: str
    mode: str
    entries: dict[str, ProtocolEntry]
    misses: list[str] = field(default_factory=list)
    base_url: str | None = None
    sampling: dict[str, object] = field(default_factory=dict)
    mode_note: str | None = None

    def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        *,
        before_last_attempt: Callable[[], None] = lambda: None,
    ) -> LlmResult[T]:
        key = request_key(self.model, messages, response_model)
        entry = self.entries.get(key)
        if entry is None:
            self.misses.append(key)
            raise LlmCallError("回放：没有该请求的录制 (no recording for this request)", CallStats())
        before_last_attempt()  # the recorded reply is the final one: validate it as such
        stats = CallStats(requests=entry.requests, usage=entry.usage)
        try:
            return LlmResult(value=response_model.model_validate(entry.reply), stats=stats)
        except ValidationError as err:
            raise LlmCallError(f"回放：录制的回复未通过校验：{err.errors()[0]['msg']}", stats) from None


_RECORDING: ContextVar[list[ProtocolEntry] | None] = ContextVar("gipr_protocol_recording", default=None)
_REPLAY: ContextVar[ReplayLLM | None] = ContextVar("gipr_protocol_replay", default=None)


@contextmanager
def recording_calls() -> Iterator[list[ProtocolEntry]]:
    entries: list[ProtocolEntry] = []
    token = _RECORDING.set(entries)
    try:
        yield entries
    finally:
        _RECORDING.reset(token)


@contextmanager
def replaying_calls(model: str, mode: str, entries: list[ProtocolEntry]) -> Iterator[ReplayLLM]:
    replay = ReplayLLM(model, mode, {entry.key: entry for entry in entries})
    token = _REPLAY.set(replay)
    try:
        yield replay
    finally:
        _REPLAY.reset(token)


def active_replay() -> ReplayLLM | None:
    return _REPLAY.get()


def wrap_for_recording(llm: StructuredLLM) -> StructuredLLM:
    entries = _RECORDING.get()
    return llm if entries is None else RecordingLLM(llm, entries)
