"""`timeline add-source`: from a saved page, a WARC, a text file or a URL to a pinned source.

The original is stored under sources/ exactly as received (`<id>.html`, `<id>.warc.gz`, `<id>.warc`;
a fetched URL is archived first, as `<id>.warc.gz`), the article text extracted from it as
`<id>.txt` (one paragraph per line), and an entry with both sha256s, the metadata found and the
evidence for each value is appended to sources.yaml as text (its comments and layout stay as they
are). A plain text file is the article text itself: it is stored as given and has no original.

Nothing is written when the input is refused (one line says why), and what is written is checked by
reading sources.yaml back with the build's own reader; if that fails, everything is put back.
"""
from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from timeline.across import corroboration
from timeline.core import files
from timeline.core.validate import SLUG, display_path, slug
from timeline.core.yamlfile import NULLS
from timeline.database.cache import Cache, folder_for
from timeline.errors import ArchiveError, DateError, SourceRefused
from timeline.ingest import archive, extract, language, pdf
from timeline.ingest.evidence import clip
from timeline.inputs.articles import BuildCache
from timeline.inputs.sources import MAX_ARTICLE_BYTES, load_sources
from timeline.records import DEFAULT_LANGUAGE, Fact, Source, Sources, Span, base_language
from timeline.text import dates, sentences
from timeline.text.words import STOPWORDS, sentence_words

MAX_CHOICES = 50  # HTML responses of a WARC compared to find the article
KINDS = {"html": "a saved page", "warc": "a WARC file", "text": "a text file", "url": "a fetched URL", "pdf": "a PDF"}
# What a curator may give instead of what was found (add_source's `overrides`): the page's metadata,
# the wire credit, and a court document's own fields. A new field is added here and to extract.FIELDS
# (or pdf.COURT_FIELDS) and inputs/sources.SOURCE_KEYS.
OVERRIDES = extract.FIELDS + ("based_on",) + pdf.COURT_FIELDS + ("language",)


@dataclass
class Added:
    """What add_source wrote and found."""

    id: str
    kind: str  # html, warc, text, url
    entry: dict[str, Any]  # the sources.yaml entry as written
    evidence: dict[str, str]  # {field: evidence} for the fields found (or given)
    missing: list[str]  # the metadata fields nothing gave
    remarks: list[str] = field(default_factory=list)
    chosen: str | None = None  # which response of a WARC was taken, and why
    # [(source id, shared sentences, that source's based_on)]
    shared: list[tuple[str, int, str | None]] = field(default_factory=list)
    paragraphs: int = 0
    words: int = 0
    yaml_path: str = ""


def add_source(target: str, sources_dir: str = "sources", source_id: str | None = None,
               overrides: Mapping[str, str | None] | None = None, record: str | None = None,
               fetch: Callable[[str], tuple[bytes, str, str]] | None = None, relative_to: str | None = None) -> Added:
    """Add `target` (a file path or an http(s) URL) as a new source; returns Added or raises SourceRefused.

    `overrides` ({field: value}) replace what the page says; `record` picks a WARC's response by its
    WARC-Target-URI; `fetch(url)` -> (WARC bytes, final URL, capture time) defaults to archive.fetch."""
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    sources_dir = os.path.abspath(sources_dir)
    yaml_path = os.path.join(sources_dir, "sources.yaml")
    where_yaml = display_path(yaml_path, relative_to)
    if not os.path.isdir(sources_dir):
        raise SourceRefused(f"there is no sources folder {display_path(sources_dir, relative_to)}/: run this in the"
                      " story's folder, or give --sources")
    with _build_cache(sources_dir) as cache:
        return _add(target, sources_dir, yaml_path, where_yaml, cache, source_id, overrides, record, fetch,
                    relative_to)


