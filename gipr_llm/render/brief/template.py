"""The 简报 on one report, written without an LLM: formal sentences around computed figures.

Sections: 一、基本情况 二、依申请公开办理情况 三、行政复议和行政诉讼 四、存在的问题和改进措施
五、数据质量提示 六、综合研判. The first paragraph of 一 (``overview``) and the paragraph of
六 (``assessment``) are the slots an LLM may rewrite; every other sentence is written here,
and every number in it comes from ``ReportFigures``.
"""

from __future__ import annotations

from gipr_llm.domain.models import Finding
from gipr_llm.domain.rules import ARITHMETIC_RULES, DATA_RULES, LOCALISING_RULES, fault_of
from gipr_llm.domain.spec import T4_COLUMN_LABELS
from gipr_llm.render.brief.document import Brief, BriefSection, BriefTable, ordinal
from gipr_llm.render.brief.figures import (
    OUTCOME_GROUPS,
    OUTCOME_LABELS,
    Figure,
    FigureSet,
    ReportFigures,
    count_figure,
    fmt_value,
    t3_item_label,
)
from gipr_llm.render.brief.findings_text import listed, sentence
from gipr_llm.render.brief.themes import tidy

MAX_ITEMS = 4  # problems, measures, initiatives quoted per report


# --- figures in words ----------------------------------------------------------------------


def say(fig: Figure, notes: list[str] | None = None) -> str:
    """A figure inside a sentence: 271件; 183件（填报数，疑为182件，待核实）; （数据无法识别）.

    ``notes`` go into the same parentheses (a breakdown), so a sentence never stacks two.
    """
    notes = list(notes or [])
    if fig.state == "unavailable":
        hint = f"，按表内关系推算应为{fmt_value(fig.likely)}{fig.unit}" if fig.likely is not None else ""
        return f"（{fig.reason or '数据无法取得'}{hint}）"
    text = f"{fmt_value(fig.value)}{fig.unit}"  # type: ignore[arg-type]
    if fig.state == "suspect":
        hint = f"，疑为{fmt_value(fig.likely)}{fig.unit}" if fig.likely is not None else ""
        notes.append(f"填报数{hint}，待核实")
    return text + (f"（{'；'.join(notes)}）" if notes else "")


def percent(fig: Figure | None) -> str | None:
    """A share as printed: always one decimal place (4.0%, not 4%)."""
    if fig is None or not fig.ok:
        return None
    return f"{fig.value:.1f}%"


def cell_text(fig: Figure | None) -> str:
    """A figure in a table cell."""
    if fig is None:
        return "—"
    if fig.state == "unavailable":
        return "无法取得"
    text = fmt_value(fig.value)  # type: ignore[arg-type]
    return f"{text}（待核实）" if fig.state == "suspect" else text


def is_zero(fig: Figure | None) -> bool:
    return fig is not None and fig.ok and fig.value == 0


def positive(fig: Figure | None) -> bool:
    """Stated and above zero (a suspect figure counts: it is shown, flagged)."""
    return fig is not None and fig.known and (fig.value or 0) > 0


def items(texts: list[str]) -> str:
    """一是……；二是……"""
    return "；".join(f"{ordinal(i)}是{t}" for i, t in enumerate(texts, start=1))


def join(parts: list[str], sep: str = "、") -> str:
    return sep.join(p for p in parts if p)


# --- sections ------------------------------------------------------------------------------


def title(rf: ReportFigures) -> str:
    year = f"{fmt_value(rf.year.value)}年" if rf.year is not None else ""  # type: ignore[arg-type]
    return f"关于{rf.agency}{year}政府信息公开工作年度报告的简要情况"


def data_errors(rf: ReportFigures) -> bool:
    """Error-level findings about the numbers themselves (not a missing table or section)."""
    return any(f.severity == "error" and f.rule in DATA_RULES for f in rf.findings)


def other_errors(rf: ReportFigures) -> bool:
    """Errors in the report's form (a missing table or section), not the tool's reading."""
    return any(
        f.severity == "error" and f.rule not in DATA_RULES and fault_of(f) != "reading"
        for f in rf.findings
        if listed(f)
    )


def reading_errors(rf: ReportFigures) -> bool:
    return any(f.severity == "error" and fault_of(f) == "reading" for f in rf.findings if listed(f))


