"""Measure how date phrases resolve against gold values: right, wrong (warned or not) and refused, by shape.

Each phrase is resolved as the build resolves a `when:`: against its article's publication date,
with its own sentence as context (timeline.resolve_date). Two kinds of input, any mix of them:

- a folder of TimeML files (.tml: TimeBank, AQUAINT, TempEval-3): every TIMEX3 of type DATE or TIME
  whose value is a date timeline can hold (a day, a month, a year, a decade, a quarter, a half, a
  season, a week, a weekend, a time of day) is resolved against the document creation time (DCT);
  the values no date can hold (PRESENT_REF, durations, sets, XXXX-..) are counted apart;
- a TSV of our own (tests/data/dates_gold.tsv): published, phrase, gold, sentence, where from; the
  gold is a TimeML-like value (2025-03-24, 2025-03, 2025-Q1, 2025-SU, 2025-W13-WE, 1990s...), or
  REFUSE when no honest date can be given.

Usage:
    .venv/bin/python scripts/measure_dates.py tests/data/dates_gold.tsv /path/to/TimeBank [--wrong]

Prints a table by shape and the totals. "wrong, warned" is a wrong value that came with a guess
(`Resolved.guess`, a warning in `timeline check`); "wrong, unwarned" is what must stay rare.
"""
from __future__ import annotations

import argparse
import calendar
import collections
import datetime
import html
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from timeline import api  # noqa: E402  (the repository's own package, found from here)
from timeline.errors import DateError  # noqa: E402
from timeline.text.dates import Resolved, whole_period  # noqa: E402

Gold = tuple[datetime.date, datetime.date, str, str | None, str | None]  # start, end, unit, mod, clock
SEASON_MONTHS = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def gold_period(value: str, mod: str | None = None) -> Gold | None:
    """The period a TimeML value names, or None when no date of timeline can hold it. Our own gold also
    takes EDTF's forms: A/B (a range), ../X (before the period after X), X/.. (after the one before X),
    X~ (approximate)."""
    value = value.strip()
    if value.endswith("~"):
        found = gold_period(value[:-1])
        return found and (found[0], found[1], found[2], "APPROX", found[4])
    if "/" in value:
        left, _, right = value.partition("/")
        if left == "..":
            found = gold_period(right)
            if found is None:
                return None
            after = gold_period(_next_value(right))
            return after and (after[0], after[1], after[2], "BEFORE", None)
        if right == "..":
            before = gold_period(_previous_value(left))
            return before and (before[0], before[1], before[2], "AFTER", None)
        first, last = gold_period(left), gold_period(right)
        if first is None or last is None:
            return None
        return first[0], last[1], "range", mod, None
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})|T(?:MO|AF|EV|NI|DT))?", value)
    if m:
        day = datetime.date(int(m[1]), int(m[2]), int(m[3]))
        return day, day, "day", mod, f"{m[4]}:{m[5]}" if m[4] else None
    m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", value)
    if m:
        year, month = int(m[1]), int(m[2])
        return (datetime.date(year, month, 1), datetime.date(year, month, calendar.monthrange(year, month)[1]),
                "month", mod, None)
    m = re.fullmatch(r"([0-9]{4})-Q([1-4])", value)
    if m:
        year, q = int(m[1]), int(m[2])
        return (datetime.date(year, 3 * q - 2, 1),
                datetime.date(year, 3 * q, calendar.monthrange(year, 3 * q)[1]), "quarter", mod, None)
    m = re.fullmatch(r"([0-9]{4})-H([12])", value)
    if m:
        year, h = int(m[1]), int(m[2])
        return datetime.date(year, 6 * h - 5, 1), datetime.date(year, 6 * h, 30 if h == 1 else 31), "half", mod, None
    m = re.fullmatch(r"([0-9]{4})-(SP|SU|FA|WI)", value)
    if m:
        year, first = int(m[1]), SEASON_MONTHS[m[2]]
        start = datetime.date(year, first, 1)
        end_month = (first + 2 - 1) % 12 + 1
        end_year = year + (1 if first == 12 else 0)
        return start, datetime.date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]), "season", \
            mod, None
    m = re.fullmatch(r"([0-9]{4})-W([0-9]{2})(-WE)?", value)
    if m:
        monday = datetime.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        if m[3]:
            return monday + datetime.timedelta(days=5), monday + datetime.timedelta(days=6), "weekend", mod, None
        return monday, monday + datetime.timedelta(days=6), "week", mod, None
    m = re.fullmatch(r"([0-9]{4})", value)
    if m:
        return datetime.date(int(m[1]), 1, 1), datetime.date(int(m[1]), 12, 31), "year", mod, None
    m = re.fullmatch(r"([0-9]{3})X?|([0-9]{3})0s", value)
    if m:
        first = int(m[1] or m[2]) * 10
        return datetime.date(first, 1, 1), datetime.date(first + 9, 12, 31), "decade", mod, None
    return None


