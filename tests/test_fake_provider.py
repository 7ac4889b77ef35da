"""The provider protocol exercised in process: the same core code (grounded call, cache,
narrative extraction) driven by ``FakeLLM`` instead of HTTP. Replies here are scripted."""

from __future__ import annotations

import pytest

from gipr_llm.facts.llm_extract import extract_with_llm
from gipr_llm.facts.prompt import load_prompt
from gipr_llm.llm.cache import ResponseCache
from gipr_llm.llm.fake import FakeLLM
from gipr_llm.llm.protocol import LlmCallError
from gipr_llm.pipeline import read_report

GOOD = {
    "counts": [{"kind": "proactive_total", "value": 21, "unit": "条", "quote": "主动公开政府信息21条"}],
    "problems": [],
    "measures": [],
}
INVENTED = {
    "counts": [{"kind": "proactive_total", "value": 35, "unit": "条", "quote": "全年主动公开政府信息35条"}],
    "problems": [],
    "measures": [],
}


@pytest.fixture(scope="module")
def narrative(seed_paths) -> dict[str, str]:
    return read_report(seed_paths["001"]).narrative


def test_a_grounded_reply_becomes_a_fact(narrative):
    llm = FakeLLM.scripted([GOOD])
    facts, run, findings = extract_with_llm(narrative, llm, load_prompt("narrative_v1"))
    assert [(c.kind, c.value, c.extractor) for c in facts.counts] == [("proactive_total", 21, "llm")]
    assert run.attempts == 1 and run.usage.total_tokens == 120 and findings == []
    # The report text went in as data, inside <report>.
    assert "<report>" in llm.calls[0][-1]["content"]


def test_an_ungrounded_fact_is_reasked_then_dropped_with_a_finding(narrative):
    llm = FakeLLM.scripted([INVENTED, INVENTED, INVENTED])
    facts, run, findings = extract_with_llm(narrative, llm, load_prompt("narrative_v1"))
    assert facts.counts == [] and run.attempts == 3
    assert [f.rule for f in findings] == ["LLM-UNGROUNDED"]
    assert "35" in llm.calls[1][-1]["content"]  # the re-ask carried the validation error


def test_a_cache_hit_calls_nothing(narrative, tmp_path):
    cache = ResponseCache(tmp_path)
    extract_with_llm(narrative, FakeLLM.scripted([GOOD]), load_prompt("narrative_v1"), cache)
    second = FakeLLM.scripted([])
    facts, run, _ = extract_with_llm(narrative, second, load_prompt("narrative_v1"), cache)
    assert second.calls == [] and run.cached and facts.counts[0].value == 21


def test_a_reply_that_never_validates_is_a_call_error(narrative):
    llm = FakeLLM.scripted(["not json", "[]", {"counts": 5}])
    with pytest.raises(LlmCallError) as caught:
        extract_with_llm(narrative, llm, load_prompt("narrative_v1"))
    assert caught.value.stats.requests == 3
