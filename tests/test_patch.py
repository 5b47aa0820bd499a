"""A rebuild after facts files changed patches a copy of the last database: the same content as a full build.

Each edit below is made after a build; the rebuild must take the patch path (or, where the edit is a
mistake, report exactly what a full build reports), and the database must hold what a build from
nothing writes (conftest.database_content: schema, every table's rows, every view, full-text answers).
"""
import re
import shutil
import sqlite3

import pytest
from conftest import ROOT, assert_same_content, gen_corpus

from timeline.database import build
from timeline.database.write import lock
from timeline.errors import BuildError, InputError


def copy_of(facts, sources, tmp_path):
    shutil.copytree(facts, tmp_path / "facts")
    shutil.copytree(sources, tmp_path / "sources")
    (tmp_path / "out").mkdir()
    return tmp_path


@pytest.fixture
def synthetic(corpus, tmp_path):
    return copy_of(corpus / "facts", corpus / "sources", tmp_path)


@pytest.fixture
def real(tmp_path):
    """The project's own facts and articles: topics, conflicts, resolutions and quote variants."""
    return copy_of(ROOT / "facts", ROOT / "sources", tmp_path)


def run(work, db="out/timeline.db", **options):
    return build.build(str(work / db), str(work / "facts"), str(work / "sources"), **options)


def full_build(work):
    (work / "full").mkdir(exist_ok=True)
    run(work, "full/timeline.db", use_cache=False)
    return work / "full" / "timeline.db"


# ---------------------------------------------------------------- editing facts files as a curator does

def blocks(path):
    """(header, [fact block]) of a facts file: each block starts at '- id:'."""
    text = path.read_text(encoding="utf-8")
    parts = re.split(r"(?m)^(?=- id: )", text)
    return parts[0], parts[1:]


def write(path, header, parts):
    path.write_text(header + "".join(p if p.endswith("\n") else p + "\n" for p in parts), encoding="utf-8")


def fact_id(block):
    return re.match(r"- id: (\S+)", block).group(1)


def set_key(block, key, value):
    """The block with `key:` set to `value` (replaced, or added after the id line)."""
    if re.search(rf"(?m)^  {key}: ", block):
        return re.sub(rf"(?m)^  {key}: .*$", f"  {key}: {value}", block, count=1)
    first, rest = block.split("\n", 1)
    return f"{first}\n  {key}: {value}\n{rest}"


def renamed(block, new_id):
    return re.sub(r"^- id: \S+", f"- id: {new_id}", block, count=1)


def with_topic(work, topic):
    """(file, index) of the facts of `topic`, in file order."""
    found = []
    for path in sorted((work / "facts").glob("*.yaml")):
        for n, block in enumerate(blocks(path)[1]):
            if re.search(rf"(?m)^  topic: {re.escape(topic)}\s*$", block):
                found.append((path, n))
    return found


def edit(path, change):
    header, parts = blocks(path)
    write(path, header, change(parts))


def first_resolution(work):
    text = (work / "facts" / "resolutions.yaml").read_text(encoding="utf-8")
    return re.search(r"(?m)^- topic: (\S+)", text).group(1), re.search(r"(?m)^  stands: (\S+)", text).group(1)


def busiest_topic(work):
    counts = {}
    for path in (work / "facts").glob("*.yaml"):
        for topic in re.findall(r"(?m)^  topic: (\S+)", path.read_text(encoding="utf-8")):
            counts[topic] = counts.get(topic, 0) + 1
    return max(sorted(counts), key=counts.get)


# Each: (what the curator did, function(work) -> the changed files' names). All on the project's facts.
def retitle(work):
    edit(work / "facts" / "statements.yaml", lambda parts: [set_key(parts[0], "title", "A new title")] + parts[1:])
    return ["statements.yaml"]


def remove_a_fact_of_a_busy_topic(work):
    topic = busiest_topic(work)
    path, n = with_topic(work, topic)[-1]
    edit(path, lambda parts: parts[:n] + parts[n + 1:])
    return [path.name]


