"""Facts from both paths, reconciled: the rules always run, the LLM adds what they miss.

Per count: both found it with the same value → one fact, ``extractor="rules+llm"``; only one
found it → kept with its extractor; they disagree → the one that passes grounding (the
number stated in its quote, as its kind) wins, and when both pass both are kept with a
``NARRATIVE-DISAGREE`` finding for the reviewer. Two facts are "the same" when their quotes
overlap, or when each path has exactly one fact of a kind a report states once
(主动公开 total, 受理 count …). Text items (problems, measures, highlights) are the LLM's
when it gave any, plus the rules' items none of them overlaps. Nothing the rules found is
ever dropped because the LLM said nothing.
"""

from __future__ import annotations

from gipr_llm.domain.models import (
    Agreement,
    CountFact,
    FeeFact,
    Finding,
    NarrativeFacts,
    TextFact,
)
from gipr_llm.domain.textnorm import squash
from gipr_llm.facts.grounding import Grounding, count_problem

# Kinds a report normally states once: a single fact on each side is the same fact.
_ONCE = frozenset(
    {"proactive_total", "applications_received", "applications_processed", "applications_carried_over"}
)
DISAGREE_RULE = "NARRATIVE-DISAGREE"


def reconcile(
    rules: NarrativeFacts, llm: NarrativeFacts, sources: list[str]
) -> tuple[NarrativeFacts, Agreement, list[Finding]]:
    grounding = Grounding.of(sources)
    findings: list[Finding] = []
    agreement = Agreement()
    counts: list[CountFact] = []
    unmatched_rules = list(rules.counts)
    for fact in llm.counts:
        match = _partner(fact, unmatched_rules, llm.counts)
        if match is None:
            counts.append(fact)
            agreement.llm_only += 1
            continue
        unmatched_rules.remove(match)
        if match.value == fact.value:
            counts.append(fact.model_copy(update={"extractor": "rules+llm"}))
            agreement.agreed += 1
            continue
        agreement.disagreed += 1
        rules_ok = _grounded(grounding, match)
        llm_ok = _grounded(grounding, fact)
        if rules_ok and llm_ok:
            counts += [match, fact]
            findings.append(_disagree_finding(match, fact))
        else:
            counts.append(fact if llm_ok and not rules_ok else match)
    counts += unmatched_rules
    agreement.rules_only += len(unmatched_rules)
    text = squash("\n".join(sources))
    counts.sort(key=lambda c: _position(text, c.quote))
    facts = NarrativeFacts(
        counts=counts,
        problems=_items(rules.problems, llm.problems),
        measures=_items(rules.measures, llm.measures),
        initiatives=_items(rules.initiatives, llm.initiatives),
        fee=_fee(rules.fee, llm.fee, findings),
    )
    return facts, agreement, findings


def _overlap(a: str, b: str) -> bool:
    a, b = squash(a), squash(b)
    return bool(a) and bool(b) and (a in b or b in a)


def _partner(fact: CountFact, candidates: list[CountFact], siblings: list[CountFact]) -> CountFact | None:
    same_kind = [c for c in candidates if c.kind == fact.kind]
    for candidate in same_kind:
        if _overlap(candidate.quote, fact.quote) and (
            fact.kind != "proactive_item" or candidate.value == fact.value or candidate.label == fact.label
        ):
            return candidate
    if fact.kind in _ONCE and len(same_kind) == 1 and sum(s.kind == fact.kind for s in siblings) == 1:
        return same_kind[0]
    return None


def _grounded(grounding: Grounding, fact: CountFact) -> bool:
    return count_problem(grounding, fact.kind, fact.label, fact.value, fact.unit, fact.quote) is None


def _position(text: str, quote: str) -> int:
    at = text.find(squash(quote))
    return at if at >= 0 else len(text)


def _items(rules: list[TextFact], llm: list[TextFact]) -> list[TextFact]:
    if not llm:
        return list(rules)
    out = []
    for item in llm:
        agreed = any(_overlap(item.quote, r.quote) for r in rules)
        out.append(item.model_copy(update={"extractor": "rules+llm"}) if agreed else item)
    out += [r for r in rules if not any(_overlap(r.quote, item.quote) for item in llm)]
    return out


def _fee(rules: FeeFact | None, llm: FeeFact | None, findings: list[Finding]) -> FeeFact | None:
    if rules is None or llm is None:
        return llm or rules
    amounts = {rules.amount_yuan, llm.amount_yuan} - {None}
    if rules.collected == llm.collected and len(amounts) <= 1:
        # the same statement; an amount one of them leaves out is no disagreement
        amount = amounts.pop() if amounts else None
        return llm.model_copy(update={"extractor": "rules+llm", "amount_yuan": amount})
    findings.append(
        Finding(
            rule=DISAGREE_RULE,
            severity="warning",
            stage="narrative",
            raw=rules.quote,
            fault="reading",
            message=f"信息处理费：规则读作“{rules.quote}”，大模型读作“{llm.quote}”，已采用大模型的结果，请核对原文。",
        )
    )
    return llm


def _disagree_finding(rules: CountFact, llm: CountFact) -> Finding:
    return Finding(
        rule=DISAGREE_RULE,
        severity="warning",
        stage="narrative",
        raw=llm.quote,
        values={"rules": rules.value, "llm": llm.value},
        fault="reading",
        message=(
            f"规则与大模型读出的{rules.kind}不同（规则 {rules.value}：“{rules.quote}”；"
            f"大模型 {llm.value}：“{llm.quote}”），两者均有原文依据，均保留，请核对原文。"
        ),
    )
