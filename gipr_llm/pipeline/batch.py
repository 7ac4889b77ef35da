"""The one batch runner: every input in order, each read or failed with its reason, and
``check_paths``, the batch read and then checked, which ``check`` and ``brief`` share.

"""

from __future__ import annotations

import gc
import glob
import logging
import os
import signal
import stat
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from gipr_llm.checks.batch import CheckedReport, CheckRun, CheckStream, chain_years, check_one
from gipr_llm.domain.models import FailedInput, LoadError, Report
from gipr_llm.load.formats import SUPPORTED_SUFFIXES, TEXT_FORMATS
from gipr_llm.load.ocr import set_page_jobs
from gipr_llm.pipeline.extract import extract
from gipr_llm.pipeline.interrupt import stop_if_asked
from gipr_llm.render.json_output import RenderedReport

if TYPE_CHECKING:
    from gipr_llm.domain.bodies import BodyDirectory
    from gipr_llm.llm.config import LlmConfig

log = logging.getLogger("gipr")


# After this many reports in a row whose endpoint gave no usable answer at all, a batch
# stops calling it: a dead endpoint would otherwise cost every report its full retries.
DEAD_ENDPOINT_LIMIT = 2


class ListedFiles(list[Path]):
    """Inputs already expanded by ``expand_paths``: expanding them again changes nothing, so
    it is skipped (the CLI lists a batch once, for the output check, the shard and the read;
    a stat per file each time was a serial cost before the workers start)."""


def expand_paths(paths: Iterable[str | Path]) -> ListedFiles:
    """Files as given, the report files inside directories, and the files a quoted glob
    names (``'reports/**/*.pdf'``), in a stable order; ``-`` (standard input) as it is.

    A subdirectory that cannot be listed is kept as an input of its own, so that it fails
    with its reason instead of vanishing from the batch; so is a path that cannot even be
    examined (too long, no permission on a parent): ``load`` then names the problem.
    """
    if isinstance(paths, ListedFiles):
        return paths
    out = ListedFiles()
    for raw in paths:
        p = raw if isinstance(raw, Path) else Path(raw)
        kind = _kind(p)
        if kind == "dir":
            out.extend(_report_files(p))
        elif kind == "missing" and any(c in str(raw) for c in "*?["):
            matches = sorted(glob.glob(str(raw), recursive=True))
            for match in matches:
                m = Path(match)
                out.extend(_report_files(m) if _kind(m) == "dir" else [m])
            if not matches:
                out.append(p)  # nothing matched: reported as a missing file, not dropped
        else:
            out.append(p)
    return out


def _kind(p: Path) -> Literal["dir", "other", "missing"]:
    """One stat answers both questions ``expand_paths`` asks of a path (Path.is_dir and
    Path.exists would make two); a batch asks them of every file it is given. A path that
    cannot even be examined (name too long, no permission on a parent) counts as missing,
    as Path.exists says: it stays an input, for ``load`` to name the problem."""
    try:
        st = os.stat(p)
    except (OSError, ValueError):  # ValueError: e.g. a NUL in the name
        return "missing"
    return "dir" if stat.S_ISDIR(st.st_mode) else "other"


def _report_files(directory: Path) -> list[Path]:
    """Report files under ``directory``, and the subdirectories that could not be listed."""
    found: list[Path] = []
    unlisted: list[Path] = []
    for folder, _dirs, files in os.walk(directory, onerror=lambda exc: unlisted.append(Path(exc.filename))):
        found.extend(Path(folder, name) for name in files if is_report_name(name))
    return sorted(found + unlisted)


def is_report_name(name: str) -> bool:
    """``Path(name).suffix.lower() in SUPPORTED_SUFFIXES`` without a Path per file: the
    name ends with a known suffix and is more than the suffix (「.txt」 alone has none)."""
    lowered = name.lower()
    return lowered.endswith(SUPPORTED_SUFFIXES) and lowered not in SUPPORTED_SUFFIXES


def output_among_inputs(output: Path | None, paths: Iterable[str | Path]) -> bool:
    """Whether ``output`` is one of the input files ``paths`` name (same file, whatever the
    spelling): ``gipr extract r.txt -o r.txt`` would replace the report with its failure
    record. The inputs are listed only when the output exists: a file not yet written
    cannot be one of them."""
    if output is None:
        return False
    target = _file_identity(output)
    return target is not None and any(_file_identity(p) == target for p in expand_paths(paths))


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _endpoint_gave_nothing(report: Report) -> bool:
    run = report.extraction
    return run.extractor == "rules" and run.attempts > 0 and not (run.usage and run.usage.total_tokens)


