"""`timeline serve` while the data changes: a rebuilt database is really served; a broken edit is not.

End to end on 127.0.0.1: the real command on a small fixture tree, a fact added on disk, and the new
fact seen over HTTP within a bounded wait.
"""
import importlib.util
import os
import subprocess
import sys
import time

import httpx
import pytest
from conftest import FACT, ROOT
from test_public import free_port, wait_until_up

from timeline.errors import SiteError
from timeline.site import server

spec = importlib.util.spec_from_file_location("proctree", ROOT / "scripts" / "proctree.py")
proctree = importlib.util.module_from_spec(spec)
spec.loader.exec_module(proctree)

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


def said(log, text, times=1, seconds=30):
    """How many times the log says `text`, once it says it `times` times or `seconds` have passed. A rebuilt file
    is served as soon as it is in place and its line is printed once the build returns, so a test that has seen
    the new facts waits for the line before counting it."""
    wait_for(lambda: log.read_text().count(text) >= times, seconds)
    return log.read_text().count(text)


@pytest.fixture
def serving(tree, workers=1):
    port = free_port()
    log = tree.path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "timeline", "serve", "--port", str(port), "--metadata", str(ROOT / "metadata.json"),
             "--workers", str(workers)],
            cwd=tree.path, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT), "TIMELINE_HEADER_TIMEOUT": "2"}, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        yield base, tree, log, process
    finally:
        process.terminate()
        process.wait(timeout=20)
        stop_group(process)
    assert process.returncode is not None


@pytest.fixture
def serving_workers(tree):
    """`timeline serve --workers 2` on the fixture tree."""
    yield from serving.__wrapped__(tree, workers=2)


def workers_of(serve_pid):
    """(uvicorn's supervisor, [its Datasette workers]) under `timeline serve`."""
    [supervisor] = children(serve_pid)
    found = []
    for pid in children(supervisor):
        if b"spawn_main" in cmdline(pid):
            found.append(pid)
    return supervisor, sorted(found)


def cmdline(pid):
    """The command line of `pid`, b"" once it has gone (a child may end between the listing and the read)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read()
    except OSError:
        return b""


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


def test_sigterm_stops_every_worker(serving_workers):
    base, tree, log, process = serving_workers
    supervisor, workers = workers_of(process.pid)
    assert len(workers) == 2
    assert fact_ids(base) == ["bridge-cost"]
    process.terminate()
    process.wait(timeout=20)
    deadline = time.monotonic() + 15
    while any(map(alive, [supervisor] + workers)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(map(alive, [supervisor] + workers)), "a worker outlived timeline serve"


def test_every_worker_serves_the_rebuilt_database_without_a_restart(serving_workers):
    base, tree, log, process = serving_workers
    before = workers_of(process.pid)
    tree.write("facts/facts.yaml", FACT + NEW_FACT)
    # every answer, whichever worker gives it, is the new database's
    assert wait_for(lambda: all(fact_ids(base) == ["bridge-cost", "work-began"] for _ in range(6))), \
        log.read_text()[-2000:]
    assert said(log, "serving it now") == 1
    assert workers_of(process.pid) == before  # the same workers serve the new file: nothing restarted


def connections_per_worker(workers, port, state="01"):
    """{worker: its open connections on `port`} ("0A": its listening sockets), from /proc (scripts/proctree.py)."""
    return {pid: proctree.connections(pid, port, state).get(pid, 0) for pid in workers}


def in_rotation(log):
    """How many workers the supervisor has said it gives new connections to (timeline/site/supervisor.py)."""
    return log.read_text().count("new connections are given to it")


def holder(workers, port, client_port):
    """Which of `workers` holds the server's end of the connection from `client_port` to `port` (from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.read().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and int(fields[2].rsplit(":", 1)[1], 16) == client_port:
                    inodes.add(fields[9])
    for pid in workers:
        try:
            if any(os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] in inodes for fd in os.listdir(f"/proc/{pid}/fd")):
                return pid
        except OSError:
            continue
    return None


