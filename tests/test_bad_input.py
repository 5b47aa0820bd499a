"""Bad input: every mistake a curator can make gives one clear error, and loses nothing.

Each case is a small fixture tree (tests/conftest.py `Tree`) with a database already built from the
good version. Then the mistake is made and `timeline build` runs in the tree. Each case asserts: exit
code 1, no traceback, exactly the expected `path:line: code` problems, a message that tells the user
what to do, and a `timeline.db` byte-identical to the one before.

Most cases run the command in this process (conftest.run_in_process: click's CliRunner on
timeline.cli.cli, in the tree, with the package's caches emptied before and after), some 50 ms a
case against 0.7-0.9 s for a new Python process. The cases in REAL_PROCESS run `python -m timeline
build` as a real process, a few at a time, beside the others: those whose input would hang or
exhaust a process that mishandled it (the process has a memory limit and a time limit: pytest's
process has neither), and a plain one for what only a real process shows (its exit status, and no
traceback or warning on its stderr at all).
"""
import concurrent.futures
import hashlib
import os
import re
import sqlite3
import subprocess
import sys

import pytest
from conftest import ARTICLE, ENTITIES, FACT, ROOT, Tree, run_in_process

from timeline.database import cache
from timeline.inputs import story

F = "facts/facts.yaml"
S = "sources/sources.yaml"
E = "facts/entities.yaml"


def fact(old, new):
    """The good fact file with one edit."""
    assert old in FACT, old
    return {F: FACT.replace(old, new, 1)}


def quoting(new):
    """The good fact file with the figure's quote replaced by other words: the fact becomes an event (a
    figure's value must be a number its quote says)."""
    edited = fact('quote: "cost $12 million to build"', new)[F]
    return {F: edited.replace("  kind: figure\n", "  kind: event\n").replace("  value: 12000000\n  unit: USD\n", "")}


def add(key_line, before="  unit:"):
    """The good fact file with a line inserted before `before`."""
    return fact(before, key_line + "\n" + before)


def sources_yaml(old, new):
    def edit(tree):
        path = tree.sources / "sources.yaml"
        text = path.read_text()
        assert old in text, old
        path.write_text(text.replace(old, new, 1))
    return {"*": edit}


def article_bytes(data, keep_sha=True):
    """Replace the article's bytes; with keep_sha the recorded sha256 follows, so only the bytes are wrong."""
    def edit(tree):
        if keep_sha:
            tree.article("gazette", data)
        else:
            (tree.sources / "gazette.txt").write_bytes(data)
    return {"*": edit}


def symlink_out(tree):
    outside = tree.path.parent / (tree.path.name + "-outside.txt")
    outside.write_text(ARTICLE)
    (tree.sources / "link.txt").symlink_to(outside)
    sources_yaml("path: sources/gazette.txt", "path: sources/link.txt")["*"](tree)


def link(name, target):
    """A symbolic link at `name` (inside the tree) pointing at `target` (as written)."""
    return {"*": lambda tree: os.symlink(target, tree.path / name)}


def fifo(name):
    return {"*": lambda tree: os.mkfifo(tree.path / name)}


def sources_entry(sid, path):
    """An extra sources.yaml entry (from line 6) for `path`, whatever is or is not there."""
    def edit(tree):
        with open(tree.sources / "sources.yaml", "a", encoding="utf-8") as f:
            f.write(f"- id: {sid}\n  path: {path}\n  sha256: {'0' * 64}\n  published: 2025-03-26\n")
    return {"*": edit}


def both(*changes):
    """Several changes to the good tree, made in order."""
    def edit(tree):
        for change in changes:
            for name, content in change.items():
                if name == "*":
                    content(tree)
                else:
                    tree.write(name, content)
    return {"*": edit}


GAZETTE_SHA = hashlib.sha256(ARTICLE.encode()).hexdigest()
WHEN_FACTS = "".join(FACT.replace("bridge-cost", f"bridge-cost-{n}").replace("  value:", "  when: on Monday\n  value:")
                     for n in range(3))
ILLEGALLY = ARTICLE + "The council said the tunnel was built illegally and without a permit.\n"
CURLY_TWIN = ARTICLE + '"It is a great day for the town," said Mayor Ann Lee again.\n'
FAR_FUTURE = ARTICLE + "The loan is paid off 999 years from now, the council said.\n"


BOMB = "- &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"- &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
DEEP_BLOCK = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "end\n"
TWO_QUOTES = "It cost $12 million to build.\nThe tunnel cost $12 million to build too.\n"

