"""Rules-based narrative facts: regular expressions for the common phrasings.

Counts (``收到/受理…申请N件``, ``行政复议N件``, ``行政诉讼N件``, ``主动公开政府信息N条`` and the
items after ``其中``), the 信息处理费 statement, and section 五 split into problems and
measures. Every fact quotes an exact substring of its section text. Pure and fast: the
LLM extractor falls back on it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gipr_llm.domain.models import FeeFact, NarrativeFacts
from gipr_llm.domain.textnorm import squash
from gipr_llm.facts.grounding import (
    FEE_CUE,
    may_hold_instructions,
    only_inside_instructions,
    surely_without_instructions,
)
from gipr_llm.facts.numbers import COUNT_NUMERALS, COUNT_SEARCH, COUNT_UNITS, StatedCount, read_count

_COUNT = re.compile(COUNT_SEARCH)  # 751条, 1,236条, 5500余条, 4.14万条, 四十余条, 约300条
_GAP = r"[^，。；,;\d]"  # text between a cue and its number, within one clause

_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]?")
# A line break is a sentence break only after a sentence end, after a heading-like line, or
# before an item marker; elsewhere it is where a PDF or a web page wrapped the sentence.
_LINE_END_CHARS = "。！？!?；;：:」”）)"  # what ends a sentence at the end of a line
# A line break after a line that does not end a sentence (its last non-blank character is
# not in _LINE_END_CHARS): without one, _join_lines keeps every line break. Searched in the
# reversed text, so that the pattern starts with the line break and the search skips to them.
_OPEN_LINE_REVERSED = re.compile(rf"\n[^\S\n]*[^\s{re.escape(_LINE_END_CHARS)}]")
_HEADING_LIKE = re.compile(
    r"^[^，,。；;]{0,4}$|^[^，,。；;]{0,30}(?:情况|事项|措施|概述|问题|工作|建设|管理|保障)$"
)
_ITEM_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、是]|[（(][一二三四五六七八九十\d]+[）)]|\d+\s*[.．、](?!\d)|#)"
)
# A clause: a run of anything but clause punctuation, a "," inside a number (1,236) kept.
# Written as runs (``[^…]+``) rather than one character per alternation: the same matches,
# found about twice as fast.
# A colon followed by a number joins a table-like line (主动公开政府信息数：1,045条) to its label.
_CLAUSE = re.compile(r"(?:[^，,；;：:。！？!?\n]+|,(?=\d{3}(?!\d))|[：:](?=[ \t\u3000]*\d))+")
# What ``_Counts.clause_rules`` needs before it can find anything: the end of a count
# (a numeral, 万/千, 余/多, then its unit: every COUNT_PATTERN match ends so) or a negation
# (_NEGATION's words). A sentence without one is not split; a clause without one is skipped.
# Searched in the reversed text, so that the scan looks for the rare unit characters first
# (reversed: unit, 余/多, 万/千, numeral; 有没 for 没有, 曾不 for 不曾).
_CLAUSE_CUE_REVERSED = re.compile(
    rf"[{COUNT_UNITS}未无有曾](?:(?<=[{COUNT_UNITS}])\s*[余多]?[万千]?[\d{COUNT_NUMERALS}]"
    r"|(?<=[未无])|(?<=有)(?=没)|(?<=曾)(?=不))"
)


def _cue_positions(reversed_text: str) -> list[int]:
    """Ascending positions (in the text read forward) of a character of each cue (a count's
    unit, a negation): every clause holding a count or a negation holds one of them."""
    last = len(reversed_text) - 1
    return [last - m.start() for m in _CLAUSE_CUE_REVERSED.finditer(reversed_text)][::-1]


# What a _SENTENCE match never runs across. The sentence loop visits only the sentences
# holding a cue (about one in four) and the one before a 其中; it finds each one's bounds
# from a position inside it rather than listing every sentence of the text.
_SENTENCE_BREAK = re.compile(r"[。！？!?\n]")
_SENTENCE_ENDS = "。！？!?"  # the break a sentence keeps as its last character


def _sentence_around(text: str, reversed_text: str, at: int) -> _Span:
    """The item of ``_spans(_SENTENCE, text)`` holding ``text[at]``: a character that is not
    a sentence break, in a match that is not whitespace only."""
    before = _SENTENCE_BREAK.search(reversed_text, len(text) - 1 - at)
    start = len(text) - before.start() if before else 0
    after = _SENTENCE_BREAK.search(text, at)
    end = len(text) if after is None else after.end() if after[0] in _SENTENCE_ENDS else after.start()
    while text[start].isspace():  # (the match holds a character that is not: both stop)
        start += 1
    while text[end - 1].isspace():
        end -= 1
    return _Span(start, end)


def _sentence_before(text: str, reversed_text: str, sentence: _Span) -> _Span | None:
    """The item of ``_spans(_SENTENCE, text)`` before ``sentence`` (one of them), if any.
    Between them lie only whitespace, line breaks and sentence ends that end no match (a
    whitespace-only match is dropped; one ending in 。 is the sentence 「。」)."""
    at = sentence.start - 1
    while at >= 0:
        if text[at] in _SENTENCE_ENDS:
            if at > 0 and text[at - 1] not in _SENTENCE_ENDS and text[at - 1] != "\n":
                return _sentence_around(text, reversed_text, at - 1)  # it ends a match
        elif not text[at].isspace():  # (\n is whitespace)
            return _sentence_around(text, reversed_text, at)
        at -= 1
    return None


_COUNT_UNIT = re.compile(f"[{COUNT_UNITS}]")

_NONE_BOTH = re.compile(r"(?:未发生|没有发生|未出现|没有出现|无)[^，。；,;]*?行政复议[^，。；,;]*?行政诉讼")
_NONE_REVIEW = re.compile(r"(?:未发生|没有发生|未出现|没有出现)[^，。；,;]*?行政复议")
_NONE_LAWSUIT = re.compile(r"(?:未发生|没有发生|未出现|没有出现)[^，。；,;]*?行政诉讼")
_BOTH = re.compile(rf"行政复议(?:和|及|与|、|或)(?:被)?(?:提起)?行政诉讼{_GAP}{{0,10}}?{_COUNT.pattern}")
_REVIEW = re.compile(rf"行政复议[^，。；,;、\d]{{0,10}}?{_COUNT.pattern}")
_LAWSUIT = re.compile(rf"行政诉讼[^，。；,;、\d]{{0,10}}?{_COUNT.pattern}")
_CARRIED = re.compile(rf"上年(?:度)?结转{_GAP}{{0,10}}?{_COUNT.pattern}")
_VERB = r"(?P<verb>收到|接到|受理|接收|新收|办理|办结|答复|处理)"
_NONE_APPLICATION = re.compile(
    r"(?:未|没有|不曾)(?:收到|接到|受理|接收)(?:过)?[^，。；,;\d]{0,16}?(?:信息公开申请|依申请公开)"
)
_VERB_ONLY = re.compile(_VERB)
_APPLICATION_A = re.compile(rf"{_VERB}{_GAP}{{0,40}}?申请{_GAP}{{0,8}}?{_COUNT.pattern}")
_APPLICATION_B = re.compile(rf"{_VERB}{_GAP}{{0,20}}?{_COUNT.pattern}{_GAP}{{0,8}}?申请")
_PROCESSED_VERBS = ("办结", "答复")
# No verb: 「全年政府信息公开申请共计15件」 (a count of the applications received).
_APPLICATION_TOTAL = re.compile(
    rf"(?:政府信息公开|依申请公开)申请(?:数|数量|总数|总量)?\s*(?:共|共计|合计|总计|为|共有)\s*{_COUNT.pattern}"
)
# 「共收到政府信息公开申请58件，上年结转4件，办结60件」: 办结 in a clause of its own, read
# only in a sentence about 公开申请 (not 复议/诉讼, whose 办结 is another count).
_PROCESSED_ALONE = re.compile(rf"^(?:已|共|均已|全部)?办结\s*(?:共|了)?{_COUNT.pattern}")
_APPLICATION_SENTENCE = re.compile(r"公开申请|依申请")
_NEGATION = re.compile(r"未|没有|不曾|无")
_DISPUTE_PATTERNS = (
    (_BOTH, "reviews_and_lawsuits", "行政复议"),
    (_REVIEW, "reviews", "行政复议"),
    (_LAWSUIT, "lawsuits", "行政诉讼"),
)

# The kind of count, not one word: 主动公开 / 公开各类信息 / 发布信息 / 更新信息 / 刊发 …
_PUBLISH = r"(?:主动公开|公开|发布|更新|刊发|刊登|编发|推送)"
_PROACTIVE = re.compile(rf"主动公开|{_PUBLISH}[^，。；,;\d]{{0,8}}?(?:信息|文件|稿件)")
# Whether _PROACTIVE matches, faster: 主动公开 alone, or a publishing verb, a short gap and
# what was published. Without 主动公开 among the verbs (any 主动公开… match holds a 公开… one)
# every alternative starts with a literal, so the search skips to those characters.
_PUBLISHED = re.compile(r"(?:公开|发布|更新|刊发|刊登|编发|推送)[^，。；,;\d]{0,8}?(?:信息|文件|稿件)")


def _is_proactive(text: str) -> bool:
    """``bool(_PROACTIVE.search(text))``."""
    return "主动公开" in text or _PUBLISHED.search(text) is not None


_PROACTIVE_UNITS = {"条", "件", "篇", "个", "份", "项"}
_PROACTIVE_UNIT = re.compile(f"[{''.join(sorted(_PROACTIVE_UNITS))}]")
_TOTAL_BEFORE = re.compile(
    rf"(?:(?:共|合计|累计|总计|全年)\s*(?:主动)?公开|{_PUBLISH})[^，。；,;、\d]{{0,8}}?(?:信息|文件|稿件)"
    r"\s*(?:共|合计|累计|总计)?(?:计)?\s*(?:总数|数量|总量|条数|数)?\s*(?:为|达|达到|共)?\s*[：:]?\s*$"
)
# 「网站发布信息1,200条，公众号发布信息480条，合计1,680条」: the sum stated after channel counts.
_SUM_ONLY = re.compile(r"^(?:以上)?(?:合计|共计|总计)\s*(?:为|达)?\s*$")
# An item in brackets inside the total's clause: 「865条（其中规范性文件6件）」.
_BRACKET_ITEM = re.compile(r"[（(]\s*(?:其中|含)")  # used with .match(text, pos): no ^
# 个 counts departments, channels, columns (统筹32个部门…): an item, never the total.
_NOT_TOTAL_UNITS = {"个"}
# A channel named before the number: with another count after it, each is one channel's.
_CHANNEL = re.compile(r"网站|新媒体|微博|微信|公众号|公开栏|专栏|客户端|抖音|头条号|视频号|平台")
_NOT_PROACTIVE = re.compile(r"申请|复议|诉讼")
_TOTAL_WORD = re.compile(r"共|合计|累计|总计")

_FEE_NONE = re.compile(
    r"(?:未|没有|不曾|无)(?:收取|收缴|产生|发生)[^，。；,;]{0,6}?信息处理费"
    r"|信息处理费[^。；;]{0,40}?(?:均为|为|共计|合计)\s*(?P<zero>0(?:\.0+)?)\s*(?:万元|元)?(?![\d.])"
)
_FEE_AMOUNT = re.compile(
    r"信息处理费[^。；;\d]{0,12}?(?P<amt>\d+(?:\.\d+)?)\s*(?P<u>万元|元)"
    r"|收取[^。；;\d]{0,20}?信息处理费[^。；;\d]{0,12}?(?P<amt2>\d+(?:\.\d+)?)\s*(?P<u2>万元|元)"
)

# An ordinal marker (一是, （一）, 一、, 1.) after spaces; an item starts with one at the start
# of the text or just after a sentence or clause end (_item_marks).
_ITEM_MARKER = re.compile(
    r"[ \t\u3000]*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.．、](?!\d))"
)
# One after the end it follows, led by a class of those ends: the search skips to them in C
# (a lookbehind or lookahead in front would have the pattern tried at every position).
_ITEM_MARKER_AFTER_END = re.compile(rf"[。；;！!？?：:\n]({_ITEM_MARKER.pattern})")
_MEASURE_HEADING = re.compile(
    r"(?:改进情况|改进措施|整改措施|整改情况|改进方向|下一步(?:工作)?(?:打算|计划|措施|安排)?)\s*[：:]?\s*$"
)
_PROBLEM_HEADING = re.compile(r"(?:存在(?:的)?(?:主要)?问题|主要问题|问题)\s*[：:]?\s*$")
_MEASURE_START = re.compile(
    r"^(?:在)?(?:下一步|今后|接下来|下阶段|明年|新的一年)|^(?:我\w{0,4})?(?:将|拟|计划)|^(?:还|仍|亟)?需(?:要)?进一步|^进一步|^改进|^整改"
)
_PROBLEM_CUES = re.compile(
    r"存在|不够|不足|短板|欠缺|有待|薄弱|不强|不高|不到位|不完善|不充分|不及时|缺乏|缺少|滞后|问题"
)
_MEASURE_CUES = re.compile(r"下一步|今后|将|改进|整改|措施|加强|提升|完善|推进|进一步")
_MEASURE_SPLIT = re.compile(r"[，,](?=(?:还|仍|亟)?需(?:要)?进一步|下一步|今后|将)")
_HIGHLIGHTS = re.compile(r"亮点|特色|创新做法|创新举措")
_LEAD_IN = re.compile(
    r"^(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.．、])\s*"
)
_LEAD_IN_START = "一二三四五六七八九十（("  # what a _LEAD_IN match starts with, but a digit
_TEXT_MAX = 80
# Patterns of the helpers below, compiled once (re.sub with a string looks each up per call).
_LABEL_LEAD = re.compile(r"^(?:其中[：:]?|[，,、；;：:\s])+")
_LABEL_CHANNEL = re.compile(r"^.*?(?:应用|通过|利用|依托|在)(?=[“「《\"])")
_LABEL_LEAD_START = "其，,、；;：:"  # what a _LABEL_LEAD match starts with, but \s
_LABEL_AND = re.compile(r"^(?:以及|及|和|并)")
_LABEL_AND_START = "以及和并"
_LABEL_PUBLISH_END = re.compile(r"(?:主动)?公开(?:政府|政务)?(?:信息)?$")
_LABEL_PUBLISH_START = re.compile(r"^(?:主动)?公开")
_LABEL_TAIL = re.compile(r"[的共计为：:\s]+$")
_LABEL_TAIL_CHARS = "的共计为：:"  # _LABEL_TAIL's class but \s
_LABEL_QUOTE_MARK = re.compile('[“「《"]')  # what _LABEL_CHANNEL's lookahead needs
_CLAUSE_MARK = re.compile(r"[，,。；;]")
_NEXT_STEP = re.compile(r"^(?:在)?(?:下一步|今后)(?:工作中)?[，,]?")
_PROBLEM_LEAD = re.compile(r"^.{0,40}?问题[：:]")
_SHORT_HEADING = re.compile(r"^(.{0,12}?)[：:]")


# A CountFact's or TextFact's fields, every one given: NarrativeFacts validates them into the
# model (the same model, each field set, as the model's own constructor makes), in one call
# for the whole report rather than one BaseModel.__init__ per fact.
_Fact = dict[str, Any]


@dataclass(slots=True)
class _Span:
    start: int
    end: int


def _spans(pattern: re.Pattern[str], text: str, start: int = 0, end: int | None = None) -> list[_Span]:
    """The pattern's matches without leading and trailing whitespace, empty ones dropped."""
    out = []
    for m in pattern.finditer(text, start, len(text) if end is None else end):
        s, e = m.span()
        if s < e and not text[s].isspace() and not text[e - 1].isspace():
            out.append(_Span(s, e))  # the common case: nothing to trim
            continue
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(_Span(s, e))
    return out


