"""What check says about a fact's date, value and speaker beyond its quote: guesses warned about and
settled, the after-publication guard read from the date's own clause, a figure's value against its
quote, a speaker against the cited words."""
import sqlite3

from click.testing import CliRunner
from conftest import ARTICLE, ENTITIES, FACT

from timeline.cli import cli
from timeline.inputs import story

NEWS = (
    "The dividend is payable Dec. 15 to holders of record.\n"
    "On Feb. 28, the bank released a report on how rates will move over the next decade.\n"
    "\u201cWe will not back down,\u201d Ann Lee said Friday.\n"
    "The council approved the plan on Monday, the mayor said.\n"
    "Officials said the prison was built for 40,000 and now holds more than 200 inmates.\n"
)


def fact(extra, quote, fid="x", kind="event"):
    return (f"- id: {fid}\n  kind: {kind}\n  title: A fact\n{extra}  sources:\n    - source: news\n"
            f"      quote: \"{quote}\"\n")


def check(tree, facts, published="2025-11-20"):
    tree.article("news", NEWS, published=published)
    tree.write("facts/facts.yaml", FACT + facts)
    inputs = story.check(str(tree.facts), str(tree.sources), relative_to=str(tree.path))
    return [(p.code, p.line) for p in inputs.problems], [(p.code, p.line, p.message) for p in inputs.warnings]


def test_a_guessed_date_is_a_warning_that_direction_or_date_settles(tree):
    problems, warnings = check(tree, fact("  when: Dec. 15\n", "payable Dec. 15 to holders"))
    assert problems == []
    assert [(code, line) for code, line, _ in warnings] == [("date-guessed", 13)]
    assert "could also be 15 December 2024" in warnings[0][2] and "direction:" in warnings[0][2]
    assert check(tree, fact("  when: Dec. 15\n  direction: future\n", "payable Dec. 15 to holders")) == ([], [])
    # an explicit date: that agrees with either reading settles it, the other way too
    assert check(tree, fact("  when: Dec. 15\n  date: 2024-12-15\n", "payable Dec. 15 to holders")) == ([], [])


def test_check_prints_warnings_after_problems_and_still_passes(tree, monkeypatch):
    check(tree, fact("  when: Dec. 15\n", "payable Dec. 15 to holders"))
    monkeypatch.chdir(tree.path)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("facts/facts.yaml:13: date-guessed: fact 'x': when: 'Dec. 15' could also be")
    assert lines[1:] == ["1 warning in 1 file", "OK: 2 facts, 2 entities, 2 sources (1 warning in 1 file)"]


def test_the_after_publication_guard_reads_the_dates_own_clause(tree):
    # 'will' and 'next decade' belong to another clause: 28 February 2014 would be after publication
    problems, _ = check(tree, fact("  date: 2014-02-28\n", "On Feb. 28, the bank released a report"),
                        published="2013-03-21")
    assert problems == [("date-after-source", 13)]
    assert check(tree, fact("  when: On Feb. 28\n", "On Feb. 28, the bank released a report"),
                 published="2013-03-21") == ([], [])
    # a reporting frame decides nothing: 'said Friday' is past, whatever the quotation says
    _, warnings = check(tree, fact("  when: Friday\n", "Ann Lee said Friday"), published="1998-11-21")
    tree.build()
    assert sqlite3.connect(tree.db).execute("select date_start from facts where id = 'x'").fetchone() == \
        ("1998-11-20",)
    assert warnings == []


def test_a_figures_value_must_be_what_its_quote_says(tree):
    figure = "  value: {}\n  unit: inmates\n"
    problems, _ = check(tree, fact(figure.format(400000), "the prison was built for 40,000", kind="figure"))
    assert problems == [("value-not-in-quote", 13)]
    tree.write("facts/facts.yaml", FACT + fact(figure.format(400000), "the prison was built for 40,000",
                                               kind="figure"))
    message = [p.message for p in story.check(str(tree.facts), str(tree.sources)).problems][0]
    assert "value 400,000 is not what its quote says (it says 40,000)" in message
    assert check(tree, fact(figure.format(40000), "the prison was built for 40,000", kind="figure")) == ([], [])
    assert check(tree, fact("  value: 200\n  qualifier: more_than\n  unit: inmates\n",
                            "now holds more than 200 inmates", kind="figure")) == ([], [])


def test_a_speaker_the_words_do_not_name_is_a_warning(tree):
    tree.write("facts/entities.yaml", ENTITIES + "- id: bo-ray\n  name: Bo Ray\n  type: person\n"
               "  description: Someone else\n")
    statement = "  attributed_to: {}\n"
    quote = "\u201cWe will not back down,\u201d Ann Lee said Friday"
    assert check(tree, fact(statement.format("ann-lee"), quote, kind="statement")) == ([], [])
    _, warnings = check(tree, fact(statement.format("bo-ray"), quote, kind="statement"))
    assert [(code, line) for code, line, _ in warnings] == [("speaker-not-named", 13)]
    assert "gives these words to Ann Lee, not to Bo Ray" in warnings[0][2]
    _, warnings = check(tree, fact(statement.format("bo-ray"), "The council approved the plan", kind="claim"))
    assert "Bo Ray is not named in any cited sentence or its paragraph" in warnings[0][2]


def test_the_articles_example_still_builds_without_warnings(tree):
    tree.article("gazette", ARTICLE)
    assert story.check(str(tree.facts), str(tree.sources)).warnings == []
