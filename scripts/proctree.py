"""A process and everything it started, read from /proc: memory and CPU of the whole tree (Linux).

The benchmarks measure a build with worker processes, and a server with worker processes, as the
sum of their parts: a parent's own peak memory says nothing of its workers'.
"""
import os
import threading

PAGE = os.sysconf("SC_PAGE_SIZE")
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()  # fields from the state on (the name may hold spaces)


def tree(pid):
    """`pid` and its descendants that are alive now."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents.setdefault(int(_stat(entry)[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += parents.get(p, [])
    return found


def rss_mb(pid):
    """Resident memory of the whole tree now, MB (shared pages counted in every process that maps them)."""
    total = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return total * PAGE / 1e6


def cpu_seconds(pid):
    """CPU time used so far by the tree's live processes and the children they waited for."""
    total = 0
    for p in tree(pid):
        try:
            fields = _stat(p)
            total += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        except (OSError, IndexError, ValueError):
            continue
    return total / TICK


def connections(pid, port, state="01"):
    """{process id: open TCP connections it holds on local `port`} for the tree's processes (how a
    server's workers share their clients); state "0A" counts its listening sockets instead."""
    wanted = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if fields[3] == state and int(fields[1].rsplit(":", 1)[1], 16) == port:  # 01 ESTABLISHED
                        wanted.add(fields[9])  # the socket's inode
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    out = {}
    for p in tree(pid):
        try:
            links = [os.readlink(f"/proc/{p}/fd/{fd}") for fd in os.listdir(f"/proc/{p}/fd")]
        except OSError:
            continue
        held = sum(1 for link in links if link.startswith("socket:[") and link[8:-1] in wanted)
        if held:
            out[p] = held
    return out


class PeakMemory:
    """Samples the tree's resident memory every `interval` seconds while it runs: `with PeakMemory(pid) as m`."""

    def __init__(self, pid, interval=0.05):
        self.pid, self.interval, self.peak = pid, interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mb(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
