"""A date as a period of days: its first and last day, its precision (the unit it is given in), an
optional qualifier (approximately, before, after) and a time of day; the arithmetic of weeks,
months, quarters, halves, seasons, years and decades and of their parts ("early March", "late
2024"); and how a period is written: its label ("26 March 2025", "early March 2025", "Q1 2025",
"about 1990") and its EDTF form (the Library of Congress's Extended Date/Time Format: "2025-03",
"2025-33", "2025-03-26/2025-03-28", "1990~", "../2018").

Nothing here reads text or depends on a language: `date_values` reads `date:` values into periods,
and each language's grammar of date phrases (`english_dates`) gives periods too.

Weeks run Monday to Sunday. Seasons are the northern hemisphere's meteorological ones (spring
March-May, summer June-August, fall September-November, winter December-February, named by the
year it starts in: "winter 2024-25").
"""
from __future__ import annotations

import calendar
import datetime
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from timeline.errors import DateError

PRECISIONS = ("time", "day", "week", "month", "quarter", "season", "half", "year", "decade")  # finest to coarsest
QUALIFIERS = ("approximate", "before", "after")

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FIRST_YEAR, LAST_YEAR = 1000, 2999
SEASONS = ("spring", "summer", "fall", "winter")  # northern meteorological: starting March, June, September, December
_SEASON_START = {"spring": 3, "summer": 6, "fall": 9, "winter": 12}
EDTF_SEASON = {"spring": 21, "summer": 22, "fall": 23, "winter": 24}

# A period as the grammars give it: (first day, last day, precision, a note on how direction was used or '').
Hit = tuple[datetime.date, datetime.date, str, str]


@dataclass(frozen=True)
class Resolved:
    """A date as a period: its first and last day, how precise it is, and how it was worked out."""

    start: datetime.date
    end: datetime.date  # inclusive last day of the period
    precision: str  # one of PRECISIONS
    basis: str  # how it was worked out; '' for plain dates
    qualifier: str | None = None  # one of QUALIFIERS, or None: within the period
    time: str | None = None  # at precision 'time': 'HH:MM' and its offset when known ('19:50-04:00'); '24:00' ends it
    guess: str | None = None  # when past or future was a guess: what the other reading was and how to settle it
    alternative: tuple[datetime.date, datetime.date, str] | None = None  # that other reading (first, last, precision)

    @property
    def label(self) -> str:
        """How a person writes it: '26 March 2025', 'early March 2025', 'Q1 2025', 'about 1990' (date_label)."""
        return date_label(self.start, self.precision, self.end, self.qualifier, self.time)

    @property
    def edtf(self) -> str:
        """The date in EDTF (the Library of Congress's Extended Date/Time Format): '2025-03', '2025-33',
        '2025-03-26/2025-03-28', '1990~', '../2018', '2025-03-26T19:50:00-04:00' (date_edtf)."""
        return edtf_form(self.start, self.end, self.precision, self.qualifier, self.time)


# ---------------------------------------------------------------- calendar arithmetic

_PLAIN = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?|([0-9]{3}0)s")


def plain_period(text: str) -> Resolved | None:
    """The period a plain ISO form names: YYYY, YYYY-MM, YYYY-MM-DD or a decade YYY0s; None for any other
    text; DateError for one that is not a real date."""
    m = _PLAIN.fullmatch(text)
    if not m:
        return None
    if m[4]:
        year = int(m[4])
        if year_problem(year) or year_problem(year + 9):
            raise DateError(f"Cannot read date '{text}': {year_problem(year) or year_problem(year + 9)}")
        return Resolved(datetime.date(year, 1, 1), datetime.date(year + 9, 12, 31), "decade", "")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    problem = day_problem(year, month, day)
    if problem:
        raise DateError(f"Cannot read date '{text}': {problem}" + (". Check the day" if m[3] else ""))
    if m[3]:
        return Resolved(datetime.date(year, month, day), datetime.date(year, month, day), "day", "")
    if m[2]:
        return Resolved(datetime.date(year, month, 1), month_end(year, month), "month", "")
    return Resolved(datetime.date(year, 1, 1), datetime.date(year, 12, 31), "year", "")


def month_end(year: int, month: int) -> datetime.date:
    """The last day of a month."""
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def year_problem(year: int) -> str | None:
    """What is wrong with a year the build cannot store, or None."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return f"year {year:04d} is outside {FIRST_YEAR}-{LAST_YEAR}; check for a typo"
    return None


def in_range(day: datetime.date) -> bool:
    """True when the date's year is within FIRST_YEAR..LAST_YEAR (every date the build stores is)."""
    return year_problem(day.year) is None


def day_problem(year: int, month: int, day: int = 1) -> str | None:
    """What is wrong with year-month-day, or None when it is a real date."""
    problem = year_problem(year)
    if problem:
        return problem
    if not 1 <= month <= 12:
        return f"there is no month {month:02d}: months run 01 to 12"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{MONTH_NAMES[month - 1]} {year} has {days} days"
    return None


