"""The data model: every typed hand-off between stages and the published output schema.

Stages and what they exchange:

    load      bytes            -> Document   (lines of cells, whatever the file format)
    sections  Document         -> Sections   (title, agency, year, section texts, table regions)
    tables    Document+Sections-> Table2/3/4 + parse findings
    narrative section texts    -> NarrativeFacts (+ ExtractionRun)
    checks    Report           -> check findings
    render    Report/findings  -> JSON, check report, briefing

Internal hand-offs (Document, Line) are plain dataclasses because the table parser runs
thousands of times a second; everything a user sees is a pydantic model, and
``Report.model_json_schema()`` is the published schema (``schema/report.schema.json``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gipr_llm.domain.spec import Template

SCHEMA_VERSION = "1.0"

# The input format registry (load/formats.py) names them: text, html, docx, pdf, …
SourceFormat = str
Severity = Literal["error", "warning", "info"]
Stage = Literal["parse", "narrative", "check"]
Extractor = Literal["rules", "llm", "rules+llm"]  # rules+llm: both paths found it, same value
CellState = Literal["value", "blank", "not_applicable", "unreadable", "unaligned"]


# --- load stage (internal) --------------------------------------------------------


@dataclass(slots=True)
class Line:
    """One physical line of text, or one row of a table grid, split into cells.

    A plain paragraph is a single cell. ``in_table`` is True when the loader knows the
    row came from a real table (HTML/DOCX/PDF table); text loaders cannot know and
    leave it False.
    """

    # A tuple from the text loader (cheaper to build and to garbage-collect), a list from
    # the others; readers treat both as a read-only sequence.
    cells: list[str] | tuple[str, ...]
    number: int  # 1-based line (or row) number in the source, for messages
    in_table: bool = False
    raw: str | None = None  # the line as read, when the loader has it (saves re-joining cells)

    @property
    def text(self) -> str:
        return self.raw if self.raw is not None else "\t".join(self.cells)


@dataclass(slots=True)
class OcrReading:
    """How a scanned source was read: the OCR engine, the resolution, the pages OCR'd
    (1-based) and each OCR'd cell's recognition confidence, keyed "line:cell index"."""

    engine: str
    dpi: int
    pages: list[int]
    confidence: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class Document:
    """What every loader hands to the parser: the source's identity and its lines."""

    path: str
    sha256: str
    format: SourceFormat
    encoding: str | None
    lines: list[Line] = field(default_factory=list)
    converted: str | None = None  # what was done to the text before parsing (e.g. 繁体→简体)
    # Where the file names itself outside its text: (source, text), e.g. ("html:title", …),
    # ("html:meta:ArticleTitle", …), ("docx:core.title", …), ("pdf:meta.title", …).
    title_candidates: list[tuple[str, str]] = field(default_factory=list)
    hidden_skipped: int = 0  # hidden page elements with text that were not read (HTML)
    ocr: OcrReading | None = None  # set when (part of) the text was read from page images
    # The decoded text the lines were split from (text loader only): a stage that looks for a
    # rare word in every line asks it first. Lines rebuilt later (flat.reline) are still
    # pieces of it, so a word absent from it is absent from every line.
    text: str | None = None


@dataclass(slots=True)
class Sections:
    """Where the report's parts are: title facts, section spans and table regions.

    Spans are half-open ranges of indexes into ``Document.lines``; a table region excludes
    its section heading.
    """

    title: str | None
    agency: str | None
    year: int | None
    spans: dict[str, tuple[int, int]]
    table_regions: dict[str, tuple[int, int]]
    narrative: dict[str, str]


class LoadError(Exception):
    """A file that cannot be read as a report. ``str(err)`` is a one-line reason."""


# --- published output -------------------------------------------------------------


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(StrictModel):
    path: str
    sha256: str
    format: SourceFormat
    encoding: str | None = Field(None, description="Detected text encoding (text/HTML input)")
    converted: str | None = Field(
        None,
        description="What was done to the text before parsing (traditional to simplified characters, "
        "pinyin glosses removed); quotes and labels are then in the converted text",
    )
    ocr: str | None = Field(
        None,
        description="Set when text was read from page images by OCR: engine, resolution and pages; "
        "quotes are then checked against the OCR text",
    )


