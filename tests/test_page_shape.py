"""Pages do only the work the reader asked for: the shape of what they run, not how long it takes.

A view page counts nothing unless asked (a view is counted only by computing every row of it), the
timeline shows one page of facts at a time, the home page lists the latest sources, and every
foreign key leads an index (a row page counts the rows pointing at it in each referencing table).
"""
import importlib.util
import json
import re
import sqlite3

import pytest
from click.testing import CliRunner
from conftest import ROOT, SITE
from datasette.cli import cli as datasette_cli

from timeline.site.server import (  # served as `timeline serve` serves
    LOCAL_SETTINGS,
    site_metadata,
    site_options,
    write_site_metadata,
)

spec = importlib.util.spec_from_file_location("quick_pages_plugin", SITE / "plugins" / "quick_pages.py")
quick_pages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quick_pages)


def get(db, path):
    args = [str(db), *site_options(write_site_metadata(ROOT / "metadata.json", db.parent), ROOT), *LOCAL_SETTINGS,
            "--setting", "trace_debug", "1", "--get", path]
    result = CliRunner().invoke(datasette_cli, args)
    assert result.exit_code == 0, f"{path}: {result.output[:500]}"
    return result.output


def traced_sql(db, path):
    """Every SQL statement Datasette ran to answer a JSON request (?_trace=1)."""
    data = json.loads(get(db, path + ("&" if "?" in path else "?") + "_trace=1"))
    return [t["sql"] for t in data["_trace"]["traces"]]


@pytest.fixture(scope="module")
def big_db(real_db, tmp_path_factory):
    """The real database plus 450 dated facts and 30 sources: more than a page of each."""
    path = tmp_path_factory.mktemp("big") / "timeline.db"
    path.write_bytes(real_db.read_bytes())
    conn = sqlite3.connect(path)
    conn.executemany("insert into facts (id, kind, title, date_start, date_end, date_precision, date_label, file, line)"
                     " values (?, 'event', ?, ?, ?, 'day', ?, 'facts/extra.yaml', ?)",
                     [(f"extra-{n:03d}", f"Extra fact {n}", f"1900-01-{n % 28 + 1:02d}", f"1900-01-{n % 28 + 1:02d}",
                       f"{n % 28 + 1} January 1900", n) for n in range(450)])
    conn.executemany("insert into sources (id, outlet, published, path, sha256) values (?, ?, ?, 'x', 'x')",
                     [(f"extra-source-{n:02d}", f"Extra Outlet {n}", f"1999-01-{n % 28 + 1:02d}") for n in range(30)])
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("path, query, expected", [
    ("/timeline/timeline", "", "_nocount=1"),
    ("/timeline/timeline.json", "_size=5", "_size=5&_nocount=1"),
    ("/timeline/figures", "kind=x", "kind=x&_nocount=1"),
    ("/timeline/timeline", "_count=1", "_count=1"),  # the reader asked for the count
    ("/timeline/timeline", "_nocount=0", "_nocount=0"),
    ("/timeline/facts", "", ""),  # a table is counted from an index: cheap
    ("/timeline/facts/x", "", ""),
    ("/timeline", "", ""),
    ("/", "", ""),
])
def test_view_pages_are_served_without_counting(path, query, expected):
    views = {"timeline": {"timeline", "figures"}}
    assert quick_pages.nocount_path(path, query, views) == expected


@pytest.mark.parametrize("view", ["timeline", "figures", "statements", "court_actions", "fact_corroboration"])
def test_a_view_page_runs_no_count_unless_asked(db, view):
    assert not [sql for sql in traced_sql(db, f"/timeline/{view}.json") if "count(*)" in sql.lower()]
    asked = traced_sql(db, f"/timeline/{view}.json?_count=1")
    assert f"select count(*) from {view}" in [" ".join(sql.lower().split()) for sql in asked]


def test_a_table_page_runs_no_facet_it_was_not_asked_for(db):
    assert not [sql for sql in traced_sql(db, "/timeline/facts.json") if "group by" in sql.lower()]
    assert [sql for sql in traced_sql(db, "/timeline/facts.json?_facet=kind") if "group by kind" in sql.lower()]


def test_every_foreign_key_leads_an_index(real_db):
    conn = sqlite3.connect(real_db)
    tables = [name for (name,) in conn.execute("select name from sqlite_master where type = 'table'"
                                               " and name not like '%fts%' and name not like 'sqlite%'")]
    missing = []
    for table in tables:
        leading = {cols[0] for cols in (
            [r[2] for r in conn.execute(f"pragma index_xinfo([{index}])") if r[5]]
            for (index,) in [(r[1],) for r in conn.execute(f"pragma index_list([{table}])")]) if cols}
        for fk in conn.execute(f"pragma foreign_key_list([{table}])"):
            if fk[3] not in leading:
                missing.append(f"{table}.{fk[3]}")
    assert missing == []


def entries(html):
    return re.findall(r'<li class="entry">.*?href="/timeline/facts/([^"]+)"', html, re.S)


