"""A smoke test of scripts/load_test.py's parts (the load test itself is a script: too slow for pytest)."""
import importlib.util
import urllib.parse

from conftest import ROOT
from test_public import public  # noqa: F401 - the `timeline serve --public` fixture

spec = importlib.util.spec_from_file_location("load_test", ROOT / "scripts" / "load_test.py")
load_test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load_test)


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert [load_test.percentile(values, p) for p in (50, 95, 99, 100)] == [50, 95, 99, 100]
    assert load_test.percentile([], 50) == 0.0
    assert load_test.percentile([7], 99) == 7


def test_summary_counts_errors_and_server_errors_apart():
    results = [("home", 0.010, 200, "/"), ("home", 0.030, 500, "/"), ("search", 0.020, 404, "/x"),
               ("search", 0.040, 0, "/y")]
    summary = load_test.summarize(results, seconds=2)
    assert summary["home"] == {"requests": 2, "rps": 1.0, "p50_ms": 10.0, "p95_ms": 30.0, "p99_ms": 30.0,
                               "max_ms": 30.0, "errors": 0, "5xx": 1}
    assert (summary["search"]["errors"], summary["all"]["errors"], summary["all"]["5xx"]) == (2, 2, 1)
    assert load_test.table(summary).splitlines()[0].split()[:3] == ["page", "requests", "req/s"]


def test_a_one_second_run_of_the_real_mix_has_no_errors(public):  # noqa: F811
    base, repo = public
    pages = load_test.mix(repo / "timeline.db")
    assert [kind for kind, _, _ in pages] == ["home", "timeline", "fact page", "search", "json api", "canned query"]
    results, took = load_test.run(urllib.parse.urlsplit(base).port, pages, clients=2, seconds=1)
    summary = load_test.summarize(results, took)
    assert summary["all"]["requests"] > 5
    assert (summary["all"]["errors"], summary["all"]["5xx"]) == (0, 0), [r for r in results if r[2] != 200][:5]
