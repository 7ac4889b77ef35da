"""Which body and which year a report is: read from every place they are printed.

Places, in the order they are believed (each reading keeps its source):

1. ``title`` — the report title in the text, with crawler and Markdown prefixes (``标题:``,
   ``#``, ``【】``), site breadcrumbs and page labels (「正文」) stripped;
2. what the loader found outside the text (``Document.title_candidates``): the HTML
   ``<title>`` and naming meta tags, the DOCX first heading and core properties, the PDF
   metadata title; a site's name after the title (「…报告_某某区人民政府网站」) is cut off;
3. ``text:来源`` — a crawler's 来源:/发布机构: line;
4. ``opening`` — 「现将…2021年政府信息公开工作年度报告公布如下」;
5. ``period`` — 「统计期限自2020年1月1日起至2020年12月31日止」 (year only);
6. ``filename`` — the file name, last.

The first reading wins; readings that name another body or year are a finding
(``META-AGENCY-CONFLICT`` / ``META-YEAR-CONFLICT``). An OCR look-alike (沐 for 沭) is taken
as the same body only when another field prints the other form, and then that field's
form is used. Nothing found: the field stays null with ``TITLE-AGENCY-MISSING`` /
``TITLE-YEAR-MISSING`` — never a placeholder. A ``--bodies`` directory then pins the key.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from gipr_llm.domain.bodies import BodyDirectory, BodyEntry, body_key, fold_lookalikes, is_region_prefix
from gipr_llm.domain.models import Document, Finding, Line, Meta
from gipr_llm.domain.textnorm import squash

# 「政府信息公开」 is one phrase: 「…人民政府信息公开工作年度报告」 is not a body 「…人民政府」.
_REPORT = r"(?:政府信息公开|政务公开|(?<!政府)(?<!政务)信息公开)(?:工作)?(?:年度)?(?:工作)?报告"
_TITLE = re.compile(r"^(?P<before>.*?)(?P<year>(?:19|20)\d{2})年(?:度)?(?:的)?(?P<after>.*?)" + _REPORT)
_TITLE_NO_YEAR = re.compile(r"^(?P<before>.+?)" + _REPORT)
# Web copies put the site's navigation above the title: 当前位置：首页 > 政务公开 > …
_BREADCRUMB = re.compile(r"当前位置|您的位置|首页[>＞»]|[>＞»›]")
# Field prefixes of crawlers, Markdown and OCR output, stripped from a title line.
_PREFIX = re.compile(r"^(?:#+|>+|(?:文章)?标题[:：]|题名[:：]|名称[:：]|正文[:：])+")
# Removed by a search (str.translate with a table looks up every character in a dict: ten
# times the cost on Chinese text).
_BRACKETS = re.compile(r"[【】\[\]「」『』《》]")
# Page labels and crawler fields that are never the title.
_LABEL = re.compile(
    r"^(?:正文|字号|字体|【?字体|打印|分享|发布时间|发布日期|成文日期|索引号|文号|浏览次数|点击|作者|"
    r"来源|信息来源|发布机构|发文机关|主题分类|公开方式|访问量|"
    # links to other pages, which name other reports and other years
    r"上一篇|下一篇|上一条|下一条|上一页|下一页|相关链接|相关阅读|相关文章|相关新闻|推荐阅读|延伸阅读)"
)
_SOURCE_LINE = re.compile(
    r"^(?:来源|信息来源|发布机构|发文机关)[:：](?P<name>[^:：]+?)(?:发布时间|发布日期|$)"
)
_SOURCE_LABELS_AT_START = ("来源", "信息来源", "发布机构", "发文机关")  # how a _SOURCE_LINE starts
_SENTENCE = re.compile(r"[。；;，,]")
_DATE_LINE = re.compile(r"^(?:19|20)\d{2}(?:年\d{1,2}月(?:\d{1,2}日)?|[-/.]\d{1,2}[-/.]\d{1,2}.*)$")
_YEAR_AFTER = re.compile(r"报告[(（](?P<year>(?:19|20)\d{2})年?度?[)）]")
_OPENING = re.compile(r"现将(?P<who>.{0,40}?)(?P<year>(?:19|20)\d{2})年(?:度)?(?:的)?" + _REPORT)
_PERIOD = re.compile(
    r"统计期限(?:为|是)?自?(?P<a>(?:19|20)\d{2})年1月1日(?:起)?(?:至|到|—|-)(?P<b>(?:19|20)\d{2})年12月31日"
)
# A site name or file suffix around a title: 「…报告_某区人民政府网站」, 「Microsoft Word - ….docx」.
_SITE_SEPARATOR = re.compile(r"[_|｜—–]+|-{1,2}")
_OFFICE_PREFIX = re.compile(r"^(?:MicrosoftWord|WPS文字)-", re.IGNORECASE)
_EXTENSION = re.compile(r"\.(?:docx?|pdf|wps|html?|txt|md)$", re.IGNORECASE)
# What a body's name ends with; anything else (「正文」, 「现将本机关」) is not a body.
_BODY_END = re.compile(
    r"(?:局|委|委员会|办|办公室|办公厅|厅|政府|院|会|中心|所|馆|站|队|处|部|署|校|社|镇|乡|街道|公司|集团|"
    r"区|县|市|旗|州|盟|省|银行|分局|支队|大队|总队|监狱|协会|联合会|关|台|场|组|团)$"
)
_NOT_A_BODY = re.compile(
    r"本机关|本单位|本部门|我局|我委|我办|本局|本委|本办|现将|根据|依据|关于|正文|标题|首页"
)
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff()（）·、]{3,60}$")
_OPENING_LINES = 40
_TITLE_LINES = 30
_REGION_LINE = re.compile(r"^[\u4e00-\u9fff]{1,12}(?:省|自治区|市|区|县|旗|州|盟)$")
_BODY_ONLY = frozenset({"html:meta:ContentSource"})  # the publishing body alone, never a title
_TEXT_SOURCES = frozenset({"title", "opening", "period", "text:来源"})
# Readings that give a body alone (often abbreviated or the site's name): a disagreement
# with them alone is told (info), not warned about.
_WEAK_SOURCES = frozenset({"html:meta:ContentSource", "text:来源", "filename"})


def looks_like_body(name: str | None) -> bool:
    return bool(name and _CJK_NAME.match(name) and _BODY_END.search(name) and not _NOT_A_BODY.search(name))


# A year in Chinese numerals (「二〇二四年」), read as its digits.
_CN_YEAR = re.compile(r"[一二三四五六七八九〇○零]{4}(?=年)")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")


def _clean(text: str) -> str:
    text = _BRACKETS.sub("", squash(text))
    if "年" in text:
        text = _CN_YEAR.sub(lambda m: m.group().translate(_CN_DIGITS), text)
    return _PREFIX.sub("", text)


def _agency_of(match: re.Match[str]) -> str | None:
    for group in ("before", "after"):
        name = _PREFIX.sub("", match.groupdict().get(group) or "").removesuffix("关于")
        if group == "before":
            # A site's name in front of the title on the same line: 「某区人民政府网站-某局…」.
            name = [part for part in _SITE_SEPARATOR.split(name) if part][-1:] or [""]
            name = name[0]
        if looks_like_body(name):
            return name
    return None


def title_in_text(lines: list[Line]) -> tuple[str | None, str | None, int | None]:
    """(title, agency, year) of the title printed above the first heading; it may be split
    over several lines, and a site's navigation may sit above it."""
    parts: list[str] = []
    for line in lines[:_TITLE_LINES]:
        norm = _clean(line.text)
        if not norm or _BREADCRUMB.search(norm) or _LABEL.match(norm) or _DATE_LINE.match(norm):
            continue
        if _SENTENCE.search(norm):
            break  # a sentence: the text has begun
        parts.append(norm)
        if "报告" in norm:
            break
    if not parts:
        return None, None, None
    # The fewest lines that name a body: menu lines above the title (首页, 机构概况 …) stay
    # out; a name broken after its region (北京市西城区 / 信访办公室) is joined again.
    for start in range(len(parts) - 1, -1, -1):
        agency, year = parse_title("".join(parts[start:]))
        if agency:
            if start > 0 and _REGION_LINE.match(parts[start - 1]):
                start -= 1
                agency, year = parse_title("".join(parts[start:]))
            return "".join(parts[start:]), agency, year
    # No body named: the last try read every part, so its year is the whole title's.
    return "".join(parts), agency, year