def _add(target: str, sources_dir: str, yaml_path: str, where_yaml: str, cache: Cache | None, source_id: str | None,
         overrides: dict[str, str | None], record: str | None, fetch: Callable[[str], tuple[bytes, str, str]] | None,
         relative_to: str | None) -> Added:
    existing, before = _existing(yaml_path, sources_dir, where_yaml, relative_to, cache)
    if overrides.get("language") is not None and not language.normal(overrides["language"]):
        raise SourceRefused(f"--language '{overrides['language']}' is not a BCP 47 language tag: give the article's"
                            " language as a code such as es or en, with its region if you like (es-SV)")
    for key in ("published", "date_filed"):
        if key in overrides:
            try:
                dates.parse_published(overrides[key])
            except DateError as e:
                raise SourceRefused(f"--{key.replace('_', '-')}: {e}") from None
    if source_id is not None:
        _check_id(source_id, existing, sources_dir)

    is_url = re.match(r"(?i)https?://", target) is not None
    final_url: str | None
    captured: str | None
    if is_url:
        try:
            data, final_url, captured = (fetch or archive.fetch)(target)
        except ArchiveError as e:
            raise SourceRefused(str(e)) from None
        kind, name = "url", target
    else:
        data, kind = _read(target)
        final_url = captured = None
        name = os.path.basename(target)
    original_sha = hashlib.sha256(data).hexdigest()
    if kind != "text":
        _refuse_same(existing, "original", original_sha, name)

    chosen, page_url = None, final_url
    labels: list[str] = []
    stored, stored_kind = data, kind  # what is kept as the original, and what it is
    if kind == "pdf":
        page, labels = _pdf_page(data, name)
    elif kind in ("warc", "url"):
        page, response, chosen, labels = _from_warc(data, name, record)
        page_url, captured = response.url or final_url, response.date or captured
        if response.kind == "pdf":
            # A PDF source's original is the PDF, byte for byte (its pages are read from it); the WARC is
            # not kept: what it adds (the address, the redirects, the time) is in the notes
            stored, stored_kind = response.body, "pdf"
            original_sha = hashlib.sha256(stored).hexdigest()
            _refuse_same(existing, "original", original_sha, name)
            page.remarks.append(f"the PDF of the response for {response.url}"
                                + (f" (fetched from {target})" if is_url and target != response.url else "")
                                + f" is the original, byte for byte; the {'fetch' if is_url else 'WARC'}'s WARC is not"
                                " kept (the address, the time and what the document says are in these notes)")
    elif kind == "html":
        page = extract.extract(extract.decode(data))
        captured = page.saved
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SourceRefused(f"{name} is not UTF-8 text (byte {e.start}): save it as UTF-8, or add the saved page"
                          " (.html) instead") from None
        page = extract.from_text(text)
    if len(page.text.split()) < extract.MIN_WORDS:
        raise SourceRefused(f"{name} holds no article text (after menus, notices and other page furniture are"
                      f" removed, fewer than {extract.MIN_WORDS} words are left): save the article's own page,"
                      " after any consent or subscription wall")
    text_bytes = data if kind == "text" else page.text.encode("utf-8")
    text_sha = hashlib.sha256(text_bytes).hexdigest()
    _refuse_same(existing, "text", text_sha, name)
    fields = dict(page.fields)
    evidence = dict(page.evidence)
    if "language" not in overrides or not overrides["language"]:  # (read only when no --language says it)
        found, said, heard = language.choose(page.languages, page.text)
        fields["language"], page.remarks = found, page.remarks + heard
        if said:
            evidence["language"] = said
    else:
        overrides["language"] = language.normal(overrides["language"])
    if not fields.get("url") and page_url:
        fields["url"] = page_url
        evidence["url"] = "the WARC record's WARC-Target-URI" if kind == "warc" else "the address fetched"
    for key, value in overrides.items():
        option = "--" + key.replace("_", "-")
        found = fields.get(key)
        fields[key] = value or None
        evidence[key] = f"given with {option}" if value else f"none: {option} '' (what was found: {found})"
    for address in {a for a in (fields.get("url"), page_url, target if is_url else None) if a}:
        _refuse_same(existing, "url", address, name)

    if source_id is None:
        source_id = propose_id(fields.get("outlet"), fields.get("title"), existing, sources_dir,
                               fallback=_stem(name, is_url))
    text_file = os.path.join(sources_dir, source_id + ".txt")
    original_file = None if kind == "text" else os.path.join(sources_dir, source_id + _extension(stored_kind, stored))
    entry: dict[str, Any] = {"id": source_id, "path": files.story_path(text_file, sources_dir),
                                    "sha256": text_sha}
    if original_file:
        entry.update(original=files.story_path(original_file, sources_dir), original_sha256=original_sha)
    entry.update({k: fields.get(k) for k in extract.FIELDS})
    entry["retrieved"] = captured if original_file else None
    entry["based_on"] = fields.get("based_on")
    entry["language"] = fields.get("language") or DEFAULT_LANGUAGE
    if stored_kind == "pdf" or any(fields.get(k) for k in pdf.COURT_FIELDS):
        entry.update({k: fields.get(k) for k in pdf.COURT_FIELDS})
    if labels and labels != [str(n) for n in range(1, len(labels) + 1)]:
        entry["page_labels"] = labels
    missing = [k for k in extract.FIELDS if not fields.get(k)]
    remarks = list(page.remarks)
    remarks += [f"left out of the text as page furniture: \"{clip(line)}\"" for line in page.removed]
    entry["notes"] = _notes(kind, name, evidence, missing, remarks, chosen, captured,
                            page_url if page_url and page_url != fields.get("url") else None)
    spans = sentences.split(page.text, sentences.rules_for(entry["language"]))
    shared = wire_copy(source_id, page.text, fields.get("published"), existing, spans, entry["language"])

    _write(yaml_path, before, entry, [(text_file, text_bytes)] + ([(original_file, stored)] if original_file else []))
    known = _Known(existing, cache)
    known.spans[sentences.cache_key(text_sha, entry["language"])] = spans
    _verify(yaml_path, sources_dir, source_id, before, [text_file, original_file], relative_to, known)
    lines = [line for line in page.text.splitlines() if line.strip()]
    return Added(source_id, kind, entry, evidence, missing, remarks, chosen, shared, len(lines),
                 sum(len(line.split()) for line in lines), where_yaml)


