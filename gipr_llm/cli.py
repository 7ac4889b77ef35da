"""The ``gipr`` command line. Data goes to stdout (or -o), logs and progress to stderr.

Exit codes: 0 all inputs read; 1 (check) error-level findings; 2 an input could not be read
or an option is wrong. ``-`` as a path reads the report from standard input; a quoted glob
(``'reports/**/*.pdf'``) is expanded here.
"""

from __future__ import annotations

import functools
import inspect
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gipr_llm.domain.bodies import BodyDirectory
from gipr_llm.domain.models import Agreement, FailedInput, Report, severity_counts
from gipr_llm.llm.config import LlmConfig
from gipr_llm.render.cli_help import GiprCommand, GiprGroup

if TYPE_CHECKING:
    from gipr_llm.render.formats import Kind

app = typer.Typer(
    cls=GiprGroup,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="读取政府信息公开工作年度报告，输出结构化数据、勾稽关系检查和简报。\n\n"
    "示例：gipr extract samples/ -o out/reports.jsonl；gipr check samples/；"
    "gipr brief samples/ --batch -o out/汇总.docx",
)

PathsArg = Annotated[
    list[Path],
    typer.Argument(help="报告文件、目录、通配符（加引号）或 -（标准输入）", metavar="路径..."),
]
OutputOpt = Annotated[
    Path | None, typer.Option("-o", "--output", help="写入文件而非标准输出", metavar="文件")
]

_quiet = False  # -q: only errors and data on the terminal


def err(message: str) -> None:
    from gipr_llm.domain.textnorm import printable

    typer.echo(f"gipr: {printable(message)}", err=True)  # one line, whatever a file name holds


def note(message: str) -> None:
    """A remark on stderr that -q silences (which path runs, where outputs went)."""
    if not _quiet:
        err(message)


def _report_failures(failed: list[FailedInput], total: int) -> None:
    if failed:
        err(f"{total - len(failed)} 份成功，{len(failed)} 份失败：")
        for item in failed:  # each refusal once, last, where a long batch's failures are found
            err(f"{item.path}: {item.error}")


def refuse_output_among_inputs(output: Path | None, paths: list[Path]) -> None:
    from gipr_llm.pipeline.batch import output_among_inputs

    if output_among_inputs(output, paths):
        err(f"{output}: 输出文件是输入文件之一，已拒绝以免覆盖 (output is one of the inputs)")
        raise typer.Exit(2)


def _interrupted(signum: int, frame: object) -> None:
    # The batch stops at its next report even if this exception is swallowed (raised inside
    # a finalizer, Python prints it as "ignored"). No batch runs before the runner is imported.
    interrupt = sys.modules.get("gipr_llm.pipeline.interrupt")
    if interrupt is None or not interrupt.STOP.is_set():
        err("已中断，未写完的输出文件已丢弃 (interrupted)")
    if interrupt is not None:
        interrupt.STOP.set()
    raise KeyboardInterrupt  # typer exits 130; outputs being written remove their temporary file


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"gipr-llm {version('gipr-llm')}")
        raise typer.Exit(0)


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="详细日志")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="只输出数据和错误")] = False,
    version: Annotated[
        bool, typer.Option("-V", "--version", callback=_version, is_eager=True, help="显示版本号")
    ] = False,
) -> None:
    global _quiet
    if ctx.invoked_subcommand is None:  # `gipr` alone: the help, and nothing wrong with that
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    _quiet = quiet
    import signal

    signal.signal(signal.SIGINT, _interrupted)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="gipr: %(message)s", stream=sys.stderr
    )
    if not verbose:
        # instructor logs every failed attempt at ERROR; our own warning already says what
        # happened and which path ran, so its lines only show with -v.
        logging.getLogger("instructor").setLevel(logging.CRITICAL)


