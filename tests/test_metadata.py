"""metadata.json describes every table, view and column of the built database."""
import sqlite3

from conftest import ROOT

from timeline.site.server import site_metadata

METADATA = site_metadata(ROOT / "metadata.json")
TABLES = METADATA["databases"]["timeline"]["tables"]


def test_every_table_view_and_column_is_described(real_db):
    db = sqlite3.connect(real_db)
    names = [r[0] for r in db.execute(
        "select name from sqlite_master where type in ('table', 'view') and name not like '%_fts%'"
        " and name not like 'sqlite_%'")]
    missing = []
    for name in names:
        meta = TABLES.get(name, {})
        if not meta.get("description"):
            missing.append(name)
        for (column,) in db.execute(f"select name from pragma_table_info('{name}')"):
            if not meta.get("columns", {}).get(column):
                missing.append(f"{name}.{column}")
    assert missing == []


def test_metadata_describes_nothing_that_does_not_exist(real_db):
    db = sqlite3.connect(real_db)
    for name, meta in TABLES.items():
        columns = {r[0] for r in db.execute(f"select name from pragma_table_info('{name}')")}
        assert columns, f"metadata.json describes {name}, which the database does not have"
        assert set(meta.get("columns", {})) <= columns, name


def test_title_and_description_for_a_reader():
    assert METADATA["title"]
    assert len(METADATA["description"]) > 80
