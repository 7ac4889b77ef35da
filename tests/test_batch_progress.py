"""Batch progress on stderr: plain periodic lines off a terminal, a summary, nothing when quiet."""

from __future__ import annotations

import io

from gipr_llm.pipeline import progress as progress_module
from gipr_llm.pipeline.progress import BatchProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_and_a_summary_when_not_a_terminal(monkeypatch):
    monkeypatch.setattr(progress_module, "PLAIN_EVERY_SECONDS", 0.0)
    stream = io.StringIO()
    with BatchProgress(3, stream=stream) as progress:
        progress.advance(errors=2)
        progress.advance(failed=True)
        progress.note("gipr: b.txt: 文件为空")
        progress.advance(skipped=True)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("gipr: 1/3 份，") and "失败0份" in lines[0]
    assert "gipr: b.txt: 文件为空" in lines
    assert lines[-1].startswith("gipr: 共3份：读取1份，失败1份，未变化跳过1份；1份有错误，0份有警告；用时")


def test_quiet_shows_only_the_notes():
    stream = Terminal()
    with BatchProgress(2, quiet=True, stream=stream) as progress:
        progress.advance()
        progress.note("gipr: x.txt: 文件不存在")
        progress.advance(failed=True)
    assert stream.getvalue() == "gipr: x.txt: 文件不存在\n"


def test_a_terminal_gets_the_live_bar_and_the_summary():
    stream = Terminal()
    with BatchProgress(2, stream=stream) as progress:
        progress.advance()
        progress.advance(failed=True)
    text = stream.getvalue()
    assert "2/2" in text and "失败 1" in text  # the bar's last frame
    assert "读取1份，失败1份" in text
