"""Every error code, triggered by a small fixture tree: `path:line: code`, never a traceback."""
import pytest
from click.testing import CliRunner
from conftest import FACT

from timeline.cli import cli

OK_QUOTE = '      quote: "cost $12 million to build"\n'


def fact(*lines, head="- id: bridge-cost\n  kind: figure\n  title: The bridge cost $12 million\n"):
    return head + "".join(line + "\n" for line in lines)


SOURCES = "  sources:\n    - source: gazette\n"
CASES = [
    # (name, {file: content}, expected (path, line, code))
    ("yaml syntax", {"facts/facts.yaml": "- id: a\n  title: x: y\n"}, ("facts/facts.yaml", 2, "yaml-syntax")),
    ("tab indentation", {"facts/facts.yaml": "- id: a\n\ttitle: x\n"}, ("facts/facts.yaml", 2, "yaml-syntax")),
    ("duplicate key", {"facts/facts.yaml": FACT + "  title: again\n"}, ("facts/facts.yaml", 10, "duplicate-key")),
    ("alias", {"facts/facts.yaml": FACT + "- &a x\n- *a\n"}, ("facts/facts.yaml", 10, "yaml-anchor")),
    ("tag", {"facts/facts.yaml": "- !!python/object:os.system x\n"}, ("facts/facts.yaml", 1, "yaml-tag")),
    ("too deep", {"facts/facts.yaml": "[" * 5000}, ("facts/facts.yaml", 1, "yaml-too-deep")),
    ("two documents", {"facts/facts.yaml": FACT + "---\n" + FACT}, ("facts/facts.yaml", 10, "multiple-documents")),
    ("utf-16", {"facts/facts.yaml": FACT.encode("utf-16")}, ("facts/facts.yaml", 1, "bad-encoding")),
    ("latin-1", {"facts/facts.yaml": "- id: caf\xe9\n".encode("latin-1")}, ("facts/facts.yaml", 1, "bad-encoding")),
    ("line separator", {"facts/facts.yaml": FACT.replace("The bridge", "The\u2028bridge")},
     ("facts/facts.yaml", 3, "bad-character")),
    ("empty file", {"facts/facts.yaml": "# nothing yet\n"}, ("facts/facts.yaml", 1, "empty-file")),
    ("not a list", {"facts/facts.yaml": "id: a\n"}, ("facts/facts.yaml", 1, "not-a-list")),
    ("not a mapping", {"facts/facts.yaml": "- just text\n"}, ("facts/facts.yaml", 1, "not-a-mapping")),
    ("unknown key", {"facts/facts.yaml": FACT.replace("  unit:", "  unti: USD\n  unit:")},
     ("facts/facts.yaml", 5, "unknown-key")),
    ("missing key", {"facts/facts.yaml": FACT.replace("  title: The bridge cost $12 million\n", "")},
     ("facts/facts.yaml", 1, "missing-key")),
    ("wrong type", {"facts/facts.yaml": FACT.replace("title: The bridge cost $12 million", "title: [a, b]")},
     ("facts/facts.yaml", 3, "wrong-type")),
    ("bad id", {"facts/facts.yaml": FACT.replace("bridge-cost", "Bridge Cost")}, ("facts/facts.yaml", 1, "bad-id")),
    ("look-alike id", {"facts/facts.yaml": FACT.replace("bridge-cost", "bridge-\u0441ost")},
     ("facts/facts.yaml", 1, "bad-id")),
    ("duplicate id across files", {"facts/more.yaml": FACT}, ("facts/more.yaml", 1, "duplicate-id")),
    ("bad kind", {"facts/facts.yaml": FACT.replace("kind: figure", "kind: fgure")}, ("facts/facts.yaml", 2, "bad-kind")),
    ("impossible date", {"facts/facts.yaml": FACT.replace("  value:", "  date: 2025-02-30\n  value:")},
     ("facts/facts.yaml", 4, "bad-date")),
    ("ambiguous date", {"facts/facts.yaml": FACT.replace("  value:", "  date: 03/04/2025\n  value:")},
     ("facts/facts.yaml", 4, "bad-date")),
    ("unreadable when", {"facts/facts.yaml": FACT.replace("  value:", "  when: at some point\n  value:")},
     ("facts/facts.yaml", 4, "bad-date")),
    ("money as text", {"facts/facts.yaml": FACT.replace("value: 12000000", "value: $12 million")},
     ("facts/facts.yaml", 4, "bad-number")),
    ("octal-looking", {"facts/facts.yaml": FACT.replace("value: 12000000", "value: 010")},
     ("facts/facts.yaml", 4, "bad-number")),
    ("bad qualifier", {"facts/facts.yaml": FACT.replace("  unit:", "  qualifier: roughly\n  unit:")},
     ("facts/facts.yaml", 5, "bad-value")),
    ("value on an event", {"facts/facts.yaml": FACT.replace("kind: figure", "kind: event")},
     ("facts/facts.yaml", 4, "figure-only")),
    ("unknown source", {"facts/facts.yaml": FACT.replace("source: gazette", "source: herald")},
     ("facts/facts.yaml", 8, "unknown-source")),
    ("unknown entity", {"facts/facts.yaml": FACT.replace("[harbour-bridge]", "[harbor-bridge]")},
     ("facts/facts.yaml", 6, "unknown-entity")),
    ("statement without speaker", {"facts/facts.yaml": FACT.replace("kind: figure", "kind: statement")
                                   .replace("  value: 12000000\n  unit: USD\n", "")},
     ("facts/facts.yaml", 1, "missing-key")),
    ("quote not found", {"facts/facts.yaml": FACT.replace("cost $12 million to build", "cost $15 million to build")},
     ("facts/facts.yaml", 9, "quote-not-found")),
    ("quote twice", {"facts/facts.yaml": FACT.replace("cost $12 million to build", "the")
                     .replace('"the"', '"said"')}, ("facts/facts.yaml", 9, "quote-too-short")),
    ("quote ambiguous", {"sources/gazette.txt": None, "facts/facts.yaml": FACT}, ("facts/facts.yaml", 9, "quote-ambiguous")),
    ("quote across paragraphs", {"facts/facts.yaml": FACT.replace("cost $12 million to build",
                                                                 "on Monday. \u201cIt is a great day")},
     ("facts/facts.yaml", 9, "quote-spans-paragraphs")),
    ("elided quote", {"facts/facts.yaml": FACT.replace("cost $12 million to build", "The Harbour Bridge ... to build")},
     ("facts/facts.yaml", 9, "quote-elided")),
    ("occurrence too high", {"facts/facts.yaml": FACT + "      occurrence: 2\n"},
     ("facts/facts.yaml", 10, "bad-occurrence")),
    ("stray file", {"facts/notes.txt": "todo\n"}, ("facts/notes.txt", 1, "stray-file")),
    ("date after source", {"facts/facts.yaml": FACT.replace("  value:", "  date: 2025-04-02\n  value:")},
     ("facts/facts.yaml", 4, "date-after-source")),
    ("date and when disagree", {"facts/facts.yaml": FACT.replace("  value:", "  date: 2025-03-17\n  when: on Monday\n  value:")},
     ("facts/facts.yaml", 4, "date-mismatch")),
    ("missing entities file", {"facts/entities.yaml": None}, ("facts/entities.yaml", 1, "missing-file")),
]