def add_a_copy_to_a_busy_topic(work):
    """A second fact quoting the same words: new disagreements and quote alignments with unchanged facts."""
    topic = busiest_topic(work)
    path, n = with_topic(work, topic)[0]
    edit(path, lambda parts: parts + [renamed(parts[n], "zz-a-copy")])
    return [path.name]


def move_a_fact_to_another_file(work):
    topic = busiest_topic(work)
    path, n = with_topic(work, topic)[0]
    header, parts = blocks(path)
    moved = parts.pop(n)
    write(path, header, parts)
    other = next(p for p in sorted((work / "facts").glob("*.yaml")) if p != path and p.name.startswith(("s", "c", "v")))
    edit(other, lambda others: others + [moved])
    return sorted([path.name, other.name])


def change_a_topic(work):
    topic = busiest_topic(work)
    path, n = with_topic(work, topic)[-1]
    edit(path, lambda parts: parts[:n] + [set_key(parts[n], "topic", "a-topic-of-its-own")] + parts[n + 1:])
    return [path.name]


def statement_becomes_claim(work):
    path = work / "facts" / "statements.yaml"
    edit(path, lambda parts: [re.sub(r"(?m)^  kind: statement$", "  kind: claim", parts[0])] + parts[1:])
    return ["statements.yaml"]


def a_figure_changes_qualifier(work):
    # (its value must stay a number its quote says: the qualifier is what a curator changes without a new quote)
    path = work / "facts" / "figures.yaml"
    edit(path, lambda parts: [re.sub(r"(?m)^(  value: \d+\n)(?:  qualifier: \w+\n)?", r"\1  qualifier: approx\n", p)
                              for p in parts])
    return ["figures.yaml"]


def a_new_file(work):
    header, parts = blocks(work / "facts" / "statements.yaml")
    write(work / "facts" / "more.yaml", header, [renamed(p, f"more-{n}") for n, p in enumerate(parts[:3])])
    return ["more.yaml"]


def a_file_removed(work):
    (work / "facts" / "court.yaml").unlink()
    return ["court.yaml"]


def two_files(work):
    return sorted(retitle(work) + a_figure_changes_qualifier(work))


def a_fact_still_to_come(work):
    """A fact dated after every article citing it (scheduled_facts), and one that no longer is."""
    header, parts = blocks(work / "facts" / "visit.yaml")
    ahead = re.sub(r"(?m)^  (when|when_source|date|direction): .*\n", "", renamed(parts[0], "zz-still-to-come"))
    parts = parts + [set_key(set_key(ahead, "date", "2025-06-02"), "direction", "future")]
    write(work / "facts" / "visit.yaml", header, parts)
    return ["visit.yaml"]


EDITS = [retitle, remove_a_fact_of_a_busy_topic, add_a_copy_to_a_busy_topic, move_a_fact_to_another_file,
         change_a_topic, statement_becomes_claim, a_figure_changes_qualifier, a_new_file, a_file_removed, two_files,
         a_fact_still_to_come]


@pytest.mark.parametrize("change", EDITS, ids=[e.__name__ for e in EDITS])
def test_a_patched_rebuild_holds_what_a_full_build_writes(real, change):
    run(real)
    names = change(real)
    inputs = run(real)
    assert inputs.patched == names
    assert_same_content(real / "out" / "timeline.db", full_build(real))
    assert run(real).unchanged  # and the next build knows it is up to date
    if change is a_fact_still_to_come:
        rows = sqlite3.connect(real / "out" / "timeline.db").execute("select * from scheduled_facts").fetchall()
        assert rows == [("zz-still-to-come", "2025-06-02", "2025-03-26")]


