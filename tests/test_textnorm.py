"""nfkc's fast path for long text (compatibility blocks mapped, then checked) must equal
unicodedata's NFKC on every input, including the cases it hands back to normalize()."""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from gipr_llm.domain.textnorm import _COMPAT_BLOCKS, _WHITESPACE, nfkc, squash

ROOT = Path(__file__).resolve().parent.parent


def test_nfkc_equals_unicodedata_on_random_text() -> None:
    rng = random.Random(7)
    pool = [chr(c) for start, end in _COMPAT_BLOCKS for c in range(start, end + 1)]
    pool += [chr(c) for c in range(0x300, 0x370)] * 3  # combining marks compose across a mapped form
    pool += [chr(c) for c in range(0x1100, 0x1200)] + [chr(c) for c in range(0xAC00, 0xAC40)]  # jamo
    pool += [chr(c) for c in range(0x2F00, 0x2FE0)] + [
        chr(0x2F800 + i) for i in range(50)
    ]  # outside the blocks
    pool += list("中文报告结转公开abcAEIOUe0123456789 ，。、\u3000\t\n") * 20
    for _ in range(50_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_nfkc_equals_unicodedata_on_reports() -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("golden/*/input.txt"))]
    assert texts
    for text in texts:
        for piece in [text, *text.splitlines()]:
            assert nfkc(piece) == unicodedata.normalize("NFKC", piece)
    assert squash("（一）　予以公开：１２３…") == "(一)予以公开:123..."


def test_squash_removes_what_the_whitespace_pattern_removes() -> None:
    rng = random.Random(3)
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()] + ["\u200b", "\ufeff"]
    pool = spaces * 3 + list("中文ab１２（）") + ["\u200c", "\u2060"]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 20)))
        assert squash.__wrapped__(text) == _WHITESPACE.sub("", nfkc(text)), repr(text)