# (name, files to change, expected [(path, line, code)], words the message must contain: what to do)
CASES = [
    # --- YAML ---------------------------------------------------------------------------------------
    ("colon in a value", {F: "- id: a\n  title: Mayor: bridge open\n"}, [(F, 2, "yaml-syntax")],
     "put the whole value in quotes"),
    ("unclosed quote", fact('quote: "cost $12 million to build"', 'quote: "cost $12 million to build'),
     [(F, 9, "yaml-syntax")], "add the closing quote"),
    ("tab indentation", {F: "- id: a\n\ttitle: x\n"}, [(F, 2, "yaml-syntax")], "replace the tab with spaces"),
    ("bad indentation", {F: "- id: a\n  kind: event\n title: x\n"}, [(F, 3, "yaml-syntax")],
     "check the indentation"),
    ("duplicate key", {F: FACT + "  title: again\n"}, [(F, 10, "duplicate-key")], "remove one"),
    ("duplicate key in entities", {E: "- id: a\n  name: A\n  name: B\n  type: person\n  description: x\n"},
     [(E, 3, "duplicate-key")], "remove one"),
    ("two documents", {F: FACT + "---\n" + FACT}, [(F, 10, "multiple-documents")], "remove the '---' line"),
    ("anchor", {F: FACT.replace("- id: bridge-cost", "- &x id: bridge-cost")}, [(F, 1, "yaml-anchor")],
     "write each value out in full"),
    ("alias", {F: FACT.replace("  unit: USD", "  unit: *u")}, [(F, 5, "yaml-alias")], "write the value out in full"),
    ("alias bomb", {F: BOMB}, [(F, 1, "yaml-anchor")], "write each value out in full"),
    ("python tag", {F: "- !!python/object/apply:os.system [echo hi]\n"}, [(F, 1, "yaml-tag")], "remove it"),
    ("str tag", fact("title: The", "title: !!str The"), [(F, 3, "yaml-tag")], "remove it"),
    ("deep flow nesting", {F: "[" * 5000}, [(F, 1, "yaml-too-deep")], "facts are shallow"),
    ("deep block nesting", {F: DEEP_BLOCK}, [(F, 21, "yaml-too-deep")], "facts are shallow"),
    ("very large file", {F: b"# " + b"x" * (60 * 1024 * 1024) + b"\n"}, [(F, 1, "file-too-large")],
     "split it into several files"),
    ("empty file", {F: ""}, [(F, 1, "empty-file")], "add entries, or delete the file"),
    ("comment-only file", {F: "# facts go here\n\n# later\n"}, [(F, 1, "empty-file")],
     "add entries, or delete the file"),
    ("latin-1 bytes", {F: FACT.replace("The bridge", "Caf\xe9 bridge").encode("latin-1")},
     [(F, 3, "bad-encoding")], "save the file as UTF-8"),
    ("utf-16 with BOM", {F: FACT.encode("utf-16")}, [(F, 1, "bad-encoding")], "save it as UTF-8"),
    ("utf-16 without BOM", {F: FACT.encode("utf-16-le")}, [(F, 1, "bad-encoding")], "save it as UTF-8"),
    ("NUL byte", {F: FACT.replace("The bridge", "The\x00bridge").encode()}, [(F, 3, "bad-encoding")],
     "it is not a text file"),
    ("line separator", fact("The bridge", "The\u2028bridge"), [(F, 3, "bad-character")],
     "replace it with a normal newline or a space"),
    ("next line character", fact("The bridge", "The\x85bridge"), [(F, 3, "bad-character")],
     "replace it with a normal newline or a space"),
    ("syntax error in sources.yaml", sources_yaml("outlet: The Gazette", "outlet: The: Gazette"),
     [(S, 4, "yaml-syntax")], "put the whole value in quotes"),
    ("file is a mapping", {F: "id: a\nkind: event\n"}, [(F, 1, "not-a-list")], "each entry starts with '- id: ...'"),
    ("file is a scalar", {F: "just some text\n"}, [(F, 1, "not-a-list")], "each entry starts with '- id: ...'"),
    ("item is a scalar", {F: FACT + "- just text\n"}, [(F, 10, "not-a-mapping")], "'- id: ...' followed by its keys"),
    # --- types --------------------------------------------------------------------------------------
    ("direction yes", add("  direction: yes", before="  value:"), [(F, 4, "bad-value")], "use one of: past, future"),
    ("kind typo", fact("kind: figure", "kind: figur"), [(F, 2, "bad-kind")], "did you mean 'figure'?"),
    ("qualifier not allowed", add("  qualifier: roughly"), [(F, 5, "bad-value")], "use one of: exact, approx"),
    ("per not allowed", add("  per: annually"), [(F, 5, "bad-value")], "use one of: day, week, month, year"),
    ("impossible date", add("  date: 2025-02-30", before="  value:"), [(F, 4, "bad-date")],
     "February 2025 has 28 days"),
    ("ambiguous date", add("  date: 03/04/2025", before="  value:"), [(F, 4, "bad-date")], "write"),
    ("date as words", add("  date: March 26", before="  value:"), [(F, 4, "bad-date")],
     "put the phrase in when:"),
    ("unreadable when", add("  when: at some point", before="  value:"), [(F, 4, "bad-date")], "Rephrase it"),
    ("octal-looking value", fact("value: 12000000", "value: 010"), [(F, 4, "bad-number")], "write 10"),
    ("sexagesimal value", fact("value: 12000000", "value: 12:30"), [(F, 4, "bad-number")], "a figure is one number"),
    ("exponent value", fact("value: 12000000", "value: 1e3"), [(F, 4, "bad-number")], "write it out in full: 1000"),
    ("NaN value", fact("value: 12000000", "value: .nan"), [(F, 4, "bad-number")], "write the actual figure"),
    ("infinite value", fact("value: 12000000", "value: .inf"), [(F, 4, "bad-number")], "write the actual figure"),
    ("negative value", fact("value: 12000000", "value: -5"), [(F, 4, "bad-number")], "without a sign"),
    ("absurd value", fact("value: 12000000", "value: 10000000000000000"), [(F, 4, "bad-number")],
     "check the digits"),
    ("money as text", fact("value: 12000000", "value: $12 million"), [(F, 4, "bad-number")],
     "write value: 12000000 and unit: USD"),
    ("thousands separators", fact("value: 12000000", "value: 12,000,000"), [(F, 4, "bad-number")],
     "leave out the thousands separators: 12000000"),
    ("value is a list", fact("value: 12000000", "value: [1, 2]"), [(F, 4, "wrong-type")], "write one number"),
    ("unknown key typo", add("  unti: USD"), [(F, 5, "unknown-key")], "did you mean 'unit'?"),
    ("unknown key in citation", fact("      quote:", "      qoute: x\n      quote:"),
     [(F, 9, "unknown-key")], "did you mean 'quote'?"),
    ("missing kind", fact("  kind: figure\n", ""), [(F, 1, "missing-key")], "add 'kind: ...'"),
    ("empty title", fact("title: The bridge cost $12 million", "title:"), [(F, 3, "missing-key")], "give it a value"),
    ("missing quote", fact('      quote: "cost $12 million to build"\n', ""), [(F, 8, "missing-key")],
     "add 'quote: ...'"),
    ("figure without unit", fact("  unit: USD\n", ""), [(F, 1, "missing-key")], "a figure needs 'unit'"),
    ("title is a list", fact("title: The bridge cost $12 million", "title: [a, b]"), [(F, 3, "wrong-type")],
     "must be text"),
    ("sources is a mapping", fact("  sources:\n    - source: gazette\n      quote",
                                  "  sources:\n    source: gazette\n    quote"),
     [(F, 7, "wrong-type")], "sources must be a list"),
    ("entities is text", fact("[harbour-bridge]", "harbour-bridge"), [(F, 6, "wrong-type")],
     "entities must be a list"),
    ("occurrence zero", {F: FACT + "      occurrence: 0\n"}, [(F, 10, "bad-value")], "occurrence must be 1, 2"),
    ("value on an event", fact("kind: figure", "kind: event"), [(F, 4, "figure-only"), (F, 5, "figure-only")],
     "use kind: figure"),
    ("bad entity type", {E: ENTITIES + "- id: a\n  name: A\n  type: persn\n  description: x\n"},
     [(E, 11, "bad-value")],
     "did you mean 'person'?"),
    ("bad published date", sources_yaml("published: 2025-03-26", "published: 26/03/2025"), [(S, 5, "bad-date")],
     "write 2025-03-26 (ISO form"),
    ("bad sha256", sources_yaml("sha256: ", "sha256: abc"), [(S, 3, "bad-value")], "run `sha256sum"),
    ("bad filing date", sources_yaml("published: 2025-03-26", "published: 2025-03-26\n  date_filed: 26/03/2025"),
     [(S, 6, "bad-date")], "date_filed:"),
    ("bad retrieval time", sources_yaml("published: 2025-03-26", "published: 2025-03-26\n  retrieved: yesterday"),
     [(S, 6, "bad-date")], "retrieved:"),
    # --- identity -----------------------------------------------------------------------------------
    ("duplicate id in one file", {F: FACT + FACT}, [(F, 10, "duplicate-id")], "rename one"),
    ("duplicate id across files", {"facts/more.yaml": FACT}, [("facts/more.yaml", 1, "duplicate-id")], "rename one"),
    ("id with capitals", fact("- id: bridge-cost", "- id: Bridge-Cost"), [(F, 1, "bad-id")],
     "ids are lowercase, e.g. 'bridge-cost'"),
    ("id differing by case across files", {"facts/more.yaml": FACT.replace("bridge-cost", "BRIDGE-COST")},
     [("facts/more.yaml", 1, "bad-id")], "ids are lowercase"),
    ("cyrillic look-alike id", fact("- id: bridge-cost", "- id: bridge-\u0441ost"), [(F, 1, "bad-id")],
     "looks like 'c'"),
    ("greek look-alike id", fact("- id: bridge-cost", "- id: bridge-c\u03bfst"), [(F, 1, "bad-id")],
     "looks like 'o'"),
    ("id is a list", fact("- id: bridge-cost", "- id: [bridge, cost]"), [(F, 1, "wrong-type")], "must be text"),
    ("id with spaces", fact("- id: bridge-cost", "- id: bridge cost"), [(F, 1, "bad-id")], "use lowercase a-z"),
    ("duplicate entity id", {E: "- id: ann-lee\n  name: A\n  type: person\n  description: x\n"
                                "- id: ann-lee\n  name: B\n  type: person\n  description: y\n"
                                "- id: harbour-bridge\n  name: H\n  type: facility\n  description: z\n"},
     [(E, 5, "duplicate-id")], "give each entity its own id"),
    ("duplicate source id", sources_yaml("outlet: The Gazette", "outlet: The Gazette\n- id: gazette\n"
                                         "  path: sources/other.txt\n  sha256: " + "0" * 64),
     [(S, 5, "duplicate-id")], "give each source its own id"),
    ("unknown source", fact("source: gazette", "source: herald"), [(F, 8, "unknown-source")],
     "use one of: gazette, or add it to sources.yaml"),
    ("unknown entity", fact("[harbour-bridge]", "[harbor-bridge]"), [(F, 6, "unknown-entity")],
     "did you mean 'harbour-bridge'?"),
    ("unknown speaker", {F: FACT.replace("kind: figure", "kind: statement")
                         .replace("  value: 12000000\n  unit: USD\n", "  attributed_to: ann-le\n")},
     [(F, 4, "unknown-entity")], "did you mean 'ann-lee'?"),
    ("when_source not cited", add("  when: on Monday\n  when_source: herald", before="  value:"),
     [(F, 5, "unknown-source")], "use one of this fact's sources: gazette"),
    # --- files --------------------------------------------------------------------------------------
    ("path with ..", sources_yaml("path: sources/gazette.txt", "path: ../gazette.txt"),
     [(S, 1, "source-path-outside")], "keep the article files inside it"),
    ("absolute path", sources_yaml("path: sources/gazette.txt", "path: /etc/passwd"),
     [(S, 1, "source-path-outside")], "must be relative to the repository root"),
    ("symlink leading out", {"*": symlink_out}, [(S, 1, "source-path-outside")], "keep the article files inside it"),
    ("missing article", {"sources/gazette.txt": None}, [(S, 1, "source-missing")],
     "add the article or fix the path"),
    ("article bytes changed", article_bytes(ARTICLE.replace("300", "400").encode(), keep_sha=False),
     [(S, 1, "source-changed")], "restore the original bytes"),
    ("article not UTF-8", article_bytes(ARTICLE.encode() + b"caf\xe9\n"), [(S, 1, "bad-encoding")],
     "store the article as UTF-8"),
    ("stray text file", {"facts/notes.txt": "todo\n"}, [("facts/notes.txt", 1, "stray-file")],
     "move it out of the facts folder"),
    ("stray json file", {"facts/facts.json": "[]\n"}, [("facts/facts.json", 1, "stray-file")],
     "move it out of the facts folder"),
    ("missing sources.yaml", {S: None}, [(S, 1, "missing-file")],
     "list the articles there"),
    ("missing entities.yaml", {E: None}, [(E, 1, "missing-file")],
     "list the people, organisations and places there"),
    # --- quotes -------------------------------------------------------------------------------------
    ("quote not in source", fact("cost $12 million to build", "cost $15 million to build"),
     [(F, 9, "quote-not-found")], "nearest text there: 'cost $12 million to build'"),
    ("quote in wrong case", fact("cost $12 million to build", "Cost $12 Million To Build"),
     [(F, 9, "quote-not-found")], "nearest text there: 'cost $12 million to build'"),
    ("quote occurs twice", article_bytes(TWO_QUOTES.encode()), [(F, 9, "quote-ambiguous")],
     "quote more words, or add occurrence: N"),
    ("occurrence too high", {F: FACT + "      occurrence: 2\n"}, [(F, 10, "bad-occurrence")],
     "the quote occurs 1 time"),
    ("quote too short", fact("cost $12 million to build", "Mayor"), [(F, 9, "quote-too-short")],
     "quote at least 3 words"),
    ("quote spans paragraphs", fact("cost $12 million to build", "on Monday. \u201cIt is a great day"),
     [(F, 9, "quote-spans-paragraphs")], "cite each paragraph's words as its own quote"),
    ("quote elided", fact("cost $12 million to build", "The Harbour Bridge ... to build"),
     [(F, 9, "quote-elided")], "cite each part as its own quote"),
    ("quote is a list", fact('quote: "cost $12 million to build"', "quote: [cost, million]"),
     [(F, 9, "wrong-type")], "must be text"),
    # --- what a careless editor or an attacker leaves (issue 16) ---------------------------------------
    ("symlink loop in facts", link("facts/loop.yaml", "loop.yaml"), [("facts/loop.yaml", 1, "unreadable-file")],
     "leads round in a loop: remove it"),
    ("symlink to nothing in facts", link("facts/gone.yaml", "nowhere.yaml"),
     [("facts/gone.yaml", 1, "unreadable-file")], "which does not exist: remove it"),
    ("facts file with a read error", link("facts/broken.yaml", "/proc/self/mem"),
     [("facts/broken.yaml", 1, "unreadable-file")], "input/output error"),
    ("named pipe in facts", fifo("facts/pipe.yaml"), [("facts/pipe.yaml", 1, "unreadable-file")],
     "named pipe (FIFO), not a file: remove it"),
    ("facts in a subfolder", {"facts/drafts/more.yaml": FACT.replace("bridge-cost", "bridge-cost-2")},
     [("facts/drafts", 1, "stray-folder")], "move it up into facts/, or move the folder out"),
    ("named pipe as an article", both(fifo("sources/pipe.txt"), sources_entry("pipe", "sources/pipe.txt")),
     [(S, 6, "source-missing")], "named pipe (FIFO), not a file"),
    ("a device as an article", both(link("sources/zero.txt", "/dev/zero"), sources_entry("zero", "sources/zero.txt")),
     [(S, 6, "source-path-outside")], "keep the article files inside it"),
    ("article too large", article_bytes(ARTICLE.encode() + b"x" * (11 * 1024 * 1024) + b"\n"),
     [(S, 1, "file-too-large")], "the limit is 10 MB"),
    ("named pipe left in sources", fifo("sources/pipe.txt"), [("sources/pipe.txt", 1, "stray-file")],
     "named pipe (FIFO)"),
    ("device left in sources", link("sources/zero.txt", "/dev/zero"), [("sources/zero.txt", 1, "stray-file")],
     "character device"),
    ("stray article", {"sources/herald.txt": ARTICLE}, [("sources/herald.txt", 1, "stray-file")],
     f"sha256: {GAZETTE_SHA}"),
    ("missing sha256", sources_yaml(f"  sha256: {GAZETTE_SHA}\n", ""), [(S, 1, "missing-key")],
     f"add 'sha256: {GAZETTE_SHA}'"),
    ("unreadable published with when: facts", both(sources_yaml("published: 2025-03-26", "published: 26/03/2025"),
                                                   {F: WHEN_FACTS}),
     [(S, 5, "bad-date")], "write 2025-03-26 (ISO form"),
    ("quote starting mid-word", fact("cost $12 million to build", "fficials say the bridge"),
     [(F, 9, "quote-not-found")], "nearest text there: 'Officials say the bridge'"),
    ("quote ending mid-word", fact("cost $12 million to build", "cost $12 million to buil"),
     [(F, 9, "quote-not-found")], "whole words"),
    ("quote inside a longer word", both(article_bytes(ILLEGALLY.encode()),
                                        fact("cost $12 million to build", "legally and without a permit")),
     [(F, 9, "quote-not-found")], "nearest text there: 'illegally and without a permit'"),
    ("straight quote with a curly twin", both(article_bytes(CURLY_TWIN.encode()),
                                              fact('quote: "cost $12 million to build"',
                                                   "quote: '\"It is a great day for the town,\" said'")),
     [(F, 9, "quote-ambiguous")], "occurs 2 times"),
    ("quote across a CR-only line end", both(article_bytes(ARTICLE.replace("\n", "\r").encode()),
                                             fact("cost $12 million to build", "next week. The Harbour Bridge")),
     [(F, 9, "quote-spans-paragraphs")], "cite each paragraph's words as its own quote"),
    ("when not in the sentence", add("  when: on Tuesday", before="  value:"), [(F, 4, "when-not-in-sentence")],
     "copy the date phrase as the sentence says it"),
    ("when past 2999", both(article_bytes(FAR_FUTURE.encode()),
                            {F: FACT.replace('quote: "cost $12 million to build"', 'quote: "paid off 999 years from now"')
                             .replace("  value:", "  when: 999 years from now\n  direction: future\n  value:")}),
     [(F, 4, "bad-date")], "outside 1000-2999"),
    ("blank title", fact("title: The bridge cost $12 million", "title: '   '"), [(F, 3, "missing-key")],
     "nothing visible"),
    ("invisible title", fact("title: The bridge cost $12 million", 'title: "\\u200b\\u2060"'),
     [(F, 3, "missing-key")], "nothing visible"),
    ("control character in a title", fact("title: The bridge cost $12 million", 'title: "The bridge\\a cost"'),
     [(F, 3, "bad-character")], "U+0007"),
    ("bidi override in a title", fact("title: The bridge cost $12 million", 'title: "The \\u202ebridge"'),
     [(F, 3, "bad-character")], "U+202E"),
    ("noncharacter in a title", fact("title: The bridge cost $12 million", 'title: "The bridge\\uFFFE cost"'),
     [(F, 3, "bad-character")], "U+FFFE"),
    ("noncharacter in notes", add('  notes: "Checked \\uFFFF twice"'), [(F, 5, "bad-character")], "U+FFFF"),
    ("noncharacter in a quote", fact("cost $12 million to build", "cost $12 million\\uFDD0 to build"),
     [(F, 9, "bad-character")], "U+FDD0"),
    ("plane-16 noncharacter in an entity name", {E: ENTITIES.replace("name: Ann Lee", 'name: "Ann \\U0010FFFF Lee"')},
     [(E, 2, "bad-character")], "U+10FFFF"),
    ("noncharacter in an outlet", sources_yaml("outlet: The Gazette", 'outlet: "The \\uFFFE Gazette"'),
     [(S, 4, "bad-character")], "U+FFFE"),
    ("fact id with a trailing newline", fact("- id: bridge-cost", '- id: "bridge-cost\\n"'), [(F, 1, "bad-id")],
     "'bridge-cost\\n' has a line break around it"),
    ("entity id with a trailing newline", {E: ENTITIES.replace("- id: ann-lee", '- id: "ann-lee\\n"')},
     [(E, 1, "bad-id")], "write 'ann-lee'"),
    ("source id with a trailing newline", sources_yaml("- id: gazette", '- id: "gazette\\n"'),
     [(F, 8, "unknown-source"), (S, 1, "bad-id")], "not in sources.yaml"),
    ("blank unit", fact("unit: USD", "unit: ' '"), [(F, 5, "missing-key")], "nothing visible"),
    ("blank role", fact("[harbour-bridge]", "[{id: harbour-bridge, role: ' '}]"), [(F, 6, "missing-key")],
     "nothing visible"),
    ("blank entity name", {E: ENTITIES.replace("name: Ann Lee", 'name: "\\t"')}, [(E, 2, "missing-key")],
     "nothing visible"),
    ("javascript url", sources_yaml("outlet: The Gazette", "outlet: The Gazette\n  url: javascript:alert(1)"),
     [(S, 5, "bad-value")], "http:// or https://"),
    ("data url", sources_yaml("outlet: The Gazette", "outlet: The Gazette\n  url: 'DATA:text/html,<b>x</b>'"),
     [(S, 5, "bad-value")], "http:// or https://"),
    ("a value over 1 MB", add("  notes: " + "x" * (1024 * 1024 + 1)), [(F, 5, "bad-value")], "at most 1 MB"),
    ("a sentence over 1 MB", article_bytes(ARTICLE.encode() + b"word " * 220000 + b"\n"),
     [(S, 1, "sentence-too-long")], "a line break after each paragraph"),
    ("url without a scheme", sources_yaml("outlet: The Gazette", "outlet: The Gazette\n  url: www.example.com/a"),
     [(S, 5, "bad-value")], "https://www.example.com/a"),
]