class Meta(StrictModel):
    agency: str | None = Field(
        None, description="The reporting body as printed (title, page title, properties, file name…)"
    )
    agency_source: str | None = Field(
        None,
        description="Where the body was read: title, html:title, html:meta:<name>, docx:heading, "
        "docx:core.title, pdf:meta.title, text:来源, opening, filename",
    )
    body_key: str | None = Field(
        None,
        description="Canonical body key for grouping across years and copies: the normalised name, "
        "the --bodies file's canonical body, or (in a batch) the same body's name with its region prefix",
    )
    body_source: Literal["name", "bodies-file", "batch-prefix"] | None = Field(
        None, description="How body_key was derived"
    )
    region: str | None = Field(None, description="Region of the body (from the --bodies file)")
    level: str | None = Field(None, description="Administrative level of the body (from the --bodies file)")
    parent_body: str | None = Field(None, description="Parent body (from the --bodies file)")
    year: int | None = Field(None, description="The report year")
    year_source: str | None = Field(
        None, description="Where the year was read: title, html:title, …, opening, period (统计期限), filename"
    )
    template: Template | Literal["mixed"] | None = Field(
        None, description="Template read from the tables; 'mixed' when 表二 and 表三 disagree"
    )
    table_templates: dict[str, Template] = Field(
        default_factory=dict, description="Template of each table, read from its own headers"
    )
    sections_found: list[str] = Field(default_factory=list, description="Canonical section keys found")


class Finding(StrictModel):
    """One thing a reviewer should know: a parse oddity, a broken rule, an ungrounded fact."""

    rule: str = Field(description="Rule id, e.g. PARSE-CELL, PARSE-ROW-LENGTH, T3-BALANCE")
    severity: Severity
    stage: Stage
    table: str | None = None
    row: str | None = Field(None, description="Canonical row key")
    row_label: str | None = None
    column: str | None = Field(None, description="Canonical column key")
    column_label: str | None = None
    raw: str | None = Field(None, description="Text found in the source, for cells and quotes")
    values: dict[str, int | Decimal | None] | None = Field(
        None, description="The values involved, keyed by cell or quantity"
    )
    expected: int | Decimal | None = None
    stated: int | Decimal | None = None
    likely_fix: dict[str, int | Decimal | str | None] | None = Field(
        None, description="For a localised error: the cell and the value that satisfies every rule"
    )
    line: int | None = Field(None, description="Source line (or table row) number")
    message: str = Field(description="One sentence in Chinese a reviewer can act on")
    fault: Literal["report", "reading"] | None = Field(
        None,
        description="Who is at fault: the report (an error the body must correct) or the reading "
        "(the tool could not read or place something); None when neither (info)",
    )


def severity_counts(findings: Iterable[Finding]) -> tuple[int, int]:
    """(errors, warnings) among ``findings``: what a batch's progress line and the store count."""
    severities = [f.severity for f in findings]
    return severities.count("error"), severities.count("warning")


Number = int | Decimal


class Table2(StrictModel):
    """表二 — proactive disclosure. rows: row key -> column key -> value."""

    template: Template
    rows: dict[str, dict[str, Number | None]]
    sub_rows: dict[str, dict[str, dict[str, Number | None]]] = Field(
        default_factory=dict,
        description="Locally split rows kept under their own labels, e.g. other_services -> 行政检查",
    )
    units: dict[str, str] = Field(
        default_factory=dict, description="Unit of money cells as printed, keyed 'row.column'"
    )
    notes: dict[str, str] = Field(
        default_factory=dict, description="Notes printed inside a cell, keyed 'row.column'"
    )


class Table3(StrictModel):
    """表三 — applications. rows: row key -> 7 values in column order (spec.T3_COLUMNS)."""

    template: Template | None
    rows: dict[str, list[int | None]]