def test_a_stopped_worker_is_given_no_connection_and_what_waited_on_it_is_answered(serving_workers):
    """A stopped worker (SIGSTOP) stalled clients for about 5 s, then up to 2 s: the connections steered to
    its socket waited there until a replacement had started. Now, from the moment it stops until it is
    replaced, every new connection is answered by the other worker: none is steered to it once it misses
    its pings, and the other serves its socket too, where the first ones waited."""
    import http.client
    import signal
    import urllib.parse

    base, tree, log, process = serving_workers
    port = urllib.parse.urlsplit(base).port
    wait_for(lambda: in_rotation(log) == 2, 15)
    supervisor, (victim, other) = workers_of(process.pid)
    os.kill(victim, signal.SIGSTOP)
    answered, deadline = [], time.monotonic() + 20
    while alive(victim) and time.monotonic() < deadline:  # until the supervisor kills it
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", "/timeline/facts.json?_shape=array")
            response = conn.getresponse()
            response.read()
            answered.append((response.status, holder(workers_of(process.pid)[1] + [victim], port,
                                                     conn.sock.getsockname()[1])))
        finally:
            conn.close()
    assert not alive(victim) and len(answered) >= 3, answered
    assert answered == [(200, other)] * len(answered), (other, answered)
    assert wait_for(lambda: len(workers_of(process.pid)[1]) == 2 and all(fact_ids(base) == ["bridge-cost"]
                                                                         for _ in range(6)))


def test_the_workers_share_a_burst_of_keep_alive_connections(serving_workers):
    import http.client
    import threading
    import urllib.parse

    base, tree, log, process = serving_workers
    port = urllib.parse.urlsplit(base).port
    # the first worker up answers before the second has started: wait for both to be given connections
    assert wait_for(lambda: in_rotation(log) == 2)
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(20)]
    statuses = []

    def ask(conn):
        conn.request("GET", "/timeline/facts.json")
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)

    threads = [threading.Thread(target=ask, args=(conn,)) for conn in connections]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    try:
        assert statuses == [200] * 20
        split = connections_per_worker(workers_of(process.pid)[1], port)
        # each worker listens on a socket of its own: the kernel shares connections between them (on one
        # shared socket, the first worker awake took 18 of 20); a split this uneven has odds of 1 in 2,500
        assert sum(split.values()) == 20 and min(split.values()) >= 3, split
    finally:
        for conn in connections:
            conn.close()


def test_a_worker_that_dies_is_replaced_and_the_port_stays_held(serving_workers):
    import signal
    import urllib.parse

    base, tree, log, process = serving_workers
    supervisor, workers = workers_of(process.pid)
    os.kill(workers[0], signal.SIGKILL)
    assert wait_for(lambda: len(workers_of(process.pid)[1]) == 2 and workers[0] not in workers_of(process.pid)[1])
    assert all(fact_ids(base) == ["bridge-cost"] for _ in range(10))
    with pytest.raises(SiteError, match="is in use"):  # no second server can take the port
        server.preflight(tree.path / "timeline.db", "127.0.0.1", urllib.parse.urlsplit(base).port)


def test_a_changed_fact_is_served_after_the_rebuild(serving):
    base, tree, log, _ = serving
    assert fact_ids(base) == ["bridge-cost"]
    tree.write("facts/facts.yaml", FACT + NEW_FACT)
    assert wait_for(lambda: fact_ids(base) == ["bridge-cost", "work-began"]), log.read_text()[-2000:]
    assert said(log, "Rebuilt timeline.db: 2 facts (changed: facts.yaml); serving it now") == 1


