"""The SQL schema: a public interface (users write queries against it). Change it on purpose only.

Every table, view and column here is described in the site's metadata.json; a test keeps the two in
step. What goes into each table is timeline.database.rows'.
"""
TABLE_ORDER: tuple[str, ...] = ("sources", "sentences", "entities", "facts", "citations", "fact_entities", "set_aside")
# The tables of the articles and the facts: written first, and indexed while the tables across sources are worked out
FIRST_TABLES = TABLE_ORDER

TABLES = [
    """CREATE TABLE sources (
    id TEXT PRIMARY KEY,
    outlet TEXT,
    title TEXT,
    author TEXT,
    published TEXT,
    url TEXT,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    based_on TEXT,
    notes TEXT,
    original TEXT,
    original_sha256 TEXT,
    retrieved TEXT,
    court TEXT,
    case_name TEXT,
    docket_number TEXT,
    document_number TEXT,
    date_filed TEXT,
    pages INTEGER,
    page_labels TEXT,
    language TEXT NOT NULL DEFAULT 'en'
)""",
    """CREATE TABLE sentences (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES sources(id),
    position INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    signals TEXT NOT NULL,
    page INTEGER
)""",
    """CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    description TEXT,
    aliases TEXT,
    file TEXT NOT NULL,
    line INTEGER NOT NULL
)""",
    """CREATE TABLE facts (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    date_start TEXT,
    date_end TEXT,
    date_precision TEXT,
    date_qualifier TEXT,
    date_edtf TEXT,
    date_label TEXT,
    date_text TEXT,
    date_basis TEXT,
    value NUMERIC,
    value_qualifier TEXT,
    unit TEXT,
    value_per TEXT,
    attributed_to TEXT REFERENCES entities(id),
    topic TEXT,
    notes TEXT,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    when_source TEXT REFERENCES sources(id)
)""",
    """CREATE TABLE citations (
    fact_id TEXT NOT NULL REFERENCES facts(id),
    position INTEGER NOT NULL,
    source_id TEXT NOT NULL REFERENCES sources(id),
    sentence_id TEXT NOT NULL REFERENCES sentences(id),
    quote TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    line INTEGER NOT NULL,
    page INTEGER,
    page_label TEXT,
    translation TEXT,
    translated_by TEXT,
    PRIMARY KEY (fact_id, position)
)""",
    """CREATE TABLE fact_entities (
    fact_id TEXT NOT NULL REFERENCES facts(id),
    entity_id TEXT NOT NULL REFERENCES entities(id),
    role TEXT NOT NULL,
    PRIMARY KEY (fact_id, entity_id, role)
)""",
    """CREATE TABLE set_aside (
    source_id TEXT NOT NULL REFERENCES sources(id),
    sentence_id TEXT NOT NULL REFERENCES sentences(id),
    quote TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    reason TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    PRIMARY KEY (source_id, start, "end")
)""",
]

INDEXES = [
    "CREATE INDEX sentences_source ON sentences(source_id, position)",
    # date_end and kind too: the drawing on /chronology counts facts per period from these alone
    "CREATE INDEX facts_date ON facts(date_start, date_precision, date_end, kind)",
    "CREATE INDEX facts_kind ON facts(kind, date_start, date_end)",
    "CREATE INDEX facts_topic ON facts(topic)",
    "CREATE INDEX facts_attributed_to ON facts(attributed_to)",
    "CREATE INDEX facts_when_source ON facts(when_source)",
    "CREATE INDEX citations_source ON citations(source_id)",
    "CREATE INDEX citations_sentence ON citations(sentence_id)",
    "CREATE INDEX fact_entities_entity ON fact_entities(entity_id, fact_id)",  # covers facts-per-entity counts
]

# Day before week before month before year before decade within the same start date.
PRECISION_ORDER = ("CASE date_precision WHEN 'day' THEN 1 WHEN 'week' THEN 2 WHEN 'month' THEN 3"
                   " WHEN 'year' THEN 4 WHEN 'decade' THEN 5 ELSE 6 END")
