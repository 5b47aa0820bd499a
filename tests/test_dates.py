"""Examples of how dates and date phrases are read.

Every expectation is a fixed date: the resolver works from the article's
publication date only, so these pass on any day the suite is run.
"""
import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.errors import DateError
from timeline.text.dates import (
    PRECISIONS,
    Resolved,
    date_label,
    phrase_direction,
    parse_date,
    parse_published,
    resolve_phrase,
)

WED = "2025-03-26"  # a Wednesday


def d(text):
    return datetime.date.fromisoformat(text)


# (phrase, published, direction, expected_start, expected_end, precision)
PHRASES = [
    # weekdays: past = on or before publication, future = on or after; last/next are strict
    ("Wednesday", WED, "past", "2025-03-26", "2025-03-26", "day"),
    ("on Wednesday", WED, "future", "2025-03-26", "2025-03-26", "day"),
    ("On Monday", WED, "past", "2025-03-24", "2025-03-24", "day"),
    ("on Monday", WED, "future", "2025-03-31", "2025-03-31", "day"),
    ("Thursday", WED, None, "2025-03-27", "2025-03-27", "day"),  # nearer ahead than back: a guess
    ("Sun.", WED, "past", "2025-03-23", "2025-03-23", "day"),
    ("Friday", WED, "future", "2025-03-28", "2025-03-28", "day"),
    ("last Monday", WED, None, "2025-03-24", "2025-03-24", "day"),
    ("last Wednesday", WED, "future", "2025-03-19", "2025-03-19", "day"),
    ("this past Monday", WED, None, "2025-03-24", "2025-03-24", "day"),
    ("next Tuesday", WED, None, "2025-04-01", "2025-04-01", "day"),
    ("next Wednesday", WED, "past", "2025-04-02", "2025-04-02", "day"),
    ("this coming Monday", WED, None, "2025-03-31", "2025-03-31", "day"),
    ("this Friday", WED, "future", "2025-03-28", "2025-03-28", "day"),
    ("this Monday", WED, "past", "2025-03-24", "2025-03-24", "day"),
    ("Monday night", WED, "past", "2025-03-24", "2025-03-24", "day"),
    ("late Monday", WED, "past", "2025-03-24", "2025-03-24", "day"),
    ("Monday", "2025-03-30", "future", "2025-03-31", "2025-03-31", "day"),
    # days named relative to publication
    ("today", WED, None, "2025-03-26", "2025-03-26", "day"),
    ("tonight", WED, None, "2025-03-26", "2025-03-26", "day"),
    ("this morning", WED, None, "2025-03-26", "2025-03-26", "day"),
    ("this evening", WED, None, "2025-03-26", "2025-03-26", "day"),
    ("yesterday", WED, None, "2025-03-25", "2025-03-25", "day"),
    ("Yesterday afternoon.", WED, None, "2025-03-25", "2025-03-25", "day"),
    ("last night", WED, None, "2025-03-25", "2025-03-25", "day"),
    ("tomorrow", WED, None, "2025-03-27", "2025-03-27", "day"),
    ("the day before yesterday", WED, None, "2025-03-24", "2025-03-24", "day"),
    ("yesterday", "2025-01-01", None, "2024-12-31", "2024-12-31", "day"),
    ("tomorrow", "2025-12-31", None, "2026-01-01", "2026-01-01", "day"),
    # counted from publication
    ("3 days ago", WED, None, "2025-03-23", "2025-03-23", "day"),
    ("three days ago", WED, None, "2025-03-23", "2025-03-23", "day"),
    ("a week ago", WED, None, "2025-03-17", "2025-03-23", "week"),
    ("two weeks ago", WED, None, "2025-03-10", "2025-03-16", "week"),  # a count of weeks gives that week
    ("in two days", WED, None, "2025-03-28", "2025-03-28", "day"),
    ("in a week", WED, None, "2025-03-31", "2025-04-06", "week"),
    ("10 days from now", WED, None, "2025-04-05", "2025-04-05", "day"),
    ("two months ago", WED, None, "2025-01-01", "2025-01-31", "month"),
    ("a year ago", WED, None, "2024-01-01", "2024-12-31", "year"),
    # weeks run Monday..Sunday
    ("last week", WED, None, "2025-03-17", "2025-03-23", "week"),
    ("this week", WED, None, "2025-03-24", "2025-03-30", "week"),
    ("next week", WED, None, "2025-03-31", "2025-04-06", "week"),
    ("earlier this week", WED, None, "2025-03-24", "2025-03-26", "week"),
    ("later this week", WED, None, "2025-03-26", "2025-03-30", "week"),
    ("during last week", WED, None, "2025-03-17", "2025-03-23", "week"),
    ("this week", "2025-03-30", None, "2025-03-24", "2025-03-30", "week"),
    ("next week", "2025-12-31", None, "2026-01-05", "2026-01-11", "week"),
    # months
    ("last month", WED, None, "2025-02-01", "2025-02-28", "month"),
    ("this month", WED, None, "2025-03-01", "2025-03-31", "month"),
    ("next month", WED, None, "2025-04-01", "2025-04-30", "month"),
    ("earlier this month", WED, None, "2025-03-01", "2025-03-26", "month"),
    ("later this month", WED, None, "2025-03-26", "2025-03-31", "month"),
    ("last month", "2025-01-15", None, "2024-12-01", "2024-12-31", "month"),
    ("next month", "2025-12-03", None, "2026-01-01", "2026-01-31", "month"),
    # years
    ("last year", WED, None, "2024-01-01", "2024-12-31", "year"),
    ("this year", WED, None, "2025-01-01", "2025-12-31", "year"),
    ("next year", WED, None, "2026-01-01", "2026-12-31", "year"),
    ("earlier this year", WED, None, "2025-01-01", "2025-03-26", "year"),
    ("later this year", WED, None, "2025-03-26", "2025-12-31", "year"),
    ("last year", "1990-06-15", None, "1989-01-01", "1989-12-31", "year"),
    # month names
    ("In January", WED, None, "2025-01-01", "2025-01-31", "month"),
    ("in December", WED, "past", "2024-12-01", "2024-12-31", "month"),
    ("in December", WED, "future", "2025-12-01", "2025-12-31", "month"),
    ("in March", WED, "past", "2025-03-01", "2025-03-31", "month"),
    ("in March", WED, "future", "2025-03-01", "2025-03-31", "month"),
    ("in December", "2025-01-02", None, "2024-12-01", "2024-12-31", "month"),
    ("February", "2024-03-10", None, "2024-02-01", "2024-02-29", "month"),
    ("last March", WED, None, "2024-03-01", "2024-03-31", "month"),
    ("last January", WED, None, "2025-01-01", "2025-01-31", "month"),
    ("next March", WED, None, "2026-03-01", "2026-03-31", "month"),
    ("this December", WED, None, "2025-12-01", "2025-12-31", "month"),
    ("January 2019", WED, None, "2019-01-01", "2019-01-31", "month"),
    ("Jan. 2019", WED, None, "2019-01-01", "2019-01-31", "month"),
    ("Sept 2001", WED, None, "2001-09-01", "2001-09-30", "month"),
    ("since March", WED, None, "2025-03-01", "2025-03-31", "month"),
    ("early March", WED, None, "2025-03-01", "2025-03-10", "month"),
    ("mid-February", WED, None, "2025-02-11", "2025-02-20", "month"),
    ("in late February", WED, None, "2025-02-21", "2025-02-28", "month"),
    # days of a month
    ("March 15", WED, "past", "2025-03-15", "2025-03-15", "day"),
    ("March 15", WED, "future", "2026-03-15", "2026-03-15", "day"),
    ("on March 26", WED, "future", "2025-03-26", "2025-03-26", "day"),
    ("15 March", WED, None, "2025-03-15", "2025-03-15", "day"),
    ("March 15th", WED, None, "2025-03-15", "2025-03-15", "day"),
    ("the 15th of March", WED, None, "2025-03-15", "2025-03-15", "day"),
    ("Mar. 15", WED, None, "2025-03-15", "2025-03-15", "day"),
    ("March 15, 2025", WED, None, "2025-03-15", "2025-03-15", "day"),
    ("15 March 2025", WED, None, "2025-03-15", "2025-03-15", "day"),
    ("Wednesday, March 26", WED, None, "2025-03-26", "2025-03-26", "day"),
    ("April 2", WED, "past", "2024-04-02", "2024-04-02", "day"),
    ("April 2", WED, "future", "2025-04-02", "2025-04-02", "day"),
    ("February 29", "2024-03-01", None, "2024-02-29", "2024-02-29", "day"),
    ("February 29", WED, "past", "2024-02-29", "2024-02-29", "day"),
    ("February 29", WED, "future", "2028-02-29", "2028-02-29", "day"),
    # ISO forms
    ("2025-03-15", WED, None, "2025-03-15", "2025-03-15", "day"),
    ("2025-03", WED, None, "2025-03-01", "2025-03-31", "month"),
    ("2025", WED, None, "2025-01-01", "2025-12-31", "year"),
    # years and decades
    ("in 2023", WED, None, "2023-01-01", "2023-12-31", "year"),
    ("2019", WED, None, "2019-01-01", "2019-12-31", "year"),
    ("since 2019", WED, None, "2019-01-01", "2019-12-31", "year"),
    ("early 2024", WED, None, "2024-01-01", "2024-04-30", "year"),
    ("late last year", WED, None, "2024-09-01", "2024-12-31", "year"),
    ("the 1990s", WED, None, "1990-01-01", "1999-12-31", "decade"),
    ("in the '90s", WED, None, "1990-01-01", "1999-12-31", "decade"),
    ("in the \u201990s", WED, None, "1990-01-01", "1999-12-31", "decade"),
    ("the 1790s", WED, None, "1790-01-01", "1799-12-31", "decade"),
    ("the 1980's", WED, None, "1980-01-01", "1989-12-31", "decade"),
    ("the '20s", WED, None, "2020-01-01", "2029-12-31", "decade"),
    ("the '30s", WED, "past", "1930-01-01", "1939-12-31", "decade"),
    ("the '30s", WED, "future", "2030-01-01", "2039-12-31", "decade"),
    ("the mid-1990s", WED, None, "1994-01-01", "1996-12-31", "decade"),
    # tolerant of case, lead words, punctuation and spacing
    ("  ON   MONDAY, ", WED, None, "2025-03-24", "2025-03-24", "day"),
    ("since Monday", WED, None, "2025-03-24", "2025-03-24", "day"),
    ("by Friday", WED, "future", "2025-03-28", "2025-03-28", "day"),
    ("(last week)", WED, None, "2025-03-17", "2025-03-23", "week"),
    # publication given as a datetime: its own local date counts, not UTC
    ("today", "2025-03-26T23:30:00-04:00", None, "2025-03-26", "2025-03-26", "day"),
    ("yesterday", "2025-03-27T01:00:00+09:00", None, "2025-03-26", "2025-03-26", "day"),
]


