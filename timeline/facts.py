"""Read and check the curated facts: entities.yaml, the fact files, and every citation."""
import contextlib
import difflib
import gc
import os
import re
import sys

from . import dates, files, quotes, yamlfile
from .validate import MAX_TEXT_BYTES, Checker, display_path, one_of

KINDS = ("event", "figure", "court_action", "statement", "claim")
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "more_than", "less_than", "up_to")
PERIODS = ("day", "week", "month", "year")
DIRECTIONS = ("past", "future")
ENTITY_TYPES = ("person", "organisation", "group", "place", "facility", "law", "court")
FACT_KEYS = ("id", "kind", "title", "date", "when", "when_source", "direction", "value", "qualifier", "unit",
             "per", "attributed_to", "entities", "topic", "notes", "sources")
TEXT_KEYS = ("kind", "title", "date", "when", "when_source", "direction", "qualifier", "unit", "per",
             "attributed_to", "topic", "notes")  # the fact keys whose values are text
CITATION_KEYS = ("source", "quote", "occurrence")
ENTITY_KEYS = ("id", "name", "type", "description")
ENTITIES_FILE = "entities.yaml"
SET_ASIDE_FILE = "set-aside.yaml"
RESOLUTIONS_FILE = "resolutions.yaml"  # conflict resolutions, read by conflicts.py
IGNORED_FILES = files.IGNORED_FILES


def read_yaml(path, shown, check):
    """The list in a YAML file, or None after adding a problem."""
    try:
        data = yamlfile.read(path)
    except yamlfile.YamlProblem as e:
        check.add(e.line, e.code, e.message)
        return None
    except files.Unreadable as e:
        check.add(1, "unreadable-file", f"cannot read {shown}: {e.reason}: remove it, or put a readable file there")
        return None
    except OSError as e:
        check.add(1, "unreadable-file", f"cannot read {shown}: {e.strerror}")
        return None
    if data is None:
        check.add(1, "empty-file", f"{os.path.basename(shown)} holds nothing: add entries, or delete the file")
        return None
    if not isinstance(data, yamlfile.Sequence):
        check.add(getattr(data, "line", 1), "not-a-list",
                  "the file must be a YAML list: each entry starts with '- id: ...'")
        return None
    return data


def fact_files(facts_dir, check_for):
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


def is_facts_file(name):
    """True for a name inside the facts folder that a build reads as a file of facts."""
    return os.sep not in name and "/" not in name and not name.startswith(".") and name.endswith((".yaml", ".yml")) \
        and name not in (ENTITIES_FILE, SET_ASIDE_FILE, RESOLUTIONS_FILE)


def load_entities(facts_dir, shown):
    check = Checker(shown)
    path = os.path.join(facts_dir, ENTITIES_FILE)
    if not os.path.exists(path):
        check.add(1, "missing-file", f"there is no {shown}: list the people, organisations and places there")
        return None, check.problems
    data = read_yaml(path, shown, check)
    if data is None:
        return None, check.problems  # None: nothing is known about the entities (reported here)
    entities = {}
    for item, line in zip(data, getattr(data, "lines", [])):
        if not isinstance(item, yamlfile.Mapping):
            check.add(line, "not-a-mapping", "each entity is a mapping with keys " + ", ".join(ENTITY_KEYS))
            continue
        check.keys(item, ENTITY_KEYS, ENTITY_KEYS, "entity")
        values = {k: check.text(item, k) for k in ENTITY_KEYS}
        eid = check.slug(item, "id", "entity id")
        if not eid:
            continue
        for key, lines in (("name", False), ("description", True)):
            if values[key]:  # reported, but the entity stays known: facts naming it are not reported again
                check.shown(item, key, f"entity '{eid}'", lines=lines, required=True)
        if eid in entities:
            first = entities[eid]
            check.add(item.line_of("id"), "duplicate-id",
                      f"entity id '{eid}' is already used on line {first['line']}: give each entity its own id")
            continue
        if values["type"] and values["type"] not in ENTITY_TYPES:
            check.add(item.line_of("type"), "bad-value",
                      f"entity type '{values['type']}' is not allowed: {one_of(values['type'], ENTITY_TYPES)}")
        entities[eid] = {**values, "file": repo_path(path, facts_dir), "line": item.line}
    return entities, check.problems


