"""The Python API as docs/api.md shows it: every example on that page runs, with the output it shows."""
import doctest
import os

from conftest import ROOT

import timeline


def test_the_api_page_runs_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    failures, tried = doctest.testfile(str(ROOT / "docs" / "api.md"), module_relative=False, report=True,
                                       optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried >= 25 and failures == 0


def test_check_takes_the_folders_one_by_one(tree):
    inputs = timeline.check(facts=str(tree.facts), sources=str(tree.sources))
    assert (inputs.problems, len(inputs.facts), sorted(inputs.sources)) == ([], 1, ["gazette"])
    assert inputs.facts[0]["citations"][0]["quote"] == "cost $12 million to build"


def test_build_writes_into_the_story_and_names_its_database(tree, tmp_path):
    assert timeline.build(str(tree.path)).counts == {"facts": 1, "entities": 2, "sources": 1}
    assert tree.db.exists()
    other = tmp_path / "elsewhere.db"
    timeline.build(str(tree.path), db=str(other), use_cache=False)
    assert other.exists()


def test_a_problem_is_raised_by_build_and_returned_by_check(tree):
    tree.write("facts/facts.yaml", tree.facts.joinpath("facts.yaml").read_text().replace("$12", "12"))
    assert [p.code for p in timeline.check(str(tree.path)).problems] == ["quote-not-found"]
    try:
        timeline.build(str(tree.path))
    except timeline.InputError as e:
        assert [p.code for p in e.problems] == ["quote-not-found"]
    else:
        raise AssertionError("InputError was not raised")
    assert not os.path.exists(tree.db)


def test_add_source_refuses_an_unknown_override(tree):
    try:
        timeline.add_source(str(tree.path), "x.html", colour="blue")
    except TypeError as e:
        assert "colour" in str(e)
    else:
        raise AssertionError("TypeError was not raised")