@pytest.mark.parametrize("phrase, published, direction, start, end, precision", PHRASES)
def test_resolve_phrase(phrase, published, direction, start, end, precision):
    got = resolve_phrase(phrase, published, direction=direction)
    assert (got.start, got.end, got.precision) == (d(start), d(end), precision)
    assert got.basis


def test_published_may_be_a_date():
    got = resolve_phrase("last Monday", datetime.date(2025, 3, 26))
    assert got.start == got.end == datetime.date(2025, 3, 24)


def test_basis_says_what_was_resolved_and_how():
    got = resolve_phrase("On Monday", WED, source_id="wapo")
    assert got.basis == ("'On Monday' in wapo, published Wed 2025-03-26 -> Mon 2025-03-24"
                         " (guessed past: the nearer to publication: most recent such day)")
    assert got.guess.startswith("'On Monday' could also be 31 March 2025; nothing in its clause says")
    got = resolve_phrase("Friday", WED, direction="future")
    assert got.basis == "'Friday' in the source, published Wed 2025-03-26 -> Fri 2025-03-28 (future: next such day)"
    assert got.guess is None
    # direction did not matter: a Wednesday article's 'Wednesday' is that day either way
    assert resolve_phrase("Wednesday", WED).basis.endswith("-> Wed 2025-03-26")
    assert resolve_phrase("last week", WED).basis.endswith("-> week of 17 March 2025")
    assert resolve_phrase("earlier this month", WED).basis.endswith("-> March 2025 (2025-03-01..2025-03-26)")