# Facts files are checked in worker processes as well as this one when there are at least this many
# bytes of them to check (measured: a core checks about 2.5 MB of facts a second; sending 10,000
# articles to a worker costs about half a second).
MIN_PARALLEL_BYTES = 2_000_000


def load_facts(facts_dir, sources, entities, relative_to=None, cache=None, progress=None, jobs=1, helpers=None,
               depends=None):
    """([fact dict], [Problem]): every fact checked and every quote placed in its source.

    With a `cache` (timeline.cache.Cache), a facts file whose bytes, sources, entities and code are
    those of an earlier build that found no problem in it is not read again. The files to read are
    shared with `jobs - 1` worker processes when there are enough of them (None: one per CPU), or with
    `helpers` (workers.Helpers holding these sources and entities); the facts and problems are the
    same, in the same order, whatever the number. `depends`: _dependencies(sources, entities), when
    the caller has it already.
    """
    with _no_cycle_collection():
        try:
            return _load_facts(facts_dir, sources, entities, relative_to, cache, progress, jobs, helpers, depends)
        finally:
            quotes.forget()  # the articles folded for matching need not outlive the check
            _seen.clear()


@contextlib.contextmanager
def _no_cycle_collection(freeze=False):
    """Python's cycle collector paused: reading facts makes millions of small objects and no cycles, and
    every full collection walks all the objects alive (at 100k facts that was 5 s of the build). With
    `freeze`, the objects still alive at the end are left out of later collections too (gc.freeze):
    the first one after a build walked them all (0.4 s at 100k facts); they are freed as usual when
    no longer used."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze and paused:
            gc.freeze()
        if paused:
            gc.enable()


def _load_facts(facts_dir, sources, entities, relative_to, cache, progress, jobs, helpers, depends):
    checks = {}

    def check_for(path):
        shown = display_path(path, relative_to)
        return checks.setdefault(shown, Checker(shown))

    if cache is None:
        depends = None  # nothing is kept: no key is needed
    elif depends is None and sources is not None and entities is not None:
        depends = _dependencies(sources, entities)
    names = fact_files(facts_dir, check_for)
    known, todo = {}, []  # {name: pairs from the cache}, [(name, path, shown, key)] to read
    for name in names:
        path = os.path.join(facts_dir, name)
        check = check_for(path)
        key = _file_key(path, depends) if depends else None
        pairs = cache.facts(key) if key else None
        if pairs is not None and _still_true(pairs, sources, entities):
            known[name] = pairs
        else:  # not known, or a cache entry that does not hold: read the file again
            todo.append((name, path, check.path, key))
    read = {}
    for (name, _, _, key), (pairs, problems, as_json) in zip(todo, _read_files(todo, sources, entities, jobs, helpers,
                                                                                 cache)):
        read[name] = pairs, problems
        if as_json is not None:  # checked by a worker (what this process checked is kept already)
            cache.put_facts(key, pairs, as_json)
    facts, seen = [], {}
    for number, name in enumerate(names, start=1):
        path = os.path.join(facts_dir, name)
        check = check_for(path)
        if name in known:
            pairs = known[name]
        else:
            pairs, problems = read[name]
            check.problems += problems
        file = repo_path(path, facts_dir)
        for fact, id_line in pairs:
            fact["file"] = file
            folded = fact["id"].casefold()
            if folded in seen:
                where = seen[folded]
                check.add(id_line, "duplicate-id",
                          f"fact id '{fact['id']}' is already used at {where[0]}:{where[1]}: ids are unique"
                          " across all files; rename one (keep the published one stable)")
                continue
            seen[folded] = (check.path, fact["line"])
            facts.append(fact)
        if progress:
            progress("facts", number, len(names))
    problems = [p for c in checks.values() for p in c.problems]
    return facts, problems


def _read_files(todo, sources, entities, jobs, helpers=None, cache=None):
    """(pairs, problems, pairs as JSON or None) for each (name, path, shown, key) of `todo`, in order:
    here, or shared with worker processes when there is enough to read (`helpers`, or Helpers started
    for it). What this process checks is kept in the `cache` at once (its JSON is then None): while a
    worker still checks files."""
    from . import workers

    tasks = [(path, shown, key) for _, path, shown, key in todo]

    def here(task):
        pairs, problems, as_json = _check_file(task, sources, entities)
        if as_json is not None and cache is not None:
            cache.put_facts(task[2], pairs, as_json)
            as_json = None
        return pairs, problems, as_json

    if len(tasks) < 2 or sum(_size(path) for path, _, _ in tasks) < MIN_PARALLEL_BYTES:
        return [here(task) for task in tasks]
    own = None
    jobs = workers.default_jobs() if jobs is None else jobs
    if helpers is None and jobs > 1:
        from .sources import handed

        with contextlib.suppress(workers.Failed):
            own = helpers = workers.Helpers(min(jobs - 1, len(tasks) - 1), (
                handed(sources, signals=False) if sources is not None else None, entities))
    try:
        return workers.share(_check_held, tasks, here, (lambda: helpers.pool) if helpers else None)
    finally:
        if own:
            own.close()


_seen = {}  # the sources the date conflicts were last worked out against, and what was found in them


def _check_held(task):
    """_check_file in a workers.Helpers worker given (sources, entities)."""
    from . import workers

    return _check_file(task, *workers.held())


def _check_file(task, sources, entities):
    """(pairs, problems, pairs as JSON when the file has a cache `key` and no problem, else None) for one file."""
    import json

    path, shown, key = task
    check = Checker(shown)
    pairs = list(_read_file(path, check, sources, entities))
    # check_circular=False: plain dicts and lists just made (15% quicker)
    text = json.dumps(pairs, separators=(",", ":"), check_circular=False) if key and not check.problems else None
    if sources and not check.problems:
        from . import conflicts

        if _seen.get("sources") is not sources:  # what the articles' stamps and sentences say, kept file to file
            _seen.update(sources=sources, seen=({}, {}))
        for fact, _ in pairs:  # its date conflicts, worked out here as they are where the file is checked
            fact[conflicts.FOUND] = conflicts.fact_date_conflicts(fact, sources, _seen["seen"]) or ()
    return pairs, check.problems, text


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _read_file(path, check, sources, entities):
    """(fact, line of its id) for every fact of one file that passes its checks."""
    data = read_yaml(path, check.path, check) or []
    for item, line in zip(data, getattr(data, "lines", [])):
        if not isinstance(item, yamlfile.Mapping):
            check.add(line, "not-a-mapping", "each fact is a mapping: '- id: ...' followed by its keys")
            continue
        fact = read_fact(item, check, sources, entities)
        if fact is not None:
            yield fact, item.line_of("id")


def _still_true(pairs, sources, entities):
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
                        or c["sentence_id"] != f"{source.id}:{source.sentence_at(start)}":
                    return False
            named = [e for e, _ in fact["entities"]] + ([fact["attributed_to"]] if fact["attributed_to"] else [])
            if not all(isinstance(e, str) and e in entities for e in named):
                return False
    except (KeyError, TypeError, ValueError):
        return False
    return True


def _dependencies(sources, entities):
    """What a fact's validity depends on besides its own file: sources (ids, bytes, dates) and entity ids."""
    import hashlib
    import json

    described = [[s.id, s.sha256, s.published, bool(s.text)] for _, s in sorted(sources.items())]
    return hashlib.sha256(json.dumps([described, sorted(entities)]).encode()).hexdigest()