UseLlmOpt = Annotated[
    bool | None, typer.Option("--llm/--no-llm", help="用大模型抽取叙述事实（默认：已配置时使用）")
]
ModelOpt = Annotated[str | None, typer.Option("--model", help="模型名（默认取 GIPR_MODEL）", metavar="模型")]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option("--base-url", help="OpenAI 兼容接口地址（默认取 OPENAI_BASE_URL）", metavar="地址"),
]
LlmModeOpt = Annotated[
    str | None,
    typer.Option(
        "--llm-mode",
        help="instructor 模式：auto（默认：先用函数调用，接口不支持时自动改用 json）、tools、json、md_json",
        metavar="模式",
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option(
        "--no-cache", help="不读写大模型响应缓存（缓存目录默认为用户缓存目录，可用 GIPR_CACHE_DIR 指定）"
    ),
]
JobsOpt = Annotated[
    int | None,
    typer.Option(
        "-j",
        "--jobs",
        min=1,
        help="同时处理的报告数：不用大模型时为进程数（默认 CPU 核数），用大模型时为并发请求数（默认 1）",
        metavar="数量",
    ),
]

# The LLM options (and -q), declared once: every command that reads reports takes them.
LLM_OPTIONS: dict[str, tuple[Any, Any]] = {
    "use_llm": (UseLlmOpt, None),
    "model": (ModelOpt, None),
    "base_url": (BaseUrlOpt, None),
    "llm_mode": (LlmModeOpt, None),
    "no_cache": (NoCacheOpt, False),
    "jobs": (JobsOpt, None),
    "quiet": (Annotated[bool, typer.Option("-q", "--quiet", help="只输出数据和错误")], False),
}


def with_llm_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``command`` the shared LLM options and -q; it receives ``llm`` (the resolved
    ``LlmConfig`` or None, said on stderr) and ``jobs`` instead of the raw options."""
    own = inspect.signature(command, eval_str=True)
    kept = [p for p in own.parameters.values() if p.name != "llm" and p.name not in LLM_OPTIONS]
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
        for name, (annotation, default) in LLM_OPTIONS.items()
    ]

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        global _quiet
        quiet = kwargs.pop("quiet")  # popped whatever `gipr -q` already set
        _quiet = _quiet or quiet
        options = {
            name: kwargs.pop(name) for name in ("use_llm", "model", "base_url", "llm_mode", "no_cache")
        }
        llm = llm_config(
            options["use_llm"],
            options["model"],
            options["base_url"],
            options["llm_mode"],
            options["no_cache"],
        )
        if kwargs.get("jobs") is None:  # without an LLM the parse is CPU-bound: every core
            from gipr_llm.pipeline.batch import default_jobs

            kwargs["jobs"] = 1 if llm is not None else default_jobs()
        return command(*args, llm=llm, **kwargs)

    run.__signature__ = own.replace(parameters=[*kept, *added])  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in run.__signature__.parameters.values()}  # type: ignore[attr-defined]
    return run


BodiesOpt = Annotated[
    Path | None,
    typer.Option(
        "--bodies",
        help="单位对照表（CSV 或 TOML）：报告所写名称或通配模式 → 规范单位名、地区、层级、上级单位，"
        "用于跨年度和跨格式认定同一单位",
        metavar="文件",
    ),
]


def bodies_directory(path: Path | None) -> BodyDirectory | None:
    """The --bodies directory, or None; a file that cannot be used is a one-line error, exit 2."""
    if path is None:
        return None
    from gipr_llm.domain.bodies import BodiesFileError, load_bodies

    try:
        return load_bodies(path)
    except BodiesFileError as problem:
        err(str(problem))
        raise typer.Exit(2) from None


def with_bodies_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``command`` the shared ``--bodies FILE`` option; it receives ``bodies`` (the loaded
    directory or None; a file that cannot be used ends the command with exit 2)."""
    own = inspect.signature(command, eval_str=True)
    kept = [p for p in own.parameters.values() if p.name != "bodies"]
    added = inspect.Parameter("bodies_file", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=BodiesOpt)

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        return command(*args, bodies=bodies_directory(kwargs.pop("bodies_file")), **kwargs)

    run.__signature__ = own.replace(parameters=[*kept, added])  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in run.__signature__.parameters.values()}  # type: ignore[attr-defined]
    return run


def llm_config(
    use_llm: bool | None, model: str | None, base_url: str | None, mode: str | None, no_cache: bool = False
):
    """The LLM settings the options and environment give, or None; says on stderr which path runs."""
    from gipr_llm.llm.config import LlmConfigError

    try:
        config = LlmConfig.from_options(
            use_llm=use_llm, model=model, base_url=base_url, mode=mode, no_cache=no_cache
        )
    except LlmConfigError as problem:
        err(str(problem))
        raise typer.Exit(2) from None
    if config is None:
        note(
            "未配置大模型（OPENAI_API_KEY、GIPR_MODEL）：表格由确定性解析器读取，叙述事实由规则提取"
            " (no LLM configured: deterministic tables, rules-based narrative facts)"
        )
    else:
        note(f"叙述事实由大模型 {config.model} 抽取，表格由确定性解析器读取 (LLM: {config.model})")
    return config


