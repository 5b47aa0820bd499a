"""The server `timeline serve` runs: Datasette on uvicorn, in one process or in N workers.

    python -m timeline.site.asgi --workers 2 -h 127.0.0.1 -p 8001 -- -i timeline.db -m metadata.json ...

The arguments after `--` are exactly those `datasette serve` takes (server.datasette_command writes
them), read by Datasette's own command line code, so the settings, metadata, templates, plugins and
static files are those of `datasette serve`. They reach the workers in the TIMELINE_DATASETTE_ARGS
environment variable (a JSON list); each builds its Datasette when uvicorn first asks for `app`.

What it adds to uvicorn, for a server anyone can reach (finding 6 of issue 27: 2,200 half-sent
requests made every request time out and the log grew 64 MB in 30 s):
- HEADER_TIMEOUT: a connection must send a request's whole head within 10 s of opening (or of its last
  response), however slowly it drips; idle keep-alive connections close after 5 s (uvicorn's own);
- at most MAX_CONNECTIONS connections a process, fewer when the open file limit is lower (raised to
  its hard limit first): a connection past the cap is closed at once, so the process never runs out
  of file descriptors and keeps answering the connections it has; uvicorn answers 503 past
  MAX_CONNECTIONS requests at once;
- a bounded log: each kind of message (its logger and template) at most LOG_BURST times a minute,
  then one line saying how many were left out; the access log at most ACCESS_PER_SECOND lines a second.

With N > 1 workers, the supervisor of timeline/site/supervisor.py (uvicorn's, `uvicorn --workers`,
with one listening socket per worker, held by it, and connections steered to the workers that answer)
starts them, takes a worker that stops answering out of rotation within SUSPECT s and has another
serve its socket, replaces it within WORKER_HEALTHCHECK s, and stops them all on SIGTERM or Ctrl-C.
With one worker the one process listens on a socket without SO_REUSEPORT, which no other process can
share.

Every process of the server is told to stop when its parent dies (server.die_with_parent), so none
outlives a `timeline serve` killed with SIGKILL.
"""
import json
import logging
import os
import resource
import socket
import sys
import time
from collections.abc import Iterable
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from timeline.site.server import REFUSED, bound_elsewhere, die_with_parent, port_taken
from timeline.site.supervisor import WORKER_HEALTHCHECK, PerWorker, steer

ENV = "TIMELINE_DATASETTE_ARGS"
HEADER_TIMEOUT = 10.0
KEEP_ALIVE = 5
MAX_CONNECTIONS = 1000
LOG_BURST = 10
ACCESS_PER_SECOND = 200


def datasette_app(args: Iterable[str]) -> Any:
    """The ASGI app of the Datasette that `datasette serve ARGS` would run."""
    # Datasette takes half a second to load: each worker needs it, the supervisor (main) never does
    from datasette.cli import serve

    with serve.make_context("datasette serve", list(args)) as ctx:
        ds = ctx.invoke(serve.callback, **ctx.params, return_instance=True)
    return ds.app()  # runs Datasette's startup hooks before its first request


def connection_cap() -> int:
    """How many connections one process keeps open: MAX_CONNECTIONS, or fewer when the open file limit
    (raised to its hard limit here) leaves less room beside the files and sockets a server needs."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, target), hard))
            soft = max(soft, target)
        except (ValueError, OSError):
            pass
    return max(16, min(MAX_CONNECTIONS, soft - 128))


class TimedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's head and a cap on connections.

    Past the cap, the connection that has waited longest without sending a whole request head is
    closed to make room (the new one when every other is being answered): half-sent requests cannot
    keep a reader out for longer than it takes to open the cap's worth of them again."""

    cap = MAX_CONNECTIONS
    header_timeout = float(os.environ.get("TIMELINE_HEADER_TIMEOUT", HEADER_TIMEOUT))  # lowered by the tests
    waiting: dict[Any, None] = {}  # the connections without a whole request head, oldest first
    header_timer: Any = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if len(self.connections) > self.cap:
            oldest = next(iter(self.waiting), None)
            if oldest is None:
                transport.abort()  # every connection is being answered: this one waits its turn elsewhere
                return
            oldest.transport.abort()  # its file descriptor freed for this one
            self.waiting.pop(oldest, None)
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self.header_timer = self.loop.call_later(self.header_timeout, self._too_slow)
        self.waiting[self] = None

    def _disarm(self) -> None:
        self.waiting.pop(self, None)
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _too_slow(self) -> None:
        self.header_timer = None
        self.waiting.pop(self, None)
        if self.cycle is None or self.cycle.response_complete:  # no request is being answered
            self.transport.abort()

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not None and self.cycle is not cycle:  # a request's head arrived whole
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()  # the next request's head must come in time too

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


