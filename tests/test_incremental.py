"""Incremental builds: reusing earlier work never changes the database, and the cache is never trusted blindly."""
import os
import sqlite3

import pytest
from conftest import assert_same_content, gen_corpus

from timeline.across import corroboration
from timeline.database import build, cache
from timeline.errors import InputError
from timeline.inputs import facts
from timeline.text import sentences, signals


@pytest.fixture
def work(corpus, tmp_path):
    """A copy of the corpus to change, and a folder to build into."""
    import shutil

    shutil.copytree(corpus / "facts", tmp_path / "facts")
    shutil.copytree(corpus / "sources", tmp_path / "sources")
    (tmp_path / "out").mkdir()
    return tmp_path


def run(work, db="out/timeline.db", **options):
    return build.build(str(work / db), str(work / "facts"), str(work / "sources"), **options)


def full_build_bytes(work):
    """What a build from nothing (no cache) writes for the inputs as they are now."""
    return full_build(work).read_bytes()


def full_build(work):
    (work / "full").mkdir(exist_ok=True)
    run(work, "full/timeline.db", use_cache=False)
    assert not (work / "full" / cache.FOLDER).exists()
    return work / "full" / "timeline.db"


def change_one_file(work):
    path = work / "facts" / "facts-0002.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  title: ", "  title: Changed - ", 1), encoding="utf-8")


def test_the_generated_corpus_builds(corpus, work):
    inputs = run(work)
    assert inputs.counts == {"facts": 200, "entities": 20, "sources": 10}
    db = sqlite3.connect(work / "out" / "timeline.db")
    assert db.execute("select count(*) from citations").fetchone()[0] >= 200
    assert db.execute("select count(distinct kind) from facts").fetchone()[0] == 5
    assert db.execute("select count(*) from facts where date_text like 'on %day'").fetchone()[0] > 0


def test_the_corpus_generator_is_deterministic(corpus, tmp_path):
    gen_corpus.generate(str(tmp_path), 200, n_articles=10, facts_per_file=50)
    for name in ("facts/facts-0001.yaml", "facts/entities.yaml", "sources/sources.yaml", "sources/a00007.txt"):
        assert (tmp_path / name).read_bytes() == (corpus / name).read_bytes()


def test_rebuild_after_one_changed_file_equals_a_full_build(work, monkeypatch):
    run(work)
    change_one_file(work)
    read = []
    real_read = facts.read_file
    monkeypatch.setattr(facts, "read_file", lambda path, *a: read.append(os.path.basename(path)) or real_read(path, *a))
    monkeypatch.setattr(sentences, "split", lambda text: pytest.fail("an unchanged article was split again"))
    monkeypatch.setattr(signals, "signals", lambda text: pytest.fail("an unchanged article was read for signals"))
    monkeypatch.setattr(corroboration, "rows", lambda inputs: pytest.fail("unchanged articles were compared again"))
    inputs = run(work)
    assert not inputs.unchanged
    assert inputs.patched == ["facts-0002.yaml"]
    assert read == ["facts-0002.yaml"]
    monkeypatch.undo()
    assert_same_content(work / "out" / "timeline.db", full_build(work))


def test_rebuild_with_nothing_changed_does_nothing(work):
    run(work)
    db = work / "out" / "timeline.db"
    before = (os.stat(db).st_ino, os.stat(db).st_mtime_ns, db.read_bytes())
    assert run(work).unchanged
    assert (os.stat(db).st_ino, os.stat(db).st_mtime_ns, db.read_bytes()) == before


@pytest.mark.parametrize("damage, why", [
    (lambda db: db.write_bytes(b"\x00garbage" * 100), "the database was replaced by other bytes"),
    (lambda db: db.unlink(), "the database was deleted"),
    (lambda db: db.write_bytes(db.read_bytes()[:4096]), "the database was truncated"),
])
def test_nothing_changed_but_the_database_is_not_the_one_built_rebuilds(work, damage, why):
    run(work)
    db = work / "out" / "timeline.db"
    damage(db)
    assert not run(work).unchanged, why
    assert db.read_bytes() == full_build_bytes(work), why


