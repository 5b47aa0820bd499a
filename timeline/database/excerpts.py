"""Excerpt databases: keep only the cited sentences and their neighbours, for publishing.

Full article texts are other people's copyright; a public site needs only the words its facts cite
and enough around them to read them in context.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

Rows = dict[str, list[Mapping[str, Any]]]  # {table: [row dict]}, as timeline.database.rows.table_rows gives them


def keep(rows: Rows, neighbours: int = 1) -> list[Mapping[str, Any]]:
    """The sentence rows of `rows` (schema.rows output) worth publishing.

    A sentence is kept when a citation overlaps it, or when it is within `neighbours` positions of
    such a sentence in the same paragraph of the same article.
    """
    cited: dict[tuple[str, int], int] = {}
    by_source: dict[str, list[tuple[int, int]]] = {}
    for c in rows["citations"]:
        by_source.setdefault(c["source_id"], []).append((c["start"], c["end"]))
    sentences = rows["sentences"]
    for s in sentences:
        if any(start < s["end"] and end > s["start"] for start, end in by_source.get(s["source_id"], ())):
            cited[(s["source_id"], s["position"])] = s["paragraph"]
    wanted: set[tuple[str, int, int]] = set()
    for (source_id, position), paragraph in cited.items():
        for near in range(position - neighbours, position + neighbours + 1):
            wanted.add((source_id, near, paragraph))
    return [s for s in sentences if (s["source_id"], s["position"], s["paragraph"]) in wanted]


SENTENCE_REFERENCES = ("sentence_id", "sentence_a", "sentence_b")


def excerpted(rows: Rows, neighbours: int = 1) -> Rows:
    """`rows` with only the kept sentences, and without rows of other tables that refer to a dropped one
    (e.g. a set-aside quote of an uncited sentence: that would publish its words after all)."""
    sentences = keep(rows, neighbours)
    kept = {s["id"] for s in sentences}
    out: Rows = {"sentences": sentences}
    for table, table_rows in rows.items():
        if table != "sentences":
            out[table] = [r for r in table_rows
                          if all(r[c] in kept for c in SENTENCE_REFERENCES if r.get(c) is not None)]
    if "fact_history" in out:
        texts: dict[str | None, list[str]] = {}  # looked up with None too: a quote of no source
        for s in sentences:
            texts.setdefault(s["source_id"], []).append(s["text"])
        out["fact_history"] = [_kept_quotes_only(r, texts) for r in out["fact_history"]]
    return out


def _kept_quotes_only(row: Mapping[str, Any], texts: dict[str | None, list[str]]) -> Mapping[str, Any]:
    """A fact_history row whose earlier quotes (in `previous`) are kept only where their words are in a
    kept sentence of their source (`texts`: {source id: [sentence text]}): an old quote of a sentence
    the excerpts leave out would publish it after all. A dropped quote is null."""
    if not row.get("previous"):
        return row
    previous = json.loads(row["previous"])
    cited = previous.get("sources") if isinstance(previous, dict) else None
    if not isinstance(cited, list):
        return row
    for item in cited:
        if isinstance(item, dict) and isinstance(item.get("quote"), str):
            source = item.get("source") if isinstance(item.get("source"), str) else None
            if not any(item["quote"].strip() in text for text in texts.get(source, ())):
                item["quote"] = None
    return dict(row, previous=json.dumps(previous, ensure_ascii=False, sort_keys=True))