def test_a_patch_compares_quotes_within_one_language_as_a_full_build_does(real):
    """Quote variants are lined up only between sources of one language: the patch takes each source's language
    as the database records it (without reading the articles: reading all 10,000 of an archive took 1.5 s of
    a 2.4 s patch), so the quotes of a busy topic are lined up exactly as a full build lines them up (read as
    English, one more pair)."""
    topic = busiest_topic(real)
    path, n = with_topic(real, topic)[0]
    facts = {p: p.read_text(encoding="utf-8") for p in (real / "facts").glob("*.yaml")}
    # the one of its sources the fewest `when:` phrases are read in (those are English: dropped below)
    cited = min(re.findall(r"(?m)^    - source: (\S+)", blocks(path)[1][n]),
                key=lambda sid: sum(text.count(f"when_source: {sid}\n") for text in facts.values()))
    for p, text in facts.items():
        p.write_text(re.sub(rf"(?m)^  when: .*\n  when_source: {cited}\n", "", text), encoding="utf-8")
    yaml = real / "sources" / "sources.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(f"- id: {cited}\n", f"- id: {cited}\n  language: es\n", 1),
                    encoding="utf-8")
    run(real)
    edit(path, lambda parts: parts + [renamed(parts[n], "zz-a-copy")])
    assert run(real).patched == [path.name]
    assert_same_content(real / "out" / "timeline.db", full_build(real))
    conn = sqlite3.connect(real / "out" / "timeline.db")
    assert conn.execute("select language from sources where id = ?", [cited]).fetchone() == ("es",)


def copy_fact(work, fid, new_id):
    for path in (work / "facts").glob("*.yaml"):
        header, parts = blocks(path)
        if any(fact_id(p) == fid for p in parts):
            write(path, header, parts + [renamed(next(p for p in parts if fact_id(p) == fid), new_id)])
            return


def test_the_patched_rows_are_really_new(real):
    """Not only equal to a full build: the copies of an aligned quote and of a disagreeing figure get the
    rows their originals have, with the same unchanged partners."""
    import sqlite3

    run(real)
    db = sqlite3.connect(real / "out" / "timeline.db")
    aligned = db.execute("SELECT fact_a, fact_b FROM quote_alignments WHERE fact_a != fact_b ORDER BY 1, 2").fetchone()
    differs = db.execute("SELECT fact_id, field, value FROM fact_disagreements ORDER BY 1, 2").fetchone()
    db.close()
    copy_fact(real, aligned[0], "zz-aligned-copy")
    copy_fact(real, differs[0], "zz-disagreeing-copy")
    assert run(real).patched
    db = sqlite3.connect(real / "out" / "timeline.db")
    assert db.execute("SELECT count(*) FROM quote_alignments WHERE fact_a = ? AND fact_b = 'zz-aligned-copy'",
                      (aligned[1],)).fetchone()[0] >= 1
    assert db.execute("SELECT field, value FROM fact_disagreements WHERE fact_id = 'zz-disagreeing-copy'"
                      " AND field = ?", (differs[1],)).fetchall() == [differs[1:]]
    assert db.execute("SELECT count(*) FROM fact_disagreements WHERE fact_id = ?", (differs[0],)).fetchone()[0] >= 1
    assert db.execute("SELECT n_sources FROM fact_origins WHERE fact_id = 'zz-aligned-copy'").fetchone()[0] >= 1
    title = db.execute("SELECT title FROM facts WHERE id = 'zz-aligned-copy'").fetchone()[0]
    found = db.execute("SELECT facts.id FROM facts_fts JOIN facts ON facts.rowid = facts_fts.rowid"
                       " WHERE facts_fts MATCH ?", (f'"{title.split()[0]}"',)).fetchall()
    assert ("zz-aligned-copy",) in found


def test_the_synthetic_corpus_patches_too(synthetic):
    run(synthetic)
    path = synthetic / "facts" / "facts-0003.yaml"
    edit(path, lambda parts: parts[5:] + [renamed(parts[0], "fact-new")])
    assert run(synthetic).patched == ["facts-0003.yaml"]
    assert_same_content(synthetic / "out" / "timeline.db", full_build(synthetic))


# ---------------------------------------------------------------- mistakes: reported as a full build reports them

def duplicate_id(work):
    header, parts = blocks(work / "facts" / "visit.yaml")
    edit(work / "facts" / "statements.yaml", lambda others: others + [parts[0]])