def quality_phrase(rf: ReportFigures) -> str:
    shown = [f for f in rf.findings if listed(f)]
    if data_errors(rf):
        return "报告统计表存在数据错误，需报告单位核实更正（详见“数据质量提示”部分）"
    if other_errors(rf):
        return "报告有不符合模板要求的内容，需报告单位核实（详见“数据质量提示”部分）"
    if reading_errors(rf):
        return "报告统计表有部分内容未能自动读取，需人工核对（不是报告本身的错误）"
    if shown:
        return "报告有个别事项需报告单位核实（详见“数据质量提示”部分）"
    return "报告统计表各项勾稽关系相符，未发现需要更正的问题"


def overview(rf: ReportFigures) -> str:
    f = rf.figures
    year = f"{fmt_value(rf.year.value)}年" if rf.year is not None else ""  # type: ignore[arg-type]
    new, carried, processed = (
        f["t3.new_received.total"],
        f["t3.carried_over.total"],
        f["t3.total_processed.total"],
    )
    if rf.report.table3 is None:
        applications = "报告未附申请办理情况统计表"
    elif is_zero(new) and is_zero(carried):
        applications = "全年未收到政府信息公开申请"
    else:
        applications = f"全年新收政府信息公开申请{say(new)}，办结{say(processed)}"
        disclosed, share = f["outcome.disclosed"], percent(f["outcome.disclosed.share"])
        if is_zero(disclosed) and positive(processed):
            applications += "，无予以公开或部分公开的情形"
        elif positive(processed):
            applications += f"，其中予以公开和部分公开{say(disclosed)}" + (f"，占{share}" if share else "")
    review, lawsuits = f["t4.review.total"], f["t4.litigation.total"]
    if rf.report.table4 is None:
        disputes = "报告未附行政复议、行政诉讼情况统计表"
    elif is_zero(review) and is_zero(lawsuits):
        disputes = "未发生因政府信息公开引起的行政复议和行政诉讼"
    else:
        disputes = f"因政府信息公开被申请行政复议{say(review)}、被提起行政诉讼{say(lawsuits)}"
    return f"{rf.agency}发布了{year}政府信息公开工作年度报告。报告显示，{applications}；{disputes}。经校验，{quality_phrase(rf)}。"


def _table2_phrases(f: FigureSet, template: str) -> list[str]:
    wanted = {
        "2021": [
            ("t2.rules.issued", "制发规章"),
            ("t2.rules.in_force", "现行有效规章"),
            ("t2.normative_documents.issued", "制发行政规范性文件"),
            ("t2.normative_documents.repealed", "废止行政规范性文件"),
            ("t2.normative_documents.in_force", "现行有效行政规范性文件"),
            ("t2.licensing.decisions", "作出行政许可决定"),
            ("t2.punishment.decisions", "作出行政处罚决定"),
            ("t2.coercion.decisions", "作出行政强制决定"),
            ("t2.fees.amount", "收取行政事业性收费"),
        ],
        "2019": [
            ("t2.rules.new_made", "新制作规章"),
            ("t2.normative_documents.new_made", "新制作规范性文件"),
            ("t2.normative_documents.total_published", "对外公开规范性文件总数"),
            ("t2.licensing.decisions", "作出行政许可决定"),
            ("t2.punishment.decisions", "作出行政处罚决定"),
            ("t2.coercion.decisions", "作出行政强制决定"),
            ("t2.procurement.projects", "政府集中采购项目"),
            ("t2.procurement.amount", "采购总金额"),
        ],
    }[template]
    return [
        f"{words}{say(fig)}" for key, words in wanted if (fig := f.get(key)) is not None and positive(fig)
    ]


def _name(label: str) -> str:
    """A category that itself lists things (财政预算、决算信息) is quoted, so a list of them reads right."""
    return f"“{label}”" if any(mark in label for mark in "、，,") and not label.startswith("“") else label


def proactive(rf: ReportFigures) -> str:
    f = rf.figures
    sentences = []
    total = f.get("facts.proactive_total")
    item_figures = [fig for fig in f if fig.key.startswith("facts.proactive_item.") and fig.ok and fig.value]
    top = sorted(item_figures, key=lambda fig: fig.value or 0, reverse=True)[:3]
    named = join([f"{_name(f.quote(fig.label))}{say(fig)}" for fig in top])
    if total is not None:
        sentences.append(f"报告称全年主动公开政府信息{say(total)}" + (f"，其中{named}" if named else ""))
    elif named:
        sentences.append(f"报告称全年主动公开{named}")
    table2 = rf.report.table2
    if table2 is None:
        sentences.append("报告未附主动公开政府信息情况统计表")
    else:
        phrases = _table2_phrases(f, table2.template)
        if phrases:
            sentences.append(f"据统计表，本年度{join(phrases, '，')}")
        elif all(fig.ok and fig.value == 0 for fig in f if fig.key.startswith("t2.")):
            sentences.append("统计表所列规章、规范性文件及行政许可、行政处罚、行政强制等各项数字均为0")
    return "主动公开方面，" + "；".join(sentences) + "。"