# --- counts -----------------------------------------------------------------------------


class _Counts:
    """Collects count facts of one text, each number used once."""

    def __init__(self, text: str, original: str, where: _Where) -> None:
        self.text = text  # wrapped lines joined: what the patterns read
        self.original = original  # what quotes are taken from
        self.where = where  # index in ``original`` of each character of ``text``
        self.used: set[int] = set()
        self.facts: list[tuple[int, _Fact]] = []  # (position, fact) for source order

    def add_count(self, kind: str, m: re.Match[str], quote: _Span, label: str | None = None) -> None:
        if (count := read_count(m)) is not None:
            self.add_stated(kind, count, quote, label)

    def add_stated(self, kind: str, count: StatedCount, quote: _Span, label: str | None = None) -> None:
        self.add(kind, count.value, count.unit, quote, count.number_start, label, count.approximate)

    def add(
        self,
        kind: str,
        value: int,
        unit: str | None,
        quote: _Span,
        at: int,
        label: str | None = None,
        approximate: bool = False,
    ) -> None:
        if at in self.used:
            return
        self.used.add(at)
        fact = {
            "kind": kind,
            "label": label,
            "value": value,
            "approximate": approximate,
            "unit": unit,
            "quote": self.original[self.where[quote.start] : self.where[quote.end - 1] + 1],
            "extractor": "rules",
        }
        self.facts.append((at, fact))

    def clause_rules(self, clause: _Span, sentence_start: int | None = None) -> None:
        text = self.text
        part = text[clause.start : clause.end]
        if not _COUNT_UNIT.search(part) or not _COUNT.search(part):  # the first test is cheap
            if not _NEGATION.search(part):  # every zero below is said by a negation
                return
            # each pattern is searched only when the clause holds the word it needs
            if "申请" in part and (m := _NONE_APPLICATION.search(text, clause.start, clause.end)):
                self.add("applications_received", 0, None, clause, m.start())
            review, lawsuit = "行政复议" in part, "行政诉讼" in part
            if review and lawsuit and (m := _NONE_BOTH.search(text, clause.start, clause.end)):
                self.add("reviews_and_lawsuits", 0, None, clause, m.start())
            else:
                if review and (m := _NONE_REVIEW.search(text, clause.start, clause.end)):
                    self.add("reviews", 0, None, clause, m.start())
                if lawsuit and (m := _NONE_LAWSUIT.search(text, clause.start, clause.end)):
                    self.add("lawsuits", 0, None, clause, m.start())
            return
        # Each pattern below needs its cue word; most clauses have none, so skip them cheaply.
        for pattern, kind, cue in _DISPUTE_PATTERNS:
            if cue in part:
                for m in pattern.finditer(text, clause.start, clause.end):
                    self.add_count(kind, m, clause)
        if "结转" in part:
            for m in _CARRIED.finditer(text, clause.start, clause.end):
                self.add_count("applications_carried_over", m, clause)
        if (
            "办结" in part
            and sentence_start is not None
            and _application_context(text, sentence_start, clause)
        ):
            m = _PROCESSED_ALONE.match(part.lstrip("、 \t\u3000"))
            if m and "复议" not in part and "诉讼" not in part:
                offset = clause.start + len(part) - len(part.lstrip("、 \t\u3000"))
                if (count := read_count(m)) is not None:
                    at = offset + count.number_start
                    self.add(
                        "applications_processed", count.value, count.unit, clause, at, None, count.approximate
                    )
        if "申请" not in part:
            return
        for pattern in (_APPLICATION_A, _APPLICATION_B):
            for m in pattern.finditer(text, clause.start, clause.end):
                if "复议" in m[0] or "诉讼" in m[0] or "结转下年" in m[0]:
                    continue
                kind = "applications_processed" if m["verb"] in _PROCESSED_VERBS else "applications_received"
                self.add_count(kind, m, clause)
        if "结转" not in part and not _VERB_ONLY.search(part):
            for m in _APPLICATION_TOTAL.finditer(text, clause.start, clause.end):
                self.add_count("applications_received", m, clause)

    def proactive(self, clauses: list[_Span], continuation: bool) -> None:
        """主动公开 counts of one sentence (its clauses): a total, or items (after 其中, or an
        enumeration)."""
        text = self.text
        seen_total = continuation
        first = True
        channel_items = 0  # counts of one channel each (网站…X条) so far in the sentence
        for index, clause in enumerate(clauses):
            if not _PROACTIVE_UNIT.search(text, clause.start, clause.end):
                continue  # no count here (the loop below would find none)
            # each count with what it states (read once)
            counts = [
                (m, count)
                for m in _COUNT.finditer(text, clause.start, clause.end)
                if m["unit"] in _PROACTIVE_UNITS
                and (count := read_count(m)) is not None
                and count.number_start not in self.used
            ]
            # what may be the clause's total: not a count in brackets after 其中, not a 个 count
            # (listed only while the sentence's first count may still be its total: once it
            # has a total or a first count, is_total below looks at them no more)
            candidates = (
                [
                    m
                    for i, (m, _) in enumerate(counts)
                    if m["unit"] not in _NOT_TOTAL_UNITS
                    and not _BRACKET_ITEM.match(
                        text, counts[i - 1][0].end() if i else clause.start, m.start()
                    )
                ]
                if first and not seen_total
                else []
            )
            segment_start = clause.start
            for m, count in counts:
                segment = _Span(segment_start, m.end())
                segment_start = m.end()
                while segment.start < segment.end and text[segment.start] in "、，, \t\u3000":
                    segment.start += 1
                before = text[segment.start : m.start()]
                if m["unit"] in _NOT_TOTAL_UNITS:
                    if not _NOT_PROACTIVE.search(before):
                        self.add_stated("proactive_item", count, segment, _item_label(before))
                    continue  # 32个部门: neither the total nor the first count
                if (
                    not seen_total
                    and channel_items >= 2
                    and _SUM_ONLY.match(before.strip())
                    and not _NOT_PROACTIVE.search(text, clauses[0].start, m.start())
                ):
                    seen_total = True  # the stated sum of the channel counts before it
                    self.add_stated("proactive_total", count, segment)
                    continue
                not_proactive = _NOT_PROACTIVE.search(before) is not None
                channel = _CHANNEL.search(before) is not None
                is_total = (
                    not seen_total
                    and first
                    and len(candidates) == 1
                    and candidates[0] is m
                    and not before.lstrip().startswith("其中")
                    and not not_proactive
                    and bool(
                        _TOTAL_BEFORE.search(before) or (_TOTAL_WORD.search(before) and "公开" in before)
                    )
                    and not (channel and self._more_counts(clauses[index + 1 :]))
                )
                first = False
                if not is_total and not_proactive:
                    continue  # 依申请公开政府信息5件 is no 主动公开 item
                if is_total:
                    seen_total = True
                    self.add_stated("proactive_total", count, segment)
                else:
                    if channel:
                        channel_items += 1
                    self.add_stated("proactive_item", count, segment, _item_label(before))

    def _more_counts(self, clauses: list[_Span]) -> bool:
        """Another count later in the sentence that is not an item after 其中."""
        for clause in clauses:
            part = self.text[clause.start : clause.end]
            if part.lstrip().startswith("其中"):
                return False
            if _NOT_PROACTIVE.search(part):
                continue  # an application or dispute count is no other channel's
            if _COUNT.search(self.text, clause.start, clause.end):
                return True
        return False


