"""Response cache on disk: re-running a corpus with the same model and prompt costs nothing.

One JSON file per request identity: sha256 over endpoint (base URL), model, sampling
settings, prompt sha256, reply-schema sha256, instructor mode and the exact input text (the
same model name on another server is another model). An entry holds the validated (grounded) reply,
the facts grounding dropped, and the usage of the original call; never the API key, the
base URL or request headers. A damaged entry is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from gipr_llm.domain.models import TokenUsage

log = logging.getLogger("gipr.llm")

CACHE_FORMAT = 2


class CacheEntry(BaseModel):
    format: int = CACHE_FORMAT
    model: str
    prompt_id: str
    prompt_sha256: str
    mode: str
    reply: dict[str, Any]
    dropped: list[dict[str, Any]] = []
    usage: TokenUsage
    requests: int


def schema_sha256(response_model: type[BaseModel]) -> str:
    schema = json.dumps(response_model.model_json_schema(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(schema.encode("utf-8")).hexdigest()


def cache_key(
    *,
    model: str,
    prompt_sha256: str,
    schema_sha256: str,
    mode: str,
    input_text: str,
    endpoint: str | None = None,
    sampling: dict[str, Any] | None = None,
) -> str:
    identity = json.dumps(
        {
            "format": CACHE_FORMAT,
            "endpoint": endpoint,
            "sampling": sampling or {},
            "model": model,
            "prompt": prompt_sha256,
            "schema": schema_sha256,
            "mode": mode,
            "input": input_text,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        path = self._path(key)
        try:
            return CacheEntry.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValidationError, ValueError) as err:
            log.warning("忽略损坏的缓存文件 %s（%s）", path, type(err).__name__)
            return None

    def put(self, key: str, entry: CacheEntry) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename: a crash or a parallel run never leaves half a file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(entry.model_dump_json(indent=1))
            os.replace(tmp, path)
        except OSError as err:
            log.warning("无法写入大模型缓存 %s（%s）", self.directory, err.strerror or type(err).__name__)
