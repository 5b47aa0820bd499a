"""The work that depends on each article alone, spread over worker processes when there is enough of it.

An article's sentences (timeline.sentences), their coverage signals (timeline.coverage) and the
content words corroboration compares (timeline.corroboration) depend on its text and nothing else:
each article is analysed on its own, in a pool of `jobs` worker processes, and the results come
back in the order the articles were given, so a build writes the same bytes with any number of
workers. What the build cache already knows is taken from it and not sent to a worker.

Workers (timeline.workers) cost about half a second to start, so a small amount of work stays in
this process (MIN_PARALLEL_CHARS).
"""
from . import sentences as sentences_module
from . import workers

PARTS = ("sentences", "signals", "words")
# Below this many characters of articles to analyse, workers cost more to start than they save
# (measured: about 0.5 s to start two; a core analyses about 1 MB of news copy in 2 s).
MIN_PARALLEL_CHARS = 400_000
CHUNK_CHARS = 200_000  # articles are sent to a worker about this many characters at a time
# Comparing fewer sentences than this across articles takes less time than starting a worker for it.
MIN_BACKGROUND_SENTENCES = 20_000


def analyse(text, parts=PARTS, spans=None):
    """{part: value} for one article's text: "sentences" [(paragraph, start, end)], "signals" (per
    sentence, as the sentences table stores them), "words" (corroboration.sentence_words, packed)."""
    from . import corroboration, coverage

    if spans is None:
        spans = sentences_module.split(text)
    out = {"sentences": spans}
    if "signals" in parts:
        out["signals"] = [",".join(coverage.signals(text[start:end])) for _, start, end in spans]
    if "words" in parts:
        out["words"] = corroboration.sentence_words(text, spans)
    return out


def _analyse_all(tasks):
    """What a worker does with one chunk of (text, parts, spans) tasks."""
    return [analyse(*task) for task in tasks]


def analyse_sources(sources, cache=None, jobs=1, parts=("sentences",), progress=None):
    """Fill `sentences` (and `signals`, `words` when asked) of every source that has a text, from the
    cache where it knows them, else by analysing the article (in `jobs` processes when worth it).
    "words" is skipped when the cache holds the corroboration rows of exactly these sources."""
    parts = tuple(p for p in PARTS if p in parts)
    if "words" in parts and cache is not None and cache.has_source_rows(sources):
        parts = tuple(p for p in parts if p != "words")
        for source in sources.values():
            if source.text:
                cache.keep("words", source.sha256)  # still good for the next change of sources
    todo = []  # (source, parts to compute, spans known)
    for source in sources.values():
        if not source.text:
            continue
        known = _cached(cache, source, parts) if cache is not None else {}
        missing = tuple(p for p in parts if p not in known)
        _apply(source, known)
        if missing:
            todo.append((source, missing, known.get("sentences")))
    results = _run([(s.text, missing, spans) for s, missing, spans in todo], jobs, progress)
    strings = {}
    for (source, missing, _), result in zip(todo, results):
        if "signals" in result:  # a handful of distinct values: one string object each
            result["signals"] = [strings.setdefault(v, v) for v in result["signals"]]
        result = {p: result[p] for p in missing}
        if cache is not None:
            for part, value in result.items():
                cache.put_part(part, source.sha256, value)
        _apply(source, result)


def _cached(cache, source, parts):
    out = {}
    spans = cache.sentences(source.sha256, source.text)
    if spans is None:
        return out
    out["sentences"] = spans
    if "signals" in parts:
        value = cache.signals(source.sha256, spans)
        if value is not None:
            out["signals"] = value
    if "words" in parts:
        value = cache.words(source.sha256, spans)
        if value is not None:
            out["words"] = value
    return out


def _apply(source, result):
    from .sources import Spans  # sources imports this module

    if "sentences" in result:
        source.sentences = Spans(result["sentences"])
    if "signals" in result:
        source.signals = result["signals"]
    if "words" in result:
        source.words = result["words"]


def _run(tasks, jobs, progress=None):
    """analyse(*task) for every task, in order: here, or in `jobs` worker processes when worth it."""
    size = sum(len(text) for text, _, _ in tasks)
    jobs = workers.default_jobs() if jobs is None else jobs
    out = []
    if jobs > 1 and len(tasks) > 1 and size >= MIN_PARALLEL_CHARS:
        chunks = workers.chunks(tasks, lambda task: len(task[0]), CHUNK_CHARS)
        report = (lambda done, total: progress("articles", done, total)) if progress else None
        try:
            for results in workers.map(_analyse_all, chunks, jobs, progress=report):
                out += results
        except workers.Failed:
            out = []  # what is left is done here
    for n, task in enumerate(tasks[len(out):], start=len(out) + 1):
        out.append(analyse(*task))
        if progress and n % 100 == 0:
            progress("articles", n, len(tasks))
    return out


def in_background(function, make_args, size, jobs=None):
    """workers.Background(function, make_args) in a worker when `size` (sentences) is worth one, else
    done in this process when its result is asked for."""
    jobs = workers.default_jobs() if jobs is None else jobs
    return workers.Background(function, make_args, jobs if size >= MIN_BACKGROUND_SENTENCES else 1)
