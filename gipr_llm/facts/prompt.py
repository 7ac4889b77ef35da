"""Versioned prompt files: ``prompts/<id>.md``, found in an installed wheel or the source tree.

A prompt file holds a reviewer's note, then ``<!-- system -->`` and ``<!-- user -->`` parts;
the user part has one ``{report}`` slot. The file's sha256 goes into every output that used
it, so a changed prompt is visible in the results (and misses the response cache).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from gipr_llm.domain.spec import NARRATIVE_SECTIONS, SECTION_LABELS

_SYSTEM = "<!-- system -->"
_USER = "<!-- user -->"
_SLOT = "{report}"
# The report goes inside <report>…</report>; a report that itself contains such a tag must
# not be able to close the data block early. Full-width brackets look the same to a reader
# and NFKC maps them back, so grounding still finds quotes that span them.
_TAG = re.compile(r"<(/?report)", re.IGNORECASE)
_BLANKS = re.compile(r"[ \t\u00a0\u3000]+")


class PromptError(RuntimeError):
    pass


@dataclass(frozen=True)
class Prompt:
    id: str
    sha256: str
    system: str
    user_template: str

    def messages(self, report_text: str) -> list[dict[str, str]]:
        user = self.user_template.replace(_SLOT, _TAG.sub(r"＜\1", report_text))
        return [{"role": "system", "content": self.system}, {"role": "user", "content": user}]


def _prompt_dirs() -> list[Path]:
    installed = resources.files("gipr_llm") / "prompts"
    source_tree = Path(__file__).resolve().parents[2] / "prompts"
    return [Path(str(installed)), source_tree]


@cache
def load_prompt(prompt_id: str) -> Prompt:
    for directory in _prompt_dirs():
        path = directory / f"{prompt_id}.md"
        if path.is_file():
            data = path.read_bytes()
            return _parse(prompt_id, data)
    raise PromptError(f"找不到提示词文件 {prompt_id}.md (prompt file missing)")


def _parse(prompt_id: str, data: bytes) -> Prompt:
    text = data.decode("utf-8")
    if text.count(_SYSTEM) != 1 or text.count(_USER) != 1 or text.index(_SYSTEM) > text.index(_USER):
        raise PromptError(f"提示词文件 {prompt_id}.md 格式不对：需要 system、user 两部分 (bad prompt file)")
    system, user = text.split(_SYSTEM, 1)[1].split(_USER, 1)
    if user.count(_SLOT) != 1 or _SLOT in system:
        raise PromptError(
            f"提示词文件 {prompt_id}.md 格式不对：user 部分需要恰好一个 {_SLOT} (bad prompt file)"
        )
    return Prompt(
        id=prompt_id,
        sha256=hashlib.sha256(data).hexdigest(),
        system=system.strip(),
        user_template=user.strip(),
    )


def compact(text: str) -> str:
    """Section text with runs of blanks collapsed and empty lines dropped (fewer tokens).

    Grounding ignores whitespace, so quotes copied from the compacted text still match.
    """
    lines = (_BLANKS.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def narrative_report_text(narrative: dict[str, str]) -> str:
    """The narrative sections, each under its canonical heading, in template order."""
    parts = [
        f"【{SECTION_LABELS[key]}】\n{compact(narrative[key])}"
        for key in NARRATIVE_SECTIONS
        if compact(narrative.get(key) or "")
    ]
    return "\n\n".join(parts)
