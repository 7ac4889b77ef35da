"""How a batch is cut into the tasks its worker processes take (pipeline.batch.task_chunks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gipr_llm.pipeline.batch import SLOW_FILE_WEIGHT, TASK_WEIGHT, task_chunks


def _files(names: list[str]) -> list[Path]:
    return [Path("/reports") / name for name in names]


@pytest.mark.parametrize("count", [0, 1, 2, 7, 8, 9, 40, 255, 256, 257, 2000])
@pytest.mark.parametrize("jobs", [2, 3, 8])
def test_every_file_once_in_order(count: int, jobs: int):
    files = _files([f"r{i:05d}.txt" for i in range(count)])
    chunks = list(task_chunks(files, jobs))
    assert [path for chunk in chunks for path in chunk] == files
    assert all(chunks)  # no empty task


def test_a_large_text_batch_goes_in_tasks_of_task_weight_files():
    chunks = list(task_chunks(_files([f"r{i:05d}.txt" for i in range(2000)]), 2))
    assert {len(chunk) for chunk in chunks[:-1]} == {TASK_WEIGHT}


def test_a_small_batch_still_gives_every_worker_several_tasks():
    # 40 text files on 2 workers: in tasks of 32, one worker would read 32 and the other 8
    chunks = list(task_chunks(_files([f"r{i:02d}.txt" for i in range(40)]), 2))
    assert len(chunks) >= 8
    assert max(map(len, chunks)) - min(map(len, chunks)) <= 1


def test_slow_formats_go_fewer_to_a_task():
    names = [f"r{i:04d}.pdf" for i in range(400)] + [f"s{i:04d}.PNG" for i in range(40)]
    chunks = list(task_chunks(_files(names), 2))
    assert {len(chunk) for chunk in chunks[:-1]} == {TASK_WEIGHT // SLOW_FILE_WEIGHT}


def test_a_mixed_batch_weighs_each_file_by_its_format():
    names = ["a.pdf"] * 6 + ["b.html", "c.md", "d.txt", "e.docx"] + ["f.txt"] * 1000
    chunks = list(task_chunks(_files(names), 2))
    first = chunks[0]
    weights = [1 if p.suffix in {".html", ".md", ".txt"} else SLOW_FILE_WEIGHT for p in first]
    # the first task closes as soon as it holds a task's weight: 6 PDFs (24), then 3 quick
    # files and a DOCX make 31, and the next text file brings it to 32
    assert sum(weights) == TASK_WEIGHT
    assert [p.name for p in first] == ["a.pdf"] * 6 + ["b.html", "c.md", "d.txt", "e.docx", "f.txt"]
