"""The build: all or nothing, deterministic, checked, with the promised tables."""
import os
import shutil
import sqlite3
import stat

import pytest
from click.testing import CliRunner
from conftest import FACT, gen_corpus

from timeline.cli import cli
from timeline.database import schema, write
from timeline.database.write import lock
from timeline.errors import BuildError, InputError


def dump(path):
    return list(sqlite3.connect(path).iterdump())


def test_build_writes_the_tables(tree):
    tree.build()
    db = sqlite3.connect(tree.db)
    assert db.execute("select id, kind, title, value, value_qualifier, unit, file, line from facts").fetchall() == [
        ("bridge-cost", "figure", "The bridge cost $12 million", 12000000, "exact", "USD", "facts/facts.yaml", 1)]
    assert db.execute("select fact_id, source_id, sentence_id, quote from citations").fetchall() == [
        ("bridge-cost", "gazette", "gazette:2", "cost $12 million to build")]
    assert db.execute("select fact_id, entity_id, role from fact_entities").fetchall() == [
        ("bridge-cost", "harbour-bridge", "subject")]
    assert db.execute("PRAGMA foreign_keys").fetchone() is not None


def test_a_failed_build_leaves_the_old_database_byte_identical(tree):
    tree.build()
    before = tree.db.read_bytes()
    tree.write("facts/facts.yaml", FACT.replace("$12 million to", "$13 million to"))
    with pytest.raises(InputError):
        tree.build()
    assert tree.db.read_bytes() == before
    assert sorted(os.listdir(tree.path)) == [".timeline-cache", "facts", "sources", "timeline.db", "timeline.db.lock"]


def test_cli_build_failure_says_nothing_was_written(tree, monkeypatch):
    tree.write("facts/facts.yaml", FACT.replace("kind: figure", "kind: fgure"))
    monkeypatch.chdir(tree.path)
    result = CliRunner().invoke(cli, ["build"])
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Nothing written: timeline.db is unchanged."
    assert not tree.db.exists()


def test_build_is_deterministic(tree, tmp_path):
    tree.build()
    first = tree.db.read_bytes()
    tree.db.unlink()
    tree.build()
    assert tree.db.read_bytes() == first


def test_new_database_has_normal_permissions(tree):
    old = os.umask(0o022)
    try:
        tree.build()
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tree.db).st_mode) == 0o644


def test_leftovers_of_a_killed_build_are_cleaned(tree):
    leftover = tree.path / "timeline.db.building-abc123"
    leftover.write_bytes(b"half a database")
    tree.build()
    assert not leftover.exists()


def test_a_second_build_waits_then_refuses(tree):
    with lock(str(tree.db), wait=0):
        with pytest.raises(BuildError, match="another build of timeline.db is running"):
            with lock(str(tree.db), wait=0.2):
                pass


def test_unwritable_folder_fails_cleanly(tree, monkeypatch):
    if os.geteuid() == 0:
        monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
    else:
        os.chmod(tree.path, 0o555)
    monkeypatch.chdir(tree.path)
    result = CliRunner().invoke(cli, ["build"])
    os.chmod(tree.path, 0o755)
    assert result.exit_code == 1
    assert "permission denied" in result.output
    assert "Traceback" not in result.output


def test_full_text_search_finds_facts_and_sentences(tree):
    tree.build()
    db = sqlite3.connect(tree.db)
    assert db.execute("select rowid from facts_fts where facts_fts match 'bridge'").fetchall() == [(1,)]
    assert [r[0] for r in db.execute(
        "select sentences.id from sentences_fts join sentences on sentences.rowid = sentences_fts.rowid"
        " where sentences_fts match 'mayor'")] == ["gazette:3"]


def test_timeline_view_orders_by_date_then_precision(tree):
    tree.write("facts/facts.yaml", FACT + "".join(
        f"- id: {i}\n  kind: event\n  title: Event {i}\n  date: {d}\n  sources:\n    - source: gazette\n"
        f"      quote: Work began in 2021\n" for i, d in (("a-year", "2021"), ("a-month", "2021-01"),
                                                         ("a-day", "2021-01-01"), ("later", "2021-02"))))
    tree.build()
    rows = sqlite3.connect(tree.db).execute("select id, date_label from timeline").fetchall()
    assert rows == [("a-day", "1 January 2021"), ("a-month", "January 2021"), ("a-year", "2021"),
                    ("later", "February 2021"), ("bridge-cost", None)]


