"""Which files a batch reads: directories, globs, plain files, and names that only look like
reports. ``expand_paths`` runs over every input of a batch, so it stats each path once and
tests suffixes without a Path per name; these tests hold it to what pathlib says."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from gipr_llm.load.formats import SUPPORTED_SUFFIXES
from gipr_llm.pipeline.batch import expand_paths, is_report_name, output_among_inputs

TRICKY = [
    ".txt",
    "..txt",
    "a.txt",
    "A.TXT",
    "a.txt.",
    "a.",
    ".",
    "..",
    "a.tar.txt",
    "x.shtml",
    "x.html",
    "x.htm",
    "xhtml",
    "docx",
    ".docx",
    "报告.PDF",
    "报告.pdf.bak",
    "a.Md",
    "a .txt",
    "a.txt ",
    "İ.TXT",
    "a.\u212aX",
    "a..",
    "...pdf",
    "a.jpeg",
    "a.jpg.jpeg",
    "a.doc",
    "a.docm",
]


def reference(name: str) -> bool:
    return Path(name).suffix.lower() in SUPPORTED_SUFFIXES


@pytest.mark.parametrize("name", TRICKY)
def test_report_name_agrees_with_pathlib_on_tricky_names(name):
    assert is_report_name(name) == reference(name)


def test_report_name_agrees_with_pathlib_on_random_names():
    rng = random.Random(7)
    alphabet = "a.Tx tdDoOcCpPfFhHmMlLsS报告İ\u212a-_"
    suffixes = [*SUPPORTED_SUFFIXES, *(s.upper() for s in SUPPORTED_SUFFIXES), ".", ".tx", ".docxx"]
    names = set()
    for _ in range(20_000):
        stem = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
        names.add(stem + (rng.choice(suffixes) if rng.random() < 0.7 else ""))
    names.discard("")
    assert {n for n in names if is_report_name(n)} == {n for n in names if reference(n)}
    assert sum(map(is_report_name, names)) > 1000  # the test saw both answers many times


def test_directory_glob_and_files_in_a_stable_order(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/2.txt", "b/1.PDF", "a.docx", "notes.bak", ".txt", "a-b.md"):
        (tmp_path / name).write_text("x")
    expected = [tmp_path / "a-b.md", tmp_path / "a.docx", tmp_path / "b" / "1.PDF", tmp_path / "b" / "2.txt"]
    assert expand_paths([tmp_path]) == expected
    assert expand_paths([str(tmp_path / "b" / "*.txt")]) == [tmp_path / "b" / "2.txt"]
    # A file is kept as given, a missing one too (load says it is missing), and a glob that
    # matches nothing stays as its own input.
    missing = tmp_path / "gone.txt"
    nothing = str(tmp_path / "*.xyz")
    assert expand_paths([tmp_path / "notes.bak", missing, nothing]) == [
        tmp_path / "notes.bak",
        missing,
        Path(nothing),
    ]
    # The expanded list expands to itself (extract_many expands what the CLI expanded).
    assert expand_paths(expand_paths([tmp_path])) == expected


def test_a_path_that_cannot_be_examined_stays_an_input(tmp_path):
    too_long = str(tmp_path / ("x" * 300 + ".txt"))
    with_nul = "a\0b.txt"
    assert expand_paths([too_long, with_nul]) == [Path(too_long), Path(with_nul)]


def test_output_among_inputs_lists_the_inputs_only_when_the_output_exists(tmp_path):
    (tmp_path / "in").mkdir()
    report = tmp_path / "in" / "r.txt"
    report.write_text("x")
    assert output_among_inputs(tmp_path / "in" / "." / "r.txt", [tmp_path / "in"])
    assert not output_among_inputs(tmp_path / "out.jsonl", [tmp_path / "in"])  # not written yet
    (tmp_path / "out.jsonl").write_text("")
    assert not output_among_inputs(tmp_path / "out.jsonl", [tmp_path / "in"])
    if hasattr(os, "link"):
        os.link(report, tmp_path / "hard.txt")  # the same file under another name
        assert output_among_inputs(tmp_path / "hard.txt", [report])
    assert not output_among_inputs(None, [report])


def test_a_listed_batch_is_not_listed_again(tmp_path, monkeypatch):
    """The CLI lists a batch once (output check, shard, read): a list expand_paths made goes
    through it again, and through shard, without a stat per file."""
    import gipr_llm.pipeline.batch as batch

    for i in range(5):
        (tmp_path / f"r{i}.txt").write_text("x", encoding="utf-8")
    listed = expand_paths([tmp_path])
    assert listed == sorted(tmp_path.glob("*.txt"))
    stats = []
    real_stat = os.stat
    monkeypatch.setattr(batch.os, "stat", lambda p, *a, **k: stats.append(p) or real_stat(p, *a, **k))
    assert expand_paths(listed) is listed
    part = batch.shard(listed, "2/2")
    assert part == listed[1::2] and expand_paths(part) is part
    assert stats == []
    assert expand_paths(list(listed)) == listed and len(stats) == len(listed)  # a plain list is examined
