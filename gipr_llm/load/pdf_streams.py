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
    """(page number, decoded content size) for each page: exact (capped just above
    ``limit``) when decoding was needed, else an upper bound that is within the limit."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    document = PDFDocument(PDFParser(io.BytesIO(data)))
    for number, page in enumerate(PDFPage.create_pages(document), start=1):
        streams = [s for s in map(resolve1, page.contents or ()) if hasattr(s, "get_filters")]
        bound = sum(_upper_bound(s) for s in streams)
        if bound <= limit:  # cannot exceed the limit whatever the streams hold: no decoding
            yield number, int(bound)
            continue
        total = 0
        for stream in streams:
            total += _decoded_size(stream, limit - total + 1)
            if total > limit:
                break
        yield number, total


# Most a filter can multiply a stream's size by: deflate's limit is 1032:1; the ASCII
# encodings shrink when decoded. Other filters (LZW, run-length …) get no bound: decoded.
_GROWTH = {"FlateDecode": 1032, "Fl": 1032, "ASCII85Decode": 0.8, "A85": 0.8, "ASCIIHexDecode": 0.5, "AHx": 0.5}


def _upper_bound(stream) -> float:
    raw = stream.rawdata if stream.rawdata is not None else stream.data
    bound = float(len(raw or b""))
    for name, _ in stream.get_filters():
        growth = _GROWTH.get(getattr(name, "name", name))
        if growth is None:
            return float("inf")
        bound *= growth
    return bound


def _decoded_size(stream, budget: int) -> int:
    """Decoded size, inflating at most ``budget`` bytes: ASCII encodings (which shrink) are
    undone first, then one deflate is inflated incrementally; any other chain is decoded
    whole by pdfminer (not seen on content streams)."""
    from pdfminer.ascii85 import ascii85decode, asciihexdecode

    names = [getattr(name, "name", name) for name, _ in stream.get_filters()]
    ascii_names = {"ASCII85Decode": ascii85decode, "A85": ascii85decode}
    ascii_names.update({"ASCIIHexDecode": asciihexdecode, "AHx": asciihexdecode})
    head = [n for n in names if n in ascii_names]
    tail = names[len(head) :]
    if names[: len(head)] != head or len(tail) > 1 or (tail and tail[0] not in _FLATE):
        return len(stream.get_data())
    data = stream.rawdata if stream.rawdata is not None else stream.data
    if stream.decipher is not None and stream.rawdata is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for name in head:
        data = ascii_names[name](data)
    if not tail:
        return len(data)
    inflater = zlib.decompressobj()
    size = 0
    chunk = data
    while chunk and size < budget:
        out = inflater.decompress(chunk, min(budget - size, 1 << 20))
        size += len(out)
        chunk = inflater.unconsumed_tail
    return size
