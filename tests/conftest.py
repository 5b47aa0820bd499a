import hashlib
import importlib.util
import pathlib
import textwrap

import pytest

from timeline.database import build
from timeline.inputs import story

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "timeline" / "site"  # the packaged site: templates, plugins, static, metadata, JSON Schemas

_spec = importlib.util.spec_from_file_location("gen_corpus", ROOT / "scripts" / "gen_corpus.py")
gen_corpus = importlib.util.module_from_spec(_spec)  # the benchmark's corpus generator
_spec.loader.exec_module(gen_corpus)


# The files that take longest (some 20-35 s each, most of it waiting for servers and processes), longest first:
# run first, so that with pytest-xdist (scripts/test: each file in one of two processes) neither process is
# left with one of them at the end while the other has finished.
LONGEST = ["test_serve.py", "test_bench_script.py", "test_public.py"]


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: LONGEST.index(item.path.name) if item.path.name in LONGEST else len(LONGEST))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """200 synthetic facts in 4 files, 10 articles (scripts/gen_corpus.py). Copy it before changing it."""
    path = tmp_path_factory.mktemp("corpus")
    gen_corpus.generate(str(path), 200, n_articles=10, facts_per_file=50)
    return path

ARTICLE = (
    "Officials say the bridge will open next week.\n"
    "The Harbour Bridge cost $12 million to build, the council said on Monday.\n"
    "\u201cIt is a great day for the town,\u201d said Mayor Ann Lee.\n"
    "Work began in 2021 and employed about 300 people.\n"
)
ENTITIES = """\
- id: ann-lee
  name: Ann Lee
  type: person
  description: Mayor of the town
- id: harbour-bridge
  name: Harbour Bridge
  type: facility
  description: A bridge over the harbour
"""
FACT = """\
- id: bridge-cost
  kind: figure
  title: The bridge cost $12 million
  value: 12000000
  unit: USD
  entities: [harbour-bridge]
  sources:
    - source: gazette
      quote: "cost $12 million to build"
"""


