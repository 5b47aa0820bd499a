"""What goes into each table: row dicts made from the checked inputs (timeline.inputs.story.Inputs),
table by table in schema.TABLE_ORDER, in a deterministic order (the same inputs give the same file);
the biggest tables' rows as tuples of their columns (Tuples).

The tables across sources are made by the modules of timeline.across: each has `rows(inputs)`
giving {table: [row dict]} for its tables (ACROSS, the `TableMaker` protocol); the build cache
may hold the result of corroboration's, which depends on the sources alone.
"""
from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from timeline.across import conflicts, corroboration, variants
from timeline.database.schema import FIRST_TABLES, TABLE_ORDER
from timeline.inputs import pages
from timeline.inputs.sources import COURT_KEYS
from timeline.inputs.story import Inputs
from timeline.records import Fact, Row, Source, sentence_id
from timeline.text import signals


@dataclass(frozen=True)
class Tuples:
    """A table's rows as tuples of `columns`, in order: the big tables' rows (sentences, citations,
    fact_entities) are made so, quicker to make and to insert than a dict each (0.1 s of the 1 s the
    citations took to write at 100,000 facts, with one core busy). write.insert takes either;
    dicts() gives them as row dicts."""

    columns: tuple[str, ...]
    rows: Iterable[tuple[Any, ...]]

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def dicts(self) -> Iterator[dict[str, Any]]:
        return (dict(zip(self.columns, row)) for row in self.rows)


# (table, its rows), one table after the other: row dicts (a Mapping, as a fact's row is the Fact itself)
# or Tuples
Rows = Iterable[Mapping[str, Any]] | Tuples
Tables = Iterator[tuple[str, Rows]]


class TableMaker(Protocol):
    """A module of timeline.across that fills tables of its own."""

    __name__: str

    def rows(self, inputs: Inputs) -> dict[str, list[Row]]: ...


# The derived tables (fact_origins, scheduled_facts: derived_rows) read corroboration's origins: they are worked
# out with its tables and written after them; the others' (schema.LAST_TABLES) are written last, worked out
# while SQLite makes the indexes (write.write).
ACROSS_BEFORE_DERIVED: tuple[TableMaker, ...] = (corroboration,)
ACROSS_AFTER_DERIVED: tuple[TableMaker, ...] = (conflicts, variants)
ACROSS = ACROSS_BEFORE_DERIVED + ACROSS_AFTER_DERIVED  # in this order


def _lazy_rows(inputs: Inputs) -> Tables:
    """(table, iterator of row dicts) for the tables of facts and sources, in TABLE_ORDER; each
    iterator is to be used up before the next table is asked for."""
    facts = sorted(inputs.facts, key=lambda f: f["id"])
    yield from source_tables(inputs.sources)
    yield "entities", ({"id": k, "name": e["name"], "type": e["type"], "description": e["description"],
                        "aliases": json.dumps(e["aliases"], ensure_ascii=False) if e.get("aliases") else None,
                        "file": e["file"], "line": e["line"]} for k, e in sorted(inputs.entities.items()))
    yield from fact_tables(facts, inputs.sources)
    yield "set_aside", ({"source_id": a["source_id"],
                         "sentence_id": sentence_id(a["source_id"], inputs.sources[a["source_id"]].sentence_at(a["start"])),
                         **{k: a[k] for k in ("quote", "start", "end", "reason", "file", "line")}}
                        for a in sorted(inputs.set_aside, key=lambda a: (a["source_id"], a["start"], a["end"])))


