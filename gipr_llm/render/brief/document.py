"""The brief as a document, before it is written out as Markdown or DOCX.

Sections are numbered when rendered (一、二、…), so a section left out (no 同比 data) never
leaves a gap. ``slots`` name the paragraphs the LLM may rewrite (connecting prose only);
every number stays in the paragraphs the code wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from gipr_llm.render.brief.figures import FigureSet

_ORDINALS = "一二三四五六七八九十"
MASTHEAD = "政府信息公开工作简报"
DATA_NOTE = "本简报数字均取自报告所附统计表和报告正文，由程序计算核对；百分比保留一位小数。"


def ordinal(index: int) -> str:
    """1 -> 一, 11 -> 十一, 110 -> 一百一十, 1005 -> 一千零五 (sections and list items)."""
    if index < 1:
        return str(index)  # never produced by the brief; no IndexError if it were
    if index < 10:
        return _ORDINALS[index - 1]
    if index < 20:
        return "十" + (_ORDINALS[index - 11] if index > 10 else "")
    if index >= 10000:
        return str(index)
    out, pending_zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, index = divmod(index, unit)
        if digit:
            out += ("零" if pending_zero else "") + _ORDINALS[digit - 1] + name
            pending_zero = False
        elif out:
            pending_zero = True
    return out


@dataclass
class BriefTable:
    caption: str
    header: list[str]
    rows: list[list[str]]
    note: str | None = None  # a line under the table (what a short header stands for)
    widths_mm: list[float] | None = None  # DOCX column widths, when the even split wraps words


@dataclass
class BriefChart:
    caption: str
    png: bytes
    legend: list[tuple[str, str]] = field(default_factory=list)  # label on the chart -> what it stands for
    note: str | None = None


@dataclass
class BriefSection:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table: BriefTable | None = None
    chart: BriefChart | None = None


@dataclass
class Brief:
    title: str
    sections: list[BriefSection]
    figures: FigureSet
    kind: Literal["report", "batch"] = "report"
    slots: dict[str, tuple[int, int]] = field(default_factory=dict)  # slot -> (section, paragraph)
    notes: list[str] = field(default_factory=list)  # closing notes, e.g. files that could not be read
    prose_by: Literal["template", "llm"] = "template"
    edition: str | None = None  # 期号, e.g. 第3期 (set by the command, not computed)
    date: str | None = None  # the issue date as printed, e.g. 2026年12月2日

    @property
    def masthead_line(self) -> str | None:
        """The line under the masthead: 期号 and date, when given."""
        parts = [p for p in (self.edition, self.date) if p]
        return "　　".join(parts) if parts else None

    def slot_text(self, slot: str) -> str:
        section, paragraph = self.slots[slot]
        return self.sections[section].paragraphs[paragraph]

    def set_slot(self, slot: str, text: str) -> None:
        section, paragraph = self.slots[slot]
        self.sections[section].paragraphs[paragraph] = text
