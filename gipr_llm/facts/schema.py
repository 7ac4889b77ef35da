"""The response models the LLM fills (their JSON schema is what the model sees).

Kept small and separate from the published models in ``gipr_llm.domain.models``: the model fills
these, grounding validates them, and ``to_facts`` turns what survived into
``NarrativeFacts`` marked ``extractor="llm"``. Descriptions are short Chinese hints; the
prompt file carries the instructions. Property titles are dropped from the schema (they
cost tokens and tell the model nothing the property names don't).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gipr_llm.domain.models import CountFact, FeeFact, NarrativeFacts, TextFact
from gipr_llm.domain.spec import T3_COLUMNS, T3_ROW_LABELS, T3_ROWS
from gipr_llm.domain.textnorm import squash
from gipr_llm.facts.grounding import (
    Dropped,
    active_grounding,
    count_problem,
    fee_problem,
    stated_count,
    text_problem,
)

CountKind = CountFact.model_fields["kind"].annotation
COUNT_KINDS: tuple[str, ...] = get_args(CountKind)


def _compact(node: Any) -> Any:
    """Drop what costs tokens and tells the model nothing: titles, ``default: null``, and the
    null branch of optional fields (an optional field may simply be left out)."""
    if isinstance(node, list):
        return [_compact(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if (key == "title" and isinstance(value, str)) or (key == "default" and value is None):
            continue
        out[key] = _compact(value)
    branches = out.get("anyOf")
    if isinstance(branches, list) and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        if len(rest) == 1:
            del out["anyOf"]
            out = {**rest[0], **out}
    return out


class LlmModel(BaseModel):
    # Extra keys a model adds are ignored rather than re-asked: they carry no fact.
    model_config = ConfigDict(extra="ignore")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        schema = super().model_json_schema(*args, **kwargs)
        title = schema.get("title")
        compact = _compact(schema)
        if title is not None:
            compact = {"title": title, **compact}  # instructor names the tool after it
        return compact


class Count(LlmModel):
    kind: CountKind  # type: ignore[valid-type]
    label: str | None = None
    value: int
    unit: str = Field(description="数字后的量词，如条、件、篇")
    quote: str


class Item(LlmModel):
    text: str = Field(description="30字内概括")
    quote: str


class Fee(LlmModel):
    collected: bool
    amount: float | None = None  # a JSON number; read back through its shortest repr, as Decimal
    unit: Literal["元", "万元"] | None = None
    quote: str

    @property
    def amount_decimal(self) -> Decimal | None:
        return None if self.amount is None else Decimal(repr(self.amount))


_FACT_LISTS = ("counts", "problems", "measures", "initiatives")


class NarrativeReply(LlmModel):
    """年度报告叙述部分中原文写明的事实"""

    counts: list[Count] = Field(default_factory=list)
    problems: list[Item] = Field(default_factory=list)
    measures: list[Item] = Field(default_factory=list)
    initiatives: list[Item] = Field(default_factory=list)
    fee: Fee | None = None

    @model_validator(mode="after")
    def _grounded(self) -> NarrativeReply:
        """Check every fact against the source; list all failures so one re-ask can fix them."""
        grounding = active_grounding()
        failures: list[Dropped] = []
        for name in _FACT_LISTS:
            kept = []
            for index, fact in enumerate(getattr(self, name)):
                if isinstance(fact, Count):
                    problem = count_problem(
                        grounding, fact.kind, fact.label, fact.value, fact.unit, fact.quote
                    )
                else:
                    problem = text_problem(grounding, fact.text, fact.quote)
                if problem is None:
                    kept.append(fact)
                else:
                    failures.append(Dropped(f"{name}[{index}]", fact.model_dump(mode="json"), problem))
            setattr(self, name, kept)
        if self.fee is not None:
            fee = self.fee
            if problem := fee_problem(grounding, fee.collected, fee.amount_decimal, fee.unit, fee.quote):
                failures.append(Dropped("fee", fee.model_dump(mode="json"), problem))
                self.fee = None
        if failures and not grounding.salvage:
            lines = [f"- {f.field}: {f.reason}（quote: {f.fact.get('quote', '')!r}）" for f in failures]
            raise ValueError(
                "以下事实未通过原文核验，请改正或删除（quote 须逐字摘自 <report> 内原文）：\n"
                + "\n".join(lines)
            )
        grounding.dropped.extend(failures)
        return self


def to_facts(reply: NarrativeReply) -> NarrativeFacts:
    """Grounded reply -> published facts, each marked as produced by the LLM."""
    fee = None
    if reply.fee is not None:
        amount = reply.fee.amount_decimal
        if amount is not None and reply.fee.unit == "万元":
            scaled = amount * 10000
            amount = (
                scaled.to_integral_value() if scaled == scaled.to_integral_value() else scaled.normalize()
            )
        fee = FeeFact(
            collected=reply.fee.collected, amount_yuan=amount, quote=reply.fee.quote, extractor="llm"
        )
    return NarrativeFacts(
        counts=[
            CountFact(
                kind=c.kind,
                label=c.label or None,
                value=c.value,
                approximate=_approximate(c),
                unit=c.unit,
                quote=c.quote,
                extractor="llm",
            )
            for c in reply.counts
        ],
        problems=[TextFact(text=i.text, quote=i.quote, extractor="llm") for i in reply.problems],
        measures=[TextFact(text=i.text, quote=i.quote, extractor="llm") for i in reply.measures],
        initiatives=[TextFact(text=i.text, quote=i.quote, extractor="llm") for i in reply.initiatives],
        fee=fee,
    )


def _approximate(count: Count) -> bool:
    """Read from the quote, not asked of the model: 5500余条 is approximate whatever it says."""
    found = stated_count(count.kind, count.value, count.unit, squash(count.quote))
    return not isinstance(found, str) and found.approximate


_T3_ROW_HINT = "；".join(f"{key}={label}" for key, label in T3_ROW_LABELS.items())


class Table3Reply(LlmModel):
    """表三的数据"""

    template: Literal["2019", "2021"]
    rows: dict[str, list[int | None]] = Field(description=f"行键到7个数的映射。行键：{_T3_ROW_HINT}")

    @model_validator(mode="after")
    def _complete_and_grounded(self) -> Table3Reply:
        """Every row of the template, seven cells each, every number present in the table text.

        A table cannot be salvaged fact by fact: any problem fails the reply."""
        grounding = active_grounding()
        expected = T3_ROWS[self.template]
        problems = []
        if missing := [key for key in expected if key not in self.rows]:
            problems.append(f"缺少行：{'、'.join(missing)}")
        if extra := [key for key in self.rows if key not in expected]:
            problems.append(f"{self.template}版表三没有这些行：{'、'.join(extra)}")
        for key, values in self.rows.items():
            if len(values) != len(T3_COLUMNS):
                problems.append(f"{key} 应有{len(T3_COLUMNS)}个数，实际{len(values)}个")
            if absent := sorted({v for v in values if v is not None and v not in grounding.numbers}):
                problems.append(f"{key} 中的数字 {absent} 不在表格原文中")
        if problems:
            raise ValueError("表三数据有误：\n" + "\n".join(f"- {p}" for p in problems))
        self.rows = {key: self.rows[key] for key in expected}
        return self