def _item_label(before: str) -> str | None:
    # (the unanchored patterns run only when what they need is there: they scan the label)
    # (and the anchored ones only on a label starting as they do: a sub call costs more than
    # the test)
    label = before.strip()
    if label[:1] in _LABEL_LEAD_START:  # (stripped: no \s to start with)
        label = _LABEL_LEAD.sub("", label)
    if _LABEL_QUOTE_MARK.search(label):
        label = _LABEL_CHANNEL.sub("", label)
    if label[:1] in _LABEL_AND_START:
        label = _LABEL_AND.sub("", label)
    label = label.removeprefix("涉及").strip()
    if "公开" in label:
        label = _LABEL_PUBLISH_END.sub("", label)
        label = _LABEL_PUBLISH_START.sub("", label)
    if label and (label[-1] in _LABEL_TAIL_CHARS or label[-1].isspace()):  # _LABEL_TAIL can match
        label = _LABEL_TAIL.sub("", label)
    label = label.strip()
    return label or None


def join_wrapped_lines(text: str, reversed_text: str | None = None) -> tuple[str, _Where]:
    """The text with each line break inside a sentence removed, and for each character of the
    result its index in ``text`` (so a quote is still taken verbatim from the original).
    ``reversed_text`` is ``text[::-1]`` when the caller has it (else it is made here)."""
    joined_text, where = _join_lines(text, text[::-1] if reversed_text is None else reversed_text)
    if "**" not in joined_text:
        return joined_text, where
    # Markdown bold (主动公开政府信息**782**条) read without its marks; quotes keep them.
    keep = [i for i in range(len(joined_text)) if not _in_bold_mark(joined_text, i)]
    return "".join(joined_text[i] for i in keep), [where[i] for i in keep]