def _file_key(path, depends):
    try:
        return files.sha256_of(path, yamlfile.MAX_BYTES)[0] + ":" + depends
    except (OSError, files.Unreadable):
        return None  # read as any file is, and reported


def read_fact(item, check, sources, entities):
    """A checked fact as a dict of column values (plus citations and entities), or None."""
    check.keys(item, FACT_KEYS, ("id", "kind", "title", "sources"), "fact")
    fid = check.slug(item, "id", "fact id")
    if not fid:
        return None
    label = f"fact '{fid}'"
    text = {}
    for k in TEXT_KEYS:
        value = item.get(k)
        fine = value is None or isinstance(value, str) and len(value) <= MAX_TEXT_BYTES // 4
        text[k] = value if fine else check.text(item, k)  # reports what is wrong with it
    ok = True
    for key, lines in (("title", False), ("unit", False), ("notes", True)):
        if text[key] and check.shown(item, key, label, lines=lines, required=key == "title") is None:
            text[key] = None
            ok = False
    kind = text["kind"]
    if kind and kind not in KINDS:
        check.add(item.line_of("kind"), "bad-kind", f"{label}: kind '{kind}' is not allowed: {one_of(kind, KINDS)}")
        ok = False
    for key, allowed in (("qualifier", QUALIFIERS), ("per", PERIODS), ("direction", DIRECTIONS)):
        if text[key] is not None and text[key] not in allowed:
            check.add(item.line_of(key), "bad-value",
                      f"{label}: {key} '{text[key]}' is not allowed: {one_of(text[key], allowed)}")
            ok = False
    value = check.number(item, "value")
    if kind == "figure":
        for key in ("value", "unit"):
            if item.get(key) in (None, ""):
                check.add(item.line, "missing-key", f"{label}: a figure needs '{key}'"
                          + (" (a plain number)" if key == "value" else " (what was counted, or a currency code)"))
                ok = False
    elif kind in KINDS:
        for key in ("value", "qualifier", "unit", "per"):
            if key in item:
                check.add(item.line_of(key), "figure-only",
                          f"{label}: '{key}' belongs to figures; use kind: figure, or remove '{key}'")
                ok = False
    if kind in ("statement", "claim") and not text["attributed_to"]:
        check.add(item.line, "missing-key",
                  f"{label}: a {kind} needs 'attributed_to' (who said or claims it, an entity id; give an"
                  " unnamed or collective speaker an entity of its own)")
        ok = False
    if text["attributed_to"] and entities is not None and text["attributed_to"] not in entities:
        check.add(item.line_of("attributed_to"), "unknown-entity",
                  f"{label}: attributed_to '{text['attributed_to']}' is not in entities.yaml: "
                  + _known(text["attributed_to"], entities, "add it there"))
        ok = False
    if text["topic"] is not None:
        ok = check.slug(item, "topic", "topic") is not None and ok
    fact_entities = read_entity_refs(item, check, entities, label)
    if fact_entities is None:
        ok = False
    citations = read_citations(item, check, sources, label)
    if citations is None:
        ok = False
    if not ok or not text["title"] or not kind:
        return None
    fact = {
        "id": fid, "kind": sys.intern(kind), "title": text["title"].strip(),
        "value": value, "value_qualifier": (text["qualifier"] or "exact") if kind == "figure" else None,
        "unit": text["unit"], "value_per": text["per"], "attributed_to": text["attributed_to"],
        "topic": text["topic"], "notes": text["notes"], "file": check.path, "line": item.line,
        "citations": citations, "entities": fact_entities,
    }
    if not date_fact(fact, item, text, check, sources, label):
        return None
    return fact


