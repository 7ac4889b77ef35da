"""The command line under hostile use (issue 14, defects 6, 7, 8 and 10): a real subprocess
for the signals and exit codes, typer's runner where one process is enough."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gipr_llm.cli import app
from tests.conftest import ROOT

REPROS = Path(__file__).parent / "data" / "repros"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def gipr(runner: CliRunner, *args: str):
    return runner.invoke(app, [args[0], "--no-llm", *args[1:]])


def test_output_that_is_an_input_is_refused_and_the_input_kept(tmp_path, runner, seed_paths):
    report = tmp_path / "r.txt"
    report.write_bytes(seed_paths["001"].read_bytes())
    for command in ("extract", "check"):
        result = gipr(runner, command, str(report), "-o", str(tmp_path / "." / "r.txt"))
        assert result.exit_code == 2
        assert "输出文件是输入文件之一" in result.stderr
        assert report.read_bytes() == seed_paths["001"].read_bytes()
    # Inside a directory given as input, too.
    result = gipr(runner, "brief", str(tmp_path), "-o", str(tmp_path / "r.txt"))
    assert result.exit_code == 2 and report.read_bytes() == seed_paths["001"].read_bytes()


def test_unwritable_output_is_one_line(tmp_path, runner, seed_paths):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for command in ("extract", "check"):
        result = gipr(runner, command, str(seed_paths["001"]), "-o", str(blocker / "out.json"))
        assert result.exit_code == 2, command
        assert "Traceback" not in result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)
        [line] = [line for line in result.stderr.splitlines() if "无法写入" in line]
        assert str(blocker / "out.json") in line


def test_a_failed_output_leaves_the_previous_file_and_no_temporary(tmp_path, runner, seed_paths):
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n")
    result = gipr(runner, "extract", str(seed_paths["001"]), "--format", "nope", "-o", str(out))
    assert result.exit_code == 2
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_an_unexaminable_path_does_not_abort_the_run(tmp_path, runner, seed_paths):
    too_long = str(tmp_path / ("a" * 300 + ".txt"))
    out = tmp_path / "out.jsonl"
    result = gipr(runner, "extract", str(seed_paths["001"]), too_long, "-o", str(out))
    assert result.exit_code == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["status"] for line in lines] == ["ok", "failed"]
    assert "File name too long" in lines[1]["error"]


def _unlistable_chain(root: Path) -> None:
    """Directories nested past PATH_MAX: the deepest cannot be listed, even by root."""
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(20):
            name = "d" * 250
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)


def test_an_unlistable_subdirectory_is_listed_as_failed(tmp_path, runner, seed_paths):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "001.txt").write_bytes(seed_paths["001"].read_bytes())
    _unlistable_chain(folder)
    result = gipr(runner, "check", str(folder), "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert len(data["reports"]) == 1
    [failed] = data["failed"]
    assert "d" * 250 in failed["path"] and failed["error"]


def test_control_characters_in_a_title_and_a_file_name_are_escaped(tmp_path, runner, seed_paths):
    text = seed_paths["001"].read_text(encoding="utf-8")
    title = text.splitlines()[0]
    planted = text.replace(title, "\x1b[2J\u202e" + title, 1)
    path = tmp_path / "odd\nname.txt"
    path.write_text(planted, encoding="utf-8")
    result = gipr(runner, "check", str(path))
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "odd\\nname.txt" in result.stdout
    missing = tmp_path / "missing\nfile.txt"
    result = gipr(runner, "extract", str(missing))
    [line] = [line for line in result.stderr.splitlines() if "missing" in line]
    assert "missing\\nfile.txt" in line and "文件不存在" in line


def test_extract_names_each_refusal_once(tmp_path, runner):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = gipr(runner, "extract", str(empty))
    assert result.exit_code == 2
    assert result.stderr.count(f"{empty}: 文件为空") == 1


def test_sigint_says_so_exits_130_and_writes_nothing(tmp_path):
    out = tmp_path / "out.jsonl"
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "GIPR_MODEL")}
    proc = subprocess.Popen(
        # The golden inputs twenty times over: enough work that the batch is still running when
        # the signal comes, however fast the process pool gets through it.
        [sys.executable, "-m", "gipr_llm.cli", "-v", "extract", "--no-llm", *[str(ROOT / "golden")] * 20, "-o", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # wait until it is working on the batch
        if "[1/" in line:
            break
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    rest = proc.stderr.read()
    assert proc.wait(timeout=60) == 130, rest
    assert time.monotonic() - started < 30
    assert "已中断" in rest
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_swallowed_interrupt_still_stops_the_batch(seed_paths):
    # Ctrl-C's KeyboardInterrupt is lost when it lands in a finalizer; the flag it sets is not.
    from gipr_llm.pipeline.batch import extract_many
    from gipr_llm.pipeline.interrupt import STOP

    items = extract_many(list(seed_paths.values()), jobs=1)
    assert next(items).status == "ok"  # the batch runs
    STOP.set()
    try:
        with pytest.raises(KeyboardInterrupt):
            next(items)
    finally:
        STOP.clear()
