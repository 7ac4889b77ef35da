"""The output-format registry: the one place that maps a command's output to its writers.

Each row names the kind of result it writes (``reports`` from extract, ``check`` from check,
``brief`` from brief, ``corpus`` from export: a store), the format's name for ``--format``, the file suffixes that choose it
when ``-o`` is given, and the writer (an import string, so a format's library is loaded
only when used). A writer is ``write(result, out, path)``: ``out`` is an open stream (text,
or bytes when ``binary``), ``path`` the output file or None for stdout. A new output format
is one writer function and one row here.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import IO, Any, Literal

Kind = Literal["reports", "check", "brief", "corpus"]


class FormatError(ValueError):
    """An output format that cannot be used; ``str(err)`` is one line."""


@dataclass(frozen=True, slots=True)
class OutputFormat:
    kind: Kind
    name: str
    suffixes: tuple[str, ...]
    writer: str  # "module:function"
    binary: bool = False  # writes bytes (needs a file, not the terminal)

    def write(self, result: Any, out: IO, path: Path | None) -> None:
        module, _, name = self.writer.partition(":")
        getattr(import_module(module), name)(result, out, path)


FORMATS: tuple[OutputFormat, ...] = (
    # the first row of a kind is its default
    OutputFormat("reports", "json", (".json",), "gipr_llm.render.json_output:write_json"),
    OutputFormat("reports", "jsonl", (".jsonl", ".ndjson"), "gipr_llm.render.json_output:write_jsonl"),
    OutputFormat("check", "text", (".txt",), "gipr_llm.render.check_report:write_text"),
    OutputFormat("check", "json", (".json",), "gipr_llm.render.check_report:write_json"),
    # the review page (gipr review; also gipr check -o review.html)
    OutputFormat("check", "html", (".html", ".htm"), "gipr_llm.render.review:write_html"),
    OutputFormat("brief", "md", (".md",), "gipr_llm.render.brief.run:write_markdown"),
    OutputFormat("brief", "docx", (".docx",), "gipr_llm.render.brief.run:write_docx", binary=True),
    OutputFormat("corpus", "xlsx", (".xlsx",), "gipr_llm.render.export:write_xlsx", binary=True),
    OutputFormat("corpus", "csv", (".csv",), "gipr_llm.render.export:write_csv", binary=True),
    OutputFormat("corpus", "parquet", (".parquet",), "gipr_llm.render.export:write_parquet", binary=True),
)


def formats_for(kind: Kind) -> list[OutputFormat]:
    return [f for f in FORMATS if f.kind == kind]


def choose(kind: Kind, name: str | None = None, output: Path | None = None) -> OutputFormat:
    """By ``--format`` when given, else by the output file's suffix, else the kind's default."""
    choices = formats_for(kind)
    names = "、".join(f.name for f in choices)
    if name is not None:
        for fmt in choices:
            if fmt.name == name.lower():
                return fmt
        raise FormatError(f"--format 只能是 {names}，收到「{name}」 (unknown format)")
    if output is not None and output.suffix:
        for fmt in choices:
            if output.suffix.lower() in fmt.suffixes:
                return fmt
        if kind in ("brief", "corpus"):  # the format is the file type: an unknown suffix is a mistake
            suffixes = [s for f in choices for s in f.suffixes]
            raise FormatError(
                f"{output}: 输出文件须为 {' 或 '.join(suffixes)} (output must be {' or '.join(suffixes)})"
            )
    fmt = choices[0]
    if fmt.binary and output is None:
        raise FormatError(f"{fmt.name} 格式须用 -o 指定输出文件 (needs an output file)")
    return fmt


@contextlib.contextmanager
def open_output(path: Path | None, binary: bool = False) -> Iterator[IO]:
    """stdout, or ``path`` written atomically: a temporary file beside it renamed into place
    when the writer finishes, so a failed run never leaves half a file (or destroys one)."""
    if path is None:
        yield sys.stdout.buffer if binary else sys.stdout
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        text = {} if binary else {"encoding": "utf-8"}
        with os.fdopen(fd, "wb" if binary else "w", buffering=_FILE_BUFFER, **text) as out:
            yield out
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes it private; give it a normal file's mode
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


# A batch's JSON Lines file is tens of MB written a line at a time: in 1 MiB writes, not a
# system call per line (the default 8 KiB buffer is smaller than one report's line).
_FILE_BUFFER = 1 << 20


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_output(kind: Kind, result: Any, output: Path | None, name: str | None = None) -> None:
    """Choose the format and write ``result`` with it: what every command does at its end."""
    fmt = choose(kind, name, output)
    with open_output(output, fmt.binary) as out:
        fmt.write(result, out, output)
