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
    either: re.Pattern[str]  # a verb that leaves it open: "would", "could" (a reported plan, a condition)


_IRREGULAR_PAST = (
    "said|told|was|were|had|did|went|came|took|made|gave|got|met|left|began|became|saw|found|held|kept|led|"
    "lost|paid|ran|sent|spoke|stood|thought|won|wrote|brought|bought|built|fell|felt|fled|flew|"
    "fought|forgot|grew|heard|knew|laid|meant|rose|sat|shot|sold|sought|spent|struck|swore|taught|threw|"
    "understood|woke|withdrew|wore|drove|ate|drew|broke|chose|froze|hid|overtook|upheld|rode|rang|sang|sank|"
    "slid|stole|stuck|swept|tore|wound")

ENGLISH = Markers(
    hard=re.compile(r"[\u201c\u201d\"();:\u2014]|\s[-\u2013]\s|--|(?<=\w)'(?=\s)|(?<=\s)'(?=\w)"),
    soft=re.compile(r"(?:,\s*|\s)(?=(?:that|which|who|whom|whose|because|while|whereas|although|though|but|"
                    r"unless|saying|according to)\b)|,\s*(?=(?:and|or|as|after|before|when|where)\b)", re.IGNORECASE),
    future=re.compile(
        r"(?-i:\bwill\b)|\b(?:shall|won't|wo n't)\b|\b(?:i|you|we|they|he|she|it|who|that)'ll\b"
        r"|(?<!\bwas )(?<!\bwere )(?<!\bhad been )(?<!\bwas not )\b(?:scheduled|due|slated|poised|set|expected|"
        r"planning|preparing|going|intending|aiming|hoping|ready)\s+(?:to|for)\b"
        r"|\b(?:plans?|intends?|aims?|hopes?|wants?|vows?|promises?|pledges?|threatens?|vowed|promised|pledged|"
        r"planned|intended|threatened|agreed|decided)\s+to\b"
        r"|\b(?:is|are|am)\s+to\s+\w+|\bupcoming\b|\bforthcoming\b|\bnext\b|\bcoming\b|\btomorrow\b|\blater\s+this\b"
        r"|\bto\s+be\s+(?:held|released|published|announced|decided|voted|heard|sentenced)\b",
        re.IGNORECASE),
    past=re.compile(
        rf"\b(?:{_IRREGULAR_PAST})\b|\b(?:has|have|had)\s+(?:\w+\s+)?(?:been|\w+ed|{_IRREGULAR_PAST})\b"
        r"|\balready\b|\bago\b|\byesterday\b|\bearlier\b|\bpreviously\b|\blast\b|\bformerly\b"
        r"|\b[a-z]{3,}ed\b", re.IGNORECASE),
    either=re.compile(r"\b(?:would|could|might|should)\b|(?-i:\bmay\b)", re.IGNORECASE),
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
    found: list[tuple[int, int, str, str]] = []  # (position, end, tense, words)
    for tense, pattern in (("future", markers.future), ("past", markers.past), ("either", markers.either)):
        for m in pattern.finditer(sentence, lo, hi):
            if start <= m.start() < end or start < m.end() <= end:
                continue  # inside the phrase itself ("last Friday", "next month" are read by the phrase)
            word = m.group(0).lower()
            if tense == "past" and (word in _NOT_PAST or word.endswith("ed") and _adjective(sentence, m.start())):
                continue
            found.append((m.start(), m.end(), tense, m.group(0)))
    before = [f for f in found if f[1] <= start]
    after = [f for f in found if f[0] >= end]
    if before:
        last = max(before, key=lambda f: f[1])
        if last[2] == "past" and _participle(last[3]):
            # a modal governs the participle after it: "will be released Friday", "is set to be named"
            modal = [f for f in before if f[2] == "future" and f[1] <= last[0] and
                     len(sentence[f[1]:last[0]].split()) <= 3]
            if modal:
                last = modal[-1]
        return (None, last[3]) if last[2] == "either" else (last[2], last[3])
    if after:
        first = min(after)
        return (None, first[3]) if first[2] == "either" else (first[2], first[3])
    return None, ""


def _participle(word: str) -> bool:
    return word.lower().endswith("ed") or word.lower() in ("been", "held", "made", "set", "put", "built", "paid")


_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "our", "this", "that", "these", "those", "be", "been",
                "being", "is", "are", "was", "were", "to", "and", "or", "newly", "recently"}


def _adjective(sentence: str, start: int) -> bool:
    """True when the -ed word at `start` follows a determiner or a form of 'be' (an adjective or a
    passive participle, whose tense its auxiliary gives)."""
    words = sentence[max(0, start - 30):start].split()
    return bool(words) and words[-1].lower().strip(",") in _DETERMINERS