@pytest.mark.parametrize("name, files, expected", CASES, ids=[c[0] for c in CASES])
def test_error_code(tree, name, files, expected):
    for path, content in files.items():
        if content is None and path == "sources/gazette.txt":
            tree.article("gazette", "It cost $12 million to build.\nThe tunnel cost $12 million to build too.\n")
        elif content is None:
            (tree.path / path).unlink()
        else:
            tree.write(path, content)
    assert expected in tree.codes()


def test_source_changed(tree):
    (tree.sources / "gazette.txt").write_text("Edited after it was recorded.\n")
    assert tree.codes() == [("sources/sources.yaml", 1, "source-changed")]


def test_source_missing(tree):
    (tree.sources / "gazette.txt").unlink()
    assert ("sources/sources.yaml", 1, "source-missing") in tree.codes()


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "sources/link.txt"])
def test_source_path_outside(tree, path):
    (tree.path.parent / "outside.txt").write_text("secret")
    (tree.sources / "link.txt").symlink_to(tree.path.parent / "outside.txt")
    text = (tree.sources / "sources.yaml").read_text().replace("path: sources/gazette.txt", f"path: {path}")
    (tree.sources / "sources.yaml").write_text(text)
    assert ("sources/sources.yaml", 1, "source-path-outside") in tree.codes()


def test_every_problem_is_reported_not_just_the_first(tree):
    tree.write("facts/facts.yaml", FACT.replace("kind: figure", "kind: fgure").replace("gazette", "herald"))
    tree.write("facts/notes.txt", "x")
    codes = [c for _, _, c in sorted(tree.codes())]
    assert codes == ["bad-kind", "unknown-source", "stray-file"]


def test_check_prints_path_line_code_message_sorted_then_a_count(tree, monkeypatch):
    tree.write("facts/facts.yaml", FACT.replace("kind: figure", "kind: fgure").replace("$12 million to", "$13 million to"))
    monkeypatch.chdir(tree.path)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "facts/facts.yaml:2: bad-kind: fact 'bridge-cost': kind 'fgure' is not allowed: did you mean" \
                       " 'figure'? (one of: event, figure, court_action, statement, claim)"
    assert lines[1].startswith("facts/facts.yaml:9: quote-not-found: fact 'bridge-cost': in source 'gazette': quote"
                               " 'cost $13 million to build' is not in the source; nearest text there: 'cost $12 million to build'")
    assert lines[2] == "2 problems in 1 file"
    assert "Traceback" not in result.output


def test_unknown_key_suggests_the_right_one(tree):
    tree.write("facts/facts.yaml", FACT.replace("  unit:", "  unti: x\n  unit:"))
    [problem] = tree.check()
    assert problem.message == "unknown key 'unti' in fact: did you mean 'unit'?"


def test_typographic_variants_of_a_quote_match(tree):
    tree.write("facts/facts.yaml", FACT.replace('quote: "cost $12 million to build"',
                                                "quote: '\"It is a great day for the town,\" said'")
               .replace("  kind: figure\n", "  kind: event\n").replace("  value: 12000000\n  unit: USD\n", ""))
    assert tree.check() == []


def test_problems_are_said_in_the_order_of_their_path_line_code_and_message():
    from timeline.problems import Problem, in_order, report

    found = [Problem("facts/b.yaml", 2, "bad-date", "x"), Problem("facts/a.yaml", 10, "bad-kind", "y"),
             Problem("facts/a.yaml", 9, "missing-key", "z"), Problem("facts/a.yaml", 10, "bad-kind", "a"),
             Problem("facts/a.yaml", 10, "bad-date", "b")]
    assert in_order(found) == sorted(found)
    assert report(found).split("\n") == ["facts/a.yaml:9: missing-key: z", "facts/a.yaml:10: bad-date: b",
                                         "facts/a.yaml:10: bad-kind: a", "facts/a.yaml:10: bad-kind: y",
                                         "facts/b.yaml:2: bad-date: x", "5 problems in 2 files"]
