"""The input-format registry: the one place that lists the formats ``load`` reads.

A binary format is recognised from the file's bytes (``sniff``), never from its name; a
text format from the decoded text (``sniff_text``), the last row being the fallback. The
loader is an import string, so a format's library is imported only when a file of that
format is read. A new input format (OFD, XLSX …) is one loader module and one row here;
its ``suffixes`` are what a directory scan picks up.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

from gipr_llm.domain.models import Document

_HTML_HEAD = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|table)[\s>/]", re.IGNORECASE)
_HTML_TABLE = re.compile(r"<table[\s>]", re.IGNORECASE)
_SNIFF_CHARS = 4096


@dataclass(frozen=True, slots=True)
class InputFormat:
    name: str  # also Source.format in the output
    suffixes: tuple[str, ...]
    loader: str  # "module:function"; binary: (data, path, sha256), text: (text, encoding, path, sha256)
    sniff: Callable[[bytes], bool] | None = None  # a binary format
    sniff_text: Callable[[str], bool] | None = None  # a text format

    def load(self, *args: Any) -> Document:
        return _function(self.loader)(*args)


@cache  # import_module runs Python-level import machinery on every call, even for a loaded module
def _function(loader: str) -> Callable[..., Document]:
    module, _, name = loader.partition(":")
    return getattr(import_module(module), name)


def _is_pdf(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"%PDF-")


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False  # before the import: a text report never loads the DOCX stack (lxml)
    from gipr_llm.load.docx_loader import is_docx

    return is_docx(data)


def _is_image(data: bytes) -> bool:
    from gipr_llm.load.ocr import is_image  # stdlib only at import: the OCR engine loads later

    return is_image(data)


def _looks_like_html(text: str) -> bool:
    # Page tags near the start; or an HTML table anywhere (Markdown from OCR embeds them).
    # Both patterns start with "<": a plain text report without one (most) is decided by
    # a single character scan, a tenth of what the case-insensitive searches cost.
    if "<" not in text:
        return False
    return _HTML_HEAD.search(text, 0, _SNIFF_CHARS) is not None or _HTML_TABLE.search(text) is not None


FORMATS: tuple[InputFormat, ...] = (
    InputFormat("pdf", (".pdf",), "gipr_llm.load.pdf_loader:load_pdf", sniff=_is_pdf),
    InputFormat("docx", (".docx",), "gipr_llm.load.docx_loader:load_docx", sniff=_is_docx),
    InputFormat(
        "image", (".png", ".jpg", ".jpeg", ".tif", ".tiff"), "gipr_llm.load.ocr:load_image", sniff=_is_image
    ),
    InputFormat(
        "html",
        (".html", ".htm", ".shtml"),
        "gipr_llm.load.html_loader:load_html",
        sniff_text=_looks_like_html,
    ),
    InputFormat(
        "text", (".txt", ".text", ".md"), "gipr_llm.load.text:load_text", sniff_text=lambda _text: True
    ),
)
BINARY_FORMATS = tuple(f for f in FORMATS if f.sniff is not None)
TEXT_FORMATS = tuple(f for f in FORMATS if f.sniff_text is not None)

# Suffixes read only so that the refusal can say which conversion to make.
REFUSED_SUFFIXES = (".doc",)
SUPPORTED_SUFFIXES = tuple(s for f in FORMATS for s in f.suffixes) + REFUSED_SUFFIXES
