"""Dates as people write them in English, read into the ISO forms sources.yaml takes: "March 26,
2025", "Wed, Mar. 26, 2025 at 7:50 p.m. ET", "26 March 2025 14:05 GMT", "3/26/2025", "7:50 PM EDT, Wed
March 26, 2025". The time is kept only when its UTC offset is known (a zone abbreviation of
timeline.text.zones, or an offset such as GMT+1). Used for a publication date written as people write
it (the message says the ISO form to write) and by add-source to find dates on a page.
"""
from __future__ import annotations

import calendar
import datetime
import re

from timeline.errors import DateError
from timeline.text.english_readings import MONTHS, WEEKDAYS, alternatives
from timeline.text.periods import date_label, day_problem
from timeline.text.zones import ZONES, minutes_east, offset_text

_SPACES = re.compile(r"\s+")

_W_MONTH = alternatives(MONTHS)
_W_DAYNAME = alternatives(WEEKDAYS)
_W_DATE = (rf"(?:(?P<wday>{_W_DAYNAME})\.?,?\s+)?(?:"
           rf"(?P<mon>{_W_MONTH})\.?\s+(?P<d1>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>[0-9]{{4}})"
           rf"|(?:the\s+)?(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<mon2>{_W_MONTH})\.?,?"
           rf"\s+(?P<y2>[0-9]{{4}})"
           rf"|(?P<iy>[0-9]{{4}})(?P<isep>[-/.])(?P<im>[0-9]{{1,2}})(?P=isep)(?P<id>[0-9]{{1,2}})"
           rf"|(?P<a>[0-9]{{1,2}})[/.-](?P<b>[0-9]{{1,2}})[/.-](?P<y3>[0-9]{{4}}|[0-9]{{2}})(?![0-9]))")
_W_ZONE = (rf"\(?(?:(?P<zone>{alternatives(ZONES)})(?![a-z])"
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
        month = MONTHS[(m["mon"] or m["mon2"]).lower()]
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
        options = [(x, y) for x, y in ((a, b), (b, a)) if not day_problem(year, x, y)]
        if len(options) == 2 and a != b:
            raise DateError(f"'{written}' is ambiguous: write {year}-{a:02d}-{b:02d} if it is month first"
                            f" (U.S.), or {year}-{b:02d}-{a:02d} if it is day first")
        if not options:
            raise DateError(f"'{written}' is not a real date in either day/month order")
        month, day = options[0]
    problem = day_problem(year, month, day)
    if problem:
        raise DateError(f"'{m.group(0)}' is not a real date: {problem}")
    date = datetime.date(year, month, day)
    if m["wday"] and WEEKDAYS[m["wday"].lower()] != date.weekday():
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
    return f"{date.isoformat()}T{clock}{offset_text(offset)}", ""


def _offset(m: re.Match[str], local: datetime.datetime) -> int | None:
    """Minutes east of UTC of the time's zone at `local`, or None when the text gives no zone."""
    if m["sign"]:
        return (1 if m["sign"] == "+" else -1) * (int(m["oh"]) * 60 + int(m["om"]))
    if not m["zone"]:
        return None
    zone = minutes_east(m["zone"], local)
    if m["zsign"]:  # GMT+1, UTC-04:00
        zone += (1 if m["zsign"] == "+" else -1) * (int(m["zh"]) * 60 + int(m["zm"] or 0))
    return zone

