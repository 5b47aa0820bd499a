"""The real articles and facts: they check, build, and every offset points at the article's own words."""
import hashlib
import sqlite3

from click.testing import CliRunner
from conftest import ROOT

from timeline.cli import cli
from timeline.inputs import sources, story


def test_real_facts_and_sources_check_clean():
    inputs = story.check(str(ROOT / "facts"), str(ROOT / "sources"))
    assert [str(p) for p in inputs.problems] == []
    assert len(inputs.sources) == 5
    assert {f["kind"] for f in inputs.facts} == {"event", "figure", "court_action", "statement", "claim"}


def test_articles_are_pinned_byte_for_byte():
    loaded, problems = sources.load_sources(str(ROOT / "sources"))
    assert problems == []
    for source in loaded.values():
        data = (ROOT / source.path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == source.sha256
        assert data.decode("utf-8") == source.text


def test_every_sentence_and_quote_is_the_articles_own_text(real_db):
    db = sqlite3.connect(real_db)
    texts = {sid: (ROOT / path).read_text(encoding="utf-8")
             for sid, path in db.execute("select id, path from sources")}
    n = 0
    for source_id, text, start, end in db.execute('select source_id, text, start, "end" from sentences'):
        assert texts[source_id][start:end] == text
        n += 1
    assert n > 150
    for source_id, quote, start, end, s_start, s_end in db.execute(
        'select citations.source_id, quote, citations.start, citations."end", sentences.start, sentences."end"'
        " from citations join sentences on sentences.id = citations.sentence_id"
    ):
        assert texts[source_id][start:end] == quote
        assert s_start <= start < s_end, "sentence_id names the sentence the quote starts in"


def test_sentence_ids_are_source_and_position(real_db):
    db = sqlite3.connect(real_db)
    rows = db.execute("select id, source_id, position from sentences where source_id = 'wapo' order by position limit 3")
    assert [r[0] for r in rows] == ["wapo:1", "wapo:2", "wapo:3"]


def test_cli_check_passes_on_the_real_data():
    result = CliRunner().invoke(cli, ["check", "--facts", str(ROOT / "facts"),
                                                      "--sources", str(ROOT / "sources")])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK: ")