def make_tree(path, files, db=None):
    """A fixture tree with a database built from the good version (`db`: bytes of one, to save time),
    then `files` changed."""
    tree = Tree(path)
    if db is None:
        tree.build()
    else:
        tree.db.write_bytes(db)
    for name, content in files.items():
        if name == "*":
            content(tree)
        elif content is None:
            (tree.path / name).unlink()
        else:
            tree.write(name, content)
    return tree


# The cases run as a real process (`python -m timeline build`, as a user runs it), and why. The others run
# in this process: the same command, the same output and exit code, some 15 times quicker.
REAL_PROCESS = {
    "colon in a value": "the real command: its exit status, and nothing on stderr but the report (no warning,"
                        " no traceback)",
    "alias bomb": "expanded, it takes all the memory there is: the process has a memory limit",
    "deep flow nesting": "a parser that recursed into it would overflow the stack: a crash of the process",
    "very large file": "60 MB read and parsed would need the memory limit",
    "article too large": "an 11 MB paragraph split into sentences would run into the time limit",
    "a sentence over 1 MB": "a 1 MB sentence split by pysbd would run into the time limit",
    "named pipe in facts": "opening a named pipe blocks until a writer comes: the time limit",
    "named pipe as an article": "opening a named pipe blocks until a writer comes: the time limit",
    "named pipe left in sources": "opening a named pipe blocks until a writer comes: the time limit",
    "a device as an article": "/dev/zero read to its end takes all the memory there is: the memory limit",
    "device left in sources": "/dev/zero read to its end takes all the memory there is: the memory limit",
}


