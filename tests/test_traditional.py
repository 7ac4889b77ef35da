"""Traditional-character mirrors (some with pinyin glosses) read like the simplified report."""

from __future__ import annotations

import opencc
import pytest

from gipr_llm.load import load_bytes
from gipr_llm.pipeline import parse_document, read_report
from tests.conftest import seed_text


@pytest.mark.parametrize("seed", ["003", "004"])
def test_traditional_mirror_gives_the_same_tables(seed_paths, seed):
    mirror = opencc.OpenCC("s2t").convert(seed_text(seed))
    assert "結轉" in mirror  # really traditional
    report = parse_document(load_bytes(mirror.encode("utf-8"), "mirror.txt"))
    original = read_report(seed_paths[seed])
    assert (report.table2, report.table3, report.table4) == (
        original.table2,
        original.table3,
        original.table4,
    )
    assert (report.meta.agency, report.meta.year) == (original.meta.agency, original.meta.year)
    assert "繁体字转换为简体字" in report.source.converted
    assert any(f.rule == "PARSE-CONVERTED" for f in report.findings)


def test_pinyin_glosses_are_removed_before_matching_labels():
    text = seed_text("003").replace(
        "一、本年新收政府信息公开申请数量", "一、本年新收(běn nián xīn shōu)政府信息公开申请数量"
    )
    text = text.replace("四、结转下年度继续办理", "四、结转(jié zhuǎn)下年度继续办理")
    report = parse_document(load_bytes(text.encode("utf-8"), "gloss.txt"))
    assert report.table3.rows["new_received"] == [255, 16, 0, 0, 0, 0, 271]
    assert report.table3.rows["carried_forward"] == [33, 1, 0, 0, 0, 0, 34]
    assert "去除拼音注音2处" in report.source.converted


def test_simplified_report_is_left_as_it_is(seed_paths):
    report = read_report(seed_paths["002"])
    assert report.source.converted is None
    assert not any(f.rule == "PARSE-CONVERTED" for f in report.findings)


def test_traditional_docx_gives_the_same_tables(tmp_path, seed_paths):
    from tests.fixture_docs import report_to_docx

    original = read_report(seed_paths["003"])
    simple = tmp_path / "simple.docx"
    report_to_docx(original, simple)
    # Turn every run of the Word file into traditional characters, as a mirror site would.
    import docx

    convert = opencc.OpenCC("s2t").convert
    document = docx.Document(str(simple))
    paragraphs = list(document.paragraphs) + [
        p for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs
    ]
    for paragraph in paragraphs:
        for run in paragraph.runs:
            run.text = convert(run.text)
    mirror = tmp_path / "mirror.docx"
    document.save(str(mirror))
    report = read_report(mirror)
    assert (report.table2, report.table3, report.table4) == (
        original.table2,
        original.table3,
        original.table4,
    )
    assert "繁体字转换为简体字" in report.source.converted
