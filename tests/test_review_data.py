"""The review page's data: whose fault each finding is, each report's status, each cell's
state, and a page that embeds it safely and asks for nothing from the network."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from gipr_llm.domain.models import Finding
from gipr_llm.pipeline.review import read_jsonl, review_run
from gipr_llm.render.review import render_review
from gipr_llm.render.review.data import cell_states, finding_cells, finding_fault, report_status, review_data
from tests.review_inputs import review_inputs


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    run = review_run(review_inputs(tmp_path_factory.mktemp("review")))
    return {r["file"]: r for r in review_data(run)["reports"]}


def _finding(rule: str, severity: str = "error", stage: str = "check", message: str = "m", **kw) -> Finding:
    return Finding(rule=rule, severity=severity, stage=stage, message=message, **kw)


def test_fault_is_the_findings_own_or_its_rules():
    assert finding_fault(_finding("T3-ROW-SUM")) == "report"
    assert finding_fault(_finding("PARSE-ROW-LENGTH", stage="parse")) == "reading"
    assert finding_fault(_finding("CELL-IMPLIED", severity="info")) is None
    assert finding_fault(_finding("PARSE-RECOVERED", severity="info", stage="parse")) == "reading"
    # once a stage sets fault, it wins over the inference
    assert finding_fault(_finding("X", stage="parse", fault="report")) == "report"
    assert report_status([_finding("X", severity="info", stage="parse", fault="reading")]) == "reading"
    assert report_status([]) == "clean"


def test_seed_003_cell_is_a_report_error_with_its_likely_value(data):
    r = data["003_31517a60f0cc5bb3.txt"]
    assert r["status"] == "report"
    cell = r["cells"]["table3.unavailable_not_held.total"]
    assert (cell["state"], cell["stated"], cell["likely"]) == ("error", 183, 182)
    # the broken column sum the wrong cell explains is not blamed on the (correct) 总计 row
    assert r["cells"]["table3.total_processed.total"]["state"] is None
    assert r["body"] == "北京市朝阳区政务服务管理局" and r["year"] == 2020 and r["template"] == "2019"


def test_statuses_and_send_back_order(data):
    statuses = {name: r["status"] for name, r in data.items()}
    assert statuses["002_messy.txt"] == statuses["004_e68095c7a9b5b53d.txt"] == "reading"
    assert statuses["notice.txt"] == "failed" and "不是政府信息公开工作年度报告" in data["notice.txt"]["reason"]
    assert statuses["000_27062e3c77157471.txt"] == "clean"
    ids = sorted(data.values(), key=lambda r: r["id"])
    assert [r["status"] for r in ids] == ["report", "failed", "reading", "reading", "clean", "clean", "clean"]


def test_messy_cells_show_their_state_and_raw_text(data):
    cells = data["002_messy.txt"]["cells"]
    na = cells["table3.partially_granted.natural_person"]
    assert (na["state"], na["raw"]) == ("na", "/")
    unreadable = cells["table3.denied_state_secret.natural_person"]
    assert unreadable["state"] == "unreadable" and unreadable["raw"].strip() == "3O" and unreadable["implied"] == 0
    assert cells["table3.unprocessed_publication.natural_person"]["state"] == "blank"


def test_recovered_cell_says_how_and_from_what():
    recovered = _finding(
        "PARSE-RECOVERED", severity="warning", stage="parse", fault="reading",
        table="table3", row="granted", column="total", raw="3 3", message="按该行各列之和确定为33",
    )  # fmt: skip
    cell = cell_states([recovered])["table3.granted.total"]
    assert cell == {"state": "recovered", "findings": [0], "raw": "3 3", "how": "按该行各列之和确定为33"}


def test_finding_cells_cover_sums_and_swaps():
    row_sum = _finding("T3-ROW-SUM", table="table3", row="granted", column="total",
                       values={"granted.total": 3, "granted.natural_person": 1, "narrative": 2})  # fmt: skip
    assert finding_cells(row_sum) == ["table3.granted.total", "table3.granted.natural_person"]
    swap = _finding("LOCALISED-SWAP", table="table3", column="research",
                    likely_fix={"column": "research", "other_column": "commercial"})  # fmt: skip
    assert finding_cells(swap) == ["table3.*.research", "table3.*.commercial"]


def test_page_is_self_contained_and_embeds_text_safely(seed_paths):
    run = review_run([seed_paths["003"]])
    run.reports[0].report.meta.agency = "</script><img src=https://example.invalid/x.png>"
    run.reports[0].report.narrative["other"] = "<!-- <script>alert(1)</script>"
    page = render_review(run)
    # the list data, one report's details, and the code: nothing in the data closes a script
    assert page.count("</script>") == 3
    assert "default-src 'none'" in page
    blocks = list(re.finditer(r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.S))
    assert [b.group(1) for b in blocks] == ["gipr-data", "gipr-r-0"]
    markup = re.sub(r'(<script type="application/json"[^>]*>).*?</script>', r"\1</script>", page, flags=re.S)
    # no address the browser could fetch: no src/href to a network scheme, no @import or url()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", markup, re.I)
    assert "@import" not in markup and "url(" not in markup
    assert json.loads(blocks[0].group(2))["reports"][0]["agency"].startswith("</script>")
    assert json.loads(blocks[1].group(2))["narrative"]["other"].startswith("<!--")


def test_review_reads_extract_jsonl_like_the_files(tmp_path, seed_paths):
    out = tmp_path / "reports.jsonl"
    inputs = [seed_paths["003"], seed_paths["004"], tmp_path / "missing.txt"]
    subprocess.run(
        [sys.executable, "-m", "gipr_llm.cli", "extract", *map(str, inputs), "-o", str(out), "--no-llm"],
        capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    (tmp_path / "bad.jsonl").write_text('{"status": "ok"}\n', encoding="utf-8")
    assert read_jsonl(tmp_path / "bad.jsonl")[0].path.endswith("bad.jsonl:1")
    from_jsonl = review_data(review_run([out, tmp_path / "bad.jsonl"]))["reports"]
    from_files = review_data(review_run(inputs))["reports"]
    assert [(r["file"], r["status"]) for r in from_jsonl if r["file"] != "bad.jsonl:1"] == [
        (r["file"], r["status"]) for r in from_files
    ]
    assert any(r["file"] == "bad.jsonl:1" and r["status"] == "failed" for r in from_jsonl)


def test_cli_writes_the_page_and_exits_like_check(tmp_path, seed_paths):
    out = tmp_path / "review.html"
    result = subprocess.run(
        [sys.executable, "-m", "gipr_llm.cli", "review", str(seed_paths["003"]), "-o", str(out), "--no-llm"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr  # seed 003 has an arithmetic error, as in check
    assert "北京市朝阳区政务服务管理局" in out.read_text(encoding="utf-8")