def test_a_changed_article_is_not_hidden_by_the_cache(work):
    run(work)
    article = work / "sources" / "a00003.txt"
    article.write_bytes(article.read_bytes().replace(b"By ", b"BY ", 1))
    with pytest.raises(InputError) as e:
        run(work)
    assert [p.code for p in e.value.problems] == ["source-changed"]


@pytest.mark.parametrize("tamper, why", [
    ("UPDATE entries SET value = '[[1, 0, 99999999]]' WHERE kind = 'sentences'", "spans beyond the article"),
    ("UPDATE entries SET value = '[[1, 5, 3]]' WHERE kind = 'sentences'", "a span that ends before it starts"),
    ("UPDATE entries SET value = '{\"not\": \"spans\"}' WHERE kind = 'sentences'", "not a list"),
    ("UPDATE entries SET value = 'not json' WHERE kind = 'facts'", "facts that are not JSON"),
    ("UPDATE entries SET value = '[[{\"id\": \"x\"}, 1]]' WHERE kind = 'facts'", "facts missing their columns"),
    ("DELETE FROM entries WHERE kind = 'manifest'", "no manifest"),
    ("UPDATE entries SET value = '[\"x\"]' WHERE kind = 'signals'", "signals for the wrong number of sentences"),
    ("UPDATE entries SET value = '{\"source_links\": []}' WHERE kind = 'source_rows'", "corroboration tables missing"),
    ("UPDATE entries SET value = '{\"source_links\": 1, \"shared_sentences\": [], \"source_origins\": []}'"
     " WHERE kind = 'source_rows'", "corroboration rows that are not rows"),
])
def test_damaged_cache_entries_are_recomputed(work, tamper, why):
    run(work)
    change_one_file(work)  # so that the build cannot take the nothing-changed path
    conn = sqlite3.connect(work / "out" / cache.FOLDER / "cache.db")
    conn.execute(tamper)
    conn.commit()
    conn.close()
    run(work)
    assert_same_content(work / "out" / "timeline.db", full_build(work))


def test_a_cache_file_sqlite_cannot_read_is_started_afresh(work):
    run(work)
    cache_db = work / "out" / cache.FOLDER / "cache.db"
    for leftover in cache_db.parent.iterdir():
        if leftover != cache_db:
            leftover.unlink()
    cache_db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    change_one_file(work)
    assert not run(work).patched  # without the last build's manifest, a full build
    assert (work / "out" / "timeline.db").read_bytes() == full_build_bytes(work)
    assert run(work).unchanged  # and the fresh cache works


@pytest.fixture
def upgrade(monkeypatch):
    """upgrade("sentences", ...): the package as if those modules' code had changed (None: every module)."""
    real = cache.module_source
    changed = set()

    def change(*names):
        changed.update(names or cache.package_modules())
        cache.version_of.cache_clear()

    monkeypatch.setattr(cache, "module_source", lambda name: real(name) + (b"\n# changed" if name in changed else b""))
    yield change
    cache.version_of.cache_clear()


def calls(monkeypatch):
    """{what: how many times}: articles split into sentences, sentences read for signals, corroboration."""
    counted = {"split": 0, "signals": 0, "corroboration": 0}
    for module, name, key in ((sentences, "split", "split"), (signals, "signals", "signals"),
                              (corroboration, "rows", "corroboration")):
        real = getattr(module, name)

        def counting(*args, _real=real, _key=key):
            counted[_key] += 1
            return _real(*args)
        monkeypatch.setattr(module, name, counting)
    return counted


def test_a_new_version_of_the_whole_code_does_not_reuse_entries(work, monkeypatch, upgrade):
    run(work)
    upgrade()
    counted = calls(monkeypatch)
    assert not run(work).unchanged
    assert counted["split"] == 10 and counted["signals"] > 0 and counted["corroboration"] == 1
    assert (work / "out" / "timeline.db").read_bytes() == full_build_bytes(work)