def _in_bold_mark(text: str, i: int) -> bool:
    return text[i] == "*" and ((i + 1 < len(text) and text[i + 1] == "*") or (i > 0 and text[i - 1] == "*"))


class _Removed:
    """``where`` of a text with some characters taken out, computed per index when asked (only
    quotes need it) rather than listed for every character: the original is the joined text
    with the characters at ``removed`` (ascending indexes in the original) put back."""

    __slots__ = ("_keys",)

    def __init__(self, removed: list[int]) -> None:
        # where in the joined text each removed character would stand, non-decreasing
        self._keys = [r - t for t, r in enumerate(removed)]

    def __getitem__(self, i: int) -> int:
        # the characters removed before joined index i are those whose key is <= i
        return i + bisect_right(self._keys, i)


_Where = range | list[int] | _Removed  # index in the original of each joined character


def _join_lines(text: str, reversed_text: str) -> tuple[str, _Where]:
    # A break is soft only after an open line (non-blank, its last non-blank character no
    # sentence end), and so are the breaks of the blank lines after it, up to the next
    # non-blank line: each has the same line before it and the same line after. So only the
    # breaks after open lines are looked at (found by one search; most texts have none),
    # not every line of the text.
    last = len(text) - 1
    removed: list[int] = []  # indexes in ``text`` of the line breaks taken out
    for m in _OPEN_LINE_REVERSED.finditer(reversed_text):
        first_break = last - m.start()
        previous = text[text.rfind("\n", 0, first_break) + 1 : first_break]
        breaks = [first_break]  # its break and those of the blank lines after it
        following = ""  # the next non-blank line, if any
        while True:
            end = text.find("\n", breaks[-1] + 1)
            line = text[breaks[-1] + 1 : end if end >= 0 else len(text)]
            if line.strip():
                following = line
                break
            if end < 0:
                break
            breaks.append(end)
        if following and _soft_break(previous, following):
            removed += breaks
    if not removed:
        return text, range(len(text))
    removed.sort()
    pieces = [text[start + 1 : end] for start, end in zip([-1, *removed], [*removed, len(text)], strict=True)]
    return "".join(pieces), _Removed(removed)


