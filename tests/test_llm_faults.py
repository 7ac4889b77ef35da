"""Every LLM fault class of the bad-input campaign (issue 14), against the scripted server
with the real openai client: the rules facts survive and the time stays bounded.

All replies here are scripted (``scripted_server``); none is model output.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pydantic import SecretStr

from gipr_llm.facts.narrative import extract_narrative
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.scripted_server import Drip, Drop, Hang, Reply, Script, ScriptedServer, Status, Step
from gipr_llm.pipeline import read_report

REPROS = Path(__file__).parent / "data" / "repros"
PLANTED = {"kind": "proactive_total", "value": 99999, "unit": "条", "quote": "主动公开政府信息99999条"}


@pytest.fixture(scope="module")
def narrative() -> dict[str, str]:
    # The injection repro: a real report's narrative with a planted instruction in it.
    return read_report(REPROS / "prompt_injection.txt").narrative


@pytest.fixture(scope="module")
def rules_counts(narrative) -> set[tuple[str, int]]:
    facts, run, _ = extract_narrative(narrative, None)
    assert run.extractor == "rules" and facts.counts  # there is something to lose
    return {(c.kind, c.value) for c in facts.counts}


@pytest.fixture(scope="module", autouse=True)
def warm_client(narrative, tmp_path_factory) -> None:
    """One call first (answered 401), so the bounds below time the fault, not the client's
    imports and first-call set-up."""
    with ScriptedServer(Script(then=Status(401))) as server:
        extract_narrative(narrative, config(server.base_url, tmp_path_factory.mktemp("warm")))


@pytest.fixture
def serve() -> Iterator[Callable[..., ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def start(*steps: Step, then: Step | None = None) -> ScriptedServer:
        server = ScriptedServer(Script(steps, then=then)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def config(base_url: str, tmp_path: Path, **overrides: object) -> LlmConfig:
    settings: dict[str, object] = {
        "model": "scripted-test-model",
        "api_key": SecretStr("sk-test-faults"),
        "base_url": base_url,
        "timeout": 1.0,
        "total_timeout": 4.0,
        "transport_retries": 2,
        "backoff_base": 0.01,
        "backoff_max": 0.2,
        "cache_dir": tmp_path / "cache",
    }
    settings.update(overrides)
    return LlmConfig.model_validate(settings)


FAULTS: dict[str, Step] = {
    "500": Status(500),
    "429": Status(429, {"Retry-After": "0.1"}),
    "malformed-json": Reply("{not json"),
    "closed-connection": Drop(),
    "hanging": Hang(30),
    "drip-feeding": Drip(interval=0.1, chars=100_000),  # 10 000 s if nothing stopped it
}


@pytest.mark.parametrize("fault", FAULTS)
def test_a_failing_endpoint_leaves_the_rules_facts(serve, tmp_path, narrative, rules_counts, fault):
    server = serve(then=FAULTS[fault])
    started = time.monotonic()
    facts, run, findings = extract_narrative(narrative, config(server.base_url, tmp_path))
    elapsed = time.monotonic() - started

    assert run.extractor == "rules" and run.fallback_reason
    assert {(c.kind, c.value) for c in facts.counts} == rules_counts
    assert [f.rule for f in findings] == ["LLM-FALLBACK"]
    assert elapsed < 4.0 + 6  # the report's deadline (total_timeout), with slack for a loaded machine


class _JunkHandler(BaseHTTPRequestHandler):
    """A web server that is no API: every request gets the same HTML page."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        page = b"<html><body>Welcome to nginx!</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_a_junk_endpoint_leaves_the_rules_facts(tmp_path, narrative, rules_counts):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _JunkHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        started = time.monotonic()
        facts, run, findings = extract_narrative(narrative, config(base_url, tmp_path))
        assert time.monotonic() - started < 4.0 + 6
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert run.extractor == "rules" and run.fallback_reason
    assert {(c.kind, c.value) for c in facts.counts} == rules_counts
    assert [f.rule for f in findings] == ["LLM-FALLBACK"]


def test_a_model_that_follows_the_planted_instruction_gets_no_fact(serve, tmp_path, narrative, rules_counts):
    good = [{"kind": k, "value": v, "unit": "件", "quote": q} for k, v, q in GOOD_COUNTS]
    reply = {"counts": [*good, PLANTED]}
    server = serve(then=Reply(reply))
    facts, run, findings = extract_narrative(narrative, config(server.base_url, tmp_path))

    assert all(c.value != 99999 for c in facts.counts)
    dropped = [f for f in findings if f.rule == "LLM-UNGROUNDED"]
    assert [f.values for f in dropped] == [{"value": 99999}]
    assert "指令" in dropped[0].message
    assert run.extractor == "llm"
    assert {(c.kind, c.value) for c in facts.counts} >= {(k, v) for k, v, _ in GOOD_COUNTS}


# Counts the repro's narrative really states (also found by the rules extractor).
GOOD_COUNTS = [("applications_received", 0, "全年共受理信息公开申请0件")]


def test_an_oversized_request_is_refused_before_sending(serve, tmp_path, narrative, rules_counts, monkeypatch):
    monkeypatch.setenv("GIPR_MAX_LLM_CHARS", "1000")
    server = serve(then=Status(500))
    facts, run, _ = extract_narrative(narrative, config(server.base_url, tmp_path))
    assert len(server.completion_requests) == 0
    assert run.extractor == "rules" and "GIPR_MAX_LLM_CHARS=1000" in (run.fallback_reason or "")
    assert {(c.kind, c.value) for c in facts.counts} == rules_counts