# ---------------------------------------------------------------- reading the input

@contextlib.contextmanager
def _build_cache(sources_dir: str) -> Iterator[Cache | None]:
    """The build cache of the story's timeline.db, when a build made one: every stored article's sentences
    and words are there, so adding the thousandth source does not split the other 999 again. Nothing in
    it is dropped (a build prunes it); what is worked out here is added."""
    folder = folder_for(os.path.join(os.path.dirname(sources_dir), "timeline.db"))
    if not os.path.isdir(folder):
        yield None
        return
    cache = Cache(folder)
    try:
        yield cache
    finally:
        cache.close(save=True, prune=False)


def _existing(yaml_path: str, sources_dir: str, where: str, relative_to: str | None,
              cache: Cache | None = None) -> tuple[Sources, bytes | None]:
    """({id: Source}, bytes of sources.yaml or None when there is none yet); each article's sentences and
    words from the build cache where it has them."""
    if not os.path.exists(yaml_path):
        return {}, None
    try:
        with open(yaml_path, "rb") as f:
            before = f.read()
    except OSError as e:
        raise SourceRefused(f"cannot read {where}: {e.strerror}") from None
    # The originals are not read: what is compared is their recorded sha256 (the build checks the files).
    known, problems = load_sources(sources_dir, relative_to, cache=cache, originals=False)
    if known is None and problems and problems[0].code != "empty-file":
        raise SourceRefused(f"{problems[0]}: fix sources.yaml first (timeline check lists every problem)")
    for source in (known or {}).values():
        if source.text and source.words is None:
            key = sentences.cache_key(source.sha256, source.language)
            source.words = cache.words(key, source.sentences) if cache is not None else None
            if source.words is None:
                source.words = sentence_words(source.text, source.sentences, source.language)
                if cache is not None:
                    cache.put_part("words", key, source.words)
    return known or {}, before