CHRONOLOGICAL = f"facts.date_start IS NULL, facts.date_start, {PRECISION_ORDER.replace('date_precision', 'facts.date_precision')}, facts.id"

# Indexes whose order is the views' ORDER BY, so a page of the timeline reads 100 rows, not sorts them all.
INDEXES += [
    f"CREATE INDEX facts_chronological ON facts(date_start IS NULL, date_start, {PRECISION_ORDER}, id)",
    f"CREATE INDEX facts_kind_chronological ON facts(kind, date_start IS NULL, date_start, {PRECISION_ORDER}, id)",
]

VIEWS = [
    f"""CREATE VIEW timeline AS
SELECT facts.id, facts.date_label, facts.kind, facts.title,
    entities.name AS attributed_to_name,
    (SELECT count(DISTINCT citations.source_id) FROM citations WHERE citations.fact_id = facts.id) AS n_sources,
    facts.date_start, facts.date_end, facts.date_precision, facts.date_text, facts.topic
FROM facts LEFT JOIN entities ON entities.id = facts.attributed_to
ORDER BY {CHRONOLOGICAL}""",
    f"""CREATE VIEW figures AS
SELECT facts.id, facts.title, facts.value, facts.value_qualifier, facts.unit, facts.value_per,
    facts.date_label, facts.topic,
    (SELECT count(DISTINCT citations.source_id) FROM citations WHERE citations.fact_id = facts.id) AS n_sources
FROM facts WHERE facts.kind = 'figure'
ORDER BY {CHRONOLOGICAL}""",
    f"""CREATE VIEW court_actions AS
SELECT facts.id, facts.date_label, facts.title,
    (SELECT group_concat(entities.name, '; ') FROM fact_entities JOIN entities ON entities.id = fact_entities.entity_id
     WHERE fact_entities.fact_id = facts.id AND entities.type = 'court') AS courts,
    (SELECT group_concat(entities.name, '; ') FROM fact_entities JOIN entities ON entities.id = fact_entities.entity_id
     WHERE fact_entities.fact_id = facts.id AND fact_entities.role = 'judge') AS judges,
    (SELECT count(DISTINCT citations.source_id) FROM citations WHERE citations.fact_id = facts.id) AS n_sources,
    facts.date_start, facts.date_precision
FROM facts WHERE facts.kind = 'court_action'
ORDER BY {CHRONOLOGICAL}""",
    f"""CREATE VIEW statements AS
SELECT facts.id, facts.kind, entities.name AS speaker, facts.title, facts.date_label,
    (SELECT group_concat(citations.source_id || ': ' || citations.quote, char(10)) FROM citations
     WHERE citations.fact_id = facts.id) AS quotes,
    (SELECT count(DISTINCT citations.source_id) FROM citations WHERE citations.fact_id = facts.id) AS n_sources,
    facts.attributed_to
FROM facts JOIN entities ON entities.id = facts.attributed_to
WHERE +facts.kind IN ('statement', 'claim')  -- '+': read facts_chronological in order, skip other kinds
ORDER BY {CHRONOLOGICAL}""",
]

VIEWS.append("""CREATE VIEW uncovered_sentences AS
SELECT sentences.id, sentences.source_id, sentences.position, sentences.text, sentences.signals
FROM sentences
WHERE sentences.signals != ''
    AND NOT EXISTS (SELECT 1 FROM citations WHERE citations.source_id = sentences.source_id
                    AND citations.start < sentences."end" AND citations."end" > sentences.start)
    AND NOT EXISTS (SELECT 1 FROM set_aside WHERE set_aside.source_id = sentences.source_id
                    AND set_aside.start < sentences."end" AND set_aside."end" > sentences.start)
ORDER BY sentences.source_id, sentences.position""")

FTS = {
    "facts": ["title", "notes", "date_label", "unit"],
    "sentences": ["text"],
    "entities": ["name", "description", "aliases"],
    "citations": ["translation"],  # a quote's words are its sentence's (sentences_fts); its translation is here
}
# Every full-text index folds accents (FTS5's unicode61 with remove_diacritics 2: 'prision' finds 'prisión',
# 'Guzman' finds 'Guzmán') under the Porter stemmer, as sqlite-utils' enable_fts writes it with this tokenize.
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"


