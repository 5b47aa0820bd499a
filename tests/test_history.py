"""fact_history: each fact's revisions from the git history of the facts folder, with real git and real builds."""
import json
import os
import sqlite3
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import FACT, Tree, assert_same_content, run_in_process
from test_datasette import get

from timeline.cli import cli
from timeline.database import build, history

ADDED = FACT.replace("- id: bridge-cost", "- id: bridge-opens").replace("kind: figure", "kind: event").replace(
    "  value: 12000000\n  unit: USD\n", "").replace("The bridge cost $12 million", "The bridge opens next week")


def git(path, *args, when="2025-03-27T10:00:00+00:00", author="Ann Lee"):
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "ann@example.org",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "ann@example.org", "GIT_AUTHOR_DATE": when,
           "GIT_COMMITTER_DATE": when, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", "-C", str(path), *args], check=True, env=env, capture_output=True, text=True).stdout


def commit(tree, message, **options):
    git(tree.path, "add", "-A")
    git(tree.path, "commit", "-q", "-m", message, **options)
    return git(tree.path, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tree):
    """The small tree as a git repository with one commit."""
    git(tree.path, "init", "-q", "-b", "main")
    commit(tree, "First facts", when="2025-03-26T09:00:00+00:00")
    return tree


def table(db, columns="fact_id, revision, action, fields, previous, author, message"):
    return sqlite3.connect(db).execute(f"SELECT {columns} FROM fact_history ORDER BY fact_id, revision").fetchall()


def retitle(tree, title, fact=FACT):
    tree.write("facts/facts.yaml", fact.replace("The bridge cost $12 million", title))


def test_a_fact_edited_in_a_second_commit_has_both_revisions(repo):
    first = git(repo.path, "rev-parse", "HEAD").strip()
    retitle(repo, "The Harbour Bridge cost $12 million")
    second = commit(repo, "Name the bridge", author="Bo Chen")
    repo.build()
    assert table(repo.db, "fact_id, revision, commit_hash, date, author, message, action, fields, previous, file, note") == [
        ("bridge-cost", 1, first, "2025-03-26T09:00:00+00:00", "Ann Lee", "First facts", "added", None, None,
         "facts/facts.yaml", None),
        ("bridge-cost", 2, second, "2025-03-27T10:00:00+00:00", "Bo Chen", "Name the bridge", "changed", "title",
         '{"title": "The bridge cost $12 million"}', "facts/facts.yaml", None)]


def test_the_fact_page_shows_its_history(repo):
    retitle(repo, "The Harbour Bridge cost $12 million")
    commit(repo, "Name the bridge")
    repo.build()
    html = get(repo.db, "/timeline/facts/bridge-cost")
    assert 'id="history"' in html and "2 revisions" in html
    assert "<strong>changed</strong>: title" in html
    assert "<dt>title was</dt><dd><span class=\"value\">The bridge cost $12 million</span></dd>" in html


def test_uncommitted_changes_are_not_history(repo):
    retitle(repo, "Not committed yet")
    repo.build()
    assert [r[:3] for r in table(repo.db)] == [("bridge-cost", 1, "added")]
    assert sqlite3.connect(repo.db).execute("SELECT title FROM facts").fetchone() == ("Not committed yet",)


def test_a_new_commit_is_noticed_and_patched_in(repo):
    retitle(repo, "The Harbour Bridge cost $12 million")
    assert repo.build().counts["facts"] == 1  # the edit, built before it is committed
    assert repo.build().unchanged
    commit(repo, "Name the bridge")
    rebuilt = repo.build()
    assert not rebuilt.unchanged and rebuilt.patched == []  # only the history changed: patched, not rebuilt
    assert [r[:3] for r in table(repo.db)] == [("bridge-cost", 1, "added"), ("bridge-cost", 2, "changed")]
    full = repo.path / "full"
    full.mkdir()
    build.build(str(full / "timeline.db"), str(repo.facts), str(repo.sources), use_cache=False)
    assert_same_content(repo.db, full / "timeline.db")
    assert repo.build().unchanged


def test_a_commit_that_touches_no_facts_file_changes_nothing(repo):
    repo.build()
    repo.write("README.md", "A story.\n")
    commit(repo, "Add a README")
    assert repo.build().unchanged


def test_a_patched_rebuild_after_an_edit_and_a_commit_equals_a_full_build(repo):
    repo.build()
    repo.write("facts/more.yaml", ADDED)
    commit(repo, "A second fact")
    rebuilt = repo.build()
    assert rebuilt.patched == ["more.yaml"]
    assert [r[:3] for r in table(repo.db)] == [("bridge-cost", 1, "added"), ("bridge-opens", 1, "added")]
    full = repo.path / "full"
    full.mkdir()
    build.build(str(full / "timeline.db"), str(repo.facts), str(repo.sources), use_cache=False)
    assert_same_content(repo.db, full / "timeline.db")


