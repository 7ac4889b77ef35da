"""Build the golden cases' inputs from the seeds: copies, planted errors, HTML/DOCX renderings.

Run from the repository root::

    python golden/make_cases.py            # write case.json, input.*, facts.json of derived cases
    python golden/make_cases.py --check    # verify the committed inputs still match (no writes)

The seeds' ``facts.json`` are written by hand and never touched here. Every planted error is
an exact text substitution that must apply exactly once, so the case says precisely what
changed. HTML/DOCX copies are rendered once with ``tests/fixture_docs.py`` and committed;
they are only re-rendered with ``--render`` (DOCX bytes carry zip timestamps).

Recordings are made afterwards with ``gipr golden record --scripted`` and expected outputs
with ``gipr golden update``; both are reviewed before they are committed.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "golden"
SAMPLES = ROOT / "samples"
sys.path.insert(0, str(ROOT))

from gipr_llm.golden.store import CaseInfo, dumps  # noqa: E402

SEEDS = {
    "000": "西城区政府办公室 2021 年报告（2021 版模板）：一格一行、标题缺序号、无第六部分编号；六中的“不存在行政事业性收费”不是信息处理费。",
    "001": "北京市西城区信访办公室 2024 年报告（2021 版模板）：竖线分隔行、半角标点、网站页脚；正文给出主动公开总数21条及分项，未收取信息处理费。",
    "002": "北京市东城区政务服务管理局 2021 年报告（2021 版模板）：一格一行、U+00A0 填充、段落断行；正文“其中”分项不全（总数63条为准）。",
    "003": "北京市朝阳区政务服务管理局 2020 年报告（2019 版模板）：表三「本机关不掌握相关政府信息」行总计填183（应为182），正文同句给出区政府与本机关两种范围的数字。",
    "004": "北京市西城区人民政府外事办公室 2019 年报告（2019 版模板）：制表符分隔；其他对外管理服务事项分项只有2个数；表四有16个数；标签跨行。",
}


@dataclass
class Planted:
    name: str
    based_on: str
    description: str
    planted: str
    edits: list[tuple[str, str]]  # (old, new), each must occur exactly once in the seed text
    facts_edits: list[tuple[str, str]] = field(default_factory=list)
    eval: bool = False


@dataclass
class Copy:
    name: str
    based_on: str
    fmt: str  # html | docx
    description: str


PLANTED = [
    Planted(
        "003-fixed",
        "003",
        "003 改正笔误后的干净版本：各项勾稽关系均应成立，不应有表格错误。",
        "表三「（四）无法提供 1.本机关不掌握相关政府信息」行总计 183 改为 182。",
        [("\t171\n\t11\n\t0\n\t0\n\t0\n\t0\n\t183\n", "\t171\n\t11\n\t0\n\t0\n\t0\n\t0\n\t182\n")],
    ),
    Planted(
        "000-cell",
        "000",
        "000 表三改动一个单元格：行和与本列“第一项加第二项等于第三项加第四项”同时不成立，应定位到该格，推算值为0。",
        "表三「一、本年新收政府信息公开申请数量」行「自然人」列 0 改为 5。",
        [("\t一、本年新收政府信息公开申请数量\n\t0\n", "\t一、本年新收政府信息公开申请数量\n\t5\n")],
    ),
    Planted(
        "004-swap",
        "004",
        "004 表三同一行两列数值互换：行和仍成立，两列的年度平衡不成立，应指出两格很可能填反。",
        "表三「一、本年新收政府信息公开申请数量」行「自然人」2 与「商业企业」0 互换。",
        [("一、本年新收政府信息公开申请数量\t\t2\t0\t", "一、本年新收政府信息公开申请数量\t\t0\t2\t")],
    ),
    Planted(
        "004-dropped-row",
        "004",
        "004 表三缺一行：应报告缺行，且不把缺行当作0。",
        "删去表三「（四）无法提供 1.本机关不掌握相关政府信息」行（1、0、0、0、0、0、1），其分组标签移到下一行。",
        [
            (
                "\t(四) 无法提供\t1. 本机关不掌握相关政府信息\t1\t0\t0\t0\t0\t0\t1\n\t\t2. 没有现成信息需要另行制作",
                "\t(四) 无法提供\t2. 没有现成信息需要另行制作",
            )
        ],
    ),
    Planted(
        "001-narrative",
        "001",
        "001 正文所述申请数与表三不符：正文称受理3件，表三本年新收为0，应报告正文与表格不一致。",
        "正文「全年共受理信息公开申请0件」改为「全年共受理信息公开申请3件」。",
        [("全年共受理信息公开申请0件", "全年共受理信息公开申请3件")],
        facts_edits=[
            (
                '"value": 0, "unit": "件", "quote": "全年共受理信息公开申请0件"',
                '"value": 3, "unit": "件", "quote": "全年共受理信息公开申请3件"',
            )
        ],
        eval=True,
    ),
    Planted(
        "002-llm-ungrounded",
        "002",
        "002 原文不变，大模型回复中预置错误（见 llm/scripted_replies.json）：编造的引文与引文中不存在的数字应被原文核验拒绝。",
        "报告未改动；手写的脚本回复第1次含一条编造引文的问题和一个错数（36条，引文为63条），第2、3次仍含错数，最后一次按核验舍弃。",
        [],
        eval=True,
    ),
]

COPIES = [
    Copy(
        "003-html",
        "003",
        "html",
        "003 渲染为网页（rowspan/colspan 表格、网站页脚）：表格、勾稽错误与事实应与文本版一致。",
    ),
    Copy("002-html", "002", "html", "002 渲染为网页：表格与事实应与文本版一致。"),
    Copy(
        "001-docx",
        "001",
        "docx",
        "001 填入官方 2021 版 DOCX 空白模板（真实合并单元格）：表格与事实应与文本版一致。",
    ),
    Copy(
        "003-docx",
        "003",
        "docx",
        "003（2019 版模板）渲染为 DOCX 合并单元格表格：表格、勾稽错误与事实应与文本版一致。",
    ),
]


# Phrasing cases (issue 13): seed 001 with its overview replaced by a dev-set text that
# states the 主动公开 total / 受理 count one way real reports do (tests/phrasing_cases.py,
# facts written and checked by hand there). Sections 五 and 六 are 001's, and so are the
# problems, measures and fee of the facts.
PHRASING = (
    "publish-verb",
    "gongkai-gelei",
    "scaled-wan",
    "chinese-yu",
    "approx-markers",
    "negation",
    "per-channel",
    "subheading",
    "markdown",
    "pdf-break",
)


def phrasing_files() -> dict[Path, bytes]:
    from tests.phrasing_cases import BY_NAME, report_text

    seed_facts = json.loads((GOLDEN / "001" / "facts.json").read_text(encoding="utf-8"))
    out: dict[Path, bytes] = {}
    for name in PHRASING:
        case = BY_NAME[name]
        text = report_text(case)
        counts = [
            {"kind": f.kind, "value": f.value, "unit": f.unit or "件", "quote": f.quote} for f in case.expected
        ] + [{k: v for k, v in other.items() if k != "approximate"} for other in case.others]
        counts.sort(key=lambda c: text.index(str(c["quote"])))
        facts = {**seed_facts, "counts": [_ordered(c) for c in counts]}
        folder = GOLDEN / f"phrasing-{name}"
        out[folder / "case.json"] = _info(
            description=f"措辞：{case.phrasing}。001 的“总体情况”换为按真实报告写法撰写的短文。{case.notes}",
            origin="planted",
            based_on="001",
            planted=f"“一、总体情况”正文替换为 tests/phrasing_cases.py 的 {name}（{case.phrasing}）。",
            eval=True,
        )
        out[folder / "input.txt"] = text.encode("utf-8")
        out[folder / "facts.json"] = dumps(facts).encode("utf-8")
    return out


def _ordered(count: dict) -> dict:
    keys = ("kind", "label", "value", "unit", "quote")
    return {key: count[key] for key in keys if key in count}


def seed_path(seed: str) -> Path:
    (path,) = SAMPLES.glob(f"{seed}_*.txt")
    return path


def apply_edits(text: str, edits: list[tuple[str, str]], what: str) -> str:
    for old, new in edits:
        if text.count(old) != 1:
            raise SystemExit(f"{what}: planted edit applies {text.count(old)} times, expected once: {old!r}")
        text = text.replace(old, new)
    return text


def build(check: bool, render: bool) -> list[str]:
    """Write (or with ``check`` compare) every generated file; return the files that differ."""
    wanted: dict[Path, bytes] = {}
    for seed, description in SEEDS.items():
        wanted[GOLDEN / seed / "case.json"] = _info(description=description, origin="seed")
        wanted[GOLDEN / seed / "input.txt"] = seed_path(seed).read_bytes()
    for case in PLANTED:
        text = apply_edits(seed_path(case.based_on).read_text(encoding="utf-8"), case.edits, case.name)
        facts = (GOLDEN / case.based_on / "facts.json").read_text(encoding="utf-8")
        wanted[GOLDEN / case.name / "case.json"] = _info(
            description=case.description,
            origin="planted",
            based_on=case.based_on,
            planted=case.planted,
            eval=case.eval,
        )
        wanted[GOLDEN / case.name / "input.txt"] = text.encode("utf-8")
        wanted[GOLDEN / case.name / "facts.json"] = apply_edits(facts, case.facts_edits, case.name).encode(
            "utf-8"
        )
    for case in COPIES:
        wanted[GOLDEN / case.name / "case.json"] = _info(
            description=case.description, origin="copy", based_on=case.based_on, eval=False
        )
        wanted[GOLDEN / case.name / "facts.json"] = (GOLDEN / case.based_on / "facts.json").read_bytes()
        target = GOLDEN / case.name / f"input.{case.fmt}"
        if render or not target.exists():
            if check:
                raise SystemExit(f"{target}: missing; run without --check to render it")
            _render(case, target)
    wanted.update(phrasing_files())
    differing = []
    for path, data in wanted.items():
        if path.exists() and path.read_bytes() == data:
            continue
        differing.append(str(path.relative_to(ROOT)))
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return differing


def _info(**fields: object) -> bytes:
    info = CaseInfo.model_validate(fields)
    return dumps(info.model_dump(mode="json", exclude_none=True)).encode("utf-8")


def _render(case: Copy, target: Path) -> None:
    from gipr_llm.pipeline import read_report
    from tests.fixture_docs import report_to_docx, report_to_html

    report = read_report(seed_path(case.based_on))
    target.parent.mkdir(parents=True, exist_ok=True)
    if case.fmt == "html":
        target.write_text(report_to_html(report), encoding="utf-8")
    else:
        report_to_docx(report, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare only; exit 1 if a generated file differs"
    )
    parser.add_argument("--render", action="store_true", help="re-render the HTML/DOCX copies")
    args = parser.parse_args()
    differing = build(args.check, args.render)
    for path in differing:
        print(("differs: " if args.check else "wrote: ") + path)
    if args.check and differing:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
