"""The database page (`/timeline`, `/timeline.json`) is kept once rendered (plugins/database_page.py):
what is sent again is exactly what Datasette rendered, and nothing is kept for a mutable database, a
reader who is someone, a query string, or a file that is not the one rendered.
"""
import asyncio
import json
import os
import re
import shutil
import subprocess

import httpx
import pytest
from conftest import ROOT, SITE
from datasette import hookimpl
from datasette.app import Datasette
from datasette.plugins import pm
from test_public import free_port, wait_until_up

from timeline.site.server import datasette_command, site_metadata

METADATA = site_metadata(ROOT / "metadata.json")


def datasette(path, immutable=True, metadata=METADATA, template_dir=SITE / "templates"):
    files = {"immutables": [str(path)]} if immutable else {"files": [str(path)]}
    return Datasette(**files, metadata=metadata, template_dir=str(template_dir),
                     plugins_dir=str(SITE / "plugins"), settings={"suggest_facets": False})


def get(ds, path, **kwargs):
    response = asyncio.run(ds.client.get(path, **kwargs))
    return response.status_code, sorted(response.headers.multi_items()), response.content


def rendered(response):
    """A response without what differs between two renders: how long the queries took (the JSON's
    query_ms, the HTML footer's "Queries took") and so the length."""
    status, headers, body = response
    headers = [(k, v) for k, v in headers if k != "content-length"]
    if body.startswith(b"{"):
        data = json.loads(body)
        data.pop("query_ms")
        return status, headers, data
    assert len(re.findall(rb"Queries took [0-9.]+ms", body)) == 1
    return status, headers, re.sub(rb"Queries took [0-9.]+ms", b"Queries took (time)ms", body)


def kept(ds):
    return ds._database_page_responses


@pytest.fixture
def served(db, tmp_path):
    """A copy of the real database of its own, so a test may touch or replace it."""
    path = tmp_path / "timeline.db"
    shutil.copyfile(db, path)
    return path


@pytest.mark.parametrize("path", ["/timeline", "/timeline.json"])
def test_the_kept_page_is_the_page_datasette_rendered(served, path):
    ds = datasette(served)
    first = get(ds, path)
    assert first[0] == 200 and b"facts" in first[2]
    assert [key[0] for key in kept(ds)] == [path]
    assert [body for _, body in kept(ds).values()] == [first[2]]
    assert get(ds, path) == first
    assert get(ds, path) == first
    assert len(kept(ds)) == 1


@pytest.mark.parametrize("path", [
    "/timeline?_show_hidden=1",
    "/timeline.json?sql=select+1",
    "/timeline.json?_shape=array",
    "/timeline/facts",
    "/timeline/facts.json",
    "/",
    "/timeline.db",
])
def test_nothing_but_the_bare_database_page_is_kept(served, path):
    ds = datasette(served)
    get(ds, path)
    get(ds, path)
    assert kept(ds) == {}


def test_a_mutable_database_is_never_kept(served):
    ds = datasette(served, immutable=False)
    assert get(ds, "/timeline")[0] == 200 and get(ds, "/timeline.json")[0] == 200
    assert kept(ds) == {}


def test_a_signed_in_reader_gets_their_own_page_and_nothing_is_kept(served):
    ds = datasette(served)
    cookie = ds.sign({"a": {"id": "curator-7"}}, "actor")
    anonymous = get(ds, "/timeline")
    assert len(kept(ds)) == 1
    status, headers, body = get(ds, "/timeline", cookies={"ds_actor": cookie})
    assert status == 200 and b"curator-7" in body and b"curator-7" not in anonymous[2]
    assert ("cache-control", "private, no-store") in headers
    assert len(kept(ds)) == 1


@pytest.mark.parametrize("headers", [
    {"cookie": "ds_actor=not-signed"},
    {"cookie": "unrelated=1"},
    {"authorization": "Bearer abc"},
])
def test_a_request_with_cookies_or_credentials_is_rendered_by_datasette(served, headers):
    ds = datasette(served)
    status, sent, _ = get(ds, "/timeline", headers=headers)
    assert status == 200 and ("cache-control", "private, no-store") in sent
    assert kept(ds) == {}


class HeaderActor:
    """A plugin that finds an actor without any cookie: from an X-Reader header."""

    @hookimpl
    def actor_from_request(self, request):
        if request.headers.get("x-reader"):
            return {"id": request.headers["x-reader"]}


