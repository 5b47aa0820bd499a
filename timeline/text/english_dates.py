"""The English grammar of date phrases, as news writes them: "on Monday", "last Friday", "three days
ago", "in December", "March 15", "Friday, Oct. 23", "the first quarter", "Q3 2024", "this summer",
"last weekend", "early March", "the end of the year", "7:50 p.m. ET", "March 26-28", "about 1990",
"before 2019". Each phrase is read into a period (timeline.text.periods) against the publication
date, once as pointing back and once as pointing ahead (timeline.text.grammar); timeline.text.dates
chooses between the two readings.

Choices where English leaves it open: "last X" is strictly before the publication day and "next X"
strictly after; "this Friday" and "this weekend" are those of the publication's week (Monday to
Sunday); "this March" is March of the publication year; a count of weeks ("two weeks ago") is that
Monday-to-Sunday week; "midnight Monday" is the end of Monday; a time without a zone is the
article's local time; "winter 2024" alone is refused (it could start in December 2023 or 2024).
"""
from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Callable

from dateutil.relativedelta import relativedelta

from timeline.errors import DateError
from timeline.text import english_calendar, english_tense
from timeline.text.english_readings import (DAY, MATCHERS, MONTH, MONTH_PHRASE, MONTHS, RELATIVE, WEEKDAY, WEEKDAYS,
                                            YEAR, alternatives)
from timeline.text.grammar import Grammar
from timeline.text.periods import Hit, Resolved, day_problem, month_end, narrow, period_meant, whole_period
from timeline.text.zones import ZONES

PHRASE_FORMS = ("weekdays ('Monday', 'last Friday', 'next Tuesday'), 'today', 'yesterday', 'tomorrow', "
                "'tonight', 'last night', 'three days ago', 'in two weeks', 'last/this/next week|month|year', "
                "'earlier/later this week|month|year', months ('January', 'Jan. 2019'), dates ('March 15', "
                "'15 March 2025'), years ('2019'), decades ('the 1990s', \"the '90s\"), ISO dates "
                "('2025-03-15'), quarters ('the first quarter', 'Q3 2024'), halves ('the second half of the "
                "year'), seasons ('this summer', 'spring 2024'), weekends ('last weekend'), times ('7:50 p.m. ET',"
                " 'by midnight Monday'), ranges ('March 26-28', 'from Monday to Wednesday'), 'about 1990',"
                " 'before 2019', 'after March', holidays ('Thanksgiving', 'Christmas Eve'), 'January this year',"
                " \"this year's third quarter\", 'the week of March 6', years in words ('nineteen ninety-six');"
                " months, years and decades may start with early/mid/late")

_PART = re.compile(r"(early|mid|late)(?:-|\s+)(?:in\s+)?(.+)")
_PREPOSITION = re.compile(r"^(?:on|in|since|by|during|from|over|at|the|sometime|some time)\s+")
_PART_OF = re.compile(r"(?:the\s+)?(end|beginning|start|middle|close)\s+of\s+(?:the\s+)?(.+)")
_PART_WORDS = {"end": "late", "close": "late", "beginning": "early", "start": "early", "middle": "mid"}
_DECADE_WORDS = {f"{word}ies": f"'{digit}0s" for word, digit in (("twent", 2), ("thirt", 3), ("fort", 4), ("fift", 5),
                                                                     ("sixt", 6), ("sevent", 7), ("eight", 8),
                                                                     ("ninet", 9))}