def initiatives(rf: ReportFigures) -> str | None:
    texts = [rf.figures.quote(tidy(t.text)) for t in rf.report.facts.initiatives[:MAX_ITEMS]]
    return f"报告介绍的主要工作举措有：{items(texts)}。" if texts else None


def fee(rf: ReportFigures) -> str | None:
    fact = rf.report.facts.fee
    if fact is None:
        return None
    if not fact.collected:
        return "报告称本年度未收取信息处理费。"
    amount = rf.figures.get("facts.fee")
    return (
        f"报告称本年度收取信息处理费{say(amount)}。"
        if amount is not None
        else "报告称本年度收取了信息处理费。"
    )


NO_TABLE3 = "报告未附收到和处理政府信息公开申请情况统计表（表三），申请办理数据无法取得。"


def receipts(rf: ReportFigures) -> str:
    if rf.report.table3 is None:
        return NO_TABLE3
    f = rf.figures
    new, carried = f["t3.new_received.total"], f["t3.carried_over.total"]
    if is_zero(new) and is_zero(carried):
        return "全年未收到政府信息公开申请，也无上年结转申请。"
    text = f"全年新收政府信息公开申请{say(new)}"
    persons, orgs = f["t3.new_received.natural_person"], f["t3.new_received.orgs"]
    if positive(new) and is_zero(orgs) and persons.ok:
        text += "，均由自然人提出"
    elif positive(new) and is_zero(persons) and orgs.ok:
        text += "，均由法人或其他组织提出"
    elif positive(new) and persons.known and orgs.known:
        text += f"，其中自然人提出{say(persons)}、法人或其他组织提出{say(orgs)}"
    if is_zero(carried):
        return text + "；无上年结转申请。"
    text += f"；上年结转{say(carried)}"
    if positive(new) and positive(carried):
        text += f"，合计{say(f['t3.received_all'])}"
    return text + "。"


def _group_phrase(rf: ReportFigures, group: str) -> str:
    f = rf.figures
    fig = f[f"outcome.{group}"]
    members = [f[f"t3.{row}.total"] for row in rf.outcome_rows[group]]
    nonzero = [(row, m) for row, m in zip(rf.outcome_rows[group], members, strict=True) if positive(m)]
    notes = []
    if len(members) > 1 and nonzero and fig.known:
        if len(nonzero) == 1 and nonzero[0][1].value == fig.value:
            notes.append(f"均为{t3_item_label(nonzero[0][0])}")
        else:
            notes.append("其中" + join([f"{t3_item_label(row)}{say(m)}" for row, m in nonzero]))
    text = f"{OUTCOME_LABELS[group]}{say(fig, notes)}"
    if share := percent(f[f"outcome.{group}.share"]):
        text += f"，占{share}"
    return text


def outcomes(rf: ReportFigures) -> str | None:
    if rf.report.table3 is None:
        return None
    f = rf.figures
    processed = f["t3.total_processed.total"]
    if is_zero(processed) and is_zero(f["t3.new_received.total"]) and is_zero(f["t3.carried_over.total"]):
        return None
    parts = []
    if rf.table_unexplained("table3"):
        parts.append(
            "需要说明的是，表三数据存在勾稽关系错误且无法确定错误所在，以下均为报告填报数，未计算占比。"
        )
    parts.append(f"本年度办结{say(processed)}。")
    shown = [g for g in OUTCOME_GROUPS if positive(f[f"outcome.{g}"]) or not f[f"outcome.{g}"].known]
    absent = [OUTCOME_LABELS[g] for g in OUTCOME_GROUPS if is_zero(f[f"outcome.{g}"])]
    if shown:
        parts.append("从办理结果看，" + "；".join(_group_phrase(rf, g) for g in shown) + "。")
    if absent and shown:
        parts.append(f"未出现{join(absent)}情形。")
    disclosed = f["outcome.disclosed"]
    if positive(disclosed) and (share := percent(f["outcome.disclosed.share"])):
        parts.append(f"予以公开和部分公开合计{say(disclosed)}，占办结总数的{share}。")
    forward = f["t3.carried_forward.total"]
    parts.append(
        "无结转下年度继续办理的申请。" if is_zero(forward) else f"结转下年度继续办理{say(forward)}。"
    )
    return "".join(parts)


