"""Dates for the timeline: the YAML ``date:`` field (plain ISO forms and a subset of EDTF), publication
dates, and date phrases as news articles write them ("on Monday", "in December", "the first quarter",
"7:50 p.m. ET", "about 1990"), each resolved against the article's publication date and never
against today's date, so a build gives the same answer on any day.

A date is a period (`Resolved`): its first and last day, a precision (the unit it is given in), and
optionally a qualifier (approximate, before, after: the event is around, before the start of, or
after the end of that period) and a time of day. A part of a unit ("early March", "late 2024") keeps
the unit's precision with the narrower period; a range ("March 26-28", 2025-03-26/2025-03-28) keeps
the precision of its ends.

Direction: a phrase that could point either way ("Friday", "in December", "March 15", "this
summer", "the first quarter") has two candidates, the nearest one on or before the publication
date and the nearest one on or after it. The caller's ``direction`` decides; else a phrase starting
with "since" is past; else the phrase's own clause decides (timeline.text.tense: the tense of its
verb, "will", "had already", "scheduled"; a marker in another clause decides nothing); else the
candidate nearer the publication date is taken and the result says it was a guess (`Resolved.guess`,
a warning in `timeline check`). A weekday given with a month and day decides the year by itself.
"last X" is strictly before and "next X" strictly after; "this Friday" and "this weekend" are those
of the publication's week (Monday to Sunday); "this March" is March of the publication year.

Seasons are the northern hemisphere's meteorological ones (spring March-May, summer June-August,
fall September-November, winter December-February, named by the year it starts in: "winter
2024-25"); a southern story writes its season as a `date:` (EDTF 29-32). A time of day keeps its
zone ("7:50 p.m. ET" at that date's offset); without one it is the article's local time.
"""
from __future__ import annotations

import calendar
import datetime
import functools
import re
import zoneinfo
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from timeline.errors import DateError
from timeline.text import tense

PRECISIONS = ("time", "day", "week", "month", "quarter", "season", "half", "year", "decade")  # finest to coarsest
QUALIFIERS = ("approximate", "before", "after")

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FIRST_YEAR, LAST_YEAR = 1000, 2999
SEASONS = ("spring", "summer", "fall", "winter")  # northern meteorological: starting March, June, September, December
_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "winter": 12}
_EDTF_SEASON = {"spring": 21, "summer": 22, "fall": 23, "winter": 24}
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "final": 4, "last": 4, "latter": 2, "back": 2, "front": 1}

DATE_FORMS = ("YYYY (2023), YYYY-MM (2025-03), YYYY-MM-DD (2025-03-26), a decade (1990s), or EDTF: a range"
              " (2025-03-26/2025-03-28), a quarter (2025-33 for Q1 .. 2025-36), a half (2025-40, 2025-41),"
              " a season (2025-21 spring .. 2025-24 winter), approximate (1990~), before (../2018), after"
              " (2020/..), a time (2025-03-26T19:50-04:00)")
PHRASE_FORMS = ("weekdays ('Monday', 'last Friday', 'next Tuesday'), 'today', 'yesterday', 'tomorrow', "
                "'tonight', 'last night', 'three days ago', 'in two weeks', 'last/this/next week|month|year', "
                "'earlier/later this week|month|year', months ('January', 'Jan. 2019'), dates ('March 15', "
                "'15 March 2025'), years ('2019'), decades ('the 1990s', \"the '90s\"), ISO dates "
                "('2025-03-15'), quarters ('the first quarter', 'Q3 2024'), halves ('the second half of the "
                "year'), seasons ('this summer', 'spring 2024'), weekends ('last weekend'), times ('7:50 p.m. ET',"
                " 'by midnight Monday'), ranges ('March 26-28', 'from Monday to Wednesday'), 'about 1990',"
                " 'before 2019', 'after March'; months, years and decades may start with early/mid/late")


@dataclass(frozen=True)
class Resolved:
    """A date as a period: its first and last day, how precise it is, and how it was worked out."""

    start: datetime.date
    end: datetime.date  # inclusive last day of the period
    precision: str  # one of PRECISIONS
    basis: str  # how it was worked out; '' for plain dates
    qualifier: str | None = None  # one of QUALIFIERS, or None: within the period
    time: str | None = None  # at precision 'time': 'HH:MM' and its offset when known ('19:50-04:00'); '24:00' ends the day
    guess: str | None = None  # when past or future was a guess: what the other reading was and how to settle it

    @property
    def label(self) -> str:
        """How a person writes it: '26 March 2025', 'early March 2025', 'Q1 2025', 'about 1990' (date_label)."""
        return date_label(self.start, self.precision, self.end, self.qualifier, self.time)

    @property
    def edtf(self) -> str:
        """The date in EDTF (the Library of Congress's Extended Date/Time Format): '2025-03', '2025-33',
        '2025-03-26/2025-03-28', '1990~', '../2018', '2025-03-26T19:50:00-04:00' (date_edtf)."""
        return edtf_form(self.start, self.end, self.precision, self.qualifier, self.time)


_MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)}
_MONTHS.update({name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, 1)})
_MONTHS["sept"] = 9
_WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
             "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
             "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_MON = rf"({_alternatives(_MONTHS)})\.?"
_WDAY = rf"({_alternatives(_WEEKDAYS)})\.?"
_DAY = r"([0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"([0-9]{4})"
_NUM = rf"([0-9]{{1,3}}|{_alternatives(_NUMBERS)})"
_UNIT = r"(day|week|month|year)s?"
_RELATIVE = {"last": "last", "this past": "last", "past": "last", "next": "next", "this coming": "next",
             "coming": "next", "this": "this"}
_REL = rf"(?:({_alternatives(_RELATIVE)})\s+)?"

_DAY_WORDS = {"tonight": 0, "last night": -1, "this morning": 0, "this afternoon": 0, "this evening": 0,
              "earlier today": 0, "later today": 0, "day before yesterday": -2, "day after tomorrow": 2}
for _word, _days in (("today", 0), ("yesterday", -1), ("tomorrow", 1)):
    for _part in ("", " morning", " afternoon", " evening", " night"):
        _DAY_WORDS[_word + _part] = _days

_FUTURE_MARKERS = re.compile(
    r"(?-i:\bwill\b)|\bwon't\b|\b(?:i|you|we|they|he|she|it)'ll\b|\bshall\b"
    r"|(?:\b(?:is|are|am)|'s|'re|'m)\s+(?:(?:still|now|also|not)\s+)?"
    r"(?:scheduled|due|set|expected|slated|poised|going|planning|preparing)\s+to\b"
    r"|\bplans?\s+to\b|\bintends?\s+to\b|\bupcoming\b|\bthe\s+coming\b|\blater\s+this\b|\btomorrow\b"
    r"|\bnext\b(?!\s+(?:to|day|morning|afternoon|evening|night)\b)", re.IGNORECASE)


# Patterns of the hot path, compiled once (re's own cache would hash each long pattern on every call).
_EXACT = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?|([0-9]{3}0)s")
_PUBLISHED = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)"
                        r"(Z|[+-][0-9]{2}:?[0-9]{2})?)?", re.IGNORECASE)
_COUNT = re.compile(rf"{_NUM}\s+{_UNIT}\s+(ago|from now)|in\s+{_NUM}\s+{_UNIT}(?:'s?\s+time|\s+time)?")
_WEEKDAY_PHRASE = re.compile(rf"{_REL}{_WDAY}(?:\s+(?:morning|afternoon|evening|night))?")
_PERIOD = re.compile(r"(last|this|next|earlier this|later this)\s+(week|month|year)")
_MONTH_PHRASE = re.compile(rf"{_REL}{_MON}|{_MON},?\s+(?:of\s+)?{_YEAR}")
_MONTH_DAY = re.compile(rf"(?:{_WDAY},?\s+)?{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?")
_DAY_MONTH = re.compile(rf"(?:{_WDAY},?\s+)?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MON},?(?:\s+{_YEAR})?")
_SHORT_DECADE = re.compile(r"'?([0-9])0'?s")
_DECADE_APOSTROPHE = re.compile(r"^([0-9]{3}0)'s$")
_PART = re.compile(r"(early|mid|late)(?:-|\s+)(?:in\s+)?(.+)")
_PREPOSITION = re.compile(r"^(?:on|in|since|by|during|from|over|at|the)\s+")
_PART_OF = re.compile(r"(?:the\s+)?(end|beginning|start|middle|close)\s+of\s+(?:the\s+)?(.+)")
_PART_WORDS = {"end": "late", "close": "late", "beginning": "early", "start": "early", "middle": "mid"}
_DECADE_WORDS = {f"{word}ies": f"'{digit}0s" for word, digit in (("twent", 2), ("thirt", 3), ("fort", 4), ("fift", 5),
                                                                     ("sixt", 6), ("sevent", 7), ("eight", 8),
                                                                     ("ninet", 9))}
