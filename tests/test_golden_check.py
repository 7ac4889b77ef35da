"""``gipr golden check|update|record`` on the committed golden tree and on edited copies of it.

Edits are always made to copies under tmp_path; golden/ itself is only read.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from pydantic import SecretStr
from typer.testing import CliRunner

from gipr_llm.cli import app
from gipr_llm.facts.prompt import load_prompt
from gipr_llm.golden.check import compare_case, compare_cases, exit_code
from gipr_llm.golden.diff import diff_documents
from gipr_llm.golden.recording import (
    Exchange,
    check_prompts,
    entry_from_exchange,
    load_recording,
    record_case,
    request_sha256,
)
from gipr_llm.golden.store import GoldenCase, GoldenError, dumps, list_cases, read_json, write_json
from gipr_llm.llm.config import LlmConfig
from gipr_llm.llm.scripted_server import Reply, Script, ScriptedServer

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
runner = CliRunner()
SECRET = "sk-golden-test-secret"


def copy_case(tmp_path: Path, name: str) -> GoldenCase:
    root = tmp_path / "golden"
    shutil.copytree(GOLDEN / name, root / name)
    return GoldenCase(root, name)


def edit_input(case: GoldenCase, old: str, new: str) -> None:
    text = case.input_path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    case.input_path.write_text(text.replace(old, new), encoding="utf-8")


def golden(tmp_path: Path) -> list[str]:
    return ["--golden-dir", str(tmp_path / "golden")]


# --- the committed tree ---------------------------------------------------------------


def test_unchanged_tree_passes_in_both_modes():
    cases = list_cases(GOLDEN)
    assert {"000", "001", "002", "003", "004"} <= {c.name for c in cases}
    results = compare_cases(cases)
    problems = [line for r in results for line in r.lines()]
    assert problems == []
    assert exit_code(results) == 0


def test_every_case_has_input_expected_facts_and_a_labelled_recording():
    for case in list_cases(GOLDEN):
        info = case.info()
        assert case.input_path.is_file() and case.expected_path.is_file() and case.facts_path.is_file()
        recording = load_recording(case)
        assert recording.entries, case.name
        # no real model can be reached here: every committed reply must say it was scripted
        assert {(e.source, e.model) for e in recording.entries} == {("scripted", "scripted")}, case.name
        if info.origin != "seed":
            assert info.based_on in {"000", "001", "002", "003", "004"}


def test_expected_files_hold_no_volatile_values():
    for case in list_cases(GOLDEN):
        text = case.expected_path.read_text(encoding="utf-8")
        expected = json.loads(text)
        assert expected["source"]["path"] == f"{case.name}/{case.input_path.name}"
        assert str(ROOT) not in text and "/tmp" not in text
        assert expected["replay"]["extraction"]["cached"] is False
        assert dumps(expected) == text  # written by the canonical formatter: diffs stay small


def test_make_cases_inputs_match_the_seeds_and_planted_edits():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(GOLDEN / "make_cases.py"), "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_cli_check_exits_zero_on_one_unchanged_case():
    result = runner.invoke(app, ["golden", "check", "--case", "003", "--mode", "replay"])
    assert result.exit_code == 0, result.output
    assert "003: ok" in result.output


# --- differences are found and named ---------------------------------------------------


def test_changed_table_cell_fails_with_the_field_named(tmp_path):
    case = copy_case(tmp_path, "003")
    edit_input(
        case, "\t9\n\t0\n\t0\n\t0\n\t0\n\t0\n\t9\n", "\t9\n\t0\n\t0\n\t0\n\t0\n\t0\n\t8\n"
    )  # 信访举报投诉类 总计
    result = runner.invoke(app, ["golden", "check", *golden(tmp_path), "--mode", "rules"])
    assert result.exit_code == 1
    assert "003/table3.rows.unprocessed_petition[6] (total): 9 -> 8" in result.output
    assert "003/source.sha256:" in result.output


def test_missing_finding_fails(tmp_path):
    case = copy_case(tmp_path, "003")
    # correcting the seed's typo makes the checker's three findings disappear
    edit_input(case, "\t171\n\t11\n\t0\n\t0\n\t0\n\t0\n\t183\n", "\t171\n\t11\n\t0\n\t0\n\t0\n\t0\n\t182\n")
    result = compare_case(case)
    lines = result.lines()
    assert "003/findings: missing T3-ROW-SUM table3 unavailable_not_held total" in "\n".join(lines)
    assert any(
        line.startswith("003/findings: missing LOCALISED table3 unavailable_not_held total") for line in lines
    )
    assert "003/table3.rows.unavailable_not_held[6] (total): 183 -> 182" in lines
    assert exit_code([result]) == 1


def test_extra_fact_fails(tmp_path):
    case = copy_case(tmp_path, "003")
    recording = read_json(case.recording_path)
    # the model now also reports the 区政府's figure (the scope trap): same request, new reply
    recording["entries"][0]["reply"]["counts"].append(
        {
            "kind": "applications_received",
            "value": 286,
            "unit": "件",
            "quote": "依法协调受理公民、法人或其他组织向区政府提出的政府信息公开申请286件",
        }
    )
    write_json(case.recording_path, recording)
    result = compare_case(case, ("replay",))
    assert result.error is None
    # the rules already give 286 (they always run): the change shows as the two paths agreeing
    assert "003/replay.facts.counts[applications_received].extractor: \"rules\" -> \"rules+llm\"" in (
        result.lines()
    ), result.lines()
    assert exit_code([result]) == 1


def test_reordered_findings_and_facts_are_no_difference():
    expected = read_json(GOLDEN / "003" / "expected.json")
    actual = json.loads(json.dumps(expected))
    actual["findings"].reverse()
    actual["rules"]["facts"]["counts"].reverse()
    assert diff_documents(expected, actual) == []
    actual["rules"]["facts"]["counts"][0]["value"] += 1
    (difference,) = diff_documents(expected, actual)
    assert difference.render("003") == "003/rules.facts.counts[reviews_and_lawsuits].value: 0 -> 1"


# --- recordings: stale prompt, missing request ---------------------------------------------


def test_recording_made_with_another_prompt_fails_loudly_before_any_request(tmp_path):
    case = copy_case(tmp_path, "001")
    recording = read_json(case.recording_path)
    prompt_file = ROOT / "prompts" / "narrative_v2.md"
    edited = prompt_file.read_bytes().replace("抽取".encode(), "提取".encode(), 1)  # one edited word
    recording["entries"][0]["prompt_sha256"] = hashlib.sha256(edited).hexdigest()
    write_json(case.recording_path, recording)
    with pytest.raises(GoldenError, match=r"001: 提示词 narrative_v2 已修改.*gipr golden record --case 001"):
        check_prompts(case, load_recording(case))
    result = runner.invoke(app, ["golden", "check", *golden(tmp_path), "--mode", "replay"])
    assert result.exit_code == 2
    assert "gipr golden record --case 001" in result.output
    assert "1 个无法运行" in result.output


def test_request_without_recording_fails_loudly(tmp_path):
    case = copy_case(tmp_path, "001")
    recording = read_json(case.recording_path)
    entry = recording["entries"][0]
    system = entry["request"]["messages"][0]
    system["content"] = system["content"].replace("抽取", "提取", 1)  # recorded with an older prompt text
    entry["request_sha256"] = request_sha256(entry["request"])
    write_json(case.recording_path, recording)
    result = compare_case(case, ("replay",))
    assert result.error is not None
    assert "001: 1 个大模型请求没有录制" in result.error
    assert "系统提示词" in result.error and "gipr golden record --case 001" in result.error


def test_hand_edited_request_is_refused(tmp_path):
    case = copy_case(tmp_path, "002")
    recording = read_json(case.recording_path)
    recording["entries"][0]["request"]["temperature"] = 0.7
    write_json(case.recording_path, recording)
    with pytest.raises(GoldenError, match="request_sha256 不符"):
        load_recording(case)


def test_request_hash_ignores_what_replay_cannot_reproduce():
    def reask(call_id: str, arguments: str, url_version: str) -> dict:
        return {
            "model": "m",
            "messages": [
                {"role": "system", "content": "s"},
                {"role": "user", "content": "u"},
                {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [{"id": call_id, "function": {"name": "R", "arguments": arguments}}],
                },
                {
                    "role": "tool",
                    "tool_call_id": call_id,
                    "content": f"bad https://errors.pydantic.dev/{url_version}/v/value_error",
                },
            ],
        }

    live = reask("call_x9", '{"counts":[{"value":1}]}', "2.11")
    replayed = reask("call_2", '{"counts": [{"value": 1}]}', "2.14")
    assert request_sha256(live) == request_sha256(replayed)
    changed = reask("call_2", '{"counts": [{"value": 2}]}', "2.14")
    assert request_sha256(changed) != request_sha256(live)


# --- update and record -------------------------------------------------------------------


def test_update_shows_the_diff_refuses_without_yes_then_rewrites(tmp_path):
    case = copy_case(tmp_path, "004")
    edit_input(case, "政府集中采购\t5\t3.4600", "政府集中采购\t6\t3.4600")
    before = case.expected_path.read_bytes()
    refused = runner.invoke(app, ["golden", "update", *golden(tmp_path)])
    assert refused.exit_code == 2
    assert "004/table2.rows.procurement.projects: 5 -> 6" in refused.output
    assert case.expected_path.read_bytes() == before
    done = runner.invoke(app, ["golden", "update", *golden(tmp_path), "--yes"])
    assert done.exit_code == 0, done.output
    assert read_json(case.expected_path)["table2"]["rows"]["procurement"]["projects"] == 6
    assert runner.invoke(app, ["golden", "check", *golden(tmp_path)]).exit_code == 0


def test_record_against_an_endpoint_stores_labelled_replies_that_replay(tmp_path):
    case = copy_case(tmp_path, "002")
    case.recording_path.unlink()
    case.expected_path.unlink()
    facts = read_json(case.facts_path)
    with ScriptedServer(Script([Reply(facts)])) as server:  # the "live" endpoint here
        config = LlmConfig(
            model="some-model", api_key=SecretStr(SECRET), base_url=server.base_url, cache_dir=None
        )
        recording = record_case(case, config)
        sent = server.completion_requests
    (entry,) = recording.entries
    assert (entry.source, entry.model, recording.model) == ("scripted", "scripted", "some-model")
    assert entry.prompt_id == "narrative_v2" and entry.prompt_sha256 == load_prompt("narrative_v2").sha256
    assert entry.request == sent[0].body and entry.request_sha256 == request_sha256(sent[0].body)
    assert entry.reply == facts and entry.usage.total_tokens > 0 and entry.date
    assert SECRET not in case.recording_path.read_text(encoding="utf-8")  # the key never reaches the file
    assert sent[0].headers["authorization"] == f"Bearer {SECRET}"  # it did travel, to 127.0.0.1 only
    # the recording replays through the real client path, and update writes the expected file
    done = runner.invoke(app, ["golden", "update", *golden(tmp_path), "--yes"])
    assert done.exit_code == 0, done.output
    expected = read_json(case.expected_path)
    assert expected["replay"]["extraction"]["model"] == "some-model"
    assert [c["value"] for c in expected["replay"]["facts"]["counts"]] == [
        c["value"] for c in facts["counts"]
    ]


def test_reply_from_a_model_is_labelled_with_its_name():
    request = {"model": "deepseek-chat", "messages": [{"role": "system", "content": "x"}]}
    arguments = '{"counts":[]}'  # compact JSON: kept verbatim so a re-ask replays byte for byte
    response = {
        "model": "deepseek-chat-v3",
        "choices": [{"message": {"tool_calls": [{"function": {"name": "R", "arguments": arguments}}]}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 3, "total_tokens": 13},
    }
    entry = entry_from_exchange(Exchange(request, 200, response), "2025-01-01")
    assert (entry.source, entry.model, entry.reply) == ("model", "deepseek-chat-v3", arguments)
    assert entry.usage.total_tokens == 13 and entry.prompt_id is None


def test_record_without_a_configured_model_says_what_is_missing(tmp_path, monkeypatch):
    copy_case(tmp_path, "000")
    for name in ("GIPR_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(app, ["golden", "record", *golden(tmp_path), "--case", "000"])
    assert result.exit_code == 2
    assert "GIPR_MODEL" in result.output and "Traceback" not in result.output


def test_unknown_case_is_a_one_line_error():
    result = runner.invoke(app, ["golden", "check", "--case", "no-such-case"])
    assert result.exit_code == 2
    assert "没有这些 golden 用例：no-such-case" in result.output
