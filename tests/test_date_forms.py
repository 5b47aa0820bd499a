"""The date forms news uses, each resolved against a publication date, labelled at its precision and
written in EDTF; and the direction of a phrase read from its own clause, a guess said to be one."""
import datetime

import pytest
from click.testing import CliRunner

from timeline import api
from timeline.cli import cli
from timeline.errors import DateError
from timeline.text.dates import parse_date, resolve_phrase

WED = "2025-03-26"

# (phrase, published, sentence, start, end, precision, label, edtf)
FORMS = [
    ("the first quarter", "2025-04-20", "Profits rose in the first quarter.", "2025-01-01", "2025-03-31", "quarter",
     "Q1 2025", "2025-33"),
    ("Q3 2024", WED, None, "2024-07-01", "2024-09-30", "quarter", "Q3 2024", "2024-35"),
    ("last quarter", "2025-05-02", "Shipments slowed last quarter.", "2025-01-01", "2025-03-31", "quarter", "Q1 2025",
     "2025-33"),
    ("the second half of the year", WED, None, "2025-07-01", "2025-12-31", "half", "second half of 2025", "2025-41"),
    ("this summer", WED, "The bridge will open this summer.", "2025-06-01", "2025-08-31", "season", "summer 2025",
     "2025-22"),
    ("last winter", "2025-09-10", None, "2024-12-01", "2025-02-28", "season", "winter 2024\u201325", "2024-24"),
    ("winter 2024-25", WED, None, "2024-12-01", "2025-02-28", "season", "winter 2024\u201325", "2024-24"),
    ("last weekend", WED, None, "2025-03-22", "2025-03-23", "day", "weekend of 22\u201323 March 2025",
     "2025-03-22/2025-03-23"),
    ("early March", WED, None, "2025-03-01", "2025-03-10", "month", "early March 2025", "2025-03-01/2025-03-10"),
    ("mid-March", WED, None, "2025-03-11", "2025-03-20", "month", "mid-March 2025", "2025-03-11/2025-03-20"),
    ("late 1990s", WED, None, "1997-01-01", "1999-12-31", "decade", "late 1990s", "1997/1999"),
    ("7:50 p.m. ET", WED, None, WED, WED, "time", "26 March 2025, 19:50 UTC-04:00", "2025-03-26T19:50:00-04:00"),
    ("by midnight Monday", WED, "The judge ordered the flights halted by midnight Monday.", "2025-03-24",
     "2025-03-24", "time", "midnight at the end of 24 March 2025 (local time)", "2025-03-25T00:00:00"),
    ("7:50 p.m. GMT", "2025-01-15", None, "2025-01-15", "2025-01-15", "time", "15 January 2025, 19:50 UTC",
     "2025-01-15T19:50:00+00:00"),
    ("March 26-28", WED, None, "2025-03-26", "2025-03-28", "day", "26\u201328 March 2025", "2025-03-26/2025-03-28"),
    ("from Monday to Wednesday", WED, "Talks were held from Monday to Wednesday.", "2025-03-24", WED, "day",
     "24\u201326 March 2025", "2025-03-24/2025-03-26"),
    ("about 1990", WED, None, "1990-01-01", "1990-12-31", "year", "about 1990", "1990~"),
    ("before 2019", WED, None, "2019-01-01", "2019-12-31", "year", "before 2019", "../2018"),
    ("after 2020", WED, None, "2020-01-01", "2020-12-31", "year", "after 2020", "2021/.."),
    ("two weeks ago", WED, None, "2025-03-10", "2025-03-16", "week", "week of 10 March 2025", "2025-03-10/2025-03-16"),
]


@pytest.mark.parametrize("phrase, published, sentence, start, end, precision, label, edtf", FORMS)
def test_each_form_resolves_at_its_precision(phrase, published, sentence, start, end, precision, label, edtf):
    got = resolve_phrase(phrase, published, context=sentence)
    assert (got.start.isoformat(), got.end.isoformat(), got.precision, got.label, got.edtf) == \
        (start, end, precision, label, edtf)
    if got.precision != "time":  # the EDTF form, written as date:, is the same period (a part: as its days)
        again = parse_date(edtf)
        assert (again.start, again.end, again.qualifier) == (got.start, got.end, got.qualifier)


