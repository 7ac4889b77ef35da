"""Where results are written: atomically, never over an input, with a one-line reason.

An output is first written to a temporary file beside it and renamed over the target only
when complete, so an interrupted or failed run never leaves half a file (nor destroys the
file that was there). An output path that is also one of the inputs is refused up front:
``gipr extract r.txt -o r.txt`` would otherwise replace the report with its failure record.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from gipr_llm.domain.textnorm import printable


class OutputError(Exception):
    """An output that cannot be written; ``str(err)`` is one line naming the path."""


def refuse_output_among_inputs(output: Path | None, inputs: Iterable[Path]) -> None:
    if output is None:
        return
    target = _identity(output)
    if target is None:
        return  # does not exist yet: it cannot be an input
    for item in inputs:
        if _identity(item) == target:
            raise OutputError(
                f"{printable(str(output))}: 输出文件是输入文件之一，已拒绝以免覆盖 (output is one of the inputs)"
            )


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


@contextlib.contextmanager
def atomic_output(path: Path, mode: str = "w") -> Iterator[IO]:
    """A file object whose content replaces ``path`` only when the block ends normally."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(_cannot_write(path, exc)) from None
    try:
        with os.fdopen(fd, mode, **({"encoding": "utf-8"} if "b" not in mode else {})) as handle:
            yield handle
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(_cannot_write(path, exc)) from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)  # gone after a successful replace; the leftover otherwise


def write_text_atomic(path: Path, text: str) -> None:
    with atomic_output(path) as handle:
        handle.write(text)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    with atomic_output(path, "wb") as handle:
        handle.write(data)


def _cannot_write(path: Path, exc: OSError) -> str:
    return f"{printable(str(path))}: 无法写入输出文件（{exc.strerror or type(exc).__name__}） (cannot write output)"
