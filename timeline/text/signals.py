"""What checkable detail a sentence carries: a number, a date expression, a quotation.

Every sentence with such a signal is one a fact should cite or the curator should set aside
(timeline.across.coverage); the sentences table stores them, and `timeline suggest` starts from them.
"""
from __future__ import annotations

import re

from timeline.records import base_language
from timeline.text import spanish_mentions

_NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
                 "sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                 "hundreds?|thousands?|millions?|billions?|trillions?|dozens?|half|double|triple|twice")
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|December|"
           "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec")
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
SIGNALS = {
    "number": re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I),
    "date": re.compile(
        rf"\b(?:{_WEEKDAYS})s?\b|\b(?:{_MONTHS})\b|"
        r"\b(?:today|yesterday|tomorrow|tonight|weekend)\b|"
        r"\b(?:last|this|next|past|coming|earlier this|later this)\s+(?:week|month|year|decade|century|spring|"
        r"summer|autumn|fall|winter)\b|\b\d+\s+(?:days?|weeks?|months?|years?)\s+(?:ago|earlier|later)\b|"
        r"\b(?:1[5-9]\d\d|20\d\d)s?\b|\bcentur(?:y|ies)\b|\brecent(?:ly)?\b", re.I),
    "quotation": re.compile(r"[\u201c\"][^\u201c\u201d\"]*\w[^\u201c\u201d\"]*[\u201d\"]"),
}
# Month names are only dates when capitalised ("May" the month, not "may" the verb).
_CASED_MONTH = re.compile(rf"\b(?:{_MONTHS})\b")


# Fast paths for ASCII text (the same answers as the patterns, a few times faster): a number word or a
# date pattern can only match where a whole word is one of these (or a digit is present).
_WORD = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_NUMBER_TOKENS = frozenset(_NUMBER_WORDS.replace("s?", "").split("|")) | frozenset(
    w + "s" for w in ("hundred", "thousand", "million", "billion", "trillion", "dozen"))
_DATE_FIRST_TOKENS = frozenset(
    [w.lower() + s for w in _WEEKDAYS.split("|") for s in ("", "s")]
    + _MONTHS.replace("Sept?", "Sep|Sept").lower().split("|")
    + "today yesterday tomorrow tonight weekend last this next past coming earlier later century centuries"
      " recent recently".split())


def signals(text: str, language: str = "en") -> list[str]:
    """The kinds of checkable detail a sentence carries: number, date, quotation (read in the sentence's
    language: Spanish by timeline.text.spanish_mentions' patterns, any other as English)."""
    if base_language(language) == "es":
        return [name for name, pattern in spanish_mentions.SIGNALS.items() if pattern.search(text)]
    if text.isascii():
        words = set(_WORD.findall(text.lower()))
        digit = _DIGIT.search(text) is not None
        skip = {"number": not digit and words.isdisjoint(_NUMBER_TOKENS),
                "date": not digit and words.isdisjoint(_DATE_FIRST_TOKENS)}
    else:
        skip = {}
    found = []
    for name, pattern in SIGNALS.items():
        if skip.get(name):
            continue
        if name == "number" and skip:  # ASCII: a digit or a number word is there
            found.append(name)
            continue
        match = pattern.search(text)
        if name == "date" and match and _is_lowercase_month(match.group(0)):
            match = next((m for m in pattern.finditer(text) if not _is_lowercase_month(m.group(0))), None)
        if match:
            found.append(name)
    return found


def _is_lowercase_month(word: str) -> bool:
    word = word.rstrip(".").strip()
    return bool(re.fullmatch(_MONTHS, word, re.I)) and not _CASED_MONTH.fullmatch(word)
