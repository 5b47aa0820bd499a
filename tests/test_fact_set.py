"""The curated fact set for the five articles: a sample asserted by value, date and sources."""
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import ROOT

from timeline.across import coverage
from timeline.cli import cli
from timeline.inputs import story
from timeline.text import signals


@pytest.fixture(scope="module")
def conn(real_db):
    return sqlite3.connect(real_db)


def fact(conn, fact_id):
    row = conn.execute("select kind, date_start, date_end, date_precision, value, value_qualifier, unit, value_per,"
                     " attributed_to from facts where id = ?", [fact_id]).fetchone()
    assert row is not None, f"fact {fact_id} is missing"
    sources = [r[0] for r in conn.execute("select distinct source_id from citations where fact_id = ? order by 1",
                                        [fact_id])]
    return row, sources


@pytest.mark.parametrize("fact_id, expected, sources", [
    ("noem-visits-cecot", ("event", "2025-03-26", "2025-03-26", "day", None, None, None, None, None),
     ["bbc", "moneycontrol", "newsweek", "unknown-outlet", "wapo"]),
    ("venezuelans-sent-to-cecot-238", ("figure", "2025-03-01", "2025-03-26", "month", 238, "exact", "people", None,
                                       None), ["bbc", "wapo"]),
    ("us-pays-6-million-a-year", ("figure", None, None, None, 6000000, "exact", "USD", "year", None), ["wapo"]),
    ("cecot-capacity-40000", ("figure", None, None, None, 40000, "up_to", "inmates", None, None), ["newsweek", "wapo"]),
    ("salvadoran-inmates-lined-up-dozen", ("figure", "2025-03-26", "2025-03-26", "day", 12, "approx", "inmates",
                                           None, None), ["moneycontrol", "unknown-outlet"]),
    ("boasberg-order-halting-deportations", ("court_action", "2025-03-15", "2025-03-15", "day", None, None, None,
                                             None, None), ["bbc", "moneycontrol", "wapo"]),
    ("habeas-petition-salvadoran-supreme-court", ("court_action", "2025-03-24", "2025-03-24", "day", None, None, None,
                                                  None, None), ["bbc", "wapo"]),
    ("appeals-court-upholds-block", ("court_action", "2025-03-26", "2025-03-26", "day", None, None, None, None, None),
     ["bbc", "moneycontrol", "newsweek", "unknown-outlet"]),
    ("cecot-opened-2023", ("event", "2023-01-01", "2023-12-31", "year", None, None, None, None, None),
     ["bbc", "moneycontrol", "newsweek"]),
    ("alien-enemies-act-passed-1798", ("event", "1798-01-01", "1798-12-31", "year", None, None, None, None, None),
     ["bbc", "newsweek", "unknown-outlet", "wapo"]),
    ("el-salvador-venezuela-no-relations-since-2019", ("event", "2019-01-01", "2019-12-31", "year", None, None, None,
                                                       None, None), ["newsweek"]),
    ("trump-executive-order-terrorist-organisations", ("event", "2025-01-01", "2025-01-31", "month", None, None, None,
                                                       None, None), ["bbc"]),
    ("noem-toolkit", ("statement", "2025-03-26", "2025-03-26", "day", None, None, None, None, "kristi-noem"),
     ["bbc", "moneycontrol", "unknown-outlet", "wapo"]),
    ("administration-says-deportees-are-gang-members", ("claim", None, None, None, None, None, None, None,
                                                        "trump-administration"),
     ["bbc", "moneycontrol", "newsweek", "unknown-outlet", "wapo"]),
    ("families-deny-gang-membership", ("claim", None, None, None, None, None, None, None, "deportees-families"),
     ["bbc", "newsweek", "unknown-outlet", "wapo"]),
])
def test_fact(conn, fact_id, expected, sources):
    assert fact(conn, fact_id) == (expected, sources)


def test_every_kind_is_represented(conn):
    kinds = dict(conn.execute("select kind, count(*) from facts group by kind"))
    assert set(kinds) == {"event", "figure", "court_action", "statement", "claim"}
    assert sum(kinds.values()) >= 100


def test_every_statement_and_claim_is_attributed(conn):
    assert conn.execute("select id from facts where kind in ('statement', 'claim') and"
                      " (attributed_to is null or attributed_to not in (select id from entities))").fetchall() == []


