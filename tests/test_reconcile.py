"""Rules and LLM facts reconciled; a hostile endpoint never costs a rules fact and is never
cached; the cache key knows the endpoint; auto mode falls back to JSON once.

The LLM replies are scripted (the project's local OpenAI-protocol server, the real openai
client and instructor), not model output.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from gipr_llm.domain.models import CountFact, NarrativeFacts
from gipr_llm.facts.narrative import extract_narrative
from gipr_llm.facts.reconcile import DISAGREE_RULE, reconcile
from gipr_llm.facts.rules import extract_facts_rules
from gipr_llm.llm import openai_compat
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.scripted_server import Reply, Script, ScriptedServer, Status
from gipr_llm.pipeline import read_report

GOOD = {
    "counts": [
        {"kind": "proactive_total", "value": 21, "unit": "条", "quote": "主动公开政府信息21条"},
        {"kind": "applications_received", "value": 0, "unit": "件", "quote": "全年共受理信息公开申请0件"},
    ]
}
HOSTILE = {  # every fact invented: no quote is in the report
    "counts": [
        {"kind": "proactive_total", "value": 999, "unit": "条", "quote": "全年主动公开政府信息999条"},
        {"kind": "applications_received", "value": 88, "unit": "件", "quote": "全年共受理信息公开申请88件"},
    ],
    "problems": [{"text": "编造的问题", "quote": "本单位政务公开工作十全十美无可挑剔"}],
}


@pytest.fixture(scope="module")
def narrative(seed_paths) -> dict[str, str]:
    return read_report(seed_paths["001"]).narrative


@pytest.fixture
def servers() -> Iterator[list[ScriptedServer]]:
    started: list[ScriptedServer] = []
    yield started
    for server in started:
        server.stop()


def serve(servers: list[ScriptedServer], *steps, then=None) -> ScriptedServer:
    server = ScriptedServer(Script(steps, then=then)).start()
    servers.append(server)
    return server


def config(server: ScriptedServer, cache_dir, **overrides) -> LlmConfig:
    settings = {
        "model": "same-model-name",
        "api_key": SecretStr("sk-test"),
        "base_url": server.base_url,
        "cache_dir": cache_dir,
        "timeout": 5.0,
        "backoff_base": 0.01,
        "validation_retries": 1,
    }
    return LlmConfig.model_validate({**settings, **overrides})


def test_hostile_endpoint_keeps_every_rules_fact_and_is_not_cached(servers, narrative, tmp_path):
    rules = extract_facts_rules(narrative)
    hostile = serve(servers, then=Reply(HOSTILE))
    facts, run, findings = extract_narrative(narrative, config(hostile, tmp_path))
    assert [(c.kind, c.value, c.quote) for c in facts.counts] == [
        (c.kind, c.value, c.quote) for c in rules.counts
    ]
    assert facts.problems == rules.problems and facts.fee == rules.fee
    assert {c.extractor for c in facts.counts} == {"rules"}
    assert run.agreement is not None and run.agreement.rules_only == len(rules.counts)
    assert sum(f.rule == "LLM-UNGROUNDED" for f in findings) == 3
    assert not list(tmp_path.rglob("*.json"))  # the rejected reply is not an answer

    # The next run against a good endpoint asks it, and gets its facts.
    good = serve(servers, Reply(GOOD))
    facts, run, _ = extract_narrative(narrative, config(good, tmp_path))
    assert len(good.completion_requests) == 1 and not run.cached
    assert [(c.value, c.extractor) for c in facts.counts if c.kind == "proactive_total"] == [
        (21, "rules+llm")
    ]


def test_cache_key_includes_the_endpoint_and_sampling(servers, narrative, tmp_path):
    first = serve(servers, Reply(GOOD))
    extract_narrative(narrative, config(first, tmp_path))
    _, run, _ = extract_narrative(narrative, config(first, tmp_path))
    assert run.cached and run.usage is not None and run.usage.total_tokens == 0
    assert run.saved_usage is not None and run.saved_usage.total_tokens > 0

    other = serve(servers, Reply(GOOD), Reply(GOOD))  # same model name, another server
    _, run, _ = extract_narrative(narrative, config(other, tmp_path))
    assert not run.cached and len(other.completion_requests) == 1
    _, run, _ = extract_narrative(narrative, config(other, tmp_path, temperature=0.7))
    assert not run.cached and len(other.completion_requests) == 2


def test_no_cache_option_and_environment(tmp_path):
    env = {"GIPR_MODEL": "m", "OPENAI_API_KEY": "k"}
    default = LlmConfig.from_options(env=env)
    assert (
        default is not None and default.cache_dir is not None and ".gipr-cache" not in str(default.cache_dir)
    )
    assert default.cache_dir.is_absolute()
    chosen = LlmConfig.from_options(env={**env, "GIPR_CACHE_DIR": str(tmp_path)})
    assert chosen is not None and chosen.cache_dir == tmp_path
    off = LlmConfig.from_options(env={**env, "GIPR_CACHE_DIR": str(tmp_path)}, no_cache=True)
    assert off is not None and off.cache_dir is None
    assert default.mode == "auto"


def test_auto_mode_switches_to_json_once_when_tools_are_refused(servers, narrative, tmp_path):
    openai_compat._JSON_ONLY.clear()
    refused = "tools are not supported by this model (tool_choice auto requires --enable-auto-tool-choice)"
    server = serve(servers, Status(400, message=refused), Reply(GOOD), Reply(GOOD))
    _, run, findings = extract_narrative(narrative, config(server, None))
    assert run.extractor == "llm" and run.fallback_reason is None and run.attempts == 2
    assert [f.rule for f in findings if f.rule == "LLM-MODE"] == ["LLM-MODE"]
    first, second = server.completion_requests
    assert "tools" in first.body and "tools" not in second.body and "response_format" in second.body
    # The next report to the same endpoint goes straight to JSON mode, and says nothing more.
    _, run, findings = extract_narrative(narrative, config(server, None))
    assert run.attempts == 1 and "tools" not in server.completion_requests[2].body
    assert not [f for f in findings if f.rule == "LLM-MODE"]
    openai_compat._JSON_ONLY.clear()


def test_a_400_for_another_reason_is_not_a_mode_switch(servers, narrative):
    openai_compat._JSON_ONLY.clear()
    server = serve(servers, Status(400, message="context length exceeded"), then=Reply(GOOD))
    facts, run, _ = extract_narrative(narrative, config(server, None))
    assert run.extractor == "rules" and "HTTP 400" in (run.fallback_reason or "")
    assert len(server.completion_requests) == 1 and facts.counts  # the rules' facts stand


def count(kind: str, value: int, quote: str, extractor: str) -> CountFact:
    return CountFact(kind=kind, value=value, unit="条", quote=quote, extractor=extractor)  # type: ignore[arg-type]


SOURCE = ["本局全年主动公开政府信息120条，其中规范性文件12条。局门户网站全年共更新信息130条。"]


def test_both_grounded_but_different_are_both_kept_with_a_finding():
    rules = NarrativeFacts(counts=[count("proactive_total", 120, "本局全年主动公开政府信息120条", "rules")])
    llm = NarrativeFacts(counts=[count("proactive_total", 130, "局门户网站全年共更新信息130条", "llm")])
    facts, agreement, findings = reconcile(rules, llm, SOURCE)
    assert [(c.value, c.extractor) for c in facts.counts] == [(120, "rules"), (130, "llm")]
    assert [f.rule for f in findings] == [DISAGREE_RULE] and agreement.disagreed == 1


def test_the_grounded_one_wins_a_disagreement():
    # A rules fact that grounding would not accept as a total (an item after 其中) loses.
    rules = NarrativeFacts(counts=[count("proactive_total", 12, "其中规范性文件12条", "rules")])
    llm = NarrativeFacts(counts=[count("proactive_total", 120, "本局全年主动公开政府信息120条", "llm")])
    facts, agreement, findings = reconcile(rules, llm, SOURCE)
    assert [(c.value, c.extractor) for c in facts.counts] == [(120, "llm")] and findings == []
    assert agreement.rate == 0.0


def test_agreement_and_one_sided_facts():
    rules = NarrativeFacts(
        counts=[
            count("proactive_total", 120, "本局全年主动公开政府信息120条", "rules"),
            count("proactive_item", 12, "其中规范性文件12条", "rules"),
        ]
    )
    llm = NarrativeFacts(counts=[count("proactive_total", 120, "全年主动公开政府信息120条", "llm")])
    facts, agreement, _ = reconcile(rules, llm, SOURCE)
    assert [(c.value, c.extractor) for c in facts.counts] == [(120, "rules+llm"), (12, "rules")]
    assert (agreement.agreed, agreement.rules_only, agreement.llm_only) == (1, 1, 0) and agreement.rate == 0.5
