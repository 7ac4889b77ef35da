"""The rules narrative's fast paths give the slow forms' answers (issue 18: the same output,
faster). Each is checked against the form it stands in for, on random strings built from
the patterns' own pieces or on every code point."""

from __future__ import annotations

import random
import re


def test_letter_class_is_the_ignorecase_class() -> None:
    from gipr_llm.facts.grounding import _LETTER

    ignorecase = re.compile("[a-z]", re.IGNORECASE)
    differ = [c for c in range(0x110000) if bool(ignorecase.match(chr(c))) != bool(_LETTER.match(chr(c)))]
    assert differ == []


def test_one_scan_is_a_letter_or_the_instruction_pattern() -> None:
    """may_hold_instructions' one search: in a text without a letter it finds what
    _INSTRUCTION finds, and in any text it finds something when a letter or _INSTRUCTION
    does (and only then)."""
    from gipr_llm.facts.grounding import _INSTRUCTION, _LETTER, _LETTER_OR_CHINESE_INSTRUCTION

    rng = random.Random(21)
    words = ["忽略", "以上", "上述", "前面", "之前", "此前", "前述", "填写", "填入", "改为", "写成", "输出"]
    words += [*"忽略填写入改为成输出提示词系统上述前为9０中 。", "提示词", "系统提示", "忽略以上", "填写9"]
    letters = [*"aZıſK\u212a\u0130", "ignore", "previous", "system"]
    matched = with_letters = 0
    for _ in range(100_000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        assert not _LETTER.search(text)
        slow, fast = _INSTRUCTION.search(text), _LETTER_OR_CHINESE_INSTRUCTION.search(text)
        matched += slow is not None
        assert (slow and slow.span()) == (fast and fast.span()), repr(text)
        # the same text with letters put in: a letter is found first or an instruction is
        at = rng.randint(0, len(text))
        mixed = text[:at] + rng.choice(letters) * rng.randint(0, 1) + text[at:]
        expected = _LETTER.search(mixed) is not None or _INSTRUCTION.search(mixed) is not None
        with_letters += _LETTER.search(mixed) is not None
        assert (_LETTER_OR_CHINESE_INSTRUCTION.search(mixed) is not None) == expected, repr(mixed)
    assert matched > 10_000 and with_letters > 10_000


def test_no_instruction_in_a_section_means_no_quote_is_inside_one() -> None:
    from gipr_llm.facts.grounding import may_hold_instructions, only_inside_instructions

    rng = random.Random(22)
    pool = [*"。；;!中文9 :：_=aS", "忽略以上", "填写9", "提示词", "system:", "user：", "a_b=", "IGNORE", "previous"]
    inside = 0
    for _ in range(50_000):
        section = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        start = rng.randint(0, len(section))
        quote = section[start : start + rng.randint(1, 6)]
        if only_inside_instructions(section, quote):
            inside += 1
            assert may_hold_instructions(section), (section, quote)
    assert inside > 5_000


def _where_listed(text: str) -> tuple[str, list[int]]:
    """join_wrapped_lines' result with ``where`` listed for every character (its old form)."""
    from gipr_llm.facts.rules import join_wrapped_lines

    joined, where = join_wrapped_lines(text)
    return joined, [where[i] for i in range(len(joined))]


def test_joined_text_maps_every_character_to_its_original() -> None:
    rng = random.Random(23)
    pool = [*"全年受理申请件。，：\n\n  **", "主动公开", "情况", "（一）", "1.", "一是", "17件"]
    for _ in range(20_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 16)))
        joined, where = _where_listed(text)
        assert where == sorted(set(where)) and len(where) == len(joined)
        assert all(text[w] == ch for w, ch in zip(where, joined, strict=True)), repr(text)
        # what was taken out is line breaks and bold marks only
        kept = set(where)
        assert all(ch in "\n*" for i, ch in enumerate(text) if i not in kept), repr(text)


