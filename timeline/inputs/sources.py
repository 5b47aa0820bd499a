"""The articles: sources.yaml, the texts byte for byte (pinned by sha256), and their sentences."""
from __future__ import annotations

import dataclasses
import hashlib
import operator
import os
import re
from collections.abc import Mapping
from typing import Any

from timeline.core import files, yamlfile
from timeline.core.validate import MAX_VALUE_BYTES, Checker, display_path, read_list, too_long
from timeline.errors import DateError, Unreadable
from timeline.inputs import articles, pages
from timeline.inputs.articles import BuildCache, Progress
from timeline.problems import Problem
from timeline.records import DEFAULT_LANGUAGE, Source, Sources, Spans
from timeline.text import dates, sentences

COURT_KEYS = ("court", "case_name", "docket_number", "document_number", "date_filed")  # CourtListener's names
SOURCE_KEYS = ("id", "path", "sha256", "outlet", "title", "author", "published", "url", "based_on", "notes",
               "original", "original_sha256", "retrieved") + COURT_KEYS + ("page_labels", "language")
LIST_KEYS = ("page_labels",)  # keys whose values are lists of text
REQUIRED = ("id", "path", "sha256")
PATH_KEYS = ("path", "original")  # keys whose values are files in the sources folder (any other file there is stray)
SHOWN_KEYS = (("outlet", False), ("title", False), ("author", False), ("based_on", False), ("notes", True),
              ("court", False), ("case_name", False), ("docket_number", False), ("document_number", False))
SHA256 = re.compile(r"^[0-9a-f]{64}\Z")
# A BCP 47 language tag as sources give them: a language subtag, then region, script or variant subtags
# ('es', 'es-SV', 'pt-BR', 'zh-Hant'); its language subtag names the rules its text is read by.
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*\Z")
URL = re.compile(r"^https?://[^\s/?#]+[^\s]*\Z", re.IGNORECASE)
BARE_ADDRESS = re.compile(r"^[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")  # www.example.com/a: an address without its scheme
MAX_ARTICLE_BYTES = 10 * 1024 * 1024  # an article's text; 10 MB is a few million words
MAX_ORIGINAL_BYTES = 50 * 1024 * 1024  # a saved page or web archive (timeline add-source refuses larger ones)
_Folder = tuple[str, str, dict[str, str]]  # the sources folder, its real path, {folder: its real path} worked out


def handed(sources: Mapping[str, Source], signals: bool = True) -> Sources:
    """A copy of {id: Source} to hand to a worker process: no corroboration words, the sentences as
    Spans, and the coverage signals only when asked for."""
    return {sid: dataclasses.replace(s, words=None, sentences=Spans(s.sentences), signals=s.signals if signals else None)
            for sid, s in sources.items()}


# What digest() reads of a source: what a worker holds of it (handed) but for what follows from the
# text (pinned by its sha256) and is digested apart (the sentences, the coverage signals)
_DIGESTED = operator.attrgetter(*(f.name for f in dataclasses.fields(Source)
                                  if f.name not in ("text", "sentences", "signals", "words", "pages")))


