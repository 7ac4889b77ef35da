"""Reading a batch into the corpus store: skip what is already there, write the rest.

An input is skipped when a file with its sha256 was already read at the same extraction
version (this gipr, this output schema, the same narrative extractor); a changed file has
a new sha256 and replaces the rows its path had. Reports are written in input order by
this one process, ``WRITE_EVERY`` reports to a transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gipr_llm.domain.bodies import BodyDirectory

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import gipr_llm
from gipr_llm.domain.models import SCHEMA_VERSION, FailedInput, Finding, Report
from gipr_llm.pipeline.batch import extract_many
from gipr_llm.store import Rows, Store, add_failed, add_report

if TYPE_CHECKING:
    from gipr_llm.llm.config import LlmConfig

WRITE_EVERY = 200


def extraction_version(llm: LlmConfig | None) -> str:
    """What decides whether a stored reading is still current."""
    narrative = f"llm:{llm.model}" if llm is not None else "rules"
    return f"gipr-llm {gipr_llm.__version__}; output {SCHEMA_VERSION}; {narrative}"


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def ingest(
    files: list[Path],
    store: Store,
    llm: LlmConfig | None = None,
    jobs: int = 1,
    bodies: BodyDirectory | None = None,
) -> Iterator[tuple[Path, Report | FailedInput | None, list[Finding]]]:
    """Read what the store lacks and write it; yields (path, result, findings) per input in
    order, result None for a skipped input. Rows are committed every ``WRITE_EVERY``
    reports and at the end (also when the caller stops early)."""
    version = extraction_version(llm)
    known = store.known_sha256(version)
    todo: list[tuple[Path, str | None]] = []
    plan: list[tuple[Path, str | None, bool]] = []
    for path in files:
        sha = file_sha256(path)
        skip = sha is not None and sha in known
        if sha is not None:
            known.add(sha)  # a second copy in the same batch is skipped too
        plan.append((path, sha, skip))
        if not skip:
            todo.append((path, sha))
    results = extract_many([p for p, _ in todo], llm, jobs, bodies, form="checked")
    rows = Rows()
    try:
        for path, sha, skip in plan:
            if skip:
                yield path, None, []
                continue
            item = next(results)
            if isinstance(item, FailedInput):
                add_failed(rows, item, sha, version)
                yield path, item, []
            else:
                add_report(rows, item.report, item.findings, version)
                yield path, item.report, item.findings
            if len(rows) >= WRITE_EVERY:
                store.write(rows)
                rows = Rows()
    finally:
        store.write(rows)