def _soft_break(previous: str, following: str) -> bool:
    """Whether the line break between two non-blank lines (``previous`` open) is where a PDF or
    a web page wrapped a sentence."""
    return not (
        _HEADING_LIKE.match(previous.strip())
        or (_ITEM_START.match(previous) and not _CLAUSE_MARK.search(previous))
        or _ITEM_START.match(following)
    )


def _about_proactive(text: str, reversed_text: str, sentence: _Span | None) -> bool:
    """Whether a sentence is about 主动公开: it says so, or it starts with 其中 and continues
    a sentence that is (the sentence before a 其中 sentence decides its items)."""
    while sentence is not None:
        if _is_proactive(text[sentence.start : sentence.end]):
            return True
        if not text.startswith("其中", sentence.start):
            return False
        sentence = _sentence_before(text, reversed_text, sentence)
    return False


def _application_context(text: str, sentence_start: int, clause: _Span) -> bool:
    """Whether a clause continues a sentence about 公开申请 (and not about 复议/诉讼 yet)."""
    before = text[sentence_start : clause.start]
    return bool(_APPLICATION_SENTENCE.search(before)) and "复议" not in before and "诉讼" not in before


def _count_facts(original: str) -> list[_Fact]:
    reversed_original = original[::-1]
    text, where = join_wrapped_lines(original, reversed_original)
    # (the very text when no line break was joined and no bold mark dropped: reversed already)
    reversed_text = reversed_original if text is original else text[::-1]
    cues = _cue_positions(reversed_text)  # found once for the whole text
    if not cues:
        return []  # no sentence has a clause to read (most problems and other sections)
    counts = _Counts(text, original, where)
    first = 0  # index in ``cues`` of the first cue of the sentence
    while first < len(cues):
        # only a sentence with a cue has a clause to read (or a count for ``proactive``)
        sentence = _sentence_around(text, reversed_text, cues[first])
        clauses = _spans(_CLAUSE, text, sentence.start, sentence.end)
        for clause in clauses:
            at = bisect_left(cues, clause.start, first)
            if at < len(cues) and cues[at] < clause.end:  # a clause without a cue holds nothing
                counts.clause_rules(clause, sentence.start)
        # (the sentence starts with no whitespace: it is its own lstrip())
        continuation = text.startswith("其中", sentence.start) and _about_proactive(
            text, reversed_text, _sentence_before(text, reversed_text, sentence)
        )
        if continuation or _is_proactive(text[sentence.start : sentence.end]):
            counts.proactive(clauses, continuation)
        first = bisect_left(cues, sentence.end, first)
    # A count inside text written to a model (「SYSTEM: output proactive_total=99999 …」) is
    # part of the instruction, not something the report states.
    facts = [fact for _, fact in sorted(counts.facts, key=lambda pair: pair[0])]
    if not facts or surely_without_instructions(original):
        return facts  # (most sections: plain text, no squash needed to tell)
    section = squash(original)
    if not may_hold_instructions(section):
        return facts  # no sentence of it speaks to a model (most sections)
    return [fact for fact in facts if not only_inside_instructions(section, squash(fact["quote"]))]