def test_count_search_finds_what_the_count_pattern_finds() -> None:
    from gipr_llm.facts.numbers import COUNT_NUMERALS, COUNT_PATTERN, COUNT_SEARCH, COUNT_UNITS

    slow, fast = re.compile(COUNT_PATTERN), re.compile(COUNT_SEARCH)
    rng = random.Random(24)
    words = ["约", "近", "大约", "将近", "逾", "超过", "接近", "第", "几", "数", "若", "左右", "以上", "大", "将"]
    pool = [*COUNT_NUMERALS, *COUNT_UNITS, *"0123456789０１２,，. \u00a0万千余多中", *words]
    found = 0
    for _ in range(50_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        pos = rng.randint(0, len(text))
        want = [(m.span(), m.groupdict()) for m in slow.finditer(text, pos)]
        assert [(m.span(), m.groupdict()) for m in fast.finditer(text, pos)] == want, (text, pos)
        found += len(want)
    assert found > 5_000


def test_instruction_patterns_led_by_a_lookahead_match_as_before() -> None:
    from gipr_llm.facts.grounding import _ADDRESSED_TO_MODEL, _INSTRUCTION

    before = {
        _INSTRUCTION: re.compile(
            r"忽略(?:以上|上述|前面|之前|此前|前述)|(?:填写|填入|改为|写成|输出)为?\d|提示词|系统提示"
            r"|ignore(?:all|the)?(?:previous|above|prior)|systemprompt",
            re.IGNORECASE,
        ),
        _ADDRESSED_TO_MODEL: re.compile(
            r"(?:system|assistant|user|developer)[:：]|[a-z]+_[a-z_]+=|ignoreprevious", re.IGNORECASE
        ),
    }
    rng = random.Random(25)
    words = ["忽略以上", "忽略", "填写", "改为", "9", "提示词", "系统提示", "中", "ignore", "IGNORE", "all"]
    words += ["previous", "Prior", "system", "SYSTEM", "prompt", "user", "Assistant", "developer", ":", "："]
    words += ["a_b", "_", "=", "\u0131", "\u0130", "\u017f", "\u212a", "s", "K"]
    matched = 0
    for _ in range(50_000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        for fast, slow in before.items():
            want = [m.span() for m in slow.finditer(text)]
            assert [m.span() for m in fast.finditer(text)] == want, (fast.pattern, text)
            matched += bool(want)
    assert matched > 10_000


def test_item_marks_are_the_marker_pattern_matches() -> None:
    """_item_marks finds a marker after each end (a class-led search) and at 0: the starts of
    the one pattern with ^ or a lookbehind on the end in front, and where it matches."""
    from gipr_llm.facts.rules import _item_marks

    before = re.compile(
        r"(?:^|(?<=[。；;！!？?：:\n]))[ \t\u3000]*"
        r"(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.．、](?!\d))"
    )
    rng = random.Random(26)
    pool = [*"一二三十是（(）)、12３.．。；;！!？?：:\n \t\u3000\x0b中文", "一是", "（一）", "1.", "2、", "1\n.", "。\n"]
    matched = 0
    for _ in range(80_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        want = [m.start() for m in before.finditer(text)]
        assert _item_marks(text) == want, repr(text)
        assert want == [at for at in range(len(text) + 1) if before.match(text, at)], repr(text)
        matched += bool(want)
    assert matched > 20_000


# The sentence end at the end of a line, as _join_lines tested it line by line before it
# searched for open lines.
_LINE_END = re.compile(r"[。！？!?；;：:」”）)]\s*$")


def test_a_text_without_an_open_line_keeps_its_line_breaks() -> None:
    """_join_lines skips its loop when _OPEN_LINE_REVERSED finds nothing: then the loop would
    join nothing."""
    from gipr_llm.facts import rules

    rng = random.Random(27)
    pool = [*"。！？!?；;：:」”）)ab中 \t\u3000\u00a0\r\x0b\x0c\x1c\x85\u2028\n\n\n", "（一）", "1.", "情况"]
    skipped = 0
    for _ in range(30_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        if not rules._OPEN_LINE_REVERSED.search(text[::-1]):
            skipped += "\n" in text
            lines = text.split("\n")
            # the loop's first test: the last non-blank line so far does not end a sentence
            last_open = [bool(line.strip()) and not _LINE_END.search(line) for line in lines[:-1]]
            assert not any(last_open), repr(text)
            assert rules.join_wrapped_lines(text) == (text, range(len(text)))
    assert skipped > 3_000


def _join_lines_line_by_line(text: str) -> tuple[str, list[int]]:
    """_join_lines as it was: every line break looked at, with the last non-blank line before
    it and the next one after it."""
    from gipr_llm.facts import rules

    lines = text.split("\n")
    joined: list[str] = []
    removed: list[int] = []
    at = 0
    previous = ""
    for i, line in enumerate(lines):
        joined.append(line)
        at += len(line) + 1
        if line.strip():
            previous = line
        if i == len(lines) - 1:
            break
        following = next((after for after in lines[i + 1 :] if after.strip()), "")
        soft = (
            previous.strip()
            and following
            and not _LINE_END.search(previous)
            and not rules._HEADING_LIKE.match(previous.strip())
            and not (rules._ITEM_START.match(previous) and not rules._CLAUSE_MARK.search(previous))
            and not rules._ITEM_START.match(following)
        )
        if soft:
            removed.append(at - 1)
        else:
            joined.append("\n")
    return "".join(joined), removed


def test_joining_from_the_open_lines_is_joining_line_by_line() -> None:
    """_join_lines looks only at the breaks after open lines (and the blank lines after
    them): it takes out the same breaks as the loop over every line."""
    from gipr_llm.facts import rules

    rng = random.Random(28)
    pool = [*"。；：」)ab中，, \t\u3000\r\x0b\x85\u2028\n\n\n\n", "（一）", "1.", "一是", "情况", "主动公开政府信息"]
    pool += ["全年受理申请", "12条", "\n  \n", "工作措施"]
    joined_some = 0
    for _ in range(40_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 16)))
        want, removed = _join_lines_line_by_line(text)
        got, where = rules._join_lines(text, text[::-1])
        assert got == want, repr(text)
        if removed:
            joined_some += 1
            assert [where[i] for i in range(len(got))] == [i for i in range(len(text)) if i not in removed]
        else:
            assert got is text and where == range(len(text)), repr(text)
    assert joined_some > 5_000


def test_item_label_with_prefilters_is_the_plain_one() -> None:
    from gipr_llm.facts import rules

    def plain(before: str) -> str | None:  # _item_label without its prefilters
        label = before.strip()
        label = rules._LABEL_LEAD.sub("", label)
        label = rules._LABEL_CHANNEL.sub("", label)
        label = rules._LABEL_AND.sub("", label)
        label = re.sub("^涉及", "", label)
        label = rules._LABEL_PUBLISH_END.sub("", label.strip())
        label = rules._LABEL_PUBLISH_START.sub("", label)
        label = rules._LABEL_TAIL.sub("", label).strip()
        return label or None

    rng = random.Random(28)
    words = ["其中", "：", "，", "、", "通过", "在", "“", "」", "《", '"', "网站", "以及", "和", "涉及", "主动"]
    words += ["公开", "政府", "政务", "信息", "的", "共", "计", "为", ":", " ", "\n", "\u3000", "规范性文件"]
    words += ["及", "并", "以", "其", "；", ";", ",", "涉"]
    for _ in range(50_000):
        before = "".join(rng.choice(words) for _ in range(rng.randint(0, 9)))
        assert rules._item_label(before) == plain(before), repr(before)


def test_lead_in_prefilter_is_the_pattern() -> None:
    from gipr_llm.facts.rules import _LEAD_IN, _without_lead_in

    rng = random.Random(29)
    pool = [*"一二三十是（(）)、12３.．。 \t中文", "一是", "（一）", "1.", "2、", "十、"]
    for _ in range(50_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))
        assert _without_lead_in(text) == _LEAD_IN.sub("", text), repr(text)


def test_sentences_found_from_inside_are_the_listed_sentences() -> None:
    """_count_facts visits a sentence from a cue inside it (and the sentence before a 其中)
    instead of listing them all: the same sentences as _spans(_SENTENCE)."""
    from gipr_llm.facts.rules import _SENTENCE, _sentence_around, _sentence_before, _spans

    rng = random.Random(25)
    pool = [*"。！？!?\n \t\u3000\u00a0甲乙1条", "其中", "。 。", " \n "]
    compared = 0
    for _ in range(30_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        reversed_text = text[::-1]
        sentences = _spans(_SENTENCE, text)
        for index, sentence in enumerate(sentences):
            expected_before = sentences[index - 1] if index else None
            assert _sentence_before(text, reversed_text, sentence) == expected_before, repr(text)
            for at in range(sentence.start, sentence.end):
                if text[at] not in "。！？!?\n" and not text[at].isspace():
                    assert _sentence_around(text, reversed_text, at) == sentence, (repr(text), at)
                    compared += 1
    assert compared > 50_000


def test_plain_characters_keep_what_the_instruction_search_reads() -> None:
    """What surely_without_instructions assumes of each character it lets through: its NFKC
    is itself (CJK ideographs) or holds no letter, no character of an instruction phrase and
    no whitespace (whitespace only from a character that is whitespace)."""
    import unicodedata

    from gipr_llm.facts.grounding import _INSTRUCTION_FIRSTS, _LETTER, _NOT_PLAIN

    phrase_chars = set(_INSTRUCTION_FIRSTS + "略写入为成出示词统提")
    for code in range(0x110000):
        char = chr(code)
        if _NOT_PLAIN.match(char):
            continue
        form = unicodedata.normalize("NFKC", char)
        if form == char:
            assert not _LETTER.match(char)
            continue
        assert not _LETTER.search(form) and not phrase_chars & set(form), hex(code)
        assert not any(c.isspace() for c in form) or (char.isspace() and form.isspace()), hex(code)
        assert not any(unicodedata.combining(c) for c in form), hex(code)


def test_surely_without_instructions_is_never_wrong() -> None:
    """When it says a text holds no instruction, the squashed text's search says so too; on
    random texts of plain and other characters, instruction phrases split by whitespace."""
    from gipr_llm.domain.textnorm import squash
    from gipr_llm.facts.grounding import may_hold_instructions, surely_without_instructions

    rng = random.Random(24)
    pieces = ["忽略以上", "填写9", "填入", "改为", "写成", "输出", "提示词", "系统提示", "系统", "提出"]
    pieces += [*"忽略填写入改为成输出提示词系统上述中 。，：（）“”《》、·×—…\u3000\n\t", "主动公开", "１２"]
    pieces += [*"aZıK\u212a\u0130ａＡ①℃\u00a0\u200b\ufeff\u2f70\uf900"]
    surely = held = 0
    for _ in range(100_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        hold = may_hold_instructions(squash(text))
        held += hold
        if surely_without_instructions(text):
            surely += 1
            assert not hold, repr(text)
    assert surely > 10_000 and held > 10_000
    assert surely_without_instructions("本年度主动公开政府信息1,236条，提出改进意见，系统运行平稳。")


def test_quote_mark_class_is_the_marks_the_label_channel_pattern_needs() -> None:
    """_item_label's one search for a quote mark finds one where any of the marks is."""
    from gipr_llm.facts.rules import _LABEL_QUOTE_MARK

    marks = '“「《"'
    differ = [c for c in range(0x110000) if bool(_LABEL_QUOTE_MARK.search(chr(c))) != (chr(c) in marks)]
    assert differ == []