def test_context_sets_the_direction():
    got = resolve_phrase("Friday", WED, context="The judge will rule on Friday.")
    assert got.start == datetime.date(2025, 3, 28)
    assert "future, from 'will' in its clause" in got.basis and got.guess is None
    got = resolve_phrase("Friday", WED, context="The hearing took place on Friday.")
    assert got.start == datetime.date(2025, 3, 21) and got.guess is None
    # an explicit direction wins over the sentence
    got = resolve_phrase("Friday", WED, direction="past", context="She will speak on Friday.")
    assert got.start == datetime.date(2025, 3, 21)


@pytest.mark.parametrize("phrase, context, expected", [
    ("Friday", "The court will rule on Friday.", "future"),
    ("Monday", "The stay lasted until Monday.", None),  # a deadline: a past verb does not date it
    ("Monday", "The ruling won\u2019t apply until Monday.", "future"),  # a future act's deadline is ahead
    ("Dec. 15", "The company paid a dividend to holders of record on Dec. 15.", None),  # a noun's date
    ("October", "The authorities have evidence in the October slaying.", None),
    # words just before the phrase: 'since', 'last'; the earlier value of a comparison
    ("Oct. 23", "Investigators have been searching for him since shortly after the Oct. 23 slaying.", "past"),
    ("October", "Officials said he fired the shots that killed a doctor last October.", "past"),
    ("March", "The stock rose to $42 in June from $29.75 in March.", "past"),
    ("Thursday", "Volume was 1.3 billion shares, up from 886 million shares Thursday.", "past"),
    # a participle after a form of 'be' takes the tense of 'be': present and 'would' decide nothing
    ("May", "The boy stays until the case is heard in May.", None),
    ("April 24", "He added that the ceremony would still be held on April 24.", None),
    ("April 24", "The ceremony was held on April 24.", "past"),
    # an opening phrase set off by a comma: the verb after it decides
    ("Thursday", "At the close of business Thursday, the companies said 11,580 shares had been tendered.", "past"),
    # 'due to' a noun is 'because of'; 'due to' a verb is ahead
    ("third-quarter", "It cut the dividend due to its third-quarter loss.", None),
    ("March", "The vote is due to take place in March.", "future"),
    ("April", "The vote is scheduled to take place in April.", "future"),
    ("March", "The administration plans to send more migrants in March.", "future"),
    ("Wednesday", "Noem visited the prison on Wednesday.", "past"),
    ("Friday", "He said the court would rule on Friday.", None),  # 'would': a reported plan, either way
    ("Wednesday", "Will Grant reported from San Salvador on Wednesday.", "past"),
    # a marker in another clause decides nothing
    ("Friday", "\u201cWe will win,\u201d he said Friday.", "past"),
    ("Feb. 28", "On Feb. 28, Deutsche Bank released a report on the next decade.", "past"),
    ("Friday", "He said Friday that the plant will close.", "past"),
    ("March", "He said Friday that the plant will close in March.", "future"),
    ("Monday", "The suspect was arrested on Monday and will appear in court Friday.", "past"),
    ("Thursday", "In Thursday's case, the judge had already pushed back the deadline.", "past"),
    # present tense decides nothing
    ("Nov. 13", "The rule takes effect Nov. 13.", None),
    ("Dec. 15", "The dividend is payable Dec. 15.", None),
    ("Friday", "The vote will be held Friday.", "future"),
    ("Monday", "", None),
    ("Monday", None, None),
    ("Monday", "The phrase is not in this sentence.", None),
])
def test_phrase_direction_reads_the_phrases_own_clause(phrase, context, expected):
    assert phrase_direction(phrase, context)[0] == expected