def run_build(tree, timeout=60):
    """`python -m timeline build` as a real process in the tree, with at most 2 GB of memory; a build
    still running after `timeout` seconds is killed and reported as such."""
    import resource

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    try:
        return subprocess.run([sys.executable, "-m", "timeline", "build"], cwd=tree.path, env=env,
                              capture_output=True, text=True, timeout=timeout, preexec_fn=limit_memory)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(e.cmd, -9, "", f"the build hung: killed after {timeout} s")


def build_here(tree):
    """`timeline build` in the tree, run in this process (conftest.run_in_process)."""
    return run_in_process(["build"], cwd=tree.path)


@pytest.fixture(scope="module")
def good_db(tmp_path_factory):
    """The bytes of the good tree's database (builds are deterministic)."""
    return make_tree(tmp_path_factory.mktemp("good"), {}).db.read_bytes()


@pytest.fixture(scope="module")
def processes(tmp_path_factory, good_db):
    """{name: future of (tree, its database's sha256 before, the result)} for the REAL_PROCESS cases, started
    together when the first is wanted and run two at a time while the other cases run in this process."""
    def one(case):
        name, files = case[0], case[1]
        tree = make_tree(tmp_path_factory.mktemp(re.sub(r"\W+", "-", name)), files, db=good_db)
        before = hashlib.sha256(tree.db.read_bytes()).hexdigest()
        return tree, before, run_build(tree)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        yield {case[0]: pool.submit(one, case) for case in CASES if case[0] in REAL_PROCESS}