def test_saving_without_a_change_does_not_restart(serving):
    base, tree, log, _ = serving
    tree.write("facts/facts.yaml", FACT + NEW_FACT)
    assert wait_for(lambda: fact_ids(base) == ["bridge-cost", "work-began"]
                    and "serving it now" in log.read_text()), log.read_text()[-2000:]  # (said once it is served)
    rebuilt = log.read_text().count("serving it now")
    tree.write("facts/facts.yaml", FACT + NEW_FACT)  # same bytes, new modification time
    time.sleep(3)
    assert log.read_text().count("serving it now") == rebuilt
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
    several = server.datasette_command("timeline.db", 8001, public=True, metadata=str(ROOT / "metadata.json"), workers=2)
    assert several[1:several.index("--") + 1] == ["-m", "timeline.site.asgi", "--workers", "2", "-h", "127.0.0.1", "-p",
                                                   "8001", "--"]
    assert several[several.index("--") + 1:] == command[command.index("--") + 1:], "the same Datasette options"
    assert command[1:command.index("--") + 1] == ["-m", "timeline.site.asgi", "--workers", "1", "-h", "127.0.0.1",
                                                  "-p", "8001", "--"]
    local = server.datasette_command("timeline.db", 8001, metadata=str(ROOT / "metadata.json"))
    local_settings = {local[i + 1]: local[i + 2] for i, part in enumerate(local) if part == "--setting"}
    assert local_settings == {"suggest_facets": "off"}  # only what keeps pages quick; nothing public-only


def serve_once(tree, *args, env=None):
    """`timeline serve --no-watch ...` that is expected to refuse at once."""
    return subprocess.run([sys.executable, "-m", "timeline", "serve", "--no-watch", *args], cwd=tree.path,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def one_error_line(result):
    """The refusal is one `Error: ...` line after the build's own line: no traceback, exit 1."""
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_a_port_in_use_is_one_line_saying_what_to_do(tree):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        line = one_error_line(serve_once(tree, "--port", str(port)))
    assert line == (f"Error: port {port} on 127.0.0.1 is in use (another timeline serve, or another server): stop it,"
                    f" or choose another port with --port {port + 1}")


def test_a_missing_plugin_is_one_line_saying_what_to_install(tree):
    hide = tree.path / "hide"  # this Python cannot import datasette_ics, as if it were never installed
    hide.mkdir()
    (hide / "sitecustomize.py").write_text("import sys\nsys.modules['datasette_ics'] = None\n")
    result = serve_once(tree, "--port", str(free_port()), env={"PYTHONPATH": f"{hide}:{ROOT}"})
    assert one_error_line(result) == ("Error: the site needs the Datasette plugin datasette-ics, which is not installed"
                                      " here: pip install datasette-ics (or reinstall timeline, which depends on it)")


def test_a_database_that_cannot_be_opened_is_one_line(tree):
    tree.db.write_bytes(b"this is not a database" * 100)
    with pytest.raises(SiteError) as refused:
        server.preflight(str(tree.db), "127.0.0.1", free_port())
    assert str(refused.value) == (f"cannot open {tree.db} as a database (file is not a database): delete it and"
                                  " run timeline build to write it again")


def test_a_broken_story_metadata_or_a_renamed_database_is_refused_before_the_build(tree):
    tree.write("metadata.json", '{"title": "x",\n}')
    line = one_error_line(serve_once(tree))
    assert line.startswith("Error: metadata.json:2: not valid JSON")
    assert not tree.db.exists()
    tree.write("metadata.json", '{"title": "x"}')
    line = one_error_line(serve_once(tree, "--db", "story.db"))
    assert line.startswith("Error: the site serves a database file named timeline.db")
    assert not (tree.path / "story.db").exists()


def test_a_story_metadata_is_laid_over_the_site(tree):
    tree.write("metadata.json", '{"title": "The harbour bridge", "databases": {"timeline": {"tables":'
                                ' {"facts": {"description": "What the council said"}}}}}')
    merged = server.site_metadata(str(tree.path / "metadata.json"))
    site = server.site_metadata(str(tree.path / "none.json"))
    assert merged["title"] == "The harbour bridge" and site["title"] != merged["title"]
    facts = merged["databases"]["timeline"]["tables"]["facts"]
    assert facts["description"] == "What the council said"
    assert facts["columns"] == site["databases"]["timeline"]["tables"]["facts"]["columns"]  # merged key by key
    assert merged["databases"]["timeline"]["queries"] == site["databases"]["timeline"]["queries"]


def git(tree, *args):
    subprocess.run(["git", *args], cwd=tree.path, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "Ann Editor", "GIT_AUTHOR_EMAIL": "ann@example.org",
                        "GIT_COMMITTER_NAME": "Ann Editor", "GIT_COMMITTER_EMAIL": "ann@example.org"})