def _next_value(value: str) -> str:
    """The year, month or day after a plain ISO value."""
    if len(value) == 4:
        return str(int(value) + 1)
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        return f"{year + month // 12}-{month % 12 + 1:02d}"
    return (datetime.date.fromisoformat(value) + datetime.timedelta(days=1)).isoformat()


def _previous_value(value: str) -> str:
    if len(value) == 4:
        return str(int(value) - 1)
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        return f"{year - (month == 1)}-{(month - 2) % 12 + 1:02d}"
    return (datetime.date.fromisoformat(value) - datetime.timedelta(days=1)).isoformat()


def is_right(got: Resolved, gold: Gold) -> bool:
    start, end, unit, mod, clock = gold
    if mod in ("BEFORE", "ON_OR_BEFORE", "AFTER", "ON_OR_AFTER"):
        want = "before" if "BEFORE" in mod else "after"
        if got.qualifier != want:
            return False
    elif got.qualifier in ("before", "after"):
        return False
    elif mod == "APPROX" and got.qualifier != "approximate" and "~" not in got.edtf:
        return False
    if unit == "season" and got.precision == "season":
        return got.start.month == start.month and got.start.year in (start.year, start.year - 1)
    if mod in ("START", "MID", "END") and got.precision not in ("day", "time"):
        return start <= got.start <= got.end <= end  # a part of the gold period: the part itself is not compared
    if got.precision not in ("day", "time") and whole_period(got.start, got.precision) == (start, end) \
            and got.precision == unit:
        return True  # a stretch within the period named ('earlier this month')
    if (got.start, got.end) == (start, end):
        if clock and got.time:
            return got.time[:5] == clock
        return True
    if got.precision == "time" and unit == "day":
        return got.start == start
    return False


