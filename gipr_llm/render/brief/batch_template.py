"""The 汇总 brief over a batch of reports, written without an LLM.

Sections: 总体情况, 依申请公开办理情况 (totals, the bodies with most applications, outcome
shares, a per-body table and the chart), 行政复议和行政诉讼, 存在的主要问题 (by theme),
数据质量情况 (which rules fail, which bodies must correct their report), 与上年比较 (only
when some body's previous year is given), 综合研判. ``overview`` and ``assessment`` are the
LLM's slots.
"""

from __future__ import annotations

from gipr_llm.render.brief.batch_figures import BatchFigures, body_status, ranked
from gipr_llm.render.brief.chart import ChartRow, outcome_chart
from gipr_llm.render.brief.document import Brief, BriefChart, BriefSection, BriefTable, ordinal
from gipr_llm.render.brief.figures import OUTCOME_GROUPS, OUTCOME_LABELS, fmt_value
from gipr_llm.render.brief.findings_text import sentence, unread_note
from gipr_llm.render.brief.template import cell_text, join, percent, say, shown_findings
from gipr_llm.render.brief.themes import tidy

TOP_BODIES = 5
STATUS_WORDS = {"error": "需更正", "unread": "需人工核对", "warning": "需核实", "clean": "未发现问题"}


def _n(batch: BatchFigures, key: str) -> str:
    return say(batch.figures[key])


def _count(batch: BatchFigures, key: str) -> int:
    return int(batch.figures[key].value or 0)


def _names(batch: BatchFigures, names: list[str]) -> str:
    return join([batch.figures.quote(n) for n in names])


def title(batch: BatchFigures) -> str:
    years = batch.years
    year = f"{years[0]}年" if len(years) == 1 else ""
    return f"关于{_n(batch, 'batch.bodies')}单位{year}政府信息公开工作年度报告的汇总分析"


def _total(batch: BatchFigures, key: str) -> str:
    return f"{fmt_value(batch.totals[key].figure.value)}件"  # type: ignore[arg-type]


def _totals_note(batch: BatchFigures, keys: tuple[str, ...]) -> str:
    """Once per paragraph: which bodies the totals above leave out, or take as filed."""
    left_out = list(dict.fromkeys(name for k in keys for name in batch.totals[k].left_out))
    suspect = list(dict.fromkeys(name for k in keys for name in batch.totals[k].suspect))
    notes = []
    if left_out:
        notes.append(f"{_names(batch, left_out)}的相关数据无法取得，未计入合计")
    if suspect:
        notes.append(f"{_names(batch, suspect)}的相关数据待核实，按填报数计入")
    return f"（{'；'.join(notes)}）" if notes else ""


def overview(batch: BatchFigures) -> str:
    years = batch.years
    copies = (
        f"（其中{_n(batch, 'batch.duplicates')}为同一报告的其他格式或重复文件，只计一次）"
        if batch.duplicates
        else ""
    )
    parts = [
        f"本次汇总分析政府信息公开工作年度报告{_n(batch, 'batch.reports')}{copies}，"
        f"涉及{_n(batch, 'batch.bodies')}单位"
    ]
    if len(years) > 1:
        listed_years = join([f"{y}年" for y in years])
        parts.append(f"报告年度分别为{listed_years}，各单位年度不一，合计数仅供参考")
    text = "，".join(parts) + "。"
    text += (
        f"各单位合计新收政府信息公开申请{_total(batch, 'new_received')}，办结{_total(batch, 'processed')}；"
        f"被申请行政复议{_total(batch, 'review')}，被提起行政诉讼{_total(batch, 'litigation')}"
        f"{_totals_note(batch, ('new_received', 'processed', 'review', 'litigation'))}。"
    )
    errors = _count(batch, "batch.error")
    if errors:
        text += f"经校验，{_n(batch, 'batch.error')}单位的报告存在需要更正的问题。"
    else:
        text += "经校验，各单位报告均未发现需要更正的错误。"
    return text


def scope_notes(batch: BatchFigures) -> list[str]:
    notes = []
    if batch.set_aside:
        names = _names(batch, list(dict.fromkeys(rf.agency for rf in batch.set_aside)))
        notes.append(f"另有{_n(batch, 'batch.set_aside')}报告为{names}的其他年度或另一版本的报告，未计入汇总。")
    if _count(batch, "batch.failed"):
        notes.append(f"另有{_n(batch, 'batch.failed')}文件未能读取，未计入汇总（见文末）。")
    return notes


