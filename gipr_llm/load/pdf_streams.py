"""Decoded size of each page's content streams, decoding no more than a limit.

pdfium parses a page's whole content stream before anything can be asked of it, so a
small file whose stream inflates to hundreds of MB would cost seconds and gigabytes. Here
pdfminer walks the page tree (no content parsing) and each stream is inflated
incrementally up to the limit, so the check itself stays cheap and bounded.
"""

from __future__ import annotations

import io
import logging
import zlib
from collections.abc import Iterator

_FLATE = {"FlateDecode", "Fl"}


def page_content_sizes(data: bytes, limit: int) -> Iterator[tuple[int, int]]:
    """(page number, decoded content size, capped just above ``limit``) for each page."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        total = 0
        for stream in page.contents or ():
            stream = resolve1(stream)
            if not hasattr(stream, "get_filters"):
                continue
            total += _decoded_size(stream, limit - total + 1)
            if total > limit:
                break
        yield number, total


def _decoded_size(stream, budget: int) -> int:
    filters = [name for name, _ in stream.get_filters()]
    names = [getattr(f, "name", f) for f in filters]
    if any(n not in _FLATE for n in names) or len(names) > 1:
        return len(stream.get_data())  # rare on content streams; pdfminer decodes it whole
    data = stream.rawdata if stream.rawdata is not None else stream.data
    if stream.decipher is not None and stream.rawdata is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    if not names:
        return len(data)
    inflater = zlib.decompressobj()
    size = 0
    chunk = data
    while chunk and size < budget:
        out = inflater.decompress(chunk, min(budget - size, 1 << 20))
        size += len(out)
        chunk = inflater.unconsumed_tail
    return size