SOURCE_TABLES = ("sources", "sentences")  # what depends on the articles alone (source_tables)


# ---------------------------------------------------------------- across sources (corroboration)
# Links between sources, origins, conflicts, quote variants: computed in corroboration.py,
# conflicts.py and variants.py; described in metadata.json like everything else.

TABLE_ORDER += ("source_links", "shared_sentences", "source_origins", "fact_disagreements", "date_conflicts",
                "resolutions", "quote_alignments")

TABLES += [
    """CREATE TABLE source_links (
    source_a TEXT NOT NULL REFERENCES sources(id),
    source_b TEXT NOT NULL REFERENCES sources(id),
    shared_sentences INTEGER NOT NULL,
    similarity REAL NOT NULL,
    basis TEXT,
    evidence TEXT NOT NULL,
    PRIMARY KEY (source_a, source_b)
)""",
    """CREATE TABLE shared_sentences (
    sentence_a TEXT NOT NULL REFERENCES sentences(id),
    sentence_b TEXT NOT NULL REFERENCES sentences(id),
    source_a TEXT NOT NULL REFERENCES sources(id),
    source_b TEXT NOT NULL REFERENCES sources(id),
    similarity REAL NOT NULL,
    PRIMARY KEY (sentence_a, sentence_b)
)""",
    """CREATE TABLE source_origins (
    source_id TEXT PRIMARY KEY REFERENCES sources(id),
    origin TEXT NOT NULL,
    members TEXT NOT NULL,
    n_members INTEGER NOT NULL
)""",
    """CREATE TABLE fact_disagreements (
    topic TEXT NOT NULL,
    field TEXT NOT NULL,
    fact_id TEXT NOT NULL REFERENCES facts(id),
    value TEXT NOT NULL,
    n_values INTEGER NOT NULL,
    PRIMARY KEY (fact_id, field)
)""",
    """CREATE TABLE date_conflicts (
    fact_id TEXT NOT NULL REFERENCES facts(id),
    source_id TEXT NOT NULL REFERENCES sources(id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    implied_start TEXT NOT NULL,
    implied_end TEXT NOT NULL,
    fact_date_start TEXT NOT NULL,
    fact_date_end TEXT NOT NULL,
    basis TEXT NOT NULL,
    PRIMARY KEY (fact_id, source_id, kind, text)
)""",
    """CREATE TABLE resolutions (
    topic TEXT PRIMARY KEY,
    stands TEXT NOT NULL REFERENCES facts(id),
    reason TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL
)""",
    """CREATE TABLE quote_alignments (
    fact_a TEXT NOT NULL REFERENCES facts(id),
    position_a INTEGER NOT NULL,
    source_a TEXT NOT NULL REFERENCES sources(id),
    words_a TEXT NOT NULL,
    fact_b TEXT NOT NULL REFERENCES facts(id),
    position_b INTEGER NOT NULL,
    source_b TEXT NOT NULL REFERENCES sources(id),
    words_b TEXT NOT NULL,
    similarity REAL NOT NULL,
    differences TEXT,
    PRIMARY KEY (fact_a, position_a, fact_b, position_b)
)""",
]

INDEXES += [
    "CREATE INDEX source_links_b ON source_links(source_b)",
    "CREATE INDEX source_origins_origin ON source_origins(origin)",
    # The conflicts view's order: its pages read the first rows straight from this index.
    "CREATE INDEX fact_disagreements_topic ON fact_disagreements(topic, field, value, fact_id)",
]

