"""Field-level difference between an expected golden document and a fresh one.

Paths follow the JSON of ``expected.json``: ``table3.rows.unavailable_not_held[6]``,
``replay.facts.counts``, ``findings``. Values are compared exactly (a table cell, a quote,
a message). Lists that are sets — findings, facts — are matched by identity, not position,
so a reordering is no difference and a change reads as what it is:

- a finding's identity is ``rule table row column``;
- a count fact's is ``kind`` and ``label``; a text fact's is its quote;

items of the same identity are paired exactly-equal first, then in order; a pair that still
differs is reported field by field, and what is left over is ``missing`` or ``extra``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from gipr_llm.domain.spec import T3_COLUMNS
from gipr_llm.domain.textnorm import squash

MAX_SHOWN = 140


@dataclass(frozen=True)
class Difference:
    path: str
    kind: Literal["changed", "missing", "extra"]
    expected: Any = None
    actual: Any = None
    label: str | None = None  # the item's identity, for missing/extra list items

    def render(self, case: str) -> str:
        where = f"{case}/{self.path}{_column_hint(self.path)}"
        if self.kind == "changed":
            return f"{where}: {_changed(self.expected, self.actual)}"
        value = self.expected if self.kind == "missing" else self.actual
        return f"{where}: {self.kind} {self.label if self.label is not None else _show(value)}"


def diff_documents(expected: dict[str, Any], actual: dict[str, Any]) -> list[Difference]:
    """Every difference between two golden documents, in the expected document's order.

    Top-level parts missing from ``actual`` (a mode that was not run) are not compared."""
    out: list[Difference] = []
    for key in expected:
        if key in actual:
            out.extend(diff_value(key, expected[key], actual[key]))
    for key in actual:
        if key not in expected:
            out.append(Difference(key, "extra", actual=actual[key]))
    return out


def diff_value(path: str, expected: Any, actual: Any) -> list[Difference]:
    keyed = _keyed_list(path)
    if keyed is not None and isinstance(expected, list) and isinstance(actual, list):
        return _diff_items(path, expected, actual, *keyed)
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[Difference] = []
        for key in expected:
            child = f"{path}.{key}"
            if key in actual:
                out.extend(diff_value(child, expected[key], actual[key]))
            else:
                out.append(Difference(child, "missing", expected=expected[key]))
        out.extend(
            Difference(f"{path}.{k}", "extra", actual=v) for k, v in actual.items() if k not in expected
        )
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        out = []
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            out.extend(diff_value(f"{path}[{index}]", e, a))
        return out
    if expected == actual and type(expected) is type(actual):
        return []
    return [Difference(path, "changed", expected, actual)]


# --- lists matched by identity ------------------------------------------------------

Key = Callable[[dict[str, Any]], str]
Label = Callable[[dict[str, Any]], str]


def _finding_key(item: dict[str, Any]) -> str:
    parts = (item.get("rule"), item.get("table"), item.get("row"), item.get("column"))
    return " ".join(str(p) for p in parts if p)


def _finding_label(item: dict[str, Any]) -> str:
    sub = f"（{item['row_label']}）" if item.get("row_label") and not item.get("row") else ""
    return f"{_finding_key(item)}{sub} [{item.get('severity')}] {_clip(str(item.get('message', '')), 80)}"


def _count_key(item: dict[str, Any]) -> str:
    return f"{item.get('kind')} {item['label']}" if item.get("label") else str(item.get("kind"))


def _count_label(item: dict[str, Any]) -> str:
    return f"{_count_key(item)} {item.get('value')}{item.get('unit') or ''} 「{_clip(str(item.get('quote')), 60)}」"


def _text_key(item: dict[str, Any]) -> str:
    return f"「{_clip(squash(str(item.get('quote', ''))), 24)}」"


def _text_label(item: dict[str, Any]) -> str:
    return f"「{_clip(str(item.get('quote', '')), 60)}」"


def _keyed_list(path: str) -> tuple[Key, Label] | None:
    last = path.rsplit(".", 1)[-1]
    if last == "findings":
        return _finding_key, _finding_label
    if path.endswith("facts.counts"):
        return _count_key, _count_label
    if path.endswith(("facts.problems", "facts.measures", "facts.initiatives")):
        return _text_key, _text_label
    return None


def _diff_items(
    path: str, expected: list[Any], actual: list[Any], key: Key, label: Label
) -> list[Difference]:
    def key_of(item: Any) -> str:
        return key(item) if isinstance(item, dict) else _show(item)

    def label_of(item: Any) -> str:
        return label(item) if isinstance(item, dict) else _show(item)

    groups: dict[str, tuple[list[Any], list[Any]]] = {}
    for item in expected:
        groups.setdefault(key_of(item), ([], []))[0].append(item)
    for item in actual:
        groups.setdefault(key_of(item), ([], []))[1].append(item)
    out: list[Difference] = []
    for group_key, (exp, act) in groups.items():
        exp, act = list(exp), list(act)
        for item in list(exp):  # exact pairs first: they are no difference
            if item in act:
                exp.remove(item)
                act.remove(item)
        for e, a in zip(exp, act, strict=False):
            out.extend(diff_value(f"{path}[{group_key}]", e, a))
        out.extend(Difference(path, "missing", expected=e, label=label_of(e)) for e in exp[len(act) :])
        out.extend(Difference(path, "extra", actual=a, label=label_of(a)) for a in act[len(exp) :])
    return out


# --- rendering ------------------------------------------------------------------------


def _column_hint(path: str) -> str:
    """``table3.rows.granted[6]`` -> `` (total)``: 表三 rows are lists in column order."""
    if path.startswith("table3.rows.") and path.endswith("]") and "[" in path:
        index = path.rsplit("[", 1)[1][:-1]
        if index.isdigit() and int(index) < len(T3_COLUMNS):
            return f" ({T3_COLUMNS[int(index)]})"
    return ""


def _show(value: Any) -> str:
    return _clip(json.dumps(value, ensure_ascii=False), MAX_SHOWN)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _changed(expected: Any, actual: Any) -> str:
    if isinstance(expected, str) and isinstance(actual, str) and max(len(expected), len(actual)) > 100:
        return _string_change(expected, actual)
    return f"{_show(expected)} -> {_show(actual)}"


def _string_change(expected: str, actual: str, context: int = 20) -> str:
    """A long text change shown around its first differing character, the changed span
    marked 【like this】 in both versions."""
    start = next((i for i, (a, b) in enumerate(zip(expected, actual, strict=False)) if a != b), None)
    if start is None:
        start = min(len(expected), len(actual))
    end_e, end_a = len(expected), len(actual)
    while end_e > start and end_a > start and expected[end_e - 1] == actual[end_a - 1]:
        end_e, end_a = end_e - 1, end_a - 1
    lo = max(0, start - context)

    def piece(text: str, end: int) -> str:
        head = "…" if lo > 0 else ""
        tail = "…" if end + context < len(text) else ""
        marked = f"{text[lo:start]}【{text[start:end]}】{text[end : end + context]}"
        return json.dumps(head + marked + tail, ensure_ascii=False)

    return f"at char {start}: {piece(expected, end_e)} -> {piece(actual, end_a)}"
