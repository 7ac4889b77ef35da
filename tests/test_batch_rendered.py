"""A batch whose consumer only writes JSON gets each report rendered where it was read.

Worker processes send back the JSON text and the counts the progress line needs, not the
Report (whose pickle costs the main process more than the parse saved it). What a user
sees must not change with ``-j``: the same lines, the same summary, failures in place.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from gipr_llm.cli import app
from gipr_llm.domain.models import FailedInput, Report
from gipr_llm.pipeline.batch import extract_many
from gipr_llm.pipeline.extract import extract
from gipr_llm.render.json_output import RenderedReport, to_json, write_json
from tests.conftest import seed_text
from tests.devsets import flattened, ocr_markdown, page_break
from tests.fixture_docs import report_to_docx, report_to_html

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
runner = CliRunner()


def _batch(tmp_path: Path) -> list[Path]:
    """The samples, messy copies of one as users bring them (flattened web text, OCR
    Markdown, a PDF page break, DOCX, HTML) and an empty file that fails."""
    folder = tmp_path / "reports"
    shutil.copytree(SAMPLES, folder)
    seed = "001"
    (folder / "copy_flattened.txt").write_text(flattened(seed_text(seed)), encoding="utf-8")
    (folder / "copy_ocr.md").write_text(ocr_markdown(seed), encoding="utf-8")
    (folder / "copy_page_break.txt").write_text(page_break(seed), encoding="utf-8")
    clean = extract(seed_paths_of(seed))
    report_to_docx(clean, folder / "copy.docx")
    (folder / "copy.html").write_text(report_to_html(clean), encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"")  # fails: an empty file, in the middle of the order
    return sorted(folder.iterdir())


def seed_paths_of(seed: str) -> Path:
    return next(SAMPLES.glob(f"{seed}_*.txt"))


def test_rendered_form_is_the_reports_own_json_and_counts(tmp_path):
    paths = _batch(tmp_path)
    items = list(extract_many(paths, jobs=2, form="rendered"))
    assert [type(i) for i in items].count(FailedInput) == 1
    for path, item in zip(paths, items, strict=True):
        if isinstance(item, FailedInput):
            assert item.path == str(path) and "空" in item.error
            continue
        report = extract(path)
        assert isinstance(item, RenderedReport)
        assert item.json == to_json(report).encode()
        assert item.path == report.source.path
        assert item.errors == sum(f.severity == "error" for f in report.findings)
        assert item.warnings == sum(f.severity == "warning" for f in report.findings)
    assert any(i.errors or i.warnings for i in items if isinstance(i, RenderedReport)), "a sample has findings"
    recovered = [i for i in items if isinstance(i, RenderedReport) and b'"PARSE-RECOVERED"' in i.json]
    assert recovered, "a messy copy's recovered reading (and its finding) crosses over as rendered"


def test_indented_json_of_a_rendered_report_is_the_reports(tmp_path):
    path = sorted(SAMPLES.glob("*.txt"))[0]
    report = extract(path)
    rendered = RenderedReport.of(report)
    assert to_json(rendered, indent=2) == to_json(report, indent=2)
    one, other = _written([rendered]), _written([report])
    assert one == other and json.loads(one)["source"]["path"] == str(path)


def _written(items: list[Report | RenderedReport]) -> str:
    import io

    out = io.StringIO()
    write_json(items, out, None)
    return out.getvalue()


def test_summary_and_lines_do_not_depend_on_jobs(tmp_path):
    paths = _batch(tmp_path)
    folder = paths[0].parent
    results = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        result = runner.invoke(app, ["extract", str(folder), "-j", jobs, "-o", str(out)])
        assert result.exit_code == 2  # the empty file failed
        summary = [line for line in result.stderr.splitlines() if line.startswith("gipr: 共")]
        results[jobs] = (out.read_text(encoding="utf-8"), summary[0].split("用时")[0])
    assert results["1"] == results["2"]
    lines = results["1"][0].splitlines()
    assert [json.loads(x).get("status") for x in lines].count("failed") == 1
    # as this batch stands: sample 004 has errors and a warning; the three text copies whose
    # rows were recovered warn (PARSE-RECOVERED: the reading's doing, not the report's)
    assert "失败1份；1份有错误，4份有警告" in results["1"][1]


def test_jsonl_lines_are_the_same_whichever_way_a_rendered_report_is_written(tmp_path):
    """A rendered report's UTF-8 bytes go under a UTF-8 text stream as they are; any other
    stream gets the text. Order and lines must not depend on the stream."""
    import io

    from gipr_llm.render.json_output import write_jsonl

    paths = sorted(SAMPLES.glob("*.txt"))[:2]
    reports = [extract(p) for p in paths]
    items = [RenderedReport.of(reports[0]), FailedInput(path="x.txt", error="文件为空 (empty file)"), reports[1]]
    expected = "".join(to_json(i) + "\n" for i in (reports[0], items[1], reports[1]))

    for path in (None, tmp_path / "out.jsonl"):  # flushed line by line (stdout), or not (a file)
        with open(tmp_path / "out.jsonl", "w", encoding="utf-8") as out:  # bytes under a UTF-8 file
            write_jsonl([*items, *items], out, path)
        assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == expected * 2, path

    text = io.StringIO()  # no bytes under it
    write_jsonl(items, text, None)
    assert text.getvalue() == expected

    raw = io.BytesIO()  # bytes under it, but not UTF-8: the text path encodes
    gb = io.TextIOWrapper(raw, encoding="gb18030", newline="\n")
    write_jsonl(items, gb, None)
    assert raw.getvalue().decode("gb18030") == expected


def test_a_batch_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    """What was loaded before a batch is frozen out of the collector while it runs, serially
    or in workers: after the batch, or after a consumer that stops early, the process
    collects as before; a caller's own freeze is left alone."""
    import gc

    paths = sorted(SAMPLES.glob("*.txt"))
    assert gc.get_freeze_count() == 0
    for jobs in (1, 2):
        seen = []
        for item in extract_many(paths, jobs=jobs, form="rendered"):
            seen.append(gc.get_freeze_count())
            assert isinstance(item, RenderedReport)
        assert seen and all(count > 0 for count in seen), jobs  # frozen while the batch ran
        assert gc.get_freeze_count() == 0

        stopped = extract_many(paths, jobs=jobs, form="rendered")
        next(stopped)
        stopped.close()  # a consumer that stops after one report
        assert gc.get_freeze_count() == 0

    gc.freeze()  # the caller's
    try:
        frozen = gc.get_freeze_count()
        list(extract_many(paths, jobs=1, form="rendered"))
        assert gc.get_freeze_count() >= frozen  # not unfrozen by the batch
    finally:
        gc.unfreeze()
