"""Dates for the timeline: the YAML ``date:`` field, publication dates, and
date phrases as news articles write them ("on Monday", "in December", "the '90s").

Every relative phrase is resolved against the article's publication date and
never against today's date, so a build gives the same answer on any day.

Direction rule (used when a phrase could point either way, e.g. "Friday",
"in December", "March 15", "the '20s"): the caller's ``direction`` wins;
otherwise a phrase starting with "since" is past; otherwise the source sentence
decides (``guess_direction``): it is future when it holds a future marker --
lowercase "will", "won't", "'ll", "shall", "is/are scheduled|due|set|expected|
slated|poised|going|planning|preparing to", "plan(s) to", "intend(s) to",
"next" (not "next day" / "next to"), "upcoming", "the coming ...",
"later this", "tomorrow" -- and past otherwise.  Reported plans ("was
scheduled to", "was due to", "would") are past: the article reports them.
Capitalised "Will" is ignored because in news text it is usually a name.

Where direction matters: a bare or "this" weekday is the most recent such day
on or before publication (past) or the next on or after it (future); "last X" is
strictly before and "next X" strictly after.  A month without a year, a day of a
month without a year and a two-digit decade work the same way (the publication
month counts as both "most recent" and "next").  "this March" is March of the
publication year.  Weeks run Monday to Sunday.
"""
from __future__ import annotations

import calendar
import datetime
import functools
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from timeline.errors import DateError

PRECISIONS = ("day", "week", "month", "year", "decade")  # finest to coarsest

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FIRST_YEAR, LAST_YEAR = 1000, 2999

DATE_FORMS = "YYYY (2023), YYYY-MM (2025-03), YYYY-MM-DD (2025-03-26) or a decade (1990s)"
PHRASE_FORMS = ("weekdays ('Monday', 'last Friday', 'next Tuesday'), 'today', 'yesterday', 'tomorrow', "
                "'tonight', 'last night', 'three days ago', 'in two weeks', 'last/this/next week|month|year', "
                "'earlier/later this week|month|year', months ('January', 'Jan. 2019'), dates ('March 15', "
                "'15 March 2025'), years ('2019'), decades ('the 1990s', \"the '90s\"), ISO dates "
                "('2025-03-15'); months, years and decades may start with early/mid/late")


@dataclass(frozen=True)
class Resolved:
    """A date as a period: its first and last day, how precise it is, and how it was worked out."""

    start: datetime.date
    end: datetime.date  # inclusive last day of the period
    precision: str  # one of PRECISIONS
    basis: str  # how it was worked out; '' for plain dates

    @property
    def label(self) -> str:
        """How a person writes it: '26 March 2025', 'March 2025', '1990s' (date_label)."""
        return date_label(self.start, self.precision)


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
_PREPOSITION = re.compile(r"^(?:on|in|since|by|during|from|the)\s+")
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


def _explain(text: str) -> str | None:
    """A specific account of why text is not a plain date, or None."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[t ][0-9].*", text, re.IGNORECASE):
        return f"it includes a time: give the date only, e.g. {text[:10]}"
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
    found = _exact(text)
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

def _period(start: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The whole period of that precision containing start."""
    if precision == "week":
        monday = start - datetime.timedelta(days=start.weekday())
        return monday, monday + datetime.timedelta(days=6)
    if precision == "month":
        return start.replace(day=1), _month_end(start.year, start.month)
    if precision == "year":
        return datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    if precision == "decade":
        first = start.year // 10 * 10
        return datetime.date(first, 1, 1), datetime.date(first + 9, 12, 31)
    return start, start


def date_label(start: datetime.date | str, precision: str) -> str:
    """How a person writes the date: '26 March 2025', 'week of 24 March 2025', 'March 2025', '2023', '1990s'."""
    if isinstance(start, datetime.datetime):
        start = start.date()
    elif isinstance(start, str):
        text = start.strip()
        try:
            start = datetime.date.fromisoformat(text)
        except ValueError:
            start = parse_date(text).start
    if precision == "day":
        return f"{start.day} {MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "week":
        return f"week of {start.day} {MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "month":
        return f"{MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "year":
        return str(start.year)
    if precision == "decade":
        return f"{start.year // 10 * 10}s"
    raise DateError(f"Unknown date precision '{precision}': use one of {', '.join(PRECISIONS)}")


# ---------------------------------------------------------------- phrases
# Each matcher takes (text, published, direction) and returns None or
# (start, end, precision, note); note says how direction was used ('' if not).
_Hit = tuple[datetime.date, datetime.date, str, str]


def _number(word: str) -> int:
    return _NUMBERS[word] if word in _NUMBERS else int(word)