def source_tables(sources: Mapping[str, Source]) -> Tables:
    """(table, iterator of row dicts) for the sources and sentences tables; `sources` {id: Source}."""
    ordered = [sources[k] for k in sorted(sources)]
    yield "sources", ({"id": s.id, "outlet": s.outlet, "title": s.title, "author": s.author,
                       "published": s.published, "url": s.url, "path": s.path, "sha256": s.sha256,
                       "based_on": s.based_on, "notes": s.notes, "original": s.original,
                       "original_sha256": s.original_sha256, "retrieved": s.retrieved,
                       **{k: getattr(s, k) for k in COURT_KEYS}, "pages": len(s.pages) if s.pages else None,
                       "page_labels": json.dumps(pages.labels(s)) if s.pages else None,
                       "language": s.language} for s in ordered)
    yield "sentences", Tuples(SENTENCE_COLUMNS, _sentence_rows(ordered))


SENTENCE_COLUMNS = ("id", "source_id", "position", "paragraph", "text", "start", "end", "signals", "page")
CITATION_COLUMNS = ("fact_id", "position", "source_id", "sentence_id", "quote", "start", "end", "line", "page",
                    "page_label", "translation", "translated_by")
FACT_ENTITY_COLUMNS = ("fact_id", "entity_id", "role")


def _sentence_rows(ordered: Iterable[Source]) -> Iterator[tuple[Any, ...]]:
    # (0.27 s of the 1.5 s the sentences' rows took as dicts at 100,000 facts, in the helper that
    # writes them while the facts are checked)
    for s in ordered:
        sid, text, kept = s.id, s.text, s.signals
        for n, (para, start, end) in enumerate(s.sentences, start=1):
            words = text[start:end]
            yield (sentence_id(sid, n), sid, n, para, words, start, end,
                   kept[n - 1] if kept else ",".join(signals.signals(words, s.language)),
                   pages.locate(s, start)[0] if s.pages else None)


def fact_tables(facts: Sequence[Fact], sources: Mapping[str, Source]) -> Tables:
    """(table, iterator of row dicts) for facts, citations and fact_entities; `facts` sorted by id. A
    fact's row is the fact itself: it holds every column (and more, which the insert leaves out); a fact
    dated without `when:` is given when_source None, so that every row has every column. A citation of a
    PDF source gets its page (position and label) from `sources` {id: Source}."""
    for f in facts:
        if "when_source" not in f:
            cast(dict[str, Any], f)["when_source"] = None
    yield "facts", iter(facts)
    yield "citations", Tuples(CITATION_COLUMNS, _citation_rows(facts, sources))
    yield "fact_entities", Tuples(FACT_ENTITY_COLUMNS, _sorted(_fact_entities(facts)))


# The order fact_tables writes the rows of each table in (of `facts` sorted by id): a table's rows
# written elsewhere first (write.Staged) are copied over in the same order, so the file is the same.
FACT_TABLES_ORDER = {"facts": "id", "citations": "fact_id, position", "fact_entities": "fact_id, entity_id, role"}


def _sorted(rows: Iterable[tuple[str, str, str]]) -> Iterator[tuple[str, str, str]]:
    yield from sorted(rows)  # (sorted only when the rows are asked for: not by a build that copies them)


def _citation_rows(facts: Sequence[Fact], sources: Mapping[str, Source]) -> Iterator[tuple[Any, ...]]:
    for f in facts:
        fact_id = f["id"]
        for i, c in enumerate(f["citations"], start=1):
            source = sources[c["source_id"]]
            page, label = pages.locate(source, c["start"]) if source.pages else (None, None)
            yield (fact_id, i, c["source_id"], c["sentence_id"], c["quote"], c["start"], c["end"], c["line"], page,
                   label, c.get("translation"), c.get("translated_by"))


def _fact_entities(facts: Iterable[Fact]) -> Iterator[tuple[str, str, str]]:
    seen: set[tuple[str, str, str]] = set()
    for f in facts:
        pairs = list(f["entities"])
        if f["attributed_to"]:
            pairs.append((f["attributed_to"], "speaker" if f["kind"] == "statement" else "claimant"
                          if f["kind"] == "claim" else "attributed"))
        for eid, role in pairs:
            if (f["id"], eid, role) not in seen:
                seen.add((f["id"], eid, role))
                yield (f["id"], eid, role)


