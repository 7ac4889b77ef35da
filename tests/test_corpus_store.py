"""The corpus store end to end: `gipr extract --db`, re-ingest, migrations, consistency, exports."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from gipr_llm.checks.batch import all_findings
from gipr_llm.cli import app
from gipr_llm.pipeline import corpus as corpus_module
from gipr_llm.pipeline import read_report
from gipr_llm.store import STORE_VERSION, Rows, Store, StoreVersionError, add_report, migrate
from gipr_llm.store.schema import schema_version
from tests.conftest import SAMPLES

runner = CliRunner()


def gipr(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    return folder


def counts(db: Path) -> dict[str, int]:
    with Store.open(db, read_only=True) as store:
        return store.counts()


def test_extract_into_store_then_workbook_with_sheet_per_table_and_findings(corpus, tmp_path):
    db, xlsx = tmp_path / "c.duckdb", tmp_path / "out.xlsx"
    result = gipr("extract", str(corpus), "--db", str(db), "-j", "1")
    assert result.exit_code == 0, result.stderr
    assert "读取5份，失败0份" in result.stderr  # the summary
    assert result.stdout == ""  # with --db and no -o nothing goes to stdout
    assert gipr("export", str(db), "-o", str(xlsx)).exit_code == 0

    book = load_workbook(xlsx)
    assert book.sheetnames == ["表二", "表三", "表四", "发现", "报告"]
    sheet = book["表三"]
    assert sheet.freeze_panes == "F3"
    header = [c.value for c in sheet[1]]
    labels = [c.value for c in sheet[2]]
    assert header[5] == "一、本年新收政府信息公开申请数量" and labels[5:12] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    ]  # fmt: skip
    rows = list(sheet.iter_rows(min_row=3, values_only=False))
    assert len(rows) == 5  # a row per body-year
    chaoyang = next(r for r in rows if r[0].value == "北京市朝阳区政务服务管理局")
    total_col = next(
        i for i in range(5, len(header))
        if labels[i] == "总计" and (header[i - 6] or "").startswith("（四）无法提供 1")
    )  # fmt: skip
    cell = chaoyang[total_col]
    assert cell.value == 183 and "T3-ROW-SUM" in cell.comment.text
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    # A wide Chinese header gets a wide column.
    assert sheet.column_dimensions["A"].width >= 2 * len("北京市西城区人民政府外事办公室")
    findings = list(book["发现"].values)
    assert findings[0][:4] == ("机关", "年度", "文件", "规则")
    assert {"T3-ROW-SUM", "T3-OUTCOME-SUM"} <= {row[3] for row in findings[1:]}


def test_reingest_adds_nothing_and_a_changed_file_is_the_only_one_reread(corpus, tmp_path):
    db = tmp_path / "c.duckdb"
    gipr("extract", str(corpus), "--db", str(db), "-j", "1")
    before = counts(db)

    again = gipr("extract", str(corpus), "--db", str(db), "-j", "1")
    assert "读取0份" in again.stderr and "未变化跳过5份" in again.stderr
    assert counts(db) == before

    changed = corpus / "003_31517a60f0cc5bb3.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("271", "272", 1), encoding="utf-8")
    third = gipr("extract", str(corpus), "--db", str(db), "-j", "1")
    assert "读取1份" in third.stderr and "未变化跳过4份" in third.stderr
    after = counts(db)  # the changed file replaced its old rows (its broken sum adds findings)
    assert (after["reports"], after["cells"], after["facts"]) == (
        before["reports"],
        before["cells"],
        before["facts"],
    )
    with duckdb.connect(str(db), read_only=True) as con:
        paths = con.execute("SELECT source_path FROM reports WHERE source_path LIKE '%003_%'").fetchall()
        assert len(paths) == 1
        value = con.execute(
            "SELECT value FROM cells JOIN reports USING (report_id) WHERE source_path LIKE '%003_%'"
            " AND table_name = 'table3' AND row_key = 'new_received' AND column_key = 'total'"
        ).fetchone()[0]
    assert value == 272


def test_a_new_extraction_version_rereads_everything(corpus, tmp_path, monkeypatch):
    db = tmp_path / "c.duckdb"
    gipr("extract", str(corpus), "--db", str(db), "-j", "1")
    monkeypatch.setattr(corpus_module, "extraction_version", lambda llm: "gipr-llm 99; output 9; rules")
    result = gipr("extract", str(corpus), "--db", str(db), "-j", "1")
    assert "读取5份" in result.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        versions = con.execute("SELECT DISTINCT extraction_version FROM reports").fetchall()
    assert versions == [("gipr-llm 99; output 9; rules",)]


def test_failed_inputs_are_stored_with_their_reason(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    db = tmp_path / "c.duckdb"
    result = gipr("extract", str(bad), str(SAMPLES / "001_19365f84a45833ee.txt"), "--db", str(db), "-j", "1")
    assert result.exit_code == 2
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT status, error FROM reports ORDER BY status").fetchall()
    assert rows[0][0] == "failed" and "文件为空" in rows[0][1] and rows[1][0] == "ok"


def test_migrations_bring_an_old_store_to_the_current_version_keeping_its_rows(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    assert migrate(con, target=1) == 1
    con.execute(
        "INSERT INTO reports (report_id, source_path, status, extraction_version) VALUES ('x', 'a.txt', 'ok', 'v')"
    )
    con.execute(
        "INSERT INTO cells (report_id, table_name, row_key, column_key, value, state) VALUES ('x', 'table3', 'new_received', 'total', 5, 'number')"
    )
    con.close()
    with Store.open(db) as store:
        assert schema_version(store.con) == STORE_VERSION
        assert store.con.execute("SELECT source_path, value FROM cells_by_report").fetchall() == [
            ("a.txt", 5)
        ]
        store.con.execute(
            "UPDATE store_meta SET value = ? WHERE key = 'schema_version'", [str(STORE_VERSION + 1)]
        )
    with pytest.raises(StoreVersionError):
        Store.open(db)


def test_a_write_that_fails_midway_leaves_no_partial_report(tmp_path, monkeypatch):
    report = read_report(SAMPLES / "003_31517a60f0cc5bb3.txt")
    rows = Rows()
    add_report(rows, report, all_findings(report), "v")
    store = Store.open(tmp_path / "c.duckdb")
    real_insert = store._insert

    def failing(table, columns, data):
        if table == "findings":
            raise RuntimeError("disk full")
        real_insert(table, columns, data)

    monkeypatch.setattr(store, "_insert", failing)
    with pytest.raises(RuntimeError):
        store.write(rows)
    assert store.counts() == {"reports": 0, "cells": 0, "facts": 0, "findings": 0}
    store.close()


def seed_cells() -> dict[tuple, Decimal | None]:
    """Every cell of the five seeds as the extractor reads them, keyed (sha256, table, row, column)."""
    cells: dict[tuple, Decimal | None] = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        report = read_report(path)
        sha = report.source.sha256
        for row, values in report.table3.rows.items():
            for column, value in zip(
                (
                    "natural_person",
                    "commercial",
                    "research",
                    "social_welfare",
                    "legal_service",
                    "other_org",
                    "total",
                ),
                values,
                strict=True,
            ):
                cells[(sha, "table3", row, column)] = value
        for row, columns in report.table2.rows.items():
            for column, value in columns.items():
                cells[(sha, "table2", row, column)] = value
        for row, subs in report.table2.sub_rows.items():
            for label, columns in subs.items():
                for column, value in columns.items():
                    cells[(sha, "table2", f"{row}.{label}", column)] = value
        for row, columns in report.table4.rows.items():
            for column, value in columns.items():
                cells[(sha, "table4", row, column)] = value
    return cells


def test_parquet_export_gives_back_every_cell_of_the_seeds(corpus, tmp_path):
    db, parquet, hive = tmp_path / "c.duckdb", tmp_path / "cells.parquet", tmp_path / "hive"
    gipr("extract", str(corpus), "--db", str(db), "-j", "1")
    assert gipr("export", str(db), "-o", str(parquet)).exit_code == 0
    assert gipr("export", str(db), "--hive", "-o", str(hive)).exit_code == 0
    expected = seed_cells()
    assert len(expected) > 900
    for source in (f"'{parquet}'", f"read_parquet('{hive}/cells/**/*.parquet', hive_partitioning = true)"):
        got = {
            (sha, table, row, column): value
            for sha, table, row, column, value in duckdb.sql(
                f"SELECT report_id, table_name, row_key, column_key, value FROM {source}"
            ).fetchall()
        }
        assert got == expected
    provinces = duckdb.sql(
        f"SELECT DISTINCT province FROM read_parquet('{hive}/reports/**/*.parquet', hive_partitioning = true)"
    ).fetchall()
    assert ("北京市",) in provinces


def test_exports_work_straight_from_json_lines(corpus, tmp_path):
    one = tmp_path / "one.jsonl"
    result = gipr("extract", str(corpus / "003_31517a60f0cc5bb3.txt"), "-o", str(one))
    assert result.exit_code == 0
    assert len(one.read_text(encoding="utf-8").splitlines()) == 1  # JSON Lines even for one input
    many, csv = tmp_path / "many.jsonl", tmp_path / "cells.csv"
    gipr("extract", str(corpus), "-o", str(many), "-q")
    assert gipr("export", str(many), "-o", str(csv)).exit_code == 0
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert len(lines) - 1 == len(seed_cells())
    xlsx = tmp_path / "from_jsonl.xlsx"
    assert gipr("export", str(many), "-o", str(xlsx)).exit_code == 0
    assert load_workbook(xlsx, read_only=True).sheetnames[:3] == ["表二", "表三", "表四"]


def test_export_names_a_bad_source(tmp_path):
    bad = tmp_path / "notes.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    result = gipr("export", str(bad), "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2 and f"{bad}:1:" in result.stderr


def test_parallel_batch_writes_the_same_lines_in_input_order(corpus, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    gipr("extract", str(corpus), "-o", str(one), "-j", "1", "-q")
    gipr("extract", str(corpus), "-o", str(two), "-j", "2", "-q")
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")
    assert [json.loads(x)["source"]["path"] for x in one.read_text(encoding="utf-8").splitlines()] == [
        str(p) for p in sorted(corpus.glob("*.txt"))
    ]


def test_shards_split_the_inputs_without_overlap(corpus, tmp_path):
    seen = []
    for i in (1, 2):
        out = tmp_path / f"part{i}.jsonl"
        gipr("extract", str(corpus), "--shard", f"{i}/2", "-o", str(out), "-q")
        seen.append([json.loads(x)["source"]["path"] for x in out.read_text(encoding="utf-8").splitlines()])
    assert len(seen[0]) == 3 and len(seen[1]) == 2
    assert sorted(seen[0] + seen[1]) == [str(p) for p in sorted(corpus.glob("*.txt"))]
    assert gipr("extract", str(corpus), "--shard", "3/2").exit_code == 2


def test_format_json_writes_an_array_and_quiet_drops_the_summary(corpus):
    result = gipr("extract", str(corpus), "--format", "json", "-q")
    assert [item["status"] for item in json.loads(result.stdout)] == ["ok"] * 5
    assert "失败0份" not in result.stderr
