"""Datasette as an importable ASGI app, so that uvicorn can run it in several worker processes.

    python -m timeline.asgi --workers 2 -h 127.0.0.1 -p 8001 -- -i timeline.db -m metadata.json ...

runs uvicorn's own supervisor (`uvicorn --workers`): it binds the port once, starts the workers,
restarts one that dies, and stops them all on SIGTERM or Ctrl-C. Each worker imports
`timeline.asgi:app`, which builds the Datasette instance from the arguments after `--`: exactly those
`datasette serve` takes (server.datasette_command writes them), read by Datasette's own command line
code, so the settings, metadata, templates, plugins and static files are the one-process server's.
They reach the workers in the TIMELINE_DATASETTE_ARGS environment variable (a JSON list).
"""
import json
import os
import sys

ENV = "TIMELINE_DATASETTE_ARGS"


def datasette_app(args):
    """The ASGI app of the Datasette that `datasette serve ARGS` would run."""
    from datasette.cli import serve

    with serve.make_context("datasette serve", list(args)) as ctx:
        ds = ctx.invoke(serve.callback, **ctx.params, return_instance=True)
    return ds.app()  # runs Datasette's startup hooks before its first request


def main(argv):
    import uvicorn

    args, datasette_args = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    options = dict(zip(args[::2], args[1::2]))
    os.environ[ENV] = json.dumps(datasette_args)
    uvicorn.run("timeline.asgi:app", host=options.get("-h", "127.0.0.1"), port=int(options.get("-p", 8001)),
                workers=int(options.get("--workers", 2)), log_level="info", lifespan="on")


def __getattr__(name):
    """`app`, built when uvicorn first asks for it (not when multiprocessing re-imports this module)."""
    if name == "app" and ENV in os.environ:
        globals()["app"] = datasette_app(json.loads(os.environ[ENV]))
        return globals()["app"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