def _shift(pub: datetime.date, n: int, unit: str) -> _Hit:
    if unit in ("day", "week"):
        day = pub + datetime.timedelta(days=n * (7 if unit == "week" else 1))
        return day, day, "day", ""
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
    note = ""
    found: datetime.date | None
    if m[4]:
        found = _real_date(int(m[4]), month, day, text)
    else:
        longest = 29 if month == 2 else calendar.monthrange(2025, month)[1]
        if not 1 <= day <= longest:
            raise DateError(f"'{text}' is not a real date: {MONTH_NAMES[month - 1]} has at most {longest} days")
        step = 1 if direction == "future" else -1
        found = None
        for year in range(pub.year, pub.year + 9 * step, step):  # 29 February can be 8 years away
            if 1 <= year <= 9999 and day <= calendar.monthrange(year, month)[1]:
                candidate = datetime.date(year, month, day)
                if (candidate >= pub) if step > 0 else (candidate <= pub):
                    found = candidate
                    break
        if found is None:
            raise DateError(f"'{text}' has no such date near {pub.isoformat()}")
        note = "next such date" if step > 0 else "most recent such date"
    if m[1] and _WEEKDAYS[m[1]] != found.weekday():
        raise DateError(f"'{text}' does not add up: {date_label(found, 'day')} was a"
                        f" {calendar.day_name[found.weekday()]}; correct the weekday or the date")
    return found, found, "day", note


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


_MATCHERS = (_match_day_word, _match_count, _match_weekday, _match_period, _match_month,
             _match_month_day, _match_year)
_PARTS = {"early": ((0, 2), (1, 10), (1, 4), (0, 3)), "mid": ((2, 4), (11, 20), (5, 8), (4, 6)),
          "late": ((4, 6), (21, 31), (9, 12), (7, 9))}


def _narrow(hit: _Hit, part: str) -> _Hit | None:
    """Early/mid/late part of a week, month, year or decade (a day stays whole: 'late Monday')."""
    start, end, precision, note = hit
    if precision == "day":
        return hit
    first, last = _PARTS[part][PRECISIONS.index(precision) - 1]
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


def _direction_and_reason(context: str | None) -> tuple[str, str | None]:
    if not context:
        return "past", None
    context = _CONTEXT_APOSTROPHES.sub("'", context)
    if not _may_hold_marker(context):
        return "past", None
    m = _FUTURE_MARKERS.search(context)
    return ("future", m[0]) if m else ("past", None)


# Every match of _FUTURE_MARKERS holds one of these words, in any case: a sentence with none of them
# has no future marker, and most sentences are ruled out without running that (slow) expression.
_MARKER_WORDS = ("will", "won't", "'ll", "shall", "scheduled", "due", "set", "expected", "slated", "poised",
                 "going", "planning", "preparing", "plan", "intend", "coming", "later", "tomorrow", "next")
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


def _may_hold_marker(context: str) -> bool:
    return may_contain(context, _MARKER_WORDS)


def guess_direction(context: str | None) -> str:
    """'future' when the sentence has a future marker (see the module docstring), else 'past'."""
    return _direction_and_reason(context)[0]


def resolve_phrase(phrase: str, published: str | datetime.date, *, direction: str | None = None,
                   context: str | None = None, source_id: str | None = None) -> Resolved:
    """Resolve a date phrase as the article says it, against its publication date (never today)."""
    pub = parse_published(published)
    if direction not in (None, "past", "future"):
        raise DateError(f"Unknown direction '{direction}': use past or future, or leave it out")
    if not isinstance(phrase, str) or not phrase.strip():
        raise DateError("The date phrase is empty: write one such as 'last Monday', or use date: instead")
    written = phrase.strip()
    text = _clean(phrase)
    if direction:
        how = direction
    elif text.startswith("since "):
        direction, how = "past", "past, because of 'since'"
    else:
        direction, marker = _direction_and_reason(context)
        how = (f"future, from '{marker}' in the sentence" if marker
               else "past, no future marker in the sentence" if context else "past by default")
    try:
        hit = _resolve(text, pub, direction)
        if hit and hit[3]:
            other = _resolve(text, pub, "future" if direction == "past" else "past")
            if other and other[:3] == hit[:3]:
                hit = hit[:3] + ("",)
    except DateError:
        raise
    except (ValueError, OverflowError):
        raise DateError(f"'{written}' falls outside the calendar when counted from {pub.isoformat()}") from None
    if not hit:
        problem = _explain(text) if re.fullmatch(r"[0-9'/.:t -]+", text) else None
        raise DateError(f"Cannot resolve date phrase '{written}': "
                        + (problem or f"understood forms are {PHRASE_FORMS}. Rephrase it, or use date: instead"))
    start, end, precision, note = hit
    problem = _year_problem(start.year) or _year_problem(end.year)
    if problem:  # every date the build stores is within FIRST_YEAR..LAST_YEAR, however it was written
        raise DateError(f"'{written}' counted from {pub.isoformat()} gives {start.isoformat()}..{end.isoformat()}:"
                        f" {problem}")
    if precision == "day":
        result = f"{DAY_NAMES[start.weekday()]} {start.isoformat()}"
    else:
        result = date_label(start, precision)
        if (start, end) != _period(start, precision):
            result += f" ({start.isoformat()}..{end.isoformat()})"
    basis = (f"'{written}' in {source_id or 'the source'}, published {DAY_NAMES[pub.weekday()]} {pub.isoformat()}"
             f" -> {result}" + (f" ({how}: {note})" if note else ""))
    return Resolved(start, end, precision, basis)
