"""Body and year of every dev-set copy (tests/identity_devset.py), read through the real
loaders and parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from gipr_llm.domain.models import Report
from gipr_llm.parse.identity import _BRACKETS
from gipr_llm.pipeline import read_report
from tests.identity_devset import Case, build

PLACEHOLDERS = ("未识别", "正文", "所载单位", "标题", "#", "【")


@pytest.fixture(scope="module")
def devset(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Case, Report]]:
    directory: Path = tmp_path_factory.mktemp("identity")
    return [(case, read_report(path)) for case, path in build(directory)]


def test_body_and_year_of_every_copy(devset: list[tuple[Case, Report]]) -> None:
    wrong = [
        (case.name, report.meta.agency, report.meta.year)
        for case, report in devset
        if (report.meta.agency, report.meta.year) != (case.agency, case.year)
    ]
    assert wrong == []


def test_no_placeholder_is_ever_a_body(devset: list[tuple[Case, Report]]) -> None:
    for case, report in devset:
        for value in (report.meta.agency, report.meta.body_key):
            assert value is None or not any(p in value for p in PLACEHOLDERS), case.name


def test_sources_recorded(devset: list[tuple[Case, Report]]) -> None:
    for case, report in devset:
        if case.agency_source:
            assert report.meta.agency_source == case.agency_source, case.name
        if case.year is not None:
            assert report.meta.year_source, case.name
        if case.body_key:
            assert report.meta.body_key == case.body_key, case.name


def test_missing_body_is_null_with_a_finding(devset: list[tuple[Case, Report]]) -> None:
    nameless = [(case, report) for case, report in devset if case.agency is None]
    assert nameless
    for case, report in nameless:
        assert report.meta.agency is None and report.meta.body_key is None, case.name
        assert any(f.rule == "TITLE-AGENCY-MISSING" and f.stage == "parse" for f in report.findings), (
            case.name
        )


def test_lookalike_corrected_only_with_evidence(devset: list[tuple[Case, Report]]) -> None:
    by_name = {case.name: report for case, report in devset}
    corrected = by_name["沭阳县发展和改革局2021年政府信息公开工作年度报告.md"]
    assert corrected.meta.body_key == by_name["crawl_0002.txt"].meta.body_key
    assert any(f.rule == "META-AGENCY-CONFLICT" and "沐阳" in f.message for f in corrected.findings)
    kept = by_name["ocr_page1.md"]
    assert kept.meta.body_key != corrected.meta.body_key  # 沐 kept: nothing else says 沭


@pytest.mark.parametrize(
    ("lines", "agency", "year"),
    [
        (
            ["2022年1月20日", "北京市西城区信访办公室2021年政府信息公开工作年度报告"],
            "北京市西城区信访办公室",
            2021,
        ),
        (["沭阳县发展和改革局关于2021年政府信息公开工作年度报告"], "沭阳县发展和改革局", 2021),
        (["北京市海淀区统计局政府信息公开工作年度报告（2022年度）"], "北京市海淀区统计局", 2022),
        (["【字体：大 中 小】", "正文", "2024年政府信息公开工作年度报告"], None, 2024),
        (["北京市人民政府信息公开工作年度报告"], None, None),  # 「政府信息公开」 is one phrase
        (["现将本机关2021年政府信息公开工作年度报告公布如下。"], None, None),  # a sentence, not a title
    ],
)
def test_title_in_text(lines: list[str], agency: str | None, year: int | None) -> None:
    from gipr_llm.domain.models import Line
    from gipr_llm.parse.identity import title_in_text

    _, found_agency, found_year = title_in_text([Line([t], n) for n, t in enumerate(lines, 1)])
    assert (found_agency, found_year) == (agency, year)


@pytest.mark.parametrize(
    ("text", "agency", "year"),
    [
        (
            "平潭综合实验区经济发展局2022年度政府信息公开工作年度报告_年度报告_平潭综合实验区",
            "平潭综合实验区经济发展局",
            2022,
        ),
        ("Microsoft Word - 附件1.docx", None, None),
        ("政府信息公开年度报告 - 上海市人民政府", None, None),
        ("000_27062e3c77157471.txt", None, None),
        ("P020210130.pdf", None, None),
    ],
)
def test_page_titles_and_file_names(text: str, agency: str | None, year: int | None) -> None:
    from gipr_llm.parse.identity import named_text

    assert named_text(text) == (agency, year)


def test_site_menu_above_the_title_is_dropped() -> None:
    from gipr_llm.domain.models import Line
    from gipr_llm.parse.identity import title_in_text

    lines = ["首页", "机构概况", "政务公开", "北京市西城区信访办公室", "2024年政府信息公开工作年度报告"]
    _, agency, year = title_in_text([Line([t], n) for n, t in enumerate(lines, 1)])
    assert (agency, year) == ("北京市西城区信访办公室", 2024)


def test_name_broken_after_its_region_is_joined() -> None:
    from gipr_llm.domain.models import Line
    from gipr_llm.parse.identity import title_in_text

    lines = ["北京市西城区", "信访办公室", "2024年政府信息公开工作年度报告"]
    _, agency, year = title_in_text([Line([t], n) for n, t in enumerate(lines, 1)])
    assert (agency, year) == ("北京市西城区信访办公室", 2024)


def _read_text(text: str, name: str = "r.txt") -> Report:
    from gipr_llm.load import load_bytes
    from gipr_llm.pipeline.extract import parse_document

    return parse_document(load_bytes(text.encode("utf-8"), name))


def test_year_disagreement_inside_the_text_is_the_reports() -> None:
    from tests.conftest import seed_text

    text = seed_text("002").replace(
        "依据《中华人民共和国政府信息公开条例》",
        "本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。依据《中华人民共和国政府信息公开条例》",
        1,
    )
    report = _read_text(text)
    assert (report.meta.year, report.meta.year_source) == (2021, "title")
    conflict = [f for f in report.findings if f.rule == "META-YEAR-CONFLICT"]
    assert [(f.severity, f.fault) for f in conflict] == [("warning", "report")]
    assert "统计期限作2020年" in conflict[0].message


def test_lookalike_inside_the_text_is_told_not_corrected() -> None:
    from tests.conftest import seed_text

    text = seed_text("002").replace("北京市东城区政务服务管理局", "沐阳县发展和改革局", 1)
    text = text.replace("依据《", "现将沭阳县发展和改革局2021年政府信息公开工作年度报告公布如下。依据《", 1)
    report = _read_text(text)
    assert report.meta.agency == "沐阳县发展和改革局"  # the opening is text too: no evidence
    assert any(f.rule == "META-AGENCY-CONFLICT" and "开头语作「沭阳县" in f.message for f in report.findings)


def test_readings_prefilter_holds_for_every_character():
    """readings() squashes only the head lines holding 来/信/发 (a source label) or 现 (现将):
    sound only while no other character NFKC-normalises to text holding one of them."""
    import unicodedata

    wanted = set("来信发现")
    others = [
        hex(code)
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF
        and chr(code) not in wanted
        and wanted & set(unicodedata.normalize("NFKC", chr(code)))
    ]
    assert others == []


def test_source_label_prefilter_agrees_with_squash():
    """_may_start_with_source_label lets through every line whose squash starts with 来, 信
    or 发: every character in front of a label (and of a combining mark and a label), and
    random strings of characters squash drops, composes or expands."""
    import random

    from gipr_llm.domain.textnorm import squash
    from gipr_llm.parse.identity import _may_start_with_source_label

    plain = squash.__wrapped__  # not the cache: a million one-off strings

    def agrees(raw: str) -> bool:
        return _may_start_with_source_label(raw) or not plain(raw).startswith(("来", "信", "发"))

    tails = ("来源：某局", "\u0301信息来源", "")
    failures = [
        hex(code)
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF
        for tail in tails
        if not agrees(chr(code) + tail)
    ]
    assert failures == []
    pool = " \t\u3000\u00a0\u200b\ufeff\u2028\u0301\u0308\u00a8\u3099来信发源息布机构文关：:㈱ａ１"
    rng = random.Random(7)
    samples = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 8))) for _ in range(200_000)]
    assert [s for s in samples if not agrees(s)] == []
    assert sum(_may_start_with_source_label(s) for s in samples) < len(samples)  # it does filter


def test_opening_prefilter_holds_for_every_character():
    """readings() squashes a head line for 现将 only when it holds 将 or U+2F873: sound only
    while no other character NFKC-normalises to text holding 将."""
    import unicodedata

    others = [
        hex(code)
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF
        and chr(code) not in ("将", "\U0002f873")
        and "将" in unicodedata.normalize("NFKC", chr(code))
    ]
    assert others == []


def test_bracket_removal_equals_deleting_the_bracket_characters():
    # _clean removes brackets by a regex search: the same characters str.translate deleted,
    # for every code point.
    table = str.maketrans("", "", "【】[]「」『』《》")
    for code in range(0x110000):
        text = f"a{chr(code)}b{chr(code)}"
        assert _BRACKETS.sub("", text) == text.translate(table), hex(code)


def test_plain_lead_fast_path_agrees_with_the_general_test():
    """readings() tells a head line whose first character is a CJK ideograph (U+4E00-U+9FFF)
    or printable ASCII by that character alone: a line may start a source label only when it
    is 来, 信 or 发, just as _may_start_with_source_label says, whatever follows."""
    from gipr_llm.domain.textnorm import squash
    from gipr_llm.parse.identity import _may_start_with_source_label

    plain = squash.__wrapped__
    leads = [chr(c) for c in (*range(0x4E00, 0xA000), *range(0x21, 0x7F))]
    tails = ("", "源：某局", "\u0301信息来源", " 来源：某局", "息来源：某县人民政府")
    assert [c for c in leads if plain(c) != c] == []  # each is its own squash
    failures = [
        (c, tail)
        for c in leads
        for tail in tails
        if _may_start_with_source_label(c + tail) != (c in "来信发")
    ]
    assert failures == []


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("来源：某县人民政府办公室", True),
        ("信息来源：某县人民政府办公室", True),
        ("\t来源：某县人民政府办公室", True),
        ("\u3000发布机构：某县人民政府办公室", True),
        ("\u200b来源：某县人民政府办公室", True),
        ("（来源：某县人民政府办公室）", False),
        ("本页来源：某县人民政府办公室", False),
        ("1来源：某县人民政府办公室", False),
        ("", False),
    ],
)
def test_source_line_found_by_its_lead(line: str, found: bool) -> None:
    from gipr_llm.domain.models import Document, Line
    from gipr_llm.parse.identity import readings

    lines = [Line(("某县2021年政府信息公开工作年度报告",), 1), Line((line,), 2)]
    doc = Document(path="x.txt", sha256="", format="text", encoding="utf-8", lines=lines)
    got = [r.agency for r in readings(doc, (None, None, None)) if r.source == "text:来源"]
    assert got == (["某县人民政府办公室"] if found else [])


@pytest.mark.parametrize(
    "text",
    [
        "某县人民政府2021年政府信息公开工作年度",
        "r00025",
        "2021年政府信息公开工作年度报表",
        "某局2021年度政务公开工作报",
        "",
    ],
)
def test_parse_title_needs_report_word(text: str) -> None:
    """parse_title answers (None, None) without its patterns when 报告 is absent: both end
    with it, so neither can match."""
    from gipr_llm.parse.identity import _TITLE, _TITLE_NO_YEAR, parse_title

    assert _TITLE.search(text) is None and _TITLE_NO_YEAR.search(text) is None
    assert parse_title(text) == (None, None)