def receipts(batch: BatchFigures) -> list[str]:
    out = [
        f"各单位合计新收政府信息公开申请{_total(batch, 'new_received')}，上年结转{_total(batch, 'carried_over')}，"
        f"办结{_total(batch, 'processed')}，结转下年度继续办理{_total(batch, 'carried_forward')}"
        f"{_totals_note(batch, ('new_received', 'carried_over', 'processed', 'carried_forward'))}。"
    ]
    top = ranked(batch)[:TOP_BODIES]
    if top:
        named = join(
            [
                f"{batch.figures.quote(batch.name(i))}（{say(batch.body_figure(i, 't3.new_received.total'))}）"
                for i in top
            ]
        )
        lead = "申请量居前的单位是" if len(ranked(batch)) > 1 else "收到申请的单位是"
        text = f"{lead}：{named}。"
    else:
        text = "各单位均未收到政府信息公开申请。" if _count(batch, "batch.no_applications") else ""
    zero = _count(batch, "batch.no_applications")
    if top and zero:
        text += f"另有{_n(batch, 'batch.no_applications')}单位全年未收到政府信息公开申请。"
    if text:
        out.append(text)
    shares = shares_paragraph(batch)
    if shares:
        out.append(shares)
    return out


def shares_paragraph(batch: BatchFigures) -> str | None:
    f = batch.figures
    if not f["shares.processed"].value:
        return None
    parts = []
    for group in OUTCOME_GROUPS:
        count = f[f"shares.{group}"]
        if count.value:
            parts.append(f"{OUTCOME_LABELS[group]}{say(count)}，占{percent(f[f'shares.{group}.share'])}")
    scope = "各单位" if len(batch.share_base) == len(batch.bodies) else f"{_n(batch, 'shares.bodies')}单位"
    text = f"从办理结果看，{scope}共办结{_n(batch, 'shares.processed')}，其中" + "；".join(parts) + "。"
    suspect = [
        batch.name(i)
        for i in batch.share_base
        if any(batch.body_figure(i, f"outcome.{g}").state == "suspect" for g in OUTCOME_GROUPS)
    ]
    if suspect:
        text += f"其中{_names(batch, suspect)}的办理结果数据待核实，按填报数计入。"
    left_out = [rf.agency for i, rf in enumerate(batch.bodies) if i not in batch.share_base]
    if left_out:
        text += f"{_names(batch, left_out)}的办理结果数据无法取得或存在无法定位的错误，未计入占比。"
    return text


def body_table(batch: BatchFigures) -> BriefTable:
    header = [
        "序号",
        "单位",
        "年度",
        "新收申请",
        "上年结转",
        "办结",
        "公开占比",
        "行政复议",
        "行政诉讼",
        "校验结果",
    ]
    rows = []
    for i, rf in enumerate(batch.bodies):
        f = rf.figures
        year = f.get("year")
        rows.append(
            [
                str(i + 1),
                rf.agency,
                fmt_value(year.value) if year is not None and year.value is not None else "—",
                cell_text(f["t3.new_received.total"]),
                cell_text(f["t3.carried_over.total"]),
                cell_text(f["t3.total_processed.total"]),
                percent(f["outcome.disclosed.share"]) or "—",
                cell_text(f["t4.review.total"]),
                cell_text(f["t4.litigation.total"]),
                STATUS_WORDS[body_status(rf)],
            ]
        )
    return BriefTable(
        "各单位主要数据（单位：件）",
        header,
        rows,
        note="注：公开占比为予以公开与部分公开之和占办结总数的比例。",
        # 年度 needs four digits, 校验结果 four characters a line; rendered through LibreOffice
        # the even split wrapped 「17.1%」 and 「未发现问题」 over three lines.
        widths_mm=[8, 28, 15, 13, 13, 13, 19, 13, 13, 21],
    )


