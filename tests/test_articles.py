"""Work in worker processes (each article's analysis, the comparison of sentences across articles, the
facts files' checks, the sources' tables): the same bytes as one process, in the same order."""
import concurrent.futures
import os
import shutil
import time

import pytest
from conftest import ROOT

from timeline.core import workers
from timeline.database import build
from timeline.errors import InputError
from timeline.inputs import articles, facts, story
from timeline.records import Source, Spans


@pytest.fixture
def pools(monkeypatch):
    """Every article its own chunk and no size too small for workers; records the pools started."""
    started = []
    real = concurrent.futures.ProcessPoolExecutor

    class Recorded(real):
        def __init__(self, workers, **options):
            started.append(workers)
            super().__init__(workers, **options)

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Recorded)
    monkeypatch.setattr(articles, "MIN_PARALLEL_CHARS", 0)
    monkeypatch.setattr(articles, "CHUNK_CHARS", 1)
    monkeypatch.setattr(articles, "MIN_BACKGROUND_SENTENCES", 0)
    monkeypatch.setattr(facts, "MIN_PARALLEL_BYTES", 0)
    return started


def built_bytes(folder, facts, sources, **options):
    db = folder / "timeline.db"
    folder.mkdir()
    build.build(str(db), str(facts), str(sources), **options)
    return db.read_bytes()


def forget_facts(folder):
    """Keep what the cache knows of the articles, forget the checked facts and the database."""
    import sqlite3

    conn = sqlite3.connect(folder / ".timeline-cache" / "cache.db")
    conn.execute("DELETE FROM entries WHERE kind IN ('facts', 'manifest')")
    conn.commit()
    conn.close()
    (folder / "timeline.db").unlink()


@pytest.mark.parametrize("inputs", ["synthetic", "real"])
def test_two_workers_write_the_same_bytes_as_one_process(inputs, corpus, tmp_path, pools):
    root = corpus if inputs == "synthetic" else ROOT
    facts_dir, sources_dir = root / "facts", root / "sources"
    one = built_bytes(tmp_path / "one", facts_dir, sources_dir, jobs=1)  # each with an empty cache
    assert pools == []
    two = built_bytes(tmp_path / "two", facts_dir, sources_dir, jobs=2)
    # the articles went to two workers (and the comparison of sentences to a third); a helper starts
    # once that comparison is done, if the facts are not all checked by then
    assert pools in ([2], [2, 1])
    assert one == two
    del pools[:]
    forget_facts(tmp_path / "two")
    build.build(str(tmp_path / "two" / "timeline.db"), str(facts_dir), str(sources_dir), jobs=2)
    assert pools == [1], "the articles known: a helper wrote the sources' tables and checked facts files"
    assert (tmp_path / "two" / "timeline.db").read_bytes() == one
    del pools[:]
    assert built_bytes(tmp_path / "two-no-cache", facts_dir, sources_dir, jobs=2, use_cache=False) == one
    assert pools in ([2], [2, 1])