def parse_title(text: str) -> tuple[str | None, int | None]:
    """Body and year of a title-like text (already cleaned)."""
    if "报告" not in text:  # both patterns end with it; most file names lack it
        return None, None
    match = _TITLE.search(text)
    if match:
        return _agency_of(match), int(match.group("year"))
    match = _TITLE_NO_YEAR.search(text)
    if match:  # 「…工作年度报告（2021年度）」 puts the year after
        after = _YEAR_AFTER.search(text, match.end() - 2)
        return _agency_of(match), int(after.group("year")) if after else None
    return None, None


def named_text(text: str) -> tuple[str | None, int | None]:
    """Body and year of a page title, property or file name: the part that is the title."""
    text = _EXTENSION.sub("", _OFFICE_PREFIX.sub("", squash(text)))
    parts = [p for p in _SITE_SEPARATOR.split(text) if p]
    parts.sort(key=lambda p: "报告" not in p)  # the title part first
    for part in parts:
        agency, year = parse_title(_clean(part))
        if agency or year:
            return agency, year
    return None, None


@dataclass(slots=True)
class Reading:
    source: str
    agency: str | None = None
    year: int | None = None


@dataclass(slots=True)
class Identity:
    agency: str | None = None
    agency_source: str | None = None
    year: int | None = None
    year_source: str | None = None
    entry: BodyEntry | None = None
    findings: list[Finding] = field(default_factory=list)

    def apply(self, meta: Meta) -> None:
        meta.agency, meta.agency_source = self.agency, self.agency_source
        meta.year, meta.year_source = self.year, self.year_source
        if self.entry is not None:
            meta.body_key, meta.body_source = self.entry.body, "bodies-file"
            meta.region, meta.level, meta.parent_body = self.entry.region, self.entry.level, self.entry.parent
        elif self.agency is not None:
            meta.body_key, meta.body_source = body_key(self.agency), "name"


