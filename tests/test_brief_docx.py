"""The .docx brief, opened again with python-docx: title, numbered headings, the headline
table, East Asian fonts, and (batch) the chart as a real inline PNG."""

from __future__ import annotations

import io
import os
import re

import pytest
from docx import Document
from docx.oxml.ns import qn
from PIL import Image
from typer.testing import CliRunner

from gipr_llm.cli import app
from gipr_llm.pipeline import extract
from gipr_llm.render.brief.batch_figures import batch_figures
from gipr_llm.render.brief.batch_template import batch_brief
from gipr_llm.render.brief.chart import ChartRow, cjk_font, outcome_chart
from gipr_llm.render.brief.document import Brief, BriefSection
from gipr_llm.render.brief.docx import BODY_FONT, HEADING_FONT, to_docx
from gipr_llm.render.brief.figures import FigureSet
from gipr_llm.render.brief.run import checked_figures
from gipr_llm.render.brief.template import report_brief
from tests.conftest import SEEDS

NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


def headings(doc) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]


def east_asian_fonts(paragraph) -> set[str]:
    return {
        run._element.rPr.rFonts.get(qn("w:eastAsia"))
        for run in paragraph.runs
        if run._element.rPr is not None and run._element.rPr.rFonts is not None
    }


def table_with_header(doc, first: str):
    return next(t for t in doc.tables if t.rows[0].cells[0].text == first)


@pytest.fixture(scope="module")
def report_docx(tmp_path_factory):
    report = extract(SEEDS["003"])
    brief = report_brief(checked_figures([report])[0])
    path = tmp_path_factory.mktemp("docx") / "brief.docx"
    to_docx([brief], path)
    return report, brief, Document(str(path))


@pytest.fixture(scope="module")
def batch_docx(tmp_path_factory):
    reports = [extract(p) for p in SEEDS.values()]
    brief = batch_brief(batch_figures(checked_figures(reports)))
    path = tmp_path_factory.mktemp("docx") / "batch.docx"
    to_docx([brief], path)
    return reports, brief, Document(str(path))


def test_report_docx_has_masthead_title_and_numbered_headings(report_docx):
    _, brief, doc = report_docx
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "政府信息公开工作简报"
    assert texts[1] == brief.title == "关于北京市朝阳区政务服务管理局2020年政府信息公开工作年度报告的简要情况"
    found = headings(doc)
    assert found == [f"{n}、{s.heading}" for n, s in zip("一二三四五六", brief.sections, strict=True)]
    assert all(NUMBERED.match(h) for h in found)
    assert doc.core_properties.title == brief.title


def test_report_docx_holds_the_headline_table(report_docx):
    report, _, doc = report_docx
    table = table_with_header(doc, "项目")
    rows = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows}
    assert rows["本年新收申请"][0] == str(report.table3.rows["new_received"][-1])
    assert rows["本年办结"][0] == "252"
    assert rows["其中：予以公开"] == ["33", "13.1%"]
    assert rows["其中：无法提供"] == ["183（待核实）", "—"]
    assert rows["行政诉讼"][0] == "29"


def test_report_docx_uses_government_fonts_and_a4(report_docx):
    _, brief, doc = report_docx
    body = next(p for p in doc.paragraphs if p.text == brief.sections[0].paragraphs[0])
    assert east_asian_fonts(body) == {BODY_FONT}
    heading_style = doc.styles["Heading 1"].element.rPr.rFonts
    assert heading_style.get(qn("w:eastAsia")) == HEADING_FONT
    assert heading_style.get(qn("w:eastAsiaTheme")) is None  # else Word shows the theme font
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


def test_batch_docx_embeds_the_chart_and_the_body_table(batch_docx):
    reports, brief, doc = batch_docx
    assert len(doc.inline_shapes) == 1
    blip = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    part = doc.part.related_parts[blip]
    assert part.content_type == "image/png"
    image = Image.open(io.BytesIO(part.blob))
    assert image.format == "PNG" and image.width > 800 and image.height > 300
    chart = next(s.chart for s in brief.sections if s.chart is not None)
    assert part.blob == chart.png
    table = table_with_header(doc, "序号")
    assert [r.cells[1].text for r in table.rows[1:]] == [r.meta.agency for r in reports]
    assert "各单位政府信息公开申请办理结果构成（单位：件）" in [p.text for p in doc.paragraphs]
    assert headings(doc)[0] == "一、总体情况" and headings(doc)[-1].endswith("综合研判")


