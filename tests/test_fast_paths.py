"""Fast paths that stand in for a pattern must give the pattern's answers (issue 18: the
same output, faster). Each is checked on random strings built from the pattern's own pieces.

The rules narrative skips sentences and clauses without a cue (facts/rules.py
``_CLAUSE_CUE``); that is only safe if every clause a count or negation pattern finds
something in holds a cue."""

from __future__ import annotations

import random

from gipr_llm.facts.numbers import COUNT_NUMERALS, COUNT_UNITS
from gipr_llm.facts.rules import _COUNT, _NEGATION, _cue_positions


def test_every_count_or_negation_has_a_cue() -> None:
    from bisect import bisect_left

    from gipr_llm.facts.rules import _CLAUSE, _spans

    rng = random.Random(11)
    words = ["没有", "不曾", "未", "无", "不", "没", "有", "曾", "左右", "申请", "公开", "政府"]
    pool = [*COUNT_NUMERALS, *COUNT_UNITS, *"0123456789０１２,，.;。万千余多约近第几数若 \u3000\t\n", *words]
    found = 0
    for _ in range(50_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 30)))
        cues = _cue_positions(text[::-1])
        assert cues == sorted(cues)
        for clause in _spans(_CLAUSE, text):
            part = text[clause.start : clause.end]
            if _COUNT.search(part) or _NEGATION.search(part):
                found += 1
                at = bisect_left(cues, clause.start)
                assert at < len(cues) and cues[at] < clause.end, (text, part)
    assert found > 10_000  # the random clauses do exercise the patterns


def test_instruction_prefilter_misses_no_instruction() -> None:
    """grounding.only_inside_instructions searches a sentence for model-addressed text only
    when it holds a letter, and finds the sentence start with rfind."""
    from gipr_llm.facts.grounding import _ADDRESSED_TO_MODEL, _LETTER, _SENTENCE_END, _SENTENCE_ENDS

    rng = random.Random(5)
    pool = [*"。！？!?；;abcSYSTEM:：_=中文", "\u0131", "\u0130", "\u017f", "\u212a", "user", "system", "a_b="]
    matched = 0
    for _ in range(50_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 16)))
        start = rng.randint(0, len(text))
        slow = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
        assert max(text.rfind(mark, 0, start) for mark in _SENTENCE_ENDS) + 1 == slow
        if _ADDRESSED_TO_MODEL.search(text):
            matched += 1
            assert _LETTER.search(text), repr(text)
    assert matched > 1_000


def test_instruction_start_misses_no_instruction() -> None:
    from gipr_llm.facts.grounding import _INSTRUCTION, _INSTRUCTION_START, _LETTER

    rng = random.Random(6)
    words = ["忽略以上", "忽略", "填写", "填入", "改为", "写成", "输出", "为", "9", "提示词", "系统提示", "中文"]
    words += ["ignore", "IGNORE", "all", "previous", "above", "prior", "system", "prompt", "\u0131", "\u017f"]
    matched = 0
    for _ in range(50_000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
        if _INSTRUCTION.search(text):
            matched += 1
            assert _LETTER.search(text) or _INSTRUCTION_START.search(text), repr(text)
    assert matched > 10_000


def test_footer_test_equals_the_pattern() -> None:
    from gipr_llm.parse.sections import _FOOTER, _is_footer

    rng = random.Random(4)
    pieces = ["主办", "承办", ":", "：", "ICP备", "公网安备", "网站标识码", "版权所有", ".doc", ".docx", "x"]
    pieces += [".pdf", "打印本页", "关闭窗口", "中", " ", "\n", "ICP", "备"]
    hits = 0
    for _ in range(50_000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))).strip()
        hits += bool(_FOOTER.search(line))
        assert bool(_FOOTER.search(line)) == _is_footer(line), repr(line)
    assert hits > 5_000


def test_proactive_test_equals_the_pattern() -> None:
    from gipr_llm.facts.rules import _PROACTIVE, _is_proactive

    rng = random.Random(9)
    words = ["主动公开", "公开", "发布", "更新", "刊发", "刊登", "编发", "推送", "信息", "文件", "稿件", "政府", "主动"]
    pool = [*"0123456789 \t，。；,;中", *words]
    hits = 0
    for _ in range(50_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        hits += bool(_PROACTIVE.search(text))
        assert bool(_PROACTIVE.search(text)) == _is_proactive(text), repr(text)
    assert hits > 10_000


def _random_cells(rng: random.Random, k: int) -> list[str]:
    """A row of k-ish cells: small and large counts (padded or not), 18-digit runs, decimals,
    blanks, marks and trailing empties, so the plain-row fast paths meet what they refuse."""
    pool = ["0", "3", " 7 ", "12\u00a0", "\u00a0999", "1000", "1,234", "2.5", "", " ", "-", "/", "x", "０", "5件"]
    run = "".join(rng.choice("0123456789") for _ in range(18))
    cells = [rng.choice(pool) if rng.random() < 0.3 else str(rng.randint(0, 999)) for _ in range(k)]
    if rng.random() < 0.1:
        cells[0] = run
    if rng.random() < 0.1:
        cells = cells[: rng.randint(1, k)]
    return cells + [rng.choice(["", " ", "", "1"]) for _ in range(rng.choice([0, 0, 1, 3]))]


def test_table4_plain_fast_path_equals_general_path(monkeypatch) -> None:
    """parse_table4 reads fifteen whole numbers without align or _count: same table, same
    findings as the general path on rows it takes and rows it refuses."""
    from gipr_llm.parse import tables
    from gipr_llm.parse.rows import RawRow

    rng = random.Random(24)
    rows = [[RawRow(label="", cells=_random_cells(rng, 15), line=3)] for _ in range(3000)]
    fast = [tables.parse_table4(r) for r in rows]
    assert sum(tables._plain_counts(r[0].cells, 15) is not None for r in rows) > 300
    monkeypatch.setattr(tables, "_plain_counts", lambda cells, k: None)
    assert [tables.parse_table4(r) for r in rows] == fast


def test_table3_row_fast_path_equals_general_order(monkeypatch) -> None:
    """_read_t3_row reads a row of small counts before the glued test: the same rows found,
    set aside and reported as testing glued first."""
    from gipr_llm.domain import spec
    from gipr_llm.parse import tables
    from gipr_llm.parse.flat import chunks
    from gipr_llm.parse.rows import RawRow

    def read_all(rows: list[RawRow]) -> list[object]:
        out = []
        for row in rows:
            col = tables._Collector("table3")
            found: dict = {}
            glued: dict = {}
            surplus: dict = {}
            tables._read_t3_row(col, "granted", row, found, glued, surplus)
            out.append((found, glued, surplus, col.findings))
        return out

    rng = random.Random(25)
    rows = [RawRow(label="", cells=_random_cells(rng, len(spec.T3_COLUMNS)), line=5) for _ in range(3000)]
    rows += [RawRow(label="", cells=chunks("1" * n), line=5) for n in range(1, 140, 7)]
    fast = read_all(rows)
    monkeypatch.setattr(tables, "_SMALL_COUNTS", {})  # no row is a row of small counts
    assert read_all(rows) == fast
