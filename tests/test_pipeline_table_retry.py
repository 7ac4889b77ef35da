"""The pipeline asks the LLM to re-read 表三 only when the parser failed on it.

Real openai client + instructor over HTTP to the scripted server (scripted replies).
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.scripted_server import Reply, Script, ScriptedServer
from gipr_llm.pipeline import extract, read_report
from tests.conftest import seed_text

NARRATIVE_REPLY = {"counts": [], "problems": [], "measures": [], "initiatives": [], "fee": None}


def config_for(server: ScriptedServer, tmp_path) -> LlmConfig:
    return LlmConfig(
        model="scripted-test-model",
        api_key=SecretStr("k"),
        base_url=server.base_url,
        backoff_base=0.01,
        transport_retries=0,
        cache_dir=tmp_path / "cache",
    )


@pytest.fixture
def garbled_004(tmp_path, seed_paths):
    # 「本机关不掌握」 natural person cell printed as a letter O: the parser cannot read it.
    text = seed_text("004").replace("1. 本机关不掌握相关政府信息\t1\t0", "1. 本机关不掌握相关政府信息\tO\t0")
    path = tmp_path / "garbled.txt"
    path.write_text(text, encoding="utf-8")
    good = read_report(seed_paths["004"]).table3
    return path, {"template": good.template, "rows": good.rows}


def test_failed_table3_is_reread_and_accepted(garbled_004, tmp_path):
    path, table_reply = garbled_004
    assert read_report(path).table3.rows["unavailable_not_held"][0] is None
    with ScriptedServer(Script([Reply(table_reply), Reply(NARRATIVE_REPLY)])) as server:
        report = extract(path, config_for(server, tmp_path))
    assert len(server.completion_requests) == 2  # one table re-read, one narrative request
    assert report.extraction.attempts == 2  # the re-read is counted with the narrative request
    assert report.extraction.usage.total_tokens > 0
    assert report.table3.rows["unavailable_not_held"] == [1, 0, 0, 0, 0, 0, 1]
    assert any(f.rule == "LLM-TABLE" for f in report.findings)
    # The parse finding stays: the source cell really is unreadable.
    assert any(f.rule == "PARSE-CELL-UNREADABLE" for f in report.findings)


def test_reread_failing_arithmetic_is_not_used(garbled_004, tmp_path):
    path, table_reply = garbled_004
    table_reply["rows"]["unavailable_not_held"] = [0, 0, 0, 0, 0, 0, 1]  # row no longer sums
    with ScriptedServer(Script([Reply(table_reply), Reply(NARRATIVE_REPLY)])) as server:
        report = extract(path, config_for(server, tmp_path))
    assert report.table3.rows["unavailable_not_held"][0] is None
    assert any(f.rule == "LLM-TABLE-REJECTED" for f in report.findings)


def test_clean_table_sends_no_table_request(seed_paths, tmp_path):
    with ScriptedServer(Script([Reply(NARRATIVE_REPLY)])) as server:
        extract(seed_paths["004"], config_for(server, tmp_path))
    [request] = server.completion_requests
    sent = "".join(m["content"] or "" for m in request.body["messages"])
    assert "本年新收政府信息公开申请数量" not in sent  # tables are never sent when parsed


def test_reread_disagreeing_with_parsed_cells_is_not_used(garbled_004, tmp_path):
    path, table_reply = garbled_004
    # Sums still hold, but the 新收 row differs from what the parser read in the text.
    table_reply["rows"]["new_received"] = [1, 1, 0, 0, 0, 0, 2]
    with ScriptedServer(Script([Reply(table_reply), Reply(NARRATIVE_REPLY)])) as server:
        report = extract(path, config_for(server, tmp_path))
    assert report.table3.rows["unavailable_not_held"][0] is None
    [rejected] = [f for f in report.findings if f.rule == "LLM-TABLE-REJECTED"]
    assert "解析器读出的" in rejected.message


def test_reread_inventing_a_row_missing_from_the_text_is_not_used(tmp_path, seed_paths):
    # 「2.重复申请」 dropped from the text: the sums make it all zeros, which are "in the text",
    # but no such row is printed, so the re-read may not supply it.
    text = seed_text("004").replace("\t2. 重复申请\t0\t0\t0\t0\t0\t0\t0\n", "")
    assert "重复申请" not in text
    path = tmp_path / "dropped.txt"
    path.write_text(text, encoding="utf-8")
    good = read_report(seed_paths["004"]).table3
    reply = {"template": good.template, "rows": good.rows}
    with ScriptedServer(Script([Reply(reply), Reply(NARRATIVE_REPLY)])) as server:
        report = extract(path, config_for(server, tmp_path))
    assert "unprocessed_duplicate" not in report.table3.rows
    [rejected] = [f for f in report.findings if f.rule == "LLM-TABLE-REJECTED"]
    assert "找不到行名" in rejected.message


def test_batch_stops_calling_an_endpoint_that_never_answers(tmp_path, seed_paths):
    from gipr_llm.llm.scripted_server import Status
    from gipr_llm.pipeline import DEAD_ENDPOINT_LIMIT, extract_many

    paths = [seed_paths[s] for s in ("000", "001", "002", "003")]
    with ScriptedServer(Script([], then=Status(500))) as server:
        reports = list(extract_many(paths, config_for(server, tmp_path)))
    runs = [r.extraction for r in reports]
    assert all(run.extractor == "rules" for run in runs)
    # Only the first reports paid for retries; the rest did not call the endpoint at all.
    assert [run.attempts > 0 for run in runs] == [True] * DEAD_ENDPOINT_LIMIT + [False] * (
        4 - DEAD_ENDPOINT_LIMIT
    )
    assert len(server.completion_requests) == sum(run.attempts for run in runs)
    assert "不再调用" in runs[-1].fallback_reason


def test_jobs_extract_several_reports_at_once_in_input_order(tmp_path, seed_paths):
    import time

    from gipr_llm.pipeline import extract_many

    paths = [seed_paths[s] for s in ("000", "001", "002", "003")]
    slow = Reply(NARRATIVE_REPLY, delay=1.5)  # a model that takes 1.5 s per request
    with ScriptedServer(Script([], then=slow)) as server:
        started = time.perf_counter()
        reports = list(extract_many(paths, config_for(server, tmp_path), jobs=4))
        elapsed = time.perf_counter() - started
    assert [r.source.path for r in reports] == [str(p) for p in paths]
    assert all(r.extraction.extractor == "llm" for r in reports)
    assert len(server.completion_requests) == 4
    # In a queue the four would take at least 6 s; overlapped, about 1.5 s plus parsing (the
    # margin is for a loaded machine).
    assert elapsed < 3 * 1.5
