"""Phrasing dev set: how real reports state their 主动公开 total and 受理 count.

Each case is a short 一、总体情况 written in the style of the seeds, carrying one phrasing
class from issue 13, with the facts a careful reader finds (checked by hand). ``report_text``
puts a case into seed 001 in place of its overview, so a case is also a whole report with
real tables (used by the section tests and the golden cases in ``golden/make_cases.py``).

``expected`` lists the stated totals and application counts: the rules path must find
each of them, and a case whose text gives only per-channel counts has ``no_total``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SEED_001 = next((Path(__file__).resolve().parent.parent / "samples").glob("001_*.txt"))


@dataclass(frozen=True)
class Fact:
    kind: str
    value: int
    unit: str | None
    quote: str  # verbatim from the case text (a scripted LLM reply uses it as is)
    approximate: bool = False


@dataclass(frozen=True)
class Case:
    name: str
    phrasing: str  # the class, as the issue names it
    overview: str  # lines of 一、总体情况 (without the heading)
    expected: tuple[Fact, ...]
    no_total: bool = False  # per-channel counts only: a total must not be invented
    # near-misses for grounding: (value, quote) pairs that must be rejected
    wrong_value: int | None = None
    other_sentence_quote: str | None = None
    markdown: bool = False
    notes: str = ""
    # the case's other counts (items after 其中, channels, 结转), for the golden facts
    others: tuple[dict[str, object], ...] = field(default_factory=tuple)


_TAIL = (
    "2.政府信息资源的管理情况:完善政府信息公开保密审查,妥善处理政务公开与保守国家秘密的关系。\n"
    "3.政策解读情况:在全区范围内印发信访法治化工作指南和“路线图”推广使用。"
)

CASES: tuple[Case, ...] = (
    Case(
        "publish-verb",
        "发布信息751条",
        "2023年,区商务局认真落实《政府信息公开条例》,通过政府门户网站发布信息751条,"
        "涉及政策文件、工作动态、通知公告等内容。\n"
        "依申请公开方面,全年共受理政府信息公开申请3件,均按期答复。\n" + _TAIL,
        (
            Fact("proactive_total", 751, "条", "通过政府门户网站发布信息751条"),
            Fact("applications_received", 3, "件", "全年共受理政府信息公开申请3件"),
        ),
        wrong_value=715,
        other_sentence_quote="全年共受理政府信息公开申请3件",
    ),
    Case(
        "update-verb",
        "更新信息",
        "本年度,区民政局在门户网站“政务公开”专栏更新信息1,236条,及时回应群众关切。\n"
        "全年收到政府信息公开申请12件,已全部办结。\n" + _TAIL,
        (
            Fact("proactive_total", 1236, "条", "在门户网站“政务公开”专栏更新信息1,236条"),
            Fact("applications_received", 12, "件", "全年收到政府信息公开申请12件"),
        ),
        wrong_value=1263,
        other_sentence_quote="全年收到政府信息公开申请12件",
    ),
    Case(
        "publish-kanfa",
        "刊发",
        "2022年,镇政府依托政府网站和政务公开栏,全年刊发各类政务信息386篇。\n"
        "全年受理依申请公开事项5件,按时答复率100%。\n" + _TAIL,
        (
            Fact("proactive_total", 386, "篇", "全年刊发各类政务信息386篇"),
            Fact("applications_received", 5, "件", "全年受理依申请公开事项5件"),
        ),
        wrong_value=368,
        other_sentence_quote="全年受理依申请公开事项5件",
    ),
    Case(
        "gongkai-gelei",
        "公开各类信息X条",
        "2022年,区卫生健康委坚持以公开为常态、不公开为例外,共公开各类信息2361条。\n"
        "全年新收政府信息公开申请41件,上年结转2件。\n" + _TAIL,
        (
            Fact("proactive_total", 2361, "条", "共公开各类信息2361条"),
            Fact("applications_received", 41, "件", "全年新收政府信息公开申请41件"),
        ),
        wrong_value=2316,
        other_sentence_quote="全年新收政府信息公开申请41件",
        others=({"kind": "applications_carried_over", "value": 2, "unit": "件", "quote": "上年结转2件"},),
    ),
    Case(
        "approx-yu",
        "5500余条",
        "2023年,市交通运输局全年主动公开政府信息5500余条,其中政策文件120条。\n"
        "全年共收到政府信息公开申请87件。\n" + _TAIL,
        (
            Fact("proactive_total", 5500, "条", "全年主动公开政府信息5500余条", approximate=True),
            Fact("applications_received", 87, "件", "全年共收到政府信息公开申请87件"),
        ),
        wrong_value=5000,
        other_sentence_quote="全年共收到政府信息公开申请87件",
        others=(
            {
                "kind": "proactive_item",
                "label": "政策文件",
                "value": 120,
                "unit": "条",
                "quote": "其中政策文件120条",
            },
        ),
    ),
    Case(
        "scaled-wan",
        "4.14万条",
        "2023年,区政府全年累计主动公开政府信息4.14万条,政策解读材料356篇。\n"
        "全年共收到政府信息公开申请1,024件。\n" + _TAIL,
        (
            Fact("proactive_total", 41400, "条", "全年累计主动公开政府信息4.14万条"),
            Fact("applications_received", 1024, "件", "全年共收到政府信息公开申请1,024件"),
        ),
        wrong_value=414,
        other_sentence_quote="全年共收到政府信息公开申请1,024件",
        others=(
            {
                "kind": "proactive_item",
                "label": "政策解读材料",
                "value": 356,
                "unit": "篇",
                "quote": "政策解读材料356篇",
            },
        ),
    ),
    Case(
        "chinese-yu",
        "四十余条",
        "本年度,街道办事处主动公开政府信息四十余条,主要为工作动态和通知公告。\n"
        "全年收到政府信息公开申请两件,均在法定期限内答复。\n" + _TAIL,
        (
            Fact("proactive_total", 40, "条", "主动公开政府信息四十余条", approximate=True),
            Fact("applications_received", 2, "件", "全年收到政府信息公开申请两件"),
        ),
        wrong_value=4,
        other_sentence_quote="全年收到政府信息公开申请两件",
    ),
    Case(
        "chinese-exact",
        "一百二十条",
        "2021年,区档案馆通过门户网站主动公开政府信息一百二十条。\n"
        "全年共受理政府信息公开申请十一件。\n" + _TAIL,
        (
            Fact("proactive_total", 120, "条", "通过门户网站主动公开政府信息一百二十条"),
            Fact("applications_received", 11, "件", "全年共受理政府信息公开申请十一件"),
        ),
        wrong_value=12,
        other_sentence_quote="全年共受理政府信息公开申请十一件",
    ),
    Case(
        "approx-markers",
        "约/近/多",
        "2022年,区水务局主动公开政府信息约300条,其中通过政务微博发布信息近200条。\n"
        "全年受理政府信息公开申请20多件。\n" + _TAIL,
        (
            Fact("proactive_total", 300, "条", "区水务局主动公开政府信息约300条", approximate=True),
            Fact("applications_received", 20, "件", "全年受理政府信息公开申请20多件", approximate=True),
        ),
        wrong_value=3000,
        other_sentence_quote="全年受理政府信息公开申请20多件",
        others=(
            {
                "kind": "proactive_item",
                "label": "政务微博",
                "value": 200,
                "unit": "条",
                "quote": "其中通过政务微博发布信息近200条",
                "approximate": True,
            },
        ),
    ),
    Case(
        "negation",
        "未收到政府信息公开申请",
        "2024年,区信访办主动公开政府信息21条。\n"
        "2.依申请公开情况:严格按照《条例》相关规定做好依申请公开工作。全年未收到政府信息公开申请。\n" + _TAIL,
        (
            Fact("proactive_total", 21, "条", "区信访办主动公开政府信息21条"),
            Fact("applications_received", 0, None, "全年未收到政府信息公开申请"),
        ),
        wrong_value=12,
        other_sentence_quote="全年未收到政府信息公开申请",
    ),
    Case(
        "per-channel",
        "网站X条、政务新媒体Y条（无总数）",
        "2023年,区司法局通过政府网站公开信息326条、政务新媒体发布信息158条,"
        "政务公开栏张贴通知公告12条。\n"
        "全年共收到政府信息公开申请4件。\n" + _TAIL,
        (Fact("applications_received", 4, "件", "全年共收到政府信息公开申请4件"),),
        no_total=True,
        notes="三个渠道各有条数，正文没有总数：326+158+12 不得作为总数。",
        others=(
            {
                "kind": "proactive_item",
                "label": "政府网站",
                "value": 326,
                "unit": "条",
                "quote": "通过政府网站公开信息326条",
            },
            {
                "kind": "proactive_item",
                "label": "政务新媒体",
                "value": 158,
                "unit": "条",
                "quote": "政务新媒体发布信息158条",
            },
            {
                "kind": "proactive_item",
                "label": "政务公开栏",
                "value": 12,
                "unit": "条",
                "quote": "政务公开栏张贴通知公告12条",
            },
        ),
    ),
    Case(
        "subheading",
        "（一）主动公开政府信息情况",
        "2024年,区体育局认真贯彻落实《政府信息公开条例》。\n"
        "（一）主动公开政府信息情况\n"
        "全年主动公开政府信息158条,其中规范性文件3条。\n"
        "（二）依申请公开情况\n"
        "全年共收到政府信息公开申请7件,均已办结。\n"
        "（三）政府信息管理情况\n"
        "完善政府信息公开保密审查,确保发布的信息合法合规。",
        (
            Fact("proactive_total", 158, "条", "全年主动公开政府信息158条"),
            Fact("applications_received", 7, "件", "全年共收到政府信息公开申请7件"),
        ),
        wrong_value=185,
        other_sentence_quote="全年共收到政府信息公开申请7件",
        others=(
            {
                "kind": "proactive_item",
                "label": "规范性文件",
                "value": 3,
                "unit": "条",
                "quote": "其中规范性文件3条",
            },
        ),
    ),
    Case(
        "markdown",
        "Markdown ## 标题",
        "2024年,区科委全年主动公开政府信息264条。\n\n全年共受理政府信息公开申请9件。\n\n" + _TAIL,
        (
            Fact("proactive_total", 264, "条", "区科委全年主动公开政府信息264条"),
            Fact("applications_received", 9, "件", "全年共受理政府信息公开申请9件"),
        ),
        markdown=True,
        wrong_value=246,
        other_sentence_quote="全年共受理政府信息公开申请9件",
    ),
    Case(
        "pdf-break",
        "PDF 句中断行",
        "2024年,区城管委依托门户网站、政务新媒体等平台,全年主动公开政府\n"
        "信息351件,涉及城市管理、环境整治等领域。全年共受理政府信息公开申\n"
        "请17件,均按时办结。\n" + _TAIL,
        (
            Fact("proactive_total", 351, "件", "全年主动公开政府\n信息351件"),
            Fact("applications_received", 17, "件", "全年共受理政府信息公开申\n请17件"),
        ),
        wrong_value=315,
        other_sentence_quote="均按时办结",
    ),
)

BY_NAME = {case.name: case for case in CASES}


def report_text(case: Case) -> str:
    """Seed 001 with its overview replaced by the case's (and Markdown headings when asked)."""
    lines = SEED_001.read_text(encoding="utf-8").split("\n")
    start = lines.index("一、总体情况") + 1
    end = lines.index("二、主动公开政府信息情况")
    lines = lines[:start] + case.overview.split("\n") + lines[end:]
    if case.markdown:
        top = ("一、", "二、", "三、", "四、", "五、", "六、")
        lines = [
            f"## {line}" if line.startswith(top) and len(line) <= 40 and "|" not in line else line
            for line in lines
        ]
        lines[1] = f"# {lines[1]}"
    return "\n".join(lines)


def read_narratives(cases: tuple[Case, ...] | list[Case], folder: Path) -> dict[str, dict[str, str]]:
    """Each case as a whole report file in ``folder``, read by the tool: its narrative sections."""
    from gipr_llm.pipeline import read_report

    out = {}
    for case in cases:
        path = Path(folder, f"{case.name}.txt")
        path.write_text(report_text(case), encoding="utf-8")
        out[case.name] = read_report(path).narrative
    return out
