"""表三 re-read by the LLM: accepted only when grounded and arithmetically sound.

Replies come from the scripted server (real openai client + instructor over HTTP); the
"good" reply is the deterministic parser's own reading of the seed, the wrong ones are
that reading with one cell changed.
"""

from __future__ import annotations

import copy

import pytest
from pydantic import SecretStr

from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.scripted_server import Reply, Script, ScriptedServer
from gipr_llm.load import load
from gipr_llm.parse.sections import split_sections
from gipr_llm.pipeline import read_report
from gipr_llm.pipeline.extract import reread_and_judge


@pytest.fixture(scope="module")
def seed_004(seed_paths) -> tuple[str, dict]:
    path = seed_paths["004"]
    doc = load(path)
    start, end = split_sections(doc).table_regions["table3"]
    table = read_report(path).table3
    assert table is not None
    reply = {"template": table.template, "rows": table.rows}
    return "\n".join(line.text for line in doc.lines[start:end]), reply


def run(table_text: str, *steps: Reply, tmp_path) -> tuple[object, list, ScriptedServer]:
    with ScriptedServer(Script(steps)) as server:
        config = LlmConfig(
            model="scripted-test-model",
            api_key=SecretStr("k"),
            base_url=server.base_url,
            backoff_base=0.01,
            transport_retries=0,
            cache_dir=tmp_path / "cache",
        )
        table3, findings, _ = reread_and_judge(table_text, None, config)
    return table3, findings, server


def test_good_reply_is_accepted_and_marked(seed_004, tmp_path):
    text, reply = seed_004
    table, findings, server = run(text, Reply(reply), tmp_path=tmp_path)
    assert table is not None and table.rows == reply["rows"] and table.template == "2019"
    assert [(f.rule, f.severity, f.table) for f in findings] == [("LLM-TABLE", "info", "table3")]
    # Only the table's own text was sent.
    user = server.completion_requests[0].body["messages"][1]["content"]
    assert "本年新收政府信息公开申请数量" in user and "行政复议" not in user


def test_arithmetically_wrong_reply_is_rejected(seed_004, tmp_path):
    text, reply = seed_004
    wrong = copy.deepcopy(reply)
    wrong["rows"]["unavailable_not_held"][0] = 2  # 2 is in the text, but the row no longer sums
    table, findings, _ = run(text, Reply(wrong), tmp_path=tmp_path)
    assert table is None
    [finding] = findings
    assert finding.rule == "LLM-TABLE-REJECTED" and "T3-" in finding.message


def test_number_not_in_the_table_text_is_reasked_then_given_up(seed_004, tmp_path):
    text, reply = seed_004
    invented = copy.deepcopy(reply)
    invented["rows"]["new_received"] = [555, 0, 0, 0, 0, 0, 555]
    table, findings, server = run(text, Reply(invented), Reply(invented), Reply(invented), tmp_path=tmp_path)
    assert table is None and len(server.completion_requests) == 3
    assert findings[0].rule == "LLM-TABLE-FAILED" and "校验" in findings[0].message
    assert "555" in server.completion_requests[1].body["messages"][-1]["content"]


def test_missing_rows_are_reasked(seed_004, tmp_path):
    text, reply = seed_004
    partial = copy.deepcopy(reply)
    del partial["rows"]["carried_forward"]
    table, findings, server = run(text, Reply(partial), Reply(reply), tmp_path=tmp_path)
    assert table is not None and findings[0].rule == "LLM-TABLE"
    assert "carried_forward" in server.completion_requests[1].body["messages"][-1]["content"]
