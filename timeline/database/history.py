"""Each fact's revisions, from the git history of the facts folder (the fact_history table).

When the facts folder is in a git repository, every commit on the first-parent line of HEAD that
touched a facts file is read: the file as committed is parsed by the build's own YAML reader
(timeline.yamlfile), and each fact in it (a mapping with an `id`) is compared, key by key, with the
same fact at the commit before. A fact is

- `added` when its id first appears, `removed` when it leaves every file;
- `changed` when any of its keys changed (title, date, value, sources with their quotes, ...: the
  keys as written in YAML, so a re-indented or re-wrapped file changes nothing);
- `moved` when it left one facts file for another in the same commit with nothing else changed
  (`changed`, with `file` among the changed fields, when something else changed too);
- `renamed` when one id left and another arrived in the same commit with every other key the same
  (a row for each id; any other change of id is the removal of one fact and the addition of another,
  since an id is a fact's published address);
- `unreadable` when its file, as committed, could not be parsed: the fact is then taken to be as it
  last was, and the next readable commit is compared with that;
- `present` at the earliest commit of a shallow clone, whose history before that is not there.

Merges count as one commit (their change against the first parent). Uncommitted changes in the
working tree are not history. Parsed files are kept in the build cache by blob hash, so a rebuild
parses only the files of new commits, and the rows by the last commit that touched the folder
(`key`), so a build with the same history computes nothing. Without git, or with the facts folder
outside a repository, there is no history and no error.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from timeline.core import yamlfile
from timeline.core.git import git, last_commit
from timeline.errors import GitUnavailable, YamlProblem
from timeline.inputs.facts import FACT_KEYS, is_facts_file

# For the types alone: a module imported at the top level counts as code the cached history depends on
# (cache.DEPENDS), and a new version of it would drop the history's entries for nothing.
if TYPE_CHECKING:
    from timeline.database.cache import Cache
    from timeline.records import Row

NULL_BLOB = "0" * 40
FIELD_ORDER = tuple(k for k in FACT_KEYS if k != "id")
# What a row keeps of what git and old versions of files give, whatever their size (the database holds no value
# over 1 MiB, and the site reads none over 2 MiB): a commit message or author past these is cut with a note
# of how much was left out, and each earlier value past MAX_VALUE likewise.
MAX_MESSAGE = 4000  # characters: a subject line is rarely over 100
MAX_AUTHOR = 200
MAX_VALUE = 16_000  # characters of one earlier value (a quote of a whole paragraph is about 2,000)
MAX_PREVIOUS = 64 * 1024  # bytes of JSON of a row's earlier values, all together
COLUMNS = ("fact_id", "revision", "commit_hash", "date", "author", "message", "action", "fields", "previous", "file",
           "note")


def bounded(text: str, limit: int) -> str:
    """`text`, or its first `limit` characters and a note of how many more were not kept."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\u2026 ({len(text) - limit:,} more characters not kept)"


