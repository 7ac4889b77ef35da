"""Row labels damaged by OCR, matched by their place in the template and edit distance.

An OCR'd label loses or swaps characters (「2.其他法律行政止公开」 for
「2.其他法律行政法规禁止公开」), so the label patterns miss it. The template fixes the order
of the rows, so a damaged label can only be one of the rows missing between the rows read
before and after it; among those, it is the one whose label it is closest to, when that
one is clearly closer than any other.
"""

from __future__ import annotations

from rapidfuzz.distance import Levenshtein

from gipr_llm.domain import spec
from gipr_llm.domain.textnorm import squash

MIN_SIMILARITY = 0.6  # share of the label that must survive
MIN_MARGIN = 0.15  # how much closer than the next candidate


def _item(key: str) -> str:
    """The row's own words, without its group (「（三）不予公开」) for sub-rows."""
    label = spec.T3_ROW_LABELS[key]
    return squash(label.split(" ", 1)[1] if " " in label else label)


def match_damaged(label: str, candidates: list[str]) -> tuple[str | None, float]:
    """The candidate row a damaged label names, and how similar it is; None when unclear."""
    text = squash(label)
    scored = sorted(
        (
            max(
                Levenshtein.normalized_similarity(text, _item(key)),
                Levenshtein.normalized_similarity(text, squash(spec.T3_ROW_LABELS[key])),
            ),
            key,
        )
        for key in candidates
    )
    if not scored:
        return None, 0.0
    best, key = scored[-1]
    runner_up = scored[-2][0] if len(scored) > 1 else 0.0
    if best >= MIN_SIMILARITY and best - runner_up >= MIN_MARGIN:
        return key, best
    return None, best


def slot(order: tuple[str, ...], found: set[str], before: str | None, after: str | None) -> list[str]:
    """Template rows missing from ``found`` between the rows read before and after a label."""
    start = order.index(before) + 1 if before in order else 0
    end = order.index(after) if after in order else len(order)
    return [key for key in order[start:end] if key not in found]
