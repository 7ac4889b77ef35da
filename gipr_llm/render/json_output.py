"""JSON rendering of reports: one object (or an array), or JSON Lines; and the schema."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from pydantic import BaseModel

from gipr_llm.domain.models import FailedInput, Report


def to_json(item: BaseModel, *, indent: int | None = None) -> str:
    # ensure_ascii off: the output is Chinese and should stay readable in a terminal.
    return json.dumps(item.model_dump(mode="json"), ensure_ascii=False, indent=indent)


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
