"""Dev set for body and year: real-looking copies of the seed reports, made the way web
sites, crawlers, Word and OCR print a report's identity.

Every case is built from the seeds in ``samples/`` with real libraries (lxml-parsed HTML,
python-docx, reportlab), never from outside reports. Each case says which body and year a
reader must find, and where the body is printed:

- HTML pages whose text lacks the body (or shows 「正文」 where the title was) while the
  page ``<title>`` and meta tags name it;
- DOCX with the title as a Heading 1 and the core properties' title;
- crawler text with ``标题:`` / ``来源:`` lines under a site breadcrumb;
- Markdown with ``#`` headings, one with the OCR look-alike 沐 for 沭 (corrected only when
  another field, the file name, prints 沭);
- copies whose only identity is the file name, the opening sentence or the 统计期限
  sentence, and one with no body anywhere (must stay null, never a placeholder).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from gipr_llm.domain.models import Report
from gipr_llm.pipeline import read_report
from tests.conftest import SEEDS, seed_text
from tests.fixture_docs import report_to_docx, report_to_html, report_to_pdf


@dataclass(frozen=True)
class Case:
    name: str  # file name written
    agency: str | None  # the printed body a reader must find (None: printed nowhere)
    year: int | None
    build: Callable[[Path], None]  # writes the file at the given path
    agency_source: str | None = None  # where the body must be read from, when the case is about that
    body_key: str | None = None  # the canonical key, when the case is about it


# Title lines of each seed, as printed (removed to make copies that print the body elsewhere).
_TITLE_LINES = {"000": 3, "001": 2, "002": 3, "003": 3, "004": 5}


def _body_text(seed: str) -> str:
    """A seed's text without its title lines."""
    lines = seed_text(seed).splitlines()
    return "\n".join(lines[_TITLE_LINES[seed] :]) + "\n"


def _seed_report(seed: str) -> Report:
    return read_report(SEEDS[seed])


def _without_title(report: Report) -> Report:
    copy = report.model_copy(deep=True)
    copy.meta.agency = None
    copy.meta.year = None
    return copy