def read_entity_refs(item, check, entities, label):
    refs = item.get("entities")
    out = []
    if refs is None:
        return out
    if not isinstance(refs, yamlfile.Sequence):
        check.add(item.line_of("entities"), "wrong-type", f"{label}: entities must be a list, e.g. [harbour-bridge, ann-lee]")
        return None
    ok = True
    for ref, line in zip(refs, refs.lines):
        if isinstance(ref, yamlfile.Mapping):
            check.keys(ref, ("id", "role"), ("id",), "entity reference")
            eid, role = ref.get("id"), ref.get("role") or "subject"
            if isinstance(ref.get("role"), str) and ref["role"] and check.shown(ref, "role", label) is None:
                ok = False
                continue
        else:
            eid, role = ref, "subject"
        if not isinstance(eid, str) or not isinstance(role, str):
            check.add(line, "wrong-type", f"{label}: each entity is an id or {{id: ..., role: ...}}")
            ok = False
        elif entities is None:
            ok = False  # entities.yaml could not be read: reported there
        elif eid not in entities:
            check.add(line, "unknown-entity",
                      f"{label}: entity '{eid}' is not in entities.yaml: " + _known(eid, entities, "add it there"))
            ok = False
        elif (eid, role) not in out:
            out.append((sys.intern(eid), sys.intern(role)))
    return out if ok else None


