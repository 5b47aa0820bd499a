"""`timeline serve` while the data changes: a rebuilt database is really served; a broken edit is not.

End to end on 127.0.0.1: the real command on a small fixture tree, a fact added on disk, and the new
fact seen over HTTP within a bounded wait.
"""
import os
import subprocess
import sys
import time

import httpx
import pytest

from conftest import FACT, ROOT
from test_public import free_port, wait_until_up
from timeline import server

NEW_FACT = """\
- id: work-began
  kind: event
  title: Work on the bridge began
  date: 2021
  sources:
    - source: gazette
      quote: "Work began in 2021"
"""


def fact_ids(base):
    return sorted(r["id"] for r in httpx.get(base + "/timeline/facts.json?_shape=array&_col=id", timeout=5).json())


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except httpx.HTTPError:
            pass  # Datasette is restarting
        time.sleep(0.2)
    return False


@pytest.fixture
def serving(tree):
    port = free_port()
    log = tree.path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "timeline", "serve", "--port", str(port), "--metadata", str(ROOT / "metadata.json")],
            cwd=tree.path, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        yield base, tree, log, process
    finally:
        process.terminate()
        process.wait(timeout=20)
        stop_group(process)
    assert process.returncode is not None


def children(pid):
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def stop_group(process):
    """Whatever the test leaves, nothing of the server outlives it."""
    try:
        os.killpg(process.pid, 9)
    except ProcessLookupError:
        pass


def test_sigterm_stops_datasette_too(serving):
    base, tree, log, process = serving
    [datasette] = children(process.pid)
    process.terminate()
    process.wait(timeout=20)
    deadline = time.monotonic() + 15
    while alive(datasette) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(datasette), "Datasette outlived timeline serve"


def test_a_changed_fact_is_served_after_the_rebuild(serving):
    base, tree, log, _ = serving
    assert fact_ids(base) == ["bridge-cost"]
    tree.write("facts/facts.yaml", FACT + NEW_FACT)
    assert wait_for(lambda: fact_ids(base) == ["bridge-cost", "work-began"]), log.read_text()[-2000:]
    assert "Rebuilt timeline.db: 2 facts (changed: facts.yaml); restarting Datasette" in log.read_text()


def test_saving_without_a_change_does_not_restart(serving):
    base, tree, log, _ = serving
    tree.write("facts/facts.yaml", FACT + NEW_FACT)
    assert wait_for(lambda: fact_ids(base) == ["bridge-cost", "work-began"]), log.read_text()[-2000:]
    restarts = log.read_text().count("restarting Datasette")
    tree.write("facts/facts.yaml", FACT + NEW_FACT)  # same bytes, new modification time
    time.sleep(3)
    assert log.read_text().count("restarting Datasette") == restarts
    assert fact_ids(base) == ["bridge-cost", "work-began"]


def test_a_broken_edit_keeps_serving_the_old_database_and_says_why(serving):
    base, tree, log, _ = serving
    tree.write("facts/facts.yaml", FACT + NEW_FACT.replace("Work began in 2021", "Work began in 2022"))
    assert wait_for(lambda: "Still serving the previous timeline.db" in log.read_text()), log.read_text()[-2000:]
    text = log.read_text()
    assert "facts/facts.yaml:16: quote-not-found: fact 'work-began'" in text
    assert "Traceback" not in text
    assert fact_ids(base) == ["bridge-cost"]
    tree.write("facts/facts.yaml", FACT + NEW_FACT)  # fixed: now it is served
    assert wait_for(lambda: fact_ids(base) == ["bridge-cost", "work-began"]), log.read_text()[-2000:]


def test_serving_goes_on_past_editor_leftovers_loops_and_pipes(serving):
    base, tree, log, process = serving
    os.symlink("user@host.4242:1700000000", tree.facts / ".#facts.yaml")  # Emacs starts editing
    os.symlink("loop.yaml", tree.facts / "loop.yaml")
    os.mkfifo(tree.sources / "pipe.txt")
    assert wait_for(lambda: "Still serving the previous timeline.db" in log.read_text()), log.read_text()[-2000:]
    text = log.read_text()
    assert "facts/loop.yaml:1: unreadable-file:" in text and "sources/pipe.txt:1: stray-file:" in text, text
    assert "Traceback" not in text
    assert process.poll() is None and fact_ids(base) == ["bridge-cost"]
    (tree.facts / "loop.yaml").unlink()
    (tree.sources / "pipe.txt").unlink()
    tree.write("facts/facts.yaml", FACT + NEW_FACT)
    assert wait_for(lambda: fact_ids(base) == ["bridge-cost", "work-began"]), log.read_text()[-2000:]


def test_fingerprint_skips_editor_leftovers(tree):
    before = server.fingerprint(tree.facts, tree.sources)
    os.symlink("user@host.4242:1700000000", tree.facts / ".#facts.yaml")
    (tree.facts / "facts.yaml~").write_text("old")
    (tree.facts / "4913").write_text("")
    assert server.fingerprint(tree.facts, tree.sources) == before


def test_fingerprint_sees_a_changed_file(tree):
    before = server.fingerprint(tree.facts, tree.sources)
    assert before == server.fingerprint(tree.facts, tree.sources)
    tree.write("facts/more.yaml", NEW_FACT)
    assert server.fingerprint(tree.facts, tree.sources) != before


def test_public_settings_reach_the_command_line():
    command = server.datasette_command("timeline.db", 8001, public=True, metadata=str(ROOT / "metadata.json"))
    assert command[command.index("-i") + 1] == "timeline.db"
    assert command[command.index("-h") + 1] == "127.0.0.1"
    settings = {command[i + 1]: command[i + 2] for i, part in enumerate(command) if part == "--setting"}
    assert settings["sql_time_limit_ms"] == "1000"
    assert settings["allow_download"] == "off"
    local = server.datasette_command("timeline.db", 8001, metadata=str(ROOT / "metadata.json"))
    local_settings = {local[i + 1]: local[i + 2] for i, part in enumerate(local) if part == "--setting"}
    assert local_settings == {"suggest_facets": "off"}  # only what keeps pages quick; nothing public-only