def test_a_commit_is_served_as_history_without_another_edit(tree):
    git(tree, "init", "-q")
    git(tree, "add", "-A")
    git(tree, "commit", "-q", "-m", "First facts")
    port = free_port()
    log = tree.path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "timeline", "serve", "--port", str(port)], cwd=tree.path,
                                   stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"

    def revisions():
        url = base + "/timeline/fact_history.json?_shape=array&fact_id=bridge-cost&_sort=revision"
        return [(r["revision"], r["action"], r["message"]) for r in httpx.get(url, timeout=5).json()]

    try:
        wait_until_up(base, process, log)
        assert revisions() == [(1, "added", "First facts")]
        tree.write("facts/facts.yaml", FACT.replace("The bridge cost $12 million", "The Harbour Bridge cost $12 million"))
        assert wait_for(lambda: "Rebuilt timeline.db" in log.read_text()), log.read_text()[-2000:]
        # an edit is not history until it is committed
        assert wait_for(lambda: revisions() == [(1, "added", "First facts")]), log.read_text()[-2000:]
        rebuilt = log.read_text().count("Rebuilt timeline.db")
        git(tree, "commit", "-q", "-am", "Name the bridge")  # no file changes now: only the commit
        assert wait_for(lambda: revisions() == [(1, "added", "First facts"), (2, "changed", "Name the bridge")]), \
            log.read_text()[-2000:]
        assert said(log, "Rebuilt timeline.db", rebuilt + 1) == rebuilt + 1
    finally:
        process.terminate()
        process.wait(timeout=20)
        stop_group(process)


def test_a_pipe_as_metadata_is_one_line_not_a_hang(tree):
    os.mkfifo(tree.path / "metadata.json")
    line = one_error_line(serve_once(tree))
    assert line.startswith("Error: metadata.json: cannot be read (") and "fix it or remove it" in line


# --- serving through rebuilds, and what can go wrong around the server --------------------------------------

def hammer(base, stop, tally):
    """Ask for the facts over and over until `stop` is set, counting refused connections, other errors and
    5xx answers in `tally` (a new connection each time, as most clients make)."""
    while not stop.is_set():
        try:
            status = httpx.get(base + "/timeline/facts.json?_shape=array&_col=title", timeout=10).status_code
            tally["5xx" if status >= 500 else "ok"] += 1
        except httpx.ConnectError:
            tally["refused"] += 1
        except httpx.HTTPError:
            tally["errors"] += 1


def titles(base):
    return [r["title"] for r in httpx.get(base + "/timeline/facts.json?_shape=array&_col=title", timeout=5).json()]


@pytest.mark.parametrize("workers", [1, 2])
def test_rebuilds_refuse_no_request(tree, workers):
    """Watch mode restarted the server on every rebuild: connections were refused for 1.1-1.6 s (2.2 s with
    two workers) each time. The running server now serves each rebuilt file from its next request."""
    import collections
    import threading

    for base, tree, log, process in serving.__wrapped__(tree, workers=workers):
        stop, tally = threading.Event(), collections.Counter()
        clients = [threading.Thread(target=hammer, args=(base, stop, tally)) for _ in range(3)]
        for client in clients:
            client.start()
        try:
            for n in range(4):
                tree.write("facts/facts.yaml", FACT.replace("The bridge cost $12 million", f"The bridge cost, take {n}"))
                assert wait_for(lambda: titles(base) == [f"The bridge cost, take {n}"], 30), log.read_text()[-2000:]
        finally:
            stop.set()
            for client in clients:
                client.join(15)
        assert tally["refused"] == tally["errors"] == tally["5xx"] == 0 and tally["ok"] > 20, tally
        assert said(log, "serving it now", 4) == 4


