"""The layout of ``golden/`` and the JSON format of its files.

One directory per case::

    golden/<case>/case.json           what the case is (seed, planted error, format copy)
    golden/<case>/input.<ext>         the report, as a user would hand it to ``gipr``
    golden/<case>/facts.json          the narrative facts a careful reader finds (hand-written)
    golden/<case>/expected.json       the expected output of a fresh run (reviewed by hand)
    golden/<case>/llm/recording.json  the LLM replies the ``replay`` mode answers from

Every file is UTF-8 JSON written by ``dumps``: two-space indent, Chinese unescaped, and
short flat lists and objects (a 表三 row, a 表二 row) on one line, so a changed cell is a
one-line diff in review.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

GOLDEN_DIR = Path("golden")


def find_golden_dir(start: Path | None = None) -> Path:
    """The project's golden/ from wherever the command runs: the working directory or one of
    its parents (a project with a pyproject.toml beside golden/), else the source checkout
    the package was installed from in development mode."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / GOLDEN_DIR).is_dir() and (folder == here or (folder / "pyproject.toml").is_file()):
            return folder / GOLDEN_DIR
    checkout = Path(__file__).resolve().parents[2] / GOLDEN_DIR
    if checkout.is_dir():
        return checkout
    raise GoldenError("找不到 golden 目录，请在项目目录中运行或用 --golden-dir 指定 (no golden/ found)")
LINE_WIDTH = 100


class GoldenError(Exception):
    """A golden case that cannot be run or read; ``str(err)`` is one line naming the case."""


class CaseInfo(BaseModel):
    """``case.json``: what a case is for, so a reviewer knows what its expected output should say."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(description="One sentence: the report and what the case exercises")
    origin: Literal["seed", "planted", "copy"] = Field(
        description="seed: a real report as published; planted: a seed with an error planted on purpose; "
        "copy: a seed rendered to another file format"
    )
    based_on: str | None = Field(None, description="The case this one was made from")
    planted: str | None = Field(None, description="For planted cases: exactly what was changed")
    eval: bool = Field(True, description="Whether `gipr eval` scores this case")


@dataclass(frozen=True)
class GoldenCase:
    root: Path
    name: str

    @property
    def dir(self) -> Path:
        return self.root / self.name

    @property
    def info_path(self) -> Path:
        return self.dir / "case.json"

    @property
    def facts_path(self) -> Path:
        return self.dir / "facts.json"

    @property
    def expected_path(self) -> Path:
        return self.dir / "expected.json"

    @property
    def pending_path(self) -> Path:
        """A fresh run written by ``gipr golden add``, waiting for a person's review."""
        return self.dir / "expected.pending.json"

    @property
    def recording_path(self) -> Path:
        return self.dir / "llm" / "recording.json"

    @property
    def input_path(self) -> Path:
        inputs = sorted(p for p in self.dir.glob("input.*") if p.is_file())
        if len(inputs) != 1:
            found = "、".join(p.name for p in inputs) or "无"
            raise GoldenError(f"{self.name}: 应有且只有一个 input.* 文件，实际：{found}")
        return inputs[0]

    def relative(self, path: Path) -> str:
        """A path inside golden/, as written into expected files (never an absolute path)."""
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def info(self) -> CaseInfo:
        try:
            return CaseInfo.model_validate(read_json(self.info_path))
        except ValidationError as err:
            problem = err.errors()[0]
            where = ".".join(str(p) for p in problem["loc"])
            raise GoldenError(f"{self.info_path}: {where} {problem['msg']}") from None


def list_cases(root: Path = GOLDEN_DIR, names: list[str] | None = None) -> list[GoldenCase]:
    """The cases under ``root`` in name order, or the named ones (each must exist)."""
    if not root.is_dir():
        raise GoldenError(f"找不到 golden 目录 {root}（请在仓库根目录运行，或用 --golden-dir 指定）")
    available = sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "case.json").is_file())
    if not names:
        return [GoldenCase(root, name) for name in available]
    unknown = [n for n in names if n not in available]
    if unknown:
        raise GoldenError(f"没有这些 golden 用例：{'、'.join(unknown)}（现有：{'、'.join(available)}）")
    return [GoldenCase(root, name) for name in names]


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldenError(f"{path}: 文件不存在") from None
    except (OSError, UnicodeDecodeError) as err:
        raise GoldenError(f"{path}: 无法读取（{err}）") from None
    except json.JSONDecodeError as err:
        raise GoldenError(f"{path}: 不是合法的 JSON（第{err.lineno}行第{err.colno}列：{err.msg}）") from None


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(value), encoding="utf-8")


def dumps(value: Any) -> str:
    """Readable, diff-friendly JSON (see the module docstring); ends with a newline."""
    return _render(value, 0) + "\n"


def _render(value: Any, level: int) -> str:
    one_line = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, dict | list) or not value:
        return one_line
    items = value.values() if isinstance(value, dict) else value
    flat = all(not isinstance(item, dict | list) for item in items)
    if flat and 2 * level + len(one_line) <= LINE_WIDTH:
        return one_line
    pad = "  " * (level + 1)
    if isinstance(value, dict):
        body = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_render(v, level + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(body) + "\n" + "  " * level + "}"
    body = [f"{pad}{_render(v, level + 1)}" for v in value]
    return "[\n" + ",\n".join(body) + "\n" + "  " * level + "]"