def default_jobs() -> int:
    """Workers for a batch without an LLM: the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def shard(files: ListedFiles, spec: str | None) -> ListedFiles:
    """The files of shard ``i/n`` (1-based): every n-th file of the sorted list, from the i-th.

    Every machine given the same inputs and the same ``n`` gets a disjoint part, and the
    parts together are the whole list.
    """
    if not spec:
        return files
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError:
        raise ValueError(f"--shard 应为 i/n，例如 1/4，收到「{spec}」") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard {spec}: i 应在 1 到 n 之间")
    return ListedFiles(files[index - 1 :: count])


# What a batch hands back for each report read: the Report; the Report checked on its own
# (CheckedReport); or only its JSON (RenderedReport), for a consumer that writes JSON.
Form = Literal["report", "checked", "rendered"]
Item = Report | CheckedReport | RenderedReport | FailedInput


def extract_many(
    paths: Iterable[str | Path],
    llm: LlmConfig | None = None,
    jobs: int = 1,
    bodies: BodyDirectory | None = None,
    *,
    form: Form = "report",
) -> Iterator[Item]:
    """Every input in order, as a report in the ``form`` asked for, or a FailedInput.

    With an LLM, ``jobs`` reports are extracted at once (the wait is the endpoint's, so
    threads suffice); without one the parse is CPU-bound and ``jobs`` worker processes
    share it, the results still coming back in input order to this one process. Whatever
    ``form`` asks for is made where the report was read (in the worker process).
    """
    files = expand_paths(paths)
    if llm is None:
        for item in _extract_in_processes(files, jobs, form, bodies):
            stop_if_asked()
            yield item
        return
    width = max(1, jobs)
    dead_in_a_row = 0
    with ThreadPoolExecutor(max_workers=width) as pool:
        for start in range(0, len(files), width):
            chunk = files[start : start + width]
            skip_llm = llm is not None and dead_in_a_row >= DEAD_ENDPOINT_LIMIT
            use = None if skip_llm else llm
            for item in pool.map(
                _extract_or_fail, chunk, [use] * len(chunk), ["report"] * len(chunk), [bodies] * len(chunk)
            ):
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
                stop_if_asked()
                yield _in_form(item, form) if isinstance(item, Report) else item


def _extract_in_processes(
    files: list[Path], jobs: int, form: Form, bodies: BodyDirectory | None = None
) -> Iterator[Item]:
    """The deterministic path over ``jobs`` processes, in input order, a bounded window ahead
    (so a slow consumer — the store writer — never has the whole batch waiting in memory)."""
    with loaded_objects_frozen():
        if jobs <= 1 or len(files) <= 1:
            # A lone file gets the processes for its pages, if it is a scan to OCR.
            set_page_jobs(jobs if len(files) == 1 else 1)
            try:
                for path in files:
                    yield _extract_or_fail(path, None, form, bodies)
            finally:
                set_page_jobs(1)
        else:
            yield from _in_pool(files, jobs, form, bodies)


@contextmanager
def loaded_objects_frozen() -> Iterator[None]:
    """What is loaded before a batch (modules, compiled patterns, pydantic schemas, the parse
    caches' tables) lives as long as the batch, so it is frozen out of the garbage collector
    while the batch runs: a full collection traversed all of it, the caches' tables with
    tens of thousands of rows included (3–15% of a batch's time once they had filled), and
    in workers forked from this process it touched, and so copied, every page of it.
    Unfrozen after the batch; left alone when the caller has frozen already."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _in_pool(files: list[Path], jobs: int, form: Form, bodies: BodyDirectory | None) -> Iterator[Item]:
    ahead = jobs * 4  # chunks in flight
    chunks = task_chunks(files, jobs)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_sigint) as pool:
        pending: deque[Future] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_extract_chunk, chunk, form, bodies))
            if len(pending) >= ahead:
                break
        while pending:
            yield from pending.popleft().result()
            for chunk in chunks:
                pending.append(pool.submit(_extract_chunk, chunk, form, bodies))
                break