def _read(path: str) -> tuple[bytes, str]:
    """(bytes, kind) of a file: 'warc', 'html' or 'text'; anything else is refused."""
    where = os.path.basename(path)
    try:
        if os.path.isdir(path):
            raise SourceRefused(f"{path} is a folder: give one saved page, WARC or text file")
        if os.path.exists(path) and not os.path.isfile(path):
            raise SourceRefused(f"{path} is not a regular file: give a saved page, a WARC, a text file or a URL")
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size > archive.MAX_BYTES:
                raise SourceRefused(f"{where} is {size / 2**20:.1f} MB; the limit is {archive.MAX_BYTES / 2**20:g} MB:"
                              " save only the article's page (for a WARC, one page without its media)")
            data = f.read(archive.MAX_BYTES + 1)
    except FileNotFoundError:
        raise SourceRefused(f"there is no file {path}: give a saved page (.html), a WARC, a text file or a URL") from None
    except OSError as e:
        raise SourceRefused(f"cannot read {path}: {e.strerror}") from None
    if archive.is_warc(data):
        return data, "warc"
    if pdf.is_pdf(data):
        return data, "pdf"
    if data.startswith(b"PK\x03\x04"):
        raise SourceRefused(f"{where} is a ZIP file (a WACZ from Webrecorder or browsertrix is one): unzip it and add"
                      " the WARC inside (archive/*.warc.gz)")
    if not data.strip():
        raise SourceRefused(f"{where} is empty: there is no article in it")
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SourceRefused(f"{where} is a binary file, not a web page or text: give a saved page (.html), a WARC or"
                      " a UTF-8 text file")
    if re.search(rb"(?i)<(?:!doctype\s+html|html|head|body)\b", head) or \
            re.match(rb"(?is)\s*(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:meta|title|article|div|p)\b", head):
        return data, "html"
    if len(data) > MAX_ARTICLE_BYTES:
        raise SourceRefused(f"{where} is {len(data) / 2**20:.0f} MB of text; one article is far smaller: split it")
    return data, "text"


def _from_warc(data: bytes, name: str, record: str | None
               ) -> tuple[extract.Page, archive.Response, str | None, list[str]]:
    """(Page, Response, how it was chosen, its page labels: a PDF's) of the article in a WARC: an HTML page or
    a PDF."""
    try:
        responses, n_records = archive.responses(data)
    except ArchiveError as e:
        raise SourceRefused(f"{name}: {e}") from None
    if not responses:
        raise SourceRefused(f"{name} holds no HTML page or PDF ({n_records} record{'s' if n_records != 1 else ''},"
                            " none a 200 response of type text/html or application/pdf): archive the article's page"
                            " itself")
    if record is not None:
        picked = [r for r in responses if extract.url_key(r.url) == extract.url_key(record)]
        if not picked:
            listed = ", ".join(r.url for r in responses[:5]) + (" ..." if len(responses) > 5 else "")
            raise SourceRefused(f"{name} has no HTML page or PDF for {record}; it has: {listed}")
        response = picked[0]
        return _chosen(_page(response, name), response, f"the response for {response.url} (chosen with --record)")
    if len(responses) == 1:
        return _chosen(_page(responses[0], name), responses[0], None)
    pages = [(_page(r, name), r) for r in responses[:MAX_CHOICES]]
    best = max(range(len(pages)), key=lambda i: (len(pages[i][0][0].text.split()), -i))
    (page, labels), response = pages[best]
    others = [r.url for i, (_, r) in enumerate(pages) if i != best]
    kinds = "HTML responses" if all(r.kind == "html" for r in responses) else "HTML and PDF responses"
    chosen = (f"the response for {response.url}, the one with the most article text"
              f" ({len(page.text.split())} words) of {len(responses)} {kinds} (others: "
              f"{', '.join(others[:3])}{' ...' if len(others) > 3 else ''}); pick another with --record URL")
    return page, response, chosen, labels


def _chosen(read: tuple[extract.Page, list[str]], response: archive.Response, chosen: str | None
            ) -> tuple[extract.Page, archive.Response, str | None, list[str]]:
    return read[0], response, chosen, read[1]


def _page(response: archive.Response, name: str) -> tuple[extract.Page, list[str]]:
    """(Page, page labels) of a WARC's response: a PDF's pages, or a web page's article."""
    if response.kind == "pdf":
        return _pdf_page(response.body, f"{name} ({response.url})")
    return extract.extract(extract.decode(response.body, response.charset), url=response.url or None), []


def _pdf_page(data: bytes, name: str) -> tuple[extract.Page, list[str]]:
    """(Page, page labels) of a PDF: its text page by page and what its pages say (pdf.read)."""
    document = pdf.read(data, name)
    page = extract.Page(document.text, dict(document.fields), dict(document.evidence), list(document.remarks))
    if document.removed:
        page.remarks.append("taken off every page as running headers and footers: "
                            + "; ".join(f'"{r}"' for r in document.removed) + " (digits as #)")
    labels = document.labels
    page.remarks.append(f"{len(labels)} page{'s' if len(labels) != 1 else ''}, the text page by page (a form feed"
                        " between pages)")
    return page, labels