def test_court_actions_name_their_court_or_judge(conn):
    unnamed = conn.execute(
        "select id from facts where kind = 'court_action' and id not in (select fact_id from fact_entities"
        " join entities on entities.id = fact_entities.entity_id where entities.type = 'court'"
        " or fact_entities.role = 'judge')").fetchall()
    assert unnamed == []


def test_every_entity_has_a_type_and_description(conn):
    assert conn.execute("select id from entities where description is null or trim(description) = ''").fetchall() == []


def test_coverage_is_complete():
    inputs = story.check(str(ROOT / "facts"), str(ROOT / "sources"))
    report = coverage.report(inputs)
    left = [u for row in report.values() for u in row["uncovered"]]
    assert left == []
    assert sum(row["signalled"] for row in report.values()) > 75
    assert sum(row["set_aside"] for row in report.values()) >= 1


def test_uncovered_sentences_view_is_empty_and_coverage_query_counts(conn):
    assert conn.execute("select count(*) from uncovered_sentences").fetchone() == (0,)
    assert conn.execute("select count(*) from set_aside").fetchone()[0] == 7


def test_coverage_command_on_the_real_data():
    result = CliRunner().invoke(cli, ["coverage", "--facts", str(ROOT / "facts"), "--sources", str(ROOT / "sources")])
    assert result.exit_code == 0, result.output
    assert "wapo" in result.output
    assert result.output.splitlines()[-1].startswith("Nothing left")


@pytest.mark.parametrize("sentence, expected", [
    ("The U.S. agreed to pay $6 million a year.", ["number"]),
    ("Guards lined up a dozen inmates.", ["number"]),
    ("On Monday, lawyers submitted a petition.", ["date"]),
    ("In February, Bukele agreed.", ["date"]),
    ("The prison, opened in 2023, is vast.", ["number", "date"]),
    ("\u201cThey are in a legal limbo,\u201d said Anaya.", ["quotation"]),
    ("Officials may say more.", []),
    ("She was shown prisoners packed into cells.", []),
])
def test_signals(sentence, expected):
    assert signals.signals(sentence) == expected


def test_an_uncited_sentence_is_reported_until_set_aside(tree, monkeypatch):
    monkeypatch.chdir(tree.path)
    result = CliRunner().invoke(cli, ["coverage"])
    assert result.exit_code == 1
    assert "gazette:4: [number, date] Work began in 2021 and employed about 300 people." in result.output
    tree.write("facts/set-aside.yaml", "- source: gazette\n  quote: Work began in 2021\n  reason: background\n"
               "- source: gazette\n  quote: the bridge will open next week\n  reason: a forecast\n"
               "- source: gazette\n  quote: a great day for the town\n  reason: colour\n")
    result = CliRunner().invoke(cli, ["coverage"])
    assert result.exit_code == 0, result.output


def test_set_aside_entries_are_checked(tree):
    tree.write("facts/set-aside.yaml", "- source: gazette\n  quote: Work began in 2022\n  reason: x\n"
               "- source: herald\n  quote: Work began in 2021\n  reason: x\n- source: gazette\n  quote: Work began\n")
    assert sorted(tree.codes()) == [("facts/set-aside.yaml", 2, "quote-not-found"),
                                    ("facts/set-aside.yaml", 4, "unknown-source"),
                                    ("facts/set-aside.yaml", 7, "missing-key")]


def _signals_by_the_patterns_alone(text):
    """What signals.signals answered before its fast paths: every pattern searched."""
    found = []
    for name, pattern in signals.SIGNALS.items():
        match = pattern.search(text)
        if name == "date" and match and signals._is_lowercase_month(match.group(0)):
            match = next((m for m in pattern.finditer(text) if not signals._is_lowercase_month(m.group(0))), None)
        if match:
            found.append(name)
    return found


@pytest.mark.parametrize("sentence", [
    "Two days ago", "TWICE as many", "hundreds_of them", "x_2", "the 1990s were", "on Mondays", "Sundays off",
    "earlier this spring", "later this Week", "recently", "two centuries", "Sept. 3", "may be in may", "May I",
    "the march on March 4", "a 3-day trip", "weekends", "Café today", "thou\u017fands", "nothing here at all",
    "the past decade", "in the coming months", "Dozens said \"no\"", "",
])
def test_signals_fast_paths_answer_as_the_patterns_do(sentence):
    assert signals.signals(sentence) == _signals_by_the_patterns_alone(sentence)
