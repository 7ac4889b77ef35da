"""Real-copy variants of the seeds in the general case: how web pages, crawlers, PDF→Markdown
converters and Word's "save as web page" print the same report (dev set, issues 11 and 12).

Each variant is made from one seed in ``samples/`` and from the cells the tool reads from the
clean copy (so the expected cells are the clean copy's, seed 003 keeping its real 183). The
tables are re-printed from the template's own layout grid (``tests.fixture_docs``: group
labels only on a group's first row, 表三's two-row header, 表四's three header rows), in the
line structure each kind of copy has; the rest of the report is the seed's own text.

Kinds (``KINDS``):

- ``space1`` / ``spaces`` / ``tabs_mixed``: a row per line, cells separated by one space, by
  runs of spaces, or by tabs and spaces mixed (web innerText, copy-paste);
- ``oneline_spaces``: the whole report on one line, every cell and line separated by a
  single space (a crawler's text field);
- ``fullwidth``: the whole text with full-width digits (０１２);
- ``thousands``: every 表三/表四 cell multiplied by 1009 (the sum rules are linear, so they
  hold, or fail, exactly as in the seed) and printed with thousands separators (1,009);
- ``dash_zero``: cells 0 printed as 「—」「-」「/」「无」 (expected: null, blank or n/a);
- ``header_split``: 表三's header words broken over lines (``法人或其他`` / ``组织``,
  ``商业`` / ``企业``, ``总`` / ``计``), the column headers before the 申请人情况 line;
- ``crawler``: breadcrumbs, repeated title lines, 「发布时间：… 来源：… 浏览次数：…」,
  「【打印】【关闭】」, share buttons and a site footer with phone numbers and 备案号;
- ``markdown``: pipe tables from a PDF→Markdown converter: merged header cells repeated,
  empty cells ``|  |``, ``<br>`` inside cells;
- ``html_word``: HTML saved by Word (mso styles, ``<o:p>``, ``&nbsp;`` cells, the report's
  tables nested in a layout table);
- ``html_pcells``: HTML whose table is built of ``<div>``s, one cell per ``<p>`` line.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from gipr_llm.domain import spec
from gipr_llm.domain.models import Report
from gipr_llm.load import load_bytes
from gipr_llm.parse.document import parse
from tests.conftest import seed_text
from tests.devsets import _replace_tables
from tests.fixture_docs import Grid, Span, report_to_html, table3_grid, table4_grid

SEEDS = ("000", "001", "002", "003", "004")
SCALE = 1009  # the ``thousands`` kind: large enough that every non-zero cell has a separator


@dataclass(frozen=True)
class Variant:
    kind: str
    seed: str
    name: str  # file name (its suffix tells the loader nothing: the bytes decide)
    data: bytes
    table3: dict[str, list[int | None]]  # expected cells
    table4: dict[str, dict[str, int | None]]
    # Report-fault rules the copy really earns: ``thousands`` scales the tables, not the
    # narrative's figures, so the narrative no longer agrees with them.
    earned: frozenset[str] = frozenset()


def clean_report(seed: str) -> Report:
    return parse(load_bytes(seed_text(seed).encode("utf-8"), "seed.txt"))[0]


# --- grids -> lines ------------------------------------------------------------------


def _values(grid: Grid, numbers: Callable[[str], str]) -> Grid:
    """The grid with every numeric cell's text passed through ``numbers``."""
    return [
        [Span(numbers(c.text) if c.text.isdigit() else c.text, c.rowspan, c.colspan) for c in row]
        for row in grid
    ]


def _row_lines(grid: Grid, sep: Callable[[int], str], keep_empty: bool = False) -> list[str]:
    lines = []
    for row in grid:
        texts = [c.text for c in row if keep_empty or c.text]
        line = ""
        for i, text in enumerate(texts):
            line += (sep(i) if i else "") + text
        lines.append(line)
    return lines


def _with_tables(seed: str, t3: list[str], t4: list[str]) -> str:
    return _replace_tables(seed_text(seed), t3, t4)


