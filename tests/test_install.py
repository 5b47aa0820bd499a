"""`pip install` of this repository alone (no requirements file, not editable) in a fresh virtual environment
gives a `timeline` that starts a story in a folder outside the repository and serves it as the site.

This is what a new user does; it proves pyproject.toml declares every runtime dependency (the Datasette
plugins included) and that the site (templates, plugins, static files, metadata) ships inside the package.
It installs from the package index, so it takes a minute (less with pip's cache warm)."""
import os
import shutil
import subprocess
import sys
import venv

import httpx
import pytest
from conftest import ROOT
from test_public import free_port, wait_until_up


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with `pip install <a copy of the repository>`; returns its bin folder."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"  # only what a source distribution holds: no .venv, no build leftovers
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copy(ROOT / "README.md", source)
    shutil.copytree(ROOT / "timeline", source / "timeline", ignore=shutil.ignore_patterns("__pycache__"))
    env = base / "venv"
    venv.create(env, with_pip=True)
    pip = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                          str(source)], capture_output=True, text=True, timeout=900)
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    return env / "bin"


def run(bin, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(bin / "timeline"), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**env, "PATH": f"{bin}:{env.get('PATH', '')}"})


def test_the_package_is_installed_not_linked_to_the_repository(installed):
    where = subprocess.run([str(installed / "python"), "-c", "import timeline.site as s; print(s.SITE)"],
                           capture_output=True, text=True, cwd="/")
    site = where.stdout.strip()
    assert "site-packages" in site and not site.startswith(str(ROOT))
    for part in ("metadata.json", "templates/index.html", "templates/pages/chronology.html", "plugins/site.py",
                 "static/site.css", "schema/facts.schema.json", "story/facts/facts.yaml", "story/gitignore"):
        assert os.path.exists(os.path.join(site, part)), part


def test_init_check_build_serve_from_a_folder_outside_the_repository(installed, tmp_path):
    init = run(installed, "init", "story", "--title", "The harbour bridge", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    story = tmp_path / "story"
    assert run(installed, "check", cwd=story).returncode == 0
    built = run(installed, "build", cwd=story)
    assert (built.returncode, built.stderr.strip()) == (0, "Built timeline.db: 0 facts, 0 entities, 0 sources")
    port = free_port()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        process = subprocess.Popen([str(installed / "timeline"), "serve", "--port", str(port), "--no-watch"],
                                   cwd=story, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, log)
        home = httpx.get(base + "/")
        assert home.status_code == 200 and "<h1>The harbour bridge</h1>" in home.text
        assert "Nothing here yet" in home.text and 'class="site-nav"' in home.text  # the packaged templates
        assert httpx.get(base + "/chronology").status_code == 200
        assert httpx.get(base + "/static/site.css").status_code == 200
        plugins = {p["name"] for p in httpx.get(base + "/-/plugins.json").json()}
        assert {"datasette-template-sql", "datasette-ics", "datasette-atom", "site.py", "security_headers.py"} <= plugins
        assert httpx.get(base + "/timeline/calendar.ics").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "Traceback" not in log.read_text()


def test_the_lock_files_hold_every_package_they_need():
    # scripts/bootstrap.sh installs requirements.txt and requirements-test.txt with --no-deps: a package
    # missing from them would be missing from .venv, and pip check would name it
    result = subprocess.run([sys.executable, "-m", "pip", "check", "--disable-pip-version-check"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "No broken requirements found" in result.stdout, result.stdout + result.stderr
