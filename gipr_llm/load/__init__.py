"""Load stage: file bytes -> Document (lines of cells), whatever the file format.

``load(path)`` detects the format from the bytes (never from the file name) and hands
back a ``Document``; anything that is not a readable report raises ``LoadError`` with a
one-line reason (Chinese, then short English) that says what to do. No library exception
escapes for a bad file.

The formats read are listed in ``formats.py`` (the registry): DOCX (zip with a ``word/``
part), PDF (``%PDF-``; one without a usable text layer is OCR'd), PNG/JPEG/TIFF pictures
(OCR; both need the ``ocr`` extra, else the refusal names it), HTML (page tags after decoding), otherwise text. Old binary Word
(.doc, OLE2), Word 2003 XML, RTF, MHT web archives and other zip packages are refused here
with the conversion to make.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from pathlib import Path

from gipr_llm.domain.models import Document, LoadError
from gipr_llm.load.decode import decode_text
from gipr_llm.load.formats import BINARY_FORMATS, TEXT_FORMATS
from gipr_llm.load.script import simplified_cells, to_simplified

MAX_BYTES = 20 * 1024 * 1024  # a real report is well under 1 MB; refuse before reading more

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_SNIFF_CHARS = 4096
_MHT = re.compile(r"(?is)^\s*(?:from:[^\n]*\n)?(?:[\w-]+:[^\n]*\n)*?mime-version:.*?multipart/related")


STDIN = "-"  # the path that means standard input
_NOT_FOUND = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
_NOT_FOUND_WINDOWS = (21, 123, 1921)  # not ready, invalid name, cannot resolve


def load(path: str | Path) -> Document:
    name = str(path)
    if name == STDIN:
        return _load_stdin()
    # The name as given, not a Path: building a Path costs more than the stat and the read
    # together. Path(name) only rewrites what the system resolves the same way (a//b,
    # a/./b, ./a) except an empty name (Path: ".") and a trailing separator (Path drops
    # it), so only those still go through Path (tests/test_load_text.py).
    p: str | Path = name if name and not name.endswith(("/", "\\")) else Path(name)
    try:
        # One stat for the four questions (Path.exists/is_dir/is_file/stat would make four).
        try:
            st = os.stat(p)
        except ValueError:  # e.g. a NUL in the name: Path.exists() says "no such file"
            raise LoadError("文件不存在 (file not found)") from None
        except OSError as exc:
            # what Path.exists() treats as "does not exist"
            if exc.errno in _NOT_FOUND or getattr(exc, "winerror", None) in _NOT_FOUND_WINDOWS:
                raise LoadError("文件不存在 (file not found)") from None
            raise
        if stat.S_ISDIR(st.st_mode):
            # Only an unlistable directory reaches here (expand_paths lists readable ones).
            os.listdir(p)  # raises the reason (permission, name too long)
            raise LoadError("是目录而不是文件 (a directory, not a file)")
        if not stat.S_ISREG(st.st_mode):
            raise LoadError("不是文件 (not a regular file)")
        size = st.st_size
        if size == 0:
            raise LoadError("文件为空 (empty file)")
        if size > MAX_BYTES:
            raise LoadError(
                f"文件过大：{size // (1024 * 1024)} MB，超过 {MAX_BYTES // (1024 * 1024)} MB 上限 (file too large)"
            )
        with open(p, "rb", buffering=0) as f:
            # Ask for the size stat() gave plus one byte (read(MAX_BYTES + 1) allocates a
            # 20 MB buffer per file). Unbuffered: one read call, no buffer object. Only a
            # file that grew or shrank since stat() (or a short read) reads on to the end.
            data = f.read(size + 1)
            if len(data) != size:
                while len(data) <= MAX_BYTES and (more := f.read(MAX_BYTES + 1 - len(data))):
                    data += more
    except OSError as exc:
        raise LoadError(f"无法读取：{exc.strerror or exc} (cannot read)") from exc
    if len(data) > MAX_BYTES:
        raise LoadError(f"文件过大，超过 {MAX_BYTES // (1024 * 1024)} MB 上限 (file too large)")
    if not data:
        raise LoadError("文件为空 (empty file)")
    return load_bytes(data, name)


def _load_stdin() -> Document:
    import sys

    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise LoadError(f"标准输入超过 {MAX_BYTES // (1024 * 1024)} MB 上限 (input too large)")
    if not data:
        raise LoadError("标准输入为空 (empty input)")
    return load_bytes(data, STDIN)


def load_bytes(data: bytes, path: str) -> Document:
    sha256 = hashlib.sha256(data).hexdigest()
    if data.startswith(_OLE2):
        raise LoadError(
            "旧版 Word 二进制格式（.doc）不受支持，请先转换为 .docx，例如 "
            "soffice --headless --convert-to docx 文件名.doc (legacy .doc: convert to .docx first)"
        )
    for fmt in BINARY_FORMATS:
        if fmt.sniff(data):
            return simplified_cells(fmt.load(data, path, sha256))
    if data.startswith(_ZIP):
        raise LoadError("压缩包不是 Word 文档（.docx），不受支持 (zip archive that is not a .docx)")
    if data.startswith(b"{\\rtf"):
        raise LoadError(
            "RTF 格式不受支持，请先转换为 .docx，例如 soffice --headless --convert-to docx (RTF: convert to .docx first)"
        )
    text, encoding = decode_text(data)
    # isspace() is strip()'s whitespace and stops at the first other character (no copy).
    if not text or text.isspace():
        raise LoadError("文件没有文字内容 (no text content)")
    # The start is searched in place (find and match with an end), not copied out.
    if (
        text.find("w:wordDocument", 0, _SNIFF_CHARS) >= 0
        or text.find('progid="Word.Document"', 0, _SNIFF_CHARS) >= 0
    ):
        raise LoadError(
            "Word 2003 XML 格式不受支持，请先转换为 .docx，例如 soffice --headless --convert-to docx "
            "(Word 2003 XML: convert to .docx first)"
        )
    if _MHT.match(text, 0, _SNIFF_CHARS):
        raise LoadError(
            "MHT 单个网页文件不受支持，请另存为 .html 或 .docx (MHT web archive: save as .html or .docx)"
        )
    text, converted = to_simplified(text)
    fmt = next(f for f in TEXT_FORMATS if f.sniff_text(text))
    doc = fmt.load(text, encoding, path, sha256)
    doc.converted = converted
    return doc
