"""``gipr eval``: score narrative facts against the hand-written golden facts.

Sources of the facts being scored:

- ``recordings`` (the default, no network): the LLM path replayed from each case's recording,
  so CI exercises the scoring; the report says who answered (``scripted`` replies are
  hand-written, not model output);
- ``live``: the configured endpoint and model (``--model M``), response cache off;
- ``rules``: the rules extractor, the baseline every model should beat.

Matching (one golden fact is matched at most once; greedy, deterministic):

- a count matches when kind and value are equal and, for ``proactive_item``, the labels
  agree (after removing whitespace and quotation marks, one contains the other). A
  predicted count that agrees with a golden one on kind (and label) but not on value is a
  miss *and* a wrong number: ``numbers_exact / numbers`` is the share of aligned counts
  whose number is exactly right;
- a problem, measure or initiative matches when, after normalising (NFKC, no whitespace or
  punctuation), the longest passage its quote shares with the golden quote covers at least
  half of the golden quote (both quote the same report, so this is how much of the golden
  excerpt it quotes: a bare heading does not cover a problem's sentence), or when the two
  summaries' character-bigram Dice coefficient is at least 0.5;
- the fee matches when ``collected`` agrees and so does the amount (a missing amount and 0
  agree when nothing was collected).

Per report: attempts (requests sent, re-asks included), retries (attempts beyond the first),
quotes that failed grounding (``LLM-UNGROUNDED`` findings), tokens as the endpoint reported
them, and cost from ``--price-in``/``--price-out`` (per million tokens). Output has no
timestamps or durations: the same recordings give the same output byte for byte.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any, Literal

from gipr_llm.domain.models import (
    Agreement,
    CountFact,
    FeeFact,
    NarrativeFacts,
    Report,
    TextFact,
    TokenUsage,
)
from gipr_llm.domain.textnorm import squash
from gipr_llm.facts.schema import COUNT_KINDS
from gipr_llm.golden.store import GoldenCase, GoldenError, dumps, read_json

EvalSource = Literal["recordings", "live", "rules"]
TEXT_FIELDS = ("problems", "measures", "initiatives")
FIELDS: tuple[str, ...] = (*COUNT_KINDS, *TEXT_FIELDS, "fee")
UNGROUNDED_RULE = "LLM-UNGROUNDED"  # the rule of gipr_llm.facts.llm_extract.ungrounded_finding
MIN_SIMILARITY = 0.5  # quote coverage or summary Dice
_PUNCT = re.compile(r"[\s\"'“”‘’「」『』《》〈〉()（）\[\]【】,，.。;；:：!！?？、…—\-]+")


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    numbers: int = 0  # predicted counts aligned with a golden count of the same kind (and label)
    numbers_exact: int = 0  # … whose value is exactly the golden value

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    def add(self, other: FieldScore) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.numbers += other.numbers
        self.numbers_exact += other.numbers_exact

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "precision": _round(self.precision), "recall": _round(self.recall)}


@dataclass
class CaseEval:
    case: str
    answered_by: str  # "scripted", a model name, or "rules"
    extractor: str
    fields: dict[str, FieldScore]
    attempts: int
    ungrounded: int
    usage: TokenUsage
    cost: float
    fallback_reason: str | None = None
    agreement: Agreement | None = None  # rules vs LLM counts, when the LLM answered

    @property
    def overall(self) -> FieldScore:
        total = FieldScore()
        for score in self.fields.values():
            total.add(score)
        return total


@dataclass
class EvalResult:
    source: EvalSource
    model: str | None
    prompt: dict[str, str]
    prices: dict[str, float]
    cases: list[CaseEval] = field(default_factory=list)

    def field_totals(self) -> dict[str, FieldScore]:
        totals = {name: FieldScore() for name in FIELDS}
        for case in self.cases:
            for name, score in case.fields.items():
                totals[name].add(score)
        return totals

    def as_dict(self) -> dict[str, Any]:
        totals = self.field_totals()
        overall = FieldScore()
        for score in totals.values():
            overall.add(score)
        reports = [
            {
                "case": c.case,
                "answered_by": c.answered_by,
                "extractor": c.extractor,
                "attempts": c.attempts,
                "retries": max(0, c.attempts - 1),
                "ungrounded_quotes": c.ungrounded,
                "prompt_tokens": c.usage.prompt_tokens,
                "completion_tokens": c.usage.completion_tokens,
                "cost": round(c.cost, 6),
                "precision": _round(c.overall.precision),
                "recall": _round(c.overall.recall),
                **({"fallback_reason": c.fallback_reason} if c.fallback_reason else {}),
                **({"agreement": c.agreement.model_dump()} if c.agreement else {}),
            }
            for c in self.cases
        ]
        count = len(self.cases) or 1
        agreement = sum((c.agreement for c in self.cases if c.agreement), Agreement())
        return {
            "source": self.source,
            "model": self.model,
            "prompt": self.prompt,
            "prices_per_million_tokens": self.prices,
            "fields": {name: score.as_dict() for name, score in totals.items()},
            "overall": overall.as_dict(),
            "reports": reports,
            "totals": {
                "reports": len(self.cases),
                "attempts": sum(c.attempts for c in self.cases),
                "retries": sum(max(0, c.attempts - 1) for c in self.cases),
                "ungrounded_quotes": sum(c.ungrounded for c in self.cases),
                "prompt_tokens": sum(c.usage.prompt_tokens for c in self.cases),
                "completion_tokens": sum(c.usage.completion_tokens for c in self.cases),
                "cost": round(sum(c.cost for c in self.cases), 6),
                "cost_per_report": round(sum(c.cost for c in self.cases) / count, 6),
                "agreement": agreement.model_dump(),
                "agreement_rate": _round(agreement.rate),
            },
        }


def below_thresholds(
    data: dict[str, Any], min_recall: float | None = None, min_precision: float | None = None
) -> list[str]:
    """The thresholds the overall score misses (an unscored value misses any threshold)."""
    failures = []
    for name, floor in (("recall", min_recall), ("precision", min_precision)):
        value = data["overall"][name]
        if floor is not None and (value is None or value < floor):
            failures.append(f"{name} {_pct(value)} < {floor:.0%}")
    return failures


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


# --- golden facts ------------------------------------------------------------------


def golden_facts(case: GoldenCase, report: Report) -> NarrativeFacts:
    """The case's ``facts.json`` (the LLM reply schema), checked against the report like a reply.

    A golden fact whose quote is not in the report is an error in the golden file, not a
    model's fault: refuse it loudly."""
    from gipr_llm.facts.grounding import Grounding, grounded_in
    from gipr_llm.facts.llm_extract import narrative_sources
    from gipr_llm.facts.schema import NarrativeReply, to_facts

    data = read_json(case.facts_path)
    try:
        with grounded_in(Grounding.of(narrative_sources(report.narrative))):
            reply = NarrativeReply.model_validate(data)
    except ValueError as err:
        first = str(err).strip().splitlines()
        detail = next(
            (line.strip() for line in first if line.strip().startswith("- ")), first[-1] if first else ""
        )
        raise GoldenError(f"{case.name}: facts.json 有事实未通过原文核验：{detail}") from None
    return to_facts(reply)


