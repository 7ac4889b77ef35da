"""The ``gipr`` command line. Data goes to stdout (or -o), logs and progress to stderr.

Exit codes: 0 all inputs read; 1 (check) error-level findings; 2 an input could not be read.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from gipr_llm.models import FailedInput, Report

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="读取政府信息公开工作年度报告，输出结构化数据、勾稽关系检查和简报。",
)

PathsArg = Annotated[list[Path], typer.Argument(help="报告文件或目录 (report files or directories)")]
OutputOpt = Annotated[Path | None, typer.Option("-o", "--output", help="写入文件而非标准输出")]


def err(message: str) -> None:
    typer.echo(f"gipr: {message}", err=True)


def _report_failures(failed: list[FailedInput], total: int) -> None:
    if failed:
        err(f"{total - len(failed)} 份成功，{len(failed)} 份失败：")
        for item in failed:
            err(f"  {item.path}: {item.error}")


@app.callback()
def main(verbose: Annotated[bool, typer.Option("-v", "--verbose", help="详细日志")] = False) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="gipr: %(message)s", stream=sys.stderr
    )


@app.command()
def extract(
    paths: PathsArg,
    output: OutputOpt = None,
) -> None:
    """解析报告的三张统计表和叙述部分，输出 JSON（多份报告时为 JSON Lines）。"""
    from gipr_llm.pipeline import expand_paths, extract_many
    from gipr_llm.render.json_output import to_json

    files = expand_paths(paths)
    single = len(paths) == 1 and len(files) == 1 and not paths[0].is_dir()
    llm = None
    err("未配置大模型：表格由确定性解析器读取，叙述事实由规则提取 (no LLM configured: deterministic tables, rules-based narrative)")
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    failed: list[FailedInput] = []
    try:
        for index, item in enumerate(extract_many(files, llm), start=1):
            if isinstance(item, FailedInput):
                failed.append(item)
                err(f"{item.path}: {item.error}")
            else:
                logging.getLogger("gipr").info("[%d/%d] %s", index, len(files), item.source.path)
            out.write(to_json(item, indent=2 if single else None) + "\n")
    finally:
        if output:
            out.close()
    if not files:
        err("没有找到报告文件 (no input files)")
        raise typer.Exit(2)
    _report_failures(failed, len(files))
    if failed:
        raise typer.Exit(2)


@app.command()
def schema(output: OutputOpt = None) -> None:
    """输出 extract 结果的 JSON Schema。"""
    import json

    from gipr_llm.render.json_output import report_schema

    text = json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":  # pragma: no cover
    app()