def shape(phrase: str) -> str:
    """The kind of phrase, to report the results by."""
    p = phrase.lower()
    if re.search(r"\b(?:about|around|circa|approximately|roughly|before|after|prior to)\b", p):
        return "about / before / after"
    if re.search(r"[0-9]\s*(?:a\.?m|p\.?m)\b|\bnoon\b|\bmidnight\b|[0-9]:[0-9]{2}", p):
        return "time of day"
    if re.search(r"\bquarter\b|\bq[1-4]\b|\bhalf\b|\bh[12]\b", p):
        return "quarter / half"
    if re.search(r"\b(?:spring|summer|fall|autumn|winter)\b", p):
        return "season"
    if "weekend" in p:
        return "weekend"
    if re.search(r"[0-9]\s*[-\u2013]\s*[0-9]|\b(?:to|through|between)\b", p):
        return "range"
    if re.search(r"\b(?:early|mid|late)\b", p):
        return "part (early/mid/late)"
    if re.search(r"\b(?:today|tonight|yesterday|tomorrow)\b|\blast night\b|\bthis (?:morning|afternoon|evening)", p):
        return "today / yesterday / tomorrow"
    if re.search(r"\bago\b|\bin (?:a|an|one|two|three|[0-9]+) (?:day|week|month|year)s?\b", p):
        return "count (ago / in)"
    if re.search(r"\b(?:this|last|next|past|coming|earlier this|later this)\s+(?:week|month|year)\b", p):
        return "this / last / next week, month, year"
    months = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
    weekday = re.search(r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", p)
    if re.search(rf"\b(?:{months})[a-z]*\.?\s+[0-9]{{1,2}}\b|\b[0-9]{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{months})", p):
        return "month and day" + (" with year" if re.search(r"\b[12][0-9]{3}\b", p) else "")
    if weekday:
        return "weekday"
    if re.search(rf"\b(?:{months})[a-z]*\b", p):
        return "month" + (" with year" if re.search(r"\b[12][0-9]{3}\b", p) else "")
    if re.search(r"[0-9]{3}0s|'[0-9]0s", p):
        return "decade"
    if re.search(r"\b[12][0-9]{3}\b", p):
        return "year"
    return "other"


# --------------------------------------------------------------------------- inputs

Case = tuple[str, str, str | None, str, Gold | None, str]  # published, phrase, gold value, sentence, gold, origin
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>", re.DOTALL)


def tml_cases(path: str) -> list[Case]:
    """Every TIMEX3 of type DATE or TIME of one TimeML file, with its sentence and the DCT."""
    raw = open(path, encoding="utf-8", errors="replace").read()
    dct = re.search(r'functionInDocument="CREATION_TIME"[^>]*value="([0-9]{4}-[0-9]{2}-[0-9]{2})', raw) or \
        re.search(r'<DCT>.*?value="([0-9]{4}-[0-9]{2}-[0-9]{2})', raw, re.DOTALL)
    body = re.search(r"<TEXT>(.*)</TEXT>", raw, re.DOTALL)
    if not dct or not body:
        return []
    text, timexes, open_tag = [], [], None
    position, last = 0, 0
    source = body[1]
    for m in _TAG.finditer(source):
        chunk = html.unescape(source[last:m.start()])
        text.append(chunk)
        position += len(chunk)
        last = m.end()
        if m[2] == "TIMEX3" and not m[1]:
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', m[3]))
            open_tag = (position, attrs)
        elif m[2] == "TIMEX3" and m[1] and open_tag:
            timexes.append((open_tag[0], position, open_tag[1]))
            open_tag = None
    text.append(html.unescape(source[last:]))
    whole = "".join(text)
    out: list[Case] = []
    for start, end, attrs in timexes:
        if attrs.get("type") not in ("DATE", "TIME"):
            continue
        phrase = " ".join(whole[start:end].split())
        if not phrase:
            continue
        sentence = _sentence_around(whole, start, end)
        value = attrs.get("value", "")
        out.append((dct[1], phrase, value, sentence, gold_period(value, attrs.get("mod")), os.path.basename(path)))
    return out


def _sentence_around(text: str, start: int, end: int) -> str:
    lo = max([m.end() for m in _SENTENCE_END.finditer(text, 0, start)] + [text.rfind("\n", 0, start) + 1])
    ends = [m.start() for m in _SENTENCE_END.finditer(text, end)] + [text.find("\n", end) % (len(text) + 1)]
    hi = min(e for e in ends if e >= end) if any(e >= end for e in ends) else len(text)
    return " ".join(text[lo:hi].split())


def tsv_cases(path: str) -> list[Case]:
    out: list[Case] = []
    for number, line in enumerate(open(path, encoding="utf-8"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        published, phrase, value, sentence, origin = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
        gold = None if value == "REFUSE" else gold_period(value)
        if value != "REFUSE" and gold is None:
            raise SystemExit(f"{path}:{number}: cannot read the gold value {value!r}")
        out.append((published, phrase, value, sentence, gold, origin or f"{os.path.basename(path)}:{number}"))
    return out


def cases_from(paths: list[str]) -> list[Case]:
    out: list[Case] = []
    for path in paths:
        if os.path.isdir(path):
            for name in sorted(os.listdir(path)):
                if name.endswith(".tml"):
                    out += tml_cases(os.path.join(path, name))
        elif path.endswith(".tml"):
            out += tml_cases(path)
        else:
            out += tsv_cases(path)
    return out


# --------------------------------------------------------------------------- the measure

OUTCOMES = ("right", "wrong, warned", "wrong, unwarned", "refused")


def measure(cases: list[Case]) -> tuple[dict[str, collections.Counter[str]], list[tuple[str, Case, str]], int]:
    """({shape: Counter(outcome)}, [(outcome, case, what we gave)] of every wrong or refused, cases no
    date can hold). A gold REFUSE is right when refused, and 'wrong, warned/unwarned' when a date is given."""
    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    misses: list[tuple[str, Case, str]] = []
    unholdable = 0
    for case in cases:
        published, phrase, value, sentence, gold, _ = case
        if gold is None and value != "REFUSE":
            unholdable += 1
            continue
        try:
            got = api.resolve_date(phrase, published, context=sentence or None)
        except DateError as e:
            outcome = "right" if value == "REFUSE" else "refused"
            given = f"refused: {str(e)[:80]}"
        else:
            given = f"{got.edtf} ({got.label})" + (" [guess]" if got.guess else "")
            if gold is not None and is_right(got, gold):
                outcome = "right"
            else:
                outcome = "wrong, warned" if got.guess else "wrong, unwarned"
        table[shape(phrase)][outcome] += 1
        if outcome != "right":
            misses.append((outcome, case, given))
    return table, misses, unholdable


def report(table: dict[str, collections.Counter[str]], unholdable: int) -> str:
    lines = [f"{'shape':<40} {'n':>5} " + " ".join(f"{o:>16}" for o in OUTCOMES)]
    total: collections.Counter[str] = collections.Counter()
    for name in sorted(table, key=lambda k: -sum(table[k].values())):
        row = table[name]
        total.update(row)
        lines.append(f"{name:<40} {sum(row.values()):>5} " + " ".join(f"{row[o]:>16}" for o in OUTCOMES))
    n = sum(total.values()) or 1
    lines.append(f"{'all':<40} {n:>5} " + " ".join(f"{total[o]:>16}" for o in OUTCOMES))
    lines.append(f"{'':<40} {'':>5} " + " ".join(f"{100 * total[o] / n:>15.1f}%" for o in OUTCOMES))
    lines.append(f"values no date of timeline holds (durations, PRESENT_REF, XXXX-...), left out: {unholdable}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="TSV gold files, TimeML files or folders of them")
    parser.add_argument("--wrong", action="store_true", help="list every wrong or refused phrase")
    args = parser.parse_args(argv)
    table, misses, unholdable = measure(cases_from(args.paths))
    print(report(table, unholdable))
    if args.wrong:
        for outcome, (published, phrase, value, sentence, _, origin), given in sorted(misses, key=lambda m: m[0]):
            print(f"\n{outcome}: {phrase!r} published {published}, gold {value}, gave {given}  [{origin}]\n    {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