class Tree:
    """A small repository in a temporary folder: one article, its sources.yaml, entities and facts."""

    def __init__(self, path):
        self.path = pathlib.Path(path)
        self.facts = self.path / "facts"
        self.sources = self.path / "sources"
        self.db = self.path / "timeline.db"
        self.facts.mkdir()
        self.sources.mkdir()
        self.article("gazette", ARTICLE)
        self.write("facts/entities.yaml", ENTITIES)
        self.write("facts/facts.yaml", FACT)

    def write(self, name, text):
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(textwrap.dedent(text) if text.startswith(" ") else text, encoding="utf-8")
        return target

    def article(self, source_id, text, published="2025-03-26", **extra):
        data = text.encode("utf-8") if isinstance(text, str) else text
        (self.sources / f"{source_id}.txt").write_bytes(data)
        entries = getattr(self, "_entries", {})
        entry = {"id": source_id, "path": f"sources/{source_id}.txt", "sha256": hashlib.sha256(data).hexdigest(),
                 "outlet": "The Gazette", "published": published, **extra}
        entries[source_id] = entry
        self._entries = entries
        lines = []
        for e in entries.values():
            lines.append(f"- id: {e['id']}")
            lines += [f"  {k}: {v if v is not None else 'null'}" for k, v in e.items() if k != "id"]
        (self.sources / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def check(self):
        return story.check(str(self.facts), str(self.sources), relative_to=str(self.path)).problems

    def codes(self):
        return [(p.path, p.line, p.code) for p in self.check()]

    def build(self):
        return build.build(str(self.db), str(self.facts), str(self.sources))


@pytest.fixture
def tree(tmp_path):
    return Tree(tmp_path)


@pytest.fixture(scope="session")
def real_db(tmp_path_factory):
    """The real facts and sources, built once."""
    path = tmp_path_factory.mktemp("real") / "timeline.db"
    build.build(str(path), str(ROOT / "facts"), str(ROOT / "sources"))
    return path


@pytest.fixture(scope="module")
def db(real_db, tmp_path_factory):
    """A copy of the real database for one test module to serve with Datasette."""
    path = tmp_path_factory.mktemp("served") / "timeline.db"
    path.write_bytes(real_db.read_bytes())
    return path


def database_content(path):
    """What a reader can get out of a database: its schema, every table's rows (in primary key order:
    rowids are SQLite's own), every view's rows in the view's order, and the full-text answers for
    every word of the indexed text. Two databases with the same content serve the same pages."""
    import re
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        content = {"schema": sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"
                                                 " WHERE name NOT LIKE 'sqlite_%'"))}
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                             " AND name NOT LIKE '%_fts%' AND name NOT LIKE 'sqlite_%'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])")]
            order = ", ".join(f"[{c}]" for c in columns)
            content[table] = conn.execute(f"SELECT {order} FROM [{table}] ORDER BY {order}").fetchall()
        for (view,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
            content[view] = conn.execute(f"SELECT * FROM [{view}]").fetchall()
        for (fts,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%_fts'"
                                   " AND sql LIKE 'CREATE VIRTUAL%'").fetchall():
            conn.execute(f"INSERT INTO [{fts}]([{fts}]) VALUES ('integrity-check')")
            base = fts[:-len("_fts")]
            key = "id" if "id" in [r[1] for r in conn.execute(f"PRAGMA table_info([{base}])")] else "rowid"
            words = set()
            for row in conn.execute(f"SELECT * FROM [{fts}]"):
                for text in row:
                    words.update(re.findall(r"[a-z]{3,}", (text or "").lower()))
            content[fts] = {w: conn.execute(f"SELECT [{base}].{key} FROM [{fts}] JOIN [{base}] ON [{base}].rowid ="
                                            f" [{fts}].rowid WHERE [{fts}] MATCH ? ORDER BY 1", (f'"{w}"',)).fetchall()
                            for w in sorted(words)}
        return content
    finally:
        conn.close()


def assert_same_content(a, b):
    """Databases `a` and `b` hold the same content (see database_content); says where they differ."""
    first, second = database_content(a), database_content(b)
    assert first.keys() == second.keys()
    for part in first:
        assert first[part] == second[part], f"{part} differs"


def fresh_process_state():
    """Empty what a run of the package leaves in this process for the next: every functools cache of its
    modules (quotes.forget() among them) and the date conflicts facts.py keeps from file to file."""
    import functools
    import sys

    for name, module in list(sys.modules.items()):
        if name == "timeline" or name.startswith("timeline."):
            for value in list(vars(module).values()):
                if isinstance(value, functools._lru_cache_wrapper):
                    value.cache_clear()
    from timeline.inputs import facts

    facts._seen.clear()


def run_in_process(args, cwd):
    """`timeline ARGS` run in this process (click's CliRunner on timeline.cli.cli) with `cwd` as the working
    directory, as a fresh process would run it: nothing an earlier run left in the package's caches is
    seen, and the current directory and os.environ are as they were afterwards. Gives a
    subprocess.CompletedProcess (returncode, stdout, stderr); an exception the command did not handle
    is written to stderr as the traceback a process would print (returncode 1)."""
    import contextlib
    import gc
    import os
    import subprocess
    import traceback

    from click.testing import CliRunner

    from timeline.cli import cli

    environ = dict(os.environ)
    fresh_process_state()
    try:
        with contextlib.chdir(cwd):
            result = CliRunner(capture="fd").invoke(cli, [str(a) for a in args], prog_name="timeline")
    finally:
        fresh_process_state()
        os.environ.clear()
        os.environ.update(environ)
        gc.unfreeze()  # a build freezes what is alive in the process at its end (core/memory.py)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return subprocess.CompletedProcess(["timeline", *map(str, args)], result.exit_code, result.stdout, stderr)
