"""The one batch runner: every input in order, each read or failed with its reason, and
``check_paths``, the batch read and then checked, which ``check`` and ``brief`` share.

"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from gipr_llm.checks.batch import CheckRun, check_batch
from gipr_llm.domain.models import FailedInput, LoadError, Report
from gipr_llm.load.formats import SUPPORTED_SUFFIXES
from gipr_llm.pipeline.extract import extract

if TYPE_CHECKING:
    from gipr_llm.llm.config import LlmConfig

log = logging.getLogger("gipr")


# After this many reports in a row whose endpoint gave no usable answer at all, a batch
# stops calling it: a dead endpoint would otherwise cost every report its full retries.
DEAD_ENDPOINT_LIMIT = 2


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given, and the report files inside directories, in a stable order."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(
                sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            out.append(p)
    return out


def _endpoint_gave_nothing(report: Report) -> bool:
    run = report.extraction
    return run.extractor == "rules" and run.attempts > 0 and not (run.usage and run.usage.total_tokens)


def extract_many(
    paths: Iterable[str | Path], llm: LlmConfig | None = None, jobs: int = 1
) -> Iterator[Report | FailedInput]:
    """Every input in order, as a Report or a FailedInput.

    With an LLM, ``jobs`` reports are extracted at once (the wait is the endpoint's, so
    threads suffice); without one the parse is CPU-bound and runs one at a time.
    """
    files = expand_paths(paths)
    width = max(1, jobs) if llm is not None else 1
    dead_in_a_row = 0
    with ThreadPoolExecutor(max_workers=width) as pool:
        for start in range(0, len(files), width):
            chunk = files[start : start + width]
            skip_llm = llm is not None and dead_in_a_row >= DEAD_ENDPOINT_LIMIT
            use = None if skip_llm else llm
            for item in pool.map(_extract_or_fail, chunk, [use] * len(chunk)):
                if isinstance(item, Report) and llm is not None:
                    if skip_llm:
                        item.extraction.model = llm.model
                        item.extraction.fallback_reason = (
                            f"本批前{DEAD_ENDPOINT_LIMIT}份报告调用大模型均未得到响应，其余报告不再调用，改用规则提取"
                            " (endpoint not answering: rules for the rest of the batch)"
                        )
                    else:
                        dead_in_a_row = dead_in_a_row + 1 if _endpoint_gave_nothing(item) else 0
                        if dead_in_a_row == DEAD_ENDPOINT_LIMIT:
                            log.warning(
                                "大模型服务连续%d份报告未响应，本批其余报告改用规则提取", DEAD_ENDPOINT_LIMIT
                            )
                yield item


def _extract_or_fail(path: Path, llm: LlmConfig | None) -> Report | FailedInput:
    try:
        return extract(path, llm)
    except LoadError as err:
        return FailedInput(path=str(path), error=str(err))
    except Exception as err:  # a parser bug must not stop the batch; say what happened
        log.exception("unexpected error in %s", path)
        return FailedInput(path=str(path), error=f"内部错误 (internal error): {type(err).__name__}: {err}")


@dataclass(slots=True)
class Batch:
    """A batch read whole: its reports, the inputs that failed, and whether any was named."""

    reports: list[Report] = field(default_factory=list)
    failed: list[FailedInput] = field(default_factory=list)
    no_input: bool = False


def extract_batch(paths: Iterable[str | Path], llm: LlmConfig | None = None, jobs: int = 1) -> Batch:
    files = expand_paths(paths)
    batch = Batch(no_input=not files)
    for item in extract_many(files, llm, jobs):
        if isinstance(item, FailedInput):
            batch.failed.append(item)
        else:
            batch.reports.append(item)
    return batch


def check_paths(paths: Iterable[str | Path], llm: LlmConfig | None = None, jobs: int = 1) -> CheckRun:
    """Read every input, then the check stage over the batch: what ``check`` and ``brief`` run."""
    batch = extract_batch(paths, llm, jobs)
    return check_batch(batch.reports, batch.failed, no_input=batch.no_input)
