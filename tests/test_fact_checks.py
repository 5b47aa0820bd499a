"""What check says about a fact's date, value and speaker beyond its quote: guesses warned about and
settled, the after-publication guard read from the date's own clause, a figure's value against its
quote, a speaker against the cited words."""
import sqlite3

import pytest

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


def test_words_that_allow_two_readings_are_settled_by_date(tree):
    tree.article("news", "Two helicopters crashed last February.\n", published="1998-03-01")
    tree.write("facts/facts.yaml", FACT + fact("  when: last February\n", "Two helicopters crashed last February"))
    inputs = story.check(str(tree.facts), str(tree.sources))
    assert [p.code for p in inputs.warnings] == ["date-guessed"]
    assert "could also be February 1997" in inputs.warnings[0].message
    tree.write("facts/facts.yaml", FACT + fact("  when: last February\n  date: 1997-02\n",
                                               "Two helicopters crashed last February"))
    inputs = story.check(str(tree.facts), str(tree.sources))
    assert (inputs.problems, inputs.warnings) == ([], [])
    tree.build()
    assert sqlite3.connect(tree.db).execute("select date_start, date_label from facts where id = 'x'").fetchone() == \
        ("1997-02-01", "February 1997")


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


WIRE = (
    "The U.S. government has acknowledged that many had no criminal records.\n"
    "The councillors\u2019 vote on the budget was close.\n"
    "Guzman said the report was false.\n"
)
SPEAKERS = """\
- id: us-government
  name: US government
  type: organisation
  description: The government of the United States
- id: town-council
  name: Town council
  type: organisation
  description: The town's council
  aliases: [the councillors]
- id: andres-guzman
  name: Andrés Guzmán
  type: person
  description: A commissioner
"""


def speaker_warnings(tree, attributed_to, quote):
    tree.article("wire", WIRE)
    tree.write("facts/entities.yaml", ENTITIES + SPEAKERS)
    tree.write("facts/facts.yaml", FACT + fact(f"  attributed_to: {attributed_to}\n", quote, kind="claim")
               .replace("source: news", "source: wire"))
    inputs = story.check(str(tree.facts), str(tree.sources), relative_to=str(tree.path))
    assert inputs.problems == []
    return [p.code for p in inputs.warnings]


@pytest.mark.parametrize("attributed_to, quote", [
    ("us-government", "The U.S. government has acknowledged"),  # 'U.S.' is 'US'
    ("town-council", "vote on the budget was close"),  # an alias, with a typographic possessive
    ("andres-guzman", "said the report was false"),  # accents or not
])
def test_a_speaker_is_named_as_a_reader_would_name_it(tree, attributed_to, quote):
    assert speaker_warnings(tree, attributed_to, quote) == []


def test_an_alias_names_only_its_own_entity(tree):
    assert speaker_warnings(tree, "town-council", "The U.S. government has acknowledged") == ["speaker-not-named"]


@pytest.mark.parametrize("aliases, code", [
    ("the councillors", "wrong-type"),  # a list of names, not one
    ("['']", "wrong-type"),
    ("[\"the \u202ecouncil\"]", "bad-character"),
])
def test_aliases_are_checked_like_names(tree, aliases, code):
    tree.write("facts/entities.yaml", ENTITIES + SPEAKERS.replace("[the councillors]", aliases))
    assert [(p.code, p.line) for p in story.check(str(tree.facts), str(tree.sources)).problems] == [(code, 17)]


def test_an_alias_on_the_site_and_in_search(tree):
    tree.article("wire", WIRE)
    tree.write("facts/entities.yaml", ENTITIES + SPEAKERS)
    tree.build()
    db = sqlite3.connect(tree.db)
    assert db.execute("select aliases from entities where id = 'town-council'").fetchone() == ('["the councillors"]',)
    assert db.execute("select aliases from entities where id = 'us-government'").fetchone() == (None,)
    found = db.execute("select entities.id from entities_fts join entities on entities.rowid = entities_fts.rowid"
                       " where entities_fts match 'councillors'").fetchall()
    assert found == [("town-council",)]


def test_a_new_alias_settles_a_warning_at_the_next_build(tree):
    """The facts files' checks are cached by what they depend on: entities' names and aliases too."""
    assert speaker_warnings(tree, "town-council", "Guzman said the report was false") == ["speaker-not-named"]
    assert [p.code for p in tree.build().warnings] == ["speaker-not-named"]
    tree.write("facts/entities.yaml", ENTITIES + SPEAKERS.replace("[the councillors]", "[the councillors, Guzman]"))
    assert tree.build().warnings == []


def test_every_build_says_the_storys_warnings_however_it_was_made(tree, monkeypatch):
    """A full build, a build that finds the database up to date, and a patch that rereads one facts file all
    say the same warnings: those of the files not read again are the ones the last build kept."""
    tree.write("facts/more.yaml", fact("  when: Dec. 15\n", "payable Dec. 15 to holders", fid="y"))
    check(tree, fact("  when: Dec. 15\n", "payable Dec. 15 to holders"))
    monkeypatch.chdir(tree.path)
    full = tree.build()
    assert [(p.path, p.code) for p in full.warnings] == [("facts/facts.yaml", "date-guessed"),
                                                        ("facts/more.yaml", "date-guessed")]
    again = tree.build()
    assert again.unchanged and again.warnings == full.warnings
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == ["2 warnings in 2 files", "Up to date timeline.db: 3 facts, 2 entities,"
                                               " 2 sources"]
    # more.yaml settles its guess: the patch rereads it alone, and facts.yaml's warning is still said
    tree.write("facts/more.yaml", fact("  when: Dec. 15\n  direction: future\n", "payable Dec. 15 to holders",
                                       fid="y"))
    patched = tree.build()
    assert patched.patched == ["more.yaml"]
    assert [(p.path, p.code) for p in patched.warnings] == [("facts/facts.yaml", "date-guessed")]
    assert tree.build().warnings == patched.warnings


def test_the_articles_example_still_builds_without_warnings(tree):
    tree.article("gazette", ARTICLE)
    assert story.check(str(tree.facts), str(tree.sources)).warnings == []