def _across_sources(inputs: Inputs, modules: tuple[TableMaker, ...] = ACROSS) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = {}
    for module in modules:
        reused = getattr(inputs, "reused_rows", {}).get(module.__name__)  # from the build cache
        out.update(reused if reused is not None else module.rows(inputs))
    return out


def table_rows(inputs: Inputs) -> dict[str, list[Mapping[str, Any]]]:
    """{table: [row dict]} for the checked inputs, in a deterministic order."""
    return {table: list(made.dicts() if isinstance(made, Tuples) else made) for table, made in all_rows(inputs)}


def all_rows(inputs: Inputs) -> Tables:
    """(table, iterable of row dicts) for each table in TABLE_ORDER; use each iterable up before asking
    for the next. The tables of facts and sources are made row by row as they are written, so a
    build never holds every row of every table in memory at once."""
    yield from first_rows(inputs)
    yield from later_rows(inputs).items()


def first_rows(inputs: Inputs) -> Tables:
    """all_rows' tables of the articles and the facts (FIRST_TABLES), row by row."""
    names = iter(FIRST_TABLES)
    for (table, made), name in zip(_lazy_rows(inputs), names):
        assert table == name
        yield table, made


def later_rows(inputs: Inputs, modules: tuple[TableMaker, ...] = ACROSS,
               history: bool = True) -> dict[str, list[Row]]:
    """{table: [row dict]} for the tables of `modules` (those across sources, worked out here, in Python),
    with corroboration's the tables derived from its origins, and, with `history`, the facts' history, in
    TABLE_ORDER."""
    group: dict[str, list[Row]] = _across_sources(inputs, modules)
    if "source_origins" in group:
        group.update(derived_rows(inputs, group["source_origins"]))
    if history:
        group["fact_history"] = inputs.history
    return {table: group.pop(table) for table in TABLE_ORDER if table in group}


def derived_rows(inputs: Inputs, origin_rows: Iterable[Mapping[str, Any]]) -> dict[str, list[Row]]:
    """The rows of fact_origins and scheduled_facts, by fact id: what schema.FACT_ORIGINS and
    schema.SCHEDULED_FACTS select from the written tables (a patched rebuild runs those), given
    source_origins' rows. Lists are in citation order, each source or origin once (group_concat(DISTINCT)
    over citations read in (fact_id, position) order); a fact is scheduled when it has a start date and
    every source citing it was published, the last of them (its day: the first 10 characters) before
    that date, compared as SQLite compares text."""
    origin = {r["source_id"]: r["origin"] for r in origin_rows}
    day = {k: s.published[:10] if s.published is not None else None for k, s in inputs.sources.items()}
    origins: list[Row] = []
    scheduled: list[Row] = []
    for f in sorted(inputs.facts, key=operator.itemgetter("id")):
        cited = [c["source_id"] for c in f["citations"]]
        if not cited:
            continue
        ids = distinct = list(dict.fromkeys(cited)) if len(cited) > 1 else cited
        try:
            named = [origin[s] for s in ids]
        except KeyError:  # a source without an origin row: the join leaves its citations out
            named = [origin[s] for s in ids if s in origin]
            ids = [s for s in ids if s in origin]
        if len(named) > 1:
            named = list(dict.fromkeys(named))  # (in the order of their first citation, as of their sources')
        if ids:
            origins.append({"fact_id": f["id"], "n_sources": len(ids), "n_origins": len(named),
                            "sources": ",".join(ids), "origins": ",".join(named)})
        start = f["date_start"]
        if start is not None:
            days = [day[s] for s in distinct]
            if None not in days and (last := max(cast(list[str], days))) < start:
                scheduled.append({"fact_id": f["id"], "date_start": start, "last_published": last})
    return {"fact_origins": origins, "scheduled_facts": scheduled}
