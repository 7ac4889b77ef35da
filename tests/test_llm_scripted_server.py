"""The scripted OpenAI-protocol server itself, and the response cache around it."""

from __future__ import annotations

import openai
import pytest
from pydantic import SecretStr

from gipr_llm.facts.narrative import extract_narrative
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.scripted_server import RecordedRequest, Reply, Script, ScriptedServer, Status


def test_replies_are_marked_as_scripted_and_requests_recorded():
    seen: list[RecordedRequest] = []

    def source(request: RecordedRequest) -> Reply:  # a pluggable reply source (record/replay)
        seen.append(request)
        return Reply({"echo": request.body["messages"][-1]["content"]})

    with ScriptedServer(source) as server:
        client = openai.OpenAI(api_key="k", base_url=server.base_url, max_retries=0)
        completion = client.chat.completions.create(
            model="any", messages=[{"role": "user", "content": "你好"}]
        )
        bare = openai.OpenAI(api_key="k", base_url=server.base_url.removesuffix("/v1"), max_retries=0)
        bare.chat.completions.create(model="any", messages=[{"role": "user", "content": "again"}])

    assert completion.model == "scripted" and completion.system_fingerprint == "scripted"
    assert completion.id.startswith("scripted-")
    assert completion.choices[0].message.content == '```json\n{"echo": "你好"}\n```'
    assert completion.usage is not None and completion.usage.prompt_tokens > 0
    assert [r.path for r in seen] == ["/v1/chat/completions", "/chat/completions"]
    assert server.requests == seen


def test_status_steps_are_real_http_errors():
    with ScriptedServer(Script([Status(429, {"Retry-After": "7"})])) as server:
        client = openai.OpenAI(api_key="k", base_url=server.base_url, max_retries=0)
        with pytest.raises(openai.RateLimitError) as caught:
            client.chat.completions.create(model="any", messages=[{"role": "user", "content": "x"}])
    assert caught.value.response.headers["retry-after"] == "7"


def test_damaged_cache_entry_is_a_miss(tmp_path, seed_paths):
    from gipr_llm.pipeline import read_report

    narrative = read_report(seed_paths["002"]).narrative
    reply = {
        "counts": [
            {"kind": "proactive_total", "value": 63, "unit": "条", "quote": "全年共主动公开政府信息63条"}
        ]
    }
    with ScriptedServer(Script([Reply(reply), Reply(reply)])) as server:
        config = LlmConfig(model="m", api_key=SecretStr("k"), base_url=server.base_url, cache_dir=tmp_path)
        first = extract_narrative(narrative, config)
        [entry] = list(tmp_path.rglob("*.json"))
        entry.write_text("{ truncated", encoding="utf-8")
        second = extract_narrative(narrative, config)
        assert len(server.completion_requests) == 2
    assert not second[1].cached and second[0] == first[0]
    assert [c.value for c in first[0].counts if "llm" in c.extractor] == [63]
