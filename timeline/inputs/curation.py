"""The curator's own files beside the facts: facts/set-aside.yaml (sentences left uncited, with a
reason) and facts/resolutions.yaml (which fact stands where facts disagree), checked against the
sources and facts they name."""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from timeline.core import files, yamlfile
from timeline.core.validate import Checker, read_list
from timeline.errors import QuoteProblem
from timeline.inputs.facts import RESOLUTIONS_FILE
from timeline.problems import Problem
from timeline.records import Fact, Row, Source
from timeline.text import quotes

SET_ASIDE_KEYS = ("source", "quote", "reason")
RESOLUTION_KEYS = ("topic", "stands", "reason")


def load_set_aside(path: str, where: str, sources: Mapping[str, Source],
                   repo_file: str) -> tuple[list[Row], list[Problem]]:
    """([{source_id, sentence_ids, quote, start, end, reason, file, line}], [Problem]) from set-aside.yaml."""
    checker = Checker(where)
    if not os.path.exists(path):
        return [], []
    data: list[Any] = read_list(path, checker) or []
    out: list[Row] = []
    for item, line in zip(data, getattr(data, "lines", [])):
        if not isinstance(item, yamlfile.Mapping):
            checker.add(line, "not-a-mapping", "each entry is a mapping with keys source, quote and reason")
            continue
        checker.keys(item, SET_ASIDE_KEYS, SET_ASIDE_KEYS, "set-aside entry")
        sid, quote, reason = (checker.text(item, k) for k in SET_ASIDE_KEYS)
        if not (sid and quote and reason and reason.strip()):
            continue
        source = sources.get(sid)
        if source is None:
            checker.add(item.line_of("source"), "unknown-source",
                      f"set-aside: source '{sid}' is not in sources.yaml (known: {', '.join(sorted(sources))})")
            continue
        if not source.text:
            continue
        try:
            match = quotes.find(source.text, quote)
        except QuoteProblem as e:
            checker.add(item.line_of("quote"), e.code, f"set-aside: in source '{sid}': {e.message}")
            continue
        out.append({"source_id": sid, "quote": source.text[match.start:match.end], "start": match.start,
                    "end": match.end, "reason": reason.strip(), "file": repo_file, "line": item.line})
    return out, checker.problems


def load_resolutions(facts_dir: str, facts: Sequence[Fact],
                     relative_to: str | None = None) -> tuple[list[Row], list[Problem]]:
    """([resolution dict], [Problem]) from facts/resolutions.yaml, checked against the facts."""
    path = os.path.join(facts_dir, RESOLUTIONS_FILE)
    if not os.path.exists(path):
        return [], []
    where = os.path.relpath(path, relative_to or os.getcwd())
    checker = Checker(where)
    data: list[Any] = read_list(path, checker) or []
    by_id = {f["id"]: f for f in facts}
    topics = {f["topic"] for f in facts if f["topic"]}
    out: list[Row] = []
    seen: dict[str, int] = {}
    for item, line in zip(data, getattr(data, "lines", [])):
        if not hasattr(item, "line_of"):
            checker.add(line, "not-a-mapping", "each resolution is a mapping with keys " + ", ".join(RESOLUTION_KEYS))
            continue
        checker.keys(item, RESOLUTION_KEYS, RESOLUTION_KEYS, "resolution")
        topic, stands, reason = (checker.text(item, k) for k in RESOLUTION_KEYS)
        if not (topic and stands and reason):
            continue
        if topic not in topics:
            checker.add(item.line_of("topic"), "unknown-topic",
                      f"topic '{topic}' is not the topic of any fact: check the spelling (topics are set by"
                      " 'topic:' in the fact files)")
            continue
        if stands not in by_id:
            checker.add(item.line_of("stands"), "unknown-fact",
                      f"resolution of '{topic}': stands '{stands}' is not a fact id: name the fact whose value stands")
            continue
        if by_id[stands]["topic"] != topic:
            checker.add(item.line_of("stands"), "bad-value",
                      f"resolution of '{topic}': fact '{stands}' has topic '{by_id[stands]['topic']}', not"
                      f" '{topic}': name one of that topic's facts")
            continue
        if topic in seen:
            checker.add(item.line_of("topic"), "duplicate-id",
                      f"topic '{topic}' is already resolved on line {seen[topic]}: keep one resolution per topic")
            continue
        seen[topic] = item.line
        out.append({"topic": topic, "stands": stands, "reason": reason.strip(), "file": files.story_path(path, facts_dir),
                    "line": item.line})
    return out, checker.problems
