"""Date phrases as news articles write them ("on Monday", "in December", "the first quarter", "7:50
p.m. ET", "about 1990"), resolved against the article's publication date and never against today's
date, so a build gives the same answer on any day; and the names the rest of the package uses for
dates (Resolved, PRECISIONS, parse_date, parse_published, date_label: timeline.text.periods and
timeline.text.date_values).

A phrase is read by its language's grammar (timeline.text.grammar; English: english_dates), twice:
as pointing back (the nearest such period on or before the publication date) and as pointing ahead
(on or after it). When the two readings differ, what decides, in order:

1. the caller's ``direction`` ('past' or 'future': `direction:` in a fact);
2. a phrase that can only point back ("since March");
3. the phrase's own clause in its sentence (timeline.text.tense: the tense of its verb, "will",
   "had already", "scheduled"; a marker in another clause decides nothing);
4. else the reading nearer the publication date is taken and the result says it was a guess
   (`Resolved.guess`, a `date-guessed` warning in `timeline check`).

A weekday given with a month and day decides the year by itself. A year phrase that may mean the
same quarter or day a year away ("a year ago" in a sentence comparing quarters) is a guess too.
"""
from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from timeline.errors import DateError
from timeline.text import date_values, tense
from timeline.text.date_values import DATE_FORMS, parse_date, parse_published
from timeline.text.english_dates import ENGLISH
from timeline.text.grammar import Grammar
from timeline.text.spanish_dates import SPANISH
from timeline.text.periods import (DAY_NAMES, PRECISIONS, QUALIFIERS, Hit, Resolved, date_label, part_of,
                                   whole_period, year_problem)
from timeline.text.zones import zone_offset

__all__ = ["DATE_FORMS", "GRAMMARS", "PRECISIONS", "QUALIFIERS", "Resolved", "date_label", "may_contain",
           "parse_date", "parse_published", "phrase_direction", "resolve_phrase", "without_preposition"]

GRAMMARS = {grammar.language: grammar for grammar in (ENGLISH, SPANISH)}  # the languages whose phrases are read

_CONTEXT_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc]")


def _distance(hit: Hit, pub: datetime.date) -> int:
    """Days from the publication date to the period (0 when it holds it)."""
    start, end = hit[0], hit[1]
    return 0 if start <= pub <= end else (pub - end).days if end < pub else (start - pub).days


class _Choice(NamedTuple):
    hit: Hit
    how: str  # why past or future ('' when both readings agree)
    guess: str | None = None  # why it is a guess: 'direction' (nothing decided), 'words' (they allow another), 'day'
    other: Hit | None = None  # the other reading, when it is a guess


def _choose(grammar: Grammar, text: str, pub: datetime.date, direction: str | None,
            clause: Callable[[], tuple[str | None, str]]) -> _Choice | None:
    """The reading of a phrase: both candidates worked out, then the direction rules (module docstring)."""
    readings: dict[str, Hit | None] = {}
    error: DateError | None = None
    for way in ("past", "future"):
        try:
            readings[way] = grammar.read(text, pub, way)
        except DateError as e:
            readings[way], error = None, error or e
        except (ValueError, OverflowError):
            readings[way] = None
    past, future = readings["past"], readings["future"]
    if past is None and future is None:
        if error:
            raise error
        return None
    if past is None or future is None or past[:3] == future[:3]:
        hit = past or future
        assert hit is not None
        if not (past is not None and future is not None and past[3] == future[3]):
            hit = hit[:3] + ("",)  # the note holds for both ("the weekday fits") or for none
        other = None if direction else grammar.other_reading(text, pub)
        if other is not None and other[:2] != hit[:2]:
            return _Choice(hit, "", "words", other)  # 'last week' read on a Sunday: the week now ending too
        return _Choice(hit, "")
    if direction:
        return _Choice(readings[direction] or past, direction)
    if grammar.always_past(text):
        return _Choice(past, f"past, because of '{text.split()[0]}'")
    decided, words = clause()
    if decided:
        return _Choice(readings[decided] or past, f"{decided}, from '{words}' in its clause")
    way = "future" if _distance(future, pub) < _distance(past, pub) else "past"
    other = past if way == "future" else future
    return _Choice(readings[way] or past, f"guessed {way}: the nearer to publication", "direction", other)


def _label(hit: Hit) -> str:
    return date_label(hit[0], hit[2], hit[1])


