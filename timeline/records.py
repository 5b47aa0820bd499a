"""The records that travel between the stages: a source, its sentences, a fact, a citation, an entity.

A checked fact is a plain dict (`Fact`): it is made by the thousand, kept in the build cache as
JSON and written to the facts table as it is, so a dict with declared keys serves better than a
class. A `Source` is a dataclass filled in stages: timeline.inputs.sources reads its entry and text,
timeline.inputs.articles adds what is worked out from the text alone (sentences, signals, words).

A sentence's id is written in one place only: `sentence_id(source_id, position)`, read back by
`sentence_position` and `split_sentence_id` (it is the `sentences.id` column: `wapo:12`).
"""
from __future__ import annotations

import array
import bisect
import collections.abc
import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, overload

# ---------------------------------------------------------------- sentences


def sentence_id(source_id: str, position: int) -> str:
    """The id of the `position`-th sentence (1-based) of a source: 'wapo:12'."""
    return f"{source_id}:{position}"


def sentence_position(sid: str) -> int:
    """The sentence's position in its source (1-based), from its id."""
    return int(sid.rsplit(":", 1)[1])


def split_sentence_id(sid: str) -> tuple[str, int]:
    """(source id, position) of a sentence id."""
    source_id, _, position = sid.rpartition(":")
    return source_id, int(position)


DEFAULT_LANGUAGE = "en"  # a source's language when sources.yaml gives none: every story before languages were read


def base_language(tag: str | None) -> str:
    """The language subtag of a BCP 47 tag, lower-cased, as segmentation and date grammars name languages:
    'es-SV' -> 'es', 'EN' -> 'en'; DEFAULT_LANGUAGE for None or ''."""
    return (tag or DEFAULT_LANGUAGE).split("-", 1)[0].lower()


Span = tuple[int, int, int]  # (paragraph, start, end) of a sentence: its paragraph (line) and offsets


class Spans(collections.abc.Sequence[Span]):
    """An article's sentences, [(paragraph, start, end)] as a list of tuples would hold them, kept in
    three arrays: a fifth of the memory (at 100k facts, 420,000 sentences: about 40 MB less in each
    process that holds them), and quicker to hand to a worker."""

    __slots__ = ("paragraphs", "starts", "ends")
    paragraphs: array.array[int]
    starts: array.array[int]
    ends: array.array[int]

    def __init__(self, spans: Iterable[Span] = ()):
        if isinstance(spans, Spans):
            self.paragraphs, self.starts, self.ends = spans.paragraphs, spans.starts, spans.ends
            return
        self.paragraphs, self.starts, self.ends = array.array("q"), array.array("q"), array.array("q")
        for paragraph, start, end in spans:
            self.paragraphs.append(paragraph)
            self.starts.append(start)
            self.ends.append(end)

    @classmethod
    def of_columns(cls, paragraphs: Iterable[int], starts: Iterable[int], ends: Iterable[int]) -> Spans:
        """Spans from their three columns (of the same length)."""
        out = cls.__new__(cls)
        out.paragraphs, out.starts = array.array("q", paragraphs), array.array("q", starts)
        out.ends = array.array("q", ends)
        return out

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Spans, list, tuple)):
            return len(self) == len(other) and all(a == tuple(b) for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Spans({list(self)!r})"

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, i: int) -> Span: ...

    @overload
    def __getitem__(self, i: slice) -> list[Span]: ...

    def __getitem__(self, i: int | slice) -> Span | list[Span]:
        if isinstance(i, slice):
            return [self[n] for n in range(*i.indices(len(self)))]
        return self.paragraphs[i], self.starts[i], self.ends[i]

    def __iter__(self) -> Iterator[Span]:
        return zip(self.paragraphs, self.starts, self.ends)


# ---------------------------------------------------------------- sources