def test_a_small_archive_is_read_in_this_process(corpus, tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", lambda *a, **k: started.append(a) or 1 / 0)
    built_bytes(tmp_path / "small", corpus / "facts", corpus / "sources", jobs=2)  # 10 articles, 60 kB
    assert started == []


def test_workers_start_only_for_what_the_cache_does_not_know(corpus, tmp_path, pools):
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    (work / "timeline.db").unlink()
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert pools == [2, 1], "the second build analyses nothing the cache knows (one helper writes the sources' tables)"


def test_results_come_back_in_the_order_given(pools):
    texts = [f"Article {n} begins here. It has {n} words said Sen. Lee on Monday.\nA second line." for n in range(9)]
    tasks = [(text, articles.PARTS, None, "es" if n % 2 else "en") for n, text in enumerate(texts)]
    assert articles._run(tasks, jobs=2) == [articles.analyse(*task) for task in tasks]
    assert pools == [2]


def test_default_jobs_is_the_cpus_this_process_may_use():
    import os

    assert workers.default_jobs() == len(os.sched_getaffinity(0))


def test_the_comparison_of_sentences_and_the_helpers_run_beside_the_facts_and_stop_with_a_failed_build(
        corpus, tmp_path, pools, monkeypatch):
    import multiprocessing

    started = []
    real = workers.Background.__init__
    monkeypatch.setattr(workers.Background, "__init__",
                        lambda self, *a: started.append((a[0].__name__, a[2])) or real(self, *a))
    real_helpers = workers.Helpers.__init__

    def helpers(self, jobs, value=None, first=None, after=None, then=None, made=None):
        started.append(("helpers", jobs, "at once" if after is None else "once the comparison is done"))
        real_helpers(self, jobs, value, first, after, then, made)

    monkeypatch.setattr(workers.Helpers, "__init__", helpers)
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert started == [("sentence_pairs", 2), ("helpers", 1, "once the comparison is done")], \
        "the comparison in a worker; a helper only once it is done (two processes at work until then)"
    forget_facts(work)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert started[2:] == [("helpers", 1, "at once")], "the articles known: a helper beside this process"
    (work / "facts" / "facts-0002.yaml").write_text("- id: broken\n  kind: nonsense\n", encoding="utf-8")
    with pytest.raises(InputError):
        build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert started[3:] == [("helpers", 1, "at once")]
    shutil.rmtree(work / ".timeline-cache")  # so that the comparison is not taken from it
    with pytest.raises(InputError):
        build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert started[4:] == [("sentence_pairs", 2), ("helpers", 1, "once the comparison is done")]
    assert multiprocessing.active_children() == [], "no worker left running"
    assert sorted(p.name for p in work.iterdir() if p.name.startswith("timeline.db")) == \
        ["timeline.db", "timeline.db.lock"], "no half-written database left"


def test_facts_files_checked_in_a_worker_give_the_same_facts_and_problems(corpus, tmp_path, pools):
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    names = sorted(p.name for p in (work / "facts").glob("facts-*.yaml"))
    first, last = work / "facts" / names[0], work / "facts" / names[-1]
    text = first.read_text(encoding="utf-8")
    first.write_text(text.replace("    quote: ", "    quote: Not in any article at all ", 1), encoding="utf-8")
    fid = text.split("- id: ", 2)[1].split("\n", 1)[0]  # the first fact's id, used again in the last file
    last.write_text(last.read_text(encoding="utf-8") + f"- id: {fid}\n  kind: event\n  title: Again\n"
                    "  sources:\n  - source: nowhere\n    quote: three words here\n", encoding="utf-8")
    here = story.check(str(work / "facts"), str(work / "sources"), jobs=1)
    assert pools == []
    shared = story.check(str(work / "facts"), str(work / "sources"), jobs=2)  # as `timeline check` does
    assert pools == [2, 1]
    assert [str(p) for p in shared.problems] == [str(p) for p in here.problems]
    codes = sorted(p.code for p in here.problems)
    assert codes == ["quote-not-found", "unknown-source"], codes
    assert shared.facts == here.facts and len(here.facts) == 199


def _twice(task):
    if task == "die" and os.environ.get("TIMELINE_TEST_PARENT") != str(os.getpid()):
        os._exit(1)  # a worker killed part way (out of memory, say)
    return task * 2


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_shared_work_comes_back_in_order_and_a_dead_worker_s_tasks_are_done_here(jobs, monkeypatch):
    monkeypatch.setenv("TIMELINE_TEST_PARENT", str(os.getpid()))
    done_here = []
    tasks = [str(n) for n in range(30)]

    def here(task):
        done_here.append(task)
        return _twice(task)

    helpers = workers.Helpers(jobs - 1, None) if jobs > 1 else None
    try:
        assert workers.share(_twice, tasks, here, helpers and helpers.pool) == [t * 2 for t in tasks]
        if jobs == 1:
            assert done_here == tasks, "one job: all of it here"
        else:
            assert 0 < len(done_here) < len(tasks), "shared"
        done_here.clear()
        tasks = ["a", "die", "b", "c", "d"] + [str(n) for n in range(20)]
        assert workers.share(_twice, tasks, here, helpers and helpers.pool) == [t * 2 for t in tasks]
        assert "die" in done_here or jobs == 1
    finally:
        if helpers:
            helpers.close()


def test_shared_work_s_results_from_workers_go_through_received_here_once_each_as_they_come():
    tasks = [str(n) for n in range(30)]
    seen = []

    def received(task, result):
        seen.append((task, result))
        return "got " + result

    helpers = workers.Helpers(1, None)
    try:
        out = workers.share(_twice, tasks, _twice, helpers.pool, received)
    finally:
        helpers.close()
    assert sorted(task for task, _ in seen) == sorted(t for t, r in zip(tasks, out) if r.startswith("got "))
    assert all(result == task * 2 for task, result in seen)
    assert 0 < len(seen) < len(tasks), "the workers' results alone, not those worked out here"
    assert [r.removeprefix("got ") for r in out] == [t * 2 for t in tasks]


def test_helpers_let_go_once_every_task_is_given_finish_what_they_were_given_and_exit():
    import multiprocessing

    tasks = [str(n) for n in range(40)]
    helpers = workers.Helpers(1, None)
    processes = list(helpers.pool._processes.values())
    let_go = []

    def given_all():
        let_go.append(helpers.pool is not None)
        helpers.release(cancel=False)

    def here(task):
        time.sleep(0.01)
        return _twice(task)

    try:
        out = workers.share(_twice, tasks, here, lambda: helpers.pool, given_all=given_all)
        assert out == [t * 2 for t in tasks], "what the helper was given came back, none cancelled"
        assert let_go == [True], "called once, while the helper still ran"
        for process in processes:
            process.join(10)
        assert not any(p.is_alive() for p in processes), "it exits without being closed"
    finally:
        helpers.close()
    assert multiprocessing.active_children() == []


def test_a_source_handed_to_a_worker_keeps_its_text_and_leaves_no_utf8_copy_behind():
    import pickle
    import sys

    text = "Caf\u00e9 \u201cquoted\u201d \u2014 and more words " * 200
    source = Source("a1", "sources/a1.txt", "0" * 64, text=text, sentences=Spans([(1, 0, 10)]))
    before = sys.getsizeof(source.text)
    back = pickle.loads(pickle.dumps(source, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == source and back.text == text and back.sentence_at(5) == 1
    assert sys.getsizeof(source.text) == before, "pickling a str that is not ASCII would keep its UTF-8 in it"
    task = articles._sent((text, ("sentences",), None, "en"))
    assert isinstance(task[0], bytes) and articles._analyse_all([task]) == [articles.analyse(text, ("sentences",))]
    assert sys.getsizeof(text) == before


def test_a_helper_killed_part_way_leaves_its_work_to_this_process_and_the_same_bytes(corpus, tmp_path, pools,
                                                                                     monkeypatch):
    import multiprocessing

    one = built_bytes(tmp_path / "one", corpus / "facts", corpus / "sources", jobs=1)
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    forget_facts(work)
    killed = []
    real = workers.Helpers._start

    def start_then_kill(self, *args):
        real(self, *args)  # the helper starts on its first task (the sources' tables)
        for process in list(self.pool._processes.values()):
            process.kill()
            killed.append(process.pid)

    monkeypatch.setattr(workers.Helpers, "_start", start_then_kill)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert killed, "a helper was running"
    assert (work / "timeline.db").read_bytes() == one
    assert multiprocessing.active_children() == []
    assert sorted(p.name for p in work.iterdir() if p.name.startswith("timeline.db")) == \
        ["timeline.db", "timeline.db.lock"]


def test_the_facts_rows_written_while_the_helpers_check_are_copied_over_to_the_same_bytes(corpus, tmp_path, pools,
                                                                                        monkeypatch):
    from timeline.database import write

    one = built_bytes(tmp_path / "one", corpus / "facts", corpus / "sources", jobs=1)
    staged, ready = [], []
    real_add, real_ready = write.Staged.add, write.Staged.ready
    monkeypatch.setattr(write.Staged, "add", lambda self, file, found: staged.append((file, len(found)))
                        or real_add(self, file, found))
    monkeypatch.setattr(write.Staged, "ready", lambda self, inputs: ready.append(real_ready(self, inputs)) or ready[-1])
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    forget_facts(work)
    del staged[:], ready[:]
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert sorted(staged) == [(f"facts/facts-000{n}.yaml", 50) for n in range(1, 5)], "each file's facts, once"
    assert ready == [True], "the rows of every fact were staged, and copied"
    assert (work / "timeline.db").read_bytes() == one
    del staged[:], ready[:]
    (work / "timeline.db").unlink()  # every facts file known to the cache: their facts staged as they are taken
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert sorted(staged) == [(f"facts/facts-000{n}.yaml", 50) for n in range(1, 5)] and ready == [True]
    assert (work / "timeline.db").read_bytes() == one
    assert sorted(p.name for p in work.iterdir() if p.name.startswith("timeline.db")) == \
        ["timeline.db", "timeline.db.lock"], "the staged rows' file is removed"


@pytest.mark.parametrize("broken", ["a file left out", "the staged file cannot be made", "a value SQLite refuses"])
def test_facts_rows_not_all_staged_are_written_as_before(broken, corpus, tmp_path, pools, monkeypatch):
    from timeline.database import write

    one = built_bytes(tmp_path / "one", corpus / "facts", corpus / "sources", jobs=1)
    real_add, real_init = write.Staged.add, write.Staged.__init__
    if broken == "a file left out":
        monkeypatch.setattr(write.Staged, "add", lambda self, file, found: None if file.endswith("2.yaml")
                            else real_add(self, file, found))
    elif broken == "the staged file cannot be made":
        monkeypatch.setattr(write.Staged, "__init__", lambda self, path, sources: real_init(
            self, str(tmp_path / "no such folder" / "rows"), sources))
    else:
        def overflowing(self, file, found):
            found = [dict(f, value=10 ** 30) if f is found[0] and file.endswith("3.yaml") else f for f in found]
            real_add(self, file, found)

        monkeypatch.setattr(write.Staged, "add", overflowing)
    ready = []
    real_ready = write.Staged.ready
    monkeypatch.setattr(write.Staged, "ready", lambda self, inputs: ready.append(real_ready(self, inputs)) or ready[-1])
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    forget_facts(work)
    del ready[:]
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert ready == [False]
    assert (work / "timeline.db").read_bytes() == one, "every row written here instead"
    assert sorted(p.name for p in work.iterdir() if p.name.startswith("timeline.db")) == \
        ["timeline.db", "timeline.db.lock"]


def _slow_value(seconds):
    import time

    time.sleep(seconds)
    return "compared"


def _pid(_):
    return os.getpid()


def test_helpers_that_wait_for_a_background_worker_start_once_it_is_done_and_stopped():
    import multiprocessing

    background = workers.Background(_slow_value, lambda: (1.0,), jobs=2)
    compared_in = list(background.pool._pool)  # the comparison's worker process
    helpers = workers.Helpers(1, None, first=(_pid, None), after=background.done_elsewhere)
    try:
        assert helpers.pool is None, "not while the other worker works"
        tasks, done_here = list(range(100)), []

        def here(task):
            time.sleep(0.05)
            done_here.append(task)
            return task * 2

        assert workers.share(_twice, tasks, here, lambda: helpers.pool) == [t * 2 for t in tasks]
        assert helpers.pool is not None, "started part way through"
        assert 0 < len(done_here) < len(tasks) and done_here[0] == 99, "this process from the back, the helper the rest"
        assert helpers.first.result() != os.getpid()
        assert not any(p.is_alive() for p in compared_in), "the other worker was stopped first"
        assert background.result() == "compared", "its result kept"
    finally:
        background.close()
        helpers.close()
    assert multiprocessing.active_children() == []


def test_helpers_let_go_before_they_start_never_start():
    background = workers.Background(_slow_value, lambda: (0.5,), jobs=2)
    helpers = workers.Helpers(1, None, first=(_pid, None), after=background.done_elsewhere)
    assert helpers.take_first(), "not begun: this process does it"
    helpers.release()
    background.result()
    helpers.close()
    assert helpers.pool is None and helpers.first is None
    closed = workers.Background(_slow_value, lambda: (5,), jobs=2)
    waiting = workers.Helpers(1, None, after=closed.done_elsewhere)
    closed.close()  # a failed build: the helpers' wait ends too
    waiting.close()
    assert waiting.pool is None


def test_threads_take_short_turns_while_work_is_shared_and_as_they_were_after():
    """A worker's result is read from its pipe by another thread of this process, which needs Python's
    lock between reads: while this process works too, the turns are short (5 ms turns left a worker
    waiting to send a file's facts for about a sixth of a build's check); afterwards, as they were."""
    import sys

    before = sys.getswitchinterval()
    during = []

    def here(task):
        during.append(sys.getswitchinterval())
        if task == "9":
            raise ValueError("a task that fails here")
        return _twice(task)

    helpers = workers.Helpers(1, None)
    try:
        assert workers.share(_twice, [str(n) for n in range(9)], here, helpers.pool) == [str(n) * 2 for n in range(9)]
        assert during and max(during) <= 0.0005 < before
        assert sys.getswitchinterval() == before
        with pytest.raises(ValueError):
            workers.share(_twice, [str(n) for n in range(10)], here, helpers.pool)
        assert sys.getswitchinterval() == before, "restored when the work fails"
    finally:
        helpers.close()


def test_workers_hold_fewer_tasks_ahead_near_the_end_of_shared_work():
    """Two each and one more while many are left; near the end one each and their share of what is left,
    so that this process, once it takes the last task, does not wait for tasks queued and not begun."""
    assert [workers.given_ahead(1, left) for left in (100, 4, 3, 2, 1, 0)] == [3, 3, 2, 2, 1, 1]
    assert [workers.given_ahead(3, left) for left in (100, 8, 4, 1, 0)] == [7, 7, 6, 3, 3]


def test_a_helper_works_out_the_similarities_of_the_sources_to_link_once_the_comparison_is_done(tmp_path):
    """In a build from nothing, a helper starts once corroboration's comparison is done, and is given the
    similarities of the pairs of sources to link (build._compare_beside), which this process takes
    (build._similar) instead of working them out after the facts' check."""
    import functools

    from conftest import gen_corpus

    from timeline.across import corroboration
    from timeline.inputs.sources import handed, load_sources

    gen_corpus.generate(str(tmp_path), 300, n_articles=30, facts_per_file=100, days=20, wire=0.3)
    sources, _ = load_sources(str(tmp_path / "sources"))
    pending = workers.Background(corroboration.sentence_pairs, lambda: (corroboration.compared(sources),), 2)
    similar = []
    held = workers.Helpers(1, (handed(sources), None), after=pending.done_elsewhere,
                           then=functools.partial(build._compare_beside, sources, pending, similar))
    try:
        held._thread.join()  # started, once the comparison was done
        pairs = pending.result()
        keys = corroboration.link_keys(pairs, corroboration.declared_reasons(sources))
        assert len(keys) > 20 and [k for k, _ in similar] == [keys]
        assert build._similar(similar, keys) == corroboration.similarities(sources, keys)
        assert build._similar(similar, keys[1:]) is None, "other keys: worked out here"
        assert corroboration.links(sources, pairs, functools.partial(build._similar, similar)) == \
            corroboration.links(sources, pairs)
    finally:
        held.close()
        pending.close()


def test_similarities_the_helpers_were_let_go_before_working_out_are_worked_out_here():
    import concurrent.futures

    future = concurrent.futures.Future()
    future.cancel()
    assert build._similar([([("a", "b")], future)], [("a", "b")]) is None


def _made(value):
    return value, f"digest of {value}"


def test_helpers_that_make_their_value_take_tasks_only_when_it_is_the_one_this_process_made():
    """Helpers(made=...) start at once and make their value themselves; hand() gives this process's
    digest. With the same digest they work as handed helpers do; with another, held() refuses in the
    worker and every task given to it is worked out here (workers._taken)."""
    import multiprocessing

    for digest, by_helper in (("digest of x", True), ("digest of y", False)):
        helpers = workers.Helpers(1, made=(_made, ("x",)))
        try:
            assert helpers.pool is not None and len(helpers.pool._processes) == 1, "started before hand()"
            helpers.hand(digest, first=(_held_value, None))
            if by_helper:
                assert helpers.first.result() == "x"
            else:
                with pytest.raises(workers.HeldDiffers):
                    helpers.first.result()
            done_here = []

            def here(task):
                done_here.append(task)
                time.sleep(0.01)
                return _held_twice(task, "x")

            tasks = [str(n) for n in range(30)]
            assert workers.share(_held_twice, tasks, here, helpers.pool) == [t * 2 + "x" for t in tasks]
            assert (len(done_here) < len(tasks)) is by_helper
        finally:
            helpers.close()
    assert multiprocessing.active_children() == []


def _held_value(_):
    return workers.held()


def _held_twice(task, value=None):
    return task * 2 + (value if value is not None else workers.held())


def _slow_made(seconds):
    time.sleep(seconds)
    return "late", "digest"


def test_helpers_making_their_value_and_never_handed_are_stopped_at_once():
    import multiprocessing

    helpers = workers.Helpers(1, made=(_slow_made, (30,)))
    began = time.monotonic()
    helpers.close()
    assert time.monotonic() - began < 10, "not waited for"
    assert multiprocessing.active_children() == []


def test_with_the_articles_known_a_helper_reads_them_itself_beside_this_process(corpus, tmp_path, pools,
                                                                                 monkeypatch):
    """build._early_helpers: the cache knows the articles, so a helper starts before this process reads
    them and reads them itself; it writes the sources' tables and checks facts files: the same bytes.
    When what it read is not what this process read (here: the digest this process hands it is another),
    it takes nothing, and this process does all: the same bytes again."""
    import multiprocessing

    one = built_bytes(tmp_path / "one", corpus / "facts", corpus / "sources", jobs=1)
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    db = str(work / "timeline.db")
    build.build(db, str(work / "facts"), str(work / "sources"), jobs=2)
    monkeypatch.setattr(build, "EARLY_HELPERS_BYTES", 0)
    seen = {"started": [], "helper wrote the tables": [], "failed tasks": 0}
    real_started, real_taken, real_early = build._started, workers._taken, build._early_helpers

    def early(*args):
        held = real_early(*args)
        seen["started"].append(held is not None and held.pool is not None)
        return held

    def taken(future, *args):
        seen["failed tasks"] += future.exception() is not None
        return real_taken(future, *args)

    monkeypatch.setattr(build, "_early_helpers", early)
    monkeypatch.setattr(build, "_started", lambda *a: seen["helper wrote the tables"].append(real_started(*a)) or
                        seen["helper wrote the tables"][-1])
    monkeypatch.setattr(workers, "_taken", taken)
    for digest in (build.digest, lambda *a: "another"):
        monkeypatch.setattr(build, "digest", digest)
        forget_facts(work)
        del pools[:]
        build.build(db, str(work / "facts"), str(work / "sources"), jobs=2)
        assert (work / "timeline.db").read_bytes() == one
        assert pools == [1] and multiprocessing.active_children() == []
    assert seen["started"] == [True, True]
    assert seen["helper wrote the tables"] == [True, False]
    assert seen["failed tasks"] > 0, "the second helper's tasks were refused, and done here"


def test_no_early_helper_starts_for_articles_the_cache_does_not_know(corpus, tmp_path, pools, monkeypatch):
    monkeypatch.setattr(build, "EARLY_HELPERS_BYTES", 0)
    made = []
    real = workers.Helpers.__init__
    monkeypatch.setattr(workers.Helpers, "__init__", lambda self, *a, **k: made.append(k.get("made") is not None)
                        or real(self, *a, **k))
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert made == [False], "from nothing: the helper is handed the sources once they are read"
    (work / "timeline.db").unlink()
    (work / "facts" / "facts-0002.yaml").write_text("- id: broken\n  kind: nonsense\n", encoding="utf-8")
    with pytest.raises(InputError):
        build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert made == [False, True], "the articles known: one reads them itself, and is stopped with the build"
