"""What a language gives the date resolver (timeline.text.dates): its grammar of date phrases and
the words of its clauses. English is timeline.text.english_dates; another language adds a module
of its own giving the same `Grammar`, and shares everything else: the two readings of a phrase, the
choice of direction, the guess and its warning, the after-publication guard, labels and EDTF forms.

A grammar reads a phrase into periods (timeline.text.periods.Hit: first day, last day, precision,
a note). `read(text, published, way)` gives one reading, as if the phrase pointed back ('past':
the nearest such period on or before the publication date) or ahead ('future': on or after it);
a phrase whose words fix the period ("last Friday", "March 2024") gives the same period both ways.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from timeline.text.periods import Hit, Resolved
from timeline.text.tense import Markers


@dataclass(frozen=True)
class Grammar:
    """One language's date phrases: how to read them, and the words that decide their direction."""

    language: str  # an ISO 639-1 code: 'en'
    clean: Callable[[str], str]  # the phrase as `read` takes it: one case, one apostrophe, single spaces
    read: Callable[[str, datetime.date, str], Hit | None]  # (clean text, published, 'past' | 'future')
    qualifier: Callable[[str], tuple[str | None, str]]  # ('approximate' | 'before' | 'after' | None, the rest)
    time_of_day: Callable[[str], tuple[str, str, str | None] | None]  # (the day's phrase, 'HH:MM', zone word)
    range_ends: Callable[[str], tuple[str, str] | None]  # the two ends of a range, each a phrase of its own
    always_past: Callable[[str], bool]  # a phrase that can only point back ('since March')
    # another reading its words allow, when read the same both ways ('last week' read on a Sunday: also the week
    # now ending); the resolver keeps the first and warns, as for a guess
    other_reading: Callable[[str, datetime.date], Hit | None]
    # (refuse?, why) when its sentence says a year, quarter or half phrase names another period than its words
    # give: 'a year ago' comparing amounts (the same quarter a year before), 'the fourth quarter ended Sept. 30'
    # (a fiscal quarter)
    another_period: Callable[[str, str | None, Resolved], tuple[bool, str] | None]
    without_preposition: Callable[[str], str]  # the phrase without a leading 'on', 'in', 'since'...
    markers: Markers  # the words of its clauses (timeline.text.tense)
    forms: str  # the phrases it reads, for the message of a phrase it cannot read