def readings(doc: Document, title: tuple[str | None, str | None, int | None]) -> list[Reading]:
    """Every reading of body and year, most trusted first."""
    out = [Reading("title", title[1], title[2])]
    for source, text in doc.title_candidates:
        agency, year = (None, None) if source in _BODY_ONLY else named_text(text)
        if agency is None and source in _BODY_ONLY | {"docx:heading"}:
            name = _clean(text)  # a heading may print the body alone, the year on the next line
            agency = name if looks_like_body(name) else None
        out.append(Reading(source, agency, year))
    # Line.text inlined (raw when the loader kept it): the last loop sees every line.
    head = [line.raw if line.raw is not None else line.text for line in doc.lines[:_OPENING_LINES]]
    # Only a line that can hold the words looked for is squashed (NFKC is the costly part,
    # and these lines are mostly narrative, new in every report). No character but 来, 信,
    # 发 and 现 themselves normalises to one of them, so a line whose squashed form starts
    # with a source label holds 来, 信 or 发 as read, and one that says 现将 holds 现.
    for raw in head:
        lead = raw[:1]
        # Most lines start with a CJK ideograph or an ASCII character, each its own squash:
        # told by its first character alone, not by three searches of the line.
        if "\u4e00" <= lead <= "\u9fff" or "!" <= lead <= "~":
            if lead not in "来信发":
                continue
        elif not ("来" in raw or "信" in raw or "发" in raw) or not _may_start_with_source_label(raw):
            continue
        text = squash(raw)
        match = _SOURCE_LINE.match(text) if text.startswith(_SOURCE_LABELS_AT_START) else None
        if match and looks_like_body(name := _clean(match.group("name"))):
            out.append(Reading("text:来源", name))
            break
    for raw in head:
        # 现将 squashed needs 现 and 将 as read, or U+2F873, the one other character whose
        # NFKC holds 将 (tests/test_identity.py checks every character)
        if "现" not in raw or not ("将" in raw or "\U0002f873" in raw):
            continue
        text = squash(raw)
        match = _OPENING.search(text) if "现将" in text else None  # the pattern's first words
        if match:
            who = _clean(match.group("who"))
            out.append(Reading("opening", who if looks_like_body(who) else None, int(match.group("year"))))
            break
    period_lines = doc.lines if doc.text is None or "统计期限" in doc.text else ()  # one scan, not one per line
    for line in period_lines:
        text = line.raw if line.raw is not None else line.text
        if "统计期限" in text and (match := _PERIOD.search(squash(text))) and match["a"] == match["b"]:
            out.append(Reading("period", None, int(match["a"])))
            break
    out.append(Reading("filename", *named_text(_file_name(doc.path))))
    return [r for r in out if r.agency or r.year]