# Every foreign key column leads an index: a row page counts the rows that point at it ("links from
# other tables") in each referencing table, which is a scan of that table without one.
INDEXES += [
    "CREATE INDEX set_aside_sentence ON set_aside(sentence_id)",
    "CREATE INDEX shared_sentences_sentence_b ON shared_sentences(sentence_b)",
    "CREATE INDEX shared_sentences_source_a ON shared_sentences(source_a)",
    "CREATE INDEX shared_sentences_source_b ON shared_sentences(source_b)",
    "CREATE INDEX date_conflicts_source ON date_conflicts(source_id)",
    "CREATE INDEX resolutions_stands ON resolutions(stands)",
    "CREATE INDEX quote_alignments_fact_b ON quote_alignments(fact_b)",
    "CREATE INDEX quote_alignments_source_a ON quote_alignments(source_a)",
    "CREATE INDEX quote_alignments_source_b ON quote_alignments(source_b)",
]

_FACT_SOURCES = "(SELECT group_concat(DISTINCT c.source_id) FROM citations c WHERE c.fact_id = {0})"

VIEWS += [
    f"""CREATE VIEW fact_corroboration AS
SELECT facts.id AS fact_id, facts.kind, facts.title,
    fact_origins.n_sources, fact_origins.n_origins, fact_origins.sources, fact_origins.origins,
    facts.topic, facts.date_start
FROM facts JOIN fact_origins ON fact_origins.fact_id = facts.id
ORDER BY {CHRONOLOGICAL}""",
    """CREATE VIEW single_origin_facts AS
SELECT fact_origins.fact_id, facts.kind, facts.title, fact_origins.n_sources, fact_origins.sources,
    fact_origins.origins, facts.topic
FROM fact_origins JOIN facts ON facts.id = fact_origins.fact_id
WHERE fact_origins.n_origins = 1
ORDER BY fact_origins.origins, fact_origins.fact_id""",
    f"""CREATE VIEW conflicts AS
SELECT d.topic, d.field, d.value, d.fact_id, f.title, f.date_label, {_FACT_SOURCES.format('d.fact_id')} AS sources,
    d.n_values, CASE WHEN r.topic IS NULL THEN 0 ELSE 1 END AS resolved, r.stands, r.reason
FROM fact_disagreements d
JOIN facts f ON f.id = d.fact_id
LEFT JOIN resolutions r ON r.topic = d.topic
ORDER BY d.topic, d.field, d.value, d.fact_id""",
    """CREATE VIEW source_date_conflicts AS
SELECT date_conflicts.fact_id, facts.title, date_conflicts.source_id, date_conflicts.kind, date_conflicts.text,
    date_conflicts.implied_start, date_conflicts.implied_end, facts.date_label AS fact_date, date_conflicts.basis
FROM date_conflicts JOIN facts ON facts.id = date_conflicts.fact_id
ORDER BY date_conflicts.source_id, date_conflicts.fact_id""",
    """CREATE VIEW quote_variants AS
SELECT q.fact_a, q.source_a, q.words_a, q.fact_b, q.source_b, q.words_b, q.differences, q.similarity,
    entities.name AS speaker, facts.topic
FROM quote_alignments q JOIN facts ON facts.id = q.fact_a
LEFT JOIN entities ON entities.id = facts.attributed_to
WHERE q.differences IS NOT NULL
ORDER BY q.fact_a, q.position_a, q.fact_b, q.position_b""",
    """CREATE VIEW source_coverage AS
SELECT sources.id AS source_id, sources.outlet, source_origins.origin,
    (SELECT count(*) FROM sentences s WHERE s.source_id = sources.id) AS n_sentences,
    (SELECT count(*) FROM sentences s WHERE s.source_id = sources.id AND EXISTS (
        SELECT 1 FROM citations c WHERE c.source_id = s.source_id AND c.start < s."end" AND s.start < c."end"))
        AS n_cited_sentences,
    (SELECT count(DISTINCT c.fact_id) FROM citations c WHERE c.source_id = sources.id) AS n_facts,
    (SELECT count(*) FROM fact_origins fo WHERE fo.n_sources = 1 AND fo.sources = sources.id)
        AS n_unique_facts,
    round(1.0 * (SELECT count(*) FROM fact_origins fo WHERE fo.n_sources = 1 AND fo.sources = sources.id)
        / nullif((SELECT count(DISTINCT c.fact_id) FROM citations c WHERE c.source_id = sources.id), 0), 3)
        AS share_unique
FROM sources JOIN source_origins ON source_origins.source_id = sources.id
ORDER BY sources.id""",
]


