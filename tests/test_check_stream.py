"""`gipr check` streams: each report's block is written before the next input is read."""

from __future__ import annotations

import io

from gipr_llm.checks.batch import CheckRun, CheckStream, chain_years, check_one
from gipr_llm.domain.models import FailedInput
from gipr_llm.pipeline import read_report
from gipr_llm.render.check_report import write_text
from tests.conftest import SEEDS


def test_each_block_is_out_before_the_next_input_is_read():
    out = io.StringIO()
    first, second = check_one(read_report(SEEDS["003"]), 1), check_one(read_report(SEEDS["000"]), 2)
    failed = FailedInput(path="gone.txt", error="文件不存在")
    run = CheckRun(reports=[first, second], failed=[failed])

    def items():
        yield first
        assert "【1/3】" in out.getvalue() and "T3-ROW-SUM" in out.getvalue()  # already written
        yield second
        assert "【2/3】" in out.getvalue()
        yield failed

    write_text(CheckStream(items(), 3, lambda: chain_years(run)), out, None)
    text = out.getvalue()
    assert "【3/3】gone.txt\n  无法读取：文件不存在" in text
    assert text.rstrip().endswith("1个文件无法读取。")  # the summary comes last
