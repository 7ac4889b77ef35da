"""The command line behaves like the tools people know: -h, --version, -q, `-` for stdin,
quoted globs, rule selection and statistics like ruff, golden from any directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def gipr(*args: str, cwd: Path = ROOT, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "gipr_llm.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


def test_no_command_prints_help_and_exits_0():
    result = gipr()
    assert result.returncode == 0 and "extract" in result.stdout.decode()


def test_version_and_short_help():
    assert gipr("--version").stdout.decode().startswith("gipr-llm ")
    help_text = gipr("check", "-h").stdout.decode()
    assert "显示帮助并退出" in help_text and "示例" in help_text
    assert "<list[Path]>" not in help_text and "<bool>" not in help_text


def test_stdin_is_a_report(seed_paths):
    result = gipr("extract", "-", "-q", stdin=seed_paths["001"].read_bytes())
    assert result.returncode == 0 and result.stderr == b""  # -q: nothing but data
    assert json.loads(result.stdout)["source"]["path"] == "-"


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_works_before_or_after_the_command(seed_paths, where):
    args = ["extract", str(seed_paths["001"])]
    result = gipr(*(["-q", *args] if where == "before" else [*args, "-q"]))
    assert result.returncode == 0 and result.stderr == b"", result.stderr.decode()[-300:]
    assert json.loads(result.stdout)["source"]["path"] == str(seed_paths["001"])


def test_a_quoted_glob_is_expanded():
    result = gipr("extract", "samples/00[12]*.txt", "-q")
    assert result.returncode == 0 and len(result.stdout.decode().splitlines()) == 2


def test_select_ignore_and_statistics():
    selected = gipr("check", "samples/", "--select", "LOCALISED", "--format", "json")
    rules = {f["rule"] for r in json.loads(selected.stdout)["reports"] for f in r["findings"]}
    assert rules == {"LOCALISED"} and selected.returncode == 1
    ignored = gipr("check", "samples/", "--ignore", "T3", "--ignore", "LOCALISED", "--ignore", "PARSE")
    assert ignored.returncode == 0 and "T3-ROW-SUM" not in ignored.stdout.decode()
    stats = gipr("check", "samples/", "--statistics").stdout.decode()
    assert "T3-ROW-SUM" in stats and "共 " in stats


def test_exit_zero_keeps_unreadable_inputs_at_2(tmp_path):
    assert gipr("check", "samples/", "--exit-zero", "-q").returncode == 0
    assert gipr("check", str(tmp_path / "missing.txt"), "--exit-zero").returncode == 2


@pytest.mark.parametrize("where", ["tests", "golden/003"])
def test_golden_runs_from_a_subdirectory(where):
    result = gipr("golden", "check", "--mode", "rules", "--case", "003", cwd=ROOT / where)
    assert result.returncode == 0, result.stderr.decode()