def _find(phrase: str, context: str) -> tuple[int, int] | None:
    """(start, end) of the phrase in its sentence (any case, spaces; apostrophes made one already), else None."""
    words = phrase.split()
    if not words:
        return None
    if context.isascii():  # the common case, without a regular expression: lower() keeps every offset
        found = context.lower().find(" ".join(words).lower())
        if found >= 0:
            return found, found + len(" ".join(words))
    m = re.search(r"\s+".join(re.escape(w) for w in words), context, re.IGNORECASE)
    return m.span() if m else None


def phrase_direction(phrase: str, context: str | None, language: str = "en") -> tuple[str | None, str]:
    """('past' | 'future' | None, the deciding words) for a phrase read from its own clause of `context`
    (timeline.text.tense); (None, '') when the phrase is not in the context or nothing there decides."""
    if not context:
        return None, ""
    grammar = _grammar(language)
    context = _CONTEXT_APOSTROPHES.sub("'", context)
    phrase = _CONTEXT_APOSTROPHES.sub("'", phrase.strip())
    span = _find(phrase, context) or _find(grammar.without_preposition(phrase), context)
    if span is None:
        return None, ""
    return clause_direction(context, *span, language)


@functools.lru_cache(maxsize=4096)
def clause_direction(sentence: str, start: int, end: int, language: str = "en") -> tuple[str | None, str]:
    """('past' | 'future' | None, the deciding words) for the date phrase at start..end of `sentence`,
    read from its own clause in the sentence's language (timeline.text.tense). Kept for a while: a fact's
    date conflicts read again the phrase its date was read from (a quarter of the calls of a build)."""
    return tense.clause_direction(sentence, start, end, _grammar(language).markers)


def future_marker(sentence: str, language: str = "en") -> str | None:
    """The first word of `sentence` that makes a clause future ('will', 'scheduled to'), or None."""
    m = _grammar(language).markers.future.search(sentence)
    return m[0] if m else None


def without_preposition(phrase: str, language: str = "en") -> str:
    """`phrase` without a leading preposition or article ('on', 'in', 'since', 'by', 'the'...; any case)."""
    return _grammar(language).without_preposition(phrase)


def _grammar(language: str) -> Grammar:
    grammar = GRAMMARS.get(language)
    if grammar is None:
        raise DateError(f"Date phrases in '{language}' cannot be read yet: write date: instead"
                        f" (phrases are read in {', '.join(sorted(GRAMMARS))})")
    return grammar


