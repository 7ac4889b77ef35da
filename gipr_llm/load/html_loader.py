"""HTML reports (web pages): paragraphs as lines, data tables as rows of cells, in page order.

Text outside tables becomes one Line per block element or ``<br>``, with whitespace
collapsed inside the block. Tables are expanded into their row/column grid so that every
cell knows its position; each grid row is then emitted with its *origin* cells only:

- a horizontal span copy (the grid positions a ``colspan`` covers to the right of the
  cell) is dropped, so a value with ``colspan=3`` appears once, as in the DOCX loader,
  where one ``w:tc`` with ``gridSpan=3`` is one cell;
- a vertical span copy (a row a ``rowspan`` reaches below its origin row) becomes one
  empty cell, like a Word ``vMerge`` continuation cell: the group label
  「三、本年度办理结果」 is read once, on its first row, and is never repeated as text.

A table that holds another table is page layout (old government sites frame the whole
article in one), not data: its cells are read as ordinary blocks, and the innermost
tables are read as grids. Single-column tables are layout frames as well.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from gipr_llm.domain.limits import Limits, nesting_exceeds, refuse_depth
from gipr_llm.domain.models import Document, Line, LoadError

_BLOCK = frozenset(
    (
        *("address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog"),
        *("div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3"),
        *("h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li", "main", "nav", "ol", "p", "pre"),
        *("section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    )
)
# Never report text: page head, code, embedded objects and form controls.
_SKIP = frozenset(
    (
        *("head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math"),
        *("select", "button", "textarea"),
    )
)
# Content a browser does not show is not report content: a hidden clean 表三 before the
# visible one, or a hidden sentence, must not be read as the report.
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.IGNORECASE)
_HIDDEN = etree.XPath(
    "//*[@hidden or translate(@aria-hidden, 'TRUE', 'true') = 'true'"
    " or contains(translate(@style, 'DISPLAYNOEVSBIT', 'displaynoevsbit'), 'display')"
    " or contains(translate(@style, 'DISPLAYNOEVSBIT', 'displaynoevsbit'), 'visibility')]"
)
_PARSER = lxml.html.HTMLParser(huge_tree=True)
_MAX_COLSPAN = 1000  # the HTML limit
_MAX_GRID_CELLS = 1_000_000  # a report table has a few hundred; spans cannot blow memory up

_BREAK = "\x00"  # stands for <br> inside a block's buffered text (NUL never survives decoding)
_CJK = r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f]"
# A source line break between two CJK characters is no space (CSS segment-break rule):
# 「主动公开\n政府信息」 is one word that an editor wrapped.
_CJK_BREAK = re.compile(rf"(?<={_CJK})[ \t\r\f]*\n\s*(?={_CJK})")
_SPACES = re.compile(r"\s+")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")
# Control characters have no meaning in HTML and lxml refuses them in text nodes.
_NOT_XML_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_PAGE_TAGS = re.compile(r"<(?:html|body)[\s>]", re.IGNORECASE)


def load_html(text: str, encoding: str, path: str, sha256: str) -> Document:
    # lxml refuses str input that carries an XML encoding declaration (XHTML pages).
    text = _XML_DECLARATION.sub("", text, count=1)
    text = _NOT_XML_TEXT.sub("", text)
    hidden = 0
    try:
        # huge_tree: without it libxml2 silently drops everything nested past 255 levels.
        root = lxml.html.document_fromstring(text, parser=_PARSER)
        named = head_candidates(root)  # read before the page head is dropped
        # Dropped up front so that neither the walk nor a cell's text_content() sees them.
        for node in [*root.xpath("//comment() | //processing-instruction()"), *root.iter(*_SKIP)]:
            if node.getparent() is not None:  # a comment before <html> has no parent to leave
                if node.tag in ("template", "noscript") and node.text_content().strip():
                    hidden += 1
                node.drop_tree()
        dropped: set[etree._Element] = set()
        for node in _HIDDEN(root):  # document order: an outer hidden element comes first
            if node.getparent() is None or not _is_hidden(node):
                continue
            if any(a in dropped for a in node.iterancestors()):
                continue  # inside an element already dropped
            hidden += bool(node.text_content().strip())
            dropped.add(node)
            node.drop_tree()
    except (etree.LxmlError, ValueError) as exc:
        raise LoadError("HTML 文件无法解析 (unparseable HTML)") from exc
    limit = Limits.from_env().max_depth
    if nesting_exceeds(root, limit):
        raise refuse_depth(limit)
    # A full page follows browser rules (source newlines are spaces); a fragment such as
    # Markdown with embedded HTML tables keeps its text lines.
    lines = _Lines(loose_breaks=_PAGE_TAGS.search(text, 0, 65536) is None)
    lines.walk(root)
    lines.flush()
    out, reading = lines.out, None
    if lines.images:
        from gipr_llm.load.html_images import ocr_local_images

        out, reading = ocr_local_images(lines.out, lines.images, path, has_grid=lines.grids > 0)
    return Document(
        path=path,
        sha256=sha256,
        format="html",
        encoding=encoding,
        lines=out,
        hidden_skipped=hidden,
        title_candidates=named,
        ocr=reading,
    )


# Meta tags in which CMSs print the article's title or its publishing body.
_NAMING_METAS = frozenset({"articletitle", "contentsource", "og:title", "title", "dc.title"})


def head_candidates(root: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """The page ``<title>`` and naming meta tags, as (source, text), for parse.identity."""
    out: list[tuple[str, str]] = []
    title = next(root.iter("title"), None)
    if title is not None and (text := collapse(title.text_content())):
        out.append(("html:title", text))
    for meta in root.iter("meta"):
        name = meta.get("name") or meta.get("property") or ""
        if name.lower() in _NAMING_METAS and (content := collapse(meta.get("content") or "")):
            out.append((f"html:meta:{name}", content))
    return out


def _is_hidden(node: etree._Element) -> bool:
    if node.get("hidden") is not None or (node.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(node.get("style") or ""))


def collapse(text: str) -> str:
    """Whitespace of one block or cell: CJK line wraps removed, other runs made one space."""
    if "\n" in text:
        text = _CJK_BREAK.sub("", text)
    return _SPACES.sub(" ", text).strip()


class _Lines:
    def __init__(self, loose_breaks: bool) -> None:
        self.out: list[Line] = []
        self.images: list[tuple[int, str]] = []  # (lines before it, src) of each <img>
        self.grids = 0  # <table> grids read
        self._buffer: list[str] = []
        self._loose_breaks = loose_breaks

    def flush(self) -> None:
        if not self._buffer:
            return
        joined = "".join(self._buffer)
        self._buffer.clear()
        for part in joined.split(_BREAK):
            part = collapse(part)
            if part:
                self.out.append(Line([part], len(self.out) + 1))

    def _text(self, text: str | None, loose: bool) -> None:
        if text:
            self._buffer.append(text.replace("\n", _BREAK) if loose else text)

    def walk(self, root: lxml.html.HtmlElement) -> None:
        # Iterative: a page nested thousands of levels deep must not hit the recursion limit.
        # Stack items: (element, entering, loose) where ``loose`` says the element sits in no
        # block but <body>, so that its text's newlines count as line breaks in a fragment.
        stack: list[tuple[etree._Element, bool, bool]] = [(root, True, self._loose_breaks)]
        while stack:
            el, entering, loose = stack.pop()
            tag = el.tag if isinstance(el.tag, str) else ""
            if not entering:
                if tag in _BLOCK:
                    self.flush()
                self._text(el.tail, loose)
                continue
            if tag == "br":
                self._buffer.append(_BREAK)
                self._text(el.tail, loose)
                continue
            if tag == "img" and (src := (el.get("src") or "").strip()):
                self.flush()  # the picture's lines go between the text before and after it
                self.images.append((len(self.out), src))
                self._text(el.tail, loose)
                continue
            if tag == "table" and _is_grid(el):
                self.flush()
                self.grids += 1
                self._table(el)
                self._text(el.tail, loose)
                continue
            if tag == "pre":
                self.flush()
                self._buffer.append(el.text_content().replace("\n", _BREAK))
                self.flush()
                self._text(el.tail, loose)
                continue
            if tag in _BLOCK:
                self.flush()
            inner_loose = loose and tag not in _BLOCK
            self._text(el.text, inner_loose)
            stack.append((el, False, loose))
            stack.extend((child, True, inner_loose) for child in reversed(el))

    def _table(self, table: lxml.html.HtmlElement) -> None:
        for caption in table.xpath("./caption"):
            text = collapse(caption.text_content())
            if text:
                self.out.append(Line([text], len(self.out) + 1))
        for cells in grid_rows(_ROWS(table)):
            if cells:
                self.out.append(Line(cells, len(self.out) + 1, in_table=True))


_ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")  # compiled once


def _is_grid(table: lxml.html.HtmlElement) -> bool:
    if table.find(".//table") is not None:
        return False
    return any(sum(1 for _ in tr.iterchildren("td", "th")) > 1 for tr in _ROWS(table))


def _span(value: str | None, limit: int) -> int:
    if value is None:  # the common case; int(None) would raise
        return 1
    try:
        n = int(str(value).strip())
    except ValueError:
        return 1
    if n == 0:  # rowspan="0": to the end of the table
        return limit
    return max(1, min(n, limit))


def grid_rows(rows: list[lxml.html.HtmlElement]) -> list[list[str]]:
    """Origin cells of each grid row (see the module docstring for span copies).

    Walks the grid row by row, keeping only the rowspans still open from rows above
    (start column -> rows left, width) instead of materialising every grid position.
    """
    n = len(rows)
    open_spans: dict[int, tuple[int, int]] = {}
    positions = 0
    out: list[list[str]] = []

    def covered(column: int, cells: list[str]) -> int:
        """Emit the empty copy of a rowspan from above at ``column``; its width."""
        left, width = open_spans[column]
        cells.append("")
        if left == 1:
            del open_spans[column]
        else:
            open_spans[column] = (left - 1, width)
        return width

    for r, tr in enumerate(rows):
        cells: list[str] = []
        c = 0
        carried = set(open_spans)  # only spans opened by earlier rows apply to this one
        for td in tr.iterchildren("td", "th"):
            while c in carried:
                carried.discard(c)
                c += covered(c, cells)
            rowspan = _span(td.get("rowspan"), n - r)
            colspan = _span(td.get("colspan"), _MAX_COLSPAN)
            positions += rowspan * colspan
            if positions > _MAX_GRID_CELLS:
                raise LoadError("HTML 表格的合并单元格范围过大，无法展开 (HTML table spans too large)")
            cells.append(collapse(td.text_content()))
            if rowspan > 1:
                open_spans[c] = (rowspan - 1, colspan)
            c += colspan
        for column in sorted(k for k in carried if k >= c):
            covered(column, cells)
        out.append(cells)
    return out
