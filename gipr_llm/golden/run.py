"""A fresh run of the pipeline on a golden case, shaped like its ``expected.json``.

Two modes, each the path a user's run takes:

- ``replay``: the LLM path (openai + instructor + grounding) answered from the case's
  recording by the local scripted server;
- ``rules``: no LLM configured, the rules extractor (what ``gipr extract`` does by default).

Each run ends like ``gipr check``: the findings of the earlier stages, then ``check_report``.

The document keeps what the modes share once (source, meta, tables, narrative texts, and the
findings every mode produced) and, under ``replay`` and ``rules``, what depends on the
narrative extractor (the run's description, the facts, and the remaining findings). Nothing
volatile goes in: the source path is relative to ``golden/``, the response cache is off, and
there are no timestamps or durations.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Literal

from gipr_llm.domain.models import LoadError, Report
from gipr_llm.golden.store import GoldenCase, GoldenError

Mode = Literal["replay", "rules"]
MODES: tuple[Mode, ...] = ("replay", "rules")
SHARED_KEYS = ("source", "meta", "table2", "table3", "table4", "narrative")


def run_case(case: GoldenCase, mode: Mode) -> Report:
    from gipr_llm.checks.batch import all_findings
    from gipr_llm.golden.recording import replay_extract
    from gipr_llm.pipeline import extract

    try:
        report = replay_extract(case) if mode == "replay" else extract(case.input_path, None)
    except LoadError as err:
        raise GoldenError(f"{case.name}: {case.relative(case.input_path)} 无法读取：{err}") from None
    report.findings = all_findings(report)
    return report


def shared_part(case: GoldenCase, report: Report) -> dict[str, Any]:
    source = report.source.model_dump(mode="json")
    source["path"] = case.relative(case.input_path)
    doc: dict[str, Any] = {"source": source, "meta": report.meta.model_dump(mode="json")}
    for name in ("table2", "table3", "table4"):
        table = getattr(report, name)
        doc[name] = table.model_dump(mode="json") if table is not None else None
    doc["narrative"] = dict(report.narrative)
    return doc


def mode_part(report: Report) -> dict[str, Any]:
    return {
        "extraction": report.extraction.model_dump(mode="json"),
        "facts": report.facts.model_dump(mode="json"),
        "findings": finding_dicts(report),
    }


def finding_dicts(report: Report) -> list[dict[str, Any]]:
    return [f.model_dump(mode="json", exclude_none=True) for f in report.findings]


def _identity(item: Any) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True)


def common_items(lists: list[list[Any]]) -> list[Any]:
    """The items every list holds (as a multiset), in the first list's order."""
    counts = [Counter(_identity(item) for item in items) for items in lists]
    out = []
    for item in lists[0]:
        key = _identity(item)
        if all(c[key] > 0 for c in counts):
            out.append(item)
            for c in counts:
                c[key] -= 1
    return out


def without(items: list[Any], removed: list[Any]) -> list[Any]:
    """``items`` minus ``removed`` (as multisets), keeping order."""
    left = Counter(_identity(item) for item in removed)
    out = []
    for item in items:
        key = _identity(item)
        if left[key] > 0:
            left[key] -= 1
        else:
            out.append(item)
    return out


def build_document(
    case: GoldenCase, runs: dict[Mode, Report], shared_findings: list[Any] | None = None
) -> dict:
    """The expected-shaped document of ``runs`` (one report per mode).

    ``shared_findings`` is the expected document's shared findings when only some modes ran:
    the shared list is then those of them every run still produced.
    """
    modes = [m for m in MODES if m in runs]
    first = runs[modes[0]]
    doc = shared_part(case, first)
    for mode in modes[1:]:
        other = shared_part(case, runs[mode])
        if other != doc:  # the modes differ only after the tables; anything else is a bug
            differing = [k for k in SHARED_KEYS if other.get(k) != doc.get(k)]
            raise GoldenError(f"{case.name}: {mode} 与 {modes[0]} 两种模式的 {'、'.join(differing)} 不一致")
    parts = {mode: mode_part(runs[mode]) for mode in modes}
    all_lists = [parts[m]["findings"] for m in modes]
    if shared_findings is not None and len(modes) < len(MODES):
        all_lists = [shared_findings, *all_lists]
    shared = common_items(all_lists)
    doc["findings"] = shared
    for mode in modes:
        parts[mode]["findings"] = without(parts[mode]["findings"], shared)
        doc[mode] = parts[mode]
    return doc


def fresh_document(case: GoldenCase, modes: tuple[Mode, ...] = MODES, expected: dict | None = None) -> dict:
    runs = {mode: run_case(case, mode) for mode in modes}
    return build_document(case, runs, (expected or {}).get("findings"))