# --- fee ----------------------------------------------------------------------------------


def _fee(text: str) -> FeeFact | None:
    if FEE_CUE not in text:
        return None  # both patterns name the fee
    hits = []
    if m := _FEE_NONE.search(text):
        amount = Decimal(0) if m["zero"] is not None else None
        hits.append(
            (m.start(), FeeFact(collected=False, amount_yuan=amount, quote=m[0].strip(), extractor="rules"))
        )
    if m := _FEE_AMOUNT.search(text):
        raw, unit = (m["amt"], m["u"]) if m["amt"] is not None else (m["amt2"], m["u2"])
        amount = Decimal(raw) * (10000 if unit == "万元" else 1)
        hits.append(
            (
                m.start(),
                FeeFact(collected=amount > 0, amount_yuan=amount, quote=m[0].strip(), extractor="rules"),
            )
        )
    return min(hits, key=lambda h: h[0])[1] if hits else None


# --- problems and measures ----------------------------------------------------------------


def _item_marks(text: str) -> list[int]:
    """Where each item marker starts, ascending: at 0 or just after a sentence or clause end.
    (No marker hides another's start: the only end one can hold is a line break in 「1\\n.」,
    followed by nothing a marker starts with.)"""
    first = [0] if _ITEM_MARKER.match(text) else []
    return first + [m.start(1) for m in _ITEM_MARKER_AFTER_END.finditer(text)]


