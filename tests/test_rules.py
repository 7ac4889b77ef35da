"""The rule registry is the one list of rule ids: everything the code emits is in it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import gipr_llm
from gipr_llm.checks.batch import CheckedReport, CheckRun
from gipr_llm.domain.models import Finding
from gipr_llm.domain.rules import RULES, rule
from gipr_llm.render.brief.findings_text import rule_name
from gipr_llm.render.check_report import render_text

RULE_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$|^(UN)?LOCALISED$")
NOT_RULES = {"UTF-8", "UTF-16", "UTF-16-LE", "UTF-16-BE", "UTF-8-SIG"}


def emitted_ids(package: Path) -> set[str]:
    """Every string constant in the package shaped like a rule id."""
    found = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and RULE_ID.match(node.value):
                found.add(node.value)
    return found - NOT_RULES


def test_every_rule_the_code_emits_is_registered():
    missing = sorted(emitted_ids(Path(gipr_llm.__file__).parent) - RULES.keys())
    assert missing == []


def test_the_scan_finds_an_unregistered_rule(tmp_path):
    (tmp_path / "new.py").write_text('Finding(rule="T5-NEW", severity="error")\n', encoding="utf-8")
    assert emitted_ids(tmp_path) - RULES.keys() == {"T5-NEW"}


def test_registry_rows_are_consistent():
    for rule_id, row in RULES.items():
        assert row.id == rule_id
        assert (row.reason is not None) == (row.group == "arithmetic"), rule_id


def test_an_unregistered_rule_is_rendered_not_a_crash(seed_paths):
    from gipr_llm.pipeline import extract

    report = extract(seed_paths["000"])
    odd = Finding(rule="T9-UNKNOWN", severity="error", stage="check", message="新规则")
    text = render_text(CheckRun(reports=[CheckedReport("x.txt", report, [odd])]))
    assert "新规则" in text and "T9-UNKNOWN" in text
    assert rule("T9-UNKNOWN").name == "T9-UNKNOWN"
    assert rule_name("PARSE-SOMETHING-NEW") == "统计表部分内容无法读取"
    assert rule_name("T3-ROW-SUM") == "表三行合计不符"