def headline_table(rf: ReportFigures) -> BriefTable:
    f = rf.figures
    rows = [
        ["本年新收申请", cell_text(f["t3.new_received.total"]), ""],
        ["上年结转申请", cell_text(f["t3.carried_over.total"]), ""],
        ["本年办结", cell_text(f["t3.total_processed.total"]), ""],
    ]
    for group in OUTCOME_GROUPS:
        share = percent(f[f"outcome.{group}.share"]) or "—"
        rows.append([f"其中：{OUTCOME_LABELS[group]}", cell_text(f[f"outcome.{group}"]), share])
    rows += [
        ["结转下年度继续办理", cell_text(f["t3.carried_forward.total"]), ""],
        ["行政复议", cell_text(f["t4.review.total"]), ""],
        ["行政诉讼", cell_text(f["t4.litigation.total"]), ""],
    ]
    return BriefTable("主要数据一览（单位：件）", ["项目", "数量", "占办结总数比例"], rows)


def _outcome_breakdown(figs: dict[str, Figure]) -> str:
    parts = [
        f"{T4_COLUMN_LABELS[c]}{say(figs[c])}"
        for c in ("upheld", "corrected", "other", "pending")
        if positive(figs[c])
    ]
    return f"，其中{join(parts)}" if parts else ""


def disputes(rf: ReportFigures) -> list[str]:
    f = rf.figures
    review, lawsuits = f["t4.review.total"], f["t4.litigation.total"]
    if rf.report.table4 is None:
        return ["报告未附行政复议、行政诉讼情况统计表。"]
    if is_zero(review) and is_zero(lawsuits):
        return ["全年未发生因政府信息公开工作被申请行政复议或提起行政诉讼的情况。"]
    columns = ("upheld", "corrected", "other", "pending")
    if is_zero(review):
        first = "全年未被申请行政复议"
    else:
        first = f"因政府信息公开工作被申请行政复议{say(review)}" + _outcome_breakdown(
            {c: f[f"t4.review.{c}"] for c in columns}
        )
    if is_zero(lawsuits):
        second = "未被提起行政诉讼"
    else:
        direct, after = f["t4.litigation_direct.total"], f["t4.litigation_after_review.total"]
        second = f"被提起行政诉讼{say(lawsuits)}（未经复议直接起诉{say(direct)}、复议后起诉{say(after)}）"
        second += _outcome_breakdown({c: f[f"t4.litigation.{c}"] for c in columns})
    paragraphs = [f"{first}；{second}。上述数字含上年度结转案件。"]
    if rf.table_unexplained("table4"):
        paragraphs.append("需要说明的是，表四数据存在合计不符，以上为报告填报数，待核实。")
    corrected = f["t4.corrected_all"]
    if positive(corrected):
        paragraphs.append(
            f"复议、诉讼中结果被纠正的共{say(corrected)}，反映出个别答复在程序或实体上存在不足。"
        )
    return paragraphs


def problems_and_measures(rf: ReportFigures) -> list[str]:
    facts = rf.report.facts
    problems = [rf.figures.quote(tidy(t.text)) for t in facts.problems[:MAX_ITEMS]]
    measures = [rf.figures.quote(tidy(t.text)) for t in facts.measures[:MAX_ITEMS]]
    out = [f"报告查摆的问题主要有：{items(problems)}。" if problems else "报告未列明存在的主要问题。"]
    if measures:
        lead = "针对上述问题，报告提出的改进措施主要有" if problems else "报告提出的改进措施主要有"
        out.append(f"{lead}：{items(measures)}。")
    else:
        out.append("报告未列明具体的改进措施。")
    return out


def shown_findings(rf: ReportFigures) -> list[tuple[Finding, bool]]:
    """Findings to list, errors first, each with whether it also explains broken sums.

    When a localised cell explains a table's broken rules, the rules are not listed again:
    the cell is the one thing to correct.
    """
    shown = [f for f in rf.findings if listed(f)]
    explained = {f.table for f in shown if f.rule in LOCALISING_RULES} - rf.states.unexplained_tables
    out = []
    for f in shown:
        if f.rule in ARITHMETIC_RULES and f.table in explained:
            continue
        also = f.rule in LOCALISING_RULES and any(g.rule in ARITHMETIC_RULES and g.table == f.table for g in shown)
        out.append((f, also))
    order = {"error": 0, "warning": 1}
    return sorted(out, key=lambda item: order.get(item[0].severity, 2))