@pytest.mark.parametrize("module, recomputed, why", [
    ("across.conflicts", set(), "the checks changed, not how an article is read: every article's work is kept"),
    ("inputs.dating", set(), "a new way to date facts keeps every article's work"),
    ("database.build", set(), "a new way to write the database keeps the sentences, signals and corroboration"),
    ("database.write", set(), "so does a new way to write the file"),
    ("text.signals", {"signals"}, "new coverage signals: the sentences and corroboration are kept"),
    ("across.corroboration", {"corroboration"}, "new corroboration: the sentences and signals are kept"),
    ("text.words", {"signals", "corroboration"},
     "new content words: corroboration again, and the signals, which inputs.articles works out with them"),
    ("core.workers", {"signals"}, "inputs.articles imports the workers: what it imports counts as its code"),
    ("text.quotes", set(), "quotes are placed when facts are checked: no article's work depends on them"),
    ("text.sentences", {"split", "signals", "corroboration"}, "a new segmenter: everything made from sentences"),
])
def test_an_upgrade_keeps_what_its_changed_code_cannot_have_changed(work, monkeypatch, upgrade, module,
                                                                     recomputed, why):
    run(work)
    upgrade(module)
    counted = calls(monkeypatch)
    inputs = run(work)
    assert not inputs.unchanged and not inputs.patched, "any change of code writes the database afresh"
    assert {k for k, v in counted.items() if v} == recomputed, why
    monkeypatch.undo()
    assert (work / "out" / "timeline.db").read_bytes() == full_build_bytes(work)


def test_only_entries_of_the_code_in_use_are_kept(work, upgrade):
    run(work)
    upgrade("sentences")
    run(work)
    conn = sqlite3.connect(work / "out" / cache.FOLDER / "cache.db")
    kinds = dict(conn.execute("SELECT kind, count(*) FROM entries WHERE kind != 'manifest' GROUP BY kind").fetchall())
    assert kinds == {"sentences": 10, "signals": 10, "words": 10, "source_rows": 1, "facts": 4}


def test_dropping_unused_entries_looks_each_up_by_its_key(work):
    """A build after an upgrade that made 20,000 entries stale spent 40 s dropping them: `(kind, key)
    NOT IN (SELECT ...)` scanned every used key for each entry not among them. Now each entry is looked
    up by its key, and the entries are found from the (kind, key) index, not by reading the table's
    pages, which hold every entry's JSON."""
    run(work)
    conn = sqlite3.connect(work / "out" / cache.FOLDER / "cache.db")
    conn.execute(cache.USED)
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + cache.PRUNE)]
    assert "SCAN entries USING COVERING INDEX sqlite_autoindex_entries_1" in plan
    assert "SEARCH used USING PRIMARY KEY (kind=? AND key=?)" in plan
    assert not {"SCAN entries", "SCAN used"} & set(plan)


def test_stale_entries_are_dropped_and_the_used_ones_kept(work, upgrade):
    run(work)
    conn = sqlite3.connect(work / "out" / cache.FOLDER / "cache.db")
    before = dict(conn.execute("SELECT kind, count(*) FROM entries WHERE kind != 'manifest' GROUP BY kind").fetchall())
    conn.close()
    upgrade("text.words")  # every article's words are worked out again, under a new key
    run(work)
    conn = sqlite3.connect(work / "out" / cache.FOLDER / "cache.db")
    after = dict(conn.execute("SELECT kind, count(*) FROM entries WHERE kind != 'manifest' GROUP BY kind").fetchall())
    stale = conn.execute("SELECT count(*) FROM entries WHERE kind = 'words' AND key NOT LIKE ?",
                         (cache.kind_version("words") + ":%",)).fetchone()[0]
    assert after == before and before["words"] == 10 and stale == 0


def test_cli_says_when_nothing_changed_and_can_skip_the_cache(work, monkeypatch):
    from click.testing import CliRunner

    from timeline.cli import cli

    monkeypatch.chdir(work)
    args = ["build", "--db", "out/timeline.db"]
    output = CliRunner().invoke(cli, args).output  # the warnings first (made-up speakers), then what was done
    assert output.endswith(" warnings in 4 files\nBuilt out/timeline.db: 200 facts, 20 entities, 10 sources\n")
    warnings = output[:output.index("Built")]
    # up to date, the warnings are said again: the manifest kept them
    assert CliRunner().invoke(cli, args).output == \
        warnings + "Up to date out/timeline.db: 200 facts, 20 entities, 10 sources\n"
    result = CliRunner().invoke(cli, args + ["--no-cache"])
    assert result.output == warnings + "Built out/timeline.db: 200 facts, 20 entities, 10 sources\n"
    assert "\nBuilt" in CliRunner().invoke(cli, args).output  # the cache did not see that file written
    change_one_file(work)
    output = CliRunner().invoke(cli, args).output
    assert output.endswith(" warnings in 4 files\n"
                           "Updated out/timeline.db: 200 facts, 20 entities, 10 sources (changed: facts-0002.yaml)\n")