def resolve_phrase(phrase: str, published: str | datetime.date, *, direction: str | None = None,
                   context: str | None = None, source_id: str | None = None, language: str = "en") -> Resolved:
    """Resolve a date phrase as the article says it, against its publication date (never today).

    `context` is the sentence the phrase comes from: the phrase's own clause in it can say whether it
    points back or ahead; `direction` ('past' or 'future') decides it outright. When nothing decides
    and the two readings differ, the one nearer the publication date is taken and `.guess` says so.
    `language` names the grammar the phrase is read with (GRAMMARS)."""
    grammar = _grammar(language)
    pub = parse_published(published)
    if direction not in (None, "past", "future"):
        raise DateError(f"Unknown direction '{direction}': use past or future, or leave it out")
    if not isinstance(phrase, str) or not phrase.strip():
        raise DateError("The date phrase is empty: write one such as 'last Monday', or use date: instead")
    written = phrase.strip()
    clause = functools.partial(phrase_direction, written, context, language)
    qualifier, text = grammar.qualifier(grammar.clean(phrase))
    timed = grammar.time_of_day(text)
    clock = zone = None
    if timed:
        text, clock, zone = timed
    try:
        if not text and clock:
            choice: _Choice | None = _Choice((pub, pub, "day", ""), "", "day")
        else:
            choice = _choose(grammar, text, pub, direction, clause) or _range_choice(grammar, text, pub, direction,
                                                                                      clause)
    except DateError:
        raise
    except (ValueError, OverflowError):
        raise DateError(f"'{written}' falls outside the calendar when counted from {pub.isoformat()}") from None
    if choice is None:
        problem = date_values.explain(text) if re.fullmatch(r"[0-9'/.:t -]+", text) else None
        raise DateError(f"Cannot resolve date phrase '{written}': "
                        + (problem or f"understood forms are {grammar.forms}. Rephrase it, or use date: instead"))
    start, end, precision, note = choice.hit
    problem = year_problem(start.year) or year_problem(end.year)
    if problem:  # every date the build stores is within FIRST_YEAR..LAST_YEAR, however it was written
        raise DateError(f"'{written}' counted from {pub.isoformat()} gives {start.isoformat()}..{end.isoformat()}:"
                        f" {problem}")
    time = None
    if clock:
        if precision != "day" or start != end:
            raise DateError(f"'{written}': a time of day needs one day, not {date_label(start, precision, end)}")
        precision, time = "time", clock + zone_offset(zone, start, clock)
    found = Resolved(start, end, precision, "", qualifier, time)
    if precision == "day" and start == end:
        result = f"{DAY_NAMES[start.weekday()]} {start.isoformat()}"
    elif precision == "time":
        result = f"{DAY_NAMES[start.weekday()]} {found.label}"
    else:
        result = found.label
        if (start, end) != whole_period(start, precision) and not part_of(start, end, precision) \
                and end <= whole_period(start, precision)[1]:
            result += f" ({start.isoformat()}..{end.isoformat()})"
    how = choice.how
    basis = (f"'{written}' in {source_id or 'the source'}, published {DAY_NAMES[pub.weekday()]} {pub.isoformat()}"
             f" -> {result}" + (f" ({how}: {note})" if note and how else f" ({how})" if how else ""))
    guess, other = None, choice.other
    if choice.guess == "direction" and other is not None:
        guess = (f"'{written}' could also be {_label(other)}; nothing in its clause says whether it points back or"
                 f" ahead, so {found.label} (the reading nearer the publication date) was taken: write direction:"
                 " past or future, or an explicit date:, to settle it")
    elif choice.guess == "words" and other is not None:
        guess = (f"'{written}' could also be {_label(other)}; {found.label} was taken: write an explicit date: to"
                 " say which")
    elif choice.guess == "day":
        guess = (f"'{written}': the day is not named: the publication day was taken: write the day in the phrase,"
                 " or an explicit date:, to settle it")
    elif precision in ("year", "quarter", "half") and (instead := grammar.another_period(text, context, found)):
        refuse, why = instead
        if refuse:
            raise DateError(f"'{written}' {why}")
        guess = f"'{written}' {why}"
    alternative = (other[0], other[1], other[2]) if guess and other is not None else None
    return Resolved(start, end, precision, basis, qualifier, time, guess, alternative)


def _range_choice(grammar: Grammar, text: str, pub: datetime.date, direction: str | None,
                  clause: Callable[[], tuple[str | None, str]]) -> _Choice | None:
    """A range of two phrases ('March 26-28', 'from Monday to Wednesday', '2019-2021'), or None."""
    ends = grammar.range_ends(text)
    if ends is None:
        return None
    left, right = ends
    first = _choose(grammar, left, pub, direction, clause)
    if first is None:
        return None
    way = direction or ("future" if first.hit[0] > pub else "past")
    second = _choose(grammar, right, pub, way, clause)
    if second is None:
        return None
    if second.hit[1] < first.hit[0]:  # 'Friday to Monday': the end follows the start
        other = grammar.read(right, pub, "future")
        if other is None or other[1] < first.hit[0]:
            raise DateError(f"'{text}' ends before it starts: check the order of the two dates")
        second = _Choice(other, "")
    precision = min(first.hit[2], second.hit[2], key=PRECISIONS.index)
    hit = (first.hit[0], second.hit[1], precision, first.hit[3])
    other = first.other and (first.other[0], first.other[1] + (second.hit[1] - first.hit[1]), precision, "")
    return _Choice(hit, first.how, first.guess, other)


# The only characters that re.IGNORECASE matches to an ASCII letter that str.lower() does not turn
# into that letter: dotted capital I, dotless i, long s, Kelvin sign (tests/test_dates.py checks all).
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def may_contain(text: str, words: Iterable[str], start: int = 0, end: int | None = None) -> bool:
    """False only when no word of `words` (lower-case ASCII) is in text[start:end] in any case that
    re.IGNORECASE would match: a quick test before running a slow case-insensitive expression."""
    text = text[start:end] if start or end is not None else text
    lower = text.lower() if text.isascii() else text.translate(_ASCII_FOLD).lower()
    for word in words:
        if word in lower:
            return True
    return False