MAX_LISTED = 20  # findings listed one by one in a brief


def data_quality(rf: ReportFigures) -> list[str]:
    shown = shown_findings(rf)
    lead = "经对统计表勾稽关系、模板规范和正文数字进行校验，"
    if not shown:
        return [lead + "未发现需要更正的问题。"]
    texts: list[str] = []
    for i, (f, also) in enumerate(shown, start=1):
        text = sentence(f, rf.figures, f"finding.{i}") + ("，表内相关合计因此不符" if also else "")
        if text not in texts:  # two findings can read the same in a brief's words
            texts.append(text)
    paragraphs = [lead + "发现以下问题："]
    paragraphs += [f"（{ordinal(i)}）{text}。" for i, text in enumerate(texts[:MAX_LISTED], start=1)]
    if len(texts) > MAX_LISTED:  # a brief summarises; the check report lists every finding
        more = rf.figures.add(
            count_figure("findings.unlisted", "未逐一列出的问题", len(texts) - MAX_LISTED, "项")
        )
        paragraphs.append(f"另有{more.value}项问题未逐一列出，详见该报告的检查报告（gipr check）。")
    if any(f.severity == "error" for f, _ in shown):
        paragraphs.append("建议督促报告单位核实上述数据，更正后重新发布。")
    else:
        paragraphs.append("建议报告单位核实上述事项。")
    return paragraphs


def assessment(rf: ReportFigures) -> str:
    f = rf.figures
    sentences = []
    processed = f["t3.total_processed.total"]
    groups = [g for g in OUTCOME_GROUPS if f[f"outcome.{g}"].known]
    if positive(processed) and groups:
        main = max(groups, key=lambda g: f[f"outcome.{g}"].value or 0)
        share = percent(f[f"outcome.{main}.share"])
        lead = f"从办理结果看，以“{OUTCOME_LABELS[main]}”为主" + (f"（占{share}）" if share else "")
        if main in ("unavailable", "denied", "unprocessed"):
            lead += "，建议加强申请前的沟通引导和答复说理，提升答复的规范性"
        sentences.append(lead)
    elif is_zero(f["t3.new_received.total"]):
        sentences.append("全年未收到政府信息公开申请，建议持续做好主动公开，方便公众直接获取信息")
    if positive(f["t4.corrected_all"]):
        sentences.append("复议、诉讼中出现结果被纠正的案件，建议逐案梳理答复中的问题")
    if data_errors(rf):
        sentences.append("统计表存在数据错误，建议报告单位核实更正后重新发布，今后填报时加强勾稽关系自查")
    elif other_errors(rf):
        sentences.append("报告有不符合模板要求的内容，建议报告单位对照国家模板规范补正")
    elif reading_errors(rf):
        sentences.append("统计表部分内容未能自动读取，建议人工对照原文核对")
    if rf.report.facts.problems:
        sentences.append("报告查摆的问题较为具体，建议跟踪改进措施的落实情况")
    if not sentences:
        sentences.append("总体看，报告要素齐全，数据规范")
    return "。".join(sentences) + "。"


def report_brief(rf: ReportFigures) -> Brief:
    """The template 简报 for one report."""
    basics = [overview(rf), proactive(rf)]
    basics += [p for p in (initiatives(rf), fee(rf)) if p]
    receipts_and_outcomes = [receipts(rf)] + [p for p in (outcomes(rf),) if p]
    sections = [
        BriefSection("基本情况", basics),
        BriefSection(
            "依申请公开办理情况",
            receipts_and_outcomes,
            table=headline_table(rf) if rf.report.table3 is not None else None,
        ),
        BriefSection("行政复议和行政诉讼", disputes(rf)),
        BriefSection("存在的问题和改进措施", problems_and_measures(rf)),
        BriefSection("数据质量提示", data_quality(rf)),
        BriefSection("综合研判", [assessment(rf)]),
    ]
    return Brief(
        title=title(rf),
        sections=sections,
        figures=rf.figures,
        kind="report",
        slots={"overview": (0, 0), "assessment": (5, 0)},
    )
