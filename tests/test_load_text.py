"""The text loader's fast Line construction builds exactly what the plain constructor would."""

from __future__ import annotations

from gipr_llm.domain.models import Line
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