@pytest.mark.parametrize("enabled", [True, False])
def test_checking_facts_leaves_the_cycle_collector_as_it_was(tree, enabled):
    """Reading facts pauses Python's cycle collector (for speed); it must come back as it was, problems or not."""
    import gc

    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        assert tree.check() == []
        assert gc.isenabled() is enabled
        tree.write("facts/facts.yaml", "- id: [broken\n")
        assert tree.check()
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_a_build_leaves_python_s_thread_turns_as_they_were(tree):
    """A build shortens the turns its threads take at Python's lock (workers.short_turns); a program
    that builds gets its own setting back, after a build that fails too."""
    import sys

    was = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.002)
        tree.build()
        assert sys.getswitchinterval() == 0.002
        tree.write("facts/facts.yaml", "- id: [broken\n")
        with pytest.raises(InputError):
            tree.build()
        assert sys.getswitchinterval() == 0.002
    finally:
        sys.setswitchinterval(was)


def _small_database(path):
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT, town TEXT);
        CREATE TABLE visits (person_id INTEGER REFERENCES people(id), place TEXT);
        CREATE INDEX people_name ON people(name);
        INSERT INTO people (name, town) VALUES ('Ann', 'Rye'), ('Bo', 'Hull'), ('Cy', 'Ely');
        INSERT INTO visits VALUES (1, 'mill'), (2, 'pier');
    """)
    conn.commit()
    return conn


@pytest.mark.parametrize("module", ["corroboration", "conflicts"])
def test_a_failure_while_sqlite_works_in_the_other_thread_waits_for_it_and_loses_nothing(tree, monkeypatch, module):
    """The tables across sources are worked out while another thread has SQLite index the facts
    (corroboration's), then fill the derived tables (the others'): when that work fails, the other
    thread is waited for, the new file removed, the old one kept."""
    import importlib
    import threading

    tree.build()
    before = tree.db.read_bytes()
    tree.write("facts/facts.yaml", FACT.replace("The bridge cost", "The new bridge cost"))
    shutil.rmtree(tree.path / ".timeline-cache")  # a whole build (a changed facts file alone is patched in)
    indexed = []
    full_text = write.full_text
    monkeypatch.setattr(write, "full_text", lambda conn, table: (full_text(conn, table), indexed.append(table)))

    def fails(inputs):
        raise RuntimeError("across sources")

    monkeypatch.setattr(importlib.import_module(f"timeline.across.{module}"), "rows", fails)
    threads = threading.active_count()
    with pytest.raises(RuntimeError, match="across sources"):
        tree.build()
    assert indexed == ["sentences", "facts", "entities", "citations"]  # every full-text index was finished
    assert threading.active_count() == threads
    assert tree.db.read_bytes() == before
    assert sorted(os.listdir(tree.path)) == [".timeline-cache", "facts", "sources", "timeline.db", "timeline.db.lock"]


def test_the_file_is_the_same_whichever_thread_finishes_first(tree, monkeypatch):
    """Conflicts and quote variants are worked out while the facts are indexed when that is still
    going on, else while the derived tables are filled (write.write): the bytes are the same."""
    import time

    from timeline.across import variants
    from timeline.database import build

    tree.build()
    built = {}
    for first in ("indexes", "tables across sources"):
        with monkeypatch.context() as m:
            events = []
            full_text, reuse, rows = write.full_text, build._reuse, variants.rows
            if first == "indexes":  # made before corroboration's rows are taken
                m.setattr(build, "_reuse", lambda cache, inputs: (time.sleep(0.5), reuse(cache, inputs)))
            else:  # still being made when corroboration's rows are taken
                m.setattr(write, "full_text", lambda conn, table: (time.sleep(0.2), full_text(conn, table)))
            m.setattr(write, "full_text", lambda conn, table, made=write.full_text: (made(conn, table),
                                                                                    events.append(table)))
            m.setattr(variants, "rows", lambda inputs: (events.append("quote variants"), rows(inputs))[1])
            tree.db.unlink()
            build.build(str(tree.db), str(tree.facts), str(tree.sources), jobs=1)
        built[first] = tree.db.read_bytes(), events
    assert built["indexes"][1] == ["sentences", "facts", "entities", "citations", "quote variants"]
    meanwhile = built["tables across sources"][1]
    assert meanwhile.index("quote variants") < meanwhile.index("citations")
    assert built["indexes"][0] == built["tables across sources"][0]


@pytest.mark.parametrize("excerpts", [False, True])
def test_the_writing_progress_ends_at_its_total(tree, excerpts):
    """It counted one step more than it announced (18 of 17): a progress line past 100%."""
    from timeline.database import build

    seen = []
    build.build(str(tree.db), str(tree.facts), str(tree.sources), excerpts=excerpts,
                progress=lambda phase, done, total: seen.append((phase, done, total)))
    writing = [(done, total) for phase, done, total in seen if phase in ("writing", "indexing", "compacting")]
    assert [done for done, _ in writing] == list(range(1, len(writing) + 1))
    assert {total for _, total in writing} == {len(writing)}


def test_every_index_is_made_once_whichever_part_of_the_build_makes_it(tree):
    from timeline.database.rows import ACROSS_AFTER_DERIVED, later_rows

    first, last = schema.indexes_on(schema.FIRST_TABLES), schema.indexes_on(schema.LAST_TABLES)
    assert schema.indexes_on(schema.SOURCE_TABLES) == \
        ["CREATE INDEX sentences_source ON sentences(source_id, position)"]
    assert "CREATE INDEX facts_topic ON facts(topic)" in first
    assert "CREATE INDEX fact_disagreements_topic ON fact_disagreements(topic, field, value, fact_id)" in last
    assert not set(first) & set(last)
    assert set(schema.FTS) <= set(schema.FIRST_TABLES)  # every full-text index is built with the facts' indexes
    rest = [s for s in schema.INDEXES if s not in first + last]  # made with the derived tables
    assert "CREATE INDEX source_links_b ON source_links(source_b)" in rest
    assert "CREATE INDEX fact_origins_unique ON fact_origins(n_sources, sources)" in rest
    # the tables written after the derived ones are those the modules worked out meanwhile make
    assert list(later_rows(tree.build(), ACROSS_AFTER_DERIVED, history=False)) == list(schema.LAST_TABLES)


def test_the_check_before_publishing_finds_an_index_that_does_not_match_its_table(tmp_path):
    path = str(tmp_path / "new.db")
    conn = _small_database(path)
    write.verify(path)  # a sound file passes
    conn.execute("PRAGMA writable_schema = ON")  # the index now claims to hold another column than it does
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX people_name ON people(town)' WHERE name = 'people_name'")
    conn.commit()
    conn.close()
    assert sqlite3.connect(path).execute("PRAGMA quick_check").fetchone()[0] == "ok", "only a full check sees it"
    with pytest.raises(BuildError, match="failed its integrity check"):
        write.verify(path)
    with pytest.raises(BuildError, match="failed its integrity check"):
        write.verify(path, jobs=1)


def test_the_check_before_publishing_finds_a_broken_reference(tmp_path):
    path = str(tmp_path / "new.db")
    conn = _small_database(path)
    conn.execute("INSERT INTO visits VALUES (9, 'nowhere')")
    conn.commit()
    conn.close()
    with pytest.raises(BuildError, match="1 broken references"):
        write.verify(path)


def test_full_text_tables_are_the_ones_sqlite_utils_makes():
    """write.full_text writes the CREATE VIRTUAL TABLE itself (to fill the index without merging as it
    goes): it must be sqlite-utils' own, by which Datasette finds the index."""
    import sqlite_utils

    db = sqlite_utils.Database(memory=True)
    for table, columns in schema.FTS.items():
        db[table].create({column: str for column in columns})
        db[table].enable_fts(columns, create_triggers=False, tokenize=schema.FTS_TOKENIZE, replace=True)
        assert db[f"{table}_fts"].schema == write.full_text_table(table)


