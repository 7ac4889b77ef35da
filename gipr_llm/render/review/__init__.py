"""The review page: one self-contained HTML file for the 政务公开 office (``gipr review``).

The page's HTML, CSS and JavaScript are package data files beside this module; the data is
embedded once as JSON and the page renders each report on demand. No network access: a
Content-Security-Policy forbids every fetch, and fonts come from the system.
"""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files
from pathlib import Path
from typing import IO

from gipr_llm.checks.batch import CheckRun
from gipr_llm.render.review.data import review_data, split_summary

__all__ = ["render_review", "review_data", "write_html"]


def _asset(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


def _embed_json(data: object) -> str:
    """JSON safe inside a <script> element: no '</' can close it, no '<!--' can open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_review(run: CheckRun, title: str = "政府信息公开工作年度报告审核") -> str:
    """The whole page as one string."""
    page = _asset("page.html")
    data = review_data(run)
    summaries, details = [], []
    for entry in data["reports"]:
        summary, detail = split_summary(entry)
        summaries.append(summary)
        # one element per report, parsed only when the report is shown (1,000 open in < 2 s)
        details.append(f'<script type="application/json" id="gipr-r-{entry["id"]}">{_embed_json(detail)}</script>')
    parts = {
        "/*@STYLE@*/": _asset("review.css"),
        "/*@SCRIPT@*/": _asset("review.js"),
        "@TITLE@": html.escape(title),
        "@DATA@": _embed_json({"layout": data["layout"], "reports": summaries}),
        "<!--@DETAILS@-->": "\n".join(details),
    }
    # One pass, so nothing inserted (a report's text) is ever read as a marker.
    pattern = re.compile("|".join(re.escape(marker) for marker in parts))
    return pattern.sub(lambda m: parts[m.group(0)], page)


def write_html(run: CheckRun, out: IO[str], path: Path | None) -> None:
    """The output-format registry's writer (``render/formats.py``)."""
    out.write(render_review(run))