# (phrase, published, words the message must contain)
BAD_PHRASES = [
    ("sometime soon", WED, ["Cannot resolve date phrase 'sometime soon'", "last Friday", "date:"]),
    ("next fortnight", WED, ["'next fortnight'", "understood forms"]),
    ("February 30", WED, ["'february 30' is not a real date", "at most 29 days"]),
    ("February 29, 2025", WED, ["February 2025 has 28 days"]),
    ("2025-02-30", WED, ["February 2025 has 28 days"]),
    ("Tuesday, March 26, 2025", WED, ["26 March 2025 was a Wednesday"]),
    ("03/04/2025", WED, ["ambiguous: write 2025-03-04 or 2025-04-03"]),
    ("", WED, ["empty"]),
    ("   ", WED, ["empty"]),
    ("the 1995s", WED, ["decade"]),
    ("early later this month", WED, ["Cannot resolve"]),
    ("yesterday", "2025-03-26T10:00", ["add the UTC offset, e.g. -04:00"]),
    ("yesterday", "last spring", ["Cannot read published date 'last spring'"]),
]


@pytest.mark.parametrize("phrase, published, words", BAD_PHRASES)
def test_resolve_phrase_errors(phrase, published, words):
    with pytest.raises(DateError) as caught:
        resolve_phrase(phrase, published)
    for word in words:
        assert word in str(caught.value)