def test_full_text_search_folds_accents_both_ways(tmp_path):
    """'prision' finds 'prisión' and 'prisión' finds 'prision' (unicode61 remove_diacritics 2 under the
    stemmer), as every full-text index is made."""
    import sqlite3

    conn = sqlite3.connect(str(tmp_path / "fts.db"))
    conn.execute("CREATE TABLE sentences (text TEXT)")
    conn.executemany("INSERT INTO sentences VALUES (?)", [("La prisión de máxima seguridad",), ("Andrés Guzmán",),
                                                          ("the prision of old",)])
    conn.execute(write.full_text_table("sentences"))
    conn.execute("INSERT INTO sentences_fts (rowid, text) SELECT rowid, text FROM sentences")

    def found(q):
        return [t for (t,) in conn.execute("SELECT sentences.text FROM sentences_fts JOIN sentences ON"
                                           " sentences.rowid = sentences_fts.rowid WHERE sentences_fts MATCH ?"
                                           " ORDER BY sentences.rowid", (q,))]

    assert found("prision") == ["La prisión de máxima seguridad", "the prision of old"]
    assert found("prisión") == found("prision")
    assert found("maxima") == ["La prisión de máxima seguridad"] and found("guzman") == ["Andrés Guzmán"]


def _selected(conn, statement):
    """The rows an INSERT ... SELECT of schema.py would insert (its SELECT, run on `conn`)."""
    return conn.execute(statement.format(where="").split("\n", 1)[1]).fetchall()


