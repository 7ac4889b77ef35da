"""JSON rendering of reports: one object (or an array), or JSON Lines; and the schema."""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from gipr_llm.domain.models import Agreement, FailedInput, Report, severity_counts


@dataclass(frozen=True, slots=True)
class RenderedReport:
    """A report already written as its JSON object, with what a batch's progress line needs.

    What a batch's worker processes send back when the consumer only writes JSON: a Report
    crosses the process boundary as a pickle that costs the main process more to load
    (about 110 µs) than rendering costs the worker (about 45 µs), and the main process is
    the one every worker waits on. The JSON is UTF-8 bytes, as pydantic writes it and as it
    is written out: a str would be encoded to cross over, decoded on arrival and encoded
    again to be written, all three in the main process or on its way.
    """

    path: str
    json: bytes  # to_json(report), UTF-8
    errors: int  # findings of severity "error"
    warnings: int
    agreement: Agreement | None

    @classmethod
    def of(cls, report: Report) -> RenderedReport:
        errors, warnings = severity_counts(report.findings)
        json = report.__pydantic_serializer__.to_json(report)  # model_dump_json without its decode
        return cls(report.source.path, json, errors, warnings, report.extraction.agreement)


def to_json(item: BaseModel | RenderedReport, *, indent: int | None = None) -> str:
    # pydantic writes JSON in Rust (about 4x faster than dump-then-json.dumps here) and
    # leaves Chinese unescaped, so the output stays readable in a terminal.
    if isinstance(item, RenderedReport):
        if indent is None:
            return item.json.decode()
        item = Report.model_validate_json(item.json)  # indented by the same writer
    return item.model_dump_json(indent=indent)


def write_json(items: Iterable[Report | RenderedReport | FailedInput], out: IO[str], path: Path | None) -> None:
    """One input: its object, indented; several: a JSON array of them."""
    items = list(items)
    if len(items) == 1:
        out.write(to_json(items[0], indent=2) + "\n")
        return
    out.write("[\n" + ",\n".join(to_json(item) for item in items) + "\n]\n")


def write_jsonl(items: Iterable[Report | RenderedReport | FailedInput], out: IO[str], path: Path | None) -> None:
    """One object per line, written as each input is done: to standard output, each line is
    flushed as it is written, for the reader at the other end; a file (``path``) is written
    whole before it replaces the old one, so its lines go in large writes."""
    raw = _utf8_bytes_under(out)
    line_end = os.linesep.encode()  # what the text stream writes for "\n"
    for item in items:
        if raw is not None and isinstance(item, RenderedReport):
            raw.write(item.json + line_end)
            if path is None:
                raw.flush()
        else:
            out.write(to_json(item) + "\n")
            out.flush()  # and so the next rendered line goes under it in order


def _utf8_bytes_under(out: IO[str]) -> IO[bytes] | None:
    """The byte stream under a UTF-8 text stream (a file, stdout), where a rendered report's
    bytes can go as they are; None for any other stream."""
    raw = getattr(out, "buffer", None)
    encoding = getattr(out, "encoding", None)
    if raw is None or not encoding:
        return None
    try:
        return raw if codecs.lookup(encoding).name == "utf-8" else None
    except LookupError:
        return None


def from_json(record: dict[str, Any]) -> Report | FailedInput:
    """One object of ``extract`` output read back: a failed input or a report (raises
    pydantic's ValidationError, or AttributeError for a non-object, when it is neither)."""
    model = FailedInput if record.get("status") == "failed" else Report
    return model.model_validate(record)


def report_schema() -> dict[str, Any]:
    """The published JSON Schema of one line of ``gipr extract`` output."""
    ok = Report.model_json_schema()
    failed = FailedInput.model_json_schema()
    defs = {**ok.pop("$defs", {}), **failed.pop("$defs", {})}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "gipr-llm extract output",
        "oneOf": [{"$ref": "#/$defs/Report"}, {"$ref": "#/$defs/FailedInput"}],
        "$defs": {**defs, "Report": ok, "FailedInput": failed},
    }