def test_unknown_direction_is_an_error():
    with pytest.raises(DateError, match="use past or future"):
        resolve_phrase("Monday", WED, direction="sideways")


@pytest.mark.parametrize("text, start, end, precision", [
    ("2023", "2023-01-01", "2023-12-31", "year"),
    ("2025-02", "2025-02-01", "2025-02-28", "month"),
    ("2024-02", "2024-02-01", "2024-02-29", "month"),
    ("2025-03-26", "2025-03-26", "2025-03-26", "day"),
    ("2024-02-29", "2024-02-29", "2024-02-29", "day"),
    ("1990s", "1990-01-01", "1999-12-31", "decade"),
    ("  2025-03-26 \n", "2025-03-26", "2025-03-26", "day"),
    ("1000", "1000-01-01", "1000-12-31", "year"),
    ("2999", "2999-01-01", "2999-12-31", "year"),
])
def test_parse_date(text, start, end, precision):
    assert parse_date(text) == Resolved(d(start), d(end), precision, "")


@pytest.mark.parametrize("text, words", [
    ("2025-02-30", ["'2025-02-30'", "February 2025 has 28 days"]),
    ("2023-02-29", ["February 2023 has 28 days"]),
    ("2025-13", ["no month 13"]),
    ("03/04/2025", ["ambiguous: write 2025-03-04 or 2025-04-03"]),
    ("14/03/2025", ["write it as 2025-03-14"]),
    ("2025/03/04", ["write it as 2025-03-04"]),
    ("2025-3-5", ["write it as 2025-03-05"]),
    ("March 2025", ["2025-03", "when:"]),
    ("March 15, 2025", ["2025-03-15"]),
    ("March", ["no year", "when:"]),
    ("25", ["two-digit year", "2025"]),
    ("'25", ["two-digit year"]),
    ("03/04/25", ["two-digit year"]),
    ("'90s", ["1990s"]),
    ("1990's", ["write the decade as 1990s"]),
    ("1995s", ["first year", "1990s"]),
    ("2025-03-26T10:00", ["give the date only", "2025-03-26"]),
    ("2025-03-26 10:00:00", ["give the date only"]),
    ("", ["empty"]),
    ("0999", ["0999", "1000-2999"]),
    ("3000", ["3000", "1000-2999"]),
    ("last week", ["when:"]),
    ("soon", ["'soon'", "YYYY-MM-DD"]),
])
def test_parse_date_errors(text, words):
    with pytest.raises(DateError) as caught:
        parse_date(text)
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize("text, expected", [
    ("2025-03-26", "2025-03-26"),
    ("2025-03-26T19:50:00-04:00", "2025-03-26"),
    ("2025-03-26T23:30-04:00", "2025-03-26"),
    ("2025-03-27T01:30:00+09:00", "2025-03-27"),
    ("2025-03-26T10:00:00Z", "2025-03-26"),
    (" 2025-03-26T19:50:00.123-0400 ", "2025-03-26"),
])
def test_parse_published(text, expected):
    assert parse_published(text) == d(expected)


