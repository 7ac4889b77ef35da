"""Word (.docx) reports: body paragraphs and table rows, interleaved in document order.

python-docx opens the package (it finds the main document part through the package
relationships); the body is then read straight from its XML, because python-docx's
``row.cells`` repeats a merged cell at every grid position it covers (the template's
「三、本年度办理结果」 would appear on 22 rows). Reading ``w:tc`` elements instead gives:

- a horizontally merged cell (``gridSpan``) is one ``w:tc``, hence one cell: a value
  spanning three grid columns appears once (same rule as the HTML loader);
- a vertically merged continuation cell (``vMerge`` without ``restart``) becomes an empty
  cell, whatever text it holds, so a group label is not repeated on every row it spans;
- a cell's paragraphs are joined with no separator: labels wrap inside cells
  (「商业」/「企业」) and the parser normalises whitespace anyway.

A table that holds another table is a layout frame: its cells are read as body content,
and the innermost tables as grids (same rule as the HTML loader).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from lxml import etree

from gipr_llm.domain.limits import Limits, nesting_exceeds, refuse_depth
from gipr_llm.domain.models import Document, Line, LoadError
from gipr_llm.load.text import split_cells

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def qn(tag: str) -> str:
    """Clark name of a ``w:`` tag (python-docx's own helper costs a 0.1 s import)."""
    return _W + tag.removeprefix("w:")


_P, _TBL, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:tr"), qn("w:tc")
_R, _T, _TAB, _BR, _CR, _NB_HYPHEN = (
    qn("w:r"),
    qn("w:t"),
    qn("w:tab"),
    qn("w:br"),
    qn("w:cr"),
    qn("w:noBreakHyphen"),
)
_TCPR, _VMERGE, _HMERGE, _VAL = qn("w:tcPr"), qn("w:vMerge"), qn("w:hMerge"), qn("w:val")
_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")
# Elements that wrap runs (or cells, or blocks) without being content themselves.
_WRAPPERS = frozenset(
    {
        qn("w:hyperlink"),
        qn("w:ins"),
        qn("w:smartTag"),
        qn("w:fldSimple"),
        qn("w:customXml"),
        _SDT,
        _SDT_CONTENT,
    }
)

_MAX_UNPACKED = 256 * 1024 * 1024  # a zip bomb is refused before python-docx inflates it


def is_docx(data: bytes) -> bool:
    """A zip package with a Word main document part."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except Exception:  # zipfile raises BadZipFile, NotImplementedError, ValueError… on junk
        return False
    return "[Content_Types].xml" in names and any(n.startswith("word/") for n in names)


def load_docx(data: bytes, path: str, sha256: str) -> Document:
    import docx  # imported late: text and HTML input never pay for it

    limits = Limits.from_env()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > _MAX_UNPACKED:
            raise LoadError("Word 文档解压后过大，疑似压缩炸弹 (docx expands too large)")
        # The XML is what python-docx inflates into a tree (images are only copied): a
        # 600 KB file can hold 200 MB of it and take minutes and gigabytes to parse.
        xml = sum(info.file_size for info in infos if info.filename.endswith((".xml", ".rels")))
        if xml > limits.docx_xml_mb * 1024 * 1024:
            raise LoadError(
                f"Word 文档的 XML 解压后为 {xml / 1048576:.0f} MB，超出限制 "
                f"GIPR_MAX_DOCX_XML_MB={limits.docx_xml_mb:g} (decompressed size limit)"
            )
        body = docx.Document(io.BytesIO(data)).element.body
    except LoadError:
        raise
    except Exception as exc:  # python-docx/zipfile/lxml raise many types for one cause
        if "Excessive depth" in str(exc):  # libxml2's own nesting limit (256 without huge_tree)
            raise refuse_depth(min(limits.max_depth, 256)) from exc
        raise LoadError("Word 文档已损坏或不是 .docx 格式 (corrupt or unsupported .docx)") from exc
    if nesting_exceeds(body, limits.max_depth):
        raise refuse_depth(limits.max_depth)
    out: list[Line] = []
    _blocks(body, out)
    return Document(path=path, sha256=sha256, format="docx", encoding=None, lines=out)


def _blocks(container: etree._Element, out: list[Line]) -> None:
    """Paragraphs and tables of a body, cell or content control, in order."""
    for child in container:
        tag = child.tag
        if tag == _P:
            for text in _paragraph_text(child).split("\n"):
                if text.strip():
                    out.append(Line(split_cells(text), len(out) + 1))
        elif tag == _TBL:
            if child.find(".//" + _TBL) is not None:
                for row in child.iterchildren(_TR):
                    for cell in _cells(row):
                        _blocks(cell, out)
            else:
                for row in child.iterchildren(_TR):
                    cells = _row_cells(row)
                    if cells:
                        out.append(Line(cells, len(out) + 1, in_table=True))
        elif tag in _WRAPPERS:
            _blocks(child, out)


def _cells(row: etree._Element) -> Iterator[etree._Element]:
    for child in row:
        if child.tag == _TC:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _cells(child)


def _merges(tc: etree._Element) -> tuple[str | None, str | None]:
    """(vMerge, hMerge) marks of a cell: "restart", "continue" (a mark with no value), or None."""
    props = tc[0] if len(tc) else None  # w:tcPr, when present, is the first child
    if props is None or props.tag != _TCPR:
        return None, None
    vertical = horizontal = None
    for mark in props:
        if mark.tag == _VMERGE:
            vertical = mark.get(_VAL) or "continue"
        elif mark.tag == _HMERGE:
            horizontal = mark.get(_VAL) or "continue"
    return vertical, horizontal


def _row_cells(row: etree._Element) -> list[str]:
    cells: list[str] = []
    for tc in _cells(row):
        vertical, horizontal = _merges(tc)
        if horizontal == "continue":
            continue  # legacy (Word 97) horizontal merge: a cell per grid column, only the first counts
        if vertical == "continue":
            cells.append("")
            continue
        text = "".join(_paragraph_text(p) for p in tc.iter(_P))
        cells.append(" ".join(text.replace("\n", "").split("\t")).strip())
    return cells


def _paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []
    _run_texts(p, parts)
    return "".join(parts)


def _run_texts(container: etree._Element, parts: list[str]) -> None:
    # Only runs of the paragraph itself (and of wrappers such as hyperlinks and tracked
    # insertions): text boxes and deleted text are not body text.
    for child in container:
        tag = child.tag
        if tag == _R:
            for item in child:
                itag = item.tag
                if itag == _T:
                    parts.append(item.text or "")
                elif itag == _TAB:
                    parts.append("\t")
                elif itag in (_BR, _CR):
                    parts.append("\n")
                elif itag == _NB_HYPHEN:
                    parts.append("-")
        elif tag in _WRAPPERS:
            _run_texts(child, parts)