def _may_start_with_source_label(raw: str) -> bool:
    """False when ``squash(raw)`` cannot start with 来, 信 or 发 (every source label does),
    told from the first character squash keeps, without normalising a whole narrative line.

    Squash drops whitespace and the two zero-width characters; NFKC never puts a character
    in front of what the first kept one normalises to, and 来, 信 and 发 are not composed
    from anything, so a squashed line starts with one of them only if that character's own
    squash does (or it squashes to nothing, and the next one decides: let it through)."""
    text = raw.lstrip()
    while text[:1] in ("\u200b", "\ufeff"):
        text = text[1:].lstrip()
    if not text:
        return False
    lead = squash(text[0])
    return not lead or lead[0] in "来信发"


def _file_name(path: str) -> str:
    """``Path(path).name`` without building a Path (microseconds, once per report) when the
    last part of the path is a plain name; "", ".", ".." and a trailing separator still go
    through Path, which reads them its own way."""
    name = os.path.basename(path)
    return name if name not in ("", ".", "..") else Path(path).name


_SOURCE_LABELS = {
    "title": "报告标题",
    "html:title": "网页标题",
    "docx:heading": "文档首个标题",
    "docx:core.title": "文档属性标题",
    "pdf:meta.title": "PDF文档属性标题",
    "text:来源": "来源栏",
    "opening": "开头语",
    "period": "统计期限",
    "filename": "文件名",
}


def source_label(source: str) -> str:
    if source.startswith("html:meta:"):
        return f"网页元数据{source.removeprefix('html:meta:')}"
    return _SOURCE_LABELS.get(source, source)


def _same_body(a: str, b: str) -> bool:
    """Same key, or the same name with a province/city prefix on one side."""
    ka, kb = body_key(a), body_key(b)
    if ka == kb:
        return True
    short, long = sorted((ka, kb), key=len)
    return long.endswith(short) and is_region_prefix(long[: -len(short)])


def _lookalike(a: str, b: str) -> bool:
    """Different keys that differ only in characters OCR confuses (沐/沭)."""
    ka, kb = body_key(a), body_key(b)
    return ka != kb and fold_lookalikes(ka) == fold_lookalikes(kb)


def _finding(rule: str, severity: str, message: str, fault: str | None) -> Finding:
    return Finding(rule=rule, severity=severity, stage="parse", message=message, fault=fault)  # type: ignore[arg-type]