def chart(batch: BatchFigures) -> BriefChart:
    rows = []
    for i, rf in enumerate(batch.bodies):
        f = rf.figures
        outcomes = {g: int(f[f"outcome.{g}"].value or 0) for g in OUTCOME_GROUPS if f[f"outcome.{g}"].known}
        processed = f["t3.total_processed.total"]
        doubtful = any(f[f"outcome.{g}"].state != "ok" for g in OUTCOME_GROUPS) or not processed.ok
        label = (fmt_value(processed.value) if processed.known else "?") + ("*" if doubtful else "")  # type: ignore[arg-type]
        rows.append(ChartRow(i + 1, rf.agency, outcomes, label))
    return outcome_chart(rows)


def disputes(batch: BatchFigures) -> list[str]:
    review, lawsuits = batch.totals["review"].figure, batch.totals["litigation"].figure
    if review.value == 0 and lawsuits.value == 0 and not batch.totals["review"].left_out:
        return ["各单位全年均未发生因政府信息公开工作被申请行政复议或提起行政诉讼的情况。"]
    text = (
        f"各单位合计被申请行政复议{_total(batch, 'review')}，被提起行政诉讼{_total(batch, 'litigation')}"
        f"{_totals_note(batch, ('review', 'litigation', 'corrected'))}。"
    )
    involved = [
        i
        for i, rf in enumerate(batch.bodies)
        if (rf.figures["t4.review.total"].value or 0) + (rf.figures["t4.litigation.total"].value or 0) > 0
    ]
    if involved:
        named = join(
            [
                f"{batch.figures.quote(batch.name(i))}（行政复议{say(batch.body_figure(i, 't4.review.total'))}、"
                f"行政诉讼{say(batch.body_figure(i, 't4.litigation.total'))}）"
                for i in involved
            ]
        )
        text += f"涉及复议、诉讼的单位是：{named}。"
    corrected = batch.totals["corrected"].figure
    if corrected.value:
        text += f"复议、诉讼中结果被纠正的共{_total(batch, 'corrected')}，相关单位应逐案梳理答复中的问题。"
    return [text]


def problems(batch: BatchFigures) -> list[str]:
    if not batch.themes:
        return ["各单位报告均未列明存在的主要问题。"]
    lines: list[str] = []
    used: set[str] = set()
    for n, (theme, members) in enumerate(batch.themes.items(), start=1):
        # A problem touching two themes is quoted once; the next theme quotes another body's.
        body, example = next(((b, t) for b, t in members if t not in used), members[0])
        used.add(example)
        quoted = batch.figures.quote(tidy(example, 40))
        lines.append(
            f"{ordinal(n)}是{theme}（{_n(batch, f'theme.{theme}')}单位提及），如{batch.figures.quote(batch.name(body))}提出“{quoted}”"
        )
    return ["从各单位报告查摆的问题看，主要集中在以下方面：" + "；".join(lines) + "。"]


def data_quality(batch: BatchFigures) -> list[str]:
    clauses = [
        template
        for key, template in (
            ("batch.error", "{}单位的报告存在需要更正的问题"),
            ("batch.unread", "{}单位的统计表未能完整读取"),
            ("batch.warning", "{}单位有需核实的事项"),
            ("batch.clean", "{}单位未发现问题"),
        )
        if _count(batch, key)
    ]
    keys = ("batch.error", "batch.unread", "batch.warning", "batch.clean")
    counts = [_n(batch, key) for key in keys if _count(batch, key)]
    found = "，".join(c.format(n) for c, n in zip(clauses, counts, strict=True))
    paragraphs = [f"经对各单位报告进行勾稽关系、模板规范和正文数字校验，{found}。"]
    if batch.rule_bodies:
        counts = join([f"{name}{_n(batch, f'rule.{name}')}" for name in batch.rule_bodies])
        paragraphs.append(f"按问题类型统计（单位数）：{counts}。")
    need = [i for i, rf in enumerate(batch.bodies) if body_status(rf) == "error"]
    if need:
        items = []
        for i in need:
            rf = batch.bodies[i]
            first = next(f for f, _ in shown_findings(rf) if f.severity == "error")
            reason = sentence(first, batch.figures, f"body{i + 1}.finding")
            items.append(f"{batch.figures.quote(rf.agency)}（{reason}）")
        paragraphs.append(
            "需要更正报告的单位：" + "；".join(items) + "。建议督促上述单位核实更正后重新发布。"
        )
    unread = [batch.name(i) for i, rf in enumerate(batch.bodies) if body_status(rf) == "unread"]
    if unread:
        paragraphs.append(
            f"统计表未能读取，需人工核对的单位：{_names(batch, unread)}（系自动读取未能完成，"
            "不是报告本身的错误，无需报告单位更正）。"
        )
    check = [batch.name(i) for i, rf in enumerate(batch.bodies) if body_status(rf) == "warning"]
    if check:
        paragraphs.append(f"需核实有关事项的单位：{_names(batch, check)}。")
    return paragraphs