def read_citations(item, check, sources, label):
    cites = item.get("sources")
    if cites is None:
        return None
    if not isinstance(cites, yamlfile.Sequence) or not cites:
        check.add(item.line_of("sources"), "wrong-type",
                  f"{label}: sources must be a list of '- source: <id>' / 'quote: <exact words>' entries")
        return None
    out, ok = [], True
    for cite, line in zip(cites, cites.lines):
        if not isinstance(cite, yamlfile.Mapping):
            check.add(line, "wrong-type", f"{label}: each citation is a mapping with 'source' and 'quote'")
            ok = False
            continue
        check.keys(cite, CITATION_KEYS, ("source", "quote"), "citation")
        sid, quote = check.text(cite, "source"), check.text(cite, "quote")
        occurrence = None
        if "occurrence" in cite:
            occurrence = check.number(cite, "occurrence")
            if not isinstance(occurrence, int) or occurrence < 1:
                check.add(cite.line_of("occurrence"), "bad-value",
                          f"{label}: occurrence must be 1, 2, ... (which match of the quote to use)")
                ok = False
                continue
        if not sid or not quote:
            ok = False
            continue
        if sources is None:
            ok = False  # sources.yaml could not be read: reported there
            continue
        source = sources.get(sid)
        if source is None:
            known = f"use one of: {', '.join(sorted(sources))}, or add it" if sources else "add it"
            check.add(cite.line_of("source"), "unknown-source",
                      f"{label}: source '{sid}' is not in sources.yaml: "
                      + _known(sid, sources, known + " to sources.yaml"))
            ok = False
            continue
        if not source.text:
            ok = False  # the source itself has a problem, reported there
            continue
        try:
            match = quotes.find(source.text, quote, occurrence)
        except quotes.QuoteProblem as e:
            line = cite.line_of("occurrence" if e.code == "bad-occurrence" else "quote")
            check.add(line, e.code, f"{label}: in source '{sid}': {e.message}")
            ok = False
            continue
        position = source.sentence_at(match.start)
        out.append({"source_id": source.id, "sentence_id": f"{sid}:{position}", "quote": source.text[match.start:match.end],
                    "start": match.start, "end": match.end, "line": cite.line})
    return out if ok else None