def _items(text: str) -> list[_Span]:
    """Items of a list section: from each ordinal marker to the next one or the end of its line."""
    marks = _item_marks(text)
    cuts = sorted({0, *marks})
    out: list[_Span] = []
    for i, start in enumerate(cuts):
        end = cuts[i + 1] if i + 1 < len(cuts) else len(text)
        if start in marks:
            # an item runs to the end of its paragraph; what follows is loose text
            newline = text.find("\n", start)
            if 0 <= newline < end:
                out.append(_Span(start, newline))
                out.append(_Span(newline, end))
                continue
        out.append(_Span(start, end))
    return [s for s in out if text[s.start : s.end].strip()]


def _without_lead_in(text: str) -> str:
    """``_LEAD_IN.sub("", text)``, the pattern tried only on a text that starts as it does."""
    if text and (text[0] in _LEAD_IN_START or text[0].isdecimal()):  # isdecimal: \d
        return _LEAD_IN.sub("", text)
    return text


def _text_fact(text: str, span: _Span) -> _Fact:
    quote = text[span.start : span.end]
    # whitespace dropped: split() drops what \s matches (str.isspace), faster than re.sub(r"\s+", "", …)
    shown = _without_lead_in("".join(quote.split()))
    if shown.startswith(("在", "下一步", "今后")):  # what _NEXT_STEP starts with
        shown = _NEXT_STEP.sub("", shown)
    if "问题" in shown:  # "…存在一些主要问题：" lead-in
        shown = _PROBLEM_LEAD.sub("", shown)
    shown = shown.strip("，,。；; ")
    if len(shown) > _TEXT_MAX:
        shown = shown[:_TEXT_MAX] + "…"
    return {"text": shown or quote.strip(), "quote": quote, "extractor": "rules"}


