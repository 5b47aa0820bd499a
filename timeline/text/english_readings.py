"""One reading of each English form of date phrase, and the English words they are made of: weekdays
("Monday", "last Friday", "this Friday": the one of the publication's week), "today", "three days
ago", "last/this/next week, month, year", months ("in December", "Jan. 2019"), dates ("March 15",
"Friday, Oct. 23": the weekday decides the year), years and decades, quarters and halves ("the
first quarter", "Q3 2024", "the second half of the year"), seasons ("this summer", "winter 2024-25"),
weekends, holidays (timeline.text.english_calendar).

Each matcher reads a clean phrase (timeline.text.english_dates.clean) published on a given day as
pointing back ('past': the nearest such period on or before the publication date) or ahead
('future': on or after it), and gives a period (timeline.text.periods.Hit) or None when the phrase
is not of its form. "last X" is strictly before the publication day and "next X" strictly after; a
count of weeks ("two weeks ago") is that Monday-to-Sunday week; "winter 2024" alone is refused (it
could start in December 2023 or 2024).
"""
from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable

from dateutil.relativedelta import relativedelta

from timeline.errors import DateError
from timeline.text import english_calendar
from timeline.text.periods import (FIRST_YEAR, LAST_YEAR, MONTH_NAMES, Hit, date_label, half_period, month_end,
                                   plain_period, quarter_of, quarter_period, real_date, season_period)

_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
            "final": 4, "last": 4, "latter": 2, "back": 2, "front": 1}


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


MONTH = rf"({alternatives(MONTHS)})\.?"
WEEKDAY = rf"({alternatives(WEEKDAYS)})\.?"
DAY = r"([0-9]{1,2})(?:st|nd|rd|th)?"
YEAR = r"([0-9]{4})"
_NUM = rf"([0-9]{{1,3}}|{alternatives(_NUMBERS)})"
_UNIT = r"(day|week|month|year)s?"
RELATIVE = {"last": "last", "this past": "last", "past": "last", "next": "next", "this coming": "next",
             "coming": "next", "this": "this"}
_REL = rf"(?:({alternatives(RELATIVE)})\s+)?"

_DAY_WORDS = {"tonight": 0, "last night": -1, "this morning": 0, "this afternoon": 0, "this evening": 0,
              "earlier today": 0, "later today": 0, "day before yesterday": -2, "day after tomorrow": 2}
for _word, _days in (("today", 0), ("yesterday", -1), ("tomorrow", 1)):
    for _part in ("", " morning", " afternoon", " evening", " night"):
        _DAY_WORDS[_word + _part] = _days

_COUNT = re.compile(rf"{_NUM}\s+{_UNIT}\s+(ago|from now)|in\s+{_NUM}\s+{_UNIT}(?:'s?\s+time|\s+time)?")
_WEEKDAY_PHRASE = re.compile(rf"{_REL}{WEEKDAY}(?:\s+(?:morning|afternoon|evening|night))?")
_PERIOD = re.compile(r"(last|this|next|earlier this|later this)\s+(week|month|year)")
MONTH_PHRASE = re.compile(rf"{_REL}{MONTH}|{MONTH},?\s+(?:of\s+)?{YEAR}")
_MONTH_DAY = re.compile(rf"(?:{WEEKDAY},?\s+)?{MONTH}\s+{DAY}(?:,?\s+{YEAR})?")
_DAY_MONTH = re.compile(rf"(?:{WEEKDAY},?\s+)?(?:the\s+)?{DAY}(?:\s+of)?\s+{MONTH},?(?:\s+{YEAR})?")
_SHORT_DECADE = re.compile(r"'?([0-9])0'?s")
_DECADE_APOSTROPHE = re.compile(r"^([0-9]{3}0)'s$")


# ---------------------------------------------------------------- one reading of each form
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
    day, note = _weekday(pub, WEEKDAYS[m[2]], RELATIVE.get(m[1]), direction)
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
    m = MONTH_PHRASE.fullmatch(text)
    if not m:
        return None
    if m[4]:
        month, year, note = MONTHS[m[3]], int(m[4]), ""
    else:
        month = MONTHS[m[2]]
        year, note = _month_year(pub, month, RELATIVE.get(m[1]), direction)
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


def _numbered(m: re.Match[str], period: Callable[[int], tuple[datetime.date, datetime.date]], precision: str,
              pub: datetime.date, direction: str) -> Hit:
    """The quarter or half `period` of the year the match of _QUARTER or _HALF gives ('of 2024' in groups 2, 5
    or 6; 'this/last/next year' in group 3), or else of _unit_year's."""
    given = m[2] or m[5] or m[6]
    if given:
        year, note = int(given), ""
    elif m[3]:
        year, note = pub.year + _YEAR_WORDS[m[3]], ""
    else:
        year, note = _unit_year(pub, period, direction)
    return (*period(year), precision, note)


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
    return _numbered(m, quarter_period(n), "quarter", pub, direction)


def _match_half(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _HALF.fullmatch(text)
    if not m:
        return None
    n = (2 if m[1] in ("last", "final") else _ORDINAL[m[1]]) if m[1] else int(m[4] or m[7])
    return _numbered(m, half_period(n), "half", pub, direction)


def _match_season(text: str, pub: datetime.date, direction: str) -> Hit | None:
    m = _SEASON.fullmatch(text)
    if not m:
        return None
    season = "fall" if m[2] == "autumn" else m[2]
    how = RELATIVE.get(m[1])

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
    how = RELATIVE.get(m[1])
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


MATCHERS = (_match_day_word, _match_count, _match_weekday, _match_period, _match_month,
             _match_month_day, _match_year, _match_quarter, _match_half, _match_season, _match_weekend,
             _match_holiday)
