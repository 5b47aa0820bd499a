"""Who the pages speak to: a reader (every public site) or the story's curator (`timeline serve`).

A reader sees outlet names, dates in words and fact titles. The curator's workings -- the YAML file
and line of each fact and citation, ids, the sources' evidence notes, hashes and stored files, curator
notes, the citation helper of the source page -- appear only when the site's metadata says
`"plugins": {"timeline": {"curator": true}}`. `timeline serve` writes that into the metadata it
serves itself; `timeline serve --public` and `timeline publish` never do (and drop it when a story's
own metadata.json sets it), so a public site cannot show them.

On a curator's site, /-/view?as=reader shows the reader's pages in this browser (a cookie), and
/-/view?as=curator goes back; both return to the page they were asked from (`next`, a path on this
site). Templates read `curator` (show the workings on this page) and `curator_site`.
"""
from typing import Any

from datasette import hookimpl
from datasette.utils.asgi import Request, Response

PLUGIN = "timeline"
COOKIE = "timeline_view"


def curator_site(datasette: Any) -> bool:
    """True when this site is the curator's own (`timeline serve` without --public)."""
    return bool((datasette.plugin_config(PLUGIN) or {}).get("curator"))


def shows_workings(datasette: Any, request: Request | None) -> bool:
    """True when this page shows the curator's workings: the curator's site, not switched to the reader's view."""
    if not curator_site(datasette):
        return False
    return request is None or request.cookies.get(COOKIE) != "reader"


def back_to(path: str | None) -> str:
    """`path` when it is a path on this site ('/timeline/facts/x?y=1'), else '/': never another site."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path or any(
            ord(c) < 32 for c in path):
        return "/"
    return path


async def switch(datasette: Any, request: Request) -> Response:
    response = Response.redirect(back_to(request.args.get("next")))
    if request.args.get("as") == "reader":
        response.set_cookie(COOKIE, "reader", httponly=True, samesite="lax")
    else:
        response.set_cookie(COOKIE, "", expires=0, httponly=True, samesite="lax")
    return response


@hookimpl
def register_routes(datasette):
    return [(r"^/-/view$", switch)] if curator_site(datasette) else []


@hookimpl
def extra_template_vars(datasette, request):
    return {"curator": shows_workings(datasette, request), "curator_site": curator_site(datasette),
            "site_lang": (datasette.metadata("lang") or "en")}