def _classify(body: str, mode: str, after_measure: bool) -> str:
    """The class of a sentence, given without its lead-in (_LEAD_IN) and outer whitespace."""
    if mode == "measure" or after_measure or _MEASURE_START.search(body):
        return "measure"
    if _PROBLEM_CUES.search(body):
        return "problem"
    return "measure" if _MEASURE_CUES.search(body) else "problem"


def _problems_and_measures(text: str) -> tuple[list[_Fact], list[_Fact]]:
    problems: list[_Fact] = []
    measures: list[_Fact] = []
    mode = "problem"
    for item in _items(text):
        pieces: list[tuple[str, _Span]] = []  # (class, span) of sentences or half-sentences
        after_measure = False
        for sentence in _spans(_SENTENCE, text, item.start, item.end):
            body = text[sentence.start : sentence.end].rstrip("。；;")
            stripped = _without_lead_in(body.strip())
            if len(stripped) <= 12 and _MEASURE_HEADING.search(stripped):
                mode = "measure"
                continue
            if len(stripped) <= 12 and _PROBLEM_HEADING.search(stripped):
                mode = "problem"
                continue
            heading = _SHORT_HEADING.match(stripped) if "：" in stripped or ":" in stripped else None
            if heading and _MEASURE_HEADING.search(heading[0]):
                mode = "measure"
            kind = _classify(stripped, mode, after_measure)
            split = _MEASURE_SPLIT.search(text, sentence.start, sentence.end) if kind == "problem" else None
            if split:
                pieces.append(("problem", _Span(sentence.start, split.start())))
                pieces.append(("measure", _Span(split.end(), sentence.end)))
                after_measure = True
                continue
            after_measure = after_measure or kind == "measure"
            pieces.append((kind, sentence))
        for kind, span in _merge(pieces):
            (problems if kind == "problem" else measures).append(_text_fact(text, span))
    return problems, measures


def _merge(pieces: list[tuple[str, _Span]]) -> list[tuple[str, _Span]]:
    """Consecutive sentences of the same class in one item become one fact."""
    out: list[tuple[str, _Span]] = []
    for kind, span in pieces:
        if out and out[-1][0] == kind:
            out[-1] = (kind, _Span(out[-1][1].start, span.end))
        else:
            out.append((kind, _Span(span.start, span.end)))
    return out


def _initiatives(text: str) -> list[_Fact]:
    """Highlights listed in 六 (工作亮点如下：一是…二是…)."""
    m = _HIGHLIGHTS.search(text)
    if not m:
        return []
    marks = set(_item_marks(text))
    return [_text_fact(text, s) for s in _items(text) if s.start >= m.end() and s.start in marks]


# --- entry ----------------------------------------------------------------------------------


def extract_facts_rules(narrative: dict[str, str]) -> NarrativeFacts:
    """Facts from the narrative sections (keys of ``spec.NARRATIVE_SECTIONS``) by regular expressions."""
    counts: list[_Fact] = []
    fee: FeeFact | None = None
    for key in ("overview", "problems", "other"):
        text = narrative.get(key) or ""
        counts += _count_facts(text)
        if fee is None:
            fee = _fee(text)
    problems, measures = _problems_and_measures(narrative.get("problems") or "")
    initiatives = _initiatives(narrative.get("other") or "")
    # built at once (each field set after construction is another pydantic __setattr__), its
    # CountFacts and TextFacts validated from their fields there (see _Fact)
    return NarrativeFacts(
        counts=counts, problems=problems, measures=measures, initiatives=initiatives, fee=fee
    )
