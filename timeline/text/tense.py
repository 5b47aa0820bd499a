"""Does a date phrase point back or ahead? Read from its own clause only.

A month and day, a weekday or a month named without a year has two candidates, one on or before
the publication date and one on or after it. What decides between them is the clause the phrase
belongs to: the tense of its verb ("met on Monday", "will meet on Monday", "had already met"),
"scheduled", "plans to", "is due to". A marker in another clause decides nothing: in
'"We will win," he said Friday' the phrase belongs to "he said Friday", which is past; in "On Feb.
28, the bank released a report on the next decade", "next" belongs to another phrase.

A clause here is the stretch of the sentence around the phrase that crosses no hard boundary
(quotation marks, a semicolon, a colon, a dash, parentheses) and no clause word ("that", "which",
"who", "because", "while", "although", "but", ", and", ", saying"...). The marker nearest the phrase
decides: the last one before it, else the first one after it. Present tense ("takes effect Nov.
13", "the vote is Friday") decides nothing. When nothing decides, `clause_direction` says so and
the caller takes the candidate nearer the publication date, and says it guessed.

The words are English; another language gives its own `Markers` (the rules are the same).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Markers:
    """The words of one language that bound a clause and give its tense."""

    hard: re.Pattern[str]  # never crossed: quotation marks, ; : dashes, parentheses
    soft: re.Pattern[str]  # a new clause starts here (at the match's start)
    future: re.Pattern[str]
    past: re.Pattern[str]
    either: re.Pattern[str]  # what leaves it open: "would", "planned", "postponed", an infinitive ("to expire")
    governed: re.Pattern[str]  # words before the phrase that make it a deadline or a noun's date ("until", "the")


NEAR = 8  # words between a verb and the phrase it dates, at most

_IRREGULAR_PAST = (
    "said|told|was|were|had|did|went|came|took|made|gave|got|met|left|began|became|saw|found|held|kept|led|"
    "lost|paid|ran|sent|spoke|stood|thought|won|wrote|brought|bought|built|fell|felt|fled|flew|"
    "fought|forgot|grew|heard|knew|laid|meant|rose|sat|shot|sold|sought|spent|struck|swore|taught|threw|"
    "understood|woke|withdrew|wore|drove|ate|drew|broke|chose|froze|hid|overtook|upheld|rode|rang|sang|sank|"
    "slid|stole|stuck|swept|tore|wound")

ENGLISH = Markers(
    hard=re.compile(r"[\u201c\u201d\"();:\u2014]|\s[-\u2013]\s|--|(?<=\w)'(?=\s)|(?<=\s)'(?=\w)"),
    soft=re.compile(r"(?:,\s*|\s)(?=(?:that|which|who|whom|whose|because|while|whereas|although|though|but|"
                    r"unless|saying|according to|when|if|once|whether)\b)|,\s*(?=(?:and|or|as|after|before|when|where)\b)", re.IGNORECASE),
    future=re.compile(
        r"(?-i:\bwill\b)|\b(?:shall|won't|wo n't)\b|\b(?:i|you|we|they|he|she|it|who|that)'ll\b"
        r"|(?<!\bwas )(?<!\bwere )(?<!\bhad been )(?<!\bwas not )\b(?:scheduled|due|slated|poised|set|expected|"
        r"planning|preparing|going|intending|aiming|hoping|ready)\s+(?:to|for)\b"
        r"|\b(?:plans?|intends?|aims?|hopes?|wants?|vows?|promises?|pledges?|threatens?)\s+to\b"
        r"|\b(?:is|are|am)\s+to\s+\w+|\bupcoming\b|\bforthcoming\b|\btomorrow\b|\blater\s+this\b"
        r"|\bto\s+be\s+(?:held|released|published|announced|decided|voted|heard|sentenced)\b",
        re.IGNORECASE),
    past=re.compile(
        rf"\b(?:{_IRREGULAR_PAST})\b|\b(?:has|have|had)\s+(?:\w+\s+)?(?:been|\w+ed|{_IRREGULAR_PAST})\b"
        r"|\balready\b|\bago\b|\byesterday\b|\bearlier\b|\bpreviously\b|\bformerly\b"
        r"|\b[a-z]{3,}ed\b", re.IGNORECASE),
    either=re.compile(r"\b(?:planned|scheduled|set|slated|expected|due|timed)\s+(?:for|to)\b"
                      r"|\b(?:would|could|might|should|scheduled|rescheduled|postponed|delayed|extended|"
                      r"deferred|adjourned|moved|pushed back|set|(?:is|are|am)(?!\s+(?:not\s+)?(?:to|scheduled|due|"
                      r"set|expected|slated|going|planning|poised|preparing)\b))\b|(?-i:\bmay\b)|\bto\s+(?!the\b|a\b|an\b)"
                      r"(?=[a-z]+\b)", re.IGNORECASE),
    governed=re.compile(r"(?:\b(?:until|till|through|effective|by|payable|due|expir\w*|starting|beginning|ending|"
                        r"deadline|as soon as|as early as|as late as|no later than|no earlier than|the|a|an|its|his|"
                        r"her|their|our|this|that|whose)\s+(?:[a-z]+\s+)?)$", re.IGNORECASE),
)
_NOT_PAST = {"need", "speed", "seed", "feed", "bleed", "breed", "proceed", "succeed", "exceed", "indeed", "red",
             "bed", "shed", "wed", "hundred", "embed", "weed", "greed", "deed", "creed", "steed", "tweed",
             "based", "scheduled", "expected", "planned", "proposed", "intended", "supposed", "alleged",
             "estimated", "related", "united", "limited", "advanced", "armed", "so-called", "aged", "concerned",
             "interested", "involved", "required", "tired", "worried", "hundreds", "unprecedented", "detailed"}


def clause_span(sentence: str, start: int, end: int, markers: Markers = ENGLISH) -> tuple[int, int]:
    """(start, end) of the clause of `sentence` holding the phrase at start..end."""
    lo, hi = 0, len(sentence)
    for pattern in (markers.hard, markers.soft):
        for m in pattern.finditer(sentence):
            if m.end() <= start:
                lo = max(lo, m.end() if pattern is markers.hard else m.end())
            elif m.start() >= end:
                hi = min(hi, m.start())
                break
    return lo, hi


def clause_direction(sentence: str, start: int, end: int, markers: Markers = ENGLISH) -> tuple[str | None, str]:
    """('past' | 'future' | None, the words that decided it or '') for the phrase at start..end of
    `sentence`, read from its own clause: the nearest tense marker before the phrase, else the first
    one after it. None: nothing in the clause decides (present tense, no verb)."""
    lo, hi = clause_span(sentence, start, end, markers)
    if markers.governed.search(sentence[max(lo, start - 40):start]):
        return None, ""  # 'until Friday', 'the Jan. 14 deadline': the verb's tense does not date it
    found: list[tuple[int, int, str, str]] = []  # (position, end, tense, words)
    for tense, pattern in (("future", markers.future), ("past", markers.past), ("either", markers.either)):
        for m in pattern.finditer(sentence, lo, hi):
            if start <= m.start() < end or start < m.end() <= end:
                continue  # inside the phrase itself ("last Friday", "next month" are read by the phrase)
            word = m.group(0).lower()
            if tense == "past" and (word in _NOT_PAST or word.endswith("ed") and _adjective(sentence, m.start())):
                continue
            if tense == "either" and any(f[0] <= m.start() < f[1] + 1 and f[2] == "future" for f in found):
                continue  # the 'to' of 'scheduled to', 'plans to': the future marker holds
            found.append((m.start(), m.end(), tense, m.group(0)))
    # a tense more than NEAR words away is too far to say which verb the phrase belongs to
    before = [f for f in found if f[1] <= start and len(sentence[f[1]:start].split()) <= NEAR]
    opens = len(sentence[lo:start].split()) <= 3  # 'On Friday, the court ruled': the verb follows
    after = [f for f in found if f[0] >= end and len(sentence[end:f[0]].split()) <= NEAR] if opens else []
    if before:
        last = max(before, key=lambda f: (f[1], f[2] == "either"))
        if last[2] == "past" and _participle(last[3]):
            # a modal governs the participle after it: "will be released Friday", "will redeem preferred shares"
            modal = [f for f in before if f[2] in ("future", "either") and f[1] <= last[0]]
            if modal and (MODAL.fullmatch(modal[-1][3]) or len(sentence[modal[-1][1]:last[0]].split()) <= 3):
                last = modal[-1]
        return (None, last[3]) if last[2] == "either" else (last[2], last[3])
    if after:
        first = min(after, key=lambda f: (f[0], f[2] != "either"))
        return (None, first[3]) if first[2] == "either" else (first[2], first[3])
    return None, ""


MODAL = re.compile(r"will|shall|won't|\w+'ll", re.IGNORECASE)


def _participle(word: str) -> bool:
    return word.lower().endswith("ed") or word.lower() in ("been", "held", "made", "set", "put", "built", "paid")


_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "these", "those", "be", "been",
                "being", "is", "are", "was", "were", "to", "and", "or", "newly", "recently", "still", "not", "now"}
_SUBJECT_ADVERBS = {"reportedly", "officially", "formally", "quickly", "finally", "jointly", "publicly", "unanimously",
                    "abruptly", "eventually", "previously", "recently", "initially", "only", "early", "briefly"}


def _adjective(sentence: str, start: int) -> bool:
    """True when the -ed word at `start` is an adjective or a participle whose tense is not its own: after a
    determiner or a form of 'be' ('the proposed rule', 'was detained'), 'still' or 'not', or inside a name
    or a number ('Series H preferred shares', '3-for-2 split')."""
    if start and sentence[start - 1] in "-\u2010\u2011":
        return True  # 'three-tiered', 'state-owned'
    words = sentence[max(0, start - 40):start].split()
    if not words:
        return False
    previous = words[-1].strip(",\u201d\"").lower()
    if previous in _DETERMINERS or previous.endswith("ly") and previous not in _SUBJECT_ADVERBS:
        return True
    return len(previous) == 1 or previous[:1].isdigit()
