"""Shortcuts in the text load path give what the plain code would: Line construction, file names."""

from __future__ import annotations

import pytest

from gipr_llm.domain.models import Line, LoadError
from gipr_llm.load import load
from gipr_llm.load.decode import _C0_BYTES, has_c0
from gipr_llm.load.formats import _looks_like_html
from gipr_llm.load.text import load_text, split_cells

_TEXT = "一、总体情况\r\n\t\n行政处罚\t12\t3\n| 规章 | 7 |\n\n政府信息<br>公开\rtab\tand|pipe\n"


def test_fast_lines_equal_the_dataclass_constructor():
    doc = load_text(_TEXT, "utf-8", "p.txt", "0" * 64)
    expected_text = _TEXT.replace("<br>", " ")
    expected = [
        Line(tuple(split_cells(raw)), number, False, raw)
        for number, raw in enumerate(expected_text.splitlines(), start=1)
    ]
    assert doc.lines == expected
    assert [line.text for line in doc.lines] == expected_text.splitlines()
    assert doc.lines[2].cells == ("行政处罚", "12", "3")
    assert doc.lines[3].cells == ("", " 规章 ", " 7 ", "")
    assert doc.lines[6].cells == ("tab", "and|pipe")  # tabs win over pipes
    assert all(type(line.cells) is tuple and line.in_table is False for line in doc.lines)


def test_load_reads_the_name_as_path_would(tmp_path, monkeypatch):
    # load() skips building a Path for a plain name; the two names Path rewrites still
    # behave as before: "" is the current directory, a trailing slash is dropped.
    report = tmp_path / "r.txt"
    report.write_text("一、总体情况\n行政处罚\t12\n", encoding="utf-8")
    plain = load(str(report))
    assert load(report).lines == plain.lines
    assert load(str(report) + "/").lines == plain.lines
    assert load(f"{tmp_path}//./r.txt").lines == plain.lines
    assert plain.path == str(report)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LoadError, match="是目录"):
        load("")
    with pytest.raises(LoadError, match="文件不存在"):
        load(str(tmp_path / "missing.txt"))


def test_load_reads_a_file_larger_than_one_read(tmp_path):
    text = "一、总体情况\n" + "行政处罚\t12\t3\n" * 40000  # several hundred KB
    report = tmp_path / "big.txt"
    report.write_text(text, encoding="utf-8")
    doc = load(report)
    assert doc.text == text
    assert len(doc.lines) == 40001


def test_html_sniff_prefilter_keeps_every_html_text():
    # The "<" prefilter only skips texts neither pattern can match.
    assert _looks_like_html("<!DOCTYPE html><p>报告</p>")
    assert _looks_like_html("一、总体情况\n" * 500 + "<TABLE border=1><tr><td>1</td></tr></TABLE>")
    assert not _looks_like_html("一、总体情况\n行政处罚\t12\n| 规章 | 7 |\n")
    assert not _looks_like_html("a < b，c > d")


def test_c0_test_agrees_with_deleting_the_control_bytes():
    # has_c0 stands in for len(data.translate(None, _C0_BYTES)) != len(data).
    for byte in range(256):
        data = "报告".encode() + bytes([byte]) + b"12"
        assert has_c0(data) == (len(data.translate(None, _C0_BYTES)) != len(data)), byte
    assert not has_c0("一、总体情况\n\t行政处罚\r\n\f".encode())


def test_blank_text_test_agrees_with_strip():
    # load_bytes refuses text whose strip() is empty by `not text or text.isspace()`:
    # the same characters must count as whitespace to both, for every code point.
    for code in range(0x110000):
        text = chr(code) * 2
        assert (not text.strip()) == (not text or text.isspace()), hex(code)
    assert not "".strip() and not ""