def test_the_derived_tables_a_build_works_out_are_what_their_statements_select():
    """fact_origins and scheduled_facts are worked out in Python (rows.derived_rows); a patched rebuild
    runs schema.FACT_ORIGINS and SCHEDULED_FACTS instead. Cases where the two could part: a source
    cited twice, two sources of one origin, a source without a publication date, a publication time,
    a fact dated the very day of its last source, facts without a date or a citation."""
    from types import SimpleNamespace

    from timeline.database.rows import derived_rows

    published = {"a": "2025-03-26T18:40:00-04:00", "b": "2025-03-27", "c": None, "d": "2025-03-20"}
    origin = {"a": "AP", "b": "AP", "c": "c", "d": "d"}
    cited = {"f1": ["a", "b", "a", "d"], "f2": ["d", "a"], "f3": ["a", "c"], "f4": ["b"], "f5": ["d"], "f6": [],
             "f0": ["c", "d", "c"], "f7": ["a"]}
    start = {"f1": "2025-03-28", "f2": "2025-03-26", "f3": "2025-04-01", "f4": "2025-03-27", "f5": None,
             "f6": "2025-05-01", "f0": "2025-04-01", "f7": "2025-03-27"}
    facts = [{"id": f, "date_start": start[f], "citations": [{"source_id": s} for s in cited[f]]}
             for f in ("f3", "f1", "f7", "f6", "f0", "f2", "f5", "f4")]  # any order: rows come by fact id
    inputs = SimpleNamespace(facts=facts, sources={k: SimpleNamespace(published=v) for k, v in published.items()})
    made = derived_rows(inputs, [{"source_id": s, "origin": o} for s, o in origin.items()])

    conn = sqlite3.connect(":memory:")
    conn.executescript("CREATE TABLE sources (id TEXT PRIMARY KEY, published TEXT);"
                       "CREATE TABLE facts (id TEXT PRIMARY KEY, date_start TEXT);"
                       "CREATE TABLE citations (fact_id TEXT, position INTEGER, source_id TEXT,"
                       " PRIMARY KEY (fact_id, position));"
                       "CREATE TABLE source_origins (source_id TEXT PRIMARY KEY, origin TEXT);")
    conn.executemany("INSERT INTO sources VALUES (?, ?)", published.items())
    conn.executemany("INSERT INTO facts VALUES (?, ?)", sorted(start.items()))
    conn.executemany("INSERT INTO citations VALUES (?, ?, ?)",
                     [(f, n, s) for f in sorted(cited) for n, s in enumerate(cited[f], start=1)])
    conn.executemany("INSERT INTO source_origins VALUES (?, ?)", origin.items())
    for table, statement in (("fact_origins", schema.FACT_ORIGINS), ("scheduled_facts", schema.SCHEDULED_FACTS)):
        assert [tuple(r.values()) for r in made[table]] == _selected(conn, statement), table
    assert [r["fact_id"] for r in made["scheduled_facts"]] == ["f1", "f7"]
    assert made["fact_origins"][1] == {"fact_id": "f1", "n_sources": 3, "n_origins": 2, "sources": "a,b,d",
                                       "origins": "AP,d"}


