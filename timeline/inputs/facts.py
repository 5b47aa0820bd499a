"""Read and check the curated facts: the facts files, every fact's keys, entities and citations (each
quote placed in its article). Dates are timeline.inputs.dating's; entities.yaml is
timeline.inputs.entities'."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from timeline.core import files, jsontext, memory, workers, yamlfile
from timeline.core.validate import MAX_VALUE_BYTES, Checker, did_you_mean, display_path, not_text, one_of, read_list
from timeline.errors import QuoteProblem, Unreadable, WorkersFailed
from timeline.inputs import dating, pages, wording
from timeline.inputs.articles import BuildCache, Progress
from timeline.inputs.entities import ENTITIES_FILE
from timeline.inputs.sources import handed
from timeline.problems import Problem
from timeline.records import Citation, Entity, EntityRef, Fact, Source, sentence_id
from timeline.text import quotes

KINDS = ("event", "figure", "court_action", "statement", "claim")
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "more_than", "less_than", "up_to")
PERIODS = ("day", "week", "month", "year")
DIRECTIONS = ("past", "future")
FACT_KEYS = ("id", "kind", "title", "date", "when", "when_source", "direction", "value", "qualifier", "unit",
             "per", "attributed_to", "entities", "topic", "notes", "sources")
TEXT_KEYS = ("kind", "title", "date", "when", "when_source", "direction", "qualifier", "unit", "per",
             "attributed_to", "topic", "notes")  # the fact keys whose values are text
CITATION_KEYS = ("source", "quote", "occurrence", "page", "translation", "translated_by")
SET_ASIDE_FILE = "set-aside.yaml"  # sentences left uncited, with a reason (timeline.inputs.curation)
RESOLUTIONS_FILE = "resolutions.yaml"  # which fact stands where facts disagree (timeline.inputs.curation)
IGNORED_FILES = files.IGNORED_FILES
Pair = tuple[Fact, int]  # (fact, line of its id) as read_file gives them
_Task = tuple[str, str, str | None]  # (path, where, cache key) of a facts file to check
# on_facts(file, facts): the facts of one file that passed its checks, as soon as they are known (see load_facts)
OnFacts = Callable[[str, list[Fact]], None]


def fact_files(facts_dir: str, check_for: Callable[[str], Checker]) -> list[str]:
    """Sorted fact file names in `facts_dir`; stray files and folders of files are problems, editors'
    leftovers are skipped (timeline.files). Folders inside the facts folder are not read: a facts file
    there would need its own schema path, could hold another entities.yaml, and is as often an archive
    or drafts as live facts, so each one holding files is reported once, not read and not dropped
    silently."""
    names = []
    for name in sorted(os.listdir(facts_dir)):
        full = os.path.join(facts_dir, name)
        if files.leftover(name) or name in IGNORED_FILES or not os.path.lexists(full):
            continue  # an editor's leftover, or a file gone since the folder was listed
        if os.path.isdir(full) and not os.path.islink(full):
            held = [rel for rel, _ in files.walk(full)]
            if held:
                yaml_files = sum(rel.endswith((".yaml", ".yml")) for rel in held)
                n = yaml_files or len(held)
                what = f"{n} {'.yaml ' if yaml_files else ''}file{'s' if n != 1 else ''}"
                folder = os.path.basename(os.path.abspath(facts_dir))
                check_for(full).add(1, "stray-folder",
                                    f"{name}/ is a folder: facts are read only from {folder}/ itself, not from"
                                    f" folders inside it, so its {what} {'is' if n == 1 else 'are'} not read:"
                                    f" move {'it' if n == 1 else 'them'} up into {folder}/, or move the folder"
                                    f" out of {folder}/")
            continue
        if not name.endswith((".yaml", ".yml")):
            check_for(full).add(1, "stray-file",
                                f"{name} is not a .yaml file, so it is not read: move it out of the facts folder,"
                                " or rename it to .yaml if it holds facts")
            continue
        if name not in (ENTITIES_FILE, SET_ASIDE_FILE, RESOLUTIONS_FILE):
            names.append(name)
    return names


def is_facts_file(name: str) -> bool:
    """True for a name inside the facts folder that a build reads as a file of facts."""
    return os.sep not in name and "/" not in name and not name.startswith(".") and name.endswith((".yaml", ".yml")) \
        and name not in (ENTITIES_FILE, SET_ASIDE_FILE, RESOLUTIONS_FILE)


# Facts files are checked in worker processes as well as this one when there are at least this many
# bytes of them to check (measured: a core checks about 2.5 MB of facts a second; sending 10,000
# articles to a worker costs about half a second).
MIN_PARALLEL_BYTES = 2_000_000


def load_facts(facts_dir: str, sources: Mapping[str, Source] | None, entities: Mapping[str, Entity] | None,
               relative_to: str | None = None, cache: BuildCache | None = None, progress: Progress | None = None,
               jobs: int | None = 1, helpers: workers.Helpers | None = None,
               depends: str | None = None, on_facts: OnFacts | None = None) -> tuple[list[Fact], list[Problem]]:
    """([fact dict], [Problem]): every fact checked and every quote placed in its source.

    With a `cache` (timeline.cache.Cache), a facts file whose bytes, sources, entities and code are
    those of an earlier build that found no problem in it is not read again. The files to read are
    shared with `jobs - 1` worker processes when there are enough of them (None: one per CPU), or with
    `helpers` (workers.Helpers holding these sources and entities, let go once every file is given
    out); the facts and problems are the same, in the same order, whatever the number. `depends`:
    dependencies(sources, entities), when the caller has it already. `on_facts(file, facts)` is called in
    this thread for each file without a problem as soon as its facts are known (a worker's between this
    process's own files; those from the cache while the workers check their first files), each fact
    holding its `file` already: a build writes their rows meanwhile (write.Staged).
    """
    with memory.no_cycle_collection():
        try:
            return _load_facts(facts_dir, sources, entities, relative_to, cache, progress, jobs, helpers, depends,
                               on_facts)
        finally:
            quotes.forget()  # the articles folded for matching need not outlive the check
            _seen.clear()


def _load_facts(facts_dir: str, sources: Mapping[str, Source] | None, entities: Mapping[str, Entity] | None,
                relative_to: str | None, cache: BuildCache | None, progress: Progress | None, jobs: int | None,
                helpers: workers.Helpers | None, depends: str | None,
                on_facts: OnFacts | None = None) -> tuple[list[Fact], list[Problem]]:
    checks: dict[str, Checker] = {}

    def check_for(path: str) -> Checker:
        where = display_path(path, relative_to)
        return checks.setdefault(where, Checker(where))

    if cache is None:
        depends = None  # nothing is kept: no key is needed
    elif depends is None and sources is not None and entities is not None:
        depends = dependencies(sources, entities)
    names = fact_files(facts_dir, check_for)
    known: dict[str, list[Any]] = {}  # {name: pairs from the cache}
    todo: list[tuple[str, str, str, str | None]] = []  # [(name, path, where, key)] to read
    for name in names:
        path = os.path.join(facts_dir, name)
        checker = check_for(path)
        key = file_key(path, depends) if depends else None
        pairs = cache.facts(key) if key and cache is not None else None  # (a key is made only with a cache)
        if pairs is not None and sources is not None and entities is not None and _still_true(pairs, sources, entities):
            known[name] = pairs
        else:  # not known, or a cache entry that does not hold: read the file again
            todo.append((name, path, checker.path, key))

    def staged(path: str, pairs: list[Pair]) -> None:  # (given to _read_files with on_facts only)
        file = files.story_path(path, facts_dir)
        facts = [fact for fact, _ in pairs]
        for fact in facts:
            fact["file"] = file
        if on_facts is not None:
            on_facts(file, facts)

    known_first = [(os.path.join(facts_dir, name), pairs) for name, pairs in known.items()] if on_facts else []
    read: dict[str, tuple[list[Pair], list[Problem]]] = {}
    for (name, _, _, key), (pairs, problems, as_json) in zip(todo, _read_files(todo, sources, entities, jobs, helpers,
                                                                                 cache, staged if on_facts else None,
                                                                                 known_first)):
        read[name] = pairs, problems
        if as_json is not None:  # checked by a worker (what this process checked is kept already)
            assert cache is not None and key is not None  # JSON is made only for a file with a cache key
            cache.put_facts(key, pairs, as_json)
    facts: list[Fact] = []
    seen: dict[str, tuple[str, int]] = {}
    for number, name in enumerate(names, start=1):
        path = os.path.join(facts_dir, name)
        checker = check_for(path)
        if name in known:
            pairs = known[name]
        else:
            pairs, problems = read[name]
            checker.problems += problems
        file = files.story_path(path, facts_dir)
        for fact, id_line in pairs:
            fact["file"] = file
            folded = fact["id"].casefold()
            if folded in seen:
                where = seen[folded]
                checker.add(id_line, "duplicate-id",
                          f"fact id '{fact['id']}' is already used at {where[0]}:{where[1]}: ids are unique"
                          " across all files; rename one (keep the published one stable)")
                continue
            seen[folded] = (checker.path, fact["line"])
            facts.append(fact)
        if progress:
            progress("facts", number, len(names))
    problems = [p for c in checks.values() for p in c.problems]
    return facts, problems


def _read_files(todo: list[tuple[str, str, str, str | None]], sources: Mapping[str, Source] | None,
                entities: Mapping[str, Entity] | None, jobs: int | None, helpers: workers.Helpers | None = None,
                cache: BuildCache | None = None, staged: Callable[[str, list[Pair]], None] | None = None,
                known_first: list[tuple[str, list[Pair]]] | None = None) -> list[
                    tuple[list[Pair], list[Problem], str | None]]:
    """(pairs, problems, pairs as JSON or None) for each (name, path, where, key) of `todo`, in order:
    here, or shared with worker processes when there is enough to read (`helpers`, or Helpers started
    for it). What this process checks is kept in the `cache` at once (its JSON is then None): while a
    worker still checks files. `staged(path, pairs)` is given each file's pairs without a problem as
    soon as they are here, and first (before this process checks a file) the (path, pairs) of
    `known_first`."""
    tasks = [(path, where, key) for _, path, where, key in todo]
    early = list(reversed(known_first or []))

    def stage_known() -> None:
        while early and staged is not None:
            staged(*early.pop())

    def here(task: _Task) -> tuple[list[Pair], list[Problem], str | None]:
        stage_known()  # (the workers have their first files by now)
        return received(task, _check_file(task, sources, entities))

    def received(task: _Task, result: tuple[list[Pair], list[Problem], str | None]) -> tuple[
            list[Pair], list[Problem], str | None]:
        """A file's result (checked here or by a worker), its JSON kept in the cache at once: the JSON of
        every file a helper checked, held until the last was checked, was 69 MB at the peak of a build of
        100,000 facts."""
        pairs, problems, as_json = result
        if as_json is not None and cache is not None:
            assert task[2] is not None  # JSON is made only for a file with a cache key
            cache.put_facts(task[2], pairs, as_json)
            as_json = None
        if staged is not None and not problems:
            staged(task[0], pairs)
        return pairs, problems, as_json

    if len(tasks) < 2 or sum(_size(path) for path, _, _ in tasks) < MIN_PARALLEL_BYTES:
        done = [here(task) for task in tasks]
        stage_known()
        return done
    own = None
    jobs = workers.default_jobs() if jobs is None else jobs
    if helpers is None and jobs > 1:
        with contextlib.suppress(WorkersFailed):
            own = helpers = workers.Helpers(min(jobs - 1, len(tasks) - 1), (
                handed(sources, signals=False) if sources is not None else None, entities))
    try:
        # The helpers are the facts' alone (the build's first task for them is done before they take a
        # file): once every file is given out they exit as they finish, their memory back before this
        # process holds every fact (a tenth of the peak at 100,000 facts).
        done = workers.share(_check_held, tasks, here, (lambda: helpers.pool) if helpers else None, received,
                             given_all=(lambda: helpers.release(cancel=False)) if helpers else None)
        stage_known()  # (when the workers took every file)
        return done
    finally:
        if own:
            own.close()


_seen: dict[str, Any] = {}  # the sources the date conflicts were last worked out against, and what was found in them


def _check_held(task: _Task) -> tuple[list[Pair], list[Problem], str | None]:
    """_check_file in a workers.Helpers worker given (sources, entities)."""
    return _check_file(task, *workers.held())


def _check_file(task: _Task, sources: Mapping[str, Source] | None,
                entities: Mapping[str, Entity] | None) -> tuple[list[Pair], list[Problem], str | None]:
    """(pairs, problems, pairs as JSON when the file has a cache `key` and no problem, else None) for one file."""
    path, where, key = task
    checker = Checker(where)
    pairs = list(read_file(path, checker, sources, entities))
    text = jsontext.compact(pairs) if key and not checker.problems else None
    if sources and not checker.problems:
        if _seen.get("sources") is not sources:  # what the articles' stamps and sentences say, kept file to file
            _seen.update(sources=sources, seen=({}, {}))
        for fact, _ in pairs:  # its date conflicts, worked out here as they are where the file is checked
            fact["date_conflicts_found"] = dating.fact_date_conflicts(fact, sources, _seen["seen"]) or ()
    return pairs, checker.problems, text


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_file(path: str, checker: Checker, sources: Mapping[str, Source] | None,
              entities: Mapping[str, Entity] | None) -> Iterator[Pair]:
    """(fact, line of its id) for every fact of one file that passes its checks."""
    data: list[Any] = read_list(path, checker) or []
    for item, line in zip(data, getattr(data, "lines", [])):
        if not isinstance(item, yamlfile.Mapping):
            checker.add(line, "not-a-mapping", "each fact is a mapping: '- id: ...' followed by its keys")
            continue
        fact = read_fact(item, checker, sources, entities)
        if fact is not None:
            yield fact, item.line_of("id")


def _still_true(pairs: list[Any], sources: Mapping[str, Source], entities: Mapping[str, Entity]) -> bool:
    """Checked facts taken from the build cache are only used when every quote is still exactly the
    article's words at its offsets (and in the sentence it names), and every entity they name exists:
    a damaged or tampered cache can never put words in a source's mouth."""
    try:
        for fact, _ in pairs:
            for c in fact["citations"]:
                source = sources.get(c["source_id"])
                start, end = c["start"], c["end"]
                if source is None or not source.text or type(start) is not int or type(end) is not int \
                        or not 0 <= start < end <= len(source.text) or source.text[start:end] != c["quote"] \
                        or c["sentence_id"] != sentence_id(source.id, source.sentence_at(start)):
                    return False
            named = [e for e, _ in fact["entities"]] + ([fact["attributed_to"]] if fact["attributed_to"] else [])
            if not all(isinstance(e, str) and e in entities for e in named):
                return False
    except (KeyError, TypeError, ValueError):
        return False
    return True


def dependencies(sources: Mapping[str, Source], entities: Mapping[str, Entity]) -> str:
    """What a fact's checks depend on besides its own file: sources (ids, bytes, dates, languages) and entities (ids, and
    the names, types and aliases a speaker is looked for by: a new alias can settle a warning)."""
    described = [[s.id, s.sha256, s.published, bool(s.text), s.page_labels, s.language]
                 for _, s in sorted(sources.items())]
    named = [[k, e.get("name"), e.get("type"), e.get("aliases") or []] for k, e in sorted(entities.items())]
    return hashlib.sha256(json.dumps([described, named]).encode()).hexdigest()


def file_key(path: str, depends: str) -> str | None:
    try:
        return files.sha256_of(path, yamlfile.MAX_BYTES)[0] + ":" + depends
    except (OSError, Unreadable):
        return None  # read as any file is, and reported


def read_fact(item: yamlfile.Mapping, checker: Checker, sources: Mapping[str, Source] | None,
              entities: Mapping[str, Entity] | None) -> Fact | None:
    """A checked fact as a dict of column values (plus citations and entities), or None."""
    checker.keys(item, FACT_KEYS, ("id", "kind", "title", "sources"), "fact")
    fid = checker.slug(item, "id", "fact id")
    if not fid:
        return None
    label = f"fact '{fid}'"
    text: dict[str, str | None] = {}
    for k in TEXT_KEYS:
        value = item.get(k)
        fine = value is None or isinstance(value, str) and len(value) <= MAX_VALUE_BYTES // 4 and not_text(value) is None
        text[k] = value if fine else checker.text(item, k)  # reports what is wrong with it
    ok = True
    for key, lines in (("title", False), ("unit", False), ("notes", True)):
        if text[key] and checker.visible(item, key, label, lines=lines, required=key == "title") is None:
            text[key] = None
            ok = False
    kind = text["kind"]
    if kind and kind not in KINDS:
        checker.add(item.line_of("kind"), "bad-kind", f"{label}: kind '{kind}' is not allowed: {one_of(kind, KINDS)}")
        ok = False
    for key, allowed in (("qualifier", QUALIFIERS), ("per", PERIODS), ("direction", DIRECTIONS)):
        if text[key] is not None and text[key] not in allowed:
            checker.add(item.line_of(key), "bad-value",
                      f"{label}: {key} '{text[key]}' is not allowed: {one_of(text[key], allowed)}")
            ok = False
    value = checker.number(item, "value")
    if kind == "figure":
        for key in ("value", "unit"):
            if item.get(key) in (None, ""):
                checker.add(item.line, "missing-key", f"{label}: a figure needs '{key}'"
                          + (" (a plain number)" if key == "value" else " (what was counted, or a currency code)"))
                ok = False
    elif kind in KINDS:
        for key in ("value", "qualifier", "unit", "per"):
            if key in item:
                checker.add(item.line_of(key), "figure-only",
                          f"{label}: '{key}' belongs to figures; use kind: figure, or remove '{key}'")
                ok = False
    if kind in ("statement", "claim") and not text["attributed_to"]:
        checker.add(item.line, "missing-key",
                  f"{label}: a {kind} needs 'attributed_to' (who said or claims it, an entity id; give an"
                  " unnamed or collective speaker an entity of its own)")
        ok = False
    if text["attributed_to"] and entities is not None and text["attributed_to"] not in entities:
        checker.add(item.line_of("attributed_to"), "unknown-entity",
                  f"{label}: attributed_to '{text['attributed_to']}' is not in entities.yaml: "
                  + _known(text["attributed_to"], entities, "add it there"))
        ok = False
    if text["topic"] is not None:
        ok = checker.slug(item, "topic", "topic") is not None and ok
    fact_entities = read_entity_refs(item, checker, entities, label)
    if fact_entities is None:
        ok = False
    citations = read_citations(item, checker, sources, label)
    if citations is None:
        ok = False
    if not ok or not text["title"] or not kind:
        return None
    # ok: the entities and citations were read (not None), so there were sources to place the quotes in.
    assert fact_entities is not None and citations is not None and sources is not None
    fact: Fact = {
        "id": fid, "kind": sys.intern(kind), "title": text["title"].strip(),
        "value": value, "value_qualifier": (text["qualifier"] or "exact") if kind == "figure" else None,
        "unit": text["unit"], "value_per": text["per"], "attributed_to": text["attributed_to"],
        "topic": text["topic"], "notes": text["notes"], "file": checker.path, "line": item.line,
        "citations": citations, "entities": fact_entities,
    }
    if not dating.date_fact(fact, item, text, checker, sources, label):
        return None
    if not wording_checks(fact, item, checker, sources, entities, label):
        return None
    return fact


def wording_checks(fact: Fact, item: yamlfile.Mapping, checker: Checker, sources: Mapping[str, Source],
                   entities: Mapping[str, Entity] | None, label: str) -> bool:
    """A figure's value against its quotes (a problem), a speaker against the cited words (a warning)."""
    if fact["kind"] == "figure" and fact["value"] is not None:
        found, said = wording.figure_value(fact["value"], fact["citations"], sources)
        if not found:
            numbers = ", ".join(dict.fromkeys(wording.shown(v) for v in said))
            checker.add(item.line_of("value"), "value-not-in-quote",
                        f"{label}: value {wording.shown(fact['value'])} is not what its quote says ("
                        + (f"it says {numbers}" if numbers else "it holds no number")
                        + "): correct the value, or quote the words that give it ($6 million is 6000000)")
            return False
    if fact["attributed_to"] and entities is not None:
        wrong = wording.attribution(fact["attributed_to"], entities, fact["citations"], sources)
        if wrong:
            fact.setdefault("warnings", []).append(
                [item.line_of("attributed_to"), "speaker-not-named", f"{label}: attributed_to {fact['attributed_to']}:"
                 f" {wrong}"])
    return True


def read_entity_refs(item: yamlfile.Mapping, checker: Checker, entities: Mapping[str, Entity] | None,
                     label: str) -> list[EntityRef] | None:
    refs = item.get("entities")
    out: list[EntityRef] = []
    if refs is None:
        return out
    if not isinstance(refs, yamlfile.Sequence):
        checker.add(item.line_of("entities"), "wrong-type", f"{label}: entities must be a list, e.g. [harbour-bridge, ann-lee]")
        return None
    ok = True
    for ref, line in zip(refs, refs.lines or ()):
        if isinstance(ref, yamlfile.Mapping):
            checker.keys(ref, ("id", "role"), ("id",), "entity reference")
            eid, role = ref.get("id"), ref.get("role") or "subject"
            if isinstance(ref.get("role"), str) and ref["role"] and checker.visible(ref, "role", label) is None:
                ok = False
                continue
        else:
            eid, role = ref, "subject"
        if not isinstance(eid, str) or not isinstance(role, str):
            checker.add(line, "wrong-type", f"{label}: each entity is an id or {{id: ..., role: ...}}")
            ok = False
        elif entities is None:
            ok = False  # entities.yaml could not be read: reported there
        elif eid not in entities:
            checker.add(line, "unknown-entity",
                      f"{label}: entity '{eid}' is not in entities.yaml: " + _known(eid, entities, "add it there"))
            ok = False
        elif (eid, role) not in out:
            out.append((sys.intern(eid), sys.intern(role)))
    return out if ok else None


def read_citations(item: yamlfile.Mapping, checker: Checker, sources: Mapping[str, Source] | None,
                   label: str) -> list[Citation] | None:
    cites = item.get("sources")
    if cites is None:
        return None
    if not isinstance(cites, yamlfile.Sequence) or not cites:
        checker.add(item.line_of("sources"), "wrong-type",
                  f"{label}: sources must be a list of '- source: <id>' / 'quote: <exact words>' entries")
        return None
    out: list[Citation] = []
    ok = True
    for cite, line in zip(cites, cites.lines or ()):
        if not isinstance(cite, yamlfile.Mapping):
            checker.add(line, "wrong-type", f"{label}: each citation is a mapping with 'source' and 'quote'")
            ok = False
            continue
        checker.keys(cite, CITATION_KEYS, ("source", "quote"), "citation")
        sid, quote = checker.text(cite, "source"), checker.text(cite, "quote")
        before = len(checker.problems)
        translated = {key: checker.visible(cite, key, label, lines=key == "translation") if key in cite else None
                      for key in ("translation", "translated_by")}
        for key, value in translated.items():
            if key in cite and value is None and len(checker.problems) == before:
                checker.add(cite.line_of(key), "wrong-type", f"{label}: {key} is empty: write it, or remove the key")
        if len(checker.problems) > before:
            ok = False
            continue
        if translated["translated_by"] and not translated["translation"]:
            checker.add(cite.line_of("translated_by"), "missing-key",
                        f"{label}: translated_by names who translated the quote, but the citation has no translation:"
                        " add it (translation: ...), or remove translated_by")
            ok = False
            continue
        occurrence = None
        if "occurrence" in cite:
            number = checker.number(cite, "occurrence")
            if not isinstance(number, int) or number < 1:
                checker.add(cite.line_of("occurrence"), "bad-value",
                          f"{label}: occurrence must be 1, 2, ... (which match of the quote to use)")
                ok = False
                continue
            occurrence = number
        if not sid or not quote:
            ok = False
            continue
        if sources is None:
            ok = False  # sources.yaml could not be read: reported there
            continue
        source = sources.get(sid)
        if source is None:
            known = f"use one of: {', '.join(sorted(sources))}, or add it" if sources else "add it"
            checker.add(cite.line_of("source"), "unknown-source",
                      f"{label}: source '{sid}' is not in sources.yaml: "
                      + _known(sid, sources, known + " to sources.yaml"))
            ok = False
            continue
        if not source.text:
            ok = False  # the source itself has a problem, reported there
            continue
        try:
            if "page" in cite:  # a PDF's page, by its printed label (inputs/pages)
                match = pages.find(source, quote, occurrence, checker.text(cite, "page") or "")
            else:
                match = quotes.find(source.text, quote, occurrence)
        except QuoteProblem as e:
            line = cite.line_of({"bad-occurrence": "occurrence", "bad-page": "page",
                                 "quote-not-on-page": "page"}.get(e.code, "quote"))
            checker.add(line, e.code, f"{label}: in source '{sid}': {e.message}")
            ok = False
            continue
        position = source.sentence_at(match.start)
        out.append({"source_id": source.id, "sentence_id": sentence_id(sid, position), "quote": source.text[match.start:match.end],
                    "start": match.start, "end": match.end, "line": cite.line,
                    "translation": translated["translation"], "translated_by": translated["translated_by"]})
    return out if ok else None


def _known(value: str, known: Mapping[str, object], otherwise: str) -> str:
    """`did you mean 'x'? Otherwise ...` for a near miss among the `known` ids, then what to do otherwise."""
    close = did_you_mean(value, known, cutoff=0.8)
    return f"did you mean '{close}'? Otherwise {otherwise}" if close else otherwise
