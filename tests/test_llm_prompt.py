"""Prompt files and the size of what instructor actually sends for each seed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr

from gipr_llm.facts.narrative import extract_narrative
from gipr_llm.facts.prompt import load_prompt
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.scripted_server import Reply, Script, ScriptedServer
from gipr_llm.llm.tokens import chat_request_tokens, count_tokens
from gipr_llm.pipeline import read_report

ROOT = Path(__file__).resolve().parent.parent
TOKEN_BUDGET = 2500
# instructor's json/md_json modes paste the reply schema, indented, into the system message.
TOKEN_BUDGET_JSON_MODES = 2800


def sent_request_tokens(narrative: dict[str, str], mode: str) -> int:
    with ScriptedServer(Script([Reply({})])) as server:
        config = LlmConfig(
            model="m", api_key=SecretStr("k"), base_url=server.base_url, mode=mode, cache_dir=None
        )
        _, run, _ = extract_narrative(narrative, config)
        assert run.extractor == "llm"
        [request] = server.completion_requests
        return chat_request_tokens(request.body)


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_seed_request_fits_the_token_budget(seed_paths, seed):
    narrative = read_report(seed_paths[seed]).narrative
    narrative_tokens = sum(count_tokens(text) for text in narrative.values())
    tools = sent_request_tokens(narrative, "tools")
    # Measured on the request body as it arrived: system + user message + tool schema.
    assert narrative_tokens < tools < TOKEN_BUDGET
    for mode in ("json", "md_json"):
        assert tools < sent_request_tokens(narrative, mode) < TOKEN_BUDGET_JSON_MODES


def test_prompt_is_versioned_and_hashed():
    prompt = load_prompt("narrative_v1")
    data = (ROOT / "prompts" / "narrative_v1.md").read_bytes()
    import hashlib

    assert prompt.sha256 == hashlib.sha256(data).hexdigest()
    assert "{report}" in prompt.user_template and "<report>" in prompt.user_template
    assert "Prompt narrative_v1" not in prompt.system  # the reviewer's note is not sent
    assert load_prompt("table3_v1").id == "table3_v1"


def test_prompts_are_found_inside_an_installed_package(tmp_path):
    # The wheel carries prompts/ as gipr_llm/prompts (pyproject force-include); no source tree.
    site = tmp_path / "site"
    shutil.copytree(ROOT / "gipr_llm", site / "gipr_llm", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "prompts", site / "gipr_llm" / "prompts")
    code = (
        "import gipr_llm.facts.prompt as p; pr = p.load_prompt('narrative_v1');"
        "print(p.__file__); print(pr.sha256)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[0].startswith(str(site))
    assert out[1] == load_prompt("narrative_v1").sha256
