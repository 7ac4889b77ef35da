"""JSON rendering of reports: one object, or JSON Lines for a batch; and the schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

from gipr_llm.domain.models import FailedInput, Report


def to_json(item: BaseModel, *, indent: int | None = None) -> str:
    # ensure_ascii off: the output is Chinese and should stay readable in a terminal.
    return json.dumps(item.model_dump(mode="json"), ensure_ascii=False, indent=indent)


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


class JsonWriter:
    """Extract output as it comes: ``jsonl`` one object a line; ``json`` one pretty object for
    a single input, a pretty array for several."""

    def __init__(self, stream: TextIO, fmt: str, *, single: bool) -> None:
        self.stream, self.fmt, self.single = stream, fmt, single
        self._count = 0

    @staticmethod
    def choose(fmt: str | None, output: Path | None, *, single: bool) -> str:
        """The format asked for, else by the output's suffix, else JSON for one input on stdout."""
        if fmt:
            if fmt not in ("json", "jsonl"):
                raise ValueError(f"--format 只能是 json 或 jsonl，收到「{fmt}」")
            return fmt
        if output is not None and output.suffix.lower() in (".json", ".jsonl"):
            return output.suffix.lower().lstrip(".")
        return "json" if single and output is None else "jsonl"

    def write(self, item: BaseModel) -> None:
        if self.fmt == "jsonl":
            self.stream.write(to_json(item) + "\n")
        elif self.single:
            self.stream.write(to_json(item, indent=2) + "\n")
        else:
            self.stream.write(("[\n" if self._count == 0 else ",\n") + to_json(item, indent=2))
        self._count += 1

    def close(self) -> None:
        if self.fmt == "json" and not self.single:
            self.stream.write("\n]\n" if self._count else "[]\n")
