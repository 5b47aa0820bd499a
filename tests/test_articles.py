"""Work in worker processes (each article's analysis, the comparison of sentences across articles): the
same bytes as one process, in the same order."""
import concurrent.futures
import shutil

import pytest

from conftest import ROOT
from timeline import articles, build, workers


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
    return started


def built_bytes(folder, facts, sources, **options):
    db = folder / "timeline.db"
    folder.mkdir()
    build.build(str(db), str(facts), str(sources), **options)
    return db.read_bytes()


@pytest.mark.parametrize("inputs", ["synthetic", "real"])
def test_two_workers_write_the_same_bytes_as_one_process(inputs, corpus, tmp_path, pools):
    root = corpus if inputs == "synthetic" else ROOT
    facts_dir, sources_dir = root / "facts", root / "sources"
    one = built_bytes(tmp_path / "one", facts_dir, sources_dir, jobs=1)  # each with an empty cache
    assert pools == []
    two = built_bytes(tmp_path / "two", facts_dir, sources_dir, jobs=2)
    assert pools == [2], "the articles went to two workers"
    assert one == two
    assert built_bytes(tmp_path / "two-no-cache", facts_dir, sources_dir, jobs=2, use_cache=False) == one
    assert pools == [2, 2]


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
    assert pools == [2], "the second build analyses nothing the cache knows"


def test_results_come_back_in_the_order_given(pools):
    texts = [f"Article {n} begins here. It has {n} words said Sen. Lee on Monday.\nA second line." for n in range(9)]
    tasks = [(text, articles.PARTS, None) for text in texts]
    assert articles._run(tasks, jobs=2) == [articles.analyse(*task) for task in tasks]
    assert pools == [2]


def test_default_jobs_is_the_cpus_this_process_may_use():
    import os

    assert workers.default_jobs() == len(os.sched_getaffinity(0))


def test_the_comparison_of_sentences_runs_beside_the_facts_and_stops_with_a_failed_build(corpus, tmp_path, pools,
                                                                                       monkeypatch):
    import multiprocessing

    started = []
    real = workers.Background.__init__
    monkeypatch.setattr(workers.Background, "__init__",
                        lambda self, *a: started.append(a[2]) or real(self, *a))
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert started == [2], "in a worker"
    (work / "facts" / "facts-0002.yaml").write_text("- id: broken\n  kind: nonsense\n", encoding="utf-8")
    shutil.rmtree(work / ".timeline-cache")  # so that the comparison is not taken from it
    with pytest.raises(build.InputError):
        build.build(str(work / "timeline.db"), str(work / "facts"), str(work / "sources"), jobs=2)
    assert started == [2, 2]
    assert multiprocessing.active_children() == [], "no worker left running"
