"""JSON rendering of reports: one object, or JSON Lines for a batch; and the schema."""

from __future__ import annotations

import json
from typing import Any

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