def test_the_command_finds_nothing_to_do_before_it_loads_the_stages_that_check_and_write(work):
    import subprocess
    import sys

    code = ("import sys; from timeline.cli import cli\n"
            "try:\n    cli(['build', '--db', 'out/timeline.db'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('timeline.')))")

    def build_in_a_process():
        done = subprocess.run([sys.executable, "-c", code], cwd=work, capture_output=True, text=True, check=True)
        return done.stderr.splitlines()[-1], done.stdout

    said, loaded = build_in_a_process()
    assert said.startswith("Built") and "timeline.inputs.facts" in loaded
    said, loaded = build_in_a_process()
    assert said == "Up to date out/timeline.db: 200 facts, 20 entities, 10 sources"
    for stage in ("timeline.database.build", "timeline.inputs.facts", "timeline.inputs.sources", "timeline.across",
                  "timeline.text.dates", "timeline.ingest", "timeline.site", "timeline.api"):
        assert f"'{stage}" not in loaded, f"{stage} was loaded for a build with nothing to do"
    change_one_file(work)
    said, loaded = build_in_a_process()
    assert said.startswith("Updated") and "timeline.inputs.facts" in loaded and "timeline.site" not in loaded


def test_a_file_whose_state_is_unchanged_is_not_read_again(work):
    folder = work / "facts"
    hashes, states = cache.input_hashes(folder, work / "sources", now=os.stat(folder / "facts-0001.yaml").st_ctime + 60)
    path = str(folder / "facts-0001.yaml")
    assert states[path][4] == hashes["facts"]["facts-0001.yaml"]
    known = dict(states)
    known[path] = states[path][:4] + ["f" * 64]  # what the last build recorded for this size, times and inode
    assert cache.input_hashes(folder, work / "sources", known=known)[0]["facts"]["facts-0001.yaml"] == "f" * 64


def test_a_changed_file_is_read_again_even_with_the_same_size_and_mtime(work):
    folder = work / "facts"
    path = folder / "facts-0001.yaml"
    _, states = cache.input_hashes(folder, work / "sources", now=os.stat(path).st_ctime + 60)
    before = os.stat(path)
    path.write_bytes(path.read_bytes().replace(b"title: ", b"title; ", 1))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back; ctime cannot be
    hashes, _ = cache.input_hashes(folder, work / "sources", known=states)
    assert hashes["facts"]["facts-0001.yaml"] != states[str(path)][4]


def test_a_file_changed_just_before_its_state_was_taken_is_not_trusted(work):
    path = work / "facts" / "facts-0001.yaml"
    _, states = cache.input_hashes(work / "facts", work / "sources", now=os.stat(path).st_ctime + 0.5)
    assert str(path) not in states


@pytest.mark.parametrize("text, spans, sane", [
    ("One. Two.\nThree.", [(1, 0, 4), (1, 5, 9), (2, 10, 16)], True),
    ("One. Two.\nThree.", [(1, 0, 4), (1, 5, 16)], False),  # across a line break
    ("One.\r\nTwo.", [(1, 0, 10)], False),
    ("One.\u2028Two.", [(1, 0, 9)], False),
    ("One. Two.", [(1, 0, 5)], False),  # ends on a space
    ("One. Two.", [(1, 5, 9), (1, 0, 4)], False),  # out of order
    ("One.", [(1, 0, 5)], False),  # past the end
    ("One. Two.", [], True),
    ("One. Two.", [(1, 0, 4), (1, 4, 9)], False),  # overlapping: the second starts on a space
    ("One. Two.", [(1, 0, 4), (1, 3, 9)], False),  # overlapping
    ("One. Two.", [(1, 0, 4), (1, 5, 5)], False),  # empty
    ("One.\nTwo.", [(2, 0, 4), (1, 5, 9)], False),  # paragraphs out of order
    ("One. Two.", [(0, 0, 4)], False),  # paragraphs count from 1
    ("One. Two.", [(1, -1, 4)], False),
    ("One. Two.", [(True, 0, 4)], False),  # not a number
    ("One. Two.", [(1, 0.0, 4)], False),
    ("One. Two.", [(1, "0", 4)], False),
    ("One. Two.", [(1, 0, 4, 5)], False),
    ("One. Two.", [(1, 0)], False),
])
def test_cached_sentences_are_used_only_when_they_are_sentences_of_the_article(text, spans, sane):
    found = cache.sane_spans([list(s) for s in spans], text)
    assert (found is not None) is sane
    assert found is None or found == spans  # as Spans


