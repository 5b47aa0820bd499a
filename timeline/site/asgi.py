"""Datasette as an importable ASGI app, so that uvicorn can run it in several worker processes.

    python -m timeline.site.asgi --workers 2 -h 127.0.0.1 -p 8001 -- -i timeline.db -m metadata.json ...

runs uvicorn's own supervisor (`uvicorn --workers`): it starts the workers, restarts one that dies,
and stops them all on SIGTERM or Ctrl-C. Each worker listens on the port with a socket of its own
(SO_REUSEPORT), so the kernel (Linux) shares new connections among them: on uvicorn's one shared
socket, the first worker to wake took most of a burst of keep-alive connections (2 + 18 of 20 in
one load test) and kept them, and two workers served little more than one. Each worker imports
`timeline.site.asgi:app`, which builds the Datasette instance from the arguments after `--`: exactly those
`datasette serve` takes (server.datasette_command writes them), read by Datasette's own command line
code, so the settings, metadata, templates, plugins and static files are the one-process server's.
They reach the workers in the TIMELINE_DATASETTE_ARGS environment variable (a JSON list).
"""
import json
import logging
import os
import socket
import sys
from collections.abc import Iterable
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

ENV = "TIMELINE_DATASETTE_ARGS"


def datasette_app(args: Iterable[str]) -> Any:
    """The ASGI app of the Datasette that `datasette serve ARGS` would run."""
    # Datasette takes half a second to load: each worker needs it, the supervisor (main) never does
    from datasette.cli import serve

    with serve.make_context("datasette serve", list(args)) as ctx:
        ds = ctx.invoke(serve.callback, **ctx.params, return_instance=True)
    return ds.app()  # runs Datasette's startup hooks before its first request


def main(argv: list[str]) -> None:
    args, datasette_args = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    options = dict(zip(args[::2], args[1::2]))
    os.environ[ENV] = json.dumps(datasette_args)
    settings: dict[str, Any] = dict(host=options.get("-h", "127.0.0.1"), port=int(options.get("-p", 8001)),
                                    workers=int(options.get("--workers", 2)), log_level="info", lifespan="on")
    if not hasattr(socket, "SO_REUSEPORT"):  # Windows: uvicorn's one shared socket
        uvicorn.run("timeline.site.asgi:app", **settings)
        return
    config = uvicorn.Config("timeline.site.asgi:app", **settings)
    sock = PerWorkerSocket(socket.AF_INET6 if ":" in config.host else socket.AF_INET)
    _reuse_port(sock)
    try:
        sock.bind((config.host, config.port))  # held, never listened on: the port stays this server's
    except OSError as e:  # taken since timeline serve checked it
        sys.exit(f"Error: cannot serve on {config.host}:{config.port} ({e.strerror}): choose another --port")
    logging.getLogger("uvicorn.error").info("Uvicorn running on http://%s:%d with %d workers (Press CTRL+C to quit)",
                                            config.host, config.port, config.workers)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass


class PerWorkerSocket(socket.socket):
    """The supervisor's socket, which reaches each worker (multiprocessing pickles it for the new
    process) as a new socket bound to the same address with SO_REUSEPORT: one listening socket per
    worker."""

    def __reduce_ex__(self, protocol):
        return _bound, (self.family, self.getsockname())


def _reuse_port(sock):
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)


def _bound(family, address):
    sock = socket.socket(family)
    _reuse_port(sock)
    sock.bind(address)
    return sock


def __getattr__(name):
    """`app`, built when uvicorn first asks for it (not when multiprocessing re-imports this module)."""
    if name == "app" and ENV in os.environ:
        globals()["app"] = datasette_app(json.loads(os.environ[ENV]))
        return globals()["app"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
