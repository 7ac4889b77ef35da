"""``gipr check`` as a CI job runs it: the real command line in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import seed_text
from tests.seed_edits import corrected_003, edit_after


def gipr_check(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gipr_llm.cli", "check", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_clean_reports_exit_zero(seed_paths):
    result = gipr_check(seed_paths["000"], seed_paths["001"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        seed_paths["000"].name in result.stdout
        and "西城区政府办公室　2021年度　2021年版模板" in result.stdout
    )
    assert (
        "汇总：共检查2份报告，0份有报告错误，0份有读取问题（工具未能读取的内容，非报告错误），"
        "0份仅有警告，2份未发现错误或警告。"
    ) in result.stdout
    assert "Traceback" not in result.stderr


def test_report_with_errors_exits_one_with_errors_listed_first(seed_paths):
    result = gipr_check(seed_paths["003"])
    assert result.returncode == 1
    out = result.stdout
    assert "北京市朝阳区政务服务管理局　2020年度　2019年版模板" in out
    assert "结果：报告错误3项，读取问题0项，警告0项，提示2项" in out
    localised = out.index("「总计」列很可能填错：填报183")
    first_info = out.index("提示：")
    assert out.index("错误：") < localised < first_info
    assert "{" not in out and "None" not in out  # no Python reprs for the reviewer


def test_json_output_for_machines(seed_paths):
    result = gipr_check("--format", "json", seed_paths["003"], seed_paths["000"])
    assert result.returncode == 1
    doc = json.loads(result.stdout)
    assert doc["exit_code"] == 1 and doc["failed"] == []
    by_name = {Path(r["path"]).name: r for r in doc["reports"]}
    r003 = by_name[seed_paths["003"].name]
    assert (r003["agency"], r003["year"], r003["counts"]["error"]) == ("北京市朝阳区政务服务管理局", 2020, 3)
    localised = next(f for f in r003["findings"] if f["rule"] == "LOCALISED")
    assert localised["likely_fix"] == {
        "row": "unavailable_not_held",
        "column": "total",
        "stated": 183,
        "likely": 182,
    }
    assert (
        localised["row_label"] == "（四）无法提供 1.本机关不掌握相关政府信息"
        and localised["column_label"] == "总计"
    )
    assert by_name[seed_paths["000"].name]["findings"] == []


def test_unreadable_input_exits_two_and_the_others_are_still_reported(seed_paths, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = gipr_check(seed_paths["000"], empty, tmp_path / "missing.txt")
    assert result.returncode == 2
    assert "【1/3】" in result.stdout and seed_paths["000"].name in result.stdout  # numbered by input
    assert f"{empty}：文件为空" in result.stdout and "missing.txt：文件不存在" in result.stdout
    assert "2个文件无法读取" in result.stdout
    assert "Traceback" not in result.stderr


def test_directory_input_and_automatic_year_chain(tmp_path):
    (tmp_path / "2020.txt").write_text(corrected_003(), encoding="utf-8")
    later = corrected_003().replace("2020年政府信息公开工作年度报告", "2021年政府信息公开工作年度报告")
    later = edit_after(later, "二、上年结转政府信息公开申请数量", "\t14\n", "\t30\n")
    (tmp_path / "2021.txt").write_text(later, encoding="utf-8")
    result = gipr_check("--format", "json", tmp_path)
    doc = json.loads(result.stdout)
    by_name = {Path(r["path"]).name: r for r in doc["reports"]}
    assert [f["rule"] for f in by_name["2020.txt"]["findings"] if f["severity"] == "error"] == []
    chain = [f for f in by_name["2021.txt"]["findings"] if f["rule"] == "YEAR-CHAIN"]
    # 2020 hands over 33 (自然人) and 34 (总计); the 2021 copy states 30 and the seed's own 15.
    assert [(f["column"], f["expected"], f["stated"]) for f in chain] == [
        ("natural_person", 33, 30),
        ("total", 34, 15),
    ]
    assert result.returncode == 1


def test_empty_directory_and_bad_format_exit_two(tmp_path, seed_paths):
    result = gipr_check(tmp_path)
    assert result.returncode == 2 and "没有找到报告文件" in result.stdout
    result = gipr_check("--format", "xml", seed_paths["000"])
    assert result.returncode == 2 and "--format" in result.stderr


def test_planted_error_in_seed_text_fails_the_ci_job(tmp_path):
    text = edit_after(
        seed_text("001"), "(一)予以公开", "| 0 | 0 | 0 | 0 | 0 | 0 | 0 |", "| 1 | 0 | 0 | 0 | 0 | 0 | 0 |"
    )
    path = tmp_path / "001-edited.txt"
    path.write_text(text, encoding="utf-8")
    result = gipr_check(path)
    assert result.returncode == 1
    assert "「（一）予以公开」行" in result.stdout and "T3-ROW-SUM" in result.stdout


def test_reading_failures_are_kept_apart_from_report_errors(tmp_path, seed_paths):
    # A flattened copy of 004 whose only errors are the tool's (two 表二 sub-rows it cannot
    # cut), next to 003 with its real arithmetic error.
    from tests.devsets import flattened

    flat = tmp_path / "flat_004.txt"
    flat.write_text(flattened(seed_text("004")), encoding="utf-8")
    alone = gipr_check(flat)
    assert alone.returncode == 3, alone.stdout + alone.stderr
    assert "结果：报告错误0项，读取问题2项" in alone.stdout
    assert "读取问题（工具未能读取，非报告错误）：" in alone.stdout and "\n  错误：" not in alone.stdout

    both = gipr_check("--format", "json", flat, seed_paths["003"])
    assert both.returncode == 1  # the report's own error outranks the reading failure
    doc = json.loads(both.stdout)
    assert doc["summary"] == {"reports": 2, "with_report_errors": 1, "with_reading_errors": 1, "failed": 0}
    by_name = {Path(r["path"]).name: r for r in doc["reports"]}
    counts = by_name["flat_004.txt"]["counts"]
    assert (counts["report_errors"], counts["reading_errors"]) == (0, 2)
    faults = {(f["rule"], f["fault"]) for f in by_name[seed_paths["003"].name]["findings"]}
    assert ("LOCALISED", "report") in faults and ("T3-ROW-SUM", "report") in faults
    assert all(
        f["fault"] == "reading"
        for f in by_name["flat_004.txt"]["findings"]
        if f["rule"].startswith("PARSE") and f["severity"] != "info"
    )
