"""Compare dateparser with timeline's own Spanish grammar on a gold set of Spanish date phrases.

dateparser (BSD) reads Spanish phrases against a relative base (`RELATIVE_BASE`, the article's date) and says
the period its value stands for (day, week, month, year, time); it does not read the phrase's clause, so
which way a bare weekday or month points is its setting `PREFER_DATES_FROM` (past, future or the current
period), the same for every phrase. A phrase it reads nothing in is tried again without its article and
prepositions ('miércoles' for 'el miércoles'). Each of its answers is scored as timeline's are (measure_dates.is_right:
the same period at the same precision, the same qualifier); a phrase it gives nothing for is counted refused.

dateparser is not a dependency of timeline: install it somewhere of its own and name that folder, e.g.

    pip install --target /tmp/dateparser dateparser
    .venv/bin/python scripts/compare_spanish_dates.py tests/data/dates_gold_es.tsv --dateparser /tmp/dateparser

(its folder is put after the project's own packages, so its python-dateutil does not replace timeline's).
"""
from __future__ import annotations

import argparse
import collections
import datetime
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import measure_dates  # noqa: E402  (the gold reader and the scoring timeline's numbers come from)

from timeline.text import spanish_dates  # noqa: E402
from timeline.text.periods import Resolved, whole_period  # noqa: E402

SETTINGS = ("past", "future", "current_period")


def dateparser_period(parser: object, case: measure_dates.Case, prefer: str) -> Resolved | None:
    """What dateparser gives for the case's phrase as a period, or None."""
    data = parser.get_date_data(case.phrase)  # type: ignore[attr-defined]
    if data is None or data.date_obj is None:  # again without its article and prepositions ('el miércoles')
        data = parser.get_date_data(spanish_dates.without_preposition(case.phrase))  # type: ignore[attr-defined]
    if data is None or data.date_obj is None:
        return None
    day = data.date_obj.date()
    period = data.period or "day"
    if period == "time":
        return Resolved(day, day, "time", "", time=data.date_obj.strftime("%H:%M"))
    if period in ("week", "month", "year"):
        start, end = whole_period(day, period)
        return Resolved(start, end, period, "")
    return Resolved(day, day, "day", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", help="a TSV gold file of Spanish phrases (tests/data/dates_gold_es.tsv)")
    parser.add_argument("--dateparser", help="the folder dateparser was installed into (pip install --target)")
    args = parser.parse_args(argv)
    if args.dateparser:
        sys.path.append(args.dateparser)
    try:
        import dateparser  # type: ignore[import-not-found]
    except ImportError:
        print("dateparser is not installed: pip install --target /tmp/dateparser dateparser, then give"
              " --dateparser /tmp/dateparser", file=sys.stderr)
        return 2
    cases = [c for c in measure_dates.cases_from([args.gold]) if c.value != "REFUSE"]
    refusals = [c for c in measure_dates.cases_from([args.gold]) if c.value == "REFUSE"]
    ours, _, _ = measure_dates.measure(cases)
    print(f"timeline (its Spanish grammar, the clause deciding), {len(cases)} phrases with a value:")
    total: collections.Counter[str] = collections.Counter()
    for row in ours.values():
        total.update(row)
    print("  " + ", ".join(f"{o} {total[o]}" for o in measure_dates.OUTCOMES))
    for prefer in SETTINGS:
        outcomes: collections.Counter[str] = collections.Counter()
        by_shape: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        for case in cases:
            settings = {"RELATIVE_BASE": datetime.datetime.fromisoformat(case.published[:10]),
                        "PREFER_DATES_FROM": prefer, "RETURN_TIME_AS_PERIOD": True}
            reader = dateparser.date.DateDataParser(languages=["es"], settings=settings)
            try:
                got = dateparser_period(reader, case, prefer)
            except (ValueError, OverflowError):
                got = None
            assert case.gold is not None
            outcome = "refused" if got is None else "right" if measure_dates.is_right(got, case.gold) else "wrong"
            outcomes[outcome] += 1
            by_shape[measure_dates.shape(case.phrase, "es")][outcome] += 1
        print(f"dateparser {dateparser.__version__}, PREFER_DATES_FROM={prefer}:")
        print("  " + ", ".join(f"{o} {outcomes[o]}" for o in ("right", "wrong", "refused")))
        for name in sorted(by_shape, key=lambda k: (-sum(by_shape[k].values()), k)):
            row = by_shape[name]
            print(f"    {name:<38} {sum(row.values()):>3}: right {row['right']}, wrong {row['wrong']},"
                  f" nothing {row['refused']}")
    given = 0
    for case in refusals:
        reader = dateparser.date.DateDataParser(languages=["es"], settings={
            "RELATIVE_BASE": datetime.datetime.fromisoformat(case.published[:10])})
        data = reader.get_date_data(case.phrase)
        given += data is not None and data.date_obj is not None
    print(f"phrases that must be refused: {len(refusals)}, dateparser gives a date for {given}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
