"""Damaged copies of real reports: every one is read or refused with a LoadError, never a crash.

A copy cut short is read (what it holds is kept, the cut is a PARSE-TRUNCATED error); only a
text with no report title, sections or tables is refused.

Seeded random edits (deleted, repeated and altered lines; cuts and spliced-out chunks of the
text and of HTML copies) stand in for what web scraping and OCR do to reports.
"""

from __future__ import annotations

import random

import pytest

from gipr_llm.checks import check_report
from gipr_llm.domain.models import LoadError
from gipr_llm.facts.rules import extract_facts_rules
from gipr_llm.load import load_bytes
from gipr_llm.pipeline import parse_document, read_report
from tests.conftest import SEEDS
from tests.fixture_docs import report_to_html

NOISE = ["\t", "|", " ", "0", "1", "—", "/", "七", "\u3000", ""]


def read_or_refuse(data: str) -> str:
    try:
        report = parse_document(load_bytes(data.encode("utf-8"), "damaged.txt"))
    except LoadError:
        return "refused"
    report.facts = extract_facts_rules(report.narrative)
    check_report(report)
    return "read"


def damaged_lines(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    op = rng.random()
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(lines))
        if op < 0.4:
            del lines[i]
        elif op < 0.7:
            lines.insert(i, rng.choice(lines))
        elif lines[i]:
            j = rng.randrange(len(lines[i]))
            lines[i] = lines[i][:j] + rng.choice(NOISE) + lines[i][j + 1 :]
    return "\n".join(lines)


def damaged_bytes(rng: random.Random, text: str) -> str:
    if rng.random() < 0.5:
        return text[: rng.randrange(1, len(text))]
    start = rng.randrange(len(text))
    return text[:start] + text[start + rng.randrange(1, 400) :]


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_damaged_copies_are_read_or_refused(seed):
    rng = random.Random(seed)
    text = SEEDS[seed].read_text(encoding="utf-8")
    html = report_to_html(read_report(SEEDS[seed]))
    outcomes = [read_or_refuse(damaged_lines(rng, text)) for _ in range(60)]
    outcomes += [read_or_refuse(damaged_bytes(rng, rng.choice([text, html]))) for _ in range(60)]
    # Reaching here means nothing raised but LoadError. A partial copy is read (its cut is a
    # finding); only what holds no report at all is refused: the first few characters.
    assert "read" in outcomes and set(outcomes) <= {"read", "refused"}
    assert read_or_refuse(text[:6]) == "refused"
