"""Problems the reports name, grouped into the themes a 政务公开 office works by.

Plain keyword themes: a problem may touch several (平台 and 主动公开 often go together); one
that matches none is 其他方面. Order is the order the brief lists them in when counts tie.
"""

from __future__ import annotations

import re

THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("队伍建设和业务培训", ("队伍", "培训", "人员", "业务能力", "业务水平", "专业", "学习", "力量", "素养")),
    ("平台和渠道建设", ("平台", "网站", "新媒体", "公众号", "微信", "渠道", "专栏", "集约", "栏目", "媒体")),
    ("主动公开的范围和质量", ("主动公开", "公开范围", "公开力度", "公开内容", "及时", "时效", "针对性")),
    ("依申请公开办理", ("依申请", "申请", "答复")),
    ("政策解读和回应关切", ("解读", "回应", "互动", "交流", "沟通", "参与度")),
)
OTHER_THEME = "其他方面"
_TRIM = re.compile(r"^(?:[一二三四五六七八九十]+是|[（(]?[一二三四五六七八九十\d]+[)）、.．])\s*")


def themes_of(text: str) -> list[str]:
    found = [name for name, words in THEMES if any(word in text for word in words)]
    return found or [OTHER_THEME]


def tidy(text: str, limit: int = 60) -> str:
    """A problem or measure as a brief quotes it: no list numbering, no end punctuation, short."""
    text = _TRIM.sub("", text.strip()).rstrip("。；;，,… ")
    if len(text) <= limit:
        return text
    cut = limit
    while cut > 0 and text[cut - 1].isdigit() and text[cut].isdigit():
        cut -= 1  # never cut a number in two: half of 2022 would be a number the data lacks
    return text[:cut].rstrip("，,、；;") + "……"