def _choose_agency(named: list[Reading]) -> tuple[Reading, list[Finding]]:
    """The most trusted reading; a look-alike form is replaced by the form a field OCR never
    touches prints; other readings that name another body are a finding."""
    chosen, findings = named[0], []
    misread = None
    for other in named[1:]:
        if other.source not in _TEXT_SOURCES and _lookalike(other.agency, chosen.agency):  # type: ignore[arg-type]
            findings.append(
                _finding(
                    "META-AGENCY-CONFLICT",
                    "info",
                    f"{source_label(chosen.source)}作「{chosen.agency}」，{source_label(other.source)}作"
                    f"「{other.agency}」，仅有字形相近的字不同（疑为文字识别误差），按"
                    f"{source_label(other.source)}采用「{other.agency}」。",
                    "reading",
                )
            )
            misread, chosen = chosen, other
            break
    others = [
        r
        for r in named
        if not _same_body(r.agency, chosen.agency)  # type: ignore[arg-type]
        and not (misread is not None and _same_body(r.agency, misread.agency))  # type: ignore[arg-type]
    ]
    if others:
        listed = "，".join(f"{source_label(r.source)}作「{r.agency}」" for r in others)
        weak = all(r.source in _WEAK_SOURCES for r in others)
        findings.append(
            _finding(
                "META-AGENCY-CONFLICT",
                "info" if weak else "warning",
                f"报告各处所写机关不一致：{source_label(chosen.source)}作「{chosen.agency}」，{listed}；"
                f"采用{source_label(chosen.source)}所写，请核实。",
                "reading",
            )
        )
    return chosen, findings


def _choose_year(dated: list[Reading]) -> tuple[Reading, list[Finding]]:
    chosen = dated[0]
    others = [r for r in dated if r.year != chosen.year]
    if not others:
        return chosen, []
    # Title against 统计期限 in the text itself is the report's own slip; otherwise a page or
    # file name may simply be wrong.
    in_text = all(r.source in _TEXT_SOURCES for r in (chosen, *others))
    listed = "，".join(f"{source_label(r.source)}作{r.year}年" for r in others)
    message = (
        f"报告各处所写年度不一致：{source_label(chosen.source)}作{chosen.year}年，{listed}；"
        f"采用{chosen.year}年，请核实。"
    )
    return chosen, [_finding("META-YEAR-CONFLICT", "warning", message, "report" if in_text else "reading")]


_NOT_FOUND = "报告标题、网页标题及元数据、文档属性、开头语{period}和文件名"


def identify(
    doc: Document, title: tuple[str | None, str | None, int | None], bodies: BodyDirectory | None = None
) -> Identity:
    """Body and year of a loaded document (``title``: the title in the text, as sections read
    it), with their sources and findings; ``bodies`` pins the key."""
    found = readings(doc, title)
    ident = Identity()
    named = [r for r in found if r.agency]
    if named:
        chosen, findings = _choose_agency(named)
        ident.agency, ident.agency_source = chosen.agency, chosen.source
        ident.findings += findings
        if bodies is not None:
            ident.entry = _pin(bodies, chosen, named, ident)
    else:
        message = (
            f"未能在{_NOT_FOUND.format(period='')}中找到报告机关名称，机关字段留空，"
            "无法与同一机关其他年度的报告衔接核对。"
        )
        ident.findings.append(_finding("TITLE-AGENCY-MISSING", "warning", message, None))
    dated = [r for r in found if r.year is not None]
    if dated:
        chosen, findings = _choose_year(dated)
        ident.year, ident.year_source = chosen.year, chosen.source
        ident.findings += findings
    else:
        message = (
            f"未能在{_NOT_FOUND.format(period='、统计期限')}中找到报告年度，年度字段留空，"
            "无法核对模板版本和跨年度衔接。"
        )
        ident.findings.append(_finding("TITLE-YEAR-MISSING", "warning", message, None))
    return ident


def _pin(bodies: BodyDirectory, chosen: Reading, named: list[Reading], ident: Identity) -> BodyEntry | None:
    """The user's entry for this body: the chosen name first, then the other readings, then
    the chosen name up to OCR look-alikes (said in a finding)."""
    for reading in (chosen, *named):
        entry = bodies.match(reading.agency)  # type: ignore[arg-type]
        if entry is not None:
            return entry
    entry = bodies.match(chosen.agency, folded=True)  # type: ignore[arg-type]
    if entry is not None:
        ident.findings.append(
            _finding(
                "META-AGENCY-CONFLICT",
                "info",
                f"{source_label(chosen.source)}作「{chosen.agency}」，单位对照表中有「{entry.body}」，仅有字形相近的字"
                "不同（疑为文字识别误差），按单位对照表归入该单位。",
                "reading",
            )
        )
    return entry