def remove_the_fact_a_resolution_names(work):
    _, stands = first_resolution(work)
    for path in (work / "facts").glob("*.yaml"):
        if path.name not in ("resolutions.yaml", "entities.yaml", "set-aside.yaml"):
            edit(path, lambda parts: [p for p in parts if fact_id(p) != stands])


def rename_a_resolved_topic_away(work):
    topic, _ = first_resolution(work)
    for path, _ in with_topic(work, topic):
        path.write_text(re.sub(rf"(?m)^  topic: {topic}\s*$", "  topic: renamed-topic",
                               path.read_text(encoding="utf-8")), encoding="utf-8")


def a_quote_not_in_its_source(work):
    edit(work / "facts" / "statements.yaml",
         lambda parts: [re.sub(r'(?m)^(\s+quote: ).*$', r'\1"words no article ever printed here"', parts[0], count=1)]
         + parts[1:])


MISTAKES = [duplicate_id, remove_the_fact_a_resolution_names, rename_a_resolved_topic_away, a_quote_not_in_its_source]


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.__name__ for m in MISTAKES])
def test_a_mistake_is_reported_as_a_full_build_reports_it(real, mistake):
    run(real)
    before = (real / "out" / "timeline.db").read_bytes()
    mistake(real)
    with pytest.raises(InputError) as patched:
        run(real)
    with pytest.raises(InputError) as full:
        run(real, "full.db", use_cache=False)
    assert [str(p) for p in patched.value.problems] == [str(p) for p in full.value.problems]
    assert patched.value.problems
    assert (real / "out" / "timeline.db").read_bytes() == before


@pytest.mark.parametrize("what", ["entities.yaml", "resolutions.yaml", "set-aside.yaml", "sources.yaml"])
def test_other_changes_take_a_full_build(real, what):
    run(real)
    path = real / ("sources" if what == "sources.yaml" else "facts") / what
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    inputs = run(real)
    assert not inputs.patched and not inputs.unchanged
    assert (real / "out" / "timeline.db").read_bytes() == full_build(real).read_bytes()


def test_an_excerpts_build_is_never_patched(real):
    run(real, excerpts=True)
    retitle(real)
    assert not run(real, excerpts=True).patched


def test_a_database_changed_since_the_build_is_not_patched(real):
    import sqlite3

    run(real)
    db = sqlite3.connect(real / "out" / "timeline.db")
    db.execute("UPDATE facts SET title = 'edited by hand' WHERE rowid = 1")
    db.commit()
    db.close()
    retitle(real)
    assert not run(real).patched
    assert_same_content(real / "out" / "timeline.db", full_build(real))


def test_a_patch_that_would_break_a_reference_is_refused_by_sqlite(real):
    """Foreign keys are checked when the patch commits: a fact about an unknown entity cannot land."""
    import sqlite3

    from timeline.database import cache, patch

    run(real)
    db = real / "out" / "timeline.db"
    store = cache.Cache(cache.folder_for(str(db)))
    conn = sqlite3.connect(db)
    new, sources = patch.read_changed(conn, str(real / "facts"), str(real / "sources"), ["statements.yaml"], store,
                                      store.manifest(str(db))["depends"])
    conn.close()
    store.close(prune=False)
    new[0]["entities"].append(("no-such-entity", "subject"))
    shutil.copy(db, real / "copy.db")
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        patch.apply(str(real / "copy.db"), new, ["facts/statements.yaml"], sources)