_LEADING_PREPOSITION = re.compile(_PREPOSITION.pattern, re.IGNORECASE)
_PHRASE_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc\u2032`]")
_SPACES = re.compile(r"\s+")
_CONTEXT_APOSTROPHES = re.compile(r"[\u2018\u2019\u02bc]")


# ---------------------------------------------------------------- plain dates

def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _year_problem(year: int) -> str | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"year {year:04d} is outside {FIRST_YEAR}-{LAST_YEAR}; check for a typo"
    return None


def in_range(day: datetime.date) -> bool:
    """True when the date's year is within FIRST_YEAR..LAST_YEAR (every date the build stores is)."""
    return _year_problem(day.year) is None


def _day_problem(year: int, month: int, day: int = 1) -> str | None:
    """What is wrong with year-month-day, or None when it is a real date."""
    problem = _year_problem(year)
    if problem:
        return problem
    if not 1 <= month <= 12:
        return f"there is no month {month:02d}: months run 01 to 12"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{MONTH_NAMES[month - 1]} {year} has {days} days"
    return None


def _real_date(year: int, month: int, day: int, text: str) -> datetime.date:
    problem = _day_problem(year, month, day)
    if problem:
        raise DateError(f"'{text}' is not a real date: {problem}")
    return datetime.date(year, month, day)


def _exact(text: str) -> Resolved | None:
    """Resolved for an exact YYYY / YYYY-MM / YYYY-MM-DD / YYYYs text, else None."""
    m = _EXACT.fullmatch(text)
    if not m:
        return None
    if m[4]:
        year = int(m[4])
        if _year_problem(year) or _year_problem(year + 9):
            raise DateError(f"Cannot read date '{text}': {_year_problem(year) or _year_problem(year + 9)}")
        return Resolved(datetime.date(year, 1, 1), datetime.date(year + 9, 12, 31), "decade", "")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    problem = _day_problem(year, month, day)
    if problem:
        raise DateError(f"Cannot read date '{text}': {problem}" + (". Check the day" if m[3] else ""))
    if m[3]:
        return Resolved(datetime.date(year, month, day), datetime.date(year, month, day), "day", "")
    if m[2]:
        return Resolved(datetime.date(year, month, 1), _month_end(year, month), "month", "")
    return Resolved(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year", "")


_EDTF_CODE = re.compile(r"([0-9]{4})-(2[1-9]|3[0-9]|4[01])")
_EDTF_DECADE = re.compile(r"([0-9]{3})X")
_EDTF_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(Z|[+-][0-9]{2}:[0-9]{2})?")
_CODE_SEASONS = {21: "spring", 22: "summer", 23: "fall", 24: "winter", 25: "spring", 26: "summer", 27: "fall",
                 28: "winter"}


def _edtf_single(text: str) -> Resolved:
    """One EDTF date without a qualifier or interval: a plain form, a season, quarter or half code, 199X."""
    found = None if _EDTF_CODE.fullmatch(text) else _exact(text)
    if found:
        return found
    m = _EDTF_DECADE.fullmatch(text)
    if m:
        return _exact(m[1] + "0s") or Resolved(datetime.date(1, 1, 1), datetime.date(1, 1, 1), "decade", "")
    m = _EDTF_CODE.fullmatch(text)
    if not m:
        raise DateError(f"Cannot read date '{text}': write {DATE_FORMS}")
    year, code = int(m[1]), int(m[2])
    problem = _year_problem(year)
    if problem:
        raise DateError(f"Cannot read date '{text}': {problem}")
    if code in _CODE_SEASONS:
        first, last = season_period(_CODE_SEASONS[code], year)
        return Resolved(first, last, "season", "")
    if 33 <= code <= 36:
        first, last = _quarter_period(code - 32)(year)
        return Resolved(first, last, "quarter", "")
    if code in (40, 41):
        first, last = _half_period(code - 39)(year)
        return Resolved(first, last, "half", "")
    raise DateError(f"Cannot read date '{text}': -{code} is a division of the year timeline does not keep"
                    " (southern seasons, quadrimesters): write the months as a range, e.g."
                    f" {year}-09/{year}-11")


def _edtf(text: str) -> Resolved | None:
    """The EDTF forms `date:` takes beyond the plain ones: ranges, open ends (before/after), '~'
    (approximate), season/quarter/half codes, 199X, a time with its offset; None when it is none."""
    if not re.fullmatch(r"[0-9X./~:+TZ-]+", text):
        return None
    m = _EDTF_TIME.fullmatch(text)
    if m and not m[5]:
        return None  # a time without its offset: _explain says to give the offset or the date only
    if m:
        try:
            moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise DateError(f"Cannot read date '{text}': check the time, e.g. 2025-03-26T19:50:00-04:00") from None
        day = _edtf_single(m[1]).start
        offset = "" if moment.utcoffset() is None else ("Z" if m[5] == "Z" else m[5])
        return Resolved(day, day, "time", "", None, f"{moment:%H:%M}{offset}")
    if "/" in text:
        left, _, right = text.partition("/")
        if not all(side in ("..", "") or re.match(r"[0-9]{3}[0-9X]", side) for side in (left, right)):
            return None
        if left in ("..", "") and right not in ("..", ""):
            ref = _edtf_single(right.rstrip("~"))
            after = _following(ref.start, ref.end, ref.precision)
            return Resolved(after[0], after[1], ref.precision, "", "before")
        if right in ("..", "") and left not in ("..", ""):
            ref = _edtf_single(left.rstrip("~"))
            before = _previous(ref.start, ref.end, ref.precision)
            return Resolved(before[0], before[1], ref.precision, "", "after")
        first, last = _edtf_single(left.rstrip("~")), _edtf_single(right.rstrip("~"))
        if last.end < first.start:
            raise DateError(f"Cannot read date '{text}': the range ends before it starts; swap the two dates")
        approximate = left.endswith("~") and right.endswith("~")
        precision = min(first.precision, last.precision, key=PRECISIONS.index)
        return Resolved(first.start, last.end, precision, "", "approximate" if approximate else None)
    if text.endswith("~"):
        found = _edtf_single(text[:-1])
        return Resolved(found.start, found.end, found.precision, "", "approximate")
    if _EDTF_CODE.fullmatch(text) or _EDTF_DECADE.fullmatch(text):
        return _edtf_single(text)
    return None


def _explain(text: str) -> str | None:
    """A specific account of why text is not a plain date, or None."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[t ][0-9].*", text, re.IGNORECASE):
        return (f"it includes a time without its UTC offset: give the date only, e.g. {text[:10]}, or the"
                f" offset too, e.g. {text[:10]}T{text[11:16]}-04:00")
    m = re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?", text)
    if m:
        parts = [m[1], f"{int(m[2]):02d}"] + ([f"{int(m[3]):02d}"] if m[3] else [])
        problem = _day_problem(int(m[1]), int(m[2]), int(m[3] or 1))
        return problem or f"write it as {'-'.join(parts)} (two-digit month and day, joined by '-')"
    m = re.fullmatch(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{2}|[0-9]{4})", text)
    if m:
        a, b, year = int(m[1]), int(m[2]), m[3]
        if len(year) == 2:
            return f"it has a two-digit year: write the full year as YYYY-MM-DD, e.g. 20{year} or 19{year}"
        options = sorted({f"{year}-{x:02d}-{y:02d}" for x, y in ((a, b), (b, a))
                          if not _day_problem(int(year), x, y)})
        if len(options) == 2:
            return f"ambiguous: write {options[0]} or {options[1]}"
        if options:
            return f"write it as {options[0]}"
        return "it is not a real date in either day/month order"
    if re.fullmatch(r"'?[0-9]{2}", text):
        return f"it has a two-digit year: write the full year, e.g. 20{text[-2:]} or 19{text[-2:]}"
    if re.fullmatch(r"'?[0-9]0'?s", text):
        return f"it has a two-digit decade: write the full decade, e.g. 19{text.strip(chr(39))[:2]}s"
    m = re.fullmatch(r"([0-9]{3})([0-9])'?s", text)
    if m:
        return (f"write the decade as {m[1]}0s" if m[2] == "0"
                else f"a decade is named by its first year, e.g. {m[1]}0s")
    if re.fullmatch(r"[0-9]{5,}", text):
        return f"year {text} is outside {FIRST_YEAR}-{LAST_YEAR}; check for a typo"
    lower = text.lower()
    m = re.fullmatch(rf"{_MON}\s+(?:{_DAY},?\s+)?(?:of\s+)?{_YEAR}|{_DAY}(?:\s+of)?\s+{_MON},?\s+{_YEAR}", lower)
    if m:
        month = _MONTHS[m[1] or m[5]]
        day, year = m[2] or m[4], m[3] or m[6]
        iso = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        problem = _day_problem(int(year), month, int(day or 1))
        if problem:
            return f"it is not a real date: {problem}"
        return f"write it as {iso}, or put the phrase in when: to have it resolved against the source"
    if re.search(rf"\b{_MON}(?:\s|$)", lower):
        return "it has no year: write YYYY-MM or YYYY-MM-DD, or put the phrase in when: to resolve it"
    if re.search(r"\b(?:today|tonight|yesterday|tomorrow|ago|last|next|this|week|weekend|month|year|"
                 + _alternatives(_WEEKDAYS) + r")\b", lower):
        return "it is a relative phrase: put it in when: so it is resolved against the publication date"
    return None


def parse_date(text: object) -> Resolved:
    """Read the YAML ``date:`` field: YYYY, YYYY-MM, YYYY-MM-DD or a decade such as 1990s."""
    if isinstance(text, datetime.date) and not isinstance(text, datetime.datetime):
        return Resolved(text, text, "day", "")
    if not isinstance(text, str):
        raise DateError(f"Cannot read date {text!r}: write it as text, {DATE_FORMS}")
    text = text.strip()
    if not text:
        raise DateError(f"The date is empty: write {DATE_FORMS}, or leave date: out")
    found = _edtf(text) if _EDTF_CODE.fullmatch(text) else _exact(text) or _edtf(text)
    if found:
        return found
    problem = _explain(text)
    raise DateError(f"Cannot read date '{text}': " + (problem or f"write {DATE_FORMS}"))


def parse_published(text: object) -> datetime.date:
    """The publication date in the article's own offset (never converted to UTC)."""
    if isinstance(text, datetime.datetime):
        if text.tzinfo is None:
            raise DateError(f"Published time {text.isoformat()} has no UTC offset: add it, e.g. -04:00")
        return text.date()
    if isinstance(text, datetime.date):
        return text
    if not isinstance(text, str):
        raise DateError(f"Cannot read published date {text!r}: write it as text, e.g. 2025-03-26")
    text = text.strip()
    m = _PUBLISHED.fullmatch(text)
    if not m:
        raise DateError(f"Cannot read published date '{text}': {_published_hint(text)}")
    problem = _day_problem(int(m[1]), int(m[2]), int(m[3]))
    if problem:
        raise DateError(f"Cannot read published date '{text}': {problem}")
    if m[4] and not m[5]:
        raise DateError(f"Published time '{text}' has no UTC offset, so its local date is unclear:"
                        " add the UTC offset, e.g. -04:00")
    if m[4]:
        try:
            datetime.datetime.fromisoformat(text.upper().replace("Z", "+00:00"))
        except ValueError:
            raise DateError(f"Cannot read published time '{text}': check the time and offset,"
                            " e.g. 2025-03-26T19:50:00-04:00") from None
    return datetime.date(int(m[1]), int(m[2]), int(m[3]))


def _published_hint(text: str) -> str:
    """What to write instead of a publication date that is not ISO: its ISO form when it is a date as
    people write it ('March 26, 2025', 'Wed 26 Mar 2025 7:50 p.m. ET'), else the accepted forms."""
    iso_forms = "write an ISO date (2025-03-26) or a datetime with its UTC offset (2025-03-26T19:50:00-04:00)"
    try:
        found = written_date(text)
    except DateError as e:
        return f"{e}"
    if found is None:
        return iso_forms
    iso, remark = found
    if "T" in iso:
        return f"write {iso} (ISO form, with its UTC offset), or the date alone: {iso[:10]}"
    return f"write {iso} (ISO form, year-month-day)" + (f"; {remark}" if remark else "")


# ---------------------------------------------------------------- dates as people write them
# "March 26, 2025", "Wed, Mar. 26, 2025 at 7:50 p.m. ET", "26 March 2025 14:05 GMT", "3/26/2025",
# "7:50 PM EDT, Wed March 26, 2025": read into the ISO form sources.yaml takes, keeping the time
# only when its UTC offset is known (a zone abbreviation of ZONES, or an offset such as GMT+1).

# Abbreviations with one meaning: an IANA zone (its offset on that day, daylight saving included)
# or a fixed offset in minutes. IST (India, Ireland, Israel) and others with several are left out.
ZONES: dict[str, str | int]
ZONES = {"et": "America/New_York", "ct": "America/Chicago", "mt": "America/Denver", "pt": "America/Los_Angeles",
         "edt": -240, "est": -300, "cdt": -300, "cst": -360, "mdt": -360, "mst": -420, "pdt": -420, "pst": -480,
         "akdt": -480, "akst": -540, "hst": -600, "gmt": 0, "utc": 0, "z": 0, "wet": 0, "bst": 60, "west": 60,
         "cet": 60, "cest": 120, "eet": 120, "eest": 180, "msk": 180, "sast": 120, "eat": 180, "wat": 60,
         "pkt": 300, "sgt": 480, "hkt": 480, "jst": 540, "kst": 540, "awst": 480, "acst": 570, "acdt": 630,
         "aest": 600, "aedt": 660, "nzst": 720, "nzdt": 780}
_W_MONTH = _alternatives(_MONTHS)
_W_DAYNAME = _alternatives(_WEEKDAYS)
_W_DATE = (rf"(?:(?P<wday>{_W_DAYNAME})\.?,?\s+)?(?:"
           rf"(?P<mon>{_W_MONTH})\.?\s+(?P<d1>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>[0-9]{{4}})"
           rf"|(?:the\s+)?(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<mon2>{_W_MONTH})\.?,?\s+(?P<y2>[0-9]{{4}})"
           rf"|(?P<iy>[0-9]{{4}})(?P<isep>[-/.])(?P<im>[0-9]{{1,2}})(?P=isep)(?P<id>[0-9]{{1,2}})"
           rf"|(?P<a>[0-9]{{1,2}})[/.-](?P<b>[0-9]{{1,2}})[/.-](?P<y3>[0-9]{{4}}|[0-9]{{2}})(?![0-9]))")
_W_ZONE = (rf"\(?(?:(?P<zone>{_alternatives(ZONES)})(?![a-z])"
           r"(?:\s*(?P<zsign>[+-])\s*(?P<zh>[0-9]{1,2})(?::?(?P<zm>[0-9]{2}))?)?"
           r"|(?P<sign>[+-])(?P<oh>[0-9]{2}):?(?P<om>[0-9]{2}))\)?")
_W_TIME = (r"(?P<h>[0-9]{1,2})(?:[:.](?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?)?\s*"
           r"(?P<ampm>[ap]\.?\s?m\b\.?)?(?:\s*" + _W_ZONE + ")?")
_W_SEP = r"\s*(?:,|\bat\b|@|-|\u2013|\u2014|\u2022|\u00b7|\|)?\s*"
_WRITTEN = re.compile(rf"(?:{_W_DATE})(?:{_W_SEP}(?:{_W_TIME}))?", re.IGNORECASE)
_WRITTEN_TIME_FIRST = re.compile(rf"(?:{_W_TIME}){_W_SEP}(?:{_W_DATE})", re.IGNORECASE)


def written_date(text: str) -> tuple[str, str] | None:
    """(ISO text, remark) for a whole text that is a date as people write it, else None.

    The ISO text is a date (2025-03-26), or a datetime with its offset (2025-03-26T19:50:00-04:00) when
    the time's zone is known; the remark says what was left out ('' when nothing). Raises DateError for
    an impossible date, a weekday that does not fit, or an ambiguous numeric date (3/4/2025)."""
    text = _SPACES.sub(" ", text.strip()).strip(" .")
    for pattern in (_WRITTEN, _WRITTEN_TIME_FIRST):
        m = pattern.fullmatch(text)
        if m:
            return _written(m)
    return None


def find_written_date(text: str) -> tuple[str, str, tuple[int, int]] | None:
    """(ISO text, remark, (start, end)) for the first date as people write it inside `text`, else None;
    raises DateError as written_date does."""
    found = []
    for pattern in (_WRITTEN, _WRITTEN_TIME_FIRST):
        for m in pattern.finditer(text):
            if m["mon"] or m["mon2"] or m["iy"] or _plausible_numeric(m):
                if pattern is _WRITTEN or m["mi"] or m["ampm"]:  # a time first must look like one
                    found.append(m)
                    break
    if not found:
        return None
    m = min(found, key=lambda m: (m.start(), -m.end()))
    iso, remark = _written(m)
    return iso, remark, m.span()


def _plausible_numeric(m: re.Match[str]) -> bool:
    return m["a"] is not None and len(m["y3"]) == 4


def _written(m: re.Match[str]) -> tuple[str, str]:
    if m["mon"] or m["mon2"]:
        month = _MONTHS[(m["mon"] or m["mon2"]).lower()]
        day, year = int(m["d1"] or m["d2"]), int(m["y1"] or m["y2"])
    elif m["iy"]:
        year, month, day = int(m["iy"]), int(m["im"]), int(m["id"])
    else:
        a, b, year_text = int(m["a"]), int(m["b"]), m["y3"]
        written = m.group(0)
        if len(year_text) == 2:
            raise DateError(f"'{written}' has a two-digit year: write the full date in ISO form, e.g."
                            f" 20{year_text}-{a:02d}-{b:02d} (year-month-day)")
        year = int(year_text)
        options = [(x, y) for x, y in ((a, b), (b, a)) if not _day_problem(year, x, y)]
        if len(options) == 2 and a != b:
            raise DateError(f"'{written}' is ambiguous: write {year}-{a:02d}-{b:02d} if it is month first"
                            f" (U.S.), or {year}-{b:02d}-{a:02d} if it is day first")
        if not options:
            raise DateError(f"'{written}' is not a real date in either day/month order")
        month, day = options[0]
    problem = _day_problem(year, month, day)
    if problem:
        raise DateError(f"'{m.group(0)}' is not a real date: {problem}")
    date = datetime.date(year, month, day)
    if m["wday"] and _WEEKDAYS[m["wday"].lower()] != date.weekday():
        raise DateError(f"'{m.group(0)}' does not add up: {date_label(date, 'day')} was a"
                        f" {calendar.day_name[date.weekday()]}")
    if m["h"] is None or (m["mi"] is None and not m["ampm"]):
        return date.isoformat(), ""
    hour, minute, second = int(m["h"]), int(m["mi"] or 0), int(m["s"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            raise DateError(f"'{m.group(0)}': {hour} is not an hour of a 12-hour clock")
        hour = hour % 12 + (12 if m["ampm"][0].lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise DateError(f"'{m.group(0)}': the time is not a real time of day")
    clock = f"{hour:02d}:{minute:02d}:{second:02d}"
    offset = _offset(m, datetime.datetime(year, month, day, hour, minute, second))
    if offset is None:
        return date.isoformat(), (f"the time {clock[:5]} has no time zone, so only the date is kept (to keep the"
                                  f" time, write it with its UTC offset: {date.isoformat()}T{clock}+HH:MM)")
    sign, minutes = ("-" if offset < 0 else "+"), abs(offset)
    return f"{date.isoformat()}T{clock}{sign}{minutes // 60:02d}:{minutes % 60:02d}", ""


def _offset(m: re.Match[str], local: datetime.datetime) -> int | None:
    """Minutes east of UTC of the time's zone at `local`, or None when the text gives no zone."""
    if m["sign"]:
        return (1 if m["sign"] == "+" else -1) * (int(m["oh"]) * 60 + int(m["om"]))
    if not m["zone"]:
        return None
    zone = ZONES[m["zone"].lower()]
    if isinstance(zone, str):
        delta = local.replace(tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset()
        assert delta is not None  # a ZoneInfo gives every time its offset
        zone = int(delta.total_seconds() // 60)
    if m["zsign"]:  # GMT+1, UTC-04:00
        zone += (1 if m["zsign"] == "+" else -1) * (int(m["zh"]) * 60 + int(m["zm"] or 0))
    return zone


# ---------------------------------------------------------------- labels

def _quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def _season_of(day: datetime.date) -> tuple[str, int]:
    """(season, the year it starts in) of a day."""
    if day.month == 12:
        return "winter", day.year
    if day.month <= 2:
        return "winter", day.year - 1
    return SEASONS[(day.month - 3) // 3], day.year


def season_period(season: str, year: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a northern meteorological season starting in `year`."""
    first = datetime.date(year, _SEASON_START[season], 1)
    last = first + relativedelta(months=3) - datetime.timedelta(days=1)
    return first, last


def _period(start: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The whole period of that precision containing start."""
    if precision == "week":
        monday = start - datetime.timedelta(days=start.weekday())
        return monday, monday + datetime.timedelta(days=6)
    if precision == "month":
        return start.replace(day=1), _month_end(start.year, start.month)
    if precision in ("quarter", "half"):
        size = 3 if precision == "quarter" else 6
        first = (start.month - 1) // size * size + 1
        return datetime.date(start.year, first, 1), _month_end(start.year, first + size - 1)
    if precision == "season":
        return season_period(*_season_of(start))
    if precision == "year":
        return datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    if precision == "decade":
        first = start.year // 10 * 10
        return datetime.date(first, 1, 1), datetime.date(first + 9, 12, 31)
    return start, start


def whole_period(start: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the whole period of `precision` (week, month, quarter, season, half,
    year, decade) holding `start`."""
    return _period(start, precision)


def _part_of(start: datetime.date, end: datetime.date, precision: str) -> str | None:
    """'early', 'mid' or 'late' when start..end is that part of its week, month, year or decade."""
    if precision in ("day", "time"):
        return None
    whole = _period(start, precision)
    for part in _PARTS:
        narrowed = _narrow((whole[0], whole[1], precision, ""), part)
        if narrowed and narrowed[:2] == (start, end):
            return part
    return None


def _one(start: datetime.date, precision: str) -> str:
    if precision in ("day", "time"):
        return f"{start.day} {MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "week":
        return f"week of {start.day} {MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "month":
        return f"{MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "quarter":
        return f"Q{_quarter_of(start)} {start.year}"
    if precision == "half":
        return f"{'first' if start.month <= 6 else 'second'} half of {start.year}"
    if precision == "season":
        season, year = _season_of(start)
        return f"winter {year}\u2013{(year + 1) % 100:02d}" if season == "winter" else f"{season} {year}"
    if precision == "year":
        return str(start.year)
    if precision == "decade":
        return f"{start.year // 10 * 10}s"
    raise DateError(f"Unknown date precision '{precision}': use one of {', '.join(PRECISIONS)}")


def _range_label(start: datetime.date, end: datetime.date, precision: str) -> str:
    if precision == "day":
        if end - start == datetime.timedelta(days=1) and start.weekday() == 5:
            prefix = "weekend of "
        else:
            prefix = ""
        if (start.year, start.month) == (end.year, end.month):
            return f"{prefix}{start.day}\u2013{end.day} {MONTH_NAMES[start.month - 1]} {start.year}"
        if start.year == end.year:
            return (f"{prefix}{start.day} {MONTH_NAMES[start.month - 1]} \u2013 {end.day}"
                    f" {MONTH_NAMES[end.month - 1]} {end.year}")
    if precision == "month" and start.year == end.year:
        return f"{MONTH_NAMES[start.month - 1]}\u2013{MONTH_NAMES[end.month - 1]} {start.year}"
    if precision == "year":
        return f"{start.year}\u2013{end.year}"
    return f"{_one(start, precision)} \u2013 {_one(_period(end, precision)[0], precision)}"


def date_label(start: datetime.date | str, precision: str, end: datetime.date | str | None = None,
               qualifier: str | None = None, time: str | None = None) -> str:
    """How a person writes the date: '26 March 2025', 'week of 24 March 2025', 'March 2025', 'early March
    2025', 'Q1 2025', 'spring 2025', '2023', '1990s', '26\u201328 March 2025', 'about 1990', 'before 2019',
    '26 March 2025, 19:50 UTC-04:00'. `end` (default: the end of start's period) shows a part or a range."""
    start = _as_date(start)
    last = _as_date(end) if end is not None else None
    if precision == "time":
        text = _one(start, "day")
        if time:
            clock, offset = time[:5], time[5:]
            if clock == "24:00":
                text = f"midnight at the end of {text}"
            else:
                text += f", {clock}"
            text += f" UTC{offset}" if offset not in ("", "Z", "+00:00") else " UTC" if offset else " (local time)"
    elif last is None or (start, last) == _period(start, precision):
        text = _one(start, precision)
    else:
        part = _part_of(start, last, precision)
        if part:
            text = ("mid-" if part == "mid" else part + " ") + _one(_period(start, precision)[0], precision)
            if precision == "week":
                text = text.replace("mid-week of", "midweek, week of").replace("y week of", "y in the week of") \
                    .replace("e week of", "e in the week of")
        elif last > _period(start, precision)[1]:
            text = _range_label(start, last, precision)
        else:  # a stretch within the period: 'earlier this month'
            text = _one(start, precision)
    if qualifier == "approximate":
        return f"about {'the ' if precision == 'decade' else ''}{text}"
    if qualifier in ("before", "after"):
        return f"{qualifier} {'the ' if precision == 'decade' else ''}{text}"
    return text


def _as_date(value: datetime.date | str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = value.strip()
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return parse_date(text).start


def _edtf_one(start: datetime.date, end: datetime.date, precision: str) -> str:
    """EDTF of one period of `precision` (or a part or range of it, as an interval of days)."""
    if (start, end) != _period(start, precision) and precision not in ("day", "time"):
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            return f"{start.year:04d}/{end.year:04d}"
        if start.day == 1 and end == _month_end(end.year, end.month):
            if (start.year, start.month) == (end.year, end.month):
                return start.isoformat()[:7]
            return f"{start.isoformat()[:7]}/{end.isoformat()[:7]}"
        return f"{start.isoformat()}/{end.isoformat()}"
    if precision in ("day", "time"):
        return start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"
    if precision == "week":
        return f"{start.isoformat()}/{end.isoformat()}"
    if precision == "month":
        return start.isoformat()[:7]
    if precision == "quarter":
        return f"{start.year:04d}-{32 + _quarter_of(start)}"
    if precision == "half":
        return f"{start.year:04d}-{40 if start.month <= 6 else 41}"
    if precision == "season":
        season, year = _season_of(start)
        return f"{year:04d}-{_EDTF_SEASON[season]}"
    if precision == "year":
        return f"{start.year:04d}"
    return f"{start.year // 10:03d}X"


def edtf_form(start: datetime.date, end: datetime.date, precision: str, qualifier: str | None = None,
              time: str | None = None) -> str:
    """The EDTF text of a date: the form `date:` takes and the database's date_edtf column."""
    if precision == "time" and time:
        clock, offset = time[:5], time[5:]
        day = start
        if clock == "24:00":
            day, clock = start + datetime.timedelta(days=1), "00:00"
        return f"{day.isoformat()}T{clock}:00{offset}"
    if qualifier == "before":
        return "../" + _edtf_one(*_previous(start, end, precision), precision)
    if qualifier == "after":
        return _edtf_one(*_following(start, end, precision), precision) + "/.."
    text = _edtf_one(start, end, precision)
    if qualifier == "approximate":
        return "/".join(side + "~" for side in text.split("/"))
    return text


def _previous(start: datetime.date, end: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The period of `precision` just before start."""
    if precision in ("day", "time"):
        day = start - datetime.timedelta(days=1)
        return day, day
    return _period(start - datetime.timedelta(days=1), precision)


def _following(start: datetime.date, end: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The period of `precision` just after end."""
    if precision in ("day", "time"):
        day = end + datetime.timedelta(days=1)
        return day, day
    return _period(end + datetime.timedelta(days=1), precision)


# ---------------------------------------------------------------- phrases
# Each matcher takes (text, published, direction) and returns None or
# (start, end, precision, note); note says how direction was used ('' if not).
_Hit = tuple[datetime.date, datetime.date, str, str]


def _number(word: str) -> int:
    return _NUMBERS[word] if word in _NUMBERS else int(word)


def _shift(pub: datetime.date, n: int, unit: str) -> _Hit:
    if unit == "day":
        day = pub + datetime.timedelta(days=n)
        return day, day, "day", ""
    if unit == "week":  # the week (Monday to Sunday) n weeks away
        monday = pub - datetime.timedelta(days=pub.weekday()) + datetime.timedelta(weeks=n)
        return monday, monday + datetime.timedelta(days=6), "week", ""
    if unit == "month":
        first = pub.replace(day=1) + relativedelta(months=n)
        return first, _month_end(first.year, first.month), "month", ""
    return datetime.date(pub.year + n, 1, 1), datetime.date(pub.year + n, 12, 31), "year", ""


def _match_count(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _COUNT.fullmatch(text)
    if not m:
        return None
    if m[1]:
        return _shift(pub, _number(m[1]) * (-1 if m[3] == "ago" else 1), m[2])
    return _shift(pub, _number(m[4]), m[5])


def _match_day_word(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    if text in _DAY_WORDS:
        day = pub + datetime.timedelta(days=_DAY_WORDS[text])
        return day, day, "day", ""
    return None


def _on_or_before(day: datetime.date, weekday: int) -> datetime.date:
    return day - datetime.timedelta(days=(day.weekday() - weekday) % 7)


def _on_or_after(day: datetime.date, weekday: int) -> datetime.date:
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def _weekday(pub: datetime.date, weekday: int, how: str | None, direction: str) -> tuple[datetime.date, str]:
    if how == "last":
        return _on_or_before(pub - datetime.timedelta(days=1), weekday), ""
    if how == "next":
        return _on_or_after(pub + datetime.timedelta(days=1), weekday), ""
    if how == "this":  # the day of the publication's week (Monday to Sunday)
        return pub - datetime.timedelta(days=pub.weekday()) + datetime.timedelta(days=weekday), ""
    if direction == "future":
        return _on_or_after(pub, weekday), "next such day"
    return _on_or_before(pub, weekday), "most recent such day"


def _match_weekday(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _WEEKDAY_PHRASE.fullmatch(text)
    if not m:
        return None
    day, note = _weekday(pub, _WEEKDAYS[m[2]], _RELATIVE.get(m[1]), direction)
    return day, day, "day", note


def _match_period(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _PERIOD.fullmatch(text)
    if not m:
        return None
    which, unit = m[1], m[2]
    step = {"last": -1, "next": 1}.get(which, 0)
    if unit == "week":
        start = pub - datetime.timedelta(days=pub.weekday()) + datetime.timedelta(weeks=step)
        end = start + datetime.timedelta(days=6)
    elif unit == "month":
        start = pub.replace(day=1) + relativedelta(months=step)
        end = _month_end(start.year, start.month)
    else:
        start, end = datetime.date(pub.year + step, 1, 1), datetime.date(pub.year + step, 12, 31)
    if which == "earlier this":
        end = pub
    elif which == "later this":
        start = pub
    return start, end, unit, ""


def _month_year(pub: datetime.date, month: int, how: str | None, direction: str) -> tuple[int, str]:
    """The year of a month named without a year."""
    if how == "this":
        return pub.year, ""
    if how == "last":
        return (pub.year if month < pub.month else pub.year - 1), ""
    if how == "next":
        return (pub.year if month > pub.month else pub.year + 1), ""
    if direction == "future":
        return (pub.year if month >= pub.month else pub.year + 1), "next such month"
    return (pub.year if month <= pub.month else pub.year - 1), "most recent such month"


def _match_month(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _MONTH_PHRASE.fullmatch(text)
    if not m:
        return None
    if m[4]:
        month, year, note = _MONTHS[m[3]], int(m[4]), ""
    else:
        month = _MONTHS[m[2]]
        year, note = _month_year(pub, month, _RELATIVE.get(m[1]), direction)
    _real_date(year, month, 1, text)
    return datetime.date(year, month, 1), _month_end(year, month), "month", note


def _match_month_day(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _MONTH_DAY.fullmatch(text) or _DAY_MONTH.fullmatch(text)
    if not m:
        return None
    month_first = not m[2].isdigit()
    month, day = _MONTHS[m[2] if month_first else m[3]], int(m[3] if month_first else m[2])
    if m[4]:
        found = _real_date(int(m[4]), month, day, text)
        if m[1] and _WEEKDAYS[m[1]] != found.weekday():
            raise DateError(f"'{text}' does not add up: {date_label(found, 'day')} was a"
                            f" {calendar.day_name[found.weekday()]}; correct the weekday or the date")
        return found, found, "day", ""
    longest = 29 if month == 2 else calendar.monthrange(2025, month)[1]
    if not 1 <= day <= longest:
        raise DateError(f"'{text}' is not a real date: {MONTH_NAMES[month - 1]} has at most {longest} days")
    past, future = _nearest_day(pub, month, day, -1), _nearest_day(pub, month, day, 1)
    if m[1]:  # the weekday decides the year: the nearest candidate it fits, either way
        fits = [d for d in (past, future) if d is not None and d.weekday() == _WEEKDAYS[m[1]]]
        if not fits:
            shown = " or ".join(f"{date_label(d, 'day')} a {calendar.day_name[d.weekday()]}"
                                for d in (past, future) if d is not None)
            raise DateError(f"'{text}' does not add up: the nearest such dates are {shown}; correct the weekday"
                            " or give the year")
        found = min(fits, key=lambda d: abs((d - pub).days))
        return found, found, "day", "the year whose date falls on that weekday"
    nearest = future if direction == "future" else past
    if nearest is None:
        raise DateError(f"'{text}' has no such date near {pub.isoformat()}")
    return nearest, nearest, "day", "next such date" if direction == "future" else "most recent such date"


def _nearest_day(pub: datetime.date, month: int, day: int, step: int) -> datetime.date | None:
    """The nearest month-day on or before (step -1) or on or after (step 1) pub; 29 February can be 8 years away."""
    for year in range(pub.year, pub.year + 9 * step, step):
        if FIRST_YEAR - 1 <= year <= LAST_YEAR + 1 and day <= calendar.monthrange(year, month)[1]:
            candidate = datetime.date(year, month, day)
            if (candidate >= pub) if step > 0 else (candidate <= pub):
                return candidate
    return None


def _match_year(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _SHORT_DECADE.fullmatch(text)
    if m:
        first = pub.year // 100 * 100 + int(m[1]) * 10
        if direction == "future":
            first += 100 if first + 9 < pub.year else 0
        else:
            first -= 100 if first > pub.year else 0
        note = "next such decade" if direction == "future" else "most recent such decade"
        return datetime.date(first, 1, 1), datetime.date(first + 9, 12, 31), "decade", note
    found = _exact(_DECADE_APOSTROPHE.sub(r"\1s", text))
    return (found.start, found.end, found.precision, "") if found else None


_QUARTER = re.compile(
    r"(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th|final|last)[\s-]+quarter"
    r"(?:\s+(?:of\s+)?(?:([0-9]{4})|(?:the\s+)?(this|last|next|the|current)\s+year))?"
    r"|q([1-4])(?:\s+(?:of\s+)?([0-9]{4}))?|([0-9]{4})\s+q([1-4])"
    r"|(?:the\s+)?(this|last|next|current|previous|past|coming)\s+quarter")
_HALF = re.compile(
    r"(?:the\s+)?(first|second|1st|2nd|latter|back|front)[\s-]+half"
    r"(?:\s+(?:of\s+)?(?:([0-9]{4})|(?:the\s+)?(this|last|next|the|current)\s+year))?"
    r"|h([12])(?:\s+([0-9]{4}))?|([0-9]{4})\s+h([12])")
_SEASON = re.compile(
    rf"{_REL}(spring|summer|fall|autumn|winter)"
    r"(?:\s+(?:of\s+)?([0-9]{4})(?:\s*[-/\u2013]\s*([0-9]{2}|[0-9]{4}))?)?")
_WEEKEND = re.compile(rf"{_REL}weekend")
_YEAR_WORDS = {"this": 0, "the": 0, "current": 0, "last": -1, "next": 1}


def _unit_year(pub: datetime.date, period: Callable[[int], tuple[datetime.date, datetime.date]],
               direction: str) -> tuple[int, str]:
    """The year of a quarter, half or season named without one: the most recent such period that has
    started by publication (past), or the next that has not ended (future)."""
    if direction == "future":
        year = pub.year - 1 if period(pub.year - 1)[1] >= pub else pub.year if period(pub.year)[1] >= pub \
            else pub.year + 1
        return year, "next such period"
    year = pub.year if period(pub.year)[0] <= pub else pub.year - 1
    return year, "most recent such period"


def _quarter_period(n: int) -> Callable[[int], tuple[datetime.date, datetime.date]]:
    return lambda year: (datetime.date(year, 3 * n - 2, 1), _month_end(year, 3 * n))


def _half_period(n: int) -> Callable[[int], tuple[datetime.date, datetime.date]]:
    return lambda year: (datetime.date(year, 6 * n - 5, 1), _month_end(year, 6 * n))


def _match_quarter(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _QUARTER.fullmatch(text)
    if not m:
        return None
    if m[8]:  # this / last / next quarter
        current = _quarter_of(pub)
        step = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(m[8], 0)
        first = datetime.date(pub.year, 3 * current - 2, 1) + relativedelta(months=3 * step)
        return first, _month_end(first.year, first.month + 2), "quarter", ""
    if m[1] == "last" and not (m[2] or m[3]):  # 'last quarter': the one before this one
        current = _quarter_of(pub)
        first = datetime.date(pub.year, 3 * current - 2, 1) + relativedelta(months=-3)
        return first, _month_end(first.year, first.month + 2), "quarter", ""
    n = _ORDINAL[m[1]] if m[1] else int(m[4] or m[7])
    given = m[2] or m[5] or m[6]
    period = _quarter_period(n)
    if given:
        year, note = int(given), ""
    elif m[3]:
        year, note = pub.year + _YEAR_WORDS[m[3]], ""
    else:
        year, note = _unit_year(pub, period, direction)
    return (*period(year), "quarter", note)


def _match_half(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _HALF.fullmatch(text)
    if not m:
        return None
    n = _ORDINAL[m[1]] if m[1] else int(m[4] or m[7])
    given = m[2] or m[5] or m[6]
    period = _half_period(n)
    if given:
        year, note = int(given), ""
    elif m[3]:
        year, note = pub.year + _YEAR_WORDS[m[3]], ""
    else:
        year, note = _unit_year(pub, period, direction)
    return (*period(year), "half", note)


def _match_season(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _SEASON.fullmatch(text)
    if not m:
        return None
    season = "fall" if m[2] == "autumn" else m[2]
    how = _RELATIVE.get(m[1])

    def period(year: int) -> tuple[datetime.date, datetime.date]:
        return season_period(season, year)

    if m[3]:
        year = int(m[3])
        if season == "winter":
            if not m[4]:
                raise DateError(f"'{text}' could be the winter starting in December {year - 1} or in December"
                                f" {year}: write 'winter {year - 1}-{year % 100:02d}' or 'winter"
                                f" {year}-{(year + 1) % 100:02d}'")
            if int(m[4]) % 100 != (year + 1) % 100:
                raise DateError(f"'{text}' is not a winter: a winter runs from December of one year into the next")
        return (*period(year), "season", "")
    if how == "last":
        year = max(y for y in (pub.year - 2, pub.year - 1, pub.year) if period(y)[1] < pub)
        return (*period(year), "season", "")
    if how == "next":
        year = min(y for y in (pub.year - 1, pub.year, pub.year + 1) if period(y)[0] > pub)
        return (*period(year), "season", "")
    if period(pub.year - 1)[0] <= pub <= period(pub.year - 1)[1]:
        return (*period(pub.year - 1), "season", "")  # this winter, in January
    year, note = _unit_year(pub, period, direction)
    return (*period(year), "season", note)


def _match_weekend(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    m = _WEEKEND.fullmatch(text)
    if not m:
        return None
    how = _RELATIVE.get(m[1])
    this = pub - datetime.timedelta(days=pub.weekday()) + datetime.timedelta(days=5)  # the week's Saturday
    if how == "this" or (how is None and this - datetime.timedelta(days=0) <= pub):
        saturday, note = this, ""  # this weekend; 'the weekend' read on a Saturday or Sunday
    elif how == "last":
        saturday, note = (this - datetime.timedelta(days=7)), ""
    elif how == "next":
        saturday, note = this + datetime.timedelta(days=7 if this <= pub else 0), ""
    elif direction == "future":
        saturday, note = this, "next such weekend"
    else:
        saturday, note = this - datetime.timedelta(days=7), "most recent such weekend"
    return saturday, saturday + datetime.timedelta(days=1), "day", note


_MATCHERS = (_match_day_word, _match_count, _match_weekday, _match_period, _match_month,
             _match_month_day, _match_year, _match_quarter, _match_half, _match_season, _match_weekend)
_PARTS = {"early": ((0, 2), (1, 10), (1, 4), (0, 3)), "mid": ((2, 4), (11, 20), (5, 8), (4, 6)),
          "late": ((4, 6), (21, 31), (9, 12), (7, 9))}
_PART_UNITS = ("week", "month", "year", "decade")
_THIRDS = {"early": (0, 1), "mid": (1, 2), "late": (2, 3)}  # of a quarter, season or half, in its months


def _narrow(hit: _Hit, part: str) -> _Hit | None:
    """Early/mid/late part of a week, month, quarter, season, half, year or decade (a day stays whole:
    'late Monday')."""
    start, end, precision, note = hit
    if precision == "day":
        return hit
    if precision in ("quarter", "season", "half"):
        whole = _period(start, precision)
        months = 3 if precision != "half" else 6
        a, b = _THIRDS[part]
        lo = whole[0] + relativedelta(months=a * months // 3)
        hi = whole[0] + relativedelta(months=b * months // 3) - datetime.timedelta(days=1)
        return (max(lo, start), min(hi, end), precision, note) if max(lo, start) <= min(hi, end) else None
    first, last = _PARTS[part][_PART_UNITS.index(precision)]
    if precision == "week":
        monday = _period(start, "week")[0]
        lo, hi = monday + datetime.timedelta(days=first), monday + datetime.timedelta(days=last)
    elif precision == "month":
        lo, hi = start.replace(day=first), start.replace(day=min(last, _month_end(start.year, start.month).day))
    elif precision == "year":
        lo, hi = datetime.date(start.year, first, 1), _month_end(start.year, last)
    else:
        lo, hi = datetime.date(start.year + first, 1, 1), datetime.date(start.year + last, 12, 31)
    lo, hi = max(lo, start), min(hi, end)
    return (lo, hi, precision, note) if lo <= hi else None


@functools.lru_cache(maxsize=65536)  # a pure function; a build meets the same phrases and dates again and again
def _resolve(text: str, pub: datetime.date, direction: str) -> _Hit | None:
    while True:
        for matcher in _MATCHERS:
            hit = matcher(text, pub, direction)
            if hit:
                return hit
        m = _PART.fullmatch(text)
        if m:
            hit = _resolve(m[2], pub, direction)
            return hit and _narrow(hit, m[1])
        m = _PART_OF.fullmatch(text)  # 'the end of March', 'the beginning of 2024', 'the middle of the month'
        if m:
            inner = "this " + m[2] if m[2] in ("week", "month", "year", "quarter") else m[2]  # the end of the year
            hit = _resolve(inner, pub, direction)
            return hit and _narrow(hit, _PART_WORDS[m[1]])
        if text in _DECADE_WORDS:
            found = _resolve(_DECADE_WORDS[text], pub, direction)
            return found
        shorter = _PREPOSITION.sub("", text)
        if shorter == text:
            return None
        text = shorter


def without_preposition(phrase: str) -> str:
    """`phrase` without a leading 'on', 'in', 'since', 'by', 'during', 'from' or 'the' (any case)."""
    return _LEADING_PREPOSITION.sub("", phrase.strip())


def _clean(phrase: str) -> str:
    text = _PHRASE_APOSTROPHES.sub("'", phrase)
    text = _SPACES.sub(" ", text).strip().lower()
    return text.strip(" .,;:!?\"()[]\u201c\u201d").strip()


# ---------------------------------------------------------------- qualifiers, times of day, ranges

_QUALIFIER_WORDS = re.compile(r"(?:(?:some\s?time\s+|in\s+|at\s+|by\s+)?(about|around|circa|c\.|ca\.|approximately|"
                              r"roughly|approx\.)|(before|prior to|earlier than)|(after|later than))\s+(.+)")
_CLOCK = (r"(?:(?P<h>[0-9]{1,2})(?:[:.](?P<mi>[0-9]{2}))?\s*(?P<ap>a\.?\s?m\b\.?|p\.?\s?m\b\.?)"
          r"|(?P<h24>[0-9]{1,2}):(?P<m24>[0-9]{2})(?!\s*[ap]\.?\s?m)|(?P<word>noon|midday|midnight))"
          rf"(?:\s+(?P<zone>{_alternatives(ZONES)})\b\.?)?")
_TIME_FIRST = re.compile(rf"(?:(?:at|by|around|about|before|after|until|shortly before|shortly after|just before|"
                         rf"just after)\s+)?{_CLOCK}(?:\s*(?:,|on|of)?\s+(?P<day>.+))?")
_TIME_LAST = re.compile(rf"(?P<day>.+?)\s*(?:,|at|by|around|about|before|after)?\s+{_CLOCK}")
_RANGE = re.compile(r"(?:from\s+|between\s+)?(.+?)\s*(?:\s(?:to|through|thru|until|till|and)\s|[-\u2013\u2014])\s*(.+)")
_YEAR_BACK = re.compile(r"\bago\b|\blast year\b|\bearlier\b|\bnext year\b|\blater\b")
_FINER_PERIOD = re.compile(r"\b(?:quarter|period|months?|weeks?|from|than|compared|versus|vs)\b|\bQ[1-4]\b",
                           re.IGNORECASE)
_YEAR_AWAY = re.compile(r"(?:a|one) year (?:ago|earlier|before|later|from now)|in a year(?:'s time)?")
_BARE_DAY = re.compile(r"[0-9]{1,2}(?:st|nd|rd|th)?")


def _time_of_day(text: str, pub: datetime.date) -> tuple[str, str, str | None] | None:
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


def _zone_offset(zone: str | None, day: datetime.date, clock: str) -> str:
    """'+HH:MM' / '-HH:MM' of a zone word at that day and time, or '' when no zone is given."""
    if not zone:
        return ""
    found = ZONES[zone.lower()]
    if isinstance(found, str):
        hour, minute = (23, 59) if clock == "24:00" else (int(clock[:2]), int(clock[3:]))
        delta = datetime.datetime(day.year, day.month, day.day, hour, minute,
                                  tzinfo=zoneinfo.ZoneInfo(found)).utcoffset()
        assert delta is not None  # a ZoneInfo gives every time its offset
        found = int(delta.total_seconds() // 60)
    sign = "-" if found < 0 else "+"
    return f"{sign}{abs(found) // 60:02d}:{abs(found) % 60:02d}"


def _distance(hit: _Hit, pub: datetime.date) -> int:
    """Days from the publication date to the period (0 when it holds it)."""
    start, end = hit[0], hit[1]
    return 0 if start <= pub <= end else (pub - end).days if end < pub else (start - pub).days


@dataclass(frozen=True)
class _Choice:
    hit: _Hit
    how: str  # why past or future ('' when both readings agree)
    guess: str | None  # the other reading, when nothing decided between them


def _choose(text: str, pub: datetime.date, direction: str | None,
            clause: Callable[[], tuple[str | None, str]]) -> _Choice | None:
    """The reading of a phrase: both candidates worked out, then the direction rules (module docstring)."""
    readings: dict[str, _Hit | None] = {}
    error: DateError | None = None
    for way in ("past", "future"):
        try:
            readings[way] = _resolve(text, pub, way)
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
        if past is not None and future is not None and past[3] == future[3]:
            return _Choice(hit, "", None)  # the note holds for both ("the weekday fits")
        return _Choice(hit[:3] + ("",), "", None)
    if direction:
        return _Choice(readings[direction] or past, direction, None)
    if text.startswith("since "):
        return _Choice(past, "past, because of 'since'", None)
    decided, words = clause()
    if decided:
        return _Choice(readings[decided] or past, f"{decided}, from '{words}' in its clause", None)
    way = "future" if _distance(future, pub) < _distance(past, pub) else "past"
    other = "past" if way == "future" else "future"
    hit, alternative = readings[way], readings[other]
    assert hit is not None and alternative is not None
    return _Choice(hit, f"guessed {way}: the nearer to publication", other + ": " + _short_label(alternative))


def _short_label(hit: _Hit) -> str:
    return date_label(hit[0], hit[2], hit[1])


def _find(phrase: str, context: str) -> tuple[int, int] | None:
    """(start, end) of the phrase in its sentence (any case, typographic apostrophes), else None."""
    words = [re.escape(w) for w in _CONTEXT_APOSTROPHES.sub("'", phrase).split()]
    if not words:
        return None
    m = re.search(r"\s+".join(words), _CONTEXT_APOSTROPHES.sub("'", context), re.IGNORECASE)
    return m.span() if m else None


def phrase_direction(phrase: str, context: str | None) -> tuple[str | None, str]:
    """('past' | 'future' | None, the deciding words) for a phrase read from its own clause of `context`
    (timeline.text.tense); (None, '') when the phrase is not in the context or nothing there decides."""
    if not context:
        return None, ""
    span = _find(phrase.strip(), context) or _find(without_preposition(phrase), context)
    if span is None:
        return None, ""
    return tense.clause_direction(_CONTEXT_APOSTROPHES.sub("'", context), *span)


def resolve_phrase(phrase: str, published: str | datetime.date, *, direction: str | None = None,
                   context: str | None = None, source_id: str | None = None) -> Resolved:
    """Resolve a date phrase as the article says it, against its publication date (never today).

    `context` is the sentence the phrase comes from: the phrase's own clause in it can say whether it
    points back or ahead; `direction` ('past' or 'future') decides it outright. When nothing decides
    and the two readings differ, the one nearer the publication date is taken and `.guess` says so."""
    pub = parse_published(published)
    if direction not in (None, "past", "future"):
        raise DateError(f"Unknown direction '{direction}': use past or future, or leave it out")
    if not isinstance(phrase, str) or not phrase.strip():
        raise DateError("The date phrase is empty: write one such as 'last Monday', or use date: instead")
    written = phrase.strip()
    text = _clean(phrase)
    clause = functools.partial(phrase_direction, written, context)
    qualifier = None
    m = _QUALIFIER_WORDS.fullmatch(text)
    if m and not _time_of_day(text, pub):
        qualifier = "approximate" if m[1] else "before" if m[2] else "after"
        text = m[4]
    timed = _time_of_day(text, pub)
    clock = zone = None
    if timed:
        text, clock, zone = timed
    try:
        if not text and clock:
            choice: _Choice | None = _Choice((pub, pub, "day", ""), "", "the day is not named: the publication day"
                                             " was taken")
        else:
            choice = _choose(text, pub, direction, clause) or _range_choice(text, pub, direction, clause)
    except DateError:
        raise
    except (ValueError, OverflowError):
        raise DateError(f"'{written}' falls outside the calendar when counted from {pub.isoformat()}") from None
    if choice is None:
        problem = _explain(text) if re.fullmatch(r"[0-9'/.:t -]+", text) else None
        raise DateError(f"Cannot resolve date phrase '{written}': "
                        + (problem or f"understood forms are {PHRASE_FORMS}. Rephrase it, or use date: instead"))
    start, end, precision, note = choice.hit
    problem = _year_problem(start.year) or _year_problem(end.year)
    if problem:  # every date the build stores is within FIRST_YEAR..LAST_YEAR, however it was written
        raise DateError(f"'{written}' counted from {pub.isoformat()} gives {start.isoformat()}..{end.isoformat()}:"
                        f" {problem}")
    time = None
    if clock:
        if precision != "day" or start != end:
            raise DateError(f"'{written}': a time of day needs one day, not {date_label(start, precision, end)}")
        precision, time = "time", clock + _zone_offset(zone, start, clock)
    found = Resolved(start, end, precision, "", qualifier, time)
    if precision == "day" and start == end:
        result = f"{DAY_NAMES[start.weekday()]} {start.isoformat()}"
    elif precision == "time":
        result = f"{DAY_NAMES[start.weekday()]} {found.label}"
    else:
        result = found.label
        if (start, end) != _period(start, precision) and not _part_of(start, end, precision) \
                and end <= _period(start, precision)[1]:
            result += f" ({start.isoformat()}..{end.isoformat()})"
    how = choice.how
    basis = (f"'{written}' in {source_id or 'the source'}, published {DAY_NAMES[pub.weekday()]} {pub.isoformat()}"
             f" -> {result}" + (f" ({how}: {note})" if note and how else f" ({how})" if how else ""))
    guess = None
    if choice.guess and choice.guess.startswith(("past: ", "future: ")):
        guess = (f"'{written}' could also be {choice.guess.split(': ', 1)[1]}; nothing in its clause says whether"
                 f" it points back or ahead, so {found.label} (the reading nearer the publication date) was taken:"
                 " write direction: past or future, or an explicit date:, to settle it")
    elif choice.guess:
        guess = f"'{written}': {choice.guess}: write the day in the phrase, or an explicit date:, to settle it"
    elif precision == "year" and (_YEAR_AWAY.fullmatch(text) or context and _YEAR_BACK.search(text)
                                  and _FINER_PERIOD.search(context)):
        guess = (f"'{written}' is taken as the year {found.label}, but the sentence compares periods: it may mean"
                 " the same quarter, month or day a year away; write an explicit date: to say which")
    return Resolved(start, end, precision, basis, qualifier, time, guess)


def _range_choice(text: str, pub: datetime.date, direction: str | None,
                  clause: Callable[[], tuple[str | None, str]]) -> _Choice | None:
    """A range of two phrases ('March 26-28', 'from Monday to Wednesday', '2019-2021'), or None."""
    m = _RANGE.fullmatch(text)
    if not m:
        return None
    left, right = m[1].strip(), m[2].strip()
    if _BARE_DAY.fullmatch(right):  # March 26-28
        month = re.match(rf"(?:{_WDAY},?\s+)?{_MON}\s+", left)
        if not month:
            return None
        right = f"{month[2]} {right}"
    elif _BARE_DAY.fullmatch(left):  # 26-28 March
        month = re.search(rf"\s{_MON}(?:,?\s+{_YEAR})?$", right)
        if not month:
            return None
        left = f"{left} {month[1]}" + (f" {month[2]}" if month[2] else "")
    elif re.fullmatch(r"[0-9]{4}", left) and re.fullmatch(r"[0-9]{2}", right):  # 2019-21
        right = left[:2] + right
    first = _choose(left, pub, direction, clause)
    if first is None:
        return None
    way = direction or ("future" if first.hit[0] > pub else "past")
    second = _choose(right, pub, way, clause)
    if second is None:
        return None
    if second.hit[1] < first.hit[0]:  # 'Friday to Monday': the end follows the start
        other = _resolve(right, pub, "future")
        if other is None or other[1] < first.hit[0]:
            raise DateError(f"'{text}' ends before it starts: check the order of the two dates")
        second = _Choice(other, "", None)
    precision = min(first.hit[2], second.hit[2], key=PRECISIONS.index)
    hit = (first.hit[0], second.hit[1], precision, first.hit[3])
    return _Choice(hit, first.how, first.guess)


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