# --- matching ----------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return _PUNCT.sub("", squash(text or ""))


def _labels_agree(golden: str | None, predicted: str | None) -> bool:
    a, b = _norm(golden), _norm(predicted)
    return a == b or bool(a and b and (a in b or b in a))


def _dice(a: str, b: str) -> float:
    pairs_a = [a[i : i + 2] for i in range(len(a) - 1)]
    pairs_b = [b[i : i + 2] for i in range(len(b) - 1)]
    if not pairs_a or not pairs_b:
        return 0.0
    rest = list(pairs_b)
    common = 0
    for pair in pairs_a:
        if pair in rest:
            rest.remove(pair)
            common += 1
    return 2 * common / (len(pairs_a) + len(pairs_b))


def quote_coverage(golden: str, predicted: str) -> float:
    """The share of the golden quote that the longest passage shared with ``predicted`` covers."""
    a, b = _norm(golden), _norm(predicted)
    if not a or not b:
        return 0.0
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size / len(a)


def summary_similarity(golden: str, predicted: str) -> float:
    return _dice(_norm(golden), _norm(predicted))


def score_counts(golden: list[CountFact], predicted: list[CountFact], kind: str) -> FieldScore:
    gold = [f for f in golden if f.kind == kind]
    pred = [f for f in predicted if f.kind == kind]
    labelled = kind == "proactive_item"

    def aligned(g: CountFact, p: CountFact) -> bool:
        return not labelled or _labels_agree(g.label, p.label)

    score = FieldScore()
    free = list(range(len(gold)))
    unmatched: list[CountFact] = []
    for p in pred:
        hit = next((i for i in free if gold[i].value == p.value and aligned(gold[i], p)), None)
        if hit is None:
            unmatched.append(p)
        else:
            free.remove(hit)
            score.tp += 1
    score.fp, score.fn = len(unmatched), len(free)
    score.numbers = score.numbers_exact = score.tp
    for p in unmatched:  # right fact, wrong number?
        hit = next((i for i in free if aligned(gold[i], p)), None)
        if hit is not None:
            free.remove(hit)
            score.numbers += 1
    return score