@pytest.mark.parametrize("text, words", [
    ("2025-03-26T19:50:00", ["add the UTC offset, e.g. -04:00"]),
    ("2025-02-30", ["February 2025 has 28 days"]),
    ("2025-03-26T25:00:00-04:00", ["check the time"]),
    ("March 26, 2025", ["Cannot read published date", "2025-03-26"]),
    ("", ["Cannot read published date"]),
])
def test_parse_published_errors(text, words):
    with pytest.raises(DateError) as caught:
        parse_published(text)
    for word in words:
        assert word in str(caught.value)


# (what people type in sources.yaml, the ISO form the bad-date message must show, why)
WRITTEN = [
    ("March 26, 2025", "write 2025-03-26 (ISO form", "month name first, U.S. order"),
    ("Mar. 26, 2025", "write 2025-03-26 (ISO form", "abbreviated month"),
    ("Sept 3, 2024", "write 2024-09-03 (ISO form", "Sept"),
    ("Wednesday, March 26, 2025", "write 2025-03-26 (ISO form", "with its weekday"),
    ("Wed 26 Mar 2025", "write 2025-03-26 (ISO form", "day first, abbreviated"),
    ("26 March 2025", "write 2025-03-26 (ISO form", "day first"),
    ("the 26th of March, 2025", "write 2025-03-26 (ISO form", "ordinal"),
    ("26/3/2025", "write 2025-03-26 (ISO form", "numeric, only one order is a date"),
    ("2025/03/26", "write 2025-03-26 (ISO form", "slashes"),
    ("March 26, 2025 7:50 p.m. ET", "write 2025-03-26T19:50:00-04:00 (ISO form, with its UTC offset), or the date"
     " alone: 2025-03-26", "Eastern time in daylight saving"),
    ("Jan. 6, 2025, 9:15 AM ET", "write 2025-01-06T09:15:00-05:00", "Eastern time in winter"),
    ("Wed 26 Mar 2025 14.05 GMT", "write 2025-03-26T14:05:00+00:00", "British style, dot in the time"),
    ("26 March 2025 18:30 CET", "write 2025-03-26T18:30:00+01:00", "a fixed offset"),
    ("7:50 PM EDT, Wed March 26, 2025", "write 2025-03-26T19:50:00-04:00", "time first"),
    ("March 26, 2025, 11:50 PM GMT+1", "write 2025-03-26T23:50:00+01:00", "GMT with an offset"),
    ("March 26, 2025 7:50 p.m.", "the time 19:50 has no time zone, so only the date is kept", "no zone"),
    ("3/4/2025", "is ambiguous: write 2025-03-04 if it is month first (U.S.), or 2025-04-03 if it is day first",
     "both orders are dates"),
    ("3/26/25", "has a two-digit year: write the full date in ISO form, e.g. 2025-03-26", "two-digit year"),
    ("Thursday, March 26, 2025", "does not add up: 26 March 2025 was a Wednesday", "wrong weekday"),
    ("February 30, 2025", "is not a real date: February 2025 has 28 days", "no such day"),
]


@pytest.mark.parametrize("text, words, why", WRITTEN, ids=[w[2] for w in WRITTEN])
def test_a_written_publication_date_is_answered_with_its_iso_form(text, words, why):
    with pytest.raises(DateError) as caught:
        parse_published(text)
    assert words in str(caught.value)