class BoundedLog(logging.Filter):
    """At most `burst` records of each kind (logger and message template) a minute, then one line saying
    how many were left out; `per_second`: at most that many records a second of any kind instead."""

    def __init__(self, burst: int = LOG_BURST, per_second: int | None = None):
        super().__init__()
        self.burst, self.per_second = burst, per_second
        self.seen: dict[Any, list[float]] = {}  # kind -> [window start, count, left out]

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        kind = "all" if self.per_second else (record.name, str(record.msg)[:200])
        window, limit = (1.0, self.per_second) if self.per_second else (60.0, self.burst)
        state = self.seen.setdefault(kind, [now, 0, 0])
        if now - state[0] >= window:
            if state[2]:
                record.msg = f"({int(state[2])} more log lines like the next were left out) {record.msg}"
            state[:] = [now, 0, 0]
        state[1] += 1
        if state[1] > limit:
            state[2] += 1
            return False
        if len(self.seen) > 1000:  # kinds are bounded too
            self.seen = {kind: state}
        return True


def bounded_logging() -> None:
    """Put BoundedLog on every logger a flood of bad connections writes to (once a process)."""
    if getattr(bounded_logging, "done", False):
        return
    setattr(bounded_logging, "done", True)
    for name in ("uvicorn.error", "asyncio", "datasette"):
        logging.getLogger(name).addFilter(BoundedLog())
    logging.getLogger("uvicorn.access").addFilter(BoundedLog(per_second=ACCESS_PER_SECOND))


def _config(options: dict[str, str], workers: int) -> uvicorn.Config:
    TimedH11Protocol.cap = connection_cap()
    config = uvicorn.Config("timeline.site.asgi:app", host=options.get("-h", "127.0.0.1"),
                            port=int(options.get("-p", 8001)), workers=workers, log_level="info", lifespan="on",
                            http=TimedH11Protocol, timeout_keep_alive=KEEP_ALIVE,
                            limit_concurrency=TimedH11Protocol.cap, timeout_worker_healthcheck=int(WORKER_HEALTHCHECK))
    return config


def listening(host: str, port: int, reuse_port: bool) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def main(argv: list[str]) -> None:
    args, datasette_args = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    options = dict(zip(args[::2], args[1::2]))
    os.environ[ENV] = json.dumps(datasette_args)
    workers = int(options.get("--workers", 1))
    config = _config(options, workers)
    bounded_logging()  # uvicorn set its logging up with the config: the filters stay on its loggers
    try:
        sockets = [listening(config.host, config.port, reuse_port=workers > 1) for _ in range(workers)]
    except OSError as e:  # taken since timeline serve checked it
        print(f"Error: cannot serve on {config.host}:{config.port} ({e.strerror}): choose another --port",
              file=sys.stderr)
        sys.exit(REFUSED)
    # Another process of the same user can listen on the port with SO_REUSEPORT too; one that listened
    # before these sockets is among the first N of the group, which `steer` picks from: refuse to serve.
    others = bound_elsewhere(config.host, config.port, ours=sockets) if workers > 1 else []
    if others:
        print(f"Error: {port_taken(config.host, config.port, others[0])}", file=sys.stderr)
        sys.exit(REFUSED)
    if workers == 1:
        uvicorn.Server(config).run(sockets=sockets)
        return
    steer(sockets)
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d with %d workers (Press CTRL+C to quit)",
                                            config.host, config.port, workers)
    try:
        PerWorker(config, sockets).run()
    except KeyboardInterrupt:
        pass


def __getattr__(name: str) -> Any:
    """`app`, built when uvicorn first asks for it (not when multiprocessing re-imports this module)."""
    if name == "app" and ENV in os.environ:
        die_with_parent()  # a worker: stopped with its supervisor, however the supervisor ends
        bounded_logging()
        globals()["app"] = datasette_app(json.loads(os.environ[ENV]))
        return globals()["app"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