def write_or_exit(kind: Kind, result: Any, output: Path | None, fmt: str | None = None) -> None:
    """Write ``result`` in the format ``--format`` or the output's suffix chooses (one registry
    for every command); a format or file problem is one line and exit 2."""
    from gipr_llm.render.formats import FormatError, write_output

    try:
        write_output(kind, result, output, fmt)
        if output is not None:
            note(f"已写入 {output}")
    except FormatError as problem:
        err(str(problem))
        raise typer.Exit(2) from None
    except OSError as problem:
        err(f"{output}: 无法写入 ({problem.strerror or type(problem).__name__})")
        raise typer.Exit(2) from None


FormatOpt = Annotated[
    str | None,
    typer.Option("--format", help="输出格式 json 或 jsonl（默认按 -o 的扩展名选择）", metavar="格式"),
]


def _ingest(
    db: Path, files: list[Path], llm: LlmConfig | None, jobs: int, bodies, reported, output, fmt
) -> None:
    """extract --db: into the store, and to -o as well when given."""
    import duckdb

    from gipr_llm.pipeline.corpus import ingest
    from gipr_llm.store import Store, StoreVersionError

    try:
        store = Store.open(db)
    except (StoreVersionError, OSError, duckdb.Error) as problem:
        err(f"{db}: {problem}")
        raise typer.Exit(2) from None
    with store:
        items = reported((item, findings) for _, item, findings in ingest(files, store, llm, jobs, bodies))
        if output is not None:
            write_or_exit("reports", items, output, fmt)
        else:
            for _ in items:
                pass


@app.command(cls=GiprCommand)
@with_llm_options
@with_bodies_option
def extract(
    paths: PathsArg,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    db: Annotated[Path | None, typer.Option("--db", help="写入 DuckDB 语料库（未变化的文件跳过）")] = None,
    shard_spec: Annotated[
        str | None, typer.Option("--shard", help="只处理第 i 份（共 n 份）文件，如 1/4")
    ] = None,
    *,
    llm: LlmConfig | None,
    jobs: int,
    bodies: BodyDirectory | None,
) -> None:
    """解析报告的三张统计表和叙述部分，输出 JSON（多份报告时为 JSON Lines；--format json 或 jsonl），或写入 --db 语料库。

    示例：gipr extract 报告.pdf；gipr extract samples/ -o out/reports.jsonl；gipr extract samples/ --db corpus.duckdb
    """
    from gipr_llm.pipeline.batch import expand_paths, extract_many, shard
    from gipr_llm.pipeline.progress import BatchProgress
    from gipr_llm.render.json_output import RenderedReport

    listed = expand_paths(paths)  # once: the output check and the batch read the same list
    refuse_output_among_inputs(output, listed)
    try:
        files = shard(listed, shard_spec)
    except ValueError as problem:
        err(str(problem))
        raise typer.Exit(2) from None
    single = len(paths) == 1 and files == paths
    if fmt is None and (output is None or not output.suffix):
        fmt = "json" if single else "jsonl"
    failed: list[FailedInput] = []
    agreement = Agreement()

    def reported(
        progress: BatchProgress, results: Iterable[tuple]
    ) -> Iterator[Report | RenderedReport | FailedInput]:
        nonlocal agreement
        for item, findings in results:
            if item is None:  # already in the store
                progress.advance(skipped=True)
                continue
            if isinstance(item, FailedInput):
                failed.append(item)  # named once, in the summary at the end
                progress.advance(failed=True)
                yield item
                continue
            rendered = item if isinstance(item, RenderedReport) else None
            logging.getLogger("gipr").info(
                "[%d/%d] %s", progress.tally.done + 1, len(files), rendered.path if rendered else item.source.path
            )
            run_agreement = rendered.agreement if rendered else item.extraction.agreement
            if run_agreement is not None:
                agreement += run_agreement
            errors, warnings = (rendered.errors, rendered.warnings) if rendered else severity_counts(findings)
            yield item
            progress.advance(errors=errors, warnings=warnings)

    with BatchProgress(len(files), quiet=_quiet, stdout_busy=output is None and db is None) as progress:
        if db is None:
            # In a batch the workers write each report's JSON: the main process only copies it
            # out. One report is written indented, from the Report itself.
            form = "rendered" if len(files) > 1 else "report"
            results = (
                (i, i.findings if isinstance(i, Report) else ())
                for i in extract_many(files, llm, jobs, bodies, form=form)
            )
            write_or_exit("reports", reported(progress, results), output, fmt)
        else:
            _ingest(db, files, llm, jobs, bodies, lambda results: reported(progress, results), output, fmt)
    if agreement.rate is not None:
        err(
            f"规则与大模型一致率 {agreement.rate:.1%}（一致 {agreement.agreed}，仅规则 {agreement.rules_only}，"
            f"仅大模型 {agreement.llm_only}，不一致 {agreement.disagreed}）(rules/LLM agreement)"
        )
    if not files:
        err("没有找到报告文件 (no input files)")
        raise typer.Exit(2)
    _report_failures(failed, len(files))
    if failed:
        raise typer.Exit(2)


