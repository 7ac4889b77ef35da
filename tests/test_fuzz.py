"""The bad-input campaign kept as a property-based suite (issue 14).

Mutations of the seed reports and the golden inputs (delete, duplicate or swap lines,
mutate digits, insert separators, truncate, re-encode) go through the real load → parse →
check stages. The invariants:

- no uncaught exception: a mutated file is read, or refused with a LoadError;
- every labelled cell is the clean copy's value, or null with a finding for its table,
  or a number the mutated line itself states (a digit mutation changes the report);
  never a different number without a finding;
- in a batch, every input is accounted for: one result per input, in order.

Profiles (tests/conftest.py): ``ci`` (default) runs a few hundred cases in well under a
minute; ``long`` runs tens of thousands by hand::

    pytest -m fuzz --hypothesis-profile=long tests/test_fuzz.py
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gipr_llm.checks.batch import check_batch
from gipr_llm.domain.models import FailedInput, Finding, LoadError, Report
from gipr_llm.load import load_bytes
from gipr_llm.parse.document import parse
from gipr_llm.pipeline import extract_many
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.fuzz

GOLDEN_INPUTS = sorted(
    p for p in (ROOT / "golden").glob("*/input.*") if p.suffix in (".txt", ".html", ".md")
)
SOURCES: dict[str, Path] = {
    **{f"seed-{name}": path for name, path in SEEDS.items()},
    **{f"golden-{p.parent.name}": p for p in GOLDEN_INPUTS},
}
SEPARATORS = ["\t", " | ", "  ", "|", "\u3000", ",", "，", "\u00a0"]
ODD_FORMS = ["{}%", "({})", "约{}", "{}-", "{}.5e3", "{}万", "{}余", "近{}"]
ENCODINGS = ["gb18030", "utf-16", "utf-8-sig", "big5"]
Cells = dict[tuple[str, str, str], Decimal | int | None]


@dataclass(frozen=True)
class Mutated:
    data: bytes
    kind: str
    states: frozenset[Decimal]  # numbers the mutated text states on the lines it changed


def cells(report: Report) -> Cells:
    out: Cells = {}
    for table_name in ("table2", "table3", "table4"):
        table = getattr(report, table_name)
        if table is None:
            continue
        for row, values in table.rows.items():
            items = values.items() if isinstance(values, dict) else enumerate(values)
            for column, value in items:
                out[(table_name, row, str(column))] = value
    return out


def read(data: bytes, name: str) -> tuple[Report, list[Finding]]:
    """The stages ``gipr check`` runs on one file (the LLM aside)."""
    report, _ = parse(load_bytes(data, name))
    run = check_batch([report])
    return report, run.reports[0].findings


@cache
def clean(source: str) -> tuple[str, Cells]:
    path = SOURCES[source]
    report, _ = read(path.read_bytes(), path.name)
    return path.read_text(encoding="utf-8"), cells(report)


_NUMBER = re.compile(r"\d{1,18}(?:\.\d{1,18})?")


def _stated(lines: list[str]) -> frozenset[Decimal]:
    # Decimals too: a digit mutation turns 3.4600 (万元) into 0.4600.
    return frozenset(Decimal(m) for line in lines for m in _NUMBER.findall(line))


@st.composite
def mutations(draw: st.DrawFn) -> tuple[str, Mutated]:
    source = draw(st.sampled_from(sorted(SOURCES)))
    text, _ = clean(source)
    lines = text.split("\n")
    kind = draw(
        st.sampled_from(["delete", "duplicate", "swap", "digit", "odd-cell", "separator", "truncate", "encoding"])
    )
    at = draw(st.integers(0, len(lines) - 1))
    changed: list[str] = []
    if kind == "delete":
        del lines[at]
    elif kind == "duplicate":
        lines.insert(at, lines[at])
    elif kind == "swap" and at + 1 < len(lines):
        lines[at], lines[at + 1] = lines[at + 1], lines[at]
        changed = [lines[at], lines[at + 1]]
    elif kind == "digit":
        digits = [m.start() for m in re.finditer(r"\d", lines[at])]
        if digits:
            pos = draw(st.sampled_from(digits))
            new = draw(st.sampled_from("0123456789"))
            lines[at] = lines[at][:pos] + new + lines[at][pos + 1 :]
            changed = [lines[at]]
    elif kind == "odd-cell":
        numbers = list(re.finditer(r"(?<![\d.])\d+(?![\d.])", lines[at]))
        if numbers:
            number = draw(st.sampled_from(numbers))
            odd = draw(st.sampled_from(ODD_FORMS)).format(number.group(0))
            lines[at] = lines[at][: number.start()] + odd + lines[at][number.end() :]
            # no stated numbers: the odd cell must be null, every other cell unchanged
    elif kind == "separator" and lines[at]:
        pos = draw(st.integers(0, len(lines[at])))
        sep = draw(st.sampled_from(SEPARATORS))
        lines[at] = lines[at][:pos] + sep + lines[at][pos:]
        changed = [lines[at]]
    mutated = "\n".join(lines)
    data = mutated.encode("utf-8")
    if kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "encoding":
        data = mutated.encode(draw(st.sampled_from(ENCODINGS)), errors="replace")
    return source, Mutated(data, kind, _stated(changed))


def _explained(findings: list[Finding], table: str, row: str | None, *, any_severity: bool = False) -> bool:
    """A reading finding that points the reader at this row (or the whole table). An
    arithmetic finding does not count: it blames the report for what was misread."""
    return any(
        f.stage == "parse"
        and f.table in (table, None)
        and (row is None or f.row in (row, None))
        and (any_severity or f.severity != "info")
        for f in findings
    )


def silent_changes(
    before: Cells, report: Report, findings: list[Finding], states: frozenset[Decimal]
) -> list[str]:
    """The cells of a mutated copy that break the invariant against the clean copy's cells:
    a null, a changed number or a number from nowhere that no reading finding explains.
    ``states`` are numbers the mutated lines state themselves (a digit mutation)."""
    problems: list[str] = []
    for key, value in cells(report).items():
        table, row = key[0], key[1]
        if value is None:
            if before.get(key) is not None and not _explained(findings, table, row, any_severity=True):
                problems.append(f"{key}: null without a finding")
            continue
        if key in before and value == before[key]:
            continue
        if value in states:  # the mutated line states this number itself
            continue
        if before.get(key) is None:
            # A value where the clean copy had none: lines run together after a deletion
            # (a sub-row's label gone, its cells read under the group's label). The table
            # must carry a reading warning; a number *changed* needs one on its own row.
            if not _explained(findings, table, None):
                problems.append(f"{key}: {value} from nowhere, no finding")
            continue
        if not _explained(findings, table, row):
            problems.append(f"{key}: {value} instead of {before.get(key)} without a finding")
    return problems


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutations())
def test_a_mutated_report_is_read_honestly_or_refused(case):
    source, mutated = case
    _, before = clean(source)
    try:
        report, findings = read(mutated.data, SOURCES[source].name)
    except LoadError as refusal:
        assert str(refusal).strip() and "\n" not in str(refusal)
        return
    problems = silent_changes(before, report, findings, mutated.states)
    assert not problems, f"{mutated.kind}: {problems}"


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(mutations(), min_size=1, max_size=4))
def test_every_input_of_a_batch_is_accounted_for(tmp_path_factory, cases):
    folder = tmp_path_factory.mktemp("batch")
    paths = []
    for index, (source, mutated) in enumerate(cases):
        path = folder / f"{index:02d}{SOURCES[source].suffix}"
        path.write_bytes(mutated.data)
        paths.append(path)
    results = list(extract_many(paths))
    assert [r.path if isinstance(r, FailedInput) else r.source.path for r in results] == [str(p) for p in paths]
    assert all(r.error for r in results if isinstance(r, FailedInput))
