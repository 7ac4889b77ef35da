"""The same report in every format parses to the same tables.

Each seed's text copy is parsed; the parsed Report is rendered back into an HTML page, a
filled copy of the Word template and a PDF with ruled tables (``tests/fixture_docs``), and
each of those is parsed again from disk. 表二/表三/表四 and the title facts must be equal to
the text copy's. Only the deterministic part of the pipeline is compared
(``read_report``: load, sections, tables); narrative facts do not affect these fields.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gipr_llm.domain.models import Report
from gipr_llm.pipeline import read_report
from tests.conftest import SEEDS
from tests.fixture_docs import report_to_docx, report_to_html, report_to_pdf


def _render(report: Report, fmt: str, folder: Path) -> Path:
    path = folder / f"report.{fmt}"
    if fmt == "html":
        path.write_text(report_to_html(report), encoding="utf-8")
    elif fmt == "docx":
        report_to_docx(report, path)
    else:
        report_to_pdf(report, path)
    return path


@pytest.fixture(scope="module")
def text_reports() -> dict[str, Report]:
    return {seed: read_report(path) for seed, path in SEEDS.items()}


CASES = [
    pytest.param(seed, fmt, id=f"{seed}-{fmt}") for seed in sorted(SEEDS) for fmt in ("html", "docx", "pdf")
]


@pytest.mark.parametrize(("seed", "fmt"), CASES)
def test_format_parses_like_the_text_copy(tmp_path, text_reports, seed, fmt):
    expected = text_reports[seed]
    assert expected.table2 and expected.table3 and expected.table4  # the seeds have all three
    got = read_report(_render(expected, fmt, tmp_path))
    assert got.source.format == fmt
    assert (got.meta.agency, got.meta.year) == (expected.meta.agency, expected.meta.year)
    assert got.table3 == expected.table3
    assert got.table4 == expected.table4
    assert got.table2 == expected.table2
    assert not [f for f in got.findings if f.rule.startswith("PARSE") and f.severity == "error"]
