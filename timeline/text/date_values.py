"""The YAML `date:` field and publication dates, read into periods (timeline.text.periods).

`date:` takes the plain forms (2025, 2025-03, 2025-03-26, 1990s: the precision follows the form) and
the EDTF forms news needs (the Library of Congress's Extended Date/Time Format): ranges
(2025-03-26/2025-03-28), open ends (../2018 before 2019, 2020/.. after 2019), approximate (1990~),
quarters, halves and seasons (2025-33, 2025-40, 2025-21), a decade (199X) and a time of day with its
UTC offset (2025-03-26T19:50:00-04:00). A publication date is an ISO date or a datetime with its
offset, read in the article's own offset (never converted to UTC). Anything else is a DateError
saying what to write, with the ISO form of a date as people write it.
"""
from __future__ import annotations

import datetime
import functools
import re

from timeline.errors import DateError
from timeline.text import english_dates
from timeline.text.periods import (FIRST_YEAR, LAST_YEAR, PRECISIONS, Resolved, day_problem, following_period,
                                   half_period, plain_period, previous_period, quarter_period, season_period,
                                   year_problem)
from timeline.text.written_dates import written_date

DATE_FORMS = ("YYYY (2023), YYYY-MM (2025-03), YYYY-MM-DD (2025-03-26), a decade (1990s), or EDTF: a range"
              " (2025-03-26/2025-03-28), a quarter (2025-33 for Q1 .. 2025-36), a half (2025-40, 2025-41),"
              " a season (2025-21 spring .. 2025-24 winter), approximate (1990~), before (../2018), after"
              " (2020/..), a time (2025-03-26T19:50-04:00)")

_PUBLISHED = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[T ]([0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?)"
                        r"(Z|[+-][0-9]{2}:?[0-9]{2})?)?", re.IGNORECASE)


_EDTF_CODE = re.compile(r"([0-9]{4})-(2[1-9]|3[0-9]|4[01])")
_EDTF_DECADE = re.compile(r"([0-9]{3})X")
_EDTF_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?(Z|[+-][0-9]{2}:[0-9]{2})?")
_CODE_SEASONS = {21: "spring", 22: "summer", 23: "fall", 24: "winter", 25: "spring", 26: "summer", 27: "fall",
                 28: "winter"}


def _edtf_single(text: str) -> Resolved:
    """One EDTF date without a qualifier or interval: a plain form, a season, quarter or half code, 199X."""
    found = None if _EDTF_CODE.fullmatch(text) else plain_period(text)
    if found:
        return found
    m = _EDTF_DECADE.fullmatch(text)
    if m:
        return plain_period(m[1] + "0s") or Resolved(datetime.date(1, 1, 1), datetime.date(1, 1, 1), "decade", "")
    m = _EDTF_CODE.fullmatch(text)
    if not m:
        raise DateError(f"Cannot read date '{text}': write {DATE_FORMS}")
    year, code = int(m[1]), int(m[2])
    problem = year_problem(year)
    if problem:
        raise DateError(f"Cannot read date '{text}': {problem}")
    if code in _CODE_SEASONS:
        first, last = season_period(_CODE_SEASONS[code], year)
        return Resolved(first, last, "season", "")
    if 33 <= code <= 36:
        first, last = quarter_period(code - 32)(year)
        return Resolved(first, last, "quarter", "")
    if code in (40, 41):
        first, last = half_period(code - 39)(year)
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
        return None  # a time without its offset: explain says to give the offset or the date only
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
            after = following_period(ref.start, ref.end, ref.precision)
            return Resolved(after[0], after[1], ref.precision, "", "before")
        if right in ("..", "") and left not in ("..", ""):
            ref = _edtf_single(left.rstrip("~"))
            before = previous_period(ref.start, ref.end, ref.precision)
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


def explain(text: str) -> str | None:
    """A specific account of why text is not a plain date, or None."""
    if re.fullmatch(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[t ][0-9].*", text, re.IGNORECASE):
        return (f"it includes a time without its UTC offset: give the date only, e.g. {text[:10]}, or the"
                f" offset too, e.g. {text[:10]}T{text[11:16]}-04:00")
    m = re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})(?:[-/.]([0-9]{1,2}))?", text)
    if m:
        parts = [m[1], f"{int(m[2]):02d}"] + ([f"{int(m[3]):02d}"] if m[3] else [])
        problem = day_problem(int(m[1]), int(m[2]), int(m[3] or 1))
        return problem or f"write it as {'-'.join(parts)} (two-digit month and day, joined by '-')"
    m = re.fullmatch(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{2}|[0-9]{4})", text)
    if m:
        a, b, year = int(m[1]), int(m[2]), m[3]
        if len(year) == 2:
            return f"it has a two-digit year: write the full year as YYYY-MM-DD, e.g. 20{year} or 19{year}"
        options = sorted({f"{year}-{x:02d}-{y:02d}" for x, y in ((a, b), (b, a))
                          if not day_problem(int(year), x, y)})
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
    return english_dates.explain(text)


def parse_date(text: object) -> Resolved:
    """Read the YAML ``date:`` field: YYYY, YYYY-MM, YYYY-MM-DD or a decade such as 1990s."""
    if isinstance(text, datetime.date) and not isinstance(text, datetime.datetime):
        return Resolved(text, text, "day", "")
    if not isinstance(text, str):
        raise DateError(f"Cannot read date {text!r}: write it as text, {DATE_FORMS}")
    return _parse_date_text(text.strip())


@functools.lru_cache(maxsize=4096)
def _parse_date_text(text: str) -> Resolved:
    """parse_date of text without spaces around it, kept for a while: many facts of a story share a date."""
    if not text:
        raise DateError(f"The date is empty: write {DATE_FORMS}, or leave date: out")
    found = _edtf(text) if _EDTF_CODE.fullmatch(text) else plain_period(text) or _edtf(text)
    if found:
        return found
    problem = explain(text)
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
    problem = day_problem(int(m[1]), int(m[2]), int(m[3]))
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

