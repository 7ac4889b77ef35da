"""A brief as Markdown: the title, numbered sections, tables as pipe tables, charts as images."""

from __future__ import annotations

from gipr_llm.render.brief.document import DATA_NOTE, Brief, BriefTable, ordinal


def _table(table: BriefTable) -> list[str]:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "｜") for c in cells) + " |"

    lines = [f"**{table.caption}**", "", row(table.header), row(["---"] * len(table.header))]
    lines += [row(r) for r in table.rows]
    return [*lines, "", table.note] if table.note else lines


def to_markdown(brief: Brief, chart_paths: dict[int, str] | None = None) -> str:
    """``chart_paths``: section index -> image file written next to the Markdown file."""
    lines = [f"# {brief.title}", ""]
    if brief.masthead_line:
        lines += [brief.masthead_line, ""]
    lines += [f"> {DATA_NOTE}", ""]
    for index, section in enumerate(brief.sections):
        lines += [f"## {ordinal(index + 1)}、{section.heading}", ""]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        if section.table is not None:
            lines += [*_table(section.table), ""]
        chart = section.chart
        if chart is not None and chart_paths and index in chart_paths:
            lines += [f"![{chart.caption}]({chart_paths[index]})", ""]
            if chart.legend:
                lines += [
                    "图例：" + "；".join(f"{label}＝{meaning}" for label, meaning in chart.legend) + "。",
                    "",
                ]
            if chart.note:
                lines += [chart.note, ""]
    for note in brief.notes:
        lines += [note, ""]
    return "\n".join(lines).rstrip() + "\n"


def to_markdown_many(briefs: list[Brief]) -> str:
    return "\n---\n\n".join(to_markdown(b) for b in briefs)