def test_the_same_history_gives_the_same_bytes(repo):
    retitle(repo, "The Harbour Bridge cost $12 million")
    commit(repo, "Name the bridge")
    build.build(str(repo.db), str(repo.facts), str(repo.sources), use_cache=False)
    first = repo.db.read_bytes()
    repo.db.unlink()
    repo.build()
    assert repo.db.read_bytes() == first


def test_moved_renamed_unreadable_and_removed(repo):
    two = FACT + ADDED + ADDED.replace("bridge-opens", "bridge-closes").replace("opens next week", "closes at night")
    repo.write("facts/facts.yaml", two)
    commit(repo, "Three facts")
    repo.write("facts/facts.yaml", ADDED + ADDED.replace("bridge-opens", "bridge-closes").replace("opens next week",
                                                                                                  "closes at night"))
    repo.write("facts/money.yaml", FACT)
    commit(repo, "Money facts in their own file")
    repo.write("facts/facts.yaml", ADDED.replace("bridge-opens", "bridge-opening") + ADDED.replace(
        "bridge-opens", "bridge-closes").replace("opens next week", "closes at night"))
    commit(repo, "A better id")
    repo.write("facts/facts.yaml", "- id: [broken\n")
    commit(repo, "Oops")
    repo.write("facts/facts.yaml", ADDED.replace("bridge-opens", "bridge-closes").replace("opens next week",
                                                                                          "closes at midnight"))
    commit(repo, "Fixed; one fact fewer")
    rows, commits = history.rows(str(repo.facts), history.key(str(repo.facts)))
    assert len(commits) == 6
    found = [(r["fact_id"], r["action"], r["fields"], json.loads(r["previous"] or "null"), r["file"], r["note"])
             for r in rows]
    assert found == [
        ("bridge-closes", "added", None, None, "facts/facts.yaml", None),
        ("bridge-closes", "unreadable", None, None, "facts/facts.yaml", found[1][5]),
        ("bridge-closes", "changed", "title", {"title": "The bridge closes at night"}, "facts/facts.yaml", None),
        ("bridge-cost", "added", None, None, "facts/facts.yaml", None),
        ("bridge-cost", "moved", "file", {"file": "facts/facts.yaml"}, "facts/money.yaml", None),
        ("bridge-opening", "renamed", "id", {"id": "bridge-opens"}, "facts/facts.yaml", "renamed from bridge-opens"),
        ("bridge-opening", "unreadable", None, None, "facts/facts.yaml", found[6][5]),
        ("bridge-opening", "removed", None, {"kind": "event", "title": "The bridge opens next week",
                                             "entities": ["harbour-bridge"],
                                             "sources": [{"source": "gazette", "quote": "cost $12 million to build"}]},
         "facts/facts.yaml", None),
        ("bridge-opens", "added", None, None, "facts/facts.yaml", None),
        ("bridge-opens", "renamed", "id", None, "facts/facts.yaml", "renamed to bridge-opening"),
    ]
    assert [r["revision"] for r in rows if r["fact_id"] == "bridge-opening"] == [1, 2, 3]
    assert found[1][5].startswith("facts/facts.yaml could not be read at this commit (line ")
    assert "yaml-syntax" in found[1][5] and found[1][5].endswith("; taken as it last was")


def test_reformatting_a_file_changes_no_fact(repo):
    repo.write("facts/facts.yaml", "# The bridge\n\n" + FACT.replace("  title: The bridge cost $12 million",
                                                                       "  title: >-\n    The bridge cost\n    $12 million"))
    commit(repo, "Wrap the title")
    rows, _ = history.rows(str(repo.facts), history.key(str(repo.facts)))
    assert [r["action"] for r in rows] == ["added"]


def test_a_merge_is_one_revision_on_the_first_parent_line(repo):
    git(repo.path, "checkout", "-q", "-b", "edit")
    retitle(repo, "The Harbour Bridge cost $12 million")
    commit(repo, "Name the bridge")
    git(repo.path, "checkout", "-q", "main")
    repo.write("README.md", "A story.\n")
    commit(repo, "README")
    git(repo.path, "merge", "-q", "--no-ff", "-m", "Merge the edit", "edit")
    rows, _ = history.rows(str(repo.facts), history.key(str(repo.facts)))
    assert [(r["action"], r["message"]) for r in rows] == [("added", "First facts"), ("changed", "Merge the edit")]


