"""The batch the review page is tested on: the five seeds, a messy copy of seed 002 (a cell
left blank, one marked not applicable, one unreadable, a short row) and a file that is not
a report, each a real file read by the real pipeline."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SEEDS, seed_text
from tests.seed_edits import edit_after


def messy_002() -> str:
    text = seed_text("002")
    text = edit_after(text, "（二）部分公开", "\t0\n", "\t/\n")  # not applicable
    text = edit_after(text, "1.属于国家秘密", "\t0", "\t3O")  # letter O: unreadable
    text = edit_after(text, "3.要求提供公开出版物", "\t0", "\t—")  # blank
    return edit_after(text, "2.重复申请", "\t0", "\t ")  # a lost cell: the row is short


def review_inputs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    messy = folder / "002_messy.txt"
    messy.write_text(messy_002(), encoding="utf-8")
    not_a_report = folder / "notice.txt"
    not_a_report.write_text("关于做好春节假期值班工作的通知\n各单位：请做好值班安排。\n", encoding="utf-8")
    return [*SEEDS.values(), messy, not_a_report]