def test_an_actor_found_by_a_plugin_is_never_served_a_kept_page(served):
    ds = datasette(served)
    get(ds, "/timeline")
    plugin = HeaderActor()
    pm.register(plugin, name="header-actor-test")
    try:
        status, _, body = get(ds, "/timeline", headers={"x-reader": "editor-3"})
    finally:
        pm.unregister(plugin)
    assert status == 200 and b"editor-3" in body
    assert len(kept(ds)) == 1 and b"editor-3" not in next(iter(kept(ds).values()))[1]


def test_a_page_the_reader_may_not_see_is_not_kept(served):
    metadata = json.loads(json.dumps(METADATA))
    metadata["databases"]["timeline"]["allow"] = {"id": "curator"}
    ds = datasette(served, metadata=metadata)
    assert get(ds, "/timeline")[0] == 403
    assert kept(ds) == {}


def test_a_touched_or_replaced_file_is_rendered_afresh(served):
    ds = datasette(served)
    first = get(ds, "/timeline.json")
    info = os.stat(served)
    os.utime(served, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
    assert rendered(get(ds, "/timeline.json")) == rendered(first)
    assert sorted(key[2][4] - info.st_mtime_ns for key in kept(ds)) == [0, 10**9]
    copy = served.with_name("new.db")
    shutil.copyfile(served, copy)
    os.replace(copy, served)
    assert rendered(get(ds, "/timeline.json")) == rendered(first)
    assert os.stat(served).st_ino in {key[2][2] for key in kept(ds)} and len(kept(ds)) == 3


def test_each_host_gets_its_own_links(served):
    ds = datasette(served)
    a = get(ds, "/timeline", headers={"host": "a.example:8001"})
    b = get(ds, "/timeline", headers={"host": "b.example"})
    assert b"http://a.example:8001/timeline.json" in a[2] and b"http://b.example/timeline.json" in b[2]
    assert get(ds, "/timeline", headers={"host": "b.example"}) == b and len(kept(ds)) == 2


def test_an_edited_template_is_rendered_afresh(served, tmp_path):
    templates = tmp_path / "templates"
    shutil.copytree(SITE / "templates", templates)
    ds = datasette(served, template_dir=templates)
    assert b"edited-site-nav" not in get(ds, "/timeline")[2]
    base = templates / "base.html"
    base.write_text(base.read_text().replace('class="site-nav"', 'class="site-nav edited-site-nav"'))
    os.utime(base, ns=(0, os.stat(base).st_mtime_ns + 10**9))
    assert b"edited-site-nav" in get(ds, "/timeline")[2]


def uncached_plugins(tmp_path):
    folder = tmp_path / "plugins-uncached"
    shutil.copytree(SITE / "plugins", folder, ignore=shutil.ignore_patterns("database_page.py", "__pycache__"))
    return folder


@pytest.fixture
def public_servers(served, tmp_path):
    """`timeline serve --public`'s Datasette, and the same without the kept database page."""
    started = []
    for plugins in (None, uncached_plugins(tmp_path)):
        port = free_port()
        command = datasette_command(str(served), port, public=True, metadata=str(ROOT / "metadata.json"))
        if plugins:
            command[command.index("--plugins-dir") + 1] = str(plugins)
        log = tmp_path / f"server-{port}.log"
        with open(log, "w") as out:
            process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        started.append((f"http://127.0.0.1:{port}", process, log))
    try:
        for base, process, log in started:
            wait_until_up(base, process, log)
        yield [base for base, _, _ in started]
    finally:
        for _, process, _ in started:
            process.terminate()
            process.wait(timeout=10)


@pytest.mark.parametrize("path", ["/timeline", "/timeline.json"])
def test_a_public_server_sends_the_page_and_headers_datasette_sends(public_servers, path):
    cached, uncached = public_servers

    def fetch(base):
        response = httpx.get(base + path, headers={"host": "timeline.example"}, timeout=10)
        return (response.status_code, sorted((k, v) for k, v in response.headers.multi_items()
                                             if k not in ("date", "server")), response.content)

    expected = rendered(fetch(uncached))
    assert expected[0] == 200 and dict(expected[1])["content-security-policy"].startswith("default-src 'self'")
    assert dict(expected[1])["x-frame-options"] == "DENY"
    first = fetch(cached)
    assert rendered(first) == expected
    for _ in range(3):
        assert fetch(cached) == first  # sent again byte for byte, query_ms included
