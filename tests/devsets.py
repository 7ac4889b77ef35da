"""Messy copies of the seeds, made deterministically, for the recovery dev set (issue 11).

Three kinds of copy users actually have, each made from a seed in ``samples/``:

- ``flattened``: a web page's innerText or a crawler's dump — every separator and line
  break removed, header words and cells glued (``…数量640020470二、上年结转…``).
- ``ocr_markdown``: a PDF → Markdown OCR copy of 表三/表四, as pipe rows, with the damage OCR
  does: two rows' cells on one line and the next row empty, a row's cells wrapped over
  two lines, labels with a dropped or swapped character.
- ``page_break``: a PDF text copy whose rows are split by a page break: a footer
  (``— 5 —``) or a bare page-number line between a row's label and its cells.

The OCR and page-break copies rewrite only 表三 and 表四 (from the clean copy's cells, so
the expected cells are the clean copy's); the rest of the report is the seed's own text.
"""

from __future__ import annotations

import re

from gipr_llm.domain import spec
from gipr_llm.domain.models import Document
from gipr_llm.load import load_bytes
from gipr_llm.parse.document import parse
from gipr_llm.parse.sections import split_sections
from tests.conftest import seed_text

_SEPARATORS = re.compile(r"[\s|｜]+")  # whitespace and the pipes of a delimited text copy


def flattened(text: str) -> str:
    """innerText of the whole report with every separator and line break gone."""
    return _SEPARATORS.sub("", text)


def _doc(text: str) -> Document:
    return load_bytes(text.encode("utf-8"), "seed.txt")


def _clean_tables(text: str):
    report, _ = parse(_doc(text))
    return report


def _cells(values: list[int | None]) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def _t3_label(key: str) -> str:
    return spec.T3_ROW_LABELS[key].replace(" ", "")


def _md(label: str, cells: list[str]) -> str:
    return "| " + " | ".join([label, *cells]) + " |"


def _replace_tables(text: str, table3_lines: list[str], table4_lines: list[str]) -> str:
    """The seed with its 表三 and 表四 regions replaced by the given lines."""
    doc = _doc(text)
    sections = split_sections(doc)
    lines = text.split("\n")
    # Text loader lines are 1-based source lines; regions index doc.lines.
    out = list(lines)
    for name, new in sorted(
        (("table3", table3_lines), ("table4", table4_lines)),
        key=lambda item: -sections.table_regions[item[0]][0],
    ):
        start, end = sections.table_regions[name]
        first = doc.lines[start].number - 1
        last = doc.lines[end - 1].number if end <= len(doc.lines) else len(lines)
        out[first:last] = [*new, ""]
    return "\n".join(out)


_T3_HEADER = [
    _md("", ["申请人情况", "", "", "", "", "", ""]),
    _md("", ["自然人", "法人或其他组织", "", "", "", "", "总计"]),
    "|---|---|---|---|---|---|---|---|",
    _md("", ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]),
]
_T4_HEADER = [
    _md("行政复议", ["", "", "", "", "行政诉讼"]),
    _md("结果维持", ["结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]),
]


def _t4_cells(report) -> list[str]:
    return [
        "" if (v := report.table4.rows[g][c]) is None else str(v)
        for g in spec.T4_GROUPS
        for c in spec.T4_COLUMNS
    ]


def _t3_lines(report) -> list[tuple[str, list[str]]]:
    return [(_t3_label(key), _cells(values)) for key, values in report.table3.rows.items()]


# Damaged labels as OCR leaves them: a dropped or a wrong character (never the words the
# parser's label patterns need for another row).
DAMAGED_LABELS = {
    "denied_prohibited_by_law": "2.其他法律行政止公开",  # 法规禁 dropped
    "unavailable_needs_creation": "2.没有现成信总需要另行制做",  # 息→总, 作→做
    "unprocessed_excessive": "4.无正当理由大量反夏申请",  # 复→夏
}


def ocr_markdown(seed: str, damage: frozenset[str] = frozenset({"merge", "wrap", "labels"})) -> str:
    """A Markdown OCR copy of the seed's 表三 and 表四 with the chosen kinds of damage."""
    text = seed_text(seed)
    report = _clean_tables(text)
    rows = _t3_lines(report)
    keys = list(report.table3.rows)
    out = list(_T3_HEADER)
    index = 0
    while index < len(rows):
        label, cells = rows[index]
        key = keys[index]
        if "labels" in damage and key in DAMAGED_LABELS:
            label = DAMAGED_LABELS[key]
        if "merge" in damage and key == "denied_state_secret" and index + 1 < len(rows):
            # Two rows' cells on the first row's line; the next row's line has none.
            next_label, next_cells = rows[index + 1]
            if "labels" in damage and keys[index + 1] in DAMAGED_LABELS:
                next_label = DAMAGED_LABELS[keys[index + 1]]
            out.append(_md(label, cells + next_cells))
            out.append(_md(next_label, [""] * 7))
            index += 2
            continue
        if "wrap" in damage and key == "unavailable_not_held":
            out.append(_md(label, cells[:4]))  # the row's cells wrap onto the next line
            out.append(_md("", cells[4:]))
            index += 1
            continue
        out.append(_md(label, cells))
        index += 1
    t4 = [*_T4_HEADER, _md(_t4_cells(report)[0], _t4_cells(report)[1:])]
    return _replace_tables(text, out, t4)


def page_break(seed: str, footer: str = "— 5 —") -> str:
    """A PDF text copy whose 表三 rows are cut by a page break after a label.

    Two rows are cut: the first by ``footer`` (a 「— 5 —」 style footer), the second by a
    bare page-number line ``6``, which reads like a number.
    """
    text = seed_text(seed)
    report = _clean_tables(text)
    out = [
        "申请人情况",
        "自然人\t法人或其他组织\t总计",
        "商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他",
    ]
    for key, values in report.table3.rows.items():
        label = _t3_label(key)
        cells = "\t".join(_cells(values))
        if key == "granted":
            out += [label, footer, "", "2021年政府信息公开工作年度报告", cells]
        elif key == "unavailable_not_held":
            out += [label, "6", cells]
        else:
            out.append(f"{label}\t{cells}")
    t4 = ["行政复议\t行政诉讼", "\t".join(_t4_cells(report))]
    return _replace_tables(text, out, t4)


FLAT_SEEDS = ("000", "001", "002", "003", "004")