_LEADING_PREPOSITION = re.compile(_PREPOSITION.pattern, re.IGNORECASE)
_PHRASE_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u2032`]")
_SPACES = re.compile(r"\s+")

# Phrases read as another phrase: (pattern, the other phrase, what the reading of it must be or becomes).
_STRETCH = re.compile(r"the\s+(past|last)\s+(week|month|year|decade)")
_YEARS_OWN = re.compile(r"(this|last|next|the current|current)\s+year'?s\s+(.+)")
_YEAR_FIRST = re.compile(r"(?:the\s+)?([0-9]{4})(?:'s)?\s+(.+\s(?:quarter|half))")
_YEAR_AFTER = re.compile(r"(.+?),?\s+(this|last|next)\s+year")
_WEEK_OF = re.compile(r"(?:the\s+)?week\s+of\s+(.+)")
_IN_THE_DAY = re.compile(r"(?:earlier|later|(?:early|late|mid)[\s-]?(?:morning|afternoon|evening|night)"
                         r"\s+(?:on\s+|of\s+)?)\s*(.+)")
_THE_YEAR = re.compile(r"(?:the\s+)?year\s+([0-9]{4})")
_YEAR_STEP = {"this": 0, "the current": 0, "current": 0, "last": -1, "next": 1}


def _stretch(word: str, unit: str, pub: datetime.date) -> DateError:
    """'the past week' is the stretch up to publication, which no calendar unit names: what to write."""
    start = pub - {"week": relativedelta(days=6), "month": relativedelta(months=1, days=-1),
                   "year": relativedelta(years=1, days=-1), "decade": relativedelta(years=10, days=-1)}[unit]
    return DateError(f"'the {word} {unit}' is the stretch of time up to publication, not a calendar {unit}: write"
                     f" date: as a range, e.g. {start.isoformat()}/{pub.isoformat()}, or when: 'last {unit}' if the"
                     f" article means the calendar {unit} before this one")


def _in_other_words(text: str, pub: datetime.date) -> tuple[str, Callable[[Hit], Hit | None]] | None:
    """(the phrase, what its reading becomes) for a phrase that is another phrase in other words ('Friday's':
    'friday'; 'January this year': 'january 2025'; 'the week of March 6': the week of 'march 6'; 'earlier
    Sunday': 'sunday'; 'nineteen ninety-six': '1996'); None when `text` is none of them."""
    said = english_calendar.years_in_digits(text)
    if said != text:
        return said, _same
    m = _STRETCH.fullmatch(text)
    if m:
        raise _stretch(m[1], m[2], pub)
    if text.endswith("'s") and not text[-3:-2].isdigit():  # 'Friday's', not "the 1980's"
        return text[:-2], _same
    m = _YEARS_OWN.fullmatch(text) or _YEAR_AFTER.fullmatch(text)
    if m:
        step, rest = (m[1], m[2]) if m.re is _YEARS_OWN else (m[2], m[1])
        return f"{rest} {pub.year + _YEAR_STEP[step]}", _same
    m = _YEAR_FIRST.fullmatch(text) or _THE_YEAR.fullmatch(text)
    if m:
        return (f"{m[2]} {m[1]}" if m.re is _YEAR_FIRST else m[1]), _same
    m = _WEEK_OF.fullmatch(text)
    if m:
        return m[1], _its_week
    m = _IN_THE_DAY.fullmatch(text)
    if m:
        return m[1], _one_day
    return None


def _same(hit: Hit) -> Hit | None:
    return hit


def _its_week(hit: Hit) -> Hit | None:
    return (*whole_period(hit[0], "week"), "week", hit[3]) if hit[2] == "day" and hit[0] == hit[1] else None


def _one_day(hit: Hit) -> Hit | None:
    return hit if hit[2] == "day" and hit[0] == hit[1] else None


@functools.lru_cache(maxsize=65536)  # a pure function; a build meets the same phrases and dates again and again
def read(text: str, pub: datetime.date, direction: str) -> Hit | None:
    """One reading of a clean phrase (`clean`) published on `pub`: pointing back ('past') or ahead
    ('future'); None when it is no phrase of this grammar. Raises DateError for an impossible date."""
    while True:
        for matcher in MATCHERS:
            hit = matcher(text, pub, direction)
            if hit:
                return hit
        other = _in_other_words(text, pub)
        if other is not None:
            hit = read(other[0], pub, direction)
            return hit and other[1](hit)
        m = _PART.fullmatch(text)
        if m:
            hit = read(m[2], pub, direction)
            return hit and narrow(hit, m[1])
        m = _PART_OF.fullmatch(text)  # 'the end of March', 'the beginning of 2024', 'the middle of the month'
        if m:
            inner = "this " + m[2] if m[2] in ("week", "month", "year", "quarter") else m[2]  # the end of the year
            hit = read(inner, pub, direction)
            return hit and narrow(hit, _PART_WORDS[m[1]])
        if text in _DECADE_WORDS:
            found = read(_DECADE_WORDS[text], pub, direction)
            return found
        shorter = _PREPOSITION.sub("", text)
        if shorter == text:
            return None
        text = shorter


def without_preposition(phrase: str) -> str:
    """`phrase` without a leading 'on', 'in', 'since', 'by', 'during', 'from' or 'the' (any case)."""
    return _LEADING_PREPOSITION.sub("", phrase.strip())


def clean(phrase: str) -> str:
    """The phrase as `read` takes it: lower case, one apostrophe, single spaces, no edge punctuation."""
    text = _PHRASE_APOSTROPHES.sub("'", phrase)
    text = _SPACES.sub(" ", text).strip().lower()
    return text.strip(" .,;:!?\"()[]\u201c\u201d").strip()


# ---------------------------------------------------------------- qualifiers, times of day, ranges

_QUALIFIER_WORDS = re.compile(r"(?:(?:some\s?time\s+|in\s+|at\s+|by\s+)?(about|around|circa|c\.|ca\.|approximately|"
                              r"roughly|approx\.|nearly|almost|some|close to|just under|just over)"
                              r"|(before|prior to|earlier than)|(after|later than))\s+(.+)")
_OR_SO = re.compile(r"(.+?),? or so ago")
_CLOCK = (r"(?:(?P<h>[0-9]{1,2})(?:[:.](?P<mi>[0-9]{2}))?\s*(?P<ap>a\.?\s?m\b\.?|p\.?\s?m\b\.?)"
          r"|(?P<h24>[0-9]{1,2}):(?P<m24>[0-9]{2})(?!\s*[ap]\.?\s?m)|(?P<word>noon|midday|midnight))"
          rf"(?:\s+(?P<zone>{alternatives(ZONES)})\b\.?)?")
_TIME_FIRST = re.compile(rf"(?:(?:at|by|around|about|before|after|until|shortly before|shortly after|just before|"
                         rf"just after)\s+)?{_CLOCK}(?:\s*(?:,|on|of)?\s+(?P<day>.+))?")
_TIME_LAST = re.compile(rf"(?P<day>.+?)\s*(?:,|at|by|around|about|before|after)?\s+{_CLOCK}")
_RANGE = re.compile(r"(?:from\s+|between\s+)?(.+?)\s*(?:\s(?:to|through|thru|until|till|and)\s|[-\u2013\u2014])\s*(.+)")
_YEAR_BACK = re.compile(r"\bago\b|\blast year\b|\bearlier\b|\bnext year\b|\blater\b")
_FINER_PERIOD = re.compile(r"\b(?:quarter|period|months?|weeks?|from|than|compared|versus|vs)\b|\bQ[1-4]\b",
                           re.IGNORECASE)
_COMPARES = re.compile(r"\b(?:quarter|period|months|compared|versus|vs|than|(?:up|down)\s+from)\b"
                       r"|\bfrom\s+(?:[A-Z]{0,2}\$)?[0-9]|\bQ[1-4]\b|\byear-(?:earlier|ago)\b"
                       r"|[A-Z]{0,2}\$\s?[0-9]|[0-9]\s?%|\b(?:percent|cents)\b", re.IGNORECASE)
_ENDED = re.compile(rf"\b(?:quarter|half)\s+(?:that\s+)?(?:ended|ending|ends|to)\s+{MONTH}", re.IGNORECASE)
_YEAR_AWAY = re.compile(r"(?:a|one) year (?:ago|earlier|before|later|from now)|in a year(?:'s time)?")
_BARE_DAY = re.compile(r"[0-9]{1,2}(?:st|nd|rd|th)?")


def qualifier(text: str) -> tuple[str | None, str]:
    """('approximate' | 'before' | 'after', the rest) for 'about 1990', 'before 2019', 'after March';
    (None, text) otherwise, and for a time of day ('about 7 p.m.' is read by time_of_day)."""
    m = _QUALIFIER_WORDS.fullmatch(text)
    if m and time_of_day(text):  # 'around 7:15 p.m.': time_of_day reads the time, the word says it is approximate
        return ("approximate" if m[1] else None), text
    if m:
        return ("approximate" if m[1] else "before" if m[2] else "after"), m[4]
    m = _OR_SO.fullmatch(text)
    return ("approximate", f"{m[1]} ago") if m else (None, text)


def time_of_day(text: str) -> tuple[str, str, str | None] | None:
    """(day phrase or '', 'HH:MM', zone word or None) when `text` holds a time of day."""
    for pattern in (_TIME_FIRST, _TIME_LAST):
        m = pattern.fullmatch(text)
        if not m:
            continue
        if m["word"]:
            clock = "24:00" if m["word"] == "midnight" else "12:00"
        elif m["ap"]:
            hour = int(m["h"])
            if not 1 <= hour <= 12:
                raise DateError(f"'{text}': {hour} is not an hour of a 12-hour clock")
            hour = hour % 12 + (12 if m["ap"][0] == "p" else 0)
            clock = f"{hour:02d}:{int(m['mi'] or 0):02d}"
        else:
            hour, minute = int(m["h24"]), int(m["m24"])
            if hour > 23 or minute > 59:
                raise DateError(f"'{text}': {m['h24']}:{m['m24']} is not a time of day")
            clock = f"{hour:02d}:{minute:02d}"
        if m["ap"] and int(m["mi"] or 0) > 59:
            raise DateError(f"'{text}': the minutes are not a time of day")
        return (m["day"] or "").strip(" ,"), clock, m["zone"]
    return None


def explain(text: str) -> str | None:
    """Why an English date as people write it is not a `date:` value, and what to write, or None:
    'March 2025' (write 2025-03), 'March' (it has no year), 'last week' (a relative phrase: when:)."""
    lower = text.lower()
    m = re.fullmatch(rf"{MONTH}\s+(?:{DAY},?\s+)?(?:of\s+)?{YEAR}|{DAY}(?:\s+of)?\s+{MONTH},?\s+{YEAR}", lower)
    if m:
        month = MONTHS[m[1] or m[5]]
        day, year = m[2] or m[4], m[3] or m[6]
        iso = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        problem = day_problem(int(year), month, int(day or 1))
        if problem:
            return f"it is not a real date: {problem}"
        return f"write it as {iso}, or put the phrase in when: to have it resolved against the source"
    if re.search(rf"\b{MONTH}(?:\s|$)", lower):
        return "it has no year: write YYYY-MM or YYYY-MM-DD, or put the phrase in when: to resolve it"
    if re.search(r"\b(?:today|tonight|yesterday|tomorrow|ago|last|next|this|week|weekend|month|year|"
                 + alternatives(WEEKDAYS) + r")\b", lower):
        return "it is a relative phrase: put it in when: so it is resolved against the publication date"
    return None


@functools.lru_cache(maxsize=65536)  # a pure function, asked for every phrase read the same both ways
def other_reading(text: str, pub: datetime.date) -> Hit | None:
    """Another period the words allow, for the phrases `read` gives one period both ways: 'last week' read
    on a Sunday may be the week now ending; 'last February' read in March the February of a year before
    the one just ended ('next April' read in March, the April after next)."""
    text = _PREPOSITION.sub("", text)
    if text == "last week" and pub.weekday() == 6:
        monday = pub - datetime.timedelta(days=6)
        return monday, pub, "week", ""
    m = MONTH_PHRASE.fullmatch(text)
    if m and m[2] and RELATIVE.get(m[1]) in ("last", "next"):
        month, step = MONTHS[m[2]], (-1 if RELATIVE[m[1]] == "last" else 1)
        if month == (pub.month - 1 + step) % 12 + 1:  # the month just ended, or about to start
            year = pub.year + (1 if step > 0 and month < pub.month else -1 if step < 0 and month > pub.month else 0)
            return datetime.date(year + step, month, 1), month_end(year + step, month), "month", ""
    return None


def range_ends(text: str) -> tuple[str, str] | None:
    """The two ends of a range as phrases of their own ('March 26-28': 'march 26', 'march 28'; 'from
    monday to wednesday'; '2019-21': '2019', '2021'), or None when `text` is no range."""
    m = _RANGE.fullmatch(text)
    if not m:
        return None
    left, right = m[1].strip(), m[2].strip()
    if _BARE_DAY.fullmatch(right):  # March 26-28
        month = re.match(rf"(?:{WEEKDAY},?\s+)?{MONTH}\s+", left)
        if not month:
            return None
        right = f"{month[2]} {right}"
    elif _BARE_DAY.fullmatch(left):  # 26-28 March
        month = re.search(rf"\s{MONTH}(?:,?\s+{YEAR})?$", right)
        if not month:
            return None
        left = f"{left} {month[1]}" + (f" {month[2]}" if month[2] else "")
    elif re.fullmatch(r"[0-9]{4}", left) and re.fullmatch(r"[0-9]{2}", right):  # 2019-21
        right = left[:2] + right
    return left, right


def always_past(text: str) -> bool:
    """True for a phrase that can only point back: 'since March'."""
    return text.startswith("since ")


def another_period(text: str, context: str | None, found: Resolved) -> tuple[bool, str] | None:
    """periods.period_meant, from the English words: 'a year ago' in a sentence comparing amounts ('net rose
    to $5 million from $4 million a year ago'), 'last year' in a sentence comparing periods, a quarter that
    'ended Sept. 30'."""
    ended = _ENDED.search(context) if context else None
    return period_meant(found, a_year_away=bool(_YEAR_AWAY.fullmatch(text)),
                        compares=bool(context and _COMPARES.search(context)),
                        compares_periods=bool(context and _YEAR_BACK.search(text) and _FINER_PERIOD.search(context)),
                        ended_month=MONTHS[ended[1].lower()] if ended else None)


ENGLISH = Grammar(language="en", clean=clean, read=read, qualifier=qualifier, time_of_day=time_of_day,
                  range_ends=range_ends, always_past=always_past, other_reading=other_reading,
                  another_period=another_period,
                  without_preposition=without_preposition, markers=english_tense.MARKERS, forms=PHRASE_FORMS)