PROBLEM = re.compile(r"^(\S+):(\d+): ([a-z0-9-]+): (.*)$")


def problems(stderr):
    return [(m[1], int(m[2]), m[3], m[4]) for m in map(PROBLEM.match, stderr.splitlines()) if m]


def test_the_battery_is_big_enough():
    assert len(CASES) >= 50
    assert len({c[0] for c in CASES}) == len(CASES)
    assert set(REAL_PROCESS) <= {c[0] for c in CASES}
    assert len(REAL_PROCESS) <= 15, "a real process per case is what made the battery slow"


@pytest.mark.parametrize("name, files, expected, instruction", CASES, ids=[c[0] for c in CASES])
def test_bad_input(request, tmp_path, good_db, name, files, expected, instruction):
    if name in REAL_PROCESS:
        tree, before, result = request.getfixturevalue("processes")[name].result()
    else:
        tree = make_tree(tmp_path, files, db=good_db)
        before = hashlib.sha256(tree.db.read_bytes()).hexdigest()
        result = build_here(tree)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1, result.stderr
    found = problems(result.stderr)
    assert sorted((p, line, code) for p, line, code, _ in found) == sorted(expected), result.stderr
    first = next(message for p, line, code, message in found if (p, line, code) == expected[0])
    assert instruction in first, first
    assert result.stderr.splitlines()[-1] == "Nothing written: timeline.db is unchanged."
    # nothing but the report: no warning, nothing a worker printed (a real process: nothing at all)
    *lines, count, _ = result.stderr.splitlines()
    assert [line for line in lines if not PROBLEM.match(line)] == [] and result.stdout == "", result.stderr
    assert count == f"{len(found)} problem{'s' if len(found) != 1 else ''} in {len({p for p, *_ in found})} file" \
        + ("s" if len({p for p, *_ in found}) != 1 else ""), result.stderr
    assert hashlib.sha256(tree.db.read_bytes()).hexdigest() == before
    assert not list(tree.path.glob("timeline.db.building-*"))