def _extension(kind: str, data: bytes) -> str:
    if kind in ("html", "pdf"):
        return "." + kind
    return ".warc.gz" if data.startswith(b"\x1f\x8b") else ".warc"


def _stem(name: str, is_url: bool) -> str:
    if is_url:
        path = re.sub(r"(?i)^https?://[^/]+", "", name).split("?")[0].strip("/")
        return path.rsplit("/", 1)[-1] or re.sub(r"(?i)^https?://(?:www\.)?", "", name).split("/")[0]
    return re.sub(r"(\.warc)?(\.gz)?$|\.(html?|txt|xhtml|pdf)$", "", name, flags=re.IGNORECASE)


# ---------------------------------------------------------------- refusals, ids

def _refuse_same(existing: Sources, what: str, value: str, name: str) -> None:
    for sid, source in existing.items():
        if what == "original" and value in (source.original_sha256, source.sha256):
            stored = source.original if value == source.original_sha256 else source.path
            raise SourceRefused(f"{name} is already source '{sid}' ({stored} has the same bytes)")
        if what == "text" and value == source.sha256:
            raise SourceRefused(f"the article text of {name} is already source '{sid}' ({source.path} is the same text)")
        if what == "url" and source.url and extract.url_key(source.url) == extract.url_key(value):
            raise SourceRefused(f"{value} is already source '{sid}' (its url): to add a later version of the article,"
                          " give it its own --id and --url")


def _check_id(source_id: str, existing: Sources, sources_dir: str) -> None:
    if not SLUG.match(source_id):
        raise SourceRefused(f"--id '{source_id}' is not an id: ids are lowercase slugs of a-z, 0-9 and single '-',"
                      " e.g. coastal-ledger-bridge")
    used = {s.casefold(): s for s in existing}
    if source_id.casefold() in used:
        raise SourceRefused(f"the id '{source_id}' is already used by source '{used[source_id.casefold()]}' (line"
                      f" {existing[used[source_id.casefold()]].line} of sources.yaml): choose another --id")
    taken = [n for n in os.listdir(sources_dir) if n.split(".")[0].casefold() == source_id.casefold()]
    if taken:
        raise SourceRefused(f"sources/{taken[0]} already exists: choose another --id, or move that file away")


def propose_id(outlet: str | None, title: str | None, existing: Sources, sources_dir: str,
               fallback: str = "source") -> str:
    """A new, unused id from the outlet and the first content words of the title."""
    outlet_part = slug(re.sub(r"(?i)^the\s+", "", outlet or ""), 3)
    title_words = [w for w in slug(title or "").split("-") if w and w not in STOPWORDS]
    base = "-".join(p for p in (outlet_part, "-".join(title_words[:3])) if p) or slug(fallback, 6) or "source"
    base = base[:60].rstrip("-")
    taken = {s.casefold() for s in existing}
    stored = {n.split(".")[0] for n in os.listdir(sources_dir)}
    candidate, n = base, 2
    while candidate in taken or candidate in stored:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def wire_copy(source_id: str, text: str, published: str | None, existing: Sources,
              spans: list[Span] | None = None, tag: str = DEFAULT_LANGUAGE) -> list[tuple[str, int, str | None]]:
    """[(source id, shared sentences, its based_on)] of the existing sources this text shares sentences with,
    as the build's corroboration finds them (corroboration.sentence_pairs: sentences of at least
    SHARED_SENTENCE Jaccard similarity of their content words, one to one, at least MIN_SHARED of them,
    between sources published at most WINDOW_DAYS apart), comparing only the new text with each source."""
    try:
        published_date = dates.parse_published(published) if published else None
    except DateError:
        published_date = None
    new = Source(id=source_id, path="", sha256="", text=text, sentences=spans if spans is not None
                 else sentences.split(text, sentences.rules_for(tag)), published_date=published_date, language=tag)
    mine = [(sid, frozenset(words)) for sid, words in corroboration.source_sentences(new)]
    postings: dict[str, list[int]] = {}
    for i, (_, words) in enumerate(mine):
        for w in words:
            postings.setdefault(w, []).append(i)
    window = datetime.timedelta(days=corroboration.WINDOW_DAYS) if corroboration.WINDOW_DAYS is not None else None
    out = []
    for other_id, other in existing.items():
        if not other.text or base_language(other.language) != base_language(tag):
            continue  # (a text in another language shares no sentence: corroboration compares one language)
        if window is not None and published_date and other.published_date \
                and abs(other.published_date - published_date) > window:
            continue
        scored = []
        for s_id, sentence in corroboration.source_sentences(other):
            counts: dict[int, int] = {}
            for w in sentence:
                for i in postings.get(w, ()):
                    counts[i] = counts.get(i, 0) + 1
            n = len(sentence)
            for i, common in counts.items():
                score = common / (n + len(mine[i][1]) - common)
                if score >= corroboration.SHARED_SENTENCE:
                    scored.append((-score, mine[i][0], s_id))
        used_a: set[str] = set()
        used_b: set[str] = set()
        shared = 0
        for _, a, b in sorted(scored):
            if a not in used_a and b not in used_b:
                used_a.add(a)
                used_b.add(b)
                shared += 1
        if shared >= corroboration.MIN_SHARED:
            out.append((other_id, shared, other.based_on))
    return sorted(out, key=lambda row: (-row[1], row[0]))


