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

import calendar
import datetime
import functools
import re
from collections.abc import Callable, Iterable

from dateutil.relativedelta import relativedelta

from timeline.errors import DateError
from timeline.text import english_calendar, english_tense
from timeline.text.grammar import Grammar
from timeline.text.periods import (FIRST_YEAR, LAST_YEAR, MONTH_NAMES, Hit, Resolved, date_label, day_problem,
                                   half_period, month_end, narrow, plain_period, quarter_of, quarter_period,
                                   real_date, season_period, whole_period)
from timeline.text.zones import ZONES

_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "final": 4, "last": 4, "latter": 2, "back": 2, "front": 1}


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

MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)}
MONTHS.update({name[:3].lower(): i for i, name in enumerate(MONTH_NAMES, 1)})
MONTHS["sept"] = 9
WEEKDAYS = {"monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
             "thursday": 3, "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4,
             "saturday": 5, "sat": 5, "sunday": 6, "sun": 6}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}


def alternatives(words: Iterable[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_MON = rf"({alternatives(MONTHS)})\.?"
_WDAY = rf"({alternatives(WEEKDAYS)})\.?"
_DAY = r"([0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"([0-9]{4})"
_NUM = rf"([0-9]{{1,3}}|{alternatives(_NUMBERS)})"
_UNIT = r"(day|week|month|year)s?"
_RELATIVE = {"last": "last", "this past": "last", "past": "last", "next": "next", "this coming": "next",
             "coming": "next", "this": "this"}
_REL = rf"(?:({alternatives(_RELATIVE)})\s+)?"

_DAY_WORDS = {"tonight": 0, "last night": -1, "this morning": 0, "this afternoon": 0, "this evening": 0,
              "earlier today": 0, "later today": 0, "day before yesterday": -2, "day after tomorrow": 2}
for _word, _days in (("today", 0), ("yesterday", -1), ("tomorrow", 1)):
    for _part in ("", " morning", " afternoon", " evening", " night"):
        _DAY_WORDS[_word + _part] = _days

_COUNT = re.compile(rf"{_NUM}\s+{_UNIT}\s+(ago|from now)|in\s+{_NUM}\s+{_UNIT}(?:'s?\s+time|\s+time)?")
_WEEKDAY_PHRASE = re.compile(rf"{_REL}{_WDAY}(?:\s+(?:morning|afternoon|evening|night))?")
_PERIOD = re.compile(r"(last|this|next|earlier this|later this)\s+(week|month|year)")
_MONTH_PHRASE = re.compile(rf"{_REL}{_MON}|{_MON},?\s+(?:of\s+)?{_YEAR}")
_MONTH_DAY = re.compile(rf"(?:{_WDAY},?\s+)?{_MON}\s+{_DAY}(?:,?\s+{_YEAR})?")
_DAY_MONTH = re.compile(rf"(?:{_WDAY},?\s+)?(?:the\s+)?{_DAY}(?:\s+of)?\s+{_MON},?(?:\s+{_YEAR})?")
_SHORT_DECADE = re.compile(r"'?([0-9])0'?s")
_DECADE_APOSTROPHE = re.compile(r"^([0-9]{3}0)'s$")
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


# ---------------------------------------------------------------- one reading of a phrase
# Each matcher takes (text, published, direction) and returns None or a Hit:
# (start, end, precision, note); note says how direction was used ('' if not).

def _number(word: str) -> int:
    return _NUMBERS[word] if word in _NUMBERS else int(word)


def _shift(pub: datetime.date, n: int, unit: str) -> Hit:
    if unit == "day":
        day = pub + datetime.timedelta(days=n)
        return day, day, "day", ""
    if unit == "week":  # the week (Monday to Sunday) n weeks away
        monday = pub - datetime.timedelta(days=pub.weekday()) + datetime.timedelta(weeks=n)
        return monday, monday + datetime.timedelta(days=6), "week", ""
    if unit == "month":
        first = pub.replace(day=1) + relativedelta(months=n)
        return first, month_end(first.year, first.month), "month", ""
    return datetime.date(pub.year + n, 1, 1), datetime.date(pub.year + n, 12, 31), "year", ""


def _match_count(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _COUNT.fullmatch(text)
    if not m:
        return None
    if m[1]:
        return _shift(pub, _number(m[1]) * (-1 if m[3] == "ago" else 1), m[2])
    return _shift(pub, _number(m[4]), m[5])


def _match_day_word(text: str, pub: datetime.date, direction: str) -> Hit | None:
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


def _match_weekday(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _WEEKDAY_PHRASE.fullmatch(text)
    if not m:
        return None
    day, note = _weekday(pub, WEEKDAYS[m[2]], _RELATIVE.get(m[1]), direction)
    return day, day, "day", note


def _match_period(text: str, pub: datetime.date, direction: str) -> Hit | None:
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
        end = month_end(start.year, start.month)
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


def _match_month(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _MONTH_PHRASE.fullmatch(text)
    if not m:
        return None
    if m[4]:
        month, year, note = MONTHS[m[3]], int(m[4]), ""
    else:
        month = MONTHS[m[2]]
        year, note = _month_year(pub, month, _RELATIVE.get(m[1]), direction)
    real_date(year, month, 1, text)
    return datetime.date(year, month, 1), month_end(year, month), "month", note


def _match_month_day(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _MONTH_DAY.fullmatch(text) or _DAY_MONTH.fullmatch(text)
    if not m:
        return None
    month_first = not m[2].isdigit()
    month, day = MONTHS[m[2] if month_first else m[3]], int(m[3] if month_first else m[2])
    if m[4]:
        found = real_date(int(m[4]), month, day, text)
        if m[1] and WEEKDAYS[m[1]] != found.weekday():
            raise DateError(f"'{text}' does not add up: {date_label(found, 'day')} was a"
                            f" {calendar.day_name[found.weekday()]}; correct the weekday or the date")
        return found, found, "day", ""
    longest = 29 if month == 2 else calendar.monthrange(2025, month)[1]
    if not 1 <= day <= longest:
        raise DateError(f"'{text}' is not a real date: {MONTH_NAMES[month - 1]} has at most {longest} days")
    past, future = _nearest_day(pub, month, day, -1), _nearest_day(pub, month, day, 1)
    if m[1]:  # the weekday decides the year: the nearest candidate it fits, either way
        fits = [d for d in (past, future) if d is not None and d.weekday() == WEEKDAYS[m[1]]]
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


def _match_year(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _SHORT_DECADE.fullmatch(text)
    if m:
        first = pub.year // 100 * 100 + int(m[1]) * 10
        if direction == "future":
            first += 100 if first + 9 < pub.year else 0
        else:
            first -= 100 if first > pub.year else 0
        note = "next such decade" if direction == "future" else "most recent such decade"
        return datetime.date(first, 1, 1), datetime.date(first + 9, 12, 31), "decade", note
    found = plain_period(_DECADE_APOSTROPHE.sub(r"\1s", text))
    return (found.start, found.end, found.precision, "") if found else None


_QUARTER = re.compile(
    r"(?:the\s+)?(first|second|third|fourth|1st|2nd|3rd|4th|final|last)[\s-]+quarter"
    r"(?:\s+(?:of\s+)?(?:([0-9]{4})|(?:the\s+)?(this|last|next|the|current)\s+year))?"
    r"|q([1-4])(?:\s+(?:of\s+)?([0-9]{4}))?|([0-9]{4})\s+q([1-4])"
    r"|(?:the\s+)?(this|last|next|current|previous|past|coming)\s+quarter")
_HALF = re.compile(
    r"(?:the\s+)?(first|second|1st|2nd|latter|back|front|last|final)[\s-]+half"
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


def _match_quarter(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _QUARTER.fullmatch(text)
    if not m:
        return None
    if m[8]:  # this / last / next quarter
        current = quarter_of(pub)
        step = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(m[8], 0)
        first = datetime.date(pub.year, 3 * current - 2, 1) + relativedelta(months=3 * step)
        return first, month_end(first.year, first.month + 2), "quarter", ""
    if m[1] == "last" and not (m[2] or m[3]):  # 'last quarter': the one before this one
        current = quarter_of(pub)
        first = datetime.date(pub.year, 3 * current - 2, 1) + relativedelta(months=-3)
        return first, month_end(first.year, first.month + 2), "quarter", ""
    n = _ORDINAL[m[1]] if m[1] else int(m[4] or m[7])
    given = m[2] or m[5] or m[6]
    period = quarter_period(n)
    if given:
        year, note = int(given), ""
    elif m[3]:
        year, note = pub.year + _YEAR_WORDS[m[3]], ""
    else:
        year, note = _unit_year(pub, period, direction)
    return (*period(year), "quarter", note)


def _match_half(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _HALF.fullmatch(text)
    if not m:
        return None
    n = (2 if m[1] in ("last", "final") else _ORDINAL[m[1]]) if m[1] else int(m[4] or m[7])
    given = m[2] or m[5] or m[6]
    period = half_period(n)
    if given:
        year, note = int(given), ""
    elif m[3]:
        year, note = pub.year + _YEAR_WORDS[m[3]], ""
    else:
        year, note = _unit_year(pub, period, direction)
    return (*period(year), "half", note)


def _match_season(text: str, pub: datetime.date, direction: str) -> Hit | None:
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


def _match_weekend(text: str, pub: datetime.date, direction: str) -> Hit | None:
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


def _match_holiday(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = english_calendar.HOLIDAY.fullmatch(text)
    if not m:
        return None
    day_of = english_calendar.HOLIDAYS[m[2]]
    if m[3]:
        day = day_of(int(m[3]))
        return day, day, "day", ""
    this, before, after = day_of(pub.year), day_of(pub.year - 1), day_of(pub.year + 1)
    if m[1] == "this":
        return this, this, "day", ""
    if m[1] == "last" or (m[1] is None and direction == "past"):
        day = this if this < pub or (this == pub and m[1] is None) else before
        return day, day, "day", "" if m[1] else "most recent such day"
    day = this if this > pub or (this == pub and m[1] is None) else after
    return day, day, "day", "" if m[1] else "next such day"


_MATCHERS = (_match_day_word, _match_count, _match_weekday, _match_period, _match_month,
             _match_month_day, _match_year, _match_quarter, _match_half, _match_season, _match_weekend,
             _match_holiday)

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
        for matcher in _MATCHERS:
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
_ENDED = re.compile(rf"\b(?:quarter|half)\s+(?:that\s+)?(?:ended|ending|ends|to)\s+{_MON}", re.IGNORECASE)
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
    m = re.fullmatch(rf"{_MON}\s+(?:{_DAY},?\s+)?(?:of\s+)?{_YEAR}|{_DAY}(?:\s+of)?\s+{_MON},?\s+{_YEAR}", lower)
    if m:
        month = MONTHS[m[1] or m[5]]
        day, year = m[2] or m[4], m[3] or m[6]
        iso = f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")
        problem = day_problem(int(year), month, int(day or 1))
        if problem:
            return f"it is not a real date: {problem}"
        return f"write it as {iso}, or put the phrase in when: to have it resolved against the source"
    if re.search(rf"\b{_MON}(?:\s|$)", lower):
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
    m = _MONTH_PHRASE.fullmatch(text)
    if m and m[2] and _RELATIVE.get(m[1]) in ("last", "next"):
        month, step = MONTHS[m[2]], (-1 if _RELATIVE[m[1]] == "last" else 1)
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
    return left, right


def always_past(text: str) -> bool:
    """True for a phrase that can only point back: 'since March'."""
    return text.startswith("since ")


def another_period(text: str, context: str | None, found: Resolved) -> tuple[bool, str] | None:
    """(refuse?, why) when the sentence says the phrase names another period than its words give:
    - 'a year ago' in a sentence comparing amounts ('net rose to $5 million from $4 million a year ago')
      is the period compared, a year before: a quarter or a month the phrase does not name (refused);
    - a quarter or half that the sentence says ended in another month than the calendar's ('its fourth
      quarter ended Sept. 30') is a fiscal one (refused);
    - 'a year ago' elsewhere, and 'last year' in a sentence comparing periods, may mean the same quarter,
      month or day a year away (a guess)."""
    year = found.start.year
    if found.precision == "year" and _YEAR_AWAY.fullmatch(text):
        if context and _COMPARES.search(context):
            return True, ("in a sentence comparing amounts or periods means the same period (a quarter, a month,"
                          " a day) a year before the one compared, which the phrase does not name: write date: for"
                          f" it, e.g. {year}-35 for the third quarter of {year}, or {year} for the year")
        return False, (f"is taken as the year {year}, but it may mean the same quarter, month or day a year away;"
                       " write an explicit date: to say which")
    if found.precision == "year" and context and _YEAR_BACK.search(text) and _FINER_PERIOD.search(context):
        return False, (f"is taken as the year {year}, but the sentence compares periods: it may mean the same"
                       " quarter, month or day a year away; write an explicit date: to say which")
    if found.precision in ("quarter", "half") and context:
        m = _ENDED.search(context)
        month = MONTHS[m[1].lower()] if m else found.end.month
        if month != found.end.month:
            last = datetime.date(year if month <= found.end.month else year - 1, month, 1)
            first = last - relativedelta(months=2 if found.precision == "quarter" else 5)
            return True, (f"is a fiscal {found.precision} here: the sentence says it ended in"
                          f" {MONTH_NAMES[month - 1]}, and {found.label} does not: write date: with its months,"
                          f" e.g. {first.isoformat()[:7]}/{last.isoformat()[:7]}")
    return None


ENGLISH = Grammar(language="en", clean=clean, read=read, qualifier=qualifier, time_of_day=time_of_day,
                  range_ends=range_ends, always_past=always_past, other_reading=other_reading,
                  another_period=another_period,
                  without_preposition=without_preposition, markers=english_tense.MARKERS, forms=PHRASE_FORMS)
