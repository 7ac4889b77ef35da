"""``gipr review``: read and check a batch (report files, directories, or the JSON Lines
``gipr extract`` wrote), then write the one-file review page.

Report files go through ``extract_batch`` and the batch through ``check_batch`` (exactly
``check_paths``, so the page shows the findings ``gipr check`` gives); JSON Lines records
are read back as the reports (or failed inputs) they were, and checked with the rest.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from gipr_llm.checks.batch import CheckRun, check_batch
from gipr_llm.domain.models import FailedInput, Report
from gipr_llm.pipeline.batch import check_paths, extract_batch
from gipr_llm.render.formats import write_output
from gipr_llm.render.json_output import from_json

if TYPE_CHECKING:
    from gipr_llm.llm.config import LlmConfig

JSONL_SUFFIXES = (".jsonl", ".ndjson")


def read_jsonl(path: Path) -> list[Report | FailedInput]:
    """Each line of an ``extract`` output as the Report or FailedInput it was; a line that is
    neither becomes a FailedInput naming the file and line, so nothing is dropped silently."""
    out: list[Report | FailedInput] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        return [FailedInput(path=str(path), error=f"无法读取 JSON Lines 文件：{err}")]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(from_json(json.loads(line)))
        except (json.JSONDecodeError, ValidationError, AttributeError) as err:
            reason = str(err).splitlines()[0]
            out.append(FailedInput(path=f"{path}:{number}", error=f"不是 gipr extract 的输出记录：{reason}"))
    return out


def review_run(paths: Iterable[str | Path], llm: LlmConfig | None = None, jobs: int = 1) -> CheckRun:
    """The batch the page shows: report files extracted, JSON Lines records read back, all checked."""
    paths = [Path(p) for p in paths]
    records = [p for p in paths if p.is_file() and p.suffix.lower() in JSONL_SUFFIXES]
    files = [p for p in paths if p not in records]
    if not records:
        return check_paths(files, llm, jobs)
    batch = extract_batch(files, llm, jobs) if files else None
    reports = list(batch.reports) if batch else []
    failed = list(batch.failed) if batch else []
    for path in records:
        for item in read_jsonl(path):
            (failed if isinstance(item, FailedInput) else reports).append(item)
    no_input = not reports and not failed
    return check_batch(reports, failed, no_input=no_input)


def write_review(run: CheckRun, output: Path) -> None:
    """The page written to ``output`` (atomically, through the output-format registry)."""
    write_output("check", run, output, "html")