RulesOpt = Annotated[list[str] | None, typer.Option(help="规则编号或前缀，可重复", metavar="规则")]


@app.command(cls=GiprCommand)
@with_llm_options
@with_bodies_option
def check(
    paths: PathsArg,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="输出格式：text（默认，中文报告）、json 或 html（审核页面，同 review）", metavar="格式"),
    ] = None,
    output: OutputOpt = None,
    select: Annotated[
        list[str] | None,
        typer.Option(
            "--select", help="只报告这些规则（编号或前缀，如 T3、LOCALISED），可重复", metavar="规则"
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="不报告这些规则（编号或前缀），可重复", metavar="规则"),
    ] = None,
    statistics: Annotated[bool, typer.Option("--statistics", help="只列出每条规则的发现数")] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="发现错误时退出码仍为 0（无法读取的文件仍为 2）")
    ] = False,
    *,
    llm: LlmConfig | None,
    jobs: int,
    bodies: BodyDirectory | None,
) -> None:
    """检查勾稽关系、模板规范、正文与表格一致性及跨年度衔接。

    退出码：0 无错误，1 有报告错误，3 仅有读取问题（工具未能读取的内容，非报告错误），2 有文件无法读取。

    示例：gipr check samples/；gipr check 报告.docx --select T3 --format json -o 检查.json；
    gipr check samples/ --statistics
    """
    from gipr_llm.checks.batch import CheckedReport, CheckRun, CheckStream, filter_rules, rule_statistics
    from gipr_llm.pipeline.batch import check_stream, expand_paths
    from gipr_llm.pipeline.progress import BatchProgress
    from gipr_llm.render.formats import FormatError, choose

    listed = expand_paths(paths)  # once: the output check and the batch read the same list
    refuse_output_among_inputs(output, listed)
    try:
        choose("check", fmt, output)
    except FormatError as problem:  # said before the batch is read, not after
        err(str(problem))
        raise typer.Exit(2) from None
    # The narrative facts compared with the tables (NARRATIVE-TABLE) come from the LLM when
    # configured, as in extract; --no-llm keeps a pre-publication check fully deterministic.
    stream = check_stream(listed, llm, jobs, bodies)

    def finish() -> CheckRun:
        run = filter_rules(stream.finish(), select or (), ignore or ())
        for item in run.reports:  # the year chain's findings, as filtered
            kept = {id(f) for f in item.findings}
            item.chain = [f for f in item.chain if id(f) in kept]
        return run

    # The text report streams a block per report as it is checked; on a terminal that is the progress.
    with BatchProgress(stream.total, quiet=_quiet, stdout_busy=output is None) as progress:

        def counted() -> Iterator[CheckedReport | FailedInput]:
            for item in stream.items:
                if isinstance(item, CheckedReport):
                    filter_rules(CheckRun(reports=[item]), select or (), ignore or ())
                errors, warnings = severity_counts([] if isinstance(item, FailedInput) else item.findings)
                yield item
                progress.advance(failed=isinstance(item, FailedInput), errors=errors, warnings=warnings)

        if statistics:
            for _ in counted():
                pass
        else:
            write_or_exit("check", CheckStream(counted(), stream.total, finish), output, fmt)
    run = finish()
    if statistics:
        typer.echo(rule_statistics(run))
    code = run.exit_code
    raise typer.Exit(0 if exit_zero and code == 1 else code)