def _write(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_text(text, encoding="utf-8")


def _html(seed: str, *, title: str, metas: dict[str, str], heading: str | None) -> Callable[[Path], None]:
    """A page whose article prints ``heading`` (or nothing) where the title was, with the
    page ``<title>`` and meta tags a CMS writes."""

    def build(path: Path) -> None:
        report = _seed_report(seed)
        page = report_to_html(_without_title(report))
        head = f"<title>{html.escape(title)}</title>\n" + "".join(
            f'<meta name="{k}" content="{html.escape(v)}">\n' for k, v in metas.items()
        )
        page = re.sub(r"<title>.*?</title>\n", lambda _: head, page, count=1)
        year_only = "政府信息公开工作年度报告"  # _without_title leaves no year in the heading
        replacement = f"<h2>{html.escape(heading)}</h2>" if heading else ""
        page = page.replace(f"<h2>{year_only}</h2>", replacement)
        path.write_text(page, encoding="utf-8")

    return build


def _docx(
    seed: str, *, paragraph_title: bool, core_title: str, heading_style: bool, keep_body: bool = False
) -> Callable[[Path], None]:
    """A filled template; without ``paragraph_title`` the title paragraphs are gone (all of
    them, or, with ``keep_body``, all but the body's name)."""

    def build(path: Path) -> None:
        import docx

        report = _seed_report(seed)
        shown = report
        if not paragraph_title:
            shown = _without_title(report)
            shown.meta.agency = report.meta.agency if keep_body else None
        report_to_docx(shown, path)
        document = docx.Document(str(path))
        document.core_properties.title = core_title
        document.core_properties.author = "Administrator"
        if heading_style:
            first = next(p for p in document.paragraphs if p.text.strip())
            from docx.enum.style import WD_STYLE_TYPE

            names = {style.name for style in document.styles}
            if "Heading 1" not in names:  # the blank template has none; Word adds it on first use
                document.styles.add_style("Heading 1", WD_STYLE_TYPE.PARAGRAPH)
            first.style = document.styles["Heading 1"]
        if not paragraph_title:
            for p in document.paragraphs[:3]:
                if p.text.strip() == "政府信息公开工作年度报告":
                    p._element.getparent().remove(p._element)
        document.save(str(path))

    return build


def _pdf(seed: str, *, doc_title: str) -> Callable[[Path], None]:
    """A PDF of the report's text without its tables (a page or two: reading PDF tables is
    slow, and identity does not depend on them)."""

    def build(path: Path) -> None:
        report = _without_title(_seed_report(seed))
        report.table2 = report.table3 = report.table4 = None
        report_to_pdf(report, path, doc_title=doc_title)

    return build


def _retitled(seed: str, old: str, new: str) -> str:
    """A seed's text with its body renamed everywhere (a copy of another body's report)."""
    return seed_text(seed).replace(old, new)


_BREADCRUMB = "当前位置：首页 > 政务公开 > 政府信息公开年度报告\n"


def cases() -> list[Case]:
    out = [
        # The seeds themselves.
        Case("000.txt", "西城区政府办公室", 2021, _write(seed_text("000")), "title", "西城区人民政府办公室"),
        Case("001.txt", "北京市西城区信访办公室", 2024, _write(seed_text("001")), "title"),
        Case("002.txt", "北京市东城区政务服务管理局", 2021, _write(seed_text("002")), "title"),
        Case("003.txt", "北京市朝阳区政务服务管理局", 2020, _write(seed_text("003")), "title"),
        Case("004.txt", "北京市西城区人民政府外事办公室", 2019, _write(seed_text("004")), "title"),
        # HTML: the article has no title; <title> carries the body, with the site's name after it.
        Case(
            "107.html",
            "北京市东城区政务服务管理局",
            2021,
            _html(
                "002",
                title="北京市东城区政务服务管理局2021年政府信息公开工作年度报告_北京市东城区人民政府网站",
                metas={"SiteName": "北京市东城区人民政府网站", "ColumnName": "年度报告"},
                heading=None,
            ),
            "html:title",
        ),
        # HTML: 「正文」 where the title was; the body is in the ArticleTitle meta tag.
        Case(
            "content_2025.html",
            "北京市西城区信访办公室",
            2024,
            _html(
                "001",
                title="政府信息公开年度报告 - 北京市西城区人民政府",
                metas={
                    "ArticleTitle": "北京市西城区信访办公室2024年政府信息公开工作年度报告",
                    "PubDate": "2025-01-20 09:00",
                    "ContentSource": "北京市西城区信访办公室",
                },
                heading="正文",
            ),
            "html:meta:ArticleTitle",
        ),
        # HTML: only the publishing body in ContentSource; the year from the page title.
        Case(
            "t20220115_2571.html",
            "北京市东城区政务服务管理局",
            2021,
            _html(
                "002",
                title="2021年政府信息公开工作年度报告",
                metas={"ContentSource": "北京市东城区政务服务管理局"},
                heading="正文",
            ),
            "html:meta:ContentSource",
        ),
        # DOCX: the title as Heading 1 and in the core properties.
        Case(
            "report.docx",
            "北京市东城区政务服务管理局",
            2021,
            _docx(
                "002",
                paragraph_title=True,
                core_title="北京市东城区政务服务管理局2021年政府信息公开工作年度报告",
                heading_style=True,
            ),
            "title",
        ),
        # DOCX: no title paragraph at all; the core properties hold it.
        Case(
            "附件1.docx",
            "北京市西城区信访办公室",
            2024,
            _docx(
                "001",
                paragraph_title=False,
                core_title="北京市西城区信访办公室2024年政府信息公开工作年度报告",
                heading_style=False,
            ),
            "docx:core.title",
        ),
        # DOCX: the body alone as Heading 1, the year only in the properties' title.
        Case(
            "附件2.docx",
            "北京市东城区政务服务管理局",
            2021,
            _docx(
                "002",
                paragraph_title=False,
                keep_body=True,
                core_title="2021年政府信息公开工作年度报告",
                heading_style=True,
            ),
            "docx:heading",
        ),
        # PDF: the first page lacks the title; the document properties hold it.
        Case(
            "P020250130.pdf",
            "北京市西城区信访办公室",
            2024,
            _pdf("001", doc_title="北京市西城区信访办公室2024年政府信息公开工作年度报告"),
            "pdf:meta.title",
        ),
        # Crawler text: field prefixes and the site's breadcrumb above the title.
        Case(
            "crawl_0001.txt",
            "北京市朝阳区政务服务管理局",
            2020,
            _write(
                _BREADCRUMB
                + "标题:北京市朝阳区政务服务管理局2020年政府信息公开工作年度报告\n"
                + "发布时间:2021-01-28\n来源:北京市朝阳区政务服务管理局\n"
                + _body_text("003")
            ),
            "title",
        ),
        Case(
            "crawl_0002.txt",
            "沭阳县发展和改革局",
            2021,
            _write(
                "首页 > 信息公开 > 年度报告\n"
                + "标题：沭阳县发展和改革局2021年政府信息公开工作年度报告\n"
                + "来源：沭阳县发展和改革局\n"
                + _retitled("002", "北京市东城区政务服务管理局", "沭阳县发展和改革局").split("\n", 3)[3]
            ),
            "title",
        ),
        # Markdown headings, as OCR tools write them.
        Case(
            "ocr_004.md",
            "北京市西城区人民政府外事办公室",
            2019,
            _write(
                "# 北京市西城区人民政府外事办公室\n\n## 2019年政府信息公开工作年度报告\n\n"
                + _body_text("004")
            ),
            "title",
        ),
        # OCR look-alike 沐 for 沭 in the heading; the file name prints 沭: corrected, with evidence.
        Case(
            "沭阳县发展和改革局2021年政府信息公开工作年度报告.md",
            "沭阳县发展和改革局",
            2021,
            _write("# 沐阳县发展和改革局2021年政府信息公开工作年度报告\n\n" + _body_text("002")),
            "filename",
        ),
        # The same look-alike with nothing else to go by: kept as printed, never guessed.
        Case(
            "ocr_page1.md",
            "沐阳县发展和改革局",
            2021,
            _write("【沐阳县发展和改革局2021年政府信息公开工作年度报告】\n\n" + _body_text("002")),
            "title",
        ),
        # Only the file name names the body.
        Case(
            "北京市西城区信访办公室2024年政府信息公开工作年度报告.txt",
            "北京市西城区信访办公室",
            2024,
            _write(_body_text("001")),
            "filename",
        ),
        # No body anywhere; the year from the opening sentence.
        Case(
            "107.txt",
            None,
            2021,
            _write("现将本机关2021年政府信息公开工作年度报告公布如下。\n" + _body_text("002")),
        ),
        # No body, no title: the year from the 统计期限 sentence.
        Case(
            "108.txt",
            None,
            2020,
            _write("本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。\n" + _body_text("003")),
        ),
    ]
    return out


def build(directory: Path) -> list[tuple[Case, Path]]:
    directory.mkdir(parents=True, exist_ok=True)
    built = []
    for case in cases():
        path = directory / case.name
        case.build(path)
        built.append((case, path))
    return built