# --- what editors leave next to the files they edit: never read, never reported ---------------------

LEFTOVERS = {
    ".#facts.yaml": "user@host.4242:1700000000",  # Emacs lock: a symlink to nowhere
    "#facts.yaml#": "- id: half-typed\n",  # Emacs auto-save
    "facts.yaml~": "- id: [old\n",  # backup
    ".facts.yaml.swp": b"b0VIM 9.0\x00\x00",  # vim swap
    "facts.yaml.swp": b"b0VIM 9.0\x00\x00",  # vim swap kept in another folder's naming
    "4913": "",  # vim's check that it may write the folder
    "facts.yaml___jb_tmp___": "- id: [\n",  # JetBrains' safe write
    ".DS_Store": b"\x00\x00\x00\x01Bud1",
}


def leave_leftovers(folder):
    for name, content in LEFTOVERS.items():
        if name.startswith(".#"):
            os.symlink(content, folder / name)
        else:
            (folder / name).write_bytes(content if isinstance(content, bytes) else content.encode())


def test_editor_leftovers_are_skipped(tmp_path):
    tree = make_tree(tmp_path, {})
    for folder in (tree.facts, tree.sources):
        leave_leftovers(folder)
    first = build_here(tree)
    assert first.returncode == 0 and "Traceback" not in first.stderr, first.stderr
    assert first.stderr.splitlines()[-1].startswith("Up to date timeline.db: 1 facts"), first.stderr
    (tree.facts / ".#entities.yaml").symlink_to("user@host.4242:1700000001")  # another lock: still nothing to do
    assert build_here(tree).stderr.splitlines()[-1].startswith("Up to date timeline.db"), first.stderr


