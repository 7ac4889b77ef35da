"""Every number in a brief comes from the data: the tables, the narrative facts, the year, the
check findings, or a figure this test recomputes itself from the tables.

The brief's own registry (``FigureSet.untraced``) is checked too, but the main assertion does
not trust it: the numbers are read from the Markdown with this test's own pattern and looked
up in a set built here from the validated report.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

import pytest

from gipr_llm.domain.models import Finding, Report
from gipr_llm.domain.rules import fault_of
from gipr_llm.pipeline import extract
from gipr_llm.render.brief.batch_figures import batch_figures
from gipr_llm.render.brief.batch_template import batch_brief
from gipr_llm.render.brief.markdown import to_markdown
from gipr_llm.render.brief.run import checked_figures
from gipr_llm.render.brief.template import report_brief
from tests.conftest import SEEDS
from tests.seed_edits import corrected_003, edit_after, report_from_text, seed_text

DIGITS = re.compile(r"\d+(?:\.\d+)?")
CN_COUNT = re.compile(r"[零〇一二两三四五六七八九十百千]+[件项个条份次家]")


# --- the data, collected and recomputed independently --------------------------------------


def numbers(text: str) -> list[Decimal]:
    return [Decimal(m) for m in DIGITS.findall(unicodedata.normalize("NFKC", text))]


def total(report: Report, row: str) -> int:
    value = report.table3.rows[row][-1]
    return value or 0


def groups(report: Report) -> dict[str, list[str]]:
    """Outcome groups by row-key prefix, as the issue defines them."""
    rows = list(report.table3.rows)
    start, end = rows.index("granted"), rows.index("total_processed")
    out: dict[str, list[str]] = {}
    for row in rows[start:end]:
        name = row if row in ("granted", "partially_granted") else row.split("_")[0]
        out.setdefault(name, []).append(row)
    return out


def pct(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def recomputed(report: Report) -> set[Decimal]:
    out: set[Decimal] = set()
    t3, t4 = report.table3, report.table4
    if t3 is not None:
        processed = total(report, "total_processed")
        out.add(Decimal(total(report, "new_received") + total(report, "carried_over")))
        out.add(Decimal(sum(v or 0 for v in t3.rows["new_received"][1:6])))
        sums = {name: sum(total(report, r) for r in rows) for name, rows in groups(report).items()}
        sums["disclosed"] = total(report, "granted") + total(report, "partially_granted")
        for value in sums.values():
            out.add(Decimal(value))
            if processed:
                out.add(pct(value, processed))
    if t4 is not None:
        for column in ("upheld", "corrected", "other", "pending", "total"):
            out.add(
                Decimal(t4.rows["litigation_direct"][column] + t4.rows["litigation_after_review"][column])
            )
        out.add(
            Decimal(
                t4.rows["review"]["corrected"]
                + t4.rows["litigation_direct"]["corrected"]
                + t4.rows["litigation_after_review"]["corrected"]
            )
        )
    return out


def finding_numbers(findings: list[Finding]) -> set[Decimal]:
    out = set()
    for f in findings:
        candidates = [f.stated, f.expected, *(f.values or {}).values(), *(f.likely_fix or {}).values()]
        out |= {Decimal(v) for v in candidates if isinstance(v, int | Decimal) and not isinstance(v, bool)}
    return out


def data_numbers(report: Report, findings: list[Finding]) -> set[Decimal]:
    out: set[Decimal] = set()
    if report.table3 is not None:
        out |= {Decimal(v) for row in report.table3.rows.values() for v in row if v is not None}
    if report.table4 is not None:
        out |= {Decimal(v) for row in report.table4.rows.values() for v in row.values() if v is not None}
    if report.table2 is not None:
        out |= {Decimal(v) for row in report.table2.rows.values() for v in row.values() if v is not None}
    if report.meta.year is not None:
        out.add(Decimal(report.meta.year))
    out |= {Decimal(t) for t in report.meta.table_templates.values()}
    facts = report.facts
    out |= {Decimal(c.value) for c in facts.counts}
    texts = [c.label or "" for c in facts.counts] + [
        t.text for t in facts.problems + facts.measures + facts.initiatives
    ]
    out |= {n for text in [*texts, report.meta.agency or ""] for n in numbers(text)}
    if facts.fee is not None and facts.fee.amount_yuan is not None:
        out.add(facts.fee.amount_yuan)
    return out | finding_numbers(findings) | recomputed(report)


def untraced(markdown: str, allowed: set[Decimal]) -> list[Decimal]:
    return [n for n in numbers(markdown) if n not in allowed]


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_reports() -> dict[str, Report]:
    return {seed: extract(path) for seed, path in SEEDS.items()}


@pytest.fixture(scope="module")
def seed_briefs(seed_reports):
    out = {}
    for seed, report in seed_reports.items():
        rf = checked_figures([report])[0]
        brief = report_brief(rf)
        out[seed] = (report, rf.findings, brief, to_markdown(brief))
    return out


# --- one report --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_every_number_in_a_seed_brief_is_in_the_data(seed_briefs, seed):
    report, findings, brief, markdown = seed_briefs[seed]
    assert untraced(markdown, data_numbers(report, findings)) == []
    assert brief.figures.untraced(markdown) == []
    quoted = [t.text for t in report.facts.problems + report.facts.measures + report.facts.initiatives]
    stripped = markdown
    for text in quoted:
        stripped = stripped.replace(text[:20], "")
    assert CN_COUNT.findall(stripped) == []  # no count written in Chinese numerals outside quotes


def test_a_planted_number_is_caught_by_both_checks(seed_briefs):
    report, findings, brief, markdown = seed_briefs["003"]
    planted = markdown.replace("办结252件", "办结99999件", 1)
    assert planted != markdown
    assert untraced(planted, data_numbers(report, findings)) == [Decimal(99999)]
    assert brief.figures.untraced(planted) == ["99999"]


def test_seed_003_outcome_shares_are_computed_from_table3(seed_briefs):
    report, _, _, markdown = seed_briefs["003"]
    processed = total(report, "total_processed")
    granted = total(report, "granted")
    denied = sum(total(report, r) for r in groups(report)["denied"])
    assert f"本年度办结{processed}件" in markdown
    assert f"予以公开{granted}件，占{pct(granted, processed)}%" in markdown
    assert f"占{pct(denied, processed)}%" in markdown
    assert (
        f"部分公开{total(report, 'partially_granted')}件，占{pct(total(report, 'partially_granted'), processed)}%"
        in markdown
    )


def test_seed_003_suspect_cell_is_not_stated_as_fact(seed_briefs):
    report, _, _, markdown = seed_briefs["003"]
    stated = total(report, "unavailable_not_held")
    likely = sum(report.table3.rows["unavailable_not_held"][:6])  # the row's own columns
    assert (stated, likely) == (183, 182)
    assert f"无法提供{stated}件（均为本机关不掌握相关政府信息；填报数，疑为{likely}件，待核实）" in markdown
    assert f"无法提供{stated}件，占" not in markdown  # no share computed from a suspect cell
    assert f"| 其中：无法提供 | {stated}（待核实） | — |" in markdown
    assert f"填报{stated}，按表内勾稽关系推算应为{likely}" in markdown


def test_zero_applications_read_as_a_sentence(seed_briefs):
    _, _, _, markdown = seed_briefs["000"]
    assert "全年未收到政府信息公开申请，也无上年结转申请。" in markdown
    assert "未发生因政府信息公开工作被申请行政复议或提起行政诉讼的情况" in markdown
    assert "占0.0%" not in markdown and "办结0件" not in markdown


def test_brief_has_the_sections_of_a_jianbao(seed_briefs):
    _, _, _, markdown = seed_briefs["003"]
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert headings == [
        "一、基本情况",
        "二、依申请公开办理情况",
        "三、行政复议和行政诉讼",
        "四、存在的问题和改进措施",
        "五、数据质量提示",
        "六、综合研判",
    ]
    assert markdown.startswith("# 关于北京市朝阳区政务服务管理局2020年政府信息公开工作年度报告的简要情况")


def test_an_unreadable_row_is_unavailable_never_zero(tmp_path):
    text = edit_after(seed_text("003"), "一、本年新收", "\t271\n", "\t27l\n")
    report = report_from_text(tmp_path, text)
    assert report.table3.rows["new_received"][-1] is None
    rf = checked_figures([report])[0]
    markdown = to_markdown(report_brief(rf))
    assert "全年新收政府信息公开申请（数据无法识别" in markdown
    assert "| 本年新收申请 | 无法取得 |  |" in markdown
    assert "新收政府信息公开申请0件" not in markdown
    assert untraced(markdown, data_numbers(report, rf.findings)) == []


def test_errors_no_cell_explains_withhold_every_share(tmp_path):
    report = report_from_text(tmp_path, corrected_003())
    rows = dict(report.table3.rows)
    rows["granted"] = [*rows["granted"][:6], 34]  # two unrelated slips: no single cell explains them
    rows["partially_granted"] = [*rows["partially_granted"][:6], 11]
    report = report.model_copy(update={"table3": report.table3.model_copy(update={"rows": rows})})
    rf = checked_figures([report])[0]
    assert any(f.rule == "UNLOCALISED" for f in rf.findings)
    markdown = to_markdown(report_brief(rf))
    section = markdown.split("## 二、")[1].split("## 三、")[0]
    assert "无法确定错误所在" in section
    assert "%" not in section
    assert "予以公开34件（填报数，待核实）" in section
    assert untraced(markdown, data_numbers(report, rf.findings)) == []


# --- a batch ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_batch(seed_reports):
    reports = list(seed_reports.values())
    figures = checked_figures(reports)
    batch = batch_figures(figures)
    brief = batch_brief(batch)
    chart_at = next(i for i, s in enumerate(brief.sections) if s.chart is not None)
    return reports, figures, brief, to_markdown(brief, {chart_at: "chart.png"})


def test_every_number_in_the_batch_brief_is_in_the_data(seed_batch):
    reports, figures, brief, markdown = seed_batch
    allowed: set[Decimal] = set()
    for report, rf in zip(reports, figures, strict=True):
        allowed |= data_numbers(report, rf.findings)
    for row in ("new_received", "carried_over", "total_processed", "carried_forward"):
        allowed.add(Decimal(sum(total(r, row) for r in reports)))
    allowed |= {Decimal(sum(r.table4.rows[g]["total"] for r in reports)) for g in ("review",)}
    allowed.add(
        Decimal(
            sum(
                r.table4.rows[g]["total"]
                for r in reports
                for g in ("litigation_direct", "litigation_after_review")
            )
        )
    )
    processed = sum(total(r, "total_processed") for r in reports)
    by_group: dict[str, int] = {}
    for r in reports:
        for name, rows in groups(r).items():
            by_group[name] = by_group.get(name, 0) + sum(total(r, row) for row in rows)
    allowed |= {Decimal(v) for v in by_group.values()} | {pct(v, processed) for v in by_group.values()}
    allowed.add(Decimal(processed))
    # Counts of bodies (how many have errors, mention a theme, …): at most the number of bodies.
    allowed |= {Decimal(n) for n in range(len(reports) + 1)}
    assert untraced(markdown, allowed) == []
    assert brief.figures.untraced(markdown) == []


def test_batch_totals_ranking_and_findings_are_computed(seed_batch):
    reports, figures, _, markdown = seed_batch
    new = sum(total(r, "new_received") for r in reports)
    zero = sum(total(r, "new_received") == 0 for r in reports)
    # Only the report's own errors ask a body to correct; the tool's reading failures (004's
    # 2-for-3 cells) ask for a person to check.
    with_errors = sum(
        any(f.severity == "error" and fault_of(f) == "report" for f in rf.findings) for rf in figures
    )
    unread = sum(
        any(f.severity == "error" for f in rf.findings)
        and all(fault_of(f) == "reading" for f in rf.findings if f.severity == "error")
        for rf in figures
    )
    assert unread == 1 and f"{unread}个单位的统计表未能完整读取" in markdown
    assert f"各单位合计新收政府信息公开申请{new}件" in markdown
    assert f"另有{zero}个单位全年未收到政府信息公开申请" in markdown
    assert f"{with_errors}个单位的报告存在需要更正的问题" in markdown
    top = max(reports, key=lambda r: total(r, "new_received"))
    assert f"申请量居前的单位是：{top.meta.agency}（{total(top, 'new_received')}件）" in markdown
    processed = sum(total(r, "total_processed") for r in reports)
    granted = sum(total(r, "granted") for r in reports)
    assert f"予以公开{granted}件，占{pct(granted, processed)}%" in markdown
    assert "需要更正报告的单位：北京市朝阳区政务服务管理局（" in markdown
    assert "报告年度分别为2019年、2020年、2021年、2024年" in markdown


def test_batch_groups_problems_by_theme(seed_batch):
    _, _, _, markdown = seed_batch
    section = markdown.split("## 四、存在的主要问题")[1].split("## 五、")[0]
    assert "平台和渠道建设（3个单位提及）" in section  # 新媒体, 公众号, 网站专栏 in three seeds


def test_year_on_year_when_the_previous_year_is_given(seed_reports):
    current = seed_reports["003"]
    # The same body's previous year: seed 004's tables, relabelled (a real report's numbers).
    source = seed_reports["004"]
    previous = source.model_copy(
        update={
            "meta": source.meta.model_copy(
                update={"agency": current.meta.agency, "year": current.meta.year - 1}
            ),
            "facts": source.facts.model_copy(update={"problems": []}),
        }
    )
    figures = checked_figures([current, previous])
    brief = batch_brief(batch_figures(figures), with_chart=False)
    markdown = to_markdown(brief)
    before, now = total(previous, "new_received"), total(current, "new_received")
    change = pct(now - before, before)
    assert "## 六、与上年比较" in markdown
    assert f"新收申请由上年的{before}件增至{now}件，增长{change}%" in markdown
    assert (
        "另有" not in markdown.split("## 一、")[1].split("## 二、")[0]
    )  # the earlier year is used, not set aside
    assert any(f.rule == "YEAR-CHAIN" for f in figures[0].findings)  # 15 carried over vs 0 carried forward
    allowed = data_numbers(current, figures[0].findings) | data_numbers(previous, figures[1].findings)
    allowed |= {Decimal(now - before), change, Decimal(1), Decimal(2)}
    assert untraced(markdown, allowed) == []


def test_failed_inputs_are_listed_at_the_end(seed_paths, tmp_path):
    from gipr_llm.pipeline.brief import make_briefs

    missing = tmp_path / "没有这个文件.txt"
    run = make_briefs([seed_paths["004"], missing], batch=False, with_chart=False)
    assert run.exit_code == 2 and len(run.briefs) == 1
    markdown = to_markdown(run.briefs[0])
    assert markdown.rstrip().endswith("另有部分文件未能读取，未计入本简报（文件不存在），文件清单见检查报告。")
    assert missing.name not in markdown
    assert run.briefs[0].figures.untraced(markdown) == []


def test_a_report_without_tables_or_title_facts_says_so(seed_reports):
    source = seed_reports["003"]
    report = source.model_copy(
        update={
            "table2": None,
            "table3": None,
            "table4": None,
            "meta": source.meta.model_copy(update={"year": None, "agency": None}),
        }
    )
    rf = checked_figures([report])[0]
    markdown = to_markdown(report_brief(rf))
    assert markdown.startswith("# 关于003_31517a60f0cc5bb3.txt所载单位政府信息公开工作年度报告的简要情况")
    assert "报告未附收到和处理政府信息公开申请情况统计表（表三），申请办理数据无法取得。" in markdown
    assert "报告未附表四（政府信息公开行政复议、行政诉讼情况），该表无法校验" in markdown
    assert "主要数据一览" not in markdown and "0件" not in markdown
    batch = batch_brief(batch_figures(checked_figures([report, source])), with_chart=False)
    text = to_markdown(batch)
    assert "（003_31517a60f0cc5bb3.txt所载单位的相关数据无法取得，未计入合计）" in text
    assert f"各单位合计新收政府信息公开申请{total(source, 'new_received')}件" in text
    assert batch.figures.untraced(text) == []