def test_a_built_database_holds_what_the_derived_tables_statements_select(real_db, corpus, tmp_path):
    from timeline.database import build

    wire = tmp_path / "wire"
    gen_corpus.generate(str(wire), 300, n_articles=30, facts_per_file=100, days=20, wire=0.3)
    build.build(str(wire / "timeline.db"), str(wire / "facts"), str(wire / "sources"), jobs=1)
    for path in (real_db, wire / "timeline.db"):
        conn = sqlite3.connect(path)
        for table, statement in (("fact_origins", schema.FACT_ORIGINS), ("scheduled_facts", schema.SCHEDULED_FACTS)):
            assert conn.execute(f"SELECT * FROM {table}").fetchall() == _selected(conn, statement), (path, table)
        assert conn.execute("SELECT count(*) FROM fact_origins WHERE n_sources > n_origins").fetchone()[0] > 0, path


def test_the_big_tables_rows_are_tuples_of_their_tables_columns():
    """rows.Tuples: the sentences', citations' and fact_entities' rows are made as tuples, named by
    columns that are the tables' own (what write.insert names); their dicts are what the rows were
    before (a sentence of a PDF's page, kept signals or signals worked out; a citation's page)."""
    from conftest import ROOT

    from timeline.database import schema
    from timeline.database.rows import Tuples, fact_tables, source_tables
    from timeline.inputs.sources import load_sources
    from timeline.records import Source
    from timeline.text import sentences, signals

    conn = sqlite3.connect(":memory:")
    for statement in schema.TABLES:
        conn.execute(statement)
    sources, _ = load_sources(str(ROOT / "sources"), parts=("sentences", "signals"))
    text = "Page one says the court met on Monday. It ruled.\nPage two, the judge said, \u201cwe decline.\u201d"
    sources["filing"] = Source("filing", "filing.txt", "0" * 64, text=text, sentences=sentences.split(text),
                               pages=[0, 49], page_labels=["i", "ii"])  # a PDF's text, its pages
    sources["plain"] = Source("plain", "w.txt", "1" * 64, text=text, sentences=sentences.split(text))
    made = dict(source_tables(sources))["sentences"]
    assert isinstance(made, Tuples)
    rows = list(made.dicts())
    assert len(rows) > 100 and {r["page"] for r in rows} == {None, 1, 2}
    plain = [r for r in rows if r["source_id"] == "plain"]
    assert [(r["id"], r["position"], r["text"]) for r in plain] == \
        [(f"plain:{n}", n, text[start:end]) for n, (_, start, end) in enumerate(sources["plain"].sentences, 1)]
    assert plain[0]["signals"] == ",".join(signals.signals(plain[0]["text"], "en"))
    citation = {"source_id": "filing", "sentence_id": "filing:3", "quote": "the judge said", "start": 59, "end": 73,
                "line": 7, "translation": None, "translated_by": None}
    facts = [{"id": "f1", "citations": [citation], "entities": [("e1", "court")], "attributed_to": "e2",
              "kind": "statement", "when_source": None}]
    tables = dict(fact_tables(facts, sources))
    assert list(tables["citations"].dicts()) == [dict(fact_id="f1", position=1, **citation, page=2, page_label="ii")]
    assert list(tables["fact_entities"].dicts()) == [{"fact_id": "f1", "entity_id": "e1", "role": "court"},
                                                     {"fact_id": "f1", "entity_id": "e2", "role": "speaker"}]
    for table in ("sentences", "citations", "fact_entities"):
        named = (made if table == "sentences" else tables[table]).columns
        assert set(named) == {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}, table