def test_rounds_of_random_edits_patch_to_what_a_full_build_writes(tmp_path):
    """Many kinds of edit at once, in a corpus whose facts crowd into a few topics (so every edit meets
    conflicts and quote alignments with unchanged facts in other files)."""
    import random

    synthetic = tmp_path
    gen_corpus.generate(str(synthetic), 200, n_articles=10, facts_per_file=20)
    (synthetic / "out").mkdir()
    rng = random.Random(8)
    files = sorted((synthetic / "facts").glob("facts-*.yaml"))
    for path in files:
        path.write_text(re.sub(r"(?m)^  topic: topic-(\d+)$", lambda m: f"  topic: topic-{int(m.group(1)) % 6}",
                               path.read_text(encoding="utf-8")), encoding="utf-8")
    run(synthetic)

    def retitle(parts, n):
        parts[n] = set_key(parts[n], "title", f"Retitled {rng.randint(0, 999)}")

    def retopic(parts, n):
        parts[n] = set_key(parts[n], "topic", f"topic-{rng.randint(0, 5)}")

    def remove(parts, n):
        del parts[n]

    def copy(parts, n):
        parts.append(renamed(parts[n], f"copy-{rng.randint(0, 10 ** 6)}"))

    def revalue(parts, n):
        qualifier = rng.choice(("approx", "at_least", "more_than", "exact"))
        parts[n] = re.sub(r"(?m)^(  value: \d+\n)(?:  qualifier: \w+\n)?", rf"\1  qualifier: {qualifier}\n", parts[n])

    for round in range(5):
        changed = rng.sample(files, 2)
        for path in changed:
            header, parts = blocks(path)
            for _ in range(3):
                rng.choice([retitle, retopic, remove, copy, revalue])(parts, rng.randrange(len(parts)))
            write(path, header, parts)
        assert run(synthetic).patched == sorted(p.name for p in changed), f"round {round}"
        assert_same_content(synthetic / "out" / "timeline.db", full_build(synthetic))


def test_when_most_files_changed_a_full_build_runs(synthetic):
    run(synthetic)
    for path in sorted((synthetic / "facts").glob("facts-*.yaml"))[:3]:  # 3 of 4 files
        edit(path, lambda parts: [set_key(parts[0], "title", "Changed")] + parts[1:])
    inputs = run(synthetic)
    assert not inputs.patched and not inputs.unchanged


def test_a_patch_waits_for_another_build_like_a_full_build(real):
    run(real)
    retitle(real)
    db = real / "out" / "timeline.db"
    before = db.read_bytes()
    with lock(str(db), 0):  # another build is running
        with pytest.raises(BuildError, match="another build"):
            run(real, wait=0.3)
    assert db.read_bytes() == before
    assert run(real).patched == ["statements.yaml"]


def test_every_patched_table_is_checked_and_a_failed_check_makes_a_full_build(real, monkeypatch):
    """After the patch commits, SQLite checks each table it touched and their full-text indexes (in
    threads, the largest first); a table that fails its check is never put in place: the full build runs."""
    from timeline.database import patch

    run(real)
    checked = []
    real_checks = patch.run_checks

    def spy(path, checks, jobs=None):
        checked.append(checks)
        return real_checks(path, checks, jobs)

    monkeypatch.setattr(patch, "run_checks", spy)
    db = sqlite3.connect(real / "out" / "timeline.db")
    [(first,)] = db.execute("SELECT id FROM facts ORDER BY id LIMIT 1").fetchall()
    db.close()
    copy_fact(real, first, "zz-checked-copy")
    assert run(real).patched
    [checks] = checked
    tables = [re.fullmatch(r"PRAGMA quick_check\(\[(\w+)\]\)", sql)[1] for sql in checks]
    assert tables[:3] == ["facts", "citations", "fact_entities"]
    assert set(patch.PATCHED_TABLES) <= set(tables)
    assert {"facts_fts_data", "citations_fts_data"} <= set(tables)

    def damaged(path, checks, jobs=None):  # the facts table's check finds a page out of place
        return [[("*** in database main ***",)] if "[facts]" in sql else [("ok",)] for sql in checks]

    monkeypatch.setattr(patch, "run_checks", damaged)
    copy_fact(real, first, "zz-second-copy")
    inputs = run(real)
    assert not inputs.patched, "the full build ran instead"
    db = sqlite3.connect(real / "out" / "timeline.db")
    assert db.execute("SELECT count(*) FROM facts WHERE id IN ('zz-checked-copy', 'zz-second-copy')").fetchone()[0] == 2
    db.close()
    assert sorted(p.name for p in (real / "out").iterdir() if "building" in p.name) == [], "the patched copy removed"