# A task's work, in text files. One task per file cost as much in queueing and wake-ups as
# reading the file (2,000 files: -j 2 used 1.6x the CPU of -j 1); fewer, larger tasks leave
# the main process, which every worker hands its results to, fewer wake-ups (2,000 text
# files: -j 2 went from 1.58-1.60x to 1.68-1.70x of -j 1 with 32 a task instead of 8, as
# fast as two separate processes on the two halves).
TASK_WEIGHT = 32
# A PDF, DOCX or image: several times a text file's time (an OCR'd scan, far more), so fewer
# go in a task: an interrupted batch waits for the tasks running, and the last task decides
# when a batch ends.
SLOW_FILE_WEIGHT = 4
_QUICK_SUFFIXES = tuple(s for f in TEXT_FORMATS for s in f.suffixes)


def task_chunks(files: list[Path], jobs: int) -> Iterator[list[Path]]:
    """The files in order, cut into the tasks the workers take: each about ``TASK_WEIGHT``
    text files' work, and at least four tasks per worker when the batch allows, so that a
    small batch still splits evenly across the workers."""
    weights = [1 if path.name.lower().endswith(_QUICK_SUFFIXES) else SLOW_FILE_WEIGHT for path in files]
    target = max(1, min(TASK_WEIGHT, -(-sum(weights) // (jobs * 4))))
    chunk: list[Path] = []
    weight = 0
    for path, w in zip(files, weights, strict=True):
        chunk.append(path)
        weight += w
        if weight >= target:
            yield chunk
            chunk, weight = [], 0
    if chunk:
        yield chunk


def _extract_chunk(paths: list[Path], form: Form, bodies: BodyDirectory | None) -> list[Item]:
    return [_extract_or_fail(path, None, form, bodies) for path in paths]


def _ignore_sigint() -> None:
    # Ctrl-C reaches the whole process group: the main process stops the batch and shuts the
    # pool down; a worker killed by it mid-wait would turn the interrupt into BrokenProcessPool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _extract_or_fail(
    path: Path, llm: LlmConfig | None, form: Form = "report", bodies: BodyDirectory | None = None
) -> Item:
    """One input read and put in ``form`` (in the worker), or why not."""
    try:
        return _in_form(extract(path, llm, bodies), form)
    except LoadError as err:
        return FailedInput(path=str(path), error=str(err))
    except Exception as err:  # a parser bug must not stop the batch; say what happened
        log.exception("unexpected error in %s", path)
        return FailedInput(path=str(path), error=f"内部错误 (internal error): {type(err).__name__}: {err}")


def _in_form(report: Report, form: Form) -> Report | CheckedReport | RenderedReport:
    if form == "checked":
        return check_one(report)
    if form == "rendered":
        return RenderedReport.of(report)
    return report


@dataclass(slots=True)
class Batch:
    """A batch read whole: its reports, the inputs that failed, and whether any was named."""

    reports: list[Report] = field(default_factory=list)
    failed: list[FailedInput] = field(default_factory=list)
    no_input: bool = False


def extract_batch(
    paths: Iterable[str | Path],
    llm: LlmConfig | None = None,
    jobs: int = 1,
    bodies: BodyDirectory | None = None,
) -> Batch:
    files = expand_paths(paths)
    batch = Batch(no_input=not files)
    for item in extract_many(files, llm, jobs, bodies):
        if isinstance(item, FailedInput):
            batch.failed.append(item)
        else:
            batch.reports.append(item)
    return batch


def check_stream(
    paths: Iterable[str | Path],
    llm: LlmConfig | None = None,
    jobs: int = 1,
    bodies: BodyDirectory | None = None,
) -> CheckStream:
    """Read and check every input, yielding each as it is done; ``finish()`` chains the years
    over the batch once all are read (what ``check`` streams)."""
    files = expand_paths(paths)
    run = CheckRun(no_input=not files)
    done: list[CheckRun] = []

    def items() -> Iterator[CheckedReport | FailedInput]:
        for index, item in enumerate(extract_many(files, llm, jobs, bodies, form="checked"), start=1):
            if isinstance(item, FailedInput):
                run.failed.append(item)
            else:
                item.index = index
                run.reports.append(item)
            yield item

    def finish() -> CheckRun:
        if not done:
            done.append(chain_years(run))
        return done[0]

    return CheckStream(items(), len(files), finish)


def check_paths(
    paths: Iterable[str | Path],
    llm: LlmConfig | None = None,
    jobs: int = 1,
    bodies: BodyDirectory | None = None,
) -> CheckRun:
    """Read and check every input, then chain the years over the batch: what ``brief`` runs."""
    stream = check_stream(paths, llm, jobs, bodies)
    for _ in stream.items:
        pass
    return stream.finish()