class Table4(StrictModel):
    """表四 — review and litigation. rows: group key -> column key -> value."""

    rows: dict[str, dict[str, int | None]]


class CountFact(StrictModel):
    """A number the narrative states, with the exact quote it came from."""

    kind: Literal[
        "proactive_total",
        "proactive_item",
        "applications_received",
        "applications_processed",
        "applications_carried_over",
        "reviews",
        "lawsuits",
        "reviews_and_lawsuits",
    ]
    label: str | None = Field(None, description="Category or channel, for proactive_item")
    value: int
    approximate: bool = Field(
        False, description="The report gives the number as approximate (5500余条, 约300条, 四十多条)"
    )
    unit: str | None = None
    quote: str
    extractor: Extractor


class TextFact(StrictModel):
    """A short item (a problem, a measure, an initiative) with the quote it came from."""

    text: str
    quote: str
    extractor: Extractor


class FeeFact(StrictModel):
    """信息处理费: whether any was collected, and how much (元) when stated."""

    collected: bool
    amount_yuan: Decimal | None = None
    quote: str
    extractor: Extractor


class NarrativeFacts(StrictModel):
    counts: list[CountFact] = Field(default_factory=list)
    problems: list[TextFact] = Field(default_factory=list)
    measures: list[TextFact] = Field(default_factory=list)
    initiatives: list[TextFact] = Field(default_factory=list)
    fee: FeeFact | None = None


class TokenUsage(StrictModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Agreement(StrictModel):
    """How the rules and the LLM compared on one report's counts (only when the LLM answered)."""

    agreed: int = 0
    rules_only: int = 0
    llm_only: int = 0
    disagreed: int = 0

    @property
    def total(self) -> int:
        return self.agreed + self.rules_only + self.llm_only + self.disagreed

    def __add__(self, other: Agreement) -> Agreement:
        return Agreement(
            agreed=self.agreed + other.agreed,
            rules_only=self.rules_only + other.rules_only,
            llm_only=self.llm_only + other.llm_only,
            disagreed=self.disagreed + other.disagreed,
        )

    @property
    def rate(self) -> float | None:
        """Share of counts both paths found with the same value; None when there are none."""
        return self.agreed / self.total if self.total else None


class ExtractionRun(StrictModel):
    """How the narrative facts were produced.

    ``extractor`` is "llm" when the LLM answered (its facts reconciled with the rules', which
    always run), "rules" when no LLM was configured or it failed (``fallback_reason``).
    """

    extractor: Extractor = "rules"
    model: str | None = None
    prompt_id: str | None = None
    prompt_sha256: str | None = None
    cached: bool = False
    attempts: int = 0
    usage: TokenUsage | None = Field(None, description="Tokens billed by this run (none on a cache hit)")
    saved_usage: TokenUsage | None = Field(
        None, description="On a cache hit: the tokens the cached reply cost when it was made, saved now"
    )
    fallback_reason: str | None = Field(None, description="Why the rules ran instead of the LLM")
    agreement: Agreement | None = Field(None, description="Rules and LLM compared, when the LLM answered")


class Report(StrictModel):
    """The output of ``gipr extract`` for one report."""

    schema_version: str = SCHEMA_VERSION
    status: Literal["ok"] = "ok"
    source: Source
    meta: Meta
    table2: Table2 | None = None
    table3: Table3 | None = None
    table4: Table4 | None = None
    narrative: dict[str, str] = Field(
        default_factory=dict,
        description="Narrative section texts keyed by section (overview, problems, other)",
    )
    facts: NarrativeFacts = Field(default_factory=NarrativeFacts)
    extraction: ExtractionRun = Field(default_factory=ExtractionRun)
    findings: list[Finding] = Field(default_factory=list)


class FailedInput(StrictModel):
    """An input that could not be read; batch output lists it instead of dropping it."""

    schema_version: str = SCHEMA_VERSION
    status: Literal["failed"] = "failed"
    path: str
    error: str
