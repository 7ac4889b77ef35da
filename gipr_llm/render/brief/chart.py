"""The batch brief's chart: how each body's applications were handled, as stacked bars.

matplotlib with the Agg backend (no display). Chinese labels need a CJK font; when the
machine has none, the chart uses ASCII labels (body numbers, English outcome names) and the
brief prints a legend, because a chart of tofu boxes says nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache

from gipr_llm.render.brief.document import BriefChart
from gipr_llm.render.brief.figures import OUTCOME_GROUPS, OUTCOME_LABELS

# Fonts with simplified Chinese glyphs, most common first (Linux, then Windows and macOS).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Serif CJK SC",
    "Source Han Sans SC",
    "Source Han Serif SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "FangSong",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans SC",
)
ASCII_OUTCOMES = {
    "granted": "Granted",
    "partially_granted": "Partly granted",
    "denied": "Denied",
    "unavailable": "Not held / unavailable",
    "unprocessed": "Not processed",
    "other": "Other",
}
COLOURS = ("#2e7d32", "#81c784", "#c62828", "#f9a825", "#6d4c41", "#90a4ae")
CAPTION = "各单位政府信息公开申请办理结果构成（单位：件）"


@dataclass
class ChartRow:
    number: int  # the body's 序号 in the brief's table
    name: str
    outcomes: dict[str, int]  # group -> count as filed
    label: str = ""  # printed at the bar's end: the stated 办结 total, * when in doubt


@cache
def cjk_font() -> str | None:
    """A font on this machine that has Chinese glyphs, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    if found := next((n for n in sorted(names) if "CJK" in n and ("SC" in n or "JP" in n)), None):
        return found
    return _cjk_font_by_file(font_manager)


# File names of CJK fonts, for a font installed after matplotlib built its font cache.
_CJK_FILES = ("wqy", "notosanscjk", "notoserifcjk", "sourcehan", "droidsansfallback", "uming", "simhei", "msyh")


def _cjk_font_by_file(font_manager) -> str | None:
    """A CJK font file on the system that matplotlib's (older) cache does not know: added to
    the font manager by its file, so the chart selects it explicitly."""
    for path in sorted(font_manager.findSystemFonts()):
        squashed = path.lower().replace("-", "").replace("_", "").rsplit("/", 1)[-1]
        if squashed.startswith(_CJK_FILES):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


def outcome_chart(rows: list[ChartRow], font: str | None = None, *, detect_font: bool = True) -> BriefChart:
    """A PNG of stacked horizontal bars, one per body, in the order given (top first)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = font or (cjk_font() if detect_font else None)
    chinese = font is not None
    labels = [row.name if chinese else f"No. {row.number}" for row in rows]
    height = 1.4 + 0.42 * len(rows)
    with plt.rc_context({"font.family": [font] if font else ["DejaVu Sans"], "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(6.3, height), dpi=200)
        left = [0] * len(rows)
        positions = list(range(len(rows)))[::-1]
        for group, colour in zip(OUTCOME_GROUPS, COLOURS, strict=True):
            values = [row.outcomes.get(group, 0) for row in rows]
            name = OUTCOME_LABELS[group] if chinese else ASCII_OUTCOMES[group]
            ax.barh(positions, values, left=left, color=colour, label=name, height=0.6)
            left = [a + b for a, b in zip(left, values, strict=True)]
        for y, end, row in zip(positions, left, rows, strict=True):
            ax.text(end, y, f" {row.label}", va="center", fontsize=7)
        ax.set_yticks(positions, labels, fontsize=8)
        ax.set_xlabel("件" if chinese else "Applications handled (cases)", fontsize=8)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_xlim(0, max([*left, 1]) * 1.15)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(
            fontsize=7,
            ncols=3,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.45 / height - 0.12),
            frameon=False,
        )
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    legend = [] if chinese else [(f"No. {row.number}", row.name) for row in rows]
    notes = []
    if not chinese:
        notes.append("本机未安装中文字体，图中以序号代表各单位，以英文标注办理结果类型")
    if any(row.label.endswith("*") for row in rows):
        notes.append("条形末端为各单位填报的办结总数，带*的单位办理结果数据待核实")
    note = "；".join(notes) + "。" if notes else None
    if not chinese:
        legend += [(ASCII_OUTCOMES[g], OUTCOME_LABELS[g]) for g in OUTCOME_GROUPS]
    return BriefChart(CAPTION, buffer.getvalue(), legend, note)