def digest(sources: Mapping[str, Source], entities: Mapping[str, Any] | None) -> str:
    """A sha256 of the sources and entities as a worker holds them (handed): two processes that read the
    same inputs get the same; any difference in what they read (a file changed between the two readings)
    gives another. 0.05 s at 10,000 articles."""
    h = hashlib.sha256()
    for sid, source in sources.items():
        spans = Spans(source.sentences)
        described = (sid, len(source.text), source.signals is None, _DIGESTED(source))
        h.update(repr(described).encode("utf-8", "surrogatepass"))
        for column in (spans.paragraphs, spans.starts, spans.ends):
            h.update(column)
        h.update("\x1f".join(source.signals or ()).encode("utf-8", "surrogatepass") + b"\x1e")
    h.update(repr(entities).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def load_sources(sources_dir: str, relative_to: str | None = None, cache: BuildCache | None = None,
                 progress: Progress | None = None, jobs: int | None = 1,
                 parts: tuple[str, ...] = ("sentences",), only: str | None = None,
                 originals: bool = True) -> tuple[Sources | None, list[Problem]]:
    """({id: Source}, [Problem]) for `sources_dir`/sources.yaml and the articles it lists.

    The dict is None when sources.yaml itself cannot be read (then nothing is known about the sources).
    Each article's `parts` (articles.PARTS: its sentences, and the signals and words a build needs)
    come from the `cache` or are worked out, in `jobs` processes when there is enough to do. With
    `only` (an id), every entry is read but only that source's files (add-source's read-back); without
    `originals`, the originals' bytes are not checked against their sha256.
    """
    sources_dir = os.path.abspath(sources_dir)
    root = os.path.dirname(sources_dir)
    yaml_path = os.path.join(sources_dir, "sources.yaml")
    folder: _Folder = (sources_dir, os.path.realpath(sources_dir), {})
    where = display_path(yaml_path, relative_to)
    checker = Checker(where)
    try:
        data = read_list(yaml_path, checker, unreadable="put a readable sources.yaml there",
                         empty="sources.yaml lists no sources: add one entry per article",
                         not_a_list="sources.yaml must be a list of sources (lines starting '- id:')")
    except FileNotFoundError:
        checker.add(1, "missing-file", f"there is no {where}: list the articles there (see the README)")
        return None, checker.problems
    if data is None:
        return None, checker.problems
    out: Sources = {}
    analysis = articles.Analysis(cache, jobs, parts, progress)  # begun while the rest is read
    try:
        for number, (item, line) in enumerate(zip(data, data.lines or ()), start=1):
            if progress and number % 100 == 0:
                progress("articles", number, len(data))
            if not isinstance(item, yamlfile.Mapping):
                checker.add(line, "not-a-mapping", "each source is a mapping with keys " + ", ".join(SOURCE_KEYS))
                continue
            source = _source(item, checker, out)
            if source is None:
                continue
            if only is not None and source.id != only:
                out[source.id] = source
                continue
            if source.path:
                _read(source, item, root, folder, checker, originals)
            out[source.id] = source
            analysis.add(source)
        analysis.finish(out)
    finally:
        analysis.close()
    for source in out.values():
        _check_sentences(source, checker)
    problems = checker.problems
    if not problems and only is None:  # every path is known: any other file in the folder is one nothing can cite
        problems = _stray_files(sources_dir, root, out, relative_to, folder)
    return out, problems


def _source(item: yamlfile.Mapping, checker: Checker, seen: Sources) -> Source | None:
    checker.keys(item, SOURCE_KEYS, tuple(k for k in REQUIRED if k != "sha256"), "source")
    values = {k: checker.text(item, k) for k in SOURCE_KEYS if k in item and k not in LIST_KEYS}
    sid = values.get("id")
    if not sid or not checker.slug(item, "id"):
        return None
    if sid in seen:
        checker.add(item.line_of("id"), "duplicate-id",
                  f"source id '{sid}' is already used on line {seen[sid].line}: give each source its own id")
        return None
    sha = (values.get("sha256") or "").lower()
    if sha and not SHA256.match(sha):
        checker.add(item.line_of("sha256"), "bad-value",
                  f"sha256 '{values['sha256']}' is not 64 hex digits: run `sha256sum {values.get('path')}`")
        sha = ""
    original_sha = (values.get("original_sha256") or "").lower() or None
    if original_sha and not SHA256.match(original_sha):
        checker.add(item.line_of("original_sha256"), "bad-value",
                  f"original_sha256 '{values['original_sha256']}' is not 64 hex digits:"
                  f" run `sha256sum {values.get('original')}`")
    if bool(values.get("original")) != bool(original_sha):
        given, missing = ("original", "original_sha256") if values.get("original") else ("original_sha256", "original")
        checker.add(item.line_of(given), "missing-key",
                  f"source '{sid}' has '{given}' but no '{missing}': an original is pinned by its path and its sha256")
    for key, lines in SHOWN_KEYS:
        if values.get(key):
            checker.visible(item, key, f"source '{sid}'", lines=lines)
    url = (values.get("url") or "").strip()
    if url and not URL.match(url):
        hint = (f"it has no http:// or https://: write https://{url}" if BARE_ADDRESS.match(url) else
                "it is not an http:// or https:// address, so it is never shown as a link: write the article's"
                " web address")
        checker.add(item.line_of("url"), "bad-value", f"source '{sid}': url '{url}': {hint}, or null")
        values["url"] = None
    elif url:
        values["url"] = url  # as written, without the spaces or line break around it
    # A source with a problem is still known by its id (with no text), so facts citing it are not
    # reported a second time as citing an unknown source.
    # Text or None each (the id checked above); Any as mypy checks a dict unpacked (**) against every field.
    language = (values.get("language") or "").strip()
    if language and not LANGUAGE_TAG.match(language):
        checker.add(item.line_of("language"), "bad-value",
                    f"source '{sid}': language '{language}' is not a BCP 47 language tag: write the article's language"
                    " as a two-letter code such as es or en, with its region if you like (es-SV), or leave it out for"
                    f" {DEFAULT_LANGUAGE}")
    values["language"] = language if LANGUAGE_TAG.match(language) else DEFAULT_LANGUAGE
    fields: dict[str, Any] = {k: v for k, v in values.items() if k not in ("sha256", "path", "original_sha256")}
    source = Source(**fields, path=values.get("path") or "", sha256=sha, original_sha256=original_sha, line=item.line,
                    page_labels=_page_labels(item, checker, sid))
    if source.published:
        try:
            source.published_date = dates.parse_published(source.published)
        except DateError as e:
            checker.add(item.line_of("published"), "bad-date", f"source '{sid}': published: {e}")
    for key, what in (("date_filed", "filing"), ("retrieved", "retrieval")):  # dates kept as written, checked
        if getattr(source, key):
            try:
                dates.parse_published(getattr(source, key))
            except DateError as e:
                checker.add(item.line_of(key), "bad-date", f"source '{sid}': {key}: {str(e).replace('published', what)}")
    return source


def _page_labels(item: yamlfile.Mapping, checker: Checker, sid: str) -> list[str] | None:
    """page_labels: a list of short texts (a PDF's printed page labels), or None."""
    value = item.get("page_labels")
    if value is None:
        return None
    if not isinstance(value, yamlfile.Sequence) or not all(isinstance(v, str) and v.strip() and len(v) <= 40
                                                            and "\n" not in v for v in value):
        checker.add(item.line_of("page_labels"), "wrong-type",
                    f"source '{sid}': page_labels must be a list of each page's printed label, e.g. [i, ii, 1, 2]")
        return None
    return [v.strip() for v in value]


def paginate(source: Source) -> None:
    """Fill `source.pages` for a PDF source (inputs/pages) from its text."""
    source.pages = pages.starts(source.text) if source.text and pages.is_paged(source) else None


def _read(source: Source, item: yamlfile.Mapping, root: str, folder: _Folder, checker: Checker,
          originals: bool = True) -> None:
    full = _inside(source, "path", source.path, root, folder, checker)
    if full and source.sha256:
        read_text(source, full, checker, segment=False)
        if source.text and pages.is_paged(source):
            paginate(source)
            n = len(source.pages or ())
            if source.page_labels is not None and len(source.page_labels) != n:
                checker.add(item.line_of("page_labels"), "bad-value",
                            f"source '{source.id}': page_labels lists {len(source.page_labels)} labels but"
                            f" {source.path} has {n} pages: give one label per page")
        elif source.page_labels is not None:
            checker.add(item.line_of("page_labels"), "bad-value",
                        f"source '{source.id}': page_labels belong to a PDF source (its original a .pdf): remove"
                        " them")
    elif full and not item.get("sha256"):  # a sha256 given but malformed is reported already
        _missing_sha256(source, item, full, checker)
    if originals and source.original and source.original_sha256 and SHA256.match(source.original_sha256):
        full = _inside(source, "original", source.original, root, folder, checker)
        if full:
            check_original(source, full, checker)


def _inside(source: Source, key: str, path: str, root: str, folder: _Folder, checker: Checker) -> str | None:
    """The real path of `path` when it is a relative path inside the sources folder (`folder`: its path
    and its real path), else None (a problem)."""
    sources_dir, real_dir, _ = folder
    line = source.line
    if os.path.isabs(path) or path.startswith("~"):
        checker.add(line, "source-path-outside",
                  f"source '{source.id}': {key} '{path}' must be relative to the repository root,"
                  " e.g. sources/article.txt")
        return None
    full = _real_path(os.path.join(root, path), folder)
    if os.path.commonpath([full, real_dir]) != real_dir:
        checker.add(line, "source-path-outside",
                  f"source '{source.id}': {key} '{path}' leads outside {os.path.basename(sources_dir)}/:"
                  " keep the article files inside it (symlinks out are refused too)")
        return None
    hidden = [part for part in path.replace(os.sep, "/").split("/") if part not in ("", ".", "..")
              and files.leftover(part)]
    if hidden:
        checker.add(line, "bad-value",
                  f"source '{source.id}': {key} '{path}' names '{hidden[0]}', a hidden file or an editor's"
                  " leftover, which builds never read (timeline.files): rename it")
        return None
    return full


def _real_path(path: str, folder: _Folder) -> str:
    """os.path.realpath(path), with the real path of each folder worked out once per `folder` (a
    tuple whose last item is a dict kept for that) rather than once per file: 10,000 articles in one
    folder took 110,000 lstat calls. A file that is itself a symlink is followed as realpath does."""
    parent, name = os.path.split(path)
    if name in ("", ".", "..") or os.path.islink(path):
        return os.path.realpath(path)
    known = folder[2]
    if parent not in known:
        known[parent] = os.path.realpath(parent)
    return os.path.join(known[parent], name)


def check_original(source: Source, full: str, checker: Checker) -> None:
    """The original (saved page or web archive) must still have its recorded sha256."""
    try:
        actual, _ = files.sha256_of(full, MAX_ORIGINAL_BYTES)
    except FileNotFoundError:
        checker.add(source.line, "source-missing",
                  f"source '{source.id}': original '{source.original}' does not exist: restore it (git checkout),"
                  " or remove the original and original_sha256 lines")
        return
    except Unreadable as e:
        checker.add(source.line, "source-missing", f"source '{source.id}': cannot read '{source.original}': {e.reason}")
        return
    if actual != source.original_sha256:
        assert source.original_sha256 is not None  # the caller checks the source has one
        checker.add(source.line, "source-changed",
                  f"source '{source.id}': original '{source.original}' has changed since it was recorded (sha256"
                  f" was {source.original_sha256[:12]}..., now {actual[:12]}...). Originals are immutable: restore"
                  " the original bytes (git checkout)")


def _missing_sha256(source: Source, item: yamlfile.Mapping, full: str, checker: Checker) -> None:
    """The missing-key problem of a source without its sha256, giving the value to write."""
    where = item.line_of("sha256") if "sha256" in item else item.line
    try:
        sha, _ = files.sha256_of(full, MAX_ARTICLE_BYTES)
    except (OSError, Unreadable):
        value = f"run `sha256sum {source.path}` and add it as 'sha256: ...'"
    else:
        value = (f"add 'sha256: {sha}' (the sha256 of {source.path} as it is now: make sure that is the article"
                 " as received)")
    checker.add(where, "missing-key", f"source '{source.id}' has no sha256: {value}")


def _stray_files(sources_dir: str, root: str, sources: Sources, relative_to: str | None,
                 folder: _Folder) -> list[Problem]:
    """A problem for each file in the sources folder that no source names (see PATH_KEYS). `folder`:
    the one load_sources read the articles with (each folder's real path worked out once)."""
    named: set[str] = set()
    for path in listed_files(sources):
        full = os.path.join(root, path)
        named |= {os.path.normpath(full), _real_path(full, folder)}
    name = os.path.basename(sources_dir)
    out: list[Problem] = []
    for rel, full in files.walk(sources_dir):
        if rel in ("sources.yaml",) + files.IGNORED_FILES or not os.path.lexists(full):
            continue
        if os.path.normpath(full) in named or os.path.realpath(full) in named:
            continue
        where = display_path(full, relative_to)
        repo = files.story_path(full, sources_dir)
        try:
            sha, _ = files.sha256_of(full, MAX_ORIGINAL_BYTES)
        except Unreadable as e:
            what = (f"{rel} is not listed in sources.yaml, and {e.reason}: remove it from {name}/"
                    if not e.too_large else f"{rel} is not listed in sources.yaml ({e.reason}): move it out of"
                    f" {name}/, or list it")
        except OSError:
            continue  # gone since the folder was listed
        else:
            what = (f"{rel} is in {name}/ but no source in sources.yaml has path: {repo}, so no fact can cite"
                    f" it: add an entry for it (path: {repo}, sha256: {sha}), or move it out of {name}/")
        out.append(Problem(where, 1, "stray-file", what))
    return out


def listed_files(sources: Mapping[str, Source]) -> set[str]:
    """The paths (relative to the repository root) of every article text and original the sources list."""
    return {p for s in sources.values() for key in PATH_KEYS if (p := getattr(s, key, None))}


def read_text(source: Source, full: str, checker: Checker, cache: BuildCache | None = None,
              segment: bool = True) -> None:
    """Fill `source.text` (and with `segment`, `source.sentences`) from the file at `full`, whose bytes
    must have the source's sha256; a problem goes to `check` and leaves the text empty."""
    line = source.line
    try:
        data = files.read_bytes(full, MAX_ARTICLE_BYTES)
    except FileNotFoundError:
        checker.add(line, "source-missing",
                  f"source '{source.id}': file '{source.path}' does not exist: add the article or fix the path")
        return
    except Unreadable as e:
        if e.too_large:
            checker.add(line, "file-too-large",
                      f"source '{source.id}': '{source.path}': {e.reason}: an article is stored as its text;"
                      " check that this is the article's text, not a page, a recording or an archive")
        else:
            checker.add(line, "source-missing",
                      f"source '{source.id}': cannot read '{source.path}': {e.reason}: store the article there as a"
                      " file")
        return
    actual = hashlib.sha256(data).hexdigest()
    if actual != source.sha256:
        checker.add(line, "source-changed",
                  f"source '{source.id}': '{source.path}' has changed since it was recorded (sha256 was"
                  f" {source.sha256[:12]}..., now {actual[:12]}...). Articles are immutable: restore the"
                  " original bytes (git checkout), or add the new version as a new source with its own sha256")
        return
    try:
        source.text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        checker.add(line, "bad-encoding",
                  f"source '{source.id}': '{source.path}' is not UTF-8 (byte {e.start}): store the article as UTF-8")
        return
    if segment:
        articles.analyse_sources({source.id: source}, cache)
        _check_sentences(source, checker)


def _check_sentences(source: Source, checker: Checker) -> None:
    """No sentence may be longer than a served value can be (site/plugins/limits.py)."""
    for _, start, end in source.sentences:
        if end - start > MAX_VALUE_BYTES // 4 and too_long(source.text[start:end]):
            checker.add(source.line, "sentence-too-long",
                      f"source '{source.id}': line {sentences.line_of(source.text, start)} of '{source.path}' is one"
                      f" sentence of {(end - start) / 1024 / 1024:.1f} MB; a sentence may hold at most"
                      f" {MAX_VALUE_BYTES // 1024 // 1024} MB: check that the text has a line break after each"
                      " paragraph")
            source.text, source.sentences, source.signals, source.words = "", [], None, None
            return