def _grids(report: Report, numbers: Callable[[str], str] = str) -> tuple[Grid, Grid]:
    return _values(table3_grid(report.table3), numbers), _values(table4_grid(report.table4), numbers)


def _separated(
    seed: str, report: Report, sep: Callable[[int], str], numbers: Callable[[str], str] = str
) -> str:
    t3, t4 = _grids(report, numbers)
    return _with_tables(seed, _row_lines(t3, sep), _row_lines(t4, sep))


_SPACE_RUNS = (2, 5, 3, 4, 2, 6, 3)
_MIXED = ("\t", " \t", "  ", "\t ", " \t  ", " ")


def space1(seed: str, report: Report) -> str:
    return _separated(seed, report, lambda _i: " ")


def spaces(seed: str, report: Report) -> str:
    return _separated(seed, report, lambda i: " " * _SPACE_RUNS[i % len(_SPACE_RUNS)])


def tabs_mixed(seed: str, report: Report) -> str:
    return _separated(seed, report, lambda i: _MIXED[i % len(_MIXED)])


def oneline_spaces(seed: str, report: Report) -> str:
    text = space1(seed, report)
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def fullwidth(seed: str, report: Report) -> str:
    return tabs_mixed(seed, report).translate(_FULL)


def thousands(seed: str, report: Report) -> str:
    return _separated(seed, report, lambda _i: "\t", lambda text: f"{int(text) * SCALE:,}")


_ZERO_MARKS = ("—", "-", "/", "无")


def dash_zero(seed: str, report: Report) -> str:
    counter = iter(range(10**6))
    return _separated(
        seed, report, lambda _i: "\t", lambda t: _ZERO_MARKS[next(counter) % 4] if t == "0" else t
    )


def _dash_zero_expected(report: Report):
    t3 = {k: [None if v == 0 else v for v in vals] for k, vals in report.table3.rows.items()}
    t4 = {g: {c: None if v == 0 else v for c, v in cols.items()} for g, cols in report.table4.rows.items()}
    return t3, t4


def header_split(seed: str, report: Report) -> str:
    t3, t4 = _grids(report)
    header = [
        "（本列数据的勾稽关系为：第一项加第二项之和，",
        "等于第三项加第四项之和）",
        "自然人\t法人或其他",
        "组织\t总",
        "计",
        "商业",
        "企业\t科研",
        "机构\t社会公益组织\t法律服务",
        "机构\t其他",
        "申请人情况",
    ]
    body = _row_lines(t3[3:], lambda _i: "\t")
    return _with_tables(seed, header + body, _row_lines(t4, lambda _i: "\t"))


def space_blank(seed: str, report: Report) -> str:
    """Single spaces, with the organisation columns' zeros left blank on every other row:
    an empty cell between single spaces leaves no trace, so those rows are one to five
    cells short (expected: read where the row still tells, else null and flagged)."""
    t3, t4 = _grids(report)
    for index, row in enumerate(t3[3:]):
        if index % 2 == 0:
            values = row[-7:]
            blanked = [values[0], *(Span("") if c.text == "0" else c for c in values[1:6]), values[6]]
            row[-7:] = blanked
    return _with_tables(seed, _row_lines(t3, lambda _i: " "), _row_lines(t4, lambda _i: " "))


def _space_blank_expected(report: Report):
    t3 = {}
    for index, (key, values) in enumerate(report.table3.rows.items()):
        t3[key] = [None if index % 2 == 0 and 0 < i < 6 and v == 0 else v for i, v in enumerate(values)]
    return t3, {g: dict(cols) for g, cols in report.table4.rows.items()}


def oneline_tabs(seed: str, report: Report) -> str:
    text = _separated(seed, report, lambda _i: "\t")
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


def fullwidth_space(seed: str, report: Report) -> str:
    """Ideographic spaces (U+3000) between cells and full-width digits."""
    return _separated(seed, report, lambda _i: "\u3000").translate(_FULL)


def dash_zero_space(seed: str, report: Report) -> str:
    counter = iter(range(10**6))
    return _separated(
        seed, report, lambda _i: " ", lambda t: _ZERO_MARKS[next(counter) % 4] if t == "0" else t
    )


