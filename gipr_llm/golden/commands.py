"""The ``gipr golden`` sub-commands and ``gipr eval`` (added to the main app in ``gipr_llm.cli``).

Exit codes: 0 no difference; 1 a difference (or a declined update); 2 a case that cannot
be run (missing or stale recording, unreadable file) or a bad option.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gipr_llm.golden.store import GoldenError
from gipr_llm.render.cli_help import GiprCommand, GiprGroup

golden_app = typer.Typer(
    cls=GiprGroup,
    no_args_is_help=True,
    help="golden 文件回归：重新运行并与 golden/ 中审核过的预期输出逐字段比较。",
)

CasesOpt = Annotated[list[str] | None, typer.Option("--case", help="只处理这些用例（可重复）")]
DirOpt = Annotated[
    Path | None, typer.Option("--golden-dir", help="golden 目录（默认：在当前目录及其上级查找）", metavar="目录")
]
ModeOpt = Annotated[
    str, typer.Option("--mode", help="replay：大模型路径按录制回放；rules：规则抽取；all：两者（默认）")
]


def _err(message: str) -> None:
    typer.echo(f"gipr: {message}", err=True)


def _modes(mode: str) -> tuple:
    from gipr_llm.golden.run import MODES

    if mode == "all":
        return MODES
    if mode not in MODES:
        _err(f"--mode 只能是 replay、rules 或 all，收到「{mode}」")
        raise typer.Exit(2)
    return (mode,)


def _cases(golden_dir: Path | None, names: list[str] | None) -> list:
    from gipr_llm.golden.store import find_golden_dir, list_cases

    try:
        golden_dir = golden_dir or find_golden_dir()
        cases = list_cases(golden_dir, names)
    except GoldenError as error:
        _err(str(error))
        raise typer.Exit(2) from None
    if not cases:
        _err(f"{golden_dir} 中没有 golden 用例")
        raise typer.Exit(2)
    return cases


@golden_app.command("check", cls=GiprCommand)
def check(
    case: CasesOpt = None,
    mode: ModeOpt = "all",
    golden_dir: DirOpt = None,
    junit: Annotated[
        Path | None, typer.Option("--junit-xml", help="另写一份 JUnit XML 结果（供 CI 展示）", metavar="文件")
    ] = None,
) -> None:
    """重新运行每个 golden 用例并与 expected.json 逐字段比较；有差异退出码为 1，无法运行为 2。

    示例：gipr golden check；gipr golden check --mode rules --case 003 --junit-xml golden.xml
    """
    from gipr_llm.golden.check import compare_cases, exit_code, junit_xml

    modes = _modes(mode)
    results = compare_cases(_cases(golden_dir, case), modes)
    if junit is not None:
        junit.parent.mkdir(parents=True, exist_ok=True)
        junit.write_text(junit_xml(results, modes), encoding="utf-8")
    for result in results:
        if result.ok:
            typer.echo(f"{result.case.name}: ok")
        for line in result.lines():
            typer.echo(line)
    differing = [r.case.name for r in results if not r.ok and r.error is None]
    failed = [r.case.name for r in results if r.error is not None]
    summary = f"golden check（{'+'.join(modes)}）：{len(results)} 个用例，{len(differing)} 个有差异，{len(failed)} 个无法运行"
    typer.echo(summary)
    if differing:
        typer.echo(f"如改动是有意的，审核差异后运行：gipr golden update --case {' --case '.join(differing)}")
    raise typer.Exit(exit_code(results))


@golden_app.command("update", cls=GiprCommand)
def update(
    case: CasesOpt = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不询问，直接改写")] = False,
    mode: ModeOpt = "all",
    golden_dir: DirOpt = None,
) -> None:
    """先显示与 expected.json 的差异，确认后用新结果改写。

    --mode rules 只重跑并改写规则模式的部分（无需大模型录制）；各模式共有的部分变了时须用 --mode all。

    示例：gipr golden update --case 003；gipr golden update --mode rules --yes
    """
    from gipr_llm.golden.check import compare_cases, merged_expected, write_expected
    from gipr_llm.golden.store import read_json

    modes = _modes(mode)
    results = compare_cases(_cases(golden_dir, case), modes)
    failed = [r for r in results if r.error is not None]
    for result in failed:
        _err(result.lines()[0])
    if failed:
        _err("有用例无法运行，未改写任何文件")
        raise typer.Exit(2)
    changed = [r for r in results if not r.ok]
    for result in changed:
        for line in result.lines():
            typer.echo(line)
    if not changed:
        typer.echo(f"{len(results)} 个用例的 expected.json 均已是最新")
        return
    names = "、".join(r.case.name for r in changed)
    if not yes:
        if not sys.stdin.isatty():
            _err("非交互环境中不会改写 golden 文件；审核以上差异后加 --yes 运行")
            raise typer.Exit(2)
        if not typer.confirm(f"用新结果改写 {names} 的 expected.json？"):
            typer.echo("未改写")
            raise typer.Exit(1)
    for result in changed:
        if len(modes) < 2 and result.case.expected_path.is_file():
            try:
                result.fresh = merged_expected(result, read_json(result.case.expected_path), modes)
            except GoldenError as error:
                _err(str(error))
                raise typer.Exit(2) from None
        write_expected(result)
        result.case.pending_path.unlink(missing_ok=True)
    typer.echo(f"已改写：{names}")


@golden_app.command("add", cls=GiprCommand)
def add(
    report: Annotated[Path, typer.Argument(help="要加入的报告文件", metavar="报告")],
    name: Annotated[str | None, typer.Option("--name", help="用例名（默认取文件名）", metavar="名称")] = None,
    description: Annotated[str, typer.Option("--description", help="用例说明", metavar="说明")] = "",
    golden_dir: DirOpt = None,
) -> None:
    """把一份报告加为新的 golden 用例：复制原文，写 case.json，并把规则模式的运行结果写入
    expected.pending.json 供人工审核（不会自动成为预期输出）。

    示例：gipr golden add 报告.docx --name 朝阳区-2024 --description "2021 版模板，DOCX 原件"
    """
    from gipr_llm.golden.check import add_case
    from gipr_llm.golden.store import find_golden_dir

    try:
        root = golden_dir or find_golden_dir()
        case = add_case(root, report, name or report.stem, description)
    except GoldenError as error:
        _err(str(error))
        raise typer.Exit(2) from None
    typer.echo(f"已加入用例 {case.name}：{case.dir}")
    typer.echo(
        "下一步：审核 expected.pending.json；写好 facts.json 后用 gipr golden record --case "
        f"{case.name}（或 --scripted）录制；再用 gipr golden update --case {case.name} 写入 expected.json"
    )


@golden_app.command("record", cls=GiprCommand)
def record(
    case: CasesOpt = None,
    scripted: Annotated[
        bool,
        typer.Option(
            "--scripted",
            help="不连大模型：由本地脚本服务器回答手写回复（llm/scripted_replies.json，否则 facts.json），标记为 scripted",
        ),
    ] = False,
    replies: Annotated[
        Path | None,
        typer.Option("--replies", help="与 --scripted 同用：手写回复文件（一个回复、回复列表或录制文件）"),
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="模型名（默认 GIPR_MODEL）")] = None,
    golden_dir: DirOpt = None,
) -> None:
    """运行大模型并把每次回复（模型、提示词哈希、请求、回复、token 用量、日期）录制到 llm/recording.json。"""
    from gipr_llm.golden.recording import record_case, scripted_endpoint, scripted_replies
    from gipr_llm.golden.store import read_json
    from gipr_llm.llm.config import LlmConfig, LlmConfigError

    if replies is not None and not scripted:
        _err("--replies 只能与 --scripted 一起使用")
        raise typer.Exit(2)
    cases = _cases(golden_dir, case)
    config = None
    if not scripted:
        try:
            config = LlmConfig.from_options(use_llm=True, model=model)
        except LlmConfigError as error:
            _err(f"录制需要可用的大模型：{error}")
            raise typer.Exit(2) from None
    try:
        for item in cases:
            if scripted:
                source = replies or next(
                    p for p in (item.dir / "llm" / "scripted_replies.json", item.facts_path) if p.is_file()
                )
                with scripted_endpoint(scripted_replies(read_json(source))) as endpoint:
                    recording = record_case(item, endpoint)
            else:
                recording = record_case(item, config)
            who = "、".join(sorted({f"{e.source}:{e.model}" for e in recording.entries})) or "无请求"
            tokens = sum(e.usage.total_tokens for e in recording.entries)
            typer.echo(
                f"{item.name}: 录制 {len(recording.entries)} 条回复（{who}，{tokens} tokens）"
                f"→ {item.relative(item.recording_path)}"
            )
    except (GoldenError, StopIteration) as error:
        _err(str(error) or "没有手写回复文件（llm/scripted_replies.json 或 facts.json）")
        raise typer.Exit(2) from None
    typer.echo("审核录制后运行 gipr golden update 查看并更新预期输出")


def eval_command(
    case: CasesOpt = None,
    model: Annotated[
        str | None, typer.Option("--model", help="评测在线模型（OPENAI_BASE_URL/OPENAI_API_KEY）")
    ] = None,
    recordings: Annotated[bool, typer.Option("--recordings", help="按录制回放评测（默认，不联网）")] = False,
    rules: Annotated[bool, typer.Option("--rules", help="评测规则抽取（基线）")] = False,
    price_in: Annotated[float, typer.Option("--price-in", help="输入每百万 token 价格")] = 0.0,
    price_out: Annotated[float, typer.Option("--price-out", help="输出每百万 token 价格")] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="写入文件而非标准输出")] = None,
    compare: Annotated[
        list[Path] | None, typer.Option("--compare", help="并排比较已保存的 --json 结果（可重复）")
    ] = None,
    golden_dir: DirOpt = None,
    min_recall: Annotated[
        float | None, typer.Option("--min-recall", min=0, max=1, help="总召回率低于此值时以退出码 1 结束（供 CI 把关）")
    ] = None,
    min_precision: Annotated[
        float | None, typer.Option("--min-precision", min=0, max=1, help="总准确率低于此值时以退出码 1 结束")
    ] = None,
) -> None:
    """按 golden 事实评测叙述事实抽取：各字段准确率/召回率、数字完全一致、引文核验失败、重试、token 与成本、规则与大模型一致率。"""
    from gipr_llm.golden import evaluate as ev
    from gipr_llm.llm.config import LlmConfig, LlmConfigError

    if compare:
        try:
            runs = [(path.stem, ev.load_result(path)) for path in compare]
        except GoldenError as error:
            _err(str(error))
            raise typer.Exit(2) from None
        _emit(ev.render_comparison(runs), output)
        return
    if sum(bool(x) for x in (model, recordings, rules)) > 1:
        _err("--model、--recordings、--rules 只能选一个")
        raise typer.Exit(2)
    config = None
    source = "rules" if rules else "live" if model else "recordings"
    if source == "live":
        try:
            config = LlmConfig.from_options(use_llm=True, model=model, cache_dir=None)
        except LlmConfigError as error:
            _err(str(error))
            raise typer.Exit(2) from None
        config = config.model_copy(update={"cache_dir": None})  # score the model, not the cache
    try:
        cases = [c for c in _cases(golden_dir, case) if case or c.info().eval]
        result = ev.evaluate(cases, source, config, (price_in, price_out))
    except GoldenError as error:
        _err(str(error))
        raise typer.Exit(2) from None
    data = result.as_dict()
    _emit(ev.render_json(data) if as_json else ev.render_text(data), output)
    if failures := ev.below_thresholds(data, min_recall=min_recall, min_precision=min_precision):
        _err("评测未达门槛：" + "；".join(failures))
        raise typer.Exit(1)


def _emit(text: str, output: Path | None) -> None:
    if output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