def year_on_year(batch: BatchFigures) -> list[str] | None:
    f = batch.figures
    if not _count(batch, "yoy.bodies"):
        return None
    now, before = f["yoy.current"].value or 0, f["yoy.previous"].value or 0
    if now == before:
        trend = f"新收申请均为{_n(batch, 'yoy.current')}，与上年持平"
    else:
        verb = "增至" if now > before else "减至"
        trend = f"新收申请由上年的{_n(batch, 'yoy.previous')}{verb}{_n(batch, 'yoy.current')}"
        if f.get("yoy.change.share") is not None:
            trend += f"，{'增长' if now > before else '下降'}{percent(f['yoy.change.share'])}"
    lines = [f"在同时提供上一年度报告的{_n(batch, 'yoy.bodies')}单位中，{trend}。"]
    changes = []
    for pair in batch.previous:
        change = f.get(f"yoy.body{pair.index}.change")
        if change is None or not change.value:
            continue
        cur = pair.current.figures["t3.new_received.total"]
        prev = pair.previous.figures["t3.new_received.total"]
        verb = "增至" if (cur.value or 0) > (prev.value or 0) else "减至"
        changes.append(f"{f.quote(pair.current.agency)}由{say(prev)}{verb}{say(cur)}")
    if changes:
        lines.append("各单位变化情况：" + "；".join(changes) + "。")
    return lines


def assessment(batch: BatchFigures) -> str:
    f = batch.figures
    sentences = []
    top = ranked(batch)
    if top:
        sentences.append(f"从申请量看，依申请公开工作量集中在{f.quote(batch.name(top[0]))}等少数单位")
    if f["shares.processed"].value:
        main = max(OUTCOME_GROUPS, key=lambda g: f[f"shares.{g}"].value or 0)
        sentences.append(f"办理结果以“{OUTCOME_LABELS[main]}”为主（占{percent(f[f'shares.{main}.share'])}）")
    if batch.totals["corrected"].figure.value:
        sentences.append("个别单位在复议、诉讼中出现结果被纠正的情况，需加强答复的规范性")
    if _count(batch, "batch.error"):
        sentences.append(
            "部分单位报告统计数据存在错误，建议督促相关单位核实更正，并在今后填报时加强勾稽关系自查"
        )
    if batch.themes:
        first = next(iter(batch.themes))
        sentences.append(f"各单位普遍反映的问题集中在{first}方面，建议统筹加强指导")
    if not sentences:
        sentences.append("总体看，各单位报告要素齐全，数据规范")
    return "。".join(sentences) + "。"


def batch_brief(batch: BatchFigures, *, with_chart: bool = True) -> Brief:
    basics = [overview(batch), *scope_notes(batch)]
    sections = [
        BriefSection("总体情况", basics),
        BriefSection(
            "依申请公开办理情况",
            receipts(batch),
            table=body_table(batch),
            chart=chart(batch) if with_chart else None,
        ),
        BriefSection("行政复议和行政诉讼", disputes(batch)),
        BriefSection("存在的主要问题", problems(batch)),
        BriefSection("数据质量情况", data_quality(batch)),
    ]
    if (changes := year_on_year(batch)) is not None:
        sections.append(BriefSection("与上年比较", changes))
    sections.append(BriefSection("综合研判", [assessment(batch)]))
    notes = []
    if batch.failed:
        notes.append(unread_note(batch.failed, batch.figures))
    return Brief(
        title=title(batch),
        sections=sections,
        figures=batch.figures,
        kind="batch",
        slots={"overview": (0, 0), "assessment": (len(sections) - 1, 0)},
        notes=notes,
    )
