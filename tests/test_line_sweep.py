"""Every single-line deletion or duplication of every seed and golden input, read against
the clean copy with the fuzz suite's invariant (issue 14).

The property suite samples mutations; this sweep is exhaustive for the two line edits a
copy-paste most often makes, so a silent wrong number there cannot hide behind sampling.
The first class it found: deleting the sub-row label 「行政检查」 under
「其他对外管理服务事项」 in seed 003 read 行政检查's numbers as the whole row's, with no finding.
"""

from __future__ import annotations

import hashlib

import pytest

from gipr_llm.domain.models import LoadError
from tests.test_fuzz import SOURCES, clean, read, silent_changes


def _distinct_text_sources() -> list[str]:
    # Several golden inputs are byte copies of a seed: sweep each text once.
    seen: set[str] = set()
    out = []
    for name, path in sorted(SOURCES.items()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append(name)
    return out


def _edits(lines: list[str], edit: str):
    for at in range(len(lines)):
        if edit == "delete":
            yield at, lines[:at] + lines[at + 1 :]
        else:
            yield at, lines[: at + 1] + lines[at:]


@pytest.mark.parametrize("edit", ["delete", "duplicate"])
@pytest.mark.parametrize("source", _distinct_text_sources())
def test_no_single_line_edit_gives_a_silent_wrong_number(source, edit):
    text, before = clean(source)
    lines = text.split("\n")
    name = SOURCES[source].name
    failures = []
    for at, edited in _edits(lines, edit):
        try:
            report, findings = read("\n".join(edited).encode("utf-8"), name)
        except LoadError:
            continue  # a refusal names its reason (the property suite checks its form)
        problems = silent_changes(before, report, findings, frozenset())
        if problems:
            failures.append(f"line {at + 1} {lines[at][:30]!r}: {problems}")
    assert not failures, "\n".join(failures)


def _seed_003_without(line_text: str) -> str:
    text, _ = clean("seed-003")
    lines = text.split("\n")
    at = lines.index(line_text)
    return "\n".join(lines[:at] + lines[at + 1 :])


def test_a_lost_sub_row_label_does_not_make_its_numbers_the_whole_rows():
    # Seed 003 splits 其他对外管理服务事项 into 行政检查 and 行政确认. With the 行政检查 line
    # gone, its numbers follow the group label directly; they used to be read as the
    # whole row's values (other_services = 0, 0, 0) without a word.
    text = _seed_003_without("\t行政检查")
    report, findings = read(text.encode("utf-8"), "r.txt")
    assert "other_services" not in report.table2.rows
    assert report.table2.sub_rows["other_services"] == {
        "行政确认": {"previous": 0, "change": 0, "decisions": 0}
    }
    [ambiguous] = [f for f in findings if f.rule == "PARSE-ROW-AMBIGUOUS"]
    assert (ambiguous.table, ambiguous.row, ambiguous.severity) == ("table2", "other_services", "warning")
    assert "行政确认" in ambiguous.message and ambiguous.raw == "0 | 0 | 0"

    # The clean copy keeps both sub-rows and says nothing of the kind.
    clean_report, clean_findings = read(clean("seed-003")[0].encode("utf-8"), "r.txt")
    assert set(clean_report.table2.sub_rows["other_services"]) == {"行政检查", "行政确认"}
    assert not [f for f in clean_findings if f.rule == "PARSE-ROW-AMBIGUOUS"]


def test_a_whole_row_after_its_sub_rows_is_not_read_either():
    # The other order (tab-separated, as seed 004 writes the split row): sub-rows first,
    # then numbers under the group label alone.
    text, _ = clean("seed-004")
    split = "其他对外管理服务事项\t行政检查\t0\t0"
    assert split in text
    text = text.replace(split, split + "\n其他对外管理服务事项\t7\t8\t9", 1)
    report, findings = read(text.encode("utf-8"), "r.txt")
    assert "other_services" not in report.table2.rows
    assert set(report.table2.sub_rows["other_services"]) == {"行政检查", "行政确认"}
    [ambiguous] = [f for f in findings if f.rule == "PARSE-ROW-AMBIGUOUS"]
    assert ambiguous.raw == "7 | 8 | 9" and ambiguous.row == "other_services"
