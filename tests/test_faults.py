"""Faults: a killed build, a full disk, an unwritable folder and two builds at once lose nothing.

Every build here is a real `python -m timeline build` process on a copy of the real facts and sources
(about a second of work), and every check reads the database with SQLite itself.
"""
import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT

ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.fixture
def repo(tmp_path, real_db):
    """A copy of the real facts and sources with the database already built from them."""
    for folder in ("facts", "sources"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copyfile(real_db, tmp_path / "timeline.db")
    return tmp_path


def start_build(repo, *args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "timeline", "build", *args], cwd=repo, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def run_build(repo, *args, **kwargs):
    process = start_build(repo, *args, **kwargs)
    out, err = process.communicate(timeout=120)
    return process.returncode, out + err


def readable(db):
    """(integrity_check result, number of facts), read by SQLite from the file."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0], conn.execute("select count(*) from facts").fetchone()[0]
    finally:
        conn.close()


def add_fact(repo):
    """A change that makes the next database differ from the old one."""
    with open(repo / "facts" / "visit.yaml", "a", encoding="utf-8") as f:
        text = (ROOT / "facts" / "visit.yaml").read_text(encoding="utf-8")
        first = text[text.index("- id: "):text.index("\n- id: ", text.index("- id: ") + 1) + 1]
        f.write(first.replace("- id: ", "- id: copy-of-", 1))


def leftovers(repo):
    return sorted(p.name for p in repo.iterdir() if ".building-" in p.name)


def test_a_build_killed_at_random_points_leaves_the_old_database(repo):
    old = (repo / "timeline.db").read_bytes()
    facts = readable(repo / "timeline.db")[1]
    add_fact(repo)
    rng = random.Random(7)
    kills = []
    for attempt in range(30):  # bounded; stops once enough kills have landed (a fast build may finish first)
        killed = [left for _, code, left in kills if code == -signal.SIGKILL]
        if len(killed) >= 4 and any(killed):
            break
        process = start_build(repo)
        started = time.monotonic()
        if attempt % 2:  # half the kills land while the new database is being written
            while not leftovers(repo) and process.poll() is None and time.monotonic() - started < 20:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.02))
        else:
            time.sleep(rng.uniform(0.02, 0.3))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
        kills.append((round(time.monotonic() - started, 3), process.returncode, leftovers(repo)))
        if process.returncode == 0:  # a fast machine finished first: the new database is whole; start again
            assert readable(repo / "timeline.db") == ("ok", facts + 1)
            (repo / "timeline.db").write_bytes(old)
            continue
        assert process.returncode == -signal.SIGKILL
        assert (repo / "timeline.db").read_bytes() == old, kills
        assert readable(repo / "timeline.db") == ("ok", facts)
    assert sum(code == -signal.SIGKILL for _, code, _ in kills) >= 4, kills
    assert any(left for _, _, left in kills), kills  # some kills landed while the new file was being written
    code, output = run_build(repo)
    assert code == 0, output
    assert leftovers(repo) == []
    assert readable(repo / "timeline.db") == ("ok", facts + 1)


def ignore_xfsz_and_limit_files_to(size):
    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return limit


@pytest.fixture
def small_disk(tmp_path, real_db):
    """A real tmpfs (root only) a quarter larger than the database: room for it, not for a second copy."""
    disk = tmp_path / "disk"
    disk.mkdir()
    size = os.path.getsize(real_db) * 5 // 4 // 1024 + 1
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}k", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}): the RLIMIT_FSIZE test covers it")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_fails_cleanly_and_keeps_the_old_database(repo, small_disk):
    """A real full disk: SQLite gets ENOSPC while writing the new database next to the old one."""
    shutil.copyfile(repo / "timeline.db", small_disk / "timeline.db")
    old = (small_disk / "timeline.db").read_bytes()
    add_fact(repo)
    code, output = run_build(repo, "--db", str(small_disk / "timeline.db"))
    assert code == 1
    assert "Traceback" not in output
    assert f"the disk holding {small_disk} is full; free some space and build again" \
           " (the old database is untouched)" in output
    assert (small_disk / "timeline.db").read_bytes() == old
    assert sorted(p.name for p in small_disk.iterdir()) == [".timeline-cache", "timeline.db", "timeline.db.lock"]


def test_a_file_size_limit_fails_cleanly_and_keeps_the_old_database(repo):
    """RLIMIT_FSIZE (works without root): writes fail with EFBIG, which SQLite calls a disk I/O error."""
    old = (repo / "timeline.db").read_bytes()
    add_fact(repo)
    code, output = run_build(repo, preexec_fn=ignore_xfsz_and_limit_files_to(64 * 1024))
    assert code == 1
    assert "Traceback" not in output
    assert "the disk may be full, over quota or failing; check free space (df -h" in output
    assert (repo / "timeline.db").read_bytes() == old
    assert leftovers(repo) == []


@pytest.mark.parametrize("db, message", [
    ("/sys/timeline.db", "cannot write in /sys: permission denied"),  # sysfs refuses new files, even to root
    ("facts/entities.yaml/timeline.db", "there is no such folder (or part of the path is a file)"),
    ("no/such/folder/timeline.db", "there is no such folder"),
])
def test_an_unwritable_place_fails_cleanly(repo, db, message):
    before = sorted(p.name for p in repo.rglob("*"))
    code, output = run_build(repo, "--db", db)
    assert code == 1
    assert "Traceback" not in output
    assert message in output
    assert sorted(p.name for p in repo.rglob("*")) == before


def test_a_read_only_folder_fails_cleanly(repo):
    """A folder nobody may write to: as a normal user, permissions; as root (who ignores them), a
    tmpfs holding the database, remounted read-only."""
    old = (repo / "timeline.db").read_bytes()
    if os.geteuid() != 0:
        os.chmod(repo, 0o555)
        try:
            code, output = run_build(repo)
        finally:
            os.chmod(repo, 0o755)
    else:
        folder = repo / "published"
        folder.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], check=True)
        try:
            shutil.copyfile(repo / "timeline.db", folder / "timeline.db")
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
            code, output = run_build(repo, "--db", "published/timeline.db")
            assert (folder / "timeline.db").read_bytes() == old
        finally:
            subprocess.run(["umount", str(folder)], check=True)
    assert code == 1, output
    assert "Traceback" not in output
    assert "cannot write in" in output
    assert (repo / "timeline.db").read_bytes() == old


def test_two_builds_at_once_both_finish_and_readers_never_see_half_a_database(repo):
    add_fact(repo)
    facts = readable(repo / "timeline.db")[1]
    seen, stop = [], threading.Event()

    def reader():
        while not stop.is_set():
            seen.append(readable(repo / "timeline.db"))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        first, second = start_build(repo), start_build(repo)
        results = [p.communicate(timeout=120) for p in (first, second)]
    finally:
        stop.set()
        thread.join()
    assert (first.returncode, second.returncode) == (0, 0), results
    assert set(seen) <= {("ok", facts), ("ok", facts + 1)}
    assert len(seen) > 10
    assert readable(repo / "timeline.db") == ("ok", facts + 1)
    assert leftovers(repo) == []


def test_a_second_build_that_cannot_wait_refuses_with_a_message(repo):
    old = (repo / "timeline.db").read_bytes()
    add_fact(repo)
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time\n"
                               "fd = os.open('timeline.db.lock', os.O_RDWR | os.O_CREAT)\n"
                               "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); time.sleep(60)"],
                              cwd=repo, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        code, output = run_build(repo, "--wait", "0.3")
    finally:
        holder.kill()
        holder.wait()
    assert code == 1
    assert "another build of timeline.db is running (it holds timeline.db.lock); wait for it to finish" in output
    assert (repo / "timeline.db").read_bytes() == old


def test_the_replaced_database_is_given_back_in_a_thread_and_gone_when_the_build_returns(tmp_path):
    """files.put_in_place keeps the replaced file by a second name (no 0.1 s freeing its blocks in the
    build's path) and removes it in a thread; files.removed() waits for that (build() calls it)."""
    from timeline.core import files

    old, new = tmp_path / "timeline.db", tmp_path / "timeline.db.building-new"
    old.write_bytes(b"old" * 100_000)
    new.write_bytes(b"new")
    with open(old, "rb") as reader:  # a reader of the old file (a Datasette) keeps reading it
        files.put_in_place(new, old)
        assert old.read_bytes() == b"new"
        files.removed()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.db"]
        assert os.fstat(reader.fileno()).st_nlink == 0, "no name is left to the old file"
        assert reader.read(3) == b"old"
    first = tmp_path / "first.db"
    new.write_bytes(b"first")
    files.put_in_place(new, first)  # nothing to replace
    files.removed()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first.db", "timeline.db"]
