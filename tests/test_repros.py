"""The bad-input campaign's reproductions (issue 14), each kept with its expected behaviour.

The files in tests/data/repros/ are copies of ../shared/repros/ (the two PDF repros are the
PDF loader's, tested with it). Each test names the defect it pins.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gipr_llm.cli import app
from gipr_llm.domain.models import LoadError
from gipr_llm.load import load
from gipr_llm.pipeline import check_paths, read_report

REPROS = Path(__file__).parent / "data" / "repros"
ODD_FIRST_CELLS = ["5%", "(5)", "约5", "5-", "1.5e3", "12万"]


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("odd", ODD_FIRST_CELLS)
def test_an_odd_first_cell_holds_its_column(tmp_path, odd):
    text = (REPROS / "shift_pct.txt").read_text(encoding="utf-8")
    assert "| 5% |" in text
    path = tmp_path / "r.txt"
    path.write_text(text.replace("| 5% |", f"| {odd} |", 1), encoding="utf-8")

    report = read_report(path)
    # The clean copy reads [5, 1, 2, 0, 0, 0, 8]: every other cell stays in its column.
    assert report.table3.rows["new_received"] == [None, 1, 2, 0, 0, 0, 8]
    [unreadable] = [f for f in report.findings if f.rule == "PARSE-CELL-UNREADABLE"]
    assert unreadable.column == "natural_person" and unreadable.raw.strip() == odd
    # check does not blame the report's arithmetic for what the tool could not read.
    [checked] = check_paths([path]).reports
    rules = {f.rule for f in checked.findings}
    assert not rules & {"T3-BALANCE", "T3-ROW-SUM", "T3-OUTCOME-SUM", "UNLOCALISED"}


def test_the_clean_copy_of_the_shift_repro_reads_every_cell(tmp_path):
    path = tmp_path / "clean.txt"
    path.write_text(
        (REPROS / "shift_pct.txt").read_text(encoding="utf-8").replace("| 5% |", "| 5 |"), "utf-8"
    )
    assert read_report(path).table3.rows["new_received"] == [5, 1, 2, 0, 0, 0, 8]


def test_a_4301_digit_cell_is_unreadable_with_a_finding():
    report = read_report(REPROS / "valueerror_4301_digit_cell.txt")
    [finding] = [f for f in report.findings if f.rule == "PARSE-CELL-UNREADABLE"]
    assert (finding.table, finding.row, finding.column) == ("table2", "rules", "issued")
    assert len(finding.raw.strip()) == 4301 and len(finding.message) < 200  # shown shortened
    assert report.table2.rows["rules"]["issued"] is None


@pytest.mark.parametrize("name", ["brief_crash_8_cells_per_row.txt", "indexerror_ordinal.html"])
def test_brief_is_written_for_the_crash_repros(tmp_path, runner, name):
    out = tmp_path / "brief.md"
    result = runner.invoke(app, ["brief", "--no-llm", str(REPROS / name), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "数据质量提示" in text


def test_a_brief_summarises_a_long_list_of_findings(tmp_path, runner):
    out = tmp_path / "brief.md"
    runner.invoke(app, ["brief", "--no-llm", str(REPROS / "brief_crash_8_cells_per_row.txt"), "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    assert "（二十）" in text and "（二十一）" not in text
    assert "项问题未逐一列出" in text


def test_hidden_html_content_is_not_the_report(runner):
    hidden = read_report(REPROS / "hidden_t3_before_visible.html")
    visible = read_report(REPROS / "visible_t3_only.html")
    assert hidden.table3 == visible.table3  # the hidden clean 表三 was not read
    assert [f.rule for f in hidden.findings if f.rule == "PARSE-HIDDEN-SKIPPED"] == ["PARSE-HIDDEN-SKIPPED"]
    assert "PARSE-HIDDEN-SKIPPED" not in {f.rule for f in visible.findings}
    for name in ("hidden_t3_before_visible.html", "visible_t3_only.html"):
        result = runner.invoke(app, ["check", "--no-llm", str(REPROS / name)])
        assert result.exit_code == 1, name


@pytest.mark.parametrize(
    "hiding",
    [
        '<div style="display: none">{}</div>',
        '<div style="VISIBILITY:hidden">{}</div>',
        "<div hidden>{}</div>",
        '<div aria-hidden="true">{}</div>',
        "<template>{}</template>",
        "<noscript>{}</noscript>",
    ],
)
def test_every_way_of_hiding_a_sentence_is_skipped(tmp_path, hiding):
    page = (REPROS / "visible_t3_only.html").read_text(encoding="utf-8")
    planted = hiding.format("<p>本年度主动公开政府信息99999条。</p>")
    path = tmp_path / "page.html"
    path.write_text(page.replace("<body>", "<body>" + planted, 1), encoding="utf-8")
    report = read_report(path)
    assert all("99999" not in text for text in report.narrative.values())
    assert "PARSE-HIDDEN-SKIPPED" in {f.rule for f in report.findings}


def test_a_docx_bomb_is_refused_naming_the_limit():
    # Refused before python-docx inflates 200 MB of XML (time and memory:
    # benchmarks/bench_repros.py).
    with pytest.raises(LoadError, match="GIPR_MAX_DOCX_XML_MB") as refused:
        load(REPROS / "bomb200.docx")
    assert "\n" not in str(refused.value)  # one line naming the limit


def test_the_docx_limit_is_configurable(monkeypatch):
    monkeypatch.setenv("GIPR_MAX_DOCX_XML_MB", "0.01")
    with pytest.raises(LoadError, match=r"GIPR_MAX_DOCX_XML_MB=0\.01"):
        load(Path(__file__).parent / "data" / "2021-blank-template.docx")


def test_deep_html_is_read_to_the_limit_then_refused(tmp_path, monkeypatch):
    page = (REPROS / "visible_t3_only.html").read_text(encoding="utf-8")
    path = tmp_path / "deep.html"
    path.write_text(page.replace("<body>", "<body>" + "<div>" * 300, 1), encoding="utf-8")
    # 300 levels: read whole (libxml2 alone drops everything past 255 silently).
    assert read_report(path).table3 == read_report(REPROS / "visible_t3_only.html").table3
    monkeypatch.setenv("GIPR_MAX_DEPTH", "200")
    with pytest.raises(LoadError, match="GIPR_MAX_DEPTH=200"):
        load(path)


def test_one_nul_byte_leaves_utf8_utf8():
    doc = load(REPROS / "nul_bytes_one.txt")
    assert doc.encoding == "utf-8"
    report = read_report(REPROS / "nul_bytes_one.txt")
    assert report.table3 is not None and report.meta.agency


def test_planted_instruction_holding_its_own_quote_does_not_ground():
    from gipr_llm.domain.textnorm import squash
    from gipr_llm.facts.grounding import Grounding, count_problem

    narrative = read_report(REPROS / "prompt_injection.txt").narrative
    grounding = Grounding.of(list(narrative.values()))
    planted = count_problem(grounding, "proactive_total", None, 99999, "条", "主动公开政府信息99999条")
    assert planted is not None and "指令" in planted
    # The same wording stated by the report itself still grounds.
    honest = Grounding.of(["本年度主动公开政府信息99999条。"])
    assert count_problem(honest, "proactive_total", None, 99999, "条", "主动公开政府信息99999条") is None
    assert squash("主动公开政府信息99999条") in squash(" ".join(narrative.values()))


def test_prompt_injection_gives_no_fact_on_the_rules_path_either():
    """The rules read report text as data too: the planted line states 主动公开政府信息99999条
    inside an instruction to a model, which is not the report stating it."""
    from gipr_llm.pipeline import extract

    report = extract(REPROS / "prompt_injection.txt")
    assert report.extraction.extractor == "rules"
    assert all(c.value != 99999 for c in report.facts.counts)
    assert any(c.kind == "proactive_total" for c in report.facts.counts)  # the honest total stays