# ---------------------------------------------------------------- writing

def _notes(kind: str, name: str, evidence: Mapping[str, str], missing: list[str], remarks: list[str],
           chosen: str | None, captured: str | None, archived_url: str | None) -> str:
    lines = [f"Added by timeline add-source from {KINDS[kind]} ({name})."]
    if chosen:
        lines.append(f"Article: {chosen}.")
    for key in OVERRIDES:
        if key in evidence:
            lines.append(f"{key}: {evidence[key]}.")
    if archived_url:
        lines.append(f"Archived from {archived_url} (the WARC-Target-URI).")
    if captured and kind in ("warc", "url"):
        lines.append(f"retrieved: the WARC-Date of the response record ({captured}).")
    elif captured:
        lines.append(f"retrieved: the saved date SingleFile wrote into the page ({captured}).")
    if missing:
        lines.append(f"Not found in the {'text' if kind == 'text' else 'page'}: {', '.join(missing)}.")
    lines += [f"Note: {r}." for r in remarks]
    return "\n".join(lines)


_PRINTABLE = re.compile("[^\t\n\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\x85]")
_PLAIN = re.compile(r"^[^-?:,\[\]{}#&*!|>'\"%@`\s](?:(?!: | #)[^\t\n])*(?<![\s:])\Z")


