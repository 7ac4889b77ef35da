"""The provider registry: the one place that maps a provider name to its implementation.

A provider is a class built from ``LlmConfig`` that implements ``protocol.StructuredLLM``.
Entries are import strings so a provider's SDK is imported only when it is used. A native
provider (Anthropic, the DashScope SDK) is one new module beside ``openai_compat.py`` and
one row here.
"""

from __future__ import annotations

from importlib import import_module

from gipr_llm.llm.config import LlmConfig, LlmConfigError
from gipr_llm.llm.protocol import StructuredLLM

PROVIDERS: dict[str, str] = {
    # Any OpenAI-compatible endpoint: OpenAI, DeepSeek, Qwen (DashScope compatible mode), vLLM, Ollama.
    "openai": "gipr_llm.llm.openai_compat:OpenAICompatibleLLM",
}


def make_llm(config: LlmConfig) -> StructuredLLM:
    """The provider ``config.provider`` names, built from ``config`` (or, during a protocol
    replay, the recorded answers; during a protocol recording, the provider wrapped)."""
    from gipr_llm.llm.replay import active_replay, wrap_for_recording

    if (replay := active_replay()) is not None:
        return replay
    target = PROVIDERS.get(config.provider)
    if target is None:
        known = "、".join(sorted(PROVIDERS))
        raise LlmConfigError(f"未知的大模型提供方 {config.provider!r}，可选 {known} (unknown provider)")
    module, _, name = target.partition(":")
    return wrap_for_recording(getattr(import_module(module), name)(config))
