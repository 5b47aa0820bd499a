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
(`Resolved.guess`, a warning in `timeline check`); "wrong, unwarned" is what must stay rare. "held"
is the share of phrases not refused (the forms timeline holds, shape by shape), and the two last
columns are the shares of those that are right and wrong (warned or not).

A second table sets aside the gold values that are not the article's: a TIMEX3 whose anchorTimeID
names another time than the document creation time (its value was worked out from another event's
date, which a phrase resolved against its article's date cannot give), and the values we judged to
be errors on reading the article, listed with the reason in scripts/timeml_judged.tsv (by file and
TIMEX3 id; `--judged` names another list). All of these cases are set aside, whatever we gave.
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
from typing import NamedTuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from timeline import api  # noqa: E402  (the repository's own package, found from here)
from timeline.errors import DateError  # noqa: E402
from timeline.text.periods import Resolved, whole_period  # noqa: E402

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
    if re.search(rf"\b(?:{months})[a-z]*\.?\s+[0-9]{{1,2}}\b|\b[0-9]{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{months})",
                 p):
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

class Case(NamedTuple):
    published: str
    phrase: str
    value: str | None  # the gold value as written (TimeML), or REFUSE
    sentence: str
    gold: Gold | None  # the period it names, None when no date of timeline holds it
    origin: str  # the file (and line of a TSV)
    tid: str = ""  # the TIMEX3's id
    anchored_elsewhere: bool = False  # the gold value was worked out from another time than the article's date


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019]?\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>", re.DOTALL)
JUDGED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "timeml_judged.tsv")


def tml_cases(path: str) -> list[Case]:
    """Every TIMEX3 of type DATE or TIME of one TimeML file, with its sentence and the DCT."""
    raw = open(path, encoding="utf-8", errors="replace").read()
    dct = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', raw)
    dct_value = dct and re.search(r'value="([0-9]{4}-[0-9]{2}-[0-9]{2})', dct[0]) or \
        re.search(r'<DCT>.*?value="([0-9]{4}-[0-9]{2}-[0-9]{2})', raw, re.DOTALL)
    dct_tid = (re.search(r'tid="([^"]*)"', dct[0]) or [None, ""])[1] if dct else ""
    body = re.search(r"<TEXT>(.*)</TEXT>", raw, re.DOTALL)
    if not dct_value or not body:
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
        anchor = attrs.get("anchorTimeID")
        out.append(Case(dct_value[1], phrase, value, sentence, gold_period(value, attrs.get("mod")),
                        os.path.basename(path), attrs.get("tid", ""), bool(anchor and dct_tid and anchor != dct_tid)))
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
        out.append(Case(published, phrase, value, sentence, gold, origin or f"{os.path.basename(path)}:{number}"))
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