def test_a_shallow_clone_says_what_it_does_not_know(repo, tmp_path_factory):
    retitle(repo, "The Harbour Bridge cost $12 million")
    commit(repo, "Name the bridge")
    clone = tmp_path_factory.mktemp("clone") / "story"
    git(repo.path.parent, "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    rows, _ = history.rows(str(clone / "facts"), history.key(str(clone / "facts")))
    assert [(r["action"], r["message"]) for r in rows] == [("present", "Name the bridge")]
    assert "shallow clone" in rows[0]["note"]


def test_a_folder_outside_git_has_no_history(tree):
    assert history.key(str(tree.facts)) is None
    tree.build()
    assert table(tree.db) == []


def test_without_git_installed_there_is_no_history_and_no_error(repo, monkeypatch, tmp_path_factory):
    monkeypatch.setenv("PATH", str(tmp_path_factory.mktemp("no-git")))
    assert history.key(str(repo.facts)) is None
    repo.build()
    assert table(repo.db) == []


def test_a_rebuild_parses_only_the_files_of_new_commits(repo, monkeypatch):
    repo.write("facts/more.yaml", ADDED)
    commit(repo, "A second file")
    repo.build()
    parsed = []
    real = history.facts_of
    monkeypatch.setattr(history, "facts_of", lambda data: parsed.append(data) or real(data))
    retitle(repo, "The Harbour Bridge cost $12 million")
    commit(repo, "Name the bridge")
    repo.build()
    assert parsed == [(repo.facts / "facts.yaml").read_bytes()]
    parsed.clear()
    repo.article("herald", "Another paper says the bridge cost $12 million to build.\n")  # a full build
    assert not repo.build().patched
    assert parsed == []  # the same history: its rows come from the cache


def test_timeline_history_on_the_command_line(repo, monkeypatch):
    retitle(repo, "The Harbour Bridge cost $12 million")
    second = commit(repo, "Name the bridge", author="Bo Chen")
    monkeypatch.chdir(repo.path)
    result = CliRunner().invoke(cli, ["history", "bridge-cost"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == [
        f"{second[:10]} 2025-03-27 Bo Chen: changed title (facts/facts.yaml)",
        "    Name the bridge",
        "    title was: The bridge cost $12 million"]
    assert result.stderr == "2 revisions of bridge-cost\n"
    rows = json.loads(CliRunner().invoke(cli, ["history", "bridge-cost", "--json"]).stdout)
    assert [r["revision"] for r in rows] == [1, 2]
    missing = CliRunner().invoke(cli, ["history", "bridge-cots"])
    assert missing.exit_code == 1 and "did you mean 'bridge-cost'?" in missing.output


def test_timeline_history_outside_git_says_why(tree, monkeypatch):
    monkeypatch.chdir(tree.path)
    result = CliRunner().invoke(cli, ["history", "bridge-cost"])
    assert result.exit_code == 1
    assert "facts has no git history" in result.output and "Traceback" not in result.output


def test_an_excerpt_database_keeps_no_earlier_quote_of_a_sentence_it_leaves_out(tmp_path):
    tree = Tree(tmp_path)
    tree.article("gazette", "The old bridge was built in 1901 by the council.\n\nNothing else here.\n\n"
                 "The Harbour Bridge cost $12 million to build, the council said.\n")
    tree.write("facts/facts.yaml", FACT.replace("cost $12 million to build", "was built in 1901 by the council"))
    git(tree.path, "init", "-q", "-b", "main")
    commit(tree, "First")
    tree.write("facts/facts.yaml", FACT)
    commit(tree, "The right quote")
    tree.build()
    (previous,), = sqlite3.connect(tree.db).execute("SELECT previous FROM fact_history WHERE revision = 2")
    assert json.loads(previous)["sources"][0]["quote"] == "was built in 1901 by the council"
    build.build(str(tmp_path / "public.db"), str(tree.facts), str(tree.sources), excerpts=True)
    (previous,), = sqlite3.connect(tmp_path / "public.db").execute("SELECT previous FROM fact_history WHERE revision = 2")
    assert json.loads(previous)["sources"] == [{"source": "gazette", "quote": None}]


def test_previous_values_read_as_a_person_writes_them():
    previous = json.dumps({"title": "Old", "entities": ["a", {"id": "b", "role": "judge"}], "date": None,
                           "sources": [{"source": "wapo", "quote": "the words", "occurrence": "2"}]})
    assert history.previous_values(previous) == [
        ("title", ["Old"]), ("date", ["(not given)"]), ("entities", ["a", "id: b, role: judge"]),
        ("sources", ["wapo: \u201cthe words\u201d (occurrence 2)"])]


def test_history_read_a_commit_at_a_time_equals_history_read_at_once(repo):
    """Each build goes on from the last build's history; a rewritten history is read from its start."""
    columns = ", ".join(history.COLUMNS)
    steps = [lambda: retitle(repo, "The Harbour Bridge cost $12 million"),
             lambda: repo.write("facts/more.yaml", ADDED),
             lambda: (repo.write("facts/more.yaml", ADDED + FACT.replace("The bridge cost", "The Harbour Bridge cost")),
                      repo.write("facts/facts.yaml", "# moved to more.yaml\n[]\n")),
             lambda: repo.write("facts/more.yaml", ADDED.replace("bridge-opens", "bridge-opening"))]
    for n, step in enumerate(steps):
        step()
        commit(repo, f"Step {n}")
        repo.build()
        expected = history.rows(str(repo.facts), history.key(str(repo.facts)))[0]
        assert table(repo.db, columns) == [tuple(r[c] for c in history.COLUMNS) for r in expected]
    git(repo.path, "commit", "-q", "--amend", "-m", "Step 3, reworded")
    repo.build()
    messages = {m for (m,) in table(repo.db, "message")}
    assert "Step 3, reworded" in messages and "Step 3" not in messages


def test_no_stored_value_is_over_1_mib_and_the_pages_answer(repo):
    """A 2.5 MB commit message, a 100 kB author and a 1.5 MB title replaced later were stored whole: the
    database promises no value over 1 MiB, and the site refuses to read one (every fact page it touched
    and /timeline/fact_history answered 500)."""
    retitle(repo, "A" * 1_500_000)
    (repo.path.parent / "message").write_text("M" * 2_500_000)
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-q", "-F", str(repo.path.parent / "message"), author="B" * 100_000)
    retitle(repo, "The Harbour Bridge cost $12 million")
    commit(repo, "Name the bridge")
    repo.build()
    longest = sqlite3.connect(repo.db).execute(
        "SELECT max(max(length(CAST(message AS BLOB)), length(CAST(author AS BLOB)),"
        " length(CAST(previous AS BLOB)))) FROM fact_history").fetchone()[0]
    assert longest <= 64 * 1024
    (message, author), (previous,) = sqlite3.connect(repo.db).execute(
        "SELECT message, author FROM fact_history WHERE revision = 2").fetchall() + sqlite3.connect(repo.db).execute(
        "SELECT previous FROM fact_history WHERE revision = 3").fetchall()
    assert message.startswith("MMM") and message.endswith("(2,496,000 more characters not kept)")
    assert author.startswith("BBB") and "more characters not kept" in author
    assert json.loads(previous)["title"].startswith("AAA")
    assert "(3 revisions)" in get(repo.db, "/timeline/facts/bridge-cost")  # the page answers, with all three
    assert "bridge-cost" in get(repo.db, "/timeline/fact_history")


def test_a_huge_file_in_history_is_never_read_into_memory(repo):
    """A 300 MB file committed to the facts folder and removed again made the build hold it whole (600 MB
    in history took 1.26 GB): a blob over the facts file limit is not read at all."""
    with open(repo.facts / "huge.yaml", "wb") as f:
        for _ in range(300):
            f.write(b"# " + b"x" * 1_000_000 + b"\n")
    commit(repo, "A mistake")
    (repo.facts / "huge.yaml").unlink()
    commit(repo, "Undo the mistake")
    script = ("import re, sys; from timeline.database import build; build.build(*sys.argv[1:]);"
              " print(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read())[1])")  # peak kB
    done = subprocess.run([sys.executable, "-c", script, str(repo.db), str(repo.facts), str(repo.path / "sources")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.split()[-1]) < 250_000, done.stdout  # kB: the build alone, not the file


CLIPBOARD = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\x07"  # OSC 52: the terminal writes this to the clipboard


def test_untrusted_text_reaches_the_terminal_without_its_escape_sequences(repo):
    """A commit message and a quote were printed raw, escape sequences included (OSC 52 writes the
    clipboard, others retitle the window or hide lines): each control character is shown as \\u001b."""
    retitle(repo, "The Harbour Bridge cost $12 million")
    (repo.path.parent / "message").write_text(f"Name the bridge {CLIPBOARD}\x9b31m red")
    git(repo.path, "add", "-A")
    git(repo.path, "commit", "-q", "-F", str(repo.path.parent / "message"))
    for args in (["history", "bridge-cost"], ["history", "bridge-cost", "--json"]):
        done = run_in_process(args, repo.path)
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout and "\x9b" not in done.stdout
        assert "\\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\\u0007" in done.stdout
    assert json.loads(run_in_process(["history", "bridge-cost", "--json"], repo.path).stdout)[1]["message"] == \
        f"Name the bridge {CLIPBOARD}\x9b31m red"
    repo.write("facts/facts.yaml", FACT.replace("cost $12 million to build", "cost \\e]0;pwned\\a to build"))
    done = run_in_process(["check"], repo.path)
    assert done.returncode == 1 and "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr
    assert "\\u001b]0;pwned\\u0007" in done.stdout + done.stderr
