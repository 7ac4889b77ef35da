"""Row labels damaged by OCR, matched by their place in the template and edit distance.

An OCR'd label loses or swaps characters (「2.其他法律行政止公开」 for
「2.其他法律行政法规禁止公开」), so the label patterns miss it. The template fixes the order
of the rows, so a damaged label can only be one of the rows missing between the rows read
before and after it; among those, it is the one whose label it is closest to, when that
one is clearly closer than any other.
"""

from __future__ import annotations

from gipr_llm.domain import spec
from gipr_llm.domain.textnorm import squash

MIN_SIMILARITY = 0.6  # share of the label that must survive
MIN_MARGIN = 0.15  # how much closer than the next candidate


# Each table's row labels, and the other wordings a row is printed with (the 2021 表二
# prints 「行政规范性文件」).
ROW_LABELS: dict[str, dict[str, str]] = {"table3": spec.T3_ROW_LABELS, "table2": spec.T2_ROW_LABELS}
_VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {"table2": {"normative_documents": ("行政规范性文件",)}}


def _forms(table: str, key: str) -> tuple[str, ...]:
    """The row's full label, its own words without its group (「（三）不予公开」) for
    sub-rows, and the variant wordings it is printed with."""
    label = ROW_LABELS[table][key]
    item = label.split(" ", 1)[1] if " " in label else label
    return tuple(squash(f) for f in (item, label, *_VARIANTS.get(table, {}).get(key, ())))


def similarity(text: str, table: str, key: str) -> float:
    # imported here: only a damaged label needs it, and most runs read none
    from rapidfuzz.distance import Levenshtein

    return max(Levenshtein.normalized_similarity(text, form) for form in _forms(table, key))


def match_damaged(label: str, candidates: list[str], table: str = "table3") -> tuple[str | None, float]:
    """The candidate row a damaged label names, and how similar it is; None when unclear."""
    text = squash(label)
    scored = sorted((similarity(text, table, key), key) for key in candidates)
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


def split_tail(text: str, table: str, key: str) -> tuple[str, str]:
    """(the part of a damaged label that names the row, the words after it): a row label
    printed with its sub-row's name (「其他对外管理服务事行政检查」). The cut is where the
    head is most like the row's label; on a tie the shorter head (OCR drops characters)."""
    best = max(range(len(text) + 1), key=lambda i: (similarity(text[:i], table, key), -i))
    return text[:best], text[best:]