def test_a_file_vanishing_while_the_folders_are_read_is_not_there(tree, monkeypatch):
    """An editor saving by writing a temporary file and renaming it: listed, then gone when opened."""
    from timeline.database import cache

    tree.build()
    walk = os.walk

    def listing_a_vanished_file(folder, *args, **kwargs):
        for dirpath, dirnames, filenames in walk(folder, *args, **kwargs):
            yield dirpath, dirnames, filenames + ["saving.yaml.tmp", "visit.yaml"]

    monkeypatch.setattr(os, "walk", listing_a_vanished_file)
    monkeypatch.setattr(os, "listdir", lambda folder: [n for _, _, names in listing_a_vanished_file(folder)
                                                       for n in names])
    hashes, _ = cache.input_hashes(tree.facts, tree.sources)
    assert sorted(hashes["facts"]) == ["entities.yaml", "facts.yaml"]
    assert tree.check() == []


# --- input that looks wrong but is right: it must build ------------------------------------------------

GOOD = [
    ("NO as a title", fact("title: The bridge cost $12 million", "title: NO"), "title", "NO"),
    ("yes and on as text", fact("title: The bridge cost $12 million", "title: yes on off"), "title", "yes on off"),
    ("unquoted number as text", fact("title: The bridge cost $12 million", "title: 1e3"), "title", "1e3"),
    ("unquoted date as a date", add("  date: 2021-03-04", before="  value:"), "date_start", "2021-03-04"),
    ("a BOM", {F: "\ufeff" + FACT}, "title", "The bridge cost $12 million"),
    ("CRLF line ends", {F: FACT.replace("\n", "\r\n")}, "title", "The bridge cost $12 million"),
    ("curly quotes typed straight", quoting("quote: '\"It is a great day for the town,\" said'"), "quote",
     "\u201cIt is a great day for the town,\u201d said"),
    ("an em dash typed as --", {"*": lambda t: t.article("gazette", ARTICLE.replace("to build,", "to build \u2014"))}
     | fact('quote: "cost $12 million to build"', 'quote: "cost $12 million to build -- the"'), "quote",
     "cost $12 million to build \u2014 the"),
    ("a non-breaking space", {"*": lambda t: t.article("gazette", ARTICLE.replace("$12 million", "$12\u00a0million"))},
     "quote", "cost $12\u00a0million to build"),
    ("an ellipsis as three dots", {"*": lambda t: t.article("gazette", ARTICLE.replace("next week.", "next week\u2026"))}
     | quoting('quote: "will open next week..."'), "quote",
     "will open next week\u2026"),
    ("decomposed accents", {"*": lambda t: t.article("gazette", ARTICLE.replace("Ann Lee", "Ren\u00e9e Lee"))}
     | quoting('quote: "said Mayor Rene\u0301e Lee"'), "quote",
     "said Mayor Ren\u00e9e Lee"),
    ("CR-only line ends", {"*": lambda t: t.article("gazette", ARTICLE.replace("\n", "\r"))}, "quote",
     "cost $12 million to build"),
    ("a quote starting with punctuation", fact('quote: "cost $12 million to build"',
                                             "quote: '$12 million to build, the'"), "quote", "$12 million to build, the"),
]

HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "'; DROP TABLE facts; --",
    "Robert'); DELETE FROM citations WHERE ('1'='1",
    "{{ 7*7 }} {% raw %}",
]


@pytest.mark.parametrize("name, files, column, value", GOOD, ids=[g[0] for g in GOOD])
def test_looks_wrong_but_builds(tmp_path, name, files, column, value):
    tree = make_tree(tmp_path, files)
    assert tree.check() == []
    tree.build()
    db = sqlite3.connect(tree.db)
    row = db.execute("select facts.*, citations.quote from facts join citations on fact_id = facts.id").fetchone()
    names = [d[0] for d in db.execute("select facts.*, citations.quote from facts join citations"
                                      " on fact_id = facts.id").description]
    assert dict(zip(names, row))[column] == value


@pytest.mark.parametrize("text", HOSTILE)
def test_html_and_sql_looking_text_is_stored_as_is(tmp_path, text):
    article = ARTICLE + f"The sign read {text} in red letters.\n"
    tree = make_tree(tmp_path, {"*": lambda t: t.article("gazette", article)})
    yaml_text = text.replace("'", "''")
    tree.write(F, FACT.replace("title: The bridge cost $12 million", f"title: '{yaml_text}'")
               + f"  notes: '{yaml_text}'\n"
               + f"- id: sign\n  kind: event\n  title: '{yaml_text}'\n  sources:\n    - source: gazette\n"
                 f"      quote: 'The sign read {yaml_text} in red letters.'\n")
    tree.build()
    db = sqlite3.connect(tree.db)
    assert db.execute("select title, notes from facts where id = 'bridge-cost'").fetchone() == (text, text)
    assert db.execute("select quote from citations where fact_id = 'sign'").fetchone() == (
        f"The sign read {text} in red letters.",)
    assert db.execute("select count(*) from citations").fetchone() == (2,)


# --- what a build trusts from the last one ------------------------------------------------------------

