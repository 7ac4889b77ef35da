"""The rules narrative skips sentences and clauses without a cue (facts/rules.py
``_CLAUSE_CUE``); that is only safe if every clause a count or negation pattern finds
something in holds a cue. Checked on random clauses built from the patterns' own pieces."""

from __future__ import annotations

import random

from gipr_llm.facts.numbers import COUNT_NUMERALS, COUNT_UNITS
from gipr_llm.facts.rules import _CLAUSE_CUE, _COUNT, _NEGATION


def test_every_count_or_negation_has_a_cue() -> None:
    rng = random.Random(11)
    words = ["没有", "不曾", "未", "无", "不", "没", "左右", "申请", "公开", "政府"]
    pool = [*COUNT_NUMERALS, *COUNT_UNITS, *"0123456789０１２,，.万千余多约近第几数若 \u3000\t", *words]
    found = 0
    for _ in range(100_000):
        clause = "".join(rng.choice(pool) for _ in range(rng.randint(1, 12)))
        if _COUNT.search(clause) or _NEGATION.search(clause):
            found += 1
            assert _CLAUSE_CUE.search(clause), repr(clause)
    assert found > 10_000  # the random clauses do exercise the patterns
