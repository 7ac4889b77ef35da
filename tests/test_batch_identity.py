"""One report per body-year in a batch: one report in three formats and two years of one body
give one body in the brief, one 同比 of that body, and none across bodies."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from gipr_llm.checks.batch import check_batch
from gipr_llm.cli import app
from gipr_llm.pipeline import extract, read_report
from gipr_llm.pipeline.batch import check_paths
from gipr_llm.render.brief.markdown import to_markdown
from gipr_llm.render.brief.run import batch_of, build_briefs
from tests.conftest import SEEDS, seed_text
from tests.fixture_docs import report_to_docx, report_to_html


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """东城 2021 as text, HTML and DOCX; 东城 2020 printed without 北京市; 西城信访办 2024."""
    directory = tmp_path_factory.mktemp("batch")
    (directory / "a_dongcheng_2021.txt").write_text(seed_text("002"), encoding="utf-8")
    report = read_report(SEEDS["002"])
    (directory / "b_dongcheng_2021.html").write_text(report_to_html(report), encoding="utf-8")
    report_to_docx(report, directory / "c_dongcheng_2021.docx")
    earlier = seed_text("003").replace("北京市朝阳区政务服务管理局", "东城区政务服务管理局", 1)
    (directory / "d_dongcheng_2020.txt").write_text(earlier, encoding="utf-8")
    (directory / "e_xicheng_2024.txt").write_text(seed_text("001"), encoding="utf-8")
    return directory


def test_copies_counted_once_and_bodies_merged(batch_dir: Path) -> None:
    run = check_paths([batch_dir])
    by_name = {Path(item.path).name: item for item in run.reports}
    assert [n for n, item in by_name.items() if item.duplicate_of] == [
        "b_dongcheng_2021.html",
        "c_dongcheng_2021.docx",
    ]
    assert all(
        Path(by_name[n].duplicate_of).name == "a_dongcheng_2021.txt"
        for n in ("b_dongcheng_2021.html", "c_dongcheng_2021.docx")
    )
    assert any(f.rule == "BATCH-DUPLICATE" for f in by_name["c_dongcheng_2021.docx"].findings)
    # 「东城区…」 (2020) and 「北京市东城区…」 (2021): one body once the batch holds both.
    earlier = by_name["d_dongcheng_2020.txt"].report.meta
    assert (earlier.agency, earlier.body_key, earlier.body_source) == (
        "东城区政务服务管理局",
        "北京市东城区政务服务管理局",
        "batch-prefix",
    )
    # The year chain runs once, for the counted 2021 copy against 2020; never on a copy.
    chained = [n for n, item in by_name.items() if any(f.rule == "YEAR-CHAIN" for f in item.findings)]
    assert chained == ["a_dongcheng_2021.txt"]
    assert not any(f.rule == "BODY-YEAR-CONFLICT" for item in run.reports for f in item.findings)


def test_brief_has_one_body_per_identity_and_one_year_on_year(batch_dir: Path) -> None:
    run = check_paths([batch_dir])
    batch = batch_of(run)
    assert [rf.report.meta.body_key for rf in batch.bodies] == [
        "北京市东城区政务服务管理局",
        "北京市西城区信访办公室",
    ]
    assert len(batch.duplicates) == 2 and batch.set_aside == []
    assert [(p.current.report.meta.year, p.previous.report.meta.year) for p in batch.previous] == [
        (2021, 2020)
    ]
    assert {p.current.report.meta.body_key for p in batch.previous} == {
        p.previous.report.meta.body_key for p in batch.previous
    }
    assert batch.figures["yoy.bodies"].value == 1
    text = to_markdown(build_briefs(run, batch=True, with_chart=False)[0])
    assert "其中2份为同一报告的其他格式或重复文件，只计一次" in text and "涉及2个单位" in text
    assert batch.figures.untraced(text) == []


def test_two_different_reports_for_one_body_year_are_a_finding(tmp_path: Path) -> None:
    first = extract(SEEDS["003"])
    rival = first.model_copy(deep=True)
    rival.source.sha256 = "0" * 64
    rival.source.path = "更正版.txt"
    rival.table3.rows["new_received"][6] += 1
    run = check_batch([first, rival])
    for item in run.reports:
        conflict = [f for f in item.findings if f.rule == "BODY-YEAR-CONFLICT"]
        assert [f.severity for f in conflict] == ["warning"] and "更正版.txt" in conflict[0].message
        assert item.duplicate_of is None


def test_same_file_twice_is_a_duplicate(tmp_path: Path) -> None:
    report = extract(SEEDS["001"])
    run = check_batch([report, report.model_copy(deep=True)])
    assert [item.duplicate_of for item in run.reports] == [None, report.source.path]


def test_bodies_option_on_every_command(tmp_path: Path, batch_dir: Path) -> None:
    bodies = tmp_path / "bodies.csv"
    bodies.write_text(
        "name,body,region,level,parent\n*东城区政务服务*,东城区政务服务管理局,北京市东城区,区级,\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(app, ["extract", "--bodies", str(bodies), str(batch_dir / "d_dongcheng_2020.txt")])
    assert result.exit_code == 0, result.output
    assert (
        '"body_key": "东城区政务服务管理局"' in result.stdout
        and '"body_source": "bodies-file"' in result.stdout
    )
    result = runner.invoke(app, ["check", "--bodies", str(bodies), "--format", "json", str(batch_dir)])
    assert result.exit_code in (0, 1), result.output
    result = runner.invoke(app, ["brief", "--batch", "--bodies", str(bodies), str(batch_dir)])
    assert result.exit_code == 0, result.output
    assert "涉及2个单位" in result.stdout
    missing = runner.invoke(app, ["check", "--bodies", str(tmp_path / "none.csv"), str(batch_dir)])
    assert missing.exit_code == 2 and "单位对照表文件不存在" in missing.output