@pytest.mark.parametrize("text, start, end, precision, qualifier, label", [
    ("2025-33", "2025-01-01", "2025-03-31", "quarter", None, "Q1 2025"),
    ("2024-21", "2024-03-01", "2024-05-31", "season", None, "spring 2024"),
    ("2025-40", "2025-01-01", "2025-06-30", "half", None, "first half of 2025"),
    ("199X", "1990-01-01", "1999-12-31", "decade", None, "1990s"),
    ("1990~", "1990-01-01", "1990-12-31", "year", "approximate", "about 1990"),
    ("../2018", "2019-01-01", "2019-12-31", "year", "before", "before 2019"),
    ("2020/..", "2019-01-01", "2019-12-31", "year", "after", "after 2019"),
    ("2025-03-26/2025-03-28", "2025-03-26", "2025-03-28", "day", None, "26\u201328 March 2025"),
    ("2025-03/2025-05", "2025-03-01", "2025-05-31", "month", None, "March\u2013May 2025"),
    ("2025-03-26T19:50:00-04:00", WED, WED, "time", None, "26 March 2025, 19:50 UTC-04:00"),
    ("2025-03", "2025-03-01", "2025-03-31", "month", None, "March 2025"),  # the plain forms are as they were
])
def test_edtf_in_date(text, start, end, precision, qualifier, label):
    got = parse_date(text)
    assert (got.start.isoformat(), got.end.isoformat(), got.precision, got.qualifier, got.label) == \
        (start, end, precision, qualifier, label)


@pytest.mark.parametrize("text, words", [
    ("2025-30", ["-30", "2025-09/2025-11"]),
    ("2025-26-01/2025-03", ["no month 26"]),
    ("2025-03-28/2025-03-26", ["ends before it starts"]),
    ("2025-03-26T10:00", ["UTC offset", "2025-03-26T10:00-04:00"]),
])
def test_edtf_that_cannot_be_kept_says_what_to_write(text, words):
    with pytest.raises(DateError) as caught:
        parse_date(text)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize("phrase, published, sentence, expected, guessed", [
    # the example of the issue: the weekday decides the year, and nothing raises
    ("Friday, Oct. 23", "1998-11-21", None, "1998-10-23", False),
    # a future date with no marker the code knows: the nearer reading, said to be a guess
    ("Dec. 15", "2025-11-20", "The dividend is payable Dec. 15.", "2025-12-15", True),
    ("Nov. 13", "2025-11-05", "The rule takes effect Nov. 13.", "2025-11-13", True),
    # a marker in another clause or a reporting frame decides nothing
    ("Friday", "1998-11-21", "\u201cWe will not back down,\u201d the minister said Friday.", "1998-11-20", False),
    ("Feb. 28", "2013-03-21", "On Feb. 28, Deutsche Bank released a report on the next decade.", "2013-02-28", False),
    ("Friday", WED, "He said Friday that the plant will close.", "2025-03-21", False),
    ("May", WED, "He said Friday that the plant will close in May.", "2025-05-01", False),
    ("January", WED, "He said Friday that the plant will close in January.", "2026-01-01", False),
    # the clause's own tense decides
    ("Friday", WED, "The court will rule on Friday.", "2025-03-28", False),
    ("Friday", WED, "The court ruled on Friday.", "2025-03-21", False),
    ("in December", WED, "The company plans to close its last plant in December.", "2025-12-01", False),
])
def test_direction_comes_from_the_phrases_own_clause(phrase, published, sentence, expected, guessed):
    got = resolve_phrase(phrase, published, context=sentence)
    assert got.start == datetime.date.fromisoformat(expected)
    assert (got.guess is not None) == guessed


def test_a_weekday_that_fits_neither_year_names_both():
    with pytest.raises(DateError, match="does not add up: the nearest such dates are 23 October 1998 a Friday"):
        resolve_phrase("Thursday, Oct. 23", "1998-11-21")


def test_winter_with_one_year_is_refused_as_ambiguous():
    with pytest.raises(DateError, match="winter 2023-24' or 'winter 2024-25'"):
        resolve_phrase("winter 2024", WED)


def test_timeline_date_prints_the_weekday_date_and_the_guess():
    result = CliRunner().invoke(cli, ["date", "Friday, Oct. 23", "--published", "1998-11-21"])
    assert result.exit_code == 0, result.output
    assert "start:     1998-10-23 (Friday)" in result.output and "guess:" not in result.output
    result = CliRunner().invoke(cli, ["date", "Dec. 15", "--published", "2025-11-20", "--json"])
    assert '"edtf": "2025-12-15"' in result.output and "could also be 15 December 2024" in result.output


def test_the_api_says_when_it_guessed():
    assert api.resolve_date("Thursday", WED).guess.startswith("'Thursday' could also be 20 March 2025")
    assert api.resolve_date("Thursday", WED, direction="past").guess is None