CHART_ROWS = [
    ChartRow(
        1, "北京市朝阳区政务服务管理局", {"granted": 33, "partially_granted": 10, "unavailable": 183}, "252*"
    ),
    ChartRow(2, "北京市西城区人民政府外事办公室", {"unavailable": 2}, "2"),
]


def test_chart_without_a_chinese_font_uses_ascii_labels_and_a_legend(tmp_path):
    chart = outcome_chart(CHART_ROWS, detect_font=False)
    assert Image.open(io.BytesIO(chart.png)).format == "PNG"
    assert ("No. 1", "北京市朝阳区政务服务管理局") in chart.legend
    assert ("Granted", "予以公开") in chart.legend
    assert "本机未安装中文字体" in (chart.note or "") and "带*的单位" in (chart.note or "")
    brief = Brief("测试", [BriefSection("图表", ["说明。"], chart=chart)], FigureSet())
    to_docx([brief], tmp_path / "chart.docx")
    legend = table_with_header(Document(str(tmp_path / "chart.docx")), "图中标注")
    assert [r.cells[0].text for r in legend.rows[1:3]] == ["No. 1", "No. 2"]


@pytest.mark.skipif(cjk_font() is None, reason="no font with Chinese glyphs on this machine")
def test_chart_with_a_chinese_font_labels_bodies_by_name():
    chart = outcome_chart(CHART_ROWS)
    assert chart.legend == []  # names and outcome labels are drawn on the chart itself
    assert chart.note == "条形末端为各单位填报的办结总数，带*的单位办理结果数据待核实。"
    assert Image.open(io.BytesIO(chart.png)).width > 800


def test_cli_writes_docx_and_markdown_with_the_chart(tmp_path, seed_paths):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "GIPR_MODEL")}
    runner = CliRunner()
    target = tmp_path / "out" / "汇总.docx"
    result = runner.invoke(app, ["brief", str(SEEDS["000"].parent), "--batch", "-o", str(target)], env=env)
    assert result.exit_code == 0, result.output
    assert len(Document(str(target)).inline_shapes) == 1
    markdown = tmp_path / "brief.md"
    result = runner.invoke(
        app, ["brief", str(seed_paths["001"]), str(seed_paths["002"]), "-o", str(markdown)], env=env
    )
    assert result.exit_code == 0, result.output
    text = markdown.read_text(encoding="utf-8")
    assert text.count("# 关于") == 2 and "\n---\n" in text
    result = runner.invoke(app, ["brief", str(seed_paths["003"]), "-o", str(tmp_path / "brief.pdf")], env=env)
    assert result.exit_code == 2 and "输出文件须为 .md 或 .docx" in result.output


def test_cli_batch_markdown_writes_the_chart_beside_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "GIPR_MODEL")}
    missing = tmp_path / "missing.txt"
    target = tmp_path / "batch.md"
    result = CliRunner().invoke(
        app,
        ["brief", str(SEEDS["003"]), str(SEEDS["004"]), str(missing), "--batch", "-o", str(target)],
        env=env,
    )
    assert result.exit_code == 2
    assert f"{missing}: 文件不存在" in result.output
    text = target.read_text(encoding="utf-8")
    assert "![各单位政府信息公开申请办理结果构成（单位：件）](batch-chart.png)" in text
    assert (tmp_path / "batch-chart.png").read_bytes().startswith(b"\x89PNG")
    # The brief says it in words (no path: that is for the check report and the terminal).
    assert "另有部分文件未能读取，未计入本简报（文件不存在）" in text and str(missing) not in text


def test_batch_docx_tables_repeat_their_header_and_never_split_a_row(batch_docx):
    *_, doc = batch_docx
    for table in doc.tables:
        rows = table.rows
        assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)
        assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in rows[1:])


def test_docx_pages_are_numbered_in_the_footer(batch_docx):
    *_, doc = batch_docx
    footer = doc.sections[0].footer.paragraphs[0]._element
    assert [i.text for i in footer.iter(qn("w:instrText"))] == [" PAGE "]
    assert "—" in "".join(t.text or "" for t in footer.iter(qn("w:t")))


def test_cli_prints_edition_and_date_under_the_masthead(tmp_path, seed_paths):
    out = tmp_path / "b.docx"
    result = CliRunner().invoke(
        app, ["brief", str(seed_paths["003"]), "-o", str(out), "--edition", "第7期", "--date", "2027年1月5日"]
    )
    assert result.exit_code == 0, result.output
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert "第7期\t2027年1月5日" in texts