# ---------------------------------------------------------------- from git (timeline.history)
# Each fact's revisions when the facts folder is in a git repository; empty otherwise. Removed facts
# keep their rows, so fact_id is not a reference to facts.

TABLE_ORDER += ("fact_history",)

TABLES += [
    """CREATE TABLE fact_history (
    fact_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    commit_hash TEXT NOT NULL,
    date TEXT NOT NULL,
    author TEXT NOT NULL,
    message TEXT NOT NULL,
    action TEXT NOT NULL,
    fields TEXT,
    previous TEXT,
    file TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (fact_id, revision)
)""",
]

INDEXES += [
    "CREATE INDEX fact_history_commit ON fact_history(commit_hash)",
]


# ---------------------------------------------------------------- derived from the tables above
# Per-fact sources and origins, computed once when the database is written (from citations and
# source_origins), so the views above read one row per fact instead of grouping every citation. A build
# works them out in Python with corroboration's tables (timeline.database.rows.derived_rows: 0.4 s at
# 100,000 facts, beside SQLite's indexes, where these statements took 1 s of SQLite's after them); a
# patched rebuild runs the statements below for the facts it changes. A test holds the two to the same rows.

TABLE_ORDER += ("fact_origins", "scheduled_facts")

TABLES += [
    """CREATE TABLE fact_origins (
    fact_id TEXT PRIMARY KEY REFERENCES facts(id),
    n_sources INTEGER NOT NULL,
    n_origins INTEGER NOT NULL,
    sources TEXT NOT NULL,
    origins TEXT NOT NULL
)""",
]

# CROSS JOIN keeps citations the outer loop, read in (fact_id, position) order: the lists come out
# in citation order whether all facts are computed (a build) or a few (a patched rebuild).
FACT_ORIGINS = """INSERT INTO fact_origins (fact_id, n_sources, n_origins, sources, origins)
SELECT citations.fact_id, count(DISTINCT citations.source_id), count(DISTINCT source_origins.origin),
    group_concat(DISTINCT citations.source_id), group_concat(DISTINCT source_origins.origin)
FROM citations CROSS JOIN source_origins ON source_origins.source_id = citations.source_id
{where}GROUP BY citations.fact_id"""

# Facts still to come when the articles citing them were written ("is due to meet ... on Thursday"):
# dated after the publication date of every source that cites them (each in its own offset), so no
# source reports them as done. A source without a publication date could have: such a fact is not listed.
TABLES += [
    """CREATE TABLE scheduled_facts (
    fact_id TEXT PRIMARY KEY REFERENCES facts(id),
    date_start TEXT NOT NULL,
    last_published TEXT NOT NULL
)""",
]

SCHEDULED_FACTS = """INSERT INTO scheduled_facts (fact_id, date_start, last_published)
SELECT citations.fact_id, facts.date_start, max(substr(sources.published, 1, 10))
FROM citations CROSS JOIN facts ON facts.id = citations.fact_id JOIN sources ON sources.id = citations.source_id
{where}GROUP BY citations.fact_id
HAVING facts.date_start IS NOT NULL AND count(sources.published) = count(*)
    AND max(substr(sources.published, 1, 10)) < facts.date_start"""

# The tables across sources that the derived ones do not read, written last (with their indexes), worked out
# while SQLite makes the other tables' indexes and the views (write.write).
LAST_TABLES = ("fact_disagreements", "date_conflicts", "resolutions", "quote_alignments")

INDEXES += [
    "CREATE INDEX fact_origins_single_origin ON fact_origins(n_origins, origins, fact_id)",
    "CREATE INDEX fact_origins_unique ON fact_origins(n_sources, sources)",
]


def indexes_on(tables: tuple[str, ...]) -> list[str]:
    """The statements of INDEXES that index one of `tables`, in their order."""
    return [s for s in INDEXES if s.split(" ON ", 1)[1].split("(", 1)[0] in tables]
