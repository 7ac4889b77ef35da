"""``gipr golden check`` and ``gipr golden update`` without the command line around them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gipr_llm.golden.diff import Difference, diff_documents
from gipr_llm.golden.run import MODES, Mode, fresh_document
from gipr_llm.golden.store import GoldenCase, GoldenError, read_json, write_json


@dataclass
class CaseResult:
    case: GoldenCase
    differences: list[Difference] = field(default_factory=list)
    error: str | None = None  # the case could not be run (stale recording, unreadable file…)
    fresh: dict[str, Any] | None = None
    new: bool = False  # no expected.json yet

    @property
    def ok(self) -> bool:
        return self.error is None and not self.differences and not self.new

    def lines(self) -> list[str]:
        if self.error is not None:
            return [f"错误 {self.error}"]
        if self.new:
            return [f"{self.case.name}: 新用例，尚无 expected.json"]
        return [d.render(self.case.name) for d in self.differences]


def compare_case(case: GoldenCase, modes: tuple[Mode, ...] = MODES) -> CaseResult:
    try:
        expected = read_json(case.expected_path) if case.expected_path.is_file() else None
        fresh = fresh_document(case, modes, expected)
    except GoldenError as err:
        return CaseResult(case, error=str(err))
    if expected is None:
        return CaseResult(case, fresh=fresh, new=True)
    return CaseResult(case, diff_documents(expected, fresh), fresh=fresh)


def compare_cases(cases: list[GoldenCase], modes: tuple[Mode, ...] = MODES) -> list[CaseResult]:
    return [compare_case(case, modes) for case in cases]


def write_expected(result: CaseResult) -> None:
    if result.fresh is None:
        raise GoldenError(f"{result.case.name}: 没有可写入的结果")
    write_json(result.case.expected_path, result.fresh)


def exit_code(results: list[CaseResult]) -> int:
    """2 when a case could not be run, 1 when any differs, else 0."""
    if any(r.error for r in results):
        return 2
    return 0 if all(r.ok for r in results) else 1