# (phrase, published, start, end, precision): forms news writes in other words
OTHER_WORDS = [
    ("Friday's", "1999-03-12", "1999-03-12", "1999-03-12", "day"),  # 'Friday's ceremony'
    ("January this year", "1998-02-19", "1998-01-01", "1998-01-31", "month"),
    ("June last year", "1998-02-19", "1997-06-01", "1997-06-30", "month"),
    ("this year's third quarter", "1989-11-01", "1989-07-01", "1989-09-30", "quarter"),
    ("next year's first quarter", "1989-10-31", "1990-01-01", "1990-03-31", "quarter"),
    ("the 1988 second quarter", "1989-11-02", "1988-04-01", "1988-06-30", "quarter"),
    ("the last half of 1989", "1989-10-26", "1989-07-01", "1989-12-31", "half"),
    ("the week of March 6", "2000-02-24", "2000-03-06", "2000-03-12", "week"),
    ("earlier Sunday", "1998-03-22", "1998-03-22", "1998-03-22", "day"),
    ("mid-afternoon yesterday", "1989-11-02", "1989-11-01", "1989-11-01", "day"),
    ("nineteen ninety-six", "1998-01-15", "1996-01-01", "1996-12-31", "year"),  # broadcast transcripts
    ("January nineteen ninety-seven", "1998-02-27", "1997-01-01", "1997-01-31", "month"),
    ("the year two thousand", "1998-02-05", "2000-01-01", "2000-12-31", "year"),
    ("last Thanksgiving", "2000-02-10", "1999-11-25", "1999-11-25", "day"),  # the fourth Thursday of November
    ("Easter 2024", WED, "2024-03-31", "2024-03-31", "day"),
    ("Christmas Eve", "2025-12-30", "2025-12-24", "2025-12-24", "day"),
    ("sometime in March", WED, "2025-03-01", "2025-03-31", "month"),
]


@pytest.mark.parametrize("phrase, published, start, end, precision", OTHER_WORDS)
def test_forms_in_other_words(phrase, published, start, end, precision):
    got = resolve_phrase(phrase, published)
    assert (got.start.isoformat(), got.end.isoformat(), got.precision) == (start, end, precision)


@pytest.mark.parametrize("phrase, published, label", [
    ("nearly four years ago", "1998-02-27", "about 1994"),
    ("a week or so ago", "1991-02-25", "about week of 18 February 1991"),
    ("around 7:15 p.m.", "1998-02-12", "about 12 February 1998, 19:15 (local time)"),
])
def test_approximate_words_make_an_approximate_date(phrase, published, label):
    got = resolve_phrase(phrase, published)
    assert (got.qualifier, got.label) == ("approximate", label)


@pytest.mark.parametrize("phrase, published, sentence, words", [
    # the stretch up to publication is no calendar unit: the range to write is given
    ("the past year", "1998-03-03", None, ["stretch of time up to publication", "1997-03-04/1998-03-03"]),
    ("over the last week", "2000-04-14", None, ["'the last week'", "2000-04-08/2000-04-14", "'last week'"]),
    # 'a year ago' where amounts are compared is the period compared, a year before: a quarter, not the year
    ("a year ago", "1989-10-30", "Net interest income for the third quarter declined to $35.6 million from $70.1"
     " million a year ago.", ["comparing amounts or periods", "1988-35"]),
    # a quarter that ended in another month than the calendar's is a fiscal one
    ("fourth quarter", "1989-11-02", "Earnings for its fourth quarter ended Sept. 30 fell 50%.",
     ["fiscal quarter", "ended in September", "1989-07/1989-09"]),
])
def test_phrases_whose_sentence_names_another_period_are_refused(phrase, published, sentence, words):
    with pytest.raises(DateError) as caught:
        resolve_phrase(phrase, published, context=sentence)
    for word in words:
        assert word in str(caught.value)


def test_a_calendar_quarter_that_ended_in_its_own_month_is_kept():
    got = resolve_phrase("the third quarter", "1989-11-02", context="Profit in the third quarter ended Sept. 30 rose.")
    assert got.label == "Q3 1989" and got.guess is None


@pytest.mark.parametrize("phrase, published, label, other", [
    ("last week", "1998-03-22", "week of 9 March 1998", "week of 16 March 1998"),  # read on a Sunday
    ("last February", "1998-03-01", "February 1998", "February 1997"),  # the month just ended
    ("next April", WED, "April 2025", "April 2026"),  # the month about to start
])
def test_words_that_allow_two_readings_are_a_guess_naming_the_other(phrase, published, label, other):
    got = resolve_phrase(phrase, published)
    assert got.label == label and got.guess.startswith(f"'{phrase}' could also be {other}")
    assert resolve_phrase(phrase, "1998-03-20" if phrase == "last week" else "1998-06-20").guess is None