def test_the_timeline_shows_one_page_at_a_time_and_the_pages_add_up(big_db):
    conn = sqlite3.connect(big_db)
    expected = [i for (i,) in conn.execute("select id from timeline")]
    first = get(big_db, "/chronology")
    assert len(entries(first)) == 200
    assert f"{len(expected)} facts: 1 to 200" in first
    assert 'href="/chronology?page=2" rel="next"' in first and 'rel="prev"' not in first
    seen = []
    for page in range(1, len(expected) // 200 + 2):
        seen += entries(get(big_db, f"/chronology?page={page}"))
    assert seen == expected
    last = get(big_db, f"/chronology?page={len(expected) // 200 + 1}")
    assert 'rel="next"' not in last and 'rel="prev"' in last
    assert entries(get(big_db, "/chronology?page=999999999999999999999")) == []


def test_timeline_pages_keep_their_filters(big_db):
    html = get(big_db, "/chronology?kind=event&page=2")
    assert 'href="/chronology?kind=event&amp;page=1" rel="prev"' in html
    (events,), = sqlite3.connect(big_db).execute("select count(*) from facts where kind = 'event'")
    assert f"{events} facts: 201 to " in html


def test_home_lists_the_latest_sources_and_links_to_all(big_db):
    html = get(big_db, "/")
    (total,), = sqlite3.connect(big_db).execute("select count(*) from sources")
    assert len(re.findall(r'<li><a href="/timeline/sources/', html)) == 25
    assert "Extra Outlet 27, " in html and "Extra Outlet 0, " not in html  # 1999-01-28 is among the latest, -01 not
    assert f'<a href="/timeline/sources">All {total} sources</a>' in html


def test_table_permissions_are_cached_and_still_enforced(db):
    """A table with an `allow` block stays hidden from everyone else, request after request."""
    metadata = site_metadata(ROOT / "metadata.json")
    metadata["databases"]["timeline"]["tables"]["sources"]["allow"] = {"id": "curator"}
    path = db.parent / "metadata-allow.json"
    path.write_text(json.dumps(metadata))
    spec = importlib.util.spec_from_file_location("permission_cache_plugin", SITE / "plugins" / "permission_cache.py")
    permission_cache = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(permission_cache)
    from datasette.app import Datasette

    ds = Datasette([str(db)], metadata=metadata)
    original = ds._table_permission_allows
    expected = {table: original("timeline", table) for table in ("sources", "facts", "timeline")}
    cache = permission_cache.cached_table_permission_allows(ds)
    for _ in range(2):
        assert {table: ds._table_permission_allows("timeline", table) for table in expected} == expected
    assert expected["sources"] == [{"id": "curator"}] and len(cache) == 3
    for _ in range(2):
        args = [str(db), "-m", str(path), "--plugins-dir", str(SITE / "plugins"), "--get"]
        assert CliRunner().invoke(datasette_cli, args + ["/timeline/sources.json"]).exit_code != 0
        listed = {t["name"] for t in json.loads(CliRunner().invoke(datasette_cli, args + ["/timeline.json"]).output)["tables"]}
        assert "sources" not in listed and "facts" in listed


@pytest.mark.parametrize("sql, index", [
    ("SELECT * FROM fact_corroboration LIMIT 101", "facts_chronological"),
    ("SELECT * FROM single_origin_facts LIMIT 101", "fact_origins_single_origin"),
    ("SELECT * FROM source_coverage LIMIT 101", "fact_origins_unique"),
])
def test_a_page_of_a_corroboration_view_reads_one_row_per_fact(real_db, sql, index):
    """Sources and origins per fact come from fact_origins (built once), not from grouping every citation."""
    steps = [row[3] for row in sqlite3.connect(real_db).execute("EXPLAIN QUERY PLAN " + sql)]
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps and not any("GROUP BY" in s for s in steps), steps
    assert any(index in step for step in steps), steps
    assert not any(step.startswith("SCAN citations") or step.startswith("SCAN fact_origins") for step in steps), steps


def test_fact_origins_agree_with_the_citations(real_db):
    conn = sqlite3.connect(real_db)
    grouped = conn.execute("""select citations.fact_id, count(distinct citations.source_id),
        count(distinct source_origins.origin) from citations
        join source_origins on source_origins.source_id = citations.source_id group by citations.fact_id""").fetchall()
    assert grouped and conn.execute("select fact_id, n_sources, n_origins from fact_origins order by fact_id").fetchall() == grouped


SLOW_SUMMARY = ("with recursive n(i) as (select 1 union all select i + 1 from n where i < 3000000)"
                " select count(*) as n from n")


@pytest.mark.parametrize("immutable", [True, False])
def test_a_summary_cached_once_per_file_may_take_longer_than_a_readers_query(real_db, tmp_path, immutable):
    """At 100,000 facts under load the timeline's busiest-entities summary passed the 1 s limit and the
    page failed; cached_sql gives a query it runs once per served file CACHED_TIME_LIMIT_MS instead.
    A mutable database is queried on every request, within the usual limit."""
    import asyncio

    from datasette.app import Datasette
    from datasette.database import QueryInterrupted

    path = tmp_path / "timeline.db"
    path.write_bytes(real_db.read_bytes())
    ds = Datasette(immutables=[str(path)] if immutable else [], files=[] if immutable else [str(path)],
                   settings={"sql_time_limit_ms": 20})
    cached_sql = quick_pages.extra_template_vars(ds)["cached_sql"]

    async def run():
        return await cached_sql(SLOW_SUMMARY, database="timeline")

    if immutable:
        assert asyncio.run(run())[0]["n"] == 3000000
    else:
        with pytest.raises(QueryInterrupted):
            asyncio.run(run())
