"""Input limits: how much a small hostile file may make the tool do, each configurable.

Every limit refuses with one line naming the limit and the variable that sets it, so a
user whose real report hits one knows what to raise. Read from the environment on use,
so a test or a batch can set them per run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from gipr_llm.domain.models import LoadError

# libxml2 silently drops HTML content nested deeper than this even with huge_tree, so a
# configured depth limit above it could never be enforced.
PARSER_MAX_DEPTH = 2000


DOCX_XML_MB = 64.0  # decompressed XML of a .docx (a report's is a few MB)
MAX_DEPTH = 1000  # element nesting of an HTML page or a .docx body
LLM_CHARS = 200_000  # characters of report text sent in one LLM request


@dataclass(frozen=True, slots=True)
class Limits:
    docx_xml_mb: float = DOCX_XML_MB
    max_depth: int = MAX_DEPTH
    llm_chars: int = LLM_CHARS

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        env = os.environ if env is None else env
        return cls(
            docx_xml_mb=_positive(env, "GIPR_MAX_DOCX_XML_MB", DOCX_XML_MB, float),
            max_depth=min(PARSER_MAX_DEPTH, int(_positive(env, "GIPR_MAX_DEPTH", MAX_DEPTH, int))),
            llm_chars=int(_positive(env, "GIPR_MAX_LLM_CHARS", LLM_CHARS, int)),
        )


def _positive(env: Mapping[str, str], variable: str, default: float, kind: type[int] | type[float]) -> float:
    raw = env.get(variable)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise LoadError(f"{variable} 应为正数，实际为 {raw!r} (invalid limit)") from None
    if value <= 0:
        raise LoadError(f"{variable} 应为正数，实际为 {raw!r} (invalid limit)")
    return value


def refuse_depth(depth_limit: int) -> LoadError:
    return LoadError(
        f"元素嵌套超过{depth_limit}层，超出限制 GIPR_MAX_DEPTH={depth_limit} (element depth limit)"
    )


def nesting_exceeds(root: object, limit: int) -> bool:
    """Whether an lxml tree nests deeper than ``limit``; stops at the first element past it."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in element)  # type: ignore[attr-defined]
    return False