def judged(path: str = JUDGED) -> dict[tuple[str, str], str]:
    """{(file, TIMEX3 id): why} of the gold values we judged to be errors (a TSV: file, tid, gold value,
    what the article says, why); {} when there is no such file."""
    if not os.path.exists(path):
        return {}
    out = {}
    for line in open(path, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            name, tid, value, says, why = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
            out[(name, tid)] = f"gold {value}, the article says {says}: {why}"
    return out


# --------------------------------------------------------------------------- the measure

OUTCOMES = ("right", "wrong, warned", "wrong, unwarned", "refused")
Miss = tuple[str, Case, str]  # (outcome, case, what we gave)


def measure(cases: list[Case], set_aside: dict[tuple[str, str], str] | None = None
            ) -> tuple[dict[str, collections.Counter[str]], list[Miss], int]:
    """({shape: Counter(outcome)}, [(outcome, case, what we gave)] of every wrong or refused, cases no
    date can hold). A gold REFUSE is right when refused, and 'wrong, warned/unwarned' when a date is given.
    With `set_aside` ({(file, tid): why}), those cases and every gold value anchored on another time than
    the article's date are left out."""
    table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    misses: list[Miss] = []
    unholdable = 0
    for case in cases:
        if case.gold is None and case.value != "REFUSE":
            unholdable += 1
            continue
        if set_aside is not None and (case.anchored_elsewhere or (case.origin, case.tid) in set_aside):
            continue
        outcome, given = resolve(case)
        table[shape(case.phrase)][outcome] += 1
        if outcome != "right":
            misses.append((outcome, case, given))
    return table, misses, unholdable


def resolve(case: Case) -> tuple[str, str]:
    """(outcome, what we gave) for one case."""
    try:
        got = api.resolve_date(case.phrase, case.published, context=case.sentence or None)
    except DateError as e:
        return ("right" if case.value == "REFUSE" else "refused"), f"refused: {str(e)[:100]}"
    given = f"{got.edtf} ({got.label})" + (" [guess]" if got.guess else "")
    if case.gold is not None and is_right(got, case.gold):
        return "right", given
    return ("wrong, warned" if got.guess else "wrong, unwarned"), given


def report(table: dict[str, collections.Counter[str]], unholdable: int | None = None) -> str:
    """The table by shape: n, each outcome, the share held (not refused), and the shares of the held
    that are right and wrong."""
    def line(name: str, row: collections.Counter[str]) -> str:
        n = sum(row.values())
        held = n - row["refused"]
        wrong = row["wrong, warned"] + row["wrong, unwarned"]
        return (f"{name:<38} {n:>5} " + " ".join(f"{row[o]:>8}" for o in OUTCOMES)
                + f" {_share(held, n):>7} {_share(row['right'], held):>7} {_share(wrong, held):>7}")

    lines = [f"{'shape':<38} {'n':>5} {'right':>8} {'wrong w':>8} {'wrong u':>8} {'refused':>8} {'held':>7}"
             f" {'right/h':>7} {'wrong/h':>7}"]
    total: collections.Counter[str] = collections.Counter()
    for name in sorted(table, key=lambda k: (-sum(table[k].values()), k)):
        total.update(table[name])
        lines.append(line(name, table[name]))
    lines.append(line("all", total))
    n = sum(total.values()) or 1
    lines.append(f"{'':<38} {'':>5} " + " ".join(f"{100 * total[o] / n:>7.1f}%" for o in OUTCOMES))
    if unholdable is not None:
        lines.append(f"values no date of timeline holds (durations, PRESENT_REF, XXXX-...), left out: {unholdable}")
    return "\n".join(lines)


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", help="TSV gold files, TimeML files or folders of them")
    parser.add_argument("--wrong", action="store_true", help="list every wrong or refused phrase")
    parser.add_argument("--judged", default=JUDGED, help="the TSV of gold values judged to be errors")
    args = parser.parse_args(argv)
    cases = cases_from(args.paths)
    table, misses, unholdable = measure(cases)
    print(report(table, unholdable))
    if any(c.anchored_elsewhere for c in cases) or judged(args.judged):
        aside = judged(args.judged)
        kept, _, _ = measure(cases, aside)
        anchored = sum(1 for c in cases if c.anchored_elsewhere and c.gold is not None)
        mistaken = sum(1 for c in cases if (c.origin, c.tid) in aside and not c.anchored_elsewhere)
        print(f"\nWithout the gold values anchored on another time ({anchored}) or judged to be errors ({mistaken}):")
        print(report(kept))
    if args.wrong:
        aside = judged(args.judged)
        for outcome, case, given in sorted(misses, key=lambda m: m[0]):
            note = " (anchored on another time)" if case.anchored_elsewhere else ""
            note += f" (judged: {aside[case.origin, case.tid]})" if (case.origin, case.tid) in aside else ""
            print(f"\n{outcome}: {case.phrase!r} published {case.published}, gold {case.value}, gave {given}"
                  f"  [{case.origin} {case.tid}]{note}\n    {case.sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