def pdf_wrapped(seed: str, report: Report) -> str:
    """A text-layer PDF's lines: a long label wraps in its cell, so its tail lands on the line
    after the row's numbers (「1.本机关不掌握相关政府 171 11 0 0 0 0 183」 / 「信息」)."""
    t3, t4 = _grids(report)
    lines: list[str] = []
    for row in t3:
        texts = [c.text for c in row if c.text]
        values = [t for t in texts if t.isdigit()]
        labels = [t for t in texts if not t.isdigit()]
        label = labels[-1] if labels else ""
        if values and len(label) > 9:
            head, tail = label[:8], label[8:]
            lines.append(" ".join([*labels[:-1], head, *values]))
            lines.append(tail)
        else:
            lines.append(" ".join(texts))
    return _with_tables(seed, lines, _row_lines(t4, lambda _i: " "))


# --- crawler junk ----------------------------------------------------------------------


def crawler(seed: str, report: Report) -> str:
    text = seed_text(seed)
    year = report.meta.year or 2020
    title = f"{report.meta.agency}{year}年政府信息公开工作年度报告"
    head = [
        "首页 > 政务公开 > 政府信息公开 > 政府信息公开年报",
        "当前位置：首页>>信息公开>>年度报告",
        title,
        f"发布时间：{year + 1}-01-28 10:35:12  来源：{report.meta.agency}  浏览次数：12,583  字号：[大 中 小]",
        "分享到：微信 微博 QQ空间",
        title,
    ]
    foot = [
        "【打印本页】 【关闭窗口】 【返回顶部】",
        "相关链接：2019年政府信息公开工作年度报告 2020年政府信息公开工作年度报告",
        "主办单位：北京市某区人民政府办公室  承办：某区政务服务中心",
        "地址：北京市某区二龙路27号  邮编：100032  联系电话：010-88064321  传真：010-88064322",
        "网站标识码：1101020001  京ICP备05060933号  京公网安备 11010202007342号",
        "Copyright © 2008-2024 All Rights Reserved  技术支持：某某科技有限公司  访问量：3,457,211",
    ]
    return "\n".join(head) + "\n" + text + "\n" + "\n".join(foot) + "\n"


def crawler_meta(seed: str, report: Report) -> str:
    """A government site's metadata block above the article (索引号, 发布机构 — here the
    parent government, not the body —, 成文日期, 文号), and next/previous links that name
    other years' reports, before the title."""
    text = seed_text(seed)
    year = report.meta.year or 2020
    head = [
        "您当前的位置：首页 > 政府信息公开 > 法定主动公开内容 > 政府信息公开工作年度报告",
        f"索引号：000014348/{year + 1}-00012\t主题分类：政务公开",
        "发布机构：北京市某区人民政府\t生成日期：" + f"{year + 1}-01-20",
        f"文号：无\t有效性：有效\t名称：{report.meta.agency}{year}年政府信息公开工作年度报告",
        f"上一篇：{report.meta.agency}{year - 1}年政府信息公开工作年度报告",
        f"下一篇：北京市某区人民政府{year + 1}年第一季度政务公开工作要点",
        "【字体：大 中 小】【打印】",
    ]
    foot = [
        "扫一扫在手机打开当前页",
        "【我要纠错】 【打印】 【关闭】",
        "联系我们 | 网站地图 | 使用帮助",
        "电话：010-12345678（工作日9:00-17:00）",
    ]
    return "\n".join(head) + "\n" + text + "\n" + "\n".join(foot) + "\n"