def test_a_poisoned_cache_entry_cannot_put_words_in_a_source(tmp_path):
    """The build cache keeps each facts file's checked facts; an entry changed behind its back (a quote
    that is not the article's words at its offsets) is not used: the file is read and checked again."""
    import json

    tree = make_tree(tmp_path, {})
    cache_db = sqlite3.connect(tree.path / ".timeline-cache" / "cache.db")
    [(key, value)] = cache_db.execute("SELECT key, value FROM entries WHERE kind = 'facts'").fetchall()
    pairs = json.loads(value.split(":", 1)[1])
    pairs[0][0]["citations"][0]["quote"] = "cost $15 million to build"
    pairs[0][0]["title"] = "Poisoned"
    text = json.dumps(pairs)
    # sealed again with this user's key (as one who has it could): the quotes are still checked
    cache_db.execute("UPDATE entries SET value = ? WHERE kind = 'facts' AND key = ?",
                     (f"{cache._seal('facts', key, text)}:{text}", key))
    cache_db.commit()
    cache_db.close()
    tree.db.unlink()  # a full build, which takes the checked facts from the cache
    result = build_here(tree)
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(tree.db)
    [(quote, start, end)] = db.execute("SELECT quote, start, \"end\" FROM citations").fetchall()
    assert quote == ARTICLE[start:end] == "cost $12 million to build"
    assert db.execute("SELECT title FROM facts").fetchone() == ("The bridge cost $12 million",)


def test_no_field_of_a_tampered_cache_entry_is_used(tmp_path):
    """A title, a value, notes (the quotes left intact, as the quote check would catch them) and the
    corroboration rows (source_links) edited in the cache were used as they were: every entry now
    carries a keyed hash (HMAC) of its content, and one that does not match is recomputed."""
    import json

    second = ARTICLE.replace("Officials say", "Reporters say")
    tree = make_tree(tmp_path, {"*": lambda t: t.article("herald", second, based_on="gazette")})
    tree.build()
    expected = {table: sqlite3.connect(tree.db).execute(f"SELECT * FROM {table}").fetchall()
                for table in ("facts", "source_links", "source_origins")}
    cache_db = sqlite3.connect(tree.path / ".timeline-cache" / "cache.db")
    for kind, key, value in cache_db.execute("SELECT kind, key, value FROM entries"
                                             " WHERE kind IN ('facts', 'source_rows')").fetchall():
        seal, data = ("", value) if value.startswith(("[", "{")) else value.split(":", 1)  # a seal, if any
        if kind == "facts":
            pairs = json.loads(data)
            pairs[0][0].update(title="The bridge cost $99 million", value=99000000, notes="Poisoned")
            data = json.dumps(pairs)
        elif kind == "source_rows":
            rows = json.loads(data)
            rows["source_links"] = [dict(r, relation="independent") for r in rows["source_links"]] + \
                [dict(rows["source_links"][0], source_a="herald", source_b="nosuch")]
            rows["source_origins"] = [dict(r, origin=r["source_id"]) for r in rows["source_origins"]]
            data = json.dumps(rows)
        cache_db.execute("UPDATE entries SET value = ? WHERE kind = ? AND key = ?",
                         (f"{seal}:{data}" if seal else data, kind, key))
    cache_db.commit()
    cache_db.close()
    tree.db.unlink()  # a full build, which takes what it can from the cache
    result = build_here(tree)
    assert result.returncode == 0, result.stderr
    for table, rows in expected.items():
        assert sqlite3.connect(tree.db).execute(f"SELECT * FROM {table}").fetchall() == rows, table


def test_a_database_edited_by_hand_with_its_times_set_back_is_rebuilt(tmp_path):
    tree = make_tree(tmp_path, {})
    before = os.stat(tree.db)
    db = sqlite3.connect(tree.db)
    db.execute("UPDATE facts SET title = 'The bridge cost $99 million'")  # same length: same size
    db.commit()
    db.close()
    os.utime(tree.db, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(tree.db)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    result = build_here(tree)
    assert result.stderr.splitlines()[-1].startswith("Built timeline.db"), result.stderr
    assert sqlite3.connect(tree.db).execute("SELECT title FROM facts").fetchone() == ("The bridge cost $12 million",)


# --- one mistake in the real data: exactly one problem, not a cascade --------------------------------

def break_first(path, old, new):
    def edit(root):
        text = (root / path).read_text(encoding="utf-8")
        assert old in text, old
        (root / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


REAL_MISTAKES = [
    ("sources.yaml unreadable", break_first(S, "outlet: ", "outlet: a: "), S, "yaml-syntax"),
    ("entities.yaml unreadable", lambda root: open(root / E, "a").write("- id: x\n  id: y\n"), E, "duplicate-key"),
    ("a fact file unreadable", break_first("facts/visit.yaml", "  topic: noem-cecot-visit-date",
                                           "  topic: noem-cecot-visit-date\n\ttopic: x"),
     "facts/visit.yaml", "yaml-syntax"),
    ("a typo in a quote of a fact with a resolved topic",
     break_first("facts/visit.yaml", 'quote: "', 'quote: "zz '), "facts/visit.yaml", "quote-not-found"),
]


@pytest.mark.parametrize("name, edit, path, code", REAL_MISTAKES, ids=[m[0] for m in REAL_MISTAKES])
def test_one_mistake_in_the_real_data_is_one_problem(tmp_path, name, edit, path, code):
    import shutil


    for folder in ("facts", "sources"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    edit(tmp_path)
    problems = story.check(str(tmp_path / "facts"), str(tmp_path / "sources"), relative_to=str(tmp_path)).problems
    assert [(p.path, p.code) for p in problems] == [(path, code)], [str(p) for p in problems]