def test_the_iso_form_it_shows_is_accepted():
    from timeline.text.written_dates import written_date

    for text, _, _ in WRITTEN[:15]:
        iso, _ = written_date(text)
        assert parse_published(iso) == d(iso[:10])


@pytest.mark.parametrize("start, precision, expected", [
    (datetime.date(2025, 3, 26), "day", "26 March 2025"),
    ("2025-03-05", "day", "5 March 2025"),
    ("2025-03-24", "week", "week of 24 March 2025"),
    ("2025-03-01", "month", "March 2025"),
    ("2023-01-01", "year", "2023"),
    ("1990-01-01", "decade", "1990s"),
    ("1994-01-01", "decade", "1990s"),
    ("2025-03", "month", "March 2025"),
])
def test_date_label(start, precision, expected):
    assert date_label(start, precision) == expected


def test_date_label_rejects_unknown_precision():
    with pytest.raises(DateError, match="use one of time, day, week, month, quarter, season, half, year, decade"):
        date_label("2025-03-26", "fortnight")


def test_precisions_run_finest_to_coarsest():
    assert PRECISIONS == ("time", "day", "week", "month", "quarter", "season", "half", "year", "decade")


WORDS = ["on", "in", "since", "the", "last", "next", "this", "earlier", "later", "early", "mid", "late",
         "Monday", "Fri.", "March", "Sept", "15", "15th", "2025", "1990s", "'90s", "29", "February", "of",
         "week", "month", "year", "days", "ago", "a", "three", "999", "0", "yesterday", "night", ",", "-"]
DIRECTIONS = st.sampled_from([None, "past", "future"])


@settings(max_examples=400)
@given(phrase=st.one_of(st.text(), st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join)),
       published=st.dates(), direction=DIRECTIONS, context=st.one_of(st.none(), st.text()))
def test_any_phrase_resolves_or_raises_date_error(phrase, published, direction, context):
    try:
        got = resolve_phrase(phrase, published, direction=direction, context=context)
    except DateError as e:
        assert str(e)
    else:
        assert got.start <= got.end
        assert got.precision in PRECISIONS
        assert got.basis


@settings(max_examples=400)
@given(text=st.one_of(st.text(), st.from_regex(r"[0-9'/.: T-]{0,12}", fullmatch=True),
                      st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join)))
def test_any_date_text_parses_or_raises_date_error(text):
    for parse in (parse_date, parse_published):
        try:
            parse(text)
        except DateError as e:
            assert str(e)


# ---------------------------------------------------------------- fast paths agree with the plain rules

def test_marker_prefilter_folds_every_character_that_regex_case_folds_to_ascii():
    import re
    import string

    from timeline.text.dates import _ASCII_FOLD

    everything = "".join(map(chr, range(0x110000)))
    for letter in string.ascii_lowercase:
        for c in re.findall(letter, everything, re.IGNORECASE):
            assert letter in c.translate(_ASCII_FOLD).lower(), (letter, hex(ord(c)))


@pytest.mark.parametrize("how, direction", [("last", None), ("next", None), (None, "past"), (None, "future")])
def test_weekday_arithmetic_is_dateutils(how, direction):
    from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

    from timeline.text.english_readings import _weekday

    wd = (MO, TU, WE, TH, FR, SA, SU)
    one = datetime.timedelta(days=1)
    for pub in (datetime.date(2025, 3, 20) + datetime.timedelta(days=n) for n in range(14)):
        for weekday in range(7):
            expected = {"last": pub - one + relativedelta(weekday=wd[weekday](-1)),
                        "next": pub + one + relativedelta(weekday=wd[weekday](+1)),
                        "past": pub + relativedelta(weekday=wd[weekday](-1)),
                        "future": pub + relativedelta(weekday=wd[weekday](+1))}[how or direction]
            assert _weekday(pub, weekday, how, direction)[0] == expected