@app.command(cls=GiprCommand)
@with_llm_options
@with_bodies_option
def brief(
    paths: PathsArg,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="写入 .md 或 .docx 文件（默认 Markdown 输出到标准输出）"),
    ] = None,
    batch: Annotated[bool, typer.Option("--batch", help="多份报告（或目录）汇总为一份汇总分析简报")] = False,
    edition: Annotated[str, typer.Option("--edition", help="期号，印在报头下", metavar="期号")] = "第1期",
    date: Annotated[
        str | None, typer.Option("--date", help="印发日期，如 2026年12月2日（默认今天）", metavar="日期")
    ] = None,
    *,
    llm: LlmConfig | None,
    jobs: int,
    bodies: BodyDirectory | None,
) -> None:
    """生成中文简报：单份报告的简要情况，或 --batch 汇总分析；大模型只写连接性文字，数字由程序核对。

    示例：gipr brief 报告.docx；gipr brief samples/ --batch -o out/汇总.docx --edition 第3期
    """
    import datetime as dt

    from gipr_llm.pipeline.brief import run_brief

    today = dt.date.today()
    date = date or f"{today.year}年{today.month}月{today.day}日"
    code = run_brief(paths, output, batch=batch, llm=llm, err=err, jobs=jobs, bodies=bodies, edition=edition, date=date)
    if code != 2 and output is not None:
        note(f"已写入 {output}")
    raise typer.Exit(code)


@app.command(cls=GiprCommand)
@with_llm_options
def review(
    paths: Annotated[
        list[Path],
        typer.Argument(help="报告文件、目录、通配符（加引号），或 gipr extract 输出的 .jsonl 文件", metavar="路径..."),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="写入的 HTML 文件", metavar="文件")
    ] = Path("review.html"),
    *,
    llm: LlmConfig | None,
    jobs: int,
) -> None:
    """生成审核页面：一个离线 HTML 文件，列出每份报告的状态，按模板展示三张表并标出问题单元格。

    退出码同 check：0 无错误，1 有错误，2 有文件无法读取。

    示例：gipr review samples/ -o 审核.html；gipr review out/reports.jsonl -o 审核.html
    """
    from gipr_llm.pipeline.review import review_run

    run = review_run(paths, llm, jobs)
    write_or_exit("check", run, output, "html")
    _report_failures(run.failed, len(run.reports) + len(run.failed))
    if run.no_input:
        err("没有找到报告文件 (no input files)")
    note(f"审核页面已写入 {output}（{len(run.reports) + len(run.failed)} 份报告）")
    raise typer.Exit(run.exit_code)


@app.command(cls=GiprCommand)
def export(
    source: Annotated[Path, typer.Argument(help="语料库（.duckdb）或 gipr extract 写出的 JSON Lines")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="输出：.xlsx、.csv、.parquet，或 --hive 时为目录")
    ],
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="xlsx、csv 或 parquet（默认取 -o 的扩展名）；csv/parquet 为长表"),
    ] = None,
    hive: Annotated[
        bool, typer.Option("--hive", help="按年度、省份分区的 Parquet 目录（cells/facts/findings/reports）")
    ] = False,
) -> None:
    """导出语料库：Excel（每张表一页，问题单元格标色并附批注）、长表 CSV/Parquet、分区 Parquet。"""
    from gipr_llm.render.export import ExportError, export_hive, open_source
    from gipr_llm.render.formats import FormatError, choose

    if not hive:
        try:
            choose("corpus", fmt, output)
        except FormatError as problem:  # said before the source is read
            err(str(problem))
            raise typer.Exit(2) from None
    try:
        store = open_source(source)
    except ExportError as problem:
        err(str(problem))
        raise typer.Exit(2) from None
    with store:
        if hive:
            export_hive(store, output, part=source.stem)
        else:
            write_or_exit("corpus", store, output, fmt)
    note(f"已导出 {output}")


@app.command(cls=GiprCommand)
def schema(output: OutputOpt = None) -> None:
    """输出 extract 结果的 JSON Schema。"""
    import json

    from gipr_llm.render.json_output import report_schema

    text = json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


# golden-file regression and model evaluation (gipr_llm/golden/commands.py)
from gipr_llm.golden.commands import eval_command, golden_app  # noqa: E402

app.add_typer(golden_app, name="golden")
app.command("eval", cls=GiprCommand)(eval_command)


if __name__ == "__main__":  # pragma: no cover
    app()