@pytest.mark.parametrize("value", [None, {}, "1 0 4", [None], [[1, 0, 4], None], [{"a": 1, "b": 2, "c": 3}]])
def test_cached_sentences_of_another_shape_are_not_used(value):
    assert cache.sane_spans(value, "One. Two.") is None


@pytest.mark.parametrize("value", [
    [[{"id": "fact-1", "title": "Noem tours the prison", "value": 238, "share": 0.4, "entities": [("e1", "said")],
       "notes": None, "ok": True}, 12]],
    {"title": "Año nuevo – «cita» \u2028 \U0001f600", "text": "a \"quoted\" \\ backslash\n\ttab \x00"},
    [1.5, 123456789.125, -0.0, 2 ** 63 - 1, 0.1 + 0.2],
])
def test_the_cache_json_is_the_json_modules_text(value):
    """jsontext.compact (orjson) writes what json.dumps wrote, and reads back as the same value."""
    import json

    from timeline.core import jsontext

    text = jsontext.compact(value)
    assert text == json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    assert json.loads(text) == json.loads(json.dumps(value))


def test_a_float_with_an_exponent_reads_back_the_same():
    import json

    from timeline.core import jsontext

    value = [1e-07, 2.5e-12, 1e+16, 1.7976931348623157e+308]
    assert jsontext.compact(value) == "[1e-7,2.5e-12,1e16,1.7976931348623157e308]"  # json: 1e-07, 1e+16
    assert json.loads(jsontext.compact(value)) == value


@pytest.mark.parametrize("value, expected", [
    ({1: "a number as a key"}, '{"1":"a number as a key"}'),
    ([2 ** 70], "[1180591620717411303424]"),
])
def test_what_orjson_does_not_take_is_written_by_the_json_module(value, expected):
    from timeline.core import jsontext

    assert jsontext.compact(value) == expected


def test_a_read_only_cache_reads_entries_beside_a_writer_and_never_writes(tmp_path):
    """What an early helper opens (build._read_held) while the build's own cache has entries to write."""
    folder = tmp_path / "cache"
    assert cache.Cache(str(folder), read_only=True).conn is None and not folder.exists(), "nothing made"
    with cache.Cache(str(folder)) as writer:
        writer.put_part("sentences", "a1", [[1, 0, 4]])
    writer = cache.Cache(str(folder))
    writer.put_part("sentences", "a2", [[1, 0, 9]])  # not committed yet
    reader = cache.Cache(os.path.relpath(folder), read_only=True)  # (a relative folder too)
    assert reader.get("sentences", "a1") == [[1, 0, 4]] and reader.get("sentences", "a2") is None
    assert reader.count("sentences") == 1 and reader.count("signals") == 0
    reader.put_part("sentences", "a3", [[1, 0, 2]])
    reader.close()
    writer.keep("sentences", "a1")
    writer.close()
    with cache.Cache(str(folder)) as after:
        assert after.count("sentences") == 2 and after.get("sentences", "a3") is None


def test_helpers_read_the_cache_only_when_the_key_of_its_seals_is_kept_for_them(tmp_path, monkeypatch):
    """build._early_helpers asks cache.key_is_kept(): a helper seals with the key in this user's file;
    where no file can be kept, this process's key is its own and a helper could read none of its entries."""
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    cache.sealing_key.cache_clear()
    try:
        assert cache.key_is_kept() and (home / "timeline" / "cache-key").stat().st_size == 32
        blocked = tmp_path / "blocked"
        blocked.write_text("a file where the folder would be")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
        cache.sealing_key.cache_clear()
        assert not cache.key_is_kept(), "a key of this process's own"
    finally:
        cache.sealing_key.cache_clear()
