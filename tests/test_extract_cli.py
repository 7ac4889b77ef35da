"""`gipr extract` end to end, as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from gipr_llm.render.json_output import report_schema
from tests.conftest import ROOT, SAMPLES

CLEAN_ENV_KEYS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "GIPR_MODEL")


def run_gipr(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if k not in CLEAN_ENV_KEYS}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "gipr_llm.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(report_schema())


def test_single_file_prints_one_json_object(seed_paths, validator):
    result = run_gipr("extract", str(seed_paths["003"]))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)  # one object, not JSON Lines
    validator.validate(data)
    assert data["status"] == "ok"
    assert data["meta"]["agency"] == "北京市朝阳区政务服务管理局"
    assert data["table3"]["rows"]["unavailable_not_held"] == [171, 11, 0, 0, 0, 0, 183]
    assert data["table2"]["rows"]["procurement"]["amount"] == "79.1500"  # exact decimal, as printed
    assert data["extraction"]["extractor"] == "rules"
    # Without an LLM configured the tool says which path ran, on stderr.
    assert "规则" in result.stderr


def test_directory_prints_json_lines_and_every_line_validates(validator):
    result = run_gipr("extract", str(SAMPLES))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 5
    for line in lines:
        validator.validate(json.loads(line))
    assert result.stdout.count("\n") == 5  # no pretty-printing in JSON Lines


def test_output_file_and_stdout_stays_empty(tmp_path, seed_paths):
    out = tmp_path / "nested" / "reports.jsonl"
    result = run_gipr("extract", str(seed_paths["000"]), str(seed_paths["004"]), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["meta"]["year"] for r in rows] == [2021, 2019]


def test_committed_schema_is_current():
    committed = json.loads((ROOT / "schema" / "report.schema.json").read_text(encoding="utf-8"))
    assert committed == report_schema(), "run: gipr schema -o schema/report.schema.json (and review the diff)"


def test_schema_rejects_wrong_shape(validator, seed_paths):
    good = json.loads(run_gipr("extract", str(seed_paths["001"])).stdout)
    bad = json.loads(json.dumps(good))
    bad["table3"]["rows"]["granted"] = "zero"
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(bad)


def test_failed_input_listed_with_reason_and_exit_2(tmp_path, seed_paths):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_gipr("extract", str(seed_paths["002"]), str(empty))
    assert result.returncode == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["ok", "failed"]
    assert lines[1]["path"] == str(empty)
    assert f"gipr: {empty}: 文件为空" in result.stderr
    assert Path(lines[0]["source"]["path"]).name == seed_paths["002"].name
