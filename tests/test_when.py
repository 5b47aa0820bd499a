"""A fact dated the way its source says it: `when:` resolved against the source's publication date."""
import json
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import FACT

from timeline.cli import cli


def event(when, quote="the council said on Monday", extra=""):
    return FACT + (f"- id: council-statement\n  kind: event\n  title: The council spoke\n  when: {when}\n{extra}"
                   f"  sources:\n    - source: gazette\n      quote: {quote}\n")


def columns(tree):
    tree.build()
    return sqlite3.connect(tree.db).execute(
        "select date_start, date_end, date_precision, date_label, date_text, date_basis from facts"
        " where id = 'council-statement'").fetchone()


def test_on_monday_resolves_against_the_publication_date(tree):
    tree.write("facts/facts.yaml", event("On Monday"))
    assert columns(tree) == ("2025-03-24", "2025-03-24", "day", "24 March 2025", "On Monday",
                             "'On Monday' in gazette, published Wed 2025-03-26 -> Mon 2025-03-24"
                             " (past, from 'said' in its clause: most recent such day)")


def test_a_future_sentence_resolves_forward(tree):
    tree.write("facts/facts.yaml", event("next week", quote="the bridge will open next week"))
    start, end, precision, label, _, basis = columns(tree)
    assert (start, end, precision) == ("2025-03-31", "2025-04-06", "week")


def test_direction_override(tree):
    tree.write("facts/facts.yaml", event("Monday", extra="  direction: future\n"))
    assert columns(tree)[:3] == ("2025-03-31", "2025-03-31", "day")


def test_when_and_date_that_agree_keep_the_more_precise(tree):
    tree.write("facts/facts.yaml", event("in 2021", quote="Work began in 2021", extra="  date: 2021-06\n"))
    assert columns(tree)[:4] == ("2021-06-01", "2021-06-30", "month", "June 2021")


def test_when_and_date_that_disagree_say_which_and_why(tree):
    tree.write("facts/facts.yaml", event("On Monday", extra="  date: 2025-03-17\n"))
    [problem] = tree.check()
    assert (problem.code, problem.line) == ("date-mismatch", 14)
    assert "2025-03-17" in problem.message and "Mon 2025-03-24" in problem.message


def test_when_source_must_be_cited(tree):
    tree.write("facts/facts.yaml", event("On Monday", extra="  when_source: herald\n"))
    assert [p.code for p in tree.check()] == ["unknown-source"]


def test_past_fact_dated_after_publication(tree):
    tree.write("facts/facts.yaml", event("On Monday", extra="  date: 2025-03-31\n").replace("  when: On Monday\n", ""))
    assert [p.code for p in tree.check()] == ["date-after-source"]


def test_unreadable_phrase_lists_the_forms_understood(tree):
    tree.write("facts/facts.yaml", event("around then"))
    [problem] = tree.check()
    assert problem.code == "bad-date"
    assert "'around then'" in problem.message and "weekdays" in problem.message


def test_date_command_for_a_person():
    result = CliRunner().invoke(cli, ["date", "On Monday", "--published", "2025-03-26"])
    assert result.exit_code == 0
    assert result.output.splitlines()[:4] == ["start:     2025-03-24 (Monday)", "end:       2025-03-24 (Monday)",
                                              "precision: day", "label:     24 March 2025"]


@pytest.mark.parametrize("args, expected", [
    (["In January"], {"start": "2025-01-01", "end": "2025-01-31", "precision": "month"}),
    (["in December"], {"start": "2024-12-01", "end": "2024-12-31", "precision": "month"}),
    (["in December", "--direction", "future"], {"start": "2025-12-01", "end": "2025-12-31", "precision": "month"}),
    (["Wednesday", "--context", "Noem will meet Bukele on Wednesday"],
     {"start": "2025-03-26", "end": "2025-03-26", "precision": "day"}),
])
def test_date_command_json(args, expected):
    result = CliRunner().invoke(cli, ["date", *args, "--published", "2025-03-26", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {k: data[k] for k in expected} == expected
    assert data["basis"]


def test_date_command_error_names_the_phrase():
    result = CliRunner().invoke(cli, ["date", "whenever", "--published", "2025-03-26"])
    assert result.exit_code == 1
    assert "'whenever'" in result.output and "Traceback" not in result.output