def test_a_file_written_in_two_pieces_is_never_served_half(serving):
    """A facts file written in two pieces was served with the first piece alone (97 of 101 facts) for
    about 2 s: a change is built only when no changed file is open for writing."""
    base, tree, log, _ = serving
    seen = set()
    with open(tree.facts / "facts.yaml", "w", encoding="utf-8") as f:
        f.write(FACT.replace("The bridge cost $12 million", "Half written"))  # a whole, valid file by itself
        f.flush()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:  # longer than any wait for an editor to finish
            seen.add(tuple(titles(base)))
            time.sleep(0.1)
        f.write(NEW_FACT)
    assert wait_for(lambda: fact_ids(base) == ["bridge-cost", "work-began"]), log.read_text()[-2000:]
    assert seen == {("The bridge cost $12 million",)} and said(log, "serving it now") == 1


def test_serve_says_so_when_its_server_dies(serving):
    import signal

    base, tree, log, process = serving
    [server_process] = children(process.pid)
    os.kill(server_process, signal.SIGKILL)
    assert process.wait(timeout=20) == 1
    assert "Error: the server stopped by itself (killed by signal 9), so timeline serve stops too" in log.read_text()


@pytest.mark.parametrize("workers", [1, 2])
def test_killing_serve_leaves_no_server_running(tree, workers):
    import signal

    for base, tree, log, process in serving.__wrapped__(tree, workers=workers):
        if workers > 1:
            supervisor, worker_pids = workers_of(process.pid)
            assert wait_for(lambda: len(workers_of(process.pid)[1]) == workers)
            supervisor, worker_pids = workers_of(process.pid)
            left = [supervisor] + worker_pids
        else:
            left = children(process.pid)
        os.kill(process.pid, signal.SIGKILL)  # no chance to stop anything itself
        assert wait_for(lambda: not any(map(alive, left)), 15), [pid for pid in left if alive(pid)]


def test_no_other_process_can_take_the_ports_requests(serving_workers):
    """Any process of the same user could bind the two-worker port with SO_REUSEPORT and took 13 of 40
    requests. It can still bind (the kernel allows the same user), but is never given a connection."""
    import socket
    import urllib.parse

    base, tree, log, process = serving_workers
    port = urllib.parse.urlsplit(base).port
    assert wait_for(lambda: len(workers_of(process.pid)[1]) == 2)
    thief = socket.socket()
    thief.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    thief.bind(("127.0.0.1", port))
    thief.listen(100)
    thief.setblocking(False)
    try:
        statuses = [httpx.get(base + "/timeline/facts.json", timeout=5).status_code for _ in range(40)]
        with pytest.raises(BlockingIOError):
            thief.accept()
    finally:
        thief.close()
    assert statuses == [200] * 40


def test_one_worker_holds_its_port_alone(serving):
    import socket
    import urllib.parse

    base, tree, log, process = serving
    thief = socket.socket()
    thief.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    with pytest.raises(OSError):
        thief.bind(("127.0.0.1", urllib.parse.urlsplit(base).port))
    thief.close()


def test_half_sent_requests_time_out_and_never_keep_a_reader_out(serving):
    """Half-sent requests never timed out: 2,200 of them under a 1,024 open file limit made every request
    time out, and the log grew 64 MB in 30 s. A request head now has a deadline (2 s in these tests), and
    past the connection cap the oldest half-sent one makes room."""
    import socket
    import urllib.parse

    base, tree, log, process = serving
    port = urllib.parse.urlsplit(base).port
    size = log.stat().st_size
    drips = []
    for _ in range(300):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /timeline/facts HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        drips.append(s)
    try:
        started = time.monotonic()
        assert fact_ids(base) == ["bridge-cost"] and time.monotonic() - started < 2  # answered beside them
        time.sleep(3)
        closed = 0
        for s in drips:
            s.settimeout(0.5)
            try:
                closed += s.recv(100) == b""
            except ConnectionResetError:
                closed += 1
            except socket.timeout:
                pass  # still open
        assert closed == len(drips)
    finally:
        for s in drips:
            s.close()
    assert log.stat().st_size - size < 20_000, log.read_text()[-2000:]