def score_texts(golden: list[TextFact], predicted: list[TextFact]) -> FieldScore:
    pairs = []
    for i, g in enumerate(golden):
        for j, p in enumerate(predicted):
            similarity = max(quote_coverage(g.quote, p.quote), summary_similarity(g.text, p.text))
            if similarity >= MIN_SIMILARITY:
                pairs.append((-similarity, i, j))
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in sorted(pairs):
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
    matched = len(used_g)
    return FieldScore(tp=matched, fp=len(predicted) - matched, fn=len(golden) - matched)


def _fee_amount(fee: FeeFact) -> Decimal | None:
    if fee.amount_yuan is None or (not fee.collected and fee.amount_yuan == 0):
        return None
    return fee.amount_yuan


def score_fee(golden: FeeFact | None, predicted: FeeFact | None) -> FieldScore:
    if golden is None and predicted is None:
        return FieldScore()
    if golden is None:
        return FieldScore(fp=1)
    if predicted is None:
        return FieldScore(fn=1)
    agree = golden.collected == predicted.collected and _fee_amount(golden) == _fee_amount(predicted)
    return FieldScore(tp=1) if agree else FieldScore(fp=1, fn=1)


def score_facts(golden: NarrativeFacts, predicted: NarrativeFacts) -> dict[str, FieldScore]:
    scores = {kind: score_counts(golden.counts, predicted.counts, kind) for kind in COUNT_KINDS}
    for name in TEXT_FIELDS:
        scores[name] = score_texts(getattr(golden, name), getattr(predicted, name))
    scores["fee"] = score_fee(golden.fee, predicted.fee)
    return scores


# --- running -----------------------------------------------------------------------


def evaluate_case(
    case: GoldenCase, source: EvalSource, config: Any = None, prices: tuple[float, float] = (0.0, 0.0)
) -> CaseEval:
    from gipr_llm.golden.recording import load_recording, replay_extract
    from gipr_llm.pipeline import extract, read_report

    golden = golden_facts(case, read_report(case.input_path))
    if source == "recordings":
        report = replay_extract(case)
        recording = load_recording(case)
        answered_by = "、".join(sorted({e.model for e in recording.entries})) or "none"
    elif source == "rules":
        report = extract(case.input_path, None)
        answered_by = "rules"
    else:
        report, answered_by = _live_extract(case, config)
    run = report.extraction
    usage = run.usage or TokenUsage()
    cost = (usage.prompt_tokens * prices[0] + usage.completion_tokens * prices[1]) / 1_000_000
    return CaseEval(
        case=case.name,
        answered_by=answered_by,
        extractor=run.extractor,
        fields=score_facts(golden, report.facts),
        attempts=run.attempts,
        ungrounded=sum(f.rule == UNGROUNDED_RULE for f in report.findings),
        usage=usage,
        cost=cost,
        fallback_reason=run.fallback_reason if source != "rules" else None,
        agreement=run.agreement,
    )


def _live_extract(case: GoldenCase, config: Any) -> tuple[Report, str]:
    """The live run, through the recording proxy so the output names who actually answered
    (the model name the endpoint returned, or ``scripted`` for the project's test server)."""
    from gipr_llm.golden.recording import OPENAI_DEFAULT_BASE_URL, RecordingProxy, entry_from_exchange
    from gipr_llm.pipeline import extract

    with RecordingProxy(config.base_url or OPENAI_DEFAULT_BASE_URL, timeout=config.timeout) as proxy:
        report = extract(
            case.input_path, config.model_copy(update={"base_url": proxy.base_url, "cache_dir": None})
        )
    names = {entry_from_exchange(ex, "").model for ex in proxy.exchanges if ex.status == 200}
    return report, "、".join(sorted(names)) or "none"


def evaluate(
    cases: list[GoldenCase], source: EvalSource, config: Any = None, prices: tuple[float, float] = (0.0, 0.0)
) -> EvalResult:
    from gipr_llm.facts.narrative import NARRATIVE_PROMPT
    from gipr_llm.facts.prompt import load_prompt

    prompt = load_prompt(NARRATIVE_PROMPT)
    model = config.model if source == "live" else None
    result = EvalResult(
        source=source,
        model=model,
        prompt={"id": prompt.id, "sha256": prompt.sha256},
        prices={"input": prices[0], "output": prices[1]},
    )
    result.cases = [evaluate_case(case, source, config, prices) for case in cases]
    return result


