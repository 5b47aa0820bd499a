"""Does a date phrase point back or ahead? Read from its own clause only.

A month and day, a weekday or a month named without a year has two candidates, one on or before
the publication date and one on or after it. What decides between them is the clause the phrase
belongs to: the tense of its verb ("met on Monday", "will meet on Monday", "had already met"),
"scheduled", "plans to", "is due to". A marker in another clause decides nothing: in
'"We will win," he said Friday' the phrase belongs to "he said Friday", which is past; in "On Feb.
28, the bank released a report on the next decade", "next" belongs to another phrase.

A clause here is the stretch of the sentence around the phrase that crosses no hard boundary
(quotation marks, a semicolon, a colon, a dash, parentheses) and no clause word ("that", "which",
"who", "because", "while", "although", "but", ", and", ", saying"...). What decides, in order:

1. words just before the phrase that say it ("since shortly after the Oct. 23 slaying", "last
   October" when the phrase is "October");
2. a deadline or a noun's date ("until Friday", "the Jan. 14 deadline") is dated by no verb, unless
   the verb before it is future ("will double its flights by August": a deadline of a future act);
3. the tense marker nearest the phrase: the last one before it (at most NEAR words away), else, when
   the phrase opens its clause or ends an opening phrase set off by a comma ("At the close of
   business Thursday, Ciba-Geigy said ..."), the first one after it.

Present tense ("takes effect Nov. 13", "the vote is Friday", "the case is heard in May"), "would" and
an infinitive decide nothing. When nothing decides, `clause_direction` says so and the caller takes
the candidate nearer the publication date, and says it guessed.

The rules are the same for any language; the words are one `Markers` value per language
(timeline.text.english_tense for English).
"""
from __future__ import annotations

import re
from collections.abc import Callable
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
    deadline: re.Pattern[str]  # those of a deadline ("until", "by"), which a future verb before puts ahead
    leading_past: re.Pattern[str]  # words just before the phrase that put it back ("since ...", "last")
    leading_future: re.Pattern[str]  # ... that put it ahead ("next", "coming")
    modal: re.Pattern[str]  # a future auxiliary that governs a participle after it ("will" in "will be released")
    participle: Callable[[str], bool]  # a past marker that may be a participle ("released", "held")
    not_a_tense: Callable[[str, int, str], bool]  # (sentence, start, word): a past marker that is no verb's tense here


NEAR = 8  # words between a verb and the phrase it dates, at most
OPENING = 3  # words of a clause before a phrase that opens it ('On Friday, the court ruled')


def clause_span(sentence: str, start: int, end: int, markers: Markers) -> tuple[int, int]:
    """(start, end) of the clause of `sentence` holding the phrase at start..end."""
    lo, hi = 0, len(sentence)
    for pattern in (markers.hard, markers.soft):
        for m in pattern.finditer(sentence):
            if m.end() <= start:
                lo = max(lo, m.end())
            elif m.start() >= end:
                hi = min(hi, m.start())
                break
    return lo, hi


def clause_direction(sentence: str, start: int, end: int, markers: Markers) -> tuple[str | None, str]:
    """('past' | 'future' | None, the words that decided it or '') for the phrase at start..end of
    `sentence`, read from its own clause (the rules of the module docstring). None: nothing in the
    clause decides (present tense, no verb, a deadline)."""
    lo, hi = clause_span(sentence, start, end, markers)
    lead = sentence[max(lo, start - 60):start]
    for way, pattern in (("past", markers.leading_past), ("future", markers.leading_future)):
        m = pattern.search(lead)
        if m:
            return way, " ".join(m.group(0).split())
    governed = markers.governed.search(sentence[max(lo, start - 40):start])
    if governed and not markers.deadline.search(sentence[max(lo, start - 40):start]):
        return None, ""  # 'the Jan. 14 deadline', 'his order on March 15': the verb's tense does not date a noun
    found = _markers(sentence, lo, hi, start, end, markers)
    before = [f for f in found if f[1] <= start and len(sentence[f[1]:start].split()) <= NEAR]
    if governed:
        # 'until Friday': the verb's tense does not date a deadline, unless it is the future verb of a future
        # act ('will double its flights by August': its deadline is ahead too)
        last = max(before, key=lambda f: f[1]) if before else None
        return ("future", last[3]) if last is not None and last[2] == "future" else (None, "")
    opens = len(sentence[lo:start].split()) <= OPENING or _opening_phrase(sentence, lo, start, end)
    after = [f for f in found if f[0] >= end and len(sentence[end:f[0]].split()) <= NEAR] if opens else []
    if before:
        last = max(before, key=lambda f: (f[1], f[2] == "either"))
        if last[2] == "past" and markers.participle(last[3]):
            # a modal governs the participle after it: "will be released Friday", "will redeem preferred shares"
            modal = [f for f in before if f[2] in ("future", "either") and f[1] <= last[0]]
            if modal and (markers.modal.fullmatch(modal[-1][3]) or len(sentence[modal[-1][1]:last[0]].split()) <= 3):
                last = modal[-1]
        return (None, last[3]) if last[2] == "either" else (last[2], last[3])
    if after:
        first = min(after, key=lambda f: (f[0], f[2] != "either"))
        return (None, first[3]) if first[2] == "either" else (first[2], first[3])
    return None, ""


def _markers(sentence: str, lo: int, hi: int, start: int, end: int,
             markers: Markers) -> list[tuple[int, int, str, str]]:
    """[(start, end, 'future' | 'past' | 'either', words)] of the clause lo..hi, outside the phrase."""
    found: list[tuple[int, int, str, str]] = []
    for tense, pattern in (("future", markers.future), ("past", markers.past), ("either", markers.either)):
        for m in pattern.finditer(sentence, lo, hi):
            if start <= m.start() < end or start < m.end() <= end:
                continue  # inside the phrase itself ("last Friday", "next month" are read by the phrase)
            if tense == "past" and markers.not_a_tense(sentence, m.start(), m.group(0)):
                continue
            if tense == "either" and any(f[0] <= m.start() < f[1] + 1 and f[2] == "future" for f in found):
                continue  # the 'to' of 'scheduled to', 'plans to': the future marker holds
            found.append((m.start(), m.end(), tense, m.group(0)))
    return found


def _opening_phrase(sentence: str, lo: int, start: int, end: int) -> bool:
    """True when the phrase ends an opening phrase of its clause, set off by a comma, with no comma
    before it in the clause: 'At the close of business Thursday, Ciba-Geigy said ...'."""
    return sentence[end:end + 1] == "," and "," not in sentence[lo:start] and len(sentence[lo:start].split()) <= NEAR
