"""Sections, title facts and table regions, on the seeds and on heading variants from the spec."""

from __future__ import annotations

import pytest

from gipr_llm.domain.models import LoadError
from gipr_llm.load import load_bytes
from gipr_llm.parse.sections import split_sections
from gipr_llm.pipeline import parse_document, read_report
from tests.conftest import seed_text


def sections_of(text: str):
    return split_sections(load_bytes(text.encode("utf-8"), "t.txt"))


def test_seed_000_headings_without_numerals_and_no_six(seed_paths):
    report = read_report(seed_paths["000"])
    assert report.meta.sections_found == [
        "overview",
        "proactive",
        "applications",
        "review_litigation",
        "problems",
        "other",
    ]
    assert report.narrative["problems"].startswith("利用新媒体途径")
    assert "工作亮点" in report.narrative["other"]


def test_site_footer_is_not_narrative(seed_paths):
    report = read_report(seed_paths["001"])
    assert (
        report.narrative["other"] == "本年度,依据《政府信息公开信息处理费管理办法》我单位未收取信息处理费。"
    )


def test_table3_last_row_is_not_the_table4_heading(seed_paths):
    # 「四、结转下年度继续办理」 must stay in 表三; 「四、政府信息公开行政复议…」 starts 表四.
    report = read_report(seed_paths["003"])
    assert report.table3.rows["carried_forward"] == [33, 1, 0, 0, 0, 0, 34]
    assert report.table4.rows["review"]["total"] == 19


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "四、政府信息公开行政复议、行政诉讼情况",
            "四、政府信息公开行政法复议、行政诉讼情况",
        ),  # typo seen in the wild
        ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
        ("五、存在的主要问题及改进情况", "五、存在问题及改进措施"),
        ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
        ("六、其他需要报告的事项", "五、其他需要报告的事项"),  # renumbered
        ("二、主动公开政府信息情况", "二、行政机关主动公开政府信息情况"),
    ],
)
def test_heading_variants(old, new):
    text = seed_text("003")
    assert old in text
    report = parse_document(load_bytes(text.replace(old, new).encode("utf-8"), "v.txt"))
    assert set(report.meta.sections_found) == {
        "overview",
        "proactive",
        "applications",
        "review_litigation",
        "problems",
        "other",
    }
    assert report.table4.rows["litigation_after_review"]["total"] == 11
    assert report.table3.rows["total_processed"][6] == 252


def test_missing_table_headings_fall_back_to_table_words():
    text = seed_text("003")
    for heading in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ):
        text = text.replace(heading + "\n", "")
    report = parse_document(load_bytes(text.encode("utf-8"), "h.txt"))
    assert report.table2.rows["procurement"]["projects"] == 11
    assert report.table3.rows["unavailable_not_held"][6] == 183
    assert report.table4.rows["review"]["total"] == 19


@pytest.mark.parametrize(
    ("title", "agency", "year"),
    [
        ("西城区政府办公室2021年政府信息公开\n\n工作年度报告", "西城区政府办公室", 2021),
        (
            "北京市西城区人民政府外事办公室\n\n2019 年政府信息公开工作年度报告",
            "北京市西城区人民政府外事办公室",
            2019,
        ),
        ("2022年度北京市海淀区统计局政府信息公开工作年度报告", "北京市海淀区统计局", 2022),
    ],
)
def test_title_facts(title, agency, year):
    body = seed_text("001").split("\n", 2)[2]
    sections = sections_of(title + "\n" + body)
    assert (sections.agency, sections.year) == (agency, year)


def test_report_without_year_keeps_year_null():
    body = seed_text("001").split("\n", 2)[2]
    sections = sections_of("北京市西城区信访办公室\n政府信息公开工作年度报告\n" + body)
    assert sections.year is None


def test_not_an_annual_report_is_refused():
    with pytest.raises(LoadError, match="不是政府信息公开工作年度报告"):
        parse_document(
            load_bytes("关于开展春季植树活动的通知\n各单位：\n请于三月前报名。\n".encode(), "n.txt")
        )


def test_report_cut_off_inside_table3_is_read_with_an_error():
    text = seed_text("003")
    cut = text[: text.index("（五）不予")]
    report = parse_document(load_bytes(cut.encode("utf-8"), "cut.txt"))
    [truncated] = [f for f in report.findings if f.rule == "PARSE-TRUNCATED"]
    assert (truncated.severity, truncated.table, truncated.fault) == ("error", "table3", "reading")
    assert report.meta.year == 2020 and report.narrative["overview"]  # what was read is kept
    assert report.table3 is not None and "new_received" in report.table3.rows


def test_report_whose_tables_are_pictures_is_read():
    # Title and narrative as text, the three tables published as images: nothing to refuse.
    lines = seed_text("001").split("\n")
    text = "\n".join(lines[: lines.index("二、主动公开政府信息情况")]) + "\n（统计表见图片）\n"
    report = parse_document(load_bytes(text.encode("utf-8"), "pictures.txt"))
    assert (report.meta.agency, report.meta.year) == ("北京市西城区信访办公室", 2024)
    assert report.table2 is None and report.table3 is None and report.table4 is None
    assert "主动公开政府信息21条" in report.narrative["overview"]


def test_breadcrumb_above_the_title_is_not_the_agency():
    body = seed_text("003").split("\n", 3)[3]
    text = (
        "当前位置：首页 > 政务公开 > 政府信息公开年报\n北京市朝阳区政务服务管理局\n\n2020年政府信息公开工作年度报告\n"
        + body
    )
    sections = sections_of(text)
    assert (sections.agency, sections.year) == ("北京市朝阳区政务服务管理局", 2020)


@pytest.mark.parametrize(
    ("seed", "cut_before", "table"),
    [
        ("003", "\t规范性文件", "表二"),  # inside 表二, one cell per line
        ("004", "(三) 不予公开", "表三"),  # inside 表三, tab rows
        ("001", "结果 维持 | 结果 纠正", "表四"),  # inside 表四's header, pipe rows
    ],
)
def test_report_cut_off_inside_any_table_is_an_error_finding(seed, cut_before, table):
    text = seed_text(seed)
    cut = text[: text.index(cut_before)]
    report = parse_document(load_bytes(cut.encode("utf-8"), "cut.txt"))
    [truncated] = [f for f in report.findings if f.rule == "PARSE-TRUNCATED"]
    assert truncated.severity == "error" and f"在{table}中途结束" in truncated.message


def test_report_ending_after_a_complete_table4_is_read():
    # Sections 五 and 六 missing but 表四 complete: a sloppy copy, not a broken file.
    text = seed_text("003")
    report = parse_document(load_bytes(text[: text.index("五、存在的主要问题")].encode("utf-8"), "short.txt"))
    assert report.table4.rows["review"]["total"] == 19