def _scalar(value: str | None) -> str:
    """A value as YAML the build reads back unchanged: plain when that is safe, else double-quoted."""
    if value is None:
        return "null"
    if _PLAIN.match(value) and value not in NULLS and not _PRINTABLE.search(value):
        return value
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif _PRINTABLE.match(ch):
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def entry_text(entry: Mapping[str, Any], indent: str = "") -> str:
    """The entry as the lines of a YAML block list item, in the file's indentation."""
    lines = [f"{indent}- id: {_scalar(entry['id'])}"]
    for key, value in entry.items():
        if key == "id":
            continue
        if isinstance(value, list):
            lines.append(f"{indent}  {key}: [{', '.join(_scalar(v) for v in value)}]")
        elif key == "notes" and value:
            lines.append(f"{indent}  notes: |-")
            lines += [f"{indent}    {_PRINTABLE.sub(' ', line).rstrip()}" for line in value.splitlines()]
        else:
            lines.append(f"{indent}  {key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def appended(before: bytes | None, entry: Mapping[str, Any]) -> bytes:
    """sources.yaml's text with the entry added at the end, in the style of the entries already there."""
    text = (before or b"").decode("utf-8-sig" if (before or b"").startswith(b"\xef\xbb\xbf") else "utf-8")
    empty = re.search(r"(?m)^\[\][ \t]*(?:#.*)?\n?", text)  # `[]`: the empty list a new story starts with
    if empty and not re.search(r"(?m)^[^#\s]", text[:empty.start()] + text[empty.end():]):
        text = text[:empty.start()] + text[empty.end():]
    first = re.search(r"(?m)^([ ]*)-[ ]+\S", text)
    if before is not None and re.search(r"(?m)^[^#\s]", text) and first is None:
        raise SourceRefused("sources.yaml is not written as a block list ('- id: ...' lines): add the entry by hand")
    indent = first[1] if first else ""
    items = [m.start() for m in re.finditer(rf"(?m)^{indent}-[ ]", text)]
    # A blank line before the new entry when the entries are spaced so (or there is only one to go by).
    spaced = len(items) < 2 or any(re.search(r"\n[ \t]*\n$", text[:i]) for i in items[1:])
    if text and not text.endswith("\n"):
        text += "\n"
    if text.strip() and spaced and not re.search(r"\n[ \t]*\n$", text):
        text += "\n"
    return (b"\xef\xbb\xbf" if (before or b"").startswith(b"\xef\xbb\xbf") else b"") + \
        (text + entry_text(entry, indent)).encode("utf-8")


def _write(yaml_path: str, before: bytes | None, entry: Mapping[str, Any],
           new_files: list[tuple[str, bytes]]) -> None:
    """The files, then sources.yaml atomically; on any failure what was written is removed."""
    new_yaml = appended(before, entry)
    written = []
    try:
        for path, data in new_files:
            _write_new(path, data)
            written.append(path)
        current = None
        if os.path.exists(yaml_path):
            with open(yaml_path, "rb") as f:
                current = f.read()
        if current != before:
            raise SourceRefused("sources.yaml changed while the source was being added: run the command again")
        files.write_atomically(yaml_path, new_yaml)
    except BaseException:
        for path in written:
            _remove(path)
        raise


def _write_new(path: str, data: bytes) -> None:
    """Write a file that must not exist yet (never replaces one), atomically."""
    try:
        files.write_atomically(path, data, replace=False)
    except FileExistsError:
        raise SourceRefused(f"{os.path.basename(path)} appeared in the sources folder meanwhile: run the command"
                            " again") from None


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


class _Known:
    """The build cache as _verify reads the sources again: the sentences already worked out here (every
    stored article's, the new one's), else the build cache's."""

    def __init__(self, sources: Sources, cache: Cache | None) -> None:
        self.spans: dict[str, Sequence[Span]] = {sentences.cache_key(s.sha256, s.language): s.sentences
                                                 for s in sources.values() if s.text}  # as the cache keys them
        self.cache = cache

    def sentences(self, sha256: str, text: str) -> Sequence[Span] | None:
        known = self.spans.get(sha256)
        if known is not None:
            return list(known)
        return self.cache.sentences(sha256, text) if self.cache is not None else None

    def signals(self, sha256: str, spans: Sequence[Span]) -> list[str] | None:
        return None

    def words(self, sha256: str, spans: Sequence[Span]) -> str | None:
        return None

    def put_part(self, kind: str, sha256: str, value: Any) -> None:
        if self.cache is not None:
            self.cache.put_part(kind, sha256, value)

    def keep(self, kind: str, key: str) -> None:
        return None

    def has_source_rows(self, sources: Sources) -> bool:
        return False

    def facts(self, key: str) -> list[Any] | None:
        return None

    def put_facts(self, key: str, pairs: list[tuple[Fact, int]], as_json: str | None = None) -> None:
        return None


def _verify(yaml_path: str, sources_dir: str, source_id: str, before: bytes | None, new_files: list[str | None],
            relative_to: str | None, cache: BuildCache | None = None) -> None:
    """Read sources.yaml back as the build does: the new source must be there, with no problem of its own."""
    known, problems = load_sources(sources_dir, relative_to, cache=cache, only=source_id)
    mine = [p for p in problems if known is None or source_id not in known or p.line >= known[source_id].line]
    if known is not None and source_id in known and not mine:
        return
    if before is None:
        _remove(yaml_path)
    else:
        files.write_atomically(yaml_path, before)
    for path in new_files:
        if path:
            _remove(path)
    reason = str(mine[0]) if mine else "the new entry could not be read back"
    raise SourceRefused(f"the new entry did not read back cleanly ({reason}); nothing was kept")