def _bounded_values(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return bounded(value, limit)
    if isinstance(value, dict):
        return {k: _bounded_values(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [_bounded_values(v, limit) for v in value]
    return value


def previous_json(previous: dict[str, Any]) -> tuple[str | None, str | None]:
    """(JSON of the earlier values, or None; a note when they were too large to keep): each value at
    most MAX_VALUE characters, and all of them at most MAX_PREVIOUS bytes (or not kept, with a note)."""
    for limit in (MAX_VALUE, 1000):
        text = json.dumps(_bounded_values(previous, limit), ensure_ascii=False, sort_keys=True)
        if len(text.encode("utf-8")) <= MAX_PREVIOUS:
            return text, None
    return None, f"the earlier values of {', '.join(_ordered(previous))} are too large to keep here"


def key(facts_dir: str) -> str | None:
    """The last commit on HEAD's first-parent line that touched the facts folder, or None (no git, no
    repository, nothing committed there). The history is a function of this commit alone."""
    return last_commit(facts_dir)


def rows(facts_dir: str, head: str | None, cache: Cache | None = None,
         previous: str | None = None) -> tuple[list[Row], list[str]]:
    """(rows, commits): the fact_history rows (dicts, ordered by fact id and revision) and the commits
    read (hashes, oldest first) for the history that ends at `head` (key(facts_dir)); ([], []) for None.

    With a `cache`, the same history is not read again, and when the one that ended at `previous` (the
    last build's key) is kept and leads to `head`, only the commits since are read and replayed."""
    if head is None:
        return [], []
    folder = os.path.basename(os.path.abspath(facts_dir))
    kept = _kept(cache, head, folder)
    if kept:
        return kept["rows"], kept["commits"]
    try:
        start = _kept(cache, previous, folder, keep=False) if previous and previous != head else None
        if start:
            line = git(facts_dir, "log", "--first-parent", "--format=%H", head, "--", ".").decode().split()
            start = start if previous in line else None  # a rewritten history is read from its start
        commits = _commits(facts_dir, f"{previous}..{head}" if start else head)
        shallow = not start and git(facts_dir, "rev-parse", "--is-shallow-repository").decode().strip() == "true"
        blobs = sorted({blob for commit in commits for _, blob in commit["files"] if blob}
                       | set(start["files"].values() if start else ()))
        parsed = _parse_blobs(facts_dir, blobs, cache)
    except GitUnavailable:
        return [], []
    out, state = replay(commits, parsed, folder, shallow=shallow, start=start)
    hashes = (start["commits"] if start else []) + [c["commit"] for c in commits]
    if cache is not None:
        everything = sorted(set(blobs) | set(start["blobs"] if start else ()))
        cache.used.add(("history", f"{head}:{folder}"))
        cache.put("history", f"{head}:{folder}", {"rows": out, "commits": hashes, "blobs": everything, **state})
    return out, hashes


def _kept(cache: Cache | None, head: str | None, folder: str, keep: bool = True) -> dict[str, Any] | None:
    """The cached history that ends at `head`, when it is sane (its parsed files marked as used)."""
    if cache is None or head is None:
        return None
    value = cache.get("history", f"{head}:{folder}")
    if not (isinstance(value, dict) and isinstance(value.get("rows"), list) and isinstance(value.get("commits"), list)
            and isinstance(value.get("blobs"), list) and isinstance(value.get("files"), dict)
            and isinstance(value.get("where"), dict)
            and all(isinstance(r, dict) and set(r) == set(COLUMNS) for r in value["rows"])):
        return None
    if keep:
        cache.used.add(("history", f"{head}:{folder}"))
    for blob in value["blobs"]:
        cache.used.add(("history_blob", blob))
    return value


def _commits(facts_dir: str, revisions: str) -> list[dict[str, Any]]:
    """[{commit, date, author, message, files: [(name, blob or None)]}], oldest first, for the commits on
    the first-parent line of `revisions` (a commit, or old..new) that touched a facts file (names
    relative to the facts folder)."""
    out = git(facts_dir, "log", "--first-parent", "-m", "--reverse", "--raw", "--no-abbrev", "--no-renames",
               "--relative", "-z", "--format=%H%x00%aI%x00%an%x00%s", revisions, "--", ".")
    tokens = out.decode("utf-8", "replace").split("\0")
    commits, i = [], 0
    while i + 3 < len(tokens):
        sha = tokens[i].strip()
        commit: dict[str, Any] = {"commit": sha, "date": tokens[i + 1], "author": tokens[i + 2],
                                  "message": tokens[i + 3], "files": []}
        i += 4
        while i + 1 < len(tokens) and tokens[i].lstrip("\n").startswith(":"):
            meta, name = tokens[i].lstrip("\n")[1:].split(), tokens[i + 1]
            i += 2
            new_mode, new_blob = meta[1], meta[3]
            if not is_facts_file(name):
                continue
            if new_blob == NULL_BLOB:
                commit["files"].append((name, None))  # deleted
            elif new_mode in ("100644", "100755"):
                commit["files"].append((name, new_blob))
            # a symlink or submodule is not a file of facts the build reads as committed: skipped
        if sha:
            commit["files"].sort()
            commits.append(commit)
    return commits


def _parse_blobs(facts_dir: str, blobs: list[str], cache: Cache | None) -> dict[str, list[Any]]:
    """{blob: [facts, problem]} for the blobs (facts_of), from the cache or read with git cat-file."""
    parsed, missing = {}, []
    for blob in blobs:
        value = cache.get("history_blob", blob) if cache is not None else None
        if isinstance(value, list) and len(value) == 2 and isinstance(value[0], dict):
            parsed[blob] = value
        else:
            missing.append(blob)
        if cache is not None:
            cache.used.add(("history_blob", blob))
    if missing:
        # Sizes first: a blob over the facts file limit (a huge file committed by mistake) is never read.
        sizes = git(facts_dir, "cat-file", "--batch-check", data="".join(b + "\n" for b in missing).encode())
        for blob, line in zip(list(missing), sizes.decode("ascii", "replace").splitlines()):
            fields = line.split()
            if len(fields) == 3 and fields[1] == "blob" and int(fields[2]) > yamlfile.MAX_BYTES:
                parsed[blob] = [{}, f"line 1: file-too-large: {yamlfile.too_large(int(fields[2]))}"]
                missing.remove(blob)
                if cache is not None:
                    cache.put("history_blob", blob, parsed[blob])
    if missing:
        data = git(facts_dir, "cat-file", "--batch", data="".join(b + "\n" for b in missing).encode())
        at = 0
        for blob in missing:
            end = data.index(b"\n", at)
            header = data[at:end].split()
            size = int(header[2]) if len(header) == 3 and header[1] == b"blob" else 0
            content = data[end + 1:end + 1 + size]
            at = end + 1 + size + (1 if size or len(header) == 3 else 0)
            parsed[blob] = list(facts_of(content))
            if cache is not None:
                cache.put("history_blob", blob, parsed[blob])
    return parsed


def facts_of(data: bytes) -> tuple[dict[str, dict[str, Any]], str | None]:
    """({fact id: {key: value}}, problem or None) for the bytes of a facts file as committed: read by
    the build's YAML reader; each mapping with a text `id` is a fact, its keys as written (values as
    plain text, lists and mappings). A file that cannot be read gives ({}, its problem)."""
    try:
        tree = yamlfile.load(data)
    except YamlProblem as e:
        return {}, f"line {e.line}: {e.code}: {e.message}"
    if tree is None:
        return {}, None
    if not isinstance(tree, yamlfile.Sequence):
        return {}, f"line {getattr(tree, 'line', 1)}: not-a-list: the file is not a YAML list of facts"
    found = {}
    for item in tree:
        if isinstance(item, yamlfile.Mapping) and isinstance(item.get("id"), str) and item["id"] not in found:
            found[item["id"]] = {k: _plain(v) for k, v in item.items() if k != "id"}
    return found, None


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _ordered(keys: Iterable[str]) -> list[str]:
    return sorted(keys, key=lambda k: (FIELD_ORDER.index(k) if k in FIELD_ORDER else len(FIELD_ORDER), k))


def replay(commits: list[dict[str, Any]], parsed: dict[str, list[Any]], folder: str, shallow: bool = False,
           start: dict[str, Any] | None = None) -> tuple[list[Row], dict[str, dict[str, str]]]:
    """(rows, state) for `commits` (as _commits gives them) whose file blobs are `parsed` ({blob:
    [facts, problem]}); `folder` is the facts folder's name, as fact files are recorded. `start`: the
    rows and state of the history before these commits (a cached one), to go on from."""
    files = dict(start["files"]) if start else {}  # name -> the blob of its last readable version
    by_file = {name: dict(parsed[blob][0]) for name, blob in files.items()}  # name -> {fact id: fields}
    where = dict(start["where"]) if start else {}  # fact id -> name of the file it is in
    out: dict[str, list[Row]] = {}  # fact id -> [row]
    for row in start["rows"] if start else ():
        out.setdefault(row["fact_id"], []).append(row)

    def emit(fid: str, commit: dict[str, Any], action: str, name: str, fields: list[str] | None = None,
             previous: dict[str, Any] | None = None, note: str | None = None) -> None:
        revisions = out.setdefault(fid, [])
        kept, too_large = previous_json(previous) if previous is not None else (None, None)
        revisions.append({
            "fact_id": fid, "revision": len(revisions) + 1, "commit_hash": commit["commit"], "date": commit["date"],
            "author": bounded(commit["author"], MAX_AUTHOR), "message": bounded(commit["message"], MAX_MESSAGE),
            "action": action, "fields": ",".join(fields) if fields else None, "previous": kept,
            "file": f"{folder}/{name}", "note": "; ".join(n for n in (note, too_large) if n) or None})

    for number, commit in enumerate(commits):
        boundary = shallow and number == 0
        gone, came = {}, {}
        for name, blob in commit["files"]:
            before = by_file.get(name, {})
            if blob is None:
                after, problem = {}, None
            else:
                after, problem = parsed[blob]
            if problem:
                for fid in sorted(before):
                    emit(fid, commit, "unreadable", name,
                         note=f"{folder}/{name} could not be read at this commit ({problem}); taken as it last was")
                continue
            if blob is None:
                files.pop(name, None)
            else:
                files[name] = blob
            for fid in sorted(before.keys() - after.keys()):
                gone[fid] = (name, before[fid])
            for fid in sorted(after.keys() - before.keys()):
                came[fid] = (name, after[fid])
            for fid in sorted(before.keys() & after.keys()):
                if before[fid] != after[fid]:
                    changed = _ordered(k for k in before[fid].keys() | after[fid].keys()
                                       if before[fid].get(k) != after[fid].get(k))
                    emit(fid, commit, "changed", name, changed, {k: before[fid].get(k) for k in changed})
            by_file[name] = dict(after)
        for fid in sorted(came.keys() & gone.keys()):  # moved from one file to another
            (old_name, old), (name, new) = gone.pop(fid), came.pop(fid)
            changed = _ordered(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
            previous = {k: old.get(k) for k in changed}
            previous["file"] = f"{folder}/{old_name}"
            emit(fid, commit, "changed" if changed else "moved", name, changed + ["file"], previous)
            where[fid] = name
        for fid in [fid for fid in came if fid in where]:
            del came[fid]  # the same id in a second file (the build refuses that): not a new fact
        for old_id, new_id in _renames(gone, came):
            (_, old), (name, _) = gone.pop(old_id), came.pop(new_id)
            emit(old_id, commit, "renamed", name, ["id"], note=f"renamed to {new_id}")
            emit(new_id, commit, "renamed", name, ["id"], {"id": old_id}, note=f"renamed from {old_id}")
            where.pop(old_id, None)
            where[new_id] = name
        for fid, (name, _) in sorted(came.items()):
            emit(fid, commit, "present" if boundary else "added", name,
                 note="the earliest commit of this shallow clone: its history before is not here" if boundary else None)
            where[fid] = name
        for fid, (name, old) in sorted(gone.items()):
            emit(fid, commit, "removed", name, previous=old)
            where.pop(fid, None)
    return [row for fid in sorted(out) for row in out[fid]], {"files": files, "where": where}


def _renames(gone: dict[str, tuple[str, dict[str, Any]]],
             came: dict[str, tuple[str, dict[str, Any]]]) -> list[tuple[str, str]]:
    """(old id, new id) pairs: a fact that left and one that arrived in the same commit with every key
    other than the id the same (paired in id order when several are alike)."""
    pairs, taken = [], set()
    for old_id, (_, old) in sorted(gone.items()):
        for new_id, (_, new) in sorted(came.items()):
            if new_id not in taken and new == old:
                pairs.append((old_id, new_id))
                taken.add(new_id)
                break
    return pairs


def changed_facts(rows_: list[Row], commits: list[str], old_key: str | None) -> set[str] | None:
    """The fact ids whose rows differ from those of the history that ended at `old_key`, or None when
    that history is not the start of this one (then every row may differ)."""
    if old_key is None:
        return {r["fact_id"] for r in rows_}
    if old_key not in commits:
        return None
    new = set(commits[commits.index(old_key) + 1:])
    return {r["fact_id"] for r in rows_ if r["commit_hash"] in new}


def previous_values(previous: str | None) -> list[tuple[str, list[str]]]:
    """[(field, [line])]: a row's `previous` (JSON) as a person reads it, fields in the YAML's order."""
    if not previous:
        return []
    data = json.loads(previous)
    return [(field, _lines(data[field])) for field in _ordered(data)] if isinstance(data, dict) else []


def _lines(value: Any) -> list[str]:
    if value is None:
        return ["(not given)"]
    if isinstance(value, list):
        return [_flat(item) for item in value] or ["(none)"]
    return [_flat(value)]


def _flat(value: Any) -> str:
    if isinstance(value, dict):
        if set(value) <= {"source", "quote", "occurrence"} and "source" in value:  # a citation
            quote = value.get("quote")
            text = f"{value['source']}: " + (f"\u201c{quote}\u201d" if quote is not None else "(quote not kept)")
            return text + (f" (occurrence {value['occurrence']})" if value.get("occurrence") else "")
        return ", ".join(f"{k}: {_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(_flat(v) for v in value) + "]"
    return "" if value is None else str(value)