# --- Markdown from a PDF converter ------------------------------------------------------


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _expand(grid: Grid, width: int, repeat: bool) -> list[list[str]]:
    """A grid as a full rectangle: merged cells repeated (``repeat``) or left empty."""
    out: list[list[str | None]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, row in enumerate(grid):
        cells: list[str | None] = [None] * width
        for (pr, pc), text in list(pending.items()):
            if pr == r:
                cells[pc] = text
                del pending[(pr, pc)]
        col = 0
        for span in row:
            while col < width and cells[col] is not None:
                col += 1
            for dr in range(span.rowspan):
                for dc in range(span.colspan):
                    text = span.text if repeat or (dr == 0 and dc == 0) else ""
                    if dr == 0:
                        if col + dc < width:
                            cells[col + dc] = text
                    else:
                        pending[(r + dr, col + dc)] = text
            col += span.colspan
        out.append([c or "" for c in cells])
    return out


def _br(text: str) -> str:
    # A converter keeps a cell's line breaks as <br>: long labels wrap.
    if len(text) > 8 and not text.isdigit():
        return text[: len(text) // 2] + "<br>" + text[len(text) // 2 :]
    return text


def markdown(seed: str, report: Report, repeat: bool = True) -> str:
    t3, t4 = _grids(report)
    rows3 = [[_br(c) for c in row] for row in _expand(t3, 10, repeat=repeat)]
    rows4 = _expand(t4, 15, repeat=repeat)
    lines3 = [_md_row(rows3[0]), "|" + "---|" * 10, *(_md_row(r) for r in rows3[1:])]
    lines4 = [_md_row(rows4[0]), "|" + "---|" * 15, *(_md_row(r) for r in rows4[1:])]
    return _with_tables(seed, lines3, lines4)


# --- HTML -------------------------------------------------------------------------------

_MSO_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
    '<meta http-equiv=Content-Type content="text/html; charset=utf-8">\n'
    '<meta name=ProgId content=Word.Document>\n<meta name=Generator content="Microsoft Word 15">\n'
)
_MSO_STYLE = (
    '<style>\n<!--\n @font-face {font-family:仿宋_GB2312;}\n p.MsoNormal {mso-style-parent:""; margin:0cm;'
    " font-size:10.5pt;}\n@page WordSection1 {size:595.3pt 841.9pt;}\n-->\n</style>\n"
    "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>admin</o:Author><o:Pages>7</o:Pages>"
    "<o:Words>3021</o:Words></o:DocumentProperties></xml><![endif]-->\n"
)


def _mso_cell(match: re.Match[str]) -> str:
    attrs, text = match.group(1), match.group(2)
    inner = text if text else "&nbsp;"
    return (
        f"<td{attrs} width=57 valign=center style='width:42.5pt;border:solid windowtext 1.0pt;"
        "mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>"
        "<p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan'>"
        f"<span lang=EN-US style='font-size:10.5pt;font-family:仿宋_GB2312;mso-bidi-font-family:宋体'>{inner}"
        "<o:p></o:p></span></p></td>"
    )


def html_word(seed: str, report: Report) -> str:
    page = report_to_html(report)
    page = re.sub(r"<td([^>]*)><p>(.*?)</p></td>", _mso_cell, page)
    page = page.replace(
        '<table border="1"',
        "<table class=MsoNormalTable border=1 style='border-collapse:collapse;mso-yfti-tbllook:1184'",
    )
    page = page.replace(
        '<p style="text-indent:2em">',
        "<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><span style='font-family:仿宋_GB2312'>",
    )
    page = re.sub(
        r"(<p class=MsoNormal style='text-indent[^>]*><span[^>]*>)(.*?)</p>", r"\1\2</span></p>", page
    )
    head_end = page.index("<title>")
    page = _MSO_HEAD + page[head_end:].replace("</head>", _MSO_STYLE + "</head>", 1)
    page = page.replace(
        '<div class="article">',
        "<div class=WordSection1 style='layout-grid:15.6pt'>\n<table width=\"100%\"><tr><td>",
        1,
    )
    page = page.replace(
        '\n</div>\n<div class="footer">', '\n</td></tr></table></div>\n<div class="footer">', 1
    )
    return page


def _div_table(grid: Grid) -> str:
    rows = []
    for row in grid:
        cells = "\n".join(f'<p class="cell">{html.escape(c.text)}</p>' for c in row)
        rows.append(f'<div class="tr">\n{cells}\n</div>')
    return '<div class="table">\n' + "\n".join(rows) + "\n</div>"


def html_pcells(seed: str, report: Report) -> str:
    page = report_to_html(report)
    tables = {
        "applications": _div_table(table3_grid(report.table3)),
        "review": _div_table(table4_grid(report.table4)),
    }
    found = list(re.finditer(r'<table border="1".*?</table>', page, re.S))
    # 表二 stays a real table; 表三 and 表四 (the last two) are div grids.
    for match, key in reversed(list(zip(found[-2:], ("applications", "review"), strict=True))):
        page = page[: match.start()] + tables[key] + page[match.end() :]
    return page


def markdown_empty(seed: str, report: Report) -> str:
    """Merged cells left as empty ``|  |`` cells (the other converters' way)."""
    return markdown(seed, report, repeat=False)


def html_spans(seed: str, report: Report) -> str:
    """HTML whose number cells are split into runs (Word's spell-check and revision marks:
    ``1<span>7</span>1``), padded with ``&nbsp;``, and whose label cells are ``<th>``."""
    page = report_to_html(report)

    def cell(match: re.Match[str]) -> str:
        attrs, text = match.group(1), match.group(2)
        if text.isdigit():
            if len(text) > 1:
                text = text[0] + f"<span lang=EN-US>{text[1:]}</span>"
            return f"<td{attrs}>&nbsp;{text}&nbsp;</td>"
        return f"<th{attrs}><p>{text}</p></th>"

    return re.sub(r"<td([^>]*)><p>(.*?)</p></td>", cell, page)


def crawler_combo(seed: str, report: Report) -> str:
    """Crawler junk around a copy-pasted page: single-space cells with full-width digits,
    and the title line carrying the site's name after it."""
    year = report.meta.year or 2020
    title = f"标题：{report.meta.agency}{year}年政府信息公开工作年度报告_北京市某区人民政府网站"
    text = crawler(seed, report).replace(seed_text(seed), space1(seed, report).translate(_FULL))
    return title + "\n" + text


def html_inline(seed: str, report: Report) -> str:
    """HTML whose 表三/表四 rows are ``<div>``s of inline ``<span>`` cells: the page's text
    has no separator between cells (the glued-digits case, in HTML)."""
    page = report_to_html(report)

    def inline(grid: Grid) -> str:
        rows = "\n".join(
            '<div class="tr">' + "".join(f"<span>{html.escape(c.text)}</span>" for c in row) + "</div>"
            for row in grid
        )
        return f'<div class="table">\n{rows}\n</div>'

    found = list(re.finditer(r'<table border="1".*?</table>', page, re.S))
    for match, grid in reversed(
        list(zip(found[-2:], (table3_grid(report.table3), table4_grid(report.table4)), strict=True))
    ):
        page = page[: match.start()] + inline(grid) + page[match.end() :]
    return page


def t4_split(seed: str, report: Report) -> str:
    """表四 split by a converter into three five-column tables, one per group."""
    t3, _ = _grids(report)
    lines: list[str] = []
    for group in spec.T4_GROUPS:
        lines.append(spec.T4_GROUP_LABELS[group])
        lines.append("\t".join(spec.T4_COLUMN_LABELS[c] for c in spec.T4_COLUMNS))
        lines.append("\t".join(str(report.table4.rows[group][c]) for c in spec.T4_COLUMNS))
        lines.append("")
    return _with_tables(seed, _row_lines(t3, lambda _i: "\t"), lines)


def generic_headers(seed: str, report: Report) -> str:
    """A converter's generic column headers (``数据1 … 数据6``) above the Markdown grid."""
    text = markdown(seed, report, repeat=False)
    head = _md_row(["", "", "", "数据1", "数据2", "数据3", "数据4", "数据5", "数据6", "数据7"])
    return text.replace("|---|---|---|---|---|---|---|---|---|---|", head + "\n|" + "---|" * 10, 1)


_CN = str.maketrans("0123456789", "〇一二三四五六七八九")


def title_cn_year(seed: str, report: Report) -> str:
    """The title's year in Chinese numerals (「二〇二一年」), the site's name in front of the
    title on the same line, and the tables copied with single spaces."""
    text = space1(seed, report)
    year = str(report.meta.year)
    head, _sep, rest = text.partition(f"{year}年")
    if "\n" in head.strip() and len(head) > 80:  # the year is not in the title's first lines
        return text
    lines = head.split("\n")
    lines[-1] = "北京市某区人民政府网站 - " + lines[-1] if lines[-1].strip() else lines[-1]
    return "\n".join(lines) + year.translate(_CN) + "年" + rest


# --- the set ------------------------------------------------------------------------------

KINDS: dict[str, tuple[Callable[[str, Report], str], str]] = {
    "space1": (space1, "txt"),
    "spaces": (spaces, "txt"),
    "tabs_mixed": (tabs_mixed, "txt"),
    "oneline_spaces": (oneline_spaces, "txt"),
    "fullwidth": (fullwidth, "txt"),
    "thousands": (thousands, "txt"),
    "dash_zero": (dash_zero, "txt"),
    "header_split": (header_split, "txt"),
    "crawler": (crawler, "txt"),
    "space_blank": (space_blank, "txt"),
    "oneline_tabs": (oneline_tabs, "txt"),
    "fullwidth_space": (fullwidth_space, "txt"),
    "dash_zero_space": (dash_zero_space, "txt"),
    "pdf_wrapped": (pdf_wrapped, "txt"),
    "crawler_meta": (crawler_meta, "txt"),
    "crawler_combo": (crawler_combo, "txt"),
    "title_cn_year": (title_cn_year, "txt"),
    "t4_split": (t4_split, "txt"),
    "markdown": (markdown, "md"),
    "generic_headers": (generic_headers, "md"),
    "markdown_empty": (markdown_empty, "md"),
    "html_spans": (html_spans, "html"),
    "html_word": (html_word, "html"),
    "html_pcells": (html_pcells, "html"),
    "html_inline": (html_inline, "html"),
}


def _scaled(report: Report, factor: int):
    t3 = {k: [None if v is None else v * factor for v in vals] for k, vals in report.table3.rows.items()}
    t4 = {
        g: {c: None if v is None else v * factor for c, v in cols.items()}
        for g, cols in report.table4.rows.items()
    }
    return t3, t4


def make(kind: str, seed: str, report: Report | None = None) -> Variant:
    report = report or clean_report(seed)
    build, ext = KINDS[kind]
    text = build(seed, report)
    if kind == "thousands":
        t3, t4 = _scaled(report, SCALE)
    elif kind == "space_blank":
        t3, t4 = _space_blank_expected(report)
    elif kind in ("dash_zero", "dash_zero_space"):
        t3, t4 = _dash_zero_expected(report)
    else:
        t3, t4 = _scaled(report, 1)
    earned = frozenset({"NARRATIVE-TABLE"}) if kind == "thousands" else frozenset()
    return Variant(kind, seed, f"{seed}-{kind}.{ext}", text.encode("utf-8"), t3, t4, earned)


def all_variants() -> list[Variant]:
    out = []
    for seed in SEEDS:
        report = clean_report(seed)
        out += [make(kind, seed, report) for kind in KINDS]
    return out


# --- scoring ---------------------------------------------------------------------------


@dataclass
class Score:
    right: int = 0
    flagged: int = 0  # null or wrong, with a finding naming the cell (or its row/table)
    wrong_unflagged: int = 0
    false_report_faults: int = 0
    identity_right: bool = True
    problems: list[str] | None = None
    not_right: list[tuple[str, str, str]] | None = None  # (table, row, column) of cells not right


def _key(finding) -> tuple:
    return (finding.rule, finding.table, finding.row, finding.column)


def read(data: bytes, name: str) -> Report:
    """The report as ``gipr extract`` reads it (tables, identity and the narrative facts by
    rules, so a junk number read as a fact shows up as a NARRATIVE-TABLE finding)."""
    import tempfile
    from pathlib import Path

    from gipr_llm.pipeline import extract

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        report = extract(path)
    report.source.path = name
    return report


def findings_of(report: Report) -> list:
    from gipr_llm.checks import check_report
    from gipr_llm.domain.rules import fill_fault

    return fill_fault([*report.findings, *check_report(report)])


def _names(finding, table: str, row: str, column: str) -> bool:
    """Whether a finding points a reader at this cell: it names the cell, or its row (表四 is
    one row), or it is an error about the whole table. A warning that some other row was not
    read does not flag this one."""
    if finding.table != table or finding.column not in (column, None):
        return False
    if finding.row is None:
        return table == "table4" or finding.severity == "error"
    return finding.row == row and (finding.severity != "info" or finding.rule == "PARSE-RECOVERED")


def score(variant: Variant, clean: Report, clean_findings: list) -> Score:
    from gipr_llm.domain.rules import fault_of

    result = Score(problems=[], not_right=[])
    try:
        report = read(variant.data, variant.name)
    except Exception as exc:  # a refusal scores every cell as wrong-unflagged: nothing was read
        result.problems.append(f"refused: {exc}")
        result.wrong_unflagged = sum(len(v) for v in variant.table3.values()) + 15
        result.identity_right = False
        return result
    findings = findings_of(report)
    got3 = report.table3.rows if report.table3 else {}
    got4 = report.table4.rows if report.table4 else {}
    cells = [
        ("table3", row, spec.T3_COLUMNS[i], value, (got3.get(row) or [None] * 7)[i])
        for row, values in variant.table3.items()
        for i, value in enumerate(values)
    ] + [
        ("table4", group, column, value, (got4.get(group) or {}).get(column))
        for group, cols in variant.table4.items()
        for column, value in cols.items()
    ]
    for table, row, column, want, got in cells:
        if got == want:
            result.right += 1
            continue
        result.not_right.append((table, row, column))
        if any(_names(f, table, row, column) for f in findings):
            result.flagged += 1
        else:
            result.wrong_unflagged += 1
            result.problems.append(f"{table}.{row}.{column}: {got!r} != {want!r}")
    clean_keys = {_key(f) for f in clean_findings if fault_of(f) == "report"}
    for f in findings:
        if (
            f.severity != "info"
            and fault_of(f) == "report"
            and _key(f) not in clean_keys
            and f.rule not in variant.earned
        ):
            result.false_report_faults += 1
            result.problems.append(f"report fault {f.rule} {f.table}.{f.row}.{f.column}: {f.message[:80]}")
    if (report.meta.agency, report.meta.year) != (clean.meta.agency, clean.meta.year):
        result.identity_right = False
        result.problems.append(f"identity {report.meta.agency!r} {report.meta.year!r}")
    return result


def table(rows: list[tuple[Variant, Score]]) -> str:
    """Kinds × (right / flagged / wrong-unflagged / false report faults / identity right)."""
    by_kind: dict[str, list[int]] = {}
    for variant, s in rows:
        acc = by_kind.setdefault(variant.kind, [0, 0, 0, 0, 0, 0])
        acc[0] += s.right
        acc[1] += s.flagged
        acc[2] += s.wrong_unflagged
        acc[3] += s.false_report_faults
        acc[4] += s.identity_right
        acc[5] += 1
    lines = [
        "| kind | right | flagged | wrong-unflagged | false report-faults | identity right |",
        "|---|---|---|---|---|---|",
    ]
    for kind, (r, fl, w, frf, ident, n) in by_kind.items():
        lines.append(f"| {kind} | {r} | {fl} | {w} | {frf} | {ident}/{n} |")
    return "\n".join(lines)


def main() -> None:
    import sys

    rows = []
    for seed in SEEDS:
        clean = read(seed_text(seed).encode("utf-8"), f"{seed}.txt")
        clean_findings = findings_of(clean)
        for kind in KINDS:
            variant = make(kind, seed, clean)
            s = score(variant, clean, clean_findings)
            rows.append((variant, s))
            if "-v" in sys.argv and s.problems:
                print(f"{variant.name}:")
                for p in s.problems[:12]:
                    print("   ", p)
    print(table(rows))


if __name__ == "__main__":
    main()
