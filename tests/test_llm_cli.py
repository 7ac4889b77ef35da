"""`gipr extract` with an LLM configured through the standard variables (scripted server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from typer.testing import CliRunner

from gipr_llm.cli import app
from gipr_llm.llm.scripted_server import Reply, Script, ScriptedServer, Status

API_KEY = "sk-cli-test-3b8d-never-print"


def llm_env(server: ScriptedServer, tmp_path) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": server.base_url,
        "OPENAI_API_KEY": API_KEY,
        "GIPR_MODEL": "scripted-test-model",
        "GIPR_CACHE_DIR": str(tmp_path / "cache"),
        "GIPR_LLM_TIMEOUT": "5",
    }


def test_server_errors_fall_back_to_rules_with_exit_0(seed_paths, tmp_path):
    # 500 forever (Retry-After 0 keeps the default backoff out of the test's time).
    with ScriptedServer(Script(then=Status(500, {"Retry-After": "0"}))) as server:
        env = {**os.environ, **llm_env(server, tmp_path)}
        done = subprocess.run(
            [sys.executable, "-m", "gipr_llm.cli", "extract", str(seed_paths["001"])],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        requests = len(server.completion_requests)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (
        report["extraction"]["extractor"] == "rules"
        and report["extraction"]["model"] == "scripted-test-model"
    )
    assert "HTTP 500" in report["extraction"]["fallback_reason"]
    assert requests == report["extraction"]["attempts"] == 5  # the default: 1 + 4 transport retries
    assert "LLM-FALLBACK" in [f["rule"] for f in report["findings"]]
    assert "改用规则抽取" in done.stderr
    assert API_KEY not in done.stdout and API_KEY not in done.stderr


def test_llm_flags(seed_paths, tmp_path, monkeypatch):
    reply = {
        "counts": [{"kind": "proactive_total", "value": 21, "unit": "条", "quote": "主动公开政府信息21条"}]
    }
    with ScriptedServer(Script([Reply(reply)])) as server:
        for name, value in llm_env(server, tmp_path).items():
            monkeypatch.setenv(name, value)
        runner = CliRunner()
        off = runner.invoke(app, ["extract", "--no-llm", str(seed_paths["001"])])
        assert off.exit_code == 0 and len(server.completion_requests) == 0
        assert json.loads(off.stdout)["extraction"]["extractor"] == "rules"

        on = runner.invoke(app, ["extract", "--llm", "--llm-mode", "json", str(seed_paths["001"])])
        assert on.exit_code == 0 and len(server.completion_requests) == 1
        report = json.loads(on.stdout)
        assert report["extraction"]["extractor"] == "llm"
        assert "规则与大模型一致率" in on.stderr
        counts = report["facts"]["counts"]
        assert [(c["value"], c["extractor"]) for c in counts if "llm" in c["extractor"]] == [(21, "rules+llm")]
        assert "response_format" in server.completion_requests[0].body  # --llm-mode json reached instructor

    monkeypatch.delenv("OPENAI_API_KEY")
    missing = runner.invoke(app, ["extract", "--llm", str(seed_paths["001"])])
    assert missing.exit_code == 2 and "OPENAI_API_KEY" in missing.stderr


def test_llm_batch_sums_the_agreement_of_every_report(seed_paths, tmp_path, monkeypatch):
    # A batch is written from each report's rendered JSON: the agreement line must still
    # add up every report's own agreement (scripted replies, real client over HTTP).
    reply = {
        "counts": [{"kind": "proactive_total", "value": 21, "unit": "条", "quote": "主动公开政府信息21条"}]
    }
    folder = tmp_path / "batch"
    folder.mkdir()
    text = seed_paths["001"].read_text(encoding="utf-8")
    for name, body in (("a.txt", text), ("b.txt", "第二份\n" + text)):
        (folder / name).write_text(body, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with ScriptedServer(Script([Reply(reply), Reply(reply)])) as server:
        for name, value in llm_env(server, tmp_path).items():
            monkeypatch.setenv(name, value)
        done = CliRunner().invoke(app, ["extract", "--llm", str(folder), "-o", str(out)])
    assert done.exit_code == 0, done.stderr
    reports = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["extraction"]["extractor"] for r in reports] == ["llm", "llm"]
    agreed = sum(r["extraction"]["agreement"]["agreed"] for r in reports)
    assert agreed >= 2  # each report agrees on its 21条
    assert f"（一致 {agreed}，" in done.stderr