@dataclass
class Source:
    """One article: its entry in sources.yaml, its text, and what is worked out from the text."""

    id: str
    path: str
    sha256: str
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    based_on: str | None = None
    notes: str | None = None
    original: str | None = None  # the page or web archive the text was extracted from, stored byte for byte
    original_sha256: str | None = None
    retrieved: str | None = None  # when the original was captured (a WARC's WARC-Date, the time of a fetch)
    court: str | None = None  # a court document's court, case, docket and document numbers, date filed
    case_name: str | None = None
    docket_number: str | None = None
    document_number: str | None = None
    date_filed: str | None = None
    page_labels: list[str] | None = None  # a PDF's printed page labels, as sources.yaml gives them (else 1, 2...)
    language: str = DEFAULT_LANGUAGE  # a BCP 47 tag ('es', 'es-SV'): its sentences, dates and numbers are read in it
    line: int = 0
    text: str = ""
    published_date: datetime.date | None = None  # in the article's own time zone
    sentences: Spans | list[Span] = field(default_factory=list)
    signals: list[str] | None = None  # per sentence, the coverage signals as stored (timeline.inputs.articles)
    words: str | None = None  # the content words corroboration compares, packed (timeline.text.words)
    pages: list[int] | None = None  # a PDF's pages: the offset where each starts in the text (timeline.inputs.pages)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with its text as UTF-8 bytes (handed to workers): pickling a str that is not all ASCII
        keeps a UTF-8 copy inside the str for as long as it lives, here in the process that sends it."""
        state = dict(self.__dict__)
        state["text"] = self.text.encode("utf-8", "surrogatepass")
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["text"] = state["text"].decode("utf-8", "surrogatepass")
        self.__dict__.update(state)

    def sentence_at(self, offset: int) -> int:
        """1-based position of the sentence holding (or next after) `offset`."""
        known = self.__dict__.get("_starts")
        if known is None or known[0] is not self.sentences or len(known[1]) != len(self.sentences):
            if isinstance(self.sentences, Spans):
                starts, ends = self.sentences.starts, self.sentences.ends
            else:
                starts = array.array("q", [s[1] for s in self.sentences])
                ends = array.array("q", [s[2] for s in self.sentences])
            known = self.__dict__["_starts"] = (self.sentences, starts, ends)
        i = bisect.bisect_right(known[1], offset) - 1
        if i < 0:
            return 1
        if offset >= known[2][i] and i + 1 < len(known[1]):
            return i + 2
        return i + 1

    def sentence_text(self, position: int) -> str:
        """The text of the `position`-th sentence (1-based)."""
        _, start, end = self.sentences[position - 1]
        return self.text[start:end]


Sources = dict[str, Source]  # {source id: Source}, as timeline.inputs.sources reads them


# ---------------------------------------------------------------- facts


class Citation(TypedDict):
    """A quote of a fact, placed in its article: `quote == article[start:end]`."""

    source_id: str
    sentence_id: str  # the sentence the quote starts in (sentence_id())
    quote: str  # the article's own characters, however the curator typed them
    start: int
    end: int
    line: int  # of the citation in its facts file
    translation: str | None  # the quote in other words, the curator's own (never checked against the source)
    translated_by: str | None  # who or what translated it: a person, or a tool


EntityRef = tuple[str, str]  # (entity id, role) of a fact


class Fact(TypedDict, total=False):
    """A checked fact: one row of the facts table (and more: its citations and entities).

    Every key but `when_source`, `date_conflicts_found` and `warnings` is always present (FACT_FIELDS)."""

    id: str
    kind: str  # timeline.inputs.facts.KINDS
    title: str
    value: int | float | None
    value_qualifier: str | None
    unit: str | None
    value_per: str | None
    attributed_to: str | None  # an entity id
    topic: str | None
    notes: str | None
    file: str  # the facts file, relative to the story's folder
    line: int
    citations: list[Citation]
    entities: list[EntityRef]
    date_start: str | None  # ISO 8601 day; the period runs from date_start to date_end, both included
    date_end: str | None
    date_precision: str | None  # timeline.text.dates.PRECISIONS
    date_qualifier: str | None  # timeline.text.dates.QUALIFIERS: approximate, before, after; None: within the period
    date_edtf: str | None  # the date in EDTF ('2025-03', '2025-33', '1990~', '../2018', '2025-03-26T19:50:00-04:00')
    date_text: str | None  # the phrase of `when:`
    date_basis: str | None  # how the date was worked out
    date_label: str | None
    when_source: str  # the source `when:` was read against
    date_conflicts_found: Sequence[dict[str, Any]]  # worked out with the file's checks; never cached
    warnings: list[list[Any]]  # [line, code, message]: what check warns about (a guessed date...); not a column


FACT_FIELDS = frozenset(("id", "kind", "title", "value", "value_qualifier", "unit", "value_per", "attributed_to",
                         "topic", "notes", "file", "line", "citations", "entities", "date_start", "date_end",
                         "date_precision", "date_qualifier", "date_edtf", "date_text", "date_basis",
                         "date_label"))  # in every checked fact


class Entity(TypedDict):
    """A person, organisation, place... of entities.yaml (keyed by its id)."""

    name: str | None
    type: str | None
    description: str | None
    id: str | None
    aliases: list[str]  # the other names the articles give it
    file: str
    line: int


Row = dict[str, Any]  # one row of a table, {column: value}
