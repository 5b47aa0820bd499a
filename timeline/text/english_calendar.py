"""English names of days that are no calendar dates ("Thanksgiving", "Easter", "Election Day",
"Christmas Eve") and years said in words ("nineteen ninety-six", "two thousand", as broadcast
transcripts write them), for timeline.text.english_dates.

The holidays are those whose day is the same wherever English news is written (Christmas, Easter,
New Year's Day) and the United States' federal ones, which American news names without a country
(Thanksgiving is the fourth Thursday of November, Election Day the Tuesday after the first Monday
of November). A holiday that differs between countries ("Independence Day", "Labour Day") is not
read: write the date.
"""
from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from dateutil.easter import easter


def _fixed(month: int, day: int) -> Callable[[int], datetime.date]:
    return lambda year: datetime.date(year, month, day)


def _nth(month: int, weekday: int, n: int) -> Callable[[int], datetime.date]:
    """The nth (1..4, or -1 for the last) such weekday (0 Monday) of a month."""
    def day(year: int) -> datetime.date:
        if n > 0:
            first = datetime.date(year, month, 1)
            return first + datetime.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        last = datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)
        return last - datetime.timedelta(days=(last.weekday() - weekday) % 7)
    return day


def _easter(offset: int) -> Callable[[int], datetime.date]:
    return lambda year: easter(year) + datetime.timedelta(days=offset)


def _election_day(year: int) -> datetime.date:
    return _nth(11, 0, 1)(year) + datetime.timedelta(days=1)  # the Tuesday after the first Monday of November


HOLIDAYS: dict[str, Callable[[int], datetime.date]] = {
    "christmas": _fixed(12, 25), "christmas day": _fixed(12, 25), "christmas eve": _fixed(12, 24),
    "boxing day": _fixed(12, 26), "new year's day": _fixed(1, 1), "new year's eve": _fixed(12, 31),
    "valentine's day": _fixed(2, 14), "halloween": _fixed(10, 31), "the fourth of july": _fixed(7, 4),
    "fourth of july": _fixed(7, 4), "july fourth": _fixed(7, 4), "veterans day": _fixed(11, 11),
    "easter": _easter(0), "easter sunday": _easter(0), "easter monday": _easter(1), "good friday": _easter(-2),
    "thanksgiving": _nth(11, 3, 4), "thanksgiving day": _nth(11, 3, 4), "memorial day": _nth(5, 0, -1),
    "labor day": _nth(9, 0, 1), "martin luther king day": _nth(1, 0, 3), "martin luther king jr. day": _nth(1, 0, 3),
    "presidents day": _nth(2, 0, 3), "presidents' day": _nth(2, 0, 3), "election day": _election_day,
}
HOLIDAY = re.compile(r"(?:(last|next|this)\s+)?(" + "|".join(sorted(map(re.escape, HOLIDAYS), key=len, reverse=True))
                     + r")(?:'s)?(?:,?\s+(?:of\s+)?([0-9]{4}))?")

_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}


def _words(table: dict[str, int]) -> str:
    return "|".join(sorted(table, key=len, reverse=True))


_TWO_DIGITS = rf"(?:({_words(_TENS)})(?:[\s-]+({_words(_UNITS)}))?|({_words(_TEENS)})|oh[\s-]+({_words(_UNITS)}))"
_CENTURY_YEAR = re.compile(rf"\b(ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|"
                           rf"twenty)[\s-]+(?:(hundred)|{_TWO_DIGITS})\b")
_THOUSAND_YEAR = re.compile(rf"\b(one|two) thousand(?:\s+and)?(?:[\s-]+(?:({_words(_TENS)})(?:[\s-]+"
                            rf"({_words(_UNITS)}))?|({_words(_TEENS)})|({_words(_UNITS)})))?\b")
_SAID = re.compile(r"\b(?:hundred|thousand|nineteen|eighteen|twenty)\b")


def _two_digits(tens: str | None, unit: str | None, teen: str | None, oh: str | None) -> int:
    if teen:
        return _TEENS[teen]
    if oh:
        return _UNITS[oh]
    return _TENS[tens or ""] + (_UNITS[unit] if unit else 0) if tens else 0


def _century_year(m: re.Match[str]) -> str:
    century = (_TEENS.get(m[1]) or 20) * 100
    return str(century + (0 if m[2] else _two_digits(m[3], m[4], m[5], m[6])))


def _thousand_year(m: re.Match[str]) -> str:
    rest = _two_digits(m[2], m[3], m[4], None) if (m[2] or m[4]) else _UNITS[m[5]] if m[5] else 0
    return str(_UNITS[m[1]] * 1000 + rest)


def years_in_digits(text: str) -> str:
    """`text` with each year said in words written in digits: 'the winter of nineteen ninety-four' ->
    'the winter of 1994', 'the year two thousand' -> 'the year 2000'; other text as it is."""
    if not _SAID.search(text):
        return text
    text = _THOUSAND_YEAR.sub(_thousand_year, text)
    return _CENTURY_YEAR.sub(_century_year, text)
