"""Security headers on every response: a strict Content-Security-Policy and its companions.

The policy allows scripts only from this site ('self': Datasette's /-/static files) and the inline
scripts the templates themselves contain, each allowed by its sha256 hash. The hashes are computed at
startup from the template files (the story's templates/, the site's and Datasette's own), so a template's
script keeps working without a hand-kept list, while a <script> that user text might smuggle into a
page (it would have to get past Jinja's escaping first) has no hash and does not run. Inline event
handlers (onclick=...) and javascript: links never run. Styles may be inline (Datasette's pages use
style attributes); a style cannot run script.

A template script that prints a template variable cannot be hashed ahead of time: render such values
into a data- attribute or JSON <script type="application/json"> instead. The one such script in
Datasette 0.65 (table.html: DATASETTE_ALLOW_FACET = true|false) is allowed in both of its forms.
"""
import base64
import hashlib
import os
import re
from collections.abc import Iterable, Iterator
from typing import Any

from datasette import __file__ as DATASETTE_FILE
from datasette import hookimpl

SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S | re.I)
KNOWN_VARIANTS = {"{{ datasette_allow_facet }}": ("true", "false")}

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}


def inline_scripts(text: str) -> Iterator[str]:
    """The bodies of the inline scripts in a template, with known variables filled in every way."""
    for match in SCRIPT.finditer(text):
        attrs, body = match["attrs"], match["body"]
        if "src=" in attrs or not body.strip():
            continue
        if "type=" in attrs and "module" not in attrs and "javascript" not in attrs:
            continue  # data blocks (application/json) are not run
        variants = [body]
        for variable, values in KNOWN_VARIANTS.items():
            if variable in body:
                variants = [v.replace(variable, value) for v in variants for value in values]
        for variant in variants:
            if "{{" not in variant and "{%" not in variant:
                yield variant


def script_hashes(template_dirs: Iterable[str]) -> list[str]:
    """CSP source expressions ('sha256-...') for every inline script in the templates under the dirs."""
    found = set()
    for folder in template_dirs:
        for root, _, files in os.walk(folder):
            for name in sorted(files):
                if name.endswith(".html"):
                    with open(os.path.join(root, name), encoding="utf-8") as f:
                        for body in inline_scripts(f.read()):
                            digest = hashlib.sha256(body.encode("utf-8")).digest()
                            found.add("'sha256-" + base64.b64encode(digest).decode() + "'")
    return sorted(found)


def policy(hashes: Iterable[str]) -> str:
    return "; ".join([
        "default-src 'self'",
        "script-src 'self' " + " ".join(hashes),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def template_dirs(datasette: Any) -> list[str]:
    """Every template folder: the story's (Datasette's --template-dir), the site's own, Datasette's."""
    packaged = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
    builtin = os.path.join(os.path.dirname(DATASETTE_FILE), "templates")
    return [d for d in dict.fromkeys((datasette.template_dir, packaged, builtin)) if d and os.path.isdir(d)]


@hookimpl
def asgi_wrapper(datasette):
    headers = None

    def wrap(app):
        async def add_headers(scope, receive, send):
            nonlocal headers
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            if headers is None:
                values = {**HEADERS, "content-security-policy": policy(script_hashes(template_dirs(datasette)))}
                headers = [(k.encode(), v.encode()) for k, v in values.items()]

            async def send_with_headers(event):
                if event["type"] == "http.response.start":
                    present = {k.lower() for k, _ in event.get("headers", [])}
                    event = {**event, "headers": list(event.get("headers", []))
                             + [(k, v) for k, v in headers if k not in present]}
                await send(event)

            await app(scope, receive, send_with_headers)

        return add_headers

    return wrap
