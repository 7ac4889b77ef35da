"""``gipr golden check`` and ``gipr golden update`` without the command line around them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
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


def merged_expected(result: CaseResult, expected: dict[str, Any], modes: tuple[Mode, ...]) -> dict[str, Any]:
    """The expected document with only ``modes`` replaced by the fresh run. Refused when what
    the modes share changed too: the other modes must then be run again (``--mode all``)."""
    fresh = result.fresh or {}
    shared = [key for key in fresh if key not in MODES]
    if any(fresh[key] != expected.get(key) for key in shared if key != "findings") or (
        fresh.get("findings") != expected.get("findings")
    ):
        raise GoldenError(
            f"{result.case.name}: 各模式共有的部分（表格、元数据或共有的发现）已改变，请用 --mode all 更新"
        )
    return {**expected, **{mode: fresh[mode] for mode in modes}}


def junit_xml(results: list[CaseResult], modes: tuple[Mode, ...]) -> str:
    """The results as JUnit XML, one test case per golden case, for CI dashboards."""
    from xml.etree import ElementTree as ET

    suite = ET.Element(
        "testsuite",
        name=f"gipr golden check ({'+'.join(modes)})",
        tests=str(len(results)),
        failures=str(sum(1 for r in results if not r.ok and r.error is None)),
        errors=str(sum(1 for r in results if r.error is not None)),
    )
    for result in results:
        case = ET.SubElement(suite, "testcase", classname="golden", name=result.case.name)
        if result.error is not None:
            ET.SubElement(case, "error", message=result.error).text = result.error
        elif not result.ok:
            lines = result.lines()
            ET.SubElement(case, "failure", message=f"{len(lines)} 处差异").text = "\n".join(lines)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"


def add_case(root: Path, report: Path, name: str, description: str) -> GoldenCase:
    """A new case from a report file: its input copied, case.json written, and the fresh rules
    run kept as ``expected.pending.json`` for a person to review (never accepted by itself)."""
    import shutil

    from gipr_llm.golden.run import build_document, run_case

    case = GoldenCase(root, name)
    if case.dir.exists():
        raise GoldenError(f"{name}: 用例已存在（{case.dir}）")
    if not report.is_file():
        raise GoldenError(f"{report}: 文件不存在")
    case.dir.mkdir(parents=True)
    try:
        shutil.copyfile(report, case.dir / f"input{report.suffix.lower() or '.txt'}")
        write_json(case.info_path, {"description": description, "origin": "added", "eval": False})
        document = build_document(case, {"rules": run_case(case, "rules")})
        write_json(case.pending_path, document)
    except Exception:
        shutil.rmtree(case.dir, ignore_errors=True)
        raise
    return case