def thief_socket(port, listen):
    """A socket of this (the same) user on the port with SO_REUSEPORT, as any other program could open."""
    import socket

    thief = socket.socket()
    thief.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    thief.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    thief.bind(("127.0.0.1", port))
    if listen:
        thief.listen(100)
    thief.setblocking(False)
    return thief


def test_a_socket_bound_to_the_port_before_serve_starts_gets_no_connection(tree):
    """A socket bound with SO_REUSEPORT before `serve --workers 2` started, and listening by the time the
    workers' sockets did, was first in the port's group and took a share of the requests: serve now sees
    it and refuses in one line (had it listened after them, it would be given nothing)."""
    port = free_port()
    thief = thief_socket(port, listen=False)  # bound only: the port looks free to serve's first check
    log = tree.path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "timeline", "serve", "--no-watch", "--port", str(port), "--workers", "2"],
            cwd=tree.path, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            start_new_session=True)
    try:
        def server_started():  # the server's process: the thief listens before its sockets do
            if any(b"timeline.site.asgi" in cmdline(pid) for pid in children(process.pid)):
                return True
            return process.poll() is not None
        deadline = time.monotonic() + 60
        while not server_started() and time.monotonic() < deadline:
            time.sleep(0.005)
        thief.listen(100)
        base = f"http://127.0.0.1:{port}"
        while process.poll() is None and time.monotonic() < deadline:
            try:
                if httpx.get(base + "/-/versions.json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        if process.poll() is None:  # it serves: the thief, listening after its sockets, is given nothing
            statuses = []
            for _ in range(40):
                try:
                    statuses.append(httpx.get(base + "/timeline/facts.json", timeout=3).status_code)
                except httpx.HTTPError as e:
                    statuses.append(type(e).__name__)
            with pytest.raises(BlockingIOError):
                thief.accept()
            assert statuses == [200] * 40
        else:
            errors = [line for line in log.read_text().splitlines() if line.startswith("Error: ")]
            assert process.returncode == 1 and "Traceback" not in log.read_text(), log.read_text()
            assert len(errors) == 1 and f"holds a socket on port {port} of 127.0.0.1" in errors[0], errors
            assert errors[0].endswith(f"stop it, or choose another port with --port {port + 1}")
    finally:
        thief.close()
        process.terminate()
        try:
            process.wait(timeout=20)
        finally:
            stop_group(process)


def test_the_two_worker_server_refuses_a_port_another_socket_listens_on(tree):
    """The server itself (not only serve's first check) refuses a port where another socket listens with
    SO_REUSEPORT: in the port's group before the workers' sockets, it would be among those given connections."""
    assert subprocess.run([sys.executable, "-m", "timeline", "build"], cwd=tree.path, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120).returncode == 0
    port = free_port()
    thief = thief_socket(port, listen=True)
    command = server.datasette_command(str(tree.path / "timeline.db"), port, metadata=str(ROOT / "metadata.json"),
                                       workers=2)
    process = subprocess.Popen(command, cwd=tree.path, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
    try:
        _, err = process.communicate(timeout=30)
        errors = [line for line in err.decode().splitlines() if line.startswith("Error: ")]
        assert process.returncode == server.REFUSED and len(errors) == 1, err.decode()[-2000:]
        assert "holds a socket on port" in errors[0] and "/-/versions" not in err.decode()
        with pytest.raises(BlockingIOError):
            thief.accept()
    finally:
        thief.close()
        if process.poll() is None:
            process.kill()
        stop_group(process)
