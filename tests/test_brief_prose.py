"""A brief is read by a 处长: no rule ids, file paths, file names or English in its prose."""

from __future__ import annotations

import re

import pytest

from gipr_llm.pipeline.brief import make_briefs
from gipr_llm.render.brief.markdown import to_markdown

RULE_ID = re.compile(r"\b[A-Z][A-Z0-9]*-[A-Z0-9-]+\b|\b(?:UN)?LOCALISED\b")
PATH = re.compile(r"[\w.-]+\.(?:txt|html?|docx?|pdf|md|json)\b|/[\w.-]+/")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{3,}\b")


def prose(markdown: str) -> str:
    # The pipe tables hold figures and names; the prose is everything else.
    return "\n".join(line for line in markdown.splitlines() if not line.startswith("|"))


@pytest.fixture(scope="module")
def texts(seed_paths, tmp_path_factory) -> list[str]:
    missing = tmp_path_factory.mktemp("x") / "丢失的报告.txt"
    single = make_briefs([seed_paths["003"], seed_paths["004"]], batch=False, with_chart=False)
    batch = make_briefs([*seed_paths.values(), missing], batch=True, with_chart=False)
    return [to_markdown(b) for b in [*single.briefs, *batch.briefs]]


def test_no_rule_ids_paths_or_english_in_brief_prose(texts):
    for text in texts:
        body = prose(text)
        assert RULE_ID.findall(body) == []
        assert PATH.findall(body) == []
        assert ENGLISH_WORD.findall(body) == []


def test_the_scan_would_catch_them():
    planted = prose("以下文件未能读取：samples/003.txt（T3-ROW-SUM not an annual report）。")
    assert RULE_ID.findall(planted) and PATH.findall(planted) and ENGLISH_WORD.findall(planted)
