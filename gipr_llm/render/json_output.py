"""JSON rendering of reports: one object (or an array), or JSON Lines; and the schema."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from gipr_llm.domain.models import FailedInput, Report


def to_json(item: BaseModel, *, indent: int | None = None) -> str:
    # pydantic writes JSON in Rust (about 4x faster than dump-then-json.dumps here) and
    # leaves Chinese unescaped, so the output stays readable in a terminal.
    return item.model_dump_json(indent=indent)


def write_json(items: Iterable[Report | FailedInput], out: IO[str], path: Path | None) -> None:
    """One input: its object, indented; several: a JSON array of them."""
    items = list(items)
    if len(items) == 1:
        out.write(to_json(items[0], indent=2) + "\n")
        return
    out.write("[\n" + ",\n".join(to_json(item) for item in items) + "\n]\n")


def write_jsonl(items: Iterable[Report | FailedInput], out: IO[str], path: Path | None) -> None:
    """One object per line, written as each input is done."""
    for item in items:
        out.write(to_json(item) + "\n")
        out.flush()


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