# --- rendering ---------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def render_text(data: dict[str, Any]) -> str:
    """The eval result (``EvalResult.as_dict()`` or a saved ``--json`` file) as tables."""
    answered = sorted({r["answered_by"] for r in data["reports"]})
    lines = [
        f"来源 source: {data['source']}"
        + (f"  模型 model: {data['model']}" if data.get("model") else "")
        + f"  回复方 answered by: {'、'.join(answered) or '—'}",
        f"提示词 prompt: {data['prompt']['id']} {data['prompt']['sha256'][:12]}",
    ]
    if "scripted" in answered:
        lines.append(
            "注意：scripted 为手写脚本回复，不是模型输出 (scripted replies are hand-written, not model output)"
        )
    lines.append("")
    rows = []
    for name, s in [*data["fields"].items(), ("all facts", data["overall"])]:
        numbers = f"{s['numbers_exact']}/{s['numbers']}" if s["numbers"] else "—"
        rows.append(
            [name, str(s["tp"]), str(s["fp"]), str(s["fn"]), _pct(s["precision"]), _pct(s["recall"]), numbers]
        )
    lines += _table(["field", "tp", "fp", "fn", "precision", "recall", "numbers exact"], rows)
    lines.append("")
    rows = [
        [
            r["case"],
            r["answered_by"],
            r["extractor"],
            str(r["attempts"]),
            str(r["retries"]),
            str(r["ungrounded_quotes"]),
            str(r["prompt_tokens"]),
            str(r["completion_tokens"]),
            f"{r['cost']:.6f}",
            _pct(r["precision"]),
            _pct(r["recall"]),
        ]
        for r in data["reports"]
    ]
    t = data["totals"]
    rows.append(
        [
            "total",
            "",
            "",
            str(t["attempts"]),
            str(t["retries"]),
            str(t["ungrounded_quotes"]),
            str(t["prompt_tokens"]),
            str(t["completion_tokens"]),
            f"{t['cost']:.6f}",
            _pct(data["overall"]["precision"]),
            _pct(data["overall"]["recall"]),
        ]
    )
    header = [
        "report",
        "answered by",
        "extractor",
        "attempts",
        "retries",
        "ungrounded",
        "tokens in",
        "tokens out",
    ]
    lines += _table([*header, "cost", "precision", "recall"], rows)
    lines.append(
        f"每份报告成本 cost per report: {t['cost_per_report']:.6f}（按 --price-in/--price-out，每百万 token）"
    )
    agreement = t["agreement"]
    if sum(agreement.values()):
        lines.append(
            f"规则与大模型一致率 rules/LLM agreement: {_pct(t['agreement_rate'])}（一致 {agreement['agreed']}，"
            f"仅规则 {agreement['rules_only']}，仅大模型 {agreement['llm_only']}，不一致 {agreement['disagreed']}）"
        )
    fallbacks = [r for r in data["reports"] if r.get("fallback_reason")]
    lines += [f"{r['case']}: 改用规则抽取 (fell back to rules): {r['fallback_reason']}" for r in fallbacks]
    return "\n".join(lines) + "\n"


def render_json(data: dict[str, Any]) -> str:
    return dumps(data)


def render_comparison(runs: list[tuple[str, dict[str, Any]]]) -> str:
    """Several saved ``--json`` results side by side: precision/recall per field, then costs."""
    header = ["field", *(name for name, _ in runs)]
    rows = []
    for name in (*FIELDS, "all facts"):
        cells = [name]
        for _, data in runs:
            s = data["overall"] if name == "all facts" else data["fields"].get(name)
            cells.append("—" if s is None else f"P {_pct(s['precision'])} R {_pct(s['recall'])}")
        rows.append(cells)
    for key in ("ungrounded_quotes", "retries", "prompt_tokens", "completion_tokens", "cost_per_report"):
        rows.append([key, *(str(data["totals"][key]) for _, data in runs)])
    rows.append(["prompt", *(data["prompt"]["sha256"][:12] for _, data in runs)])
    rows.append(["source/model", *(f"{data['source']}/{data.get('model') or '—'}" for _, data in runs)])
    return "\n".join(_table(header, rows)) + "\n"


def load_result(path: Any) -> dict[str, Any]:
    data = read_json(path)
    if not isinstance(data, dict) or "fields" not in data or "totals" not in data:
        raise GoldenError(f"{path}: 不是 gipr eval --json 的输出")
    return data
