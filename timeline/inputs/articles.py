"""The work that depends on each article alone, spread over worker processes when there is enough of it.

An article's sentences (timeline.text.sentences), their coverage signals (timeline.text.signals) and
the content words corroboration compares (timeline.text.words) depend on its text and nothing else:
each article is analysed on its own, in a pool of `jobs` worker processes, and the results come
back in the order the articles were given, so a build writes the same bytes with any number of
workers. What the build cache already knows is taken from it and not sent to a worker.

Workers (timeline.core.workers) cost about half a second to start, so a small amount of work stays in
this process (MIN_PARALLEL_CHARS).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from timeline.core import workers
from timeline.records import DEFAULT_LANGUAGE, Fact, Source, Sources, Span, Spans
from timeline.text import sentences, signals
from timeline.text.words import sentence_words

PARTS = ("sentences", "signals", "words")
# Below this many characters of articles to analyse, workers cost more to start than they save
# (measured: about 0.5 s to start two; a core analyses about 1 MB of news copy in 2 s).
MIN_PARALLEL_CHARS = 400_000
CHUNK_CHARS = 200_000  # articles are sent to a worker about this many characters at a time
# Comparing fewer sentences than this across articles takes less time than starting a worker for it.
MIN_BACKGROUND_SENTENCES = 20_000

Progress = Callable[[str, int, int], None]  # progress(phase, done, total), called as a long task goes
Analysed = dict[str, Any]  # {part: value}: the value's type is the part's (see analyse)
Task = tuple[str, tuple[str, ...], Sequence[Span] | None, str]  # (text, parts to compute, spans known, language)
_Todo = tuple[Source, tuple[str, ...], Sequence[Span] | None]  # (source, parts to compute, spans known)
_Sent = tuple[bytes, tuple[str, ...], Sequence[Span] | None, str]  # a Task as it goes to a worker (_sent)


class BuildCache(Protocol):
    """What the readers of the inputs use of the build cache, a timeline.database.cache.Cache (a later
    layer, so known here by its methods)."""

    # An article's entries are kept under sentences.cache_key(sha256, language): its hash and language.
    def sentences(self, sha256: str, text: str) -> Sequence[Span] | None: ...

    def signals(self, sha256: str, spans: Sequence[Span]) -> list[str] | None: ...

    def words(self, sha256: str, spans: Sequence[Span]) -> str | None: ...

    def put_part(self, kind: str, sha256: str, value: Any) -> None: ...

    def keep(self, kind: str, key: str) -> None: ...

    def has_source_rows(self, sources: Sources) -> bool: ...

    def facts(self, key: str) -> list[Any] | None: ...  # [[fact, line of its id]] as JSON gives them

    def put_facts(self, key: str, pairs: list[tuple[Fact, int]], as_json: str | None = None) -> None: ...


def analyse(text: str, parts: tuple[str, ...] = PARTS, spans: Sequence[Span] | None = None,
            language: str = DEFAULT_LANGUAGE) -> Analysed:
    """{part: value} for one article's text in `language` (its source's BCP 47 tag): "sentences" [(paragraph,
    start, end)] cut by the language's rules, "signals" (per sentence, as the sentences table stores them),
    "words" (timeline.text.words.sentence_words, packed: without the language's stopwords)."""
    if spans is None:
        spans = sentences.split(text, sentences.rules_for(language))
    out: Analysed = {"sentences": spans}
    if "signals" in parts:
        out["signals"] = [",".join(signals.signals(text[start:end], language)) for _, start, end in spans]
    if "words" in parts:
        out["words"] = sentence_words(text, spans, language)
    return out


def _analyse_all(tasks: list[_Sent]) -> list[Analysed]:
    """What a worker does with one chunk of (text, parts, spans, language) tasks, as _sent gives them."""
    return [analyse(text.decode("utf-8", "surrogatepass"), parts, spans, language)
            for text, parts, spans, language in tasks]


def _sent(task: Task) -> _Sent:
    """`task` with its text as UTF-8 bytes, to hand to a worker: pickling a str that is not all ASCII keeps a
    UTF-8 copy inside the str for as long as it lives (CPython's PyUnicode_AsUTF8AndSize), and the texts
    of the uniform shape at 100,000 facts kept 41 MB of such copies in this process for the whole build."""
    text, parts, spans, language = task
    return text.encode("utf-8", "surrogatepass"), parts, spans, language


def analyse_sources(sources: Sources, cache: BuildCache | None = None, jobs: int | None = 1,
                    parts: tuple[str, ...] = ("sentences",), progress: Progress | None = None) -> None:
    """Fill `sentences` (and `signals`, `words` when asked) of every source that has a text, from the
    cache where it knows them, else by analysing the article (in `jobs` processes when worth it).
    "words" is skipped when the cache holds the corroboration rows of exactly these sources."""
    analysis = Analysis(cache, jobs, parts, progress)
    for source in sources.values():
        analysis.add(source)
    analysis.finish(sources)


def _cached(cache: BuildCache, source: Source, parts: tuple[str, ...]) -> Analysed:
    out: Analysed = {}
    key = sentences.cache_key(source.sha256, source.language)
    spans = cache.sentences(key, source.text)
    if spans is None:
        return out
    out["sentences"] = spans
    if "signals" in parts:
        value: list[str] | str | None = cache.signals(key, spans)
        if value is not None:
            out["signals"] = value
    if "words" in parts:
        value = cache.words(key, spans)
        if value is not None:
            out["words"] = value
    return out


def _apply(source: Source, result: Analysed) -> None:
    if "sentences" in result:
        source.sentences = Spans(result["sentences"])
    if "signals" in result:
        source.signals = result["signals"]
    if "words" in result:
        source.words = result["words"]


def _run(tasks: list[Task], jobs: int | None, progress: Progress | None = None) -> list[Analysed]:
    """analyse(*task) for every task, in order: here, or in `jobs` worker processes when worth it."""
    size = sum(len(task[0]) for task in tasks)
    jobs = workers.default_jobs() if jobs is None else jobs
    out: list[Analysed] = []
    if jobs > 1 and len(tasks) > 1 and size >= MIN_PARALLEL_CHARS:
        stream = workers.Stream(_analyse_all, jobs)
        for chunk in workers.chunks(tasks, lambda task: len(task[0]), CHUNK_CHARS):
            stream.submit([_sent(task) for task in chunk])
        out = _collected(stream, progress)  # as far as the workers got: the rest is done here
    for n, task in enumerate(tasks[len(out):], start=len(out) + 1):
        out.append(analyse(*task))
        if progress and n % 100 == 0:
            progress("articles", n, len(tasks))
    return out


def _collected(stream: workers.Stream, progress: Progress | None) -> list[Analysed]:
    """The results of a workers.Stream of chunks of tasks, one list in the tasks' order."""
    report = (lambda done, total: progress("articles", done, total)) if progress else None
    return [result for chunk in stream.results(report) for result in chunk]


class Analysis:
    """analyse_sources, begun while the articles are still being read: add(source) as each one is read,
    then finish(sources). Once there is enough to analyse (MIN_PARALLEL_CHARS), chunks go to `jobs`
    worker processes as they fill, so the workers start while this process reads the rest."""

    def __init__(self, cache: BuildCache | None = None, jobs: int | None = 1, parts: tuple[str, ...] = ("sentences",),
                 progress: Progress | None = None) -> None:
        self.cache, self.progress = cache, progress
        self.jobs = workers.default_jobs() if jobs is None else jobs
        self.parts = tuple(p for p in PARTS if p in parts)
        self.todo: list[_Todo] = []
        self.size = 0  # characters of the articles in todo
        self.stream: workers.Stream | None = None  # once there is enough for workers
        self.sent = 0  # todo[:sent] went to the workers
        self.waiting = 0  # characters of todo[sent:]

    def add(self, source: Source) -> None:
        if not source.text:
            return
        # Words are looked up in the cache at the end (finish): none are needed when the cache holds
        # the corroboration rows of exactly these sources, which is known only once all are read.
        early = tuple(p for p in self.parts if p != "words")
        known = _cached(self.cache, source, early) if self.cache is not None else {}
        _apply(source, known)
        missing = tuple(p for p in self.parts if p not in known)
        if missing == ("words",):
            return  # settled in finish
        self.todo.append((source, missing, known.get("sentences")))
        self.size += len(source.text)
        self.waiting += len(source.text)
        if self.stream is None and self.jobs > 1 and self.size >= MIN_PARALLEL_CHARS:
            self.stream = workers.Stream(_analyse_all, self.jobs)
        if self.stream is not None and self.waiting >= CHUNK_CHARS:
            self._send()

    def _send(self) -> None:
        assert self.stream is not None  # called once the workers are started
        chunk = [_sent(_task(todo)) for todo in self.todo[self.sent:]]
        if chunk:
            self.stream.submit(chunk)
        self.sent, self.waiting = len(self.todo), 0

    def finish(self, sources: Sources) -> None:
        """Apply every result (waiting for the workers); then the words the cache or an analysis gives."""
        cache, parts = self.cache, self.parts
        results: list[Analysed] = []  # in order, as far as the workers got (the rest is done here)
        if self.stream is not None:
            self._send()
            results, self.stream = _collected(self.stream, self.progress), None
        self._take(self.todo[:len(results)], results)
        self._take(self.todo[len(results):], _run([_task(todo) for todo in self.todo[len(results):]], 1, self.progress))
        if "words" not in parts:
            return
        rows = cache is not None and cache.has_source_rows(sources)
        more: list[_Todo] = []
        for source in sources.values():
            if not source.text or source.words is not None:
                continue
            key = sentences.cache_key(source.sha256, source.language)
            if rows and cache is not None:  # (rows is True only with a cache)
                cache.keep("words", key)  # still good for the next change of sources
                continue
            value = cache.words(key, source.sentences) if cache is not None else None
            if value is not None:
                source.words = value
            else:
                more.append((source, ("words",), list(source.sentences)))
        self._take(more, _run([_task(todo) for todo in more], self.jobs, self.progress))

    def close(self) -> None:
        """Stop the workers (when the articles' reading stops part way)."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None

    def _take(self, todo: list[_Todo], results: list[Analysed]) -> None:
        strings: dict[str, str] = {}
        cache = self.cache
        for (source, missing, _), result in zip(todo, results):
            if "signals" in result:  # a handful of distinct values: one string object each
                result["signals"] = [strings.setdefault(v, v) for v in result["signals"]]
            result = {p: result[p] for p in missing}
            if cache is not None:
                key = sentences.cache_key(source.sha256, source.language)
                for part, value in result.items():
                    cache.put_part(part, key, value)
            _apply(source, result)


def _task(todo: _Todo) -> Task:
    """What analyse is asked of a source: (its text, the parts missing, its sentences if known, its language)."""
    source, missing, spans = todo
    return source.text, missing, spans, source.language


def drop_words(sources: Sources) -> None:
    """Forget every source's words (sent to a worker: less memory meanwhile; made again when asked for)."""
    for source in sources.values():
        source.words = None


def in_background(function: Callable[..., Any], make_args: Callable[[], tuple[Any, ...]], size: int,
                  jobs: int | None = None) -> workers.Background:
    """workers.Background(function, make_args) in a worker when `size` (sentences) is worth one, else
    done in this process when its result is asked for."""
    jobs = workers.default_jobs() if jobs is None else jobs
    return workers.Background(function, make_args, jobs if size >= MIN_BACKGROUND_SENTENCES else 1)
