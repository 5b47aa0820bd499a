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

from datasette import hookimpl
from datasette.version import __version__
from datasette.utils.asgi import Response


def custom_home(datasette):
    """True when the project's index.html can be rendered without the index view's context."""
    if not datasette.template_dir:
        return False
    path = os.path.join(datasette.template_dir, "index.html")
    if not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as f:
        return "databases" not in f.read()


async def home(datasette, request):
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
