"""``gipr brief`` without the command line: read and check the inputs (``check_paths``), build
the briefs, let the LLM write the connecting prose when configured, save them.

Inputs that cannot be read are named at the end of the brief and on stderr, and make the
exit code 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from gipr_llm.pipeline.batch import check_paths, expand_paths, output_among_inputs
from gipr_llm.render.brief.run import BriefRun, build_briefs
from gipr_llm.render.formats import FormatError, choose, open_output

if TYPE_CHECKING:
    from gipr_llm.domain.bodies import BodyDirectory
    from gipr_llm.llm.config import LlmConfig


def make_briefs(
    paths: Iterable[str | Path],
    *,
    batch: bool,
    llm: LlmConfig | None = None,
    with_chart: bool = True,
    jobs: int = 1,
    bodies: BodyDirectory | None = None,
) -> BriefRun:
    checked = check_paths(paths, llm, jobs, bodies)
    run = BriefRun(failed=checked.failed, no_input=checked.no_input)
    run.briefs = build_briefs(checked, batch=batch, with_chart=with_chart)
    if llm is not None:
        from gipr_llm.render.brief.llm_prose import write_prose_with_config

        for brief in run.briefs:
            outcome = write_prose_with_config(brief, llm)
            if not outcome.used_llm:
                run.warnings.append(
                    f"大模型撰写的简报文字未通过校验或调用失败，已改用模板文字：{outcome.reason}"
                )
    return run


def run_brief(
    paths: list[Path],
    output: Path | None,
    *,
    batch: bool,
    llm: LlmConfig | None,
    err: Callable[[str], None],
    jobs: int = 1,
    bodies: BodyDirectory | None = None,
    edition: str | None = None,
    date: str | None = None,
) -> int:
    """The whole command; returns the exit code. Problems go to ``err``, one line each.
    ``edition`` (期号) and ``date`` go on the line under the masthead."""
    try:
        fmt = choose("brief", None, output)
    except FormatError as problem:
        err(str(problem))
        return 2
    listed = expand_paths(paths)  # once: the output check and the batch read the same list
    if output_among_inputs(output, listed):
        err(f"{output}: 输出文件是输入文件之一，已拒绝以免覆盖 (output is one of the inputs)")
        return 2
    run = make_briefs(listed, batch=batch, llm=llm, with_chart=output is not None, jobs=jobs, bodies=bodies)
    for brief in run.briefs:
        brief.edition, brief.date = edition, date
    for warning in run.warnings:
        err(warning)
    for item in run.failed:
        err(f"{item.path}: {item.error}")
    if run.no_input:
        err("没有找到报告文件 (no input files)")
    if run.briefs:
        try:
            with open_output(output, fmt.binary) as out:
                fmt.write(run, out, output)
        except OSError as error:
            err(f"{output}: 无法写入 ({error.strerror or type(error).__name__})")
            return 2
    elif not run.no_input:
        err("没有可以生成简报的报告 (no report could be read)")
    return run.exit_code