def date_fact(fact, item, text, check, sources, label):
    """Fill date_start, date_end, date_precision, date_text, date_basis, date_label; False on a problem."""
    fact.update(date_start=None, date_end=None, date_precision=None, date_text=None, date_basis=None, date_label=None)
    given = None
    if text["date"] is not None:
        try:
            given = dates.parse_date(text["date"])
        except dates.DateError as e:
            check.add(item.line_of("date"), "bad-date", f"{label}: date: {e}")
            return False
    resolved = given
    if text["when"] is not None:
        sid = text["when_source"] or fact["citations"][0]["source_id"]
        if sid not in {c["source_id"] for c in fact["citations"]}:
            cited = ", ".join(dict.fromkeys(c["source_id"] for c in fact["citations"]))
            check.add(item.line_of("when_source"), "unknown-source",
                      f"{label}: when_source '{sid}' is not one of this fact's sources: use one of this fact's"
                      f" sources: {cited}")
            return False
        source = sources[sid]
        if source.published_date is None and source.published:
            return False  # sources.yaml gives a date that cannot be read: reported there, once
        if source.published_date is None:
            check.add(item.line_of("when"), "bad-date",
                      f"{label}: when: '{text['when']}' needs the publication date of '{sid}', which sources.yaml"
                      " does not give: add published there, or use date: instead")
            return False
        cite = next(c for c in fact["citations"] if c["source_id"] == sid)
        context = _sentence_text(source, cite)
        try:
            resolved = dates.resolve_phrase(text["when"], source.published_date, direction=text["direction"],
                                            context=context, source_id=sid)
        except dates.DateError as e:
            check.add(item.line_of("when"), "bad-date", f"{label}: when: {e}")
            return False
        if not _said_in(text["when"], source, cite):
            start, end = _sentences_of(source, cite)
            check.add(item.line_of("when"), "when-not-in-sentence",
                      f"{label}: when: '{text['when']}' is not in the sentence it is read from (in '{sid}':"
                      f" {quotes.shown(source.text[start:end])}): copy the date phrase as the sentence says it,"
                      " cite the sentence that says it (when_source: names which source), or use date: instead")
            return False
        fact["date_text"] = text["when"]
        fact["when_source"] = sid
        if given is not None:
            within = resolved.start <= given.start <= resolved.end
            if not within or (given.end > resolved.end and given.precision != resolved.precision):
                check.add(item.line_of("date"), "date-mismatch",
                          f"{label}: date: {text['date']} ({given.start}..{given.end}) does not agree with"
                          f" when: {resolved.basis}: correct one of them")
                return False
            if dates.PRECISIONS.index(given.precision) < dates.PRECISIONS.index(resolved.precision):
                resolved = dates.Resolved(given.start, given.end, given.precision, resolved.basis)
    if resolved is None:
        return True
    # Many facts share a date, a kind, a source, an entity: one string object each (less memory at 100k facts).
    fact.update(date_start=sys.intern(resolved.start.isoformat()), date_end=sys.intern(resolved.end.isoformat()),
                date_precision=resolved.precision, date_basis=resolved.basis or None,
                date_label=sys.intern(dates.date_label(resolved.start, resolved.precision)))
    if text["direction"] != "future":
        for cite in fact["citations"]:
            source = sources[cite["source_id"]]
            if source.published_date is None or resolved.start <= source.published_date:
                continue
            if dates.guess_direction(_sentence_text(source, cite)) == "future":
                continue
            check.add(item.line_of("date") if "date" in item else item.line_of("when"), "date-after-source",
                      f"{label}: dated {fact['date_label']}, after '{source.id}' was published"
                      f" ({source.published_date}), yet the sentence reports it as past: check the date,"
                      " or add direction: future if it was announced ahead")
            return False
    return True


def _sentences_of(source, cite):
    """(start, end) of the sentences a citation touches, from the first one's start to the last one's end."""
    first = source.sentences[int(cite["sentence_id"].rsplit(":", 1)[1]) - 1]
    last = source.sentences[source.sentence_at(cite["end"] - 1) - 1]
    return first[1], max(last[2], cite["end"])


def _said_in(phrase, source, cite):
    """True when the date phrase is written in the sentences the citation touches (ignoring case and
    typographic variants; a leading 'on', 'in', 'since'... may be the curator's own)."""
    start, end = _sentences_of(source, cite)
    sentence = source.text[start:end]
    phrase = phrase.strip()
    shorter = dates.without_preposition(phrase)
    return any(quotes.occurrences(sentence, p, flags=re.IGNORECASE) for p in dict.fromkeys((phrase, shorter)) if p)


def _sentence_text(source, cite):
    _, start, end = source.sentences[int(cite["sentence_id"].rsplit(":", 1)[1]) - 1]
    return source.text[start:max(end, cite["end"])]


def _known(value, known, otherwise):
    """`did you mean 'x'?` for a near miss among the `known` ids, then what to do otherwise."""
    close = difflib.get_close_matches(value, sorted(known), n=1, cutoff=0.8)
    return f"did you mean '{close[0]}'? Otherwise {otherwise}" if close else otherwise


def repo_path(path, facts_dir):
    """`path` as the database records it: relative to the folder holding the facts folder."""
    return os.path.relpath(path, os.path.dirname(os.path.abspath(facts_dir))).replace(os.sep, "/")

