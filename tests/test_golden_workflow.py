"""The golden workflow around the check: add a case for review, update one mode, JUnit XML,
long Chinese strings diffed with the changed span marked."""

from __future__ import annotations

import json
import shutil
from xml.etree import ElementTree as ET

from typer.testing import CliRunner

from gipr_llm.cli import app
from gipr_llm.golden.diff import diff_documents

ROOT_GOLDEN = __import__("pathlib").Path(__file__).resolve().parents[1] / "golden"


def run(*args: str):
    return CliRunner().invoke(app, list(args), terminal_width=200)


def test_add_writes_a_case_for_review_not_an_accepted_one(tmp_path, seed_paths):
    root = tmp_path / "golden"
    result = run("golden", "add", str(seed_paths["004"]), "--name", "new-004", "--golden-dir", str(root))
    assert result.exit_code == 0, result.output
    case = root / "new-004"
    assert (case / "input.txt").read_bytes() == seed_paths["004"].read_bytes()
    assert not (case / "expected.json").exists()
    pending = json.loads((case / "expected.pending.json").read_text(encoding="utf-8"))
    assert pending["meta"]["year"] == 2019 and "rules" in pending and "replay" not in pending
    # Until a person accepts it, the check fails on it.
    check = run("golden", "check", "--mode", "rules", "--golden-dir", str(root))
    assert check.exit_code == 1 and "新用例" in check.output
    accepted = run("golden", "update", "--mode", "rules", "--yes", "--golden-dir", str(root))
    assert accepted.exit_code == 0, accepted.output
    assert (case / "expected.json").is_file() and not (case / "expected.pending.json").exists()
    assert run("golden", "check", "--mode", "rules", "--golden-dir", str(root)).exit_code == 0


def test_add_refuses_an_existing_case(tmp_path, seed_paths):
    root = tmp_path / "golden"
    run("golden", "add", str(seed_paths["001"]), "--name", "x", "--golden-dir", str(root))
    again = run("golden", "add", str(seed_paths["001"]), "--name", "x", "--golden-dir", str(root))
    assert again.exit_code == 2 and "已存在" in again.output


def test_update_rules_mode_keeps_the_replay_part(tmp_path):
    root = tmp_path / "golden"
    shutil.copytree(ROOT_GOLDEN / "003", root / "003")
    expected = json.loads((root / "003" / "expected.json").read_text(encoding="utf-8"))
    tampered = json.loads(json.dumps(expected))
    tampered["rules"]["extraction"]["attempts"] = 99
    (root / "003" / "expected.json").write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    result = run("golden", "update", "--mode", "rules", "--yes", "--golden-dir", str(root))
    assert result.exit_code == 0, result.output
    after = json.loads((root / "003" / "expected.json").read_text(encoding="utf-8"))
    assert after["rules"] == expected["rules"] and after["replay"] == expected["replay"]


def test_junit_xml_names_each_case(tmp_path):
    out = tmp_path / "golden.xml"
    result = run("golden", "check", "--mode", "rules", "--case", "003", "--case", "004", "--junit-xml", str(out))
    assert result.exit_code == 0, result.output
    suite = ET.parse(out).getroot()
    assert suite.get("tests") == "2" and suite.get("failures") == "0"
    assert [c.get("name") for c in suite.iter("testcase")] == ["003", "004"]


def test_a_long_chinese_string_change_marks_the_changed_span():
    before = "政府信息公开工作" * 10 + "本机关主动公开政府信息21条，" + "依申请公开工作平稳有序" * 5
    after = before.replace("21条", "12条")
    [difference] = diff_documents({"text": before}, {"text": after})
    line = difference.render("case")
    assert "【21】" in line and "【12】" in line
