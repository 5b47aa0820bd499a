"""Serve the home page (templates/index.html) without Datasette's index view doing work it never shows.

Datasette's index view lists every database and table, with a permission check per table (hundreds
of checks against the whole metadata on every request). Under the load test that made "/" the
slowest page by far (p50 ~470 ms against ~50 ms for a fact page on 2 CPUs). The site's own
index.html shows none of it: it runs its own few queries. So "/" renders that template directly,
with the same permission check for the instance. "/.json" and everything else stay Datasette's.

The route is only taken when templates/index.html exists and does not use Datasette's `databases`
listing; otherwise Datasette's index view serves "/" as before.
"""
import os
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Request, Response
from datasette.version import __version__


def template_dirs(datasette: Any) -> list[str]:
    """The story's templates (Datasette's --template-dir), then the site's own (next to this folder)."""
    packaged = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
    return [d for d in dict.fromkeys((datasette.template_dir, packaged)) if d and os.path.isdir(d)]


def custom_home(datasette: Any) -> bool:
    """True when the site's index.html (the story's, else the packaged one) can be rendered without
    the index view's context."""
    for folder in template_dirs(datasette):
        path = os.path.join(folder, "index.html")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                return "databases" not in f.read()
    return False


async def home(datasette: Any, request: Request) -> Response:
    await datasette.ensure_permissions(request.actor, ["view-instance"])
    context = {"metadata": datasette.metadata(), "databases": [], "private": False,
               "datasette_version": __version__,
               "alternate_url_json": datasette.absolute_url(request, datasette.urls.path("/.json"))}
    html = await datasette.render_template(["index.html"], context, request=request, view_name="index")
    return Response.html(html)


@hookimpl
def register_routes(datasette):
    if custom_home(datasette):
        return [(r"^/$", home)]
    return []