def real_date(year: int, month: int, day: int, text: str) -> datetime.date:
    """The date, or DateError naming `text` when there is no such day."""
    problem = day_problem(year, month, day)
    if problem:
        raise DateError(f"'{text}' is not a real date: {problem}")
    return datetime.date(year, month, day)


def quarter_of(day: datetime.date) -> int:
    """1..4: the calendar quarter of a day."""
    return (day.month - 1) // 3 + 1


def season_of(day: datetime.date) -> tuple[str, int]:
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


def whole_period(start: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the whole period of `precision` (week, month, quarter, season, half,
    year, decade) holding `start`; a day for `day` and `time`."""
    if precision == "week":
        monday = start - datetime.timedelta(days=start.weekday())
        return monday, monday + datetime.timedelta(days=6)
    if precision == "month":
        return start.replace(day=1), month_end(start.year, start.month)
    if precision in ("quarter", "half"):
        size = 3 if precision == "quarter" else 6
        first = (start.month - 1) // size * size + 1
        return datetime.date(start.year, first, 1), month_end(start.year, first + size - 1)
    if precision == "season":
        return season_period(*season_of(start))
    if precision == "year":
        return datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    if precision == "decade":
        first = start.year // 10 * 10
        return datetime.date(first, 1, 1), datetime.date(first + 9, 12, 31)
    return start, start


def part_of(start: datetime.date, end: datetime.date, precision: str) -> str | None:
    """'early', 'mid' or 'late' when start..end is that part of its week, month, year or decade."""
    if precision in ("day", "time"):
        return None
    whole = whole_period(start, precision)
    for part in PARTS:
        narrowed = narrow((whole[0], whole[1], precision, ""), part)
        if narrowed and narrowed[:2] == (start, end):
            return part
    return None


def previous_period(start: datetime.date, end: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The period of `precision` just before start."""
    if precision in ("day", "time"):
        day = start - datetime.timedelta(days=1)
        return day, day
    return whole_period(start - datetime.timedelta(days=1), precision)


def following_period(start: datetime.date, end: datetime.date, precision: str) -> tuple[datetime.date, datetime.date]:
    """The period of `precision` just after end."""
    if precision in ("day", "time"):
        day = end + datetime.timedelta(days=1)
        return day, day
    return whole_period(end + datetime.timedelta(days=1), precision)


def quarter_period(n: int) -> Callable[[int], tuple[datetime.date, datetime.date]]:
    """year -> (first, last day) of its quarter n (1..4)."""
    return lambda year: (datetime.date(year, 3 * n - 2, 1), month_end(year, 3 * n))


def half_period(n: int) -> Callable[[int], tuple[datetime.date, datetime.date]]:
    """year -> (first, last day) of its half n (1, 2)."""
    return lambda year: (datetime.date(year, 6 * n - 5, 1), month_end(year, 6 * n))


# A part of a week (days from Monday), a month (days), a year (months) or a decade (years from its start).
PARTS = {"early": ((0, 2), (1, 10), (1, 4), (0, 3)), "mid": ((2, 4), (11, 20), (5, 8), (4, 6)),
         "late": ((4, 6), (21, 31), (9, 12), (7, 9))}
_PART_UNITS = ("week", "month", "year", "decade")
_THIRDS = {"early": (0, 1), "mid": (1, 2), "late": (2, 3)}  # of a quarter, season or half, in its months


def period_meant(found: Resolved, a_year_away: bool, compares: bool, compares_periods: bool,
                 ended_month: int | None) -> tuple[bool, str] | None:
    """(refuse?, why) when the sentence says a phrase names another period than its words give, from what a
    language's grammar read in the phrase and its sentence (each grammar's another_period):
    - a year away ('a year ago', 'hace un año') in a sentence comparing amounts (`compares`) is the period
      compared, a year before: a quarter or a month the phrase does not name (refused); elsewhere it may mean
      the same quarter, month or day a year away (a guess);
    - a year before or after in a sentence comparing periods (`compares_periods`) may mean the same (a guess);
    - a quarter or half that the sentence says ended in another month (`ended_month`) than the calendar's is a
      fiscal one (refused)."""
    year = found.start.year
    if found.precision == "year" and a_year_away:
        if compares:
            return True, ("in a sentence comparing amounts or periods means the same period (a quarter, a month,"
                          " a day) a year before the one compared, which the phrase does not name: write date: for"
                          f" it, e.g. {year}-35 for the third quarter of {year}, or {year} for the year")
        return False, (f"is taken as the year {year}, but it may mean the same quarter, month or day a year away;"
                       " write an explicit date: to say which")
    if found.precision == "year" and compares_periods:
        return False, (f"is taken as the year {year}, but the sentence compares periods: it may mean the same"
                       " quarter, month or day a year away; write an explicit date: to say which")
    if found.precision in ("quarter", "half") and ended_month is not None and ended_month != found.end.month:
        last = datetime.date(year if ended_month <= found.end.month else year - 1, ended_month, 1)
        first = last - relativedelta(months=2 if found.precision == "quarter" else 5)
        return True, (f"is a fiscal {found.precision} here: the sentence says it ended in"
                      f" {MONTH_NAMES[ended_month - 1]}, and {found.label} does not: write date: with its months,"
                      f" e.g. {first.isoformat()[:7]}/{last.isoformat()[:7]}")
    return None


def narrow(hit: Hit, part: str) -> Hit | None:
    """Early/mid/late part of a week, month, quarter, season, half, year or decade (a day stays whole:
    'late Monday')."""
    start, end, precision, note = hit
    if precision == "day":
        return hit
    if precision in ("quarter", "season", "half"):
        whole = whole_period(start, precision)
        months = 3 if precision != "half" else 6
        a, b = _THIRDS[part]
        lo = whole[0] + relativedelta(months=a * months // 3)
        hi = whole[0] + relativedelta(months=b * months // 3) - datetime.timedelta(days=1)
        return (max(lo, start), min(hi, end), precision, note) if max(lo, start) <= min(hi, end) else None
    first, last = PARTS[part][_PART_UNITS.index(precision)]
    if precision == "week":
        monday = whole_period(start, "week")[0]
        lo, hi = monday + datetime.timedelta(days=first), monday + datetime.timedelta(days=last)
    elif precision == "month":
        lo, hi = start.replace(day=first), start.replace(day=min(last, month_end(start.year, start.month).day))
    elif precision == "year":
        lo, hi = datetime.date(start.year, first, 1), month_end(start.year, last)
    else:
        lo, hi = datetime.date(start.year + first, 1, 1), datetime.date(start.year + last, 12, 31)
    lo, hi = max(lo, start), min(hi, end)
    return (lo, hi, precision, note) if lo <= hi else None


# ---------------------------------------------------------------- labels and EDTF forms

def _one(start: datetime.date, precision: str) -> str:
    if precision in ("day", "time"):
        return f"{start.day} {MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "week":
        return f"week of {start.day} {MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "month":
        return f"{MONTH_NAMES[start.month - 1]} {start.year}"
    if precision == "quarter":
        return f"Q{quarter_of(start)} {start.year}"
    if precision == "half":
        return f"{'first' if start.month <= 6 else 'second'} half of {start.year}"
    if precision == "season":
        season, year = season_of(start)
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
    return f"{_one(start, precision)} \u2013 {_one(whole_period(end, precision)[0], precision)}"


# date_label and edtf_form are kept for a while: many facts of a story share a date, and each fact's label and
# EDTF text are worked out as it is read.
@functools.lru_cache(maxsize=4096)
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
    elif last is None or (start, last) == whole_period(start, precision):
        text = _one(start, precision)
    else:
        part = part_of(start, last, precision)
        if part:
            text = ("mid-" if part == "mid" else part + " ") + _one(whole_period(start, precision)[0], precision)
            if precision == "week":
                text = text.replace("mid-week of", "midweek, week of").replace("y week of", "y in the week of") \
                    .replace("e week of", "e in the week of")
        elif last > whole_period(start, precision)[1]:
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
        return datetime.date.fromisoformat(text[:10] if len(text) >= 10 else f"{text}-01-01"[:10])
    except ValueError:
        raise DateError(f"Cannot read date '{text}' as the start of a period: write YYYY-MM-DD") from None


def _edtf_one(start: datetime.date, end: datetime.date, precision: str) -> str:
    """EDTF of one period of `precision` (or a part or range of it, as an interval of days)."""
    if (start, end) != whole_period(start, precision) and precision not in ("day", "time"):
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            return f"{start.year:04d}/{end.year:04d}"
        if start.day == 1 and end == month_end(end.year, end.month):
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
        return f"{start.year:04d}-{32 + quarter_of(start)}"
    if precision == "half":
        return f"{start.year:04d}-{40 if start.month <= 6 else 41}"
    if precision == "season":
        season, year = season_of(start)
        return f"{year:04d}-{EDTF_SEASON[season]}"
    if precision == "year":
        return f"{start.year:04d}"
    return f"{start.year // 10:03d}X"


@functools.lru_cache(maxsize=4096)
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
        return "../" + _edtf_one(*previous_period(start, end, precision), precision)
    if qualifier == "after":
        return _edtf_one(*following_period(start, end, precision), precision) + "/.."
    text = _edtf_one(start, end, precision)
    if qualifier == "approximate":
        return "/".join(side + "~" for side in text.split("/"))
    return text

