"""`timeline publish`: the packaged site assembled for `datasette publish`/`datasette package`, checked by
putting it into the folder `datasette package` would build its image from, then serving that folder as the
image's command does, with a Python that has Datasette and its plugins but not timeline until the image's
install line installs it from the folder (no network, no Docker)."""
import os
import pathlib
import shlex
import subprocess
import sys
import sysconfig
import zipfile

import httpx
from conftest import ROOT
from datasette.utils import temporary_docker_directory
from test_public import free_port, wait_until_up

from timeline.site import publish, server


def publish_dry_run(tree, *args):
    result = subprocess.run([sys.executable, "-m", "timeline", "publish", *args, "--dry-run"], cwd=tree.path,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def options(line):
    """{option: [values]} of a datasette command line."""
    parts = shlex.split(line)
    found = {}
    for i, part in enumerate(parts):
        if part.startswith("--") or part == "-m":
            found.setdefault(part, []).append(parts[i + 1])
    return parts, found


def test_the_command_carries_the_site_the_plugins_and_the_public_settings(tree):
    result = publish_dry_run(tree, "cloudrun", "--service", "bridge")
    assert "Built public/timeline.db (excerpts): 1 facts" in result.stderr
    parts, found = options(result.stdout.strip())
    assert parts[:4] == ["datasette", "publish", "cloudrun", "public/timeline.db"]
    assert found["-m"] == ["public/metadata.json"] and found["--template-dir"] == ["public/templates"]
    assert found["--plugins-dir"] == ["public/plugins"]
    assert found["--static"] == [f"static:{server.SITE_STATIC}"]
    assert found["--install"] == publish.install()
    assert [i.split("==")[0] for i in found["--install"]] == ["datasette", "datasette-template-sql", "datasette-ics",
                                                              "datasette-atom", f"plugins/{publish.wheel_name()}"]
    with zipfile.ZipFile(tree.path / "public" / "plugins" / publish.wheel_name()) as wheel:
        names = wheel.namelist()
    assert "timeline/site/plugins/chart.py" in names and "timeline/text/dates.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert found["--service"] == ["bridge"]
    settings = shlex.split(found["--extra-options"][0])
    assert dict(zip(settings[1::3], settings[2::3])) == {k: str(v) for k, v in server.PUBLIC_SETTINGS.items()}


def test_the_published_image_serves_the_site_with_the_story_on_top(tree, monkeypatch):
    tree.write("metadata.json", '{"title": "The harbour bridge", "license": "CC BY 4.0"}')
    tree.write("templates/pages/about.html", '{% extends "base.html" %}{% block content %}<p>About this story</p>{% endblock %}')
    result = publish_dry_run(tree, "package", "--tag", "bridge")
    parts, found = options(result.stdout.strip())
    assert parts[:3] == ["datasette", "package", "public/timeline.db"]
    monkeypatch.chdir(tree.path)  # datasette's own helper reads the files relative to here, as `datasette package` does
    with open(found["-m"][0]) as metadata:
        with temporary_docker_directory(
                files=["public/timeline.db"], name="timeline", metadata=metadata,
                extra_options=found["--extra-options"][0], branch=None, template_dir=found["--template-dir"][0],
                plugins_dir=found["--plugins-dir"][0], static=[tuple(s.split(":", 1)) for s in found["--static"]],
                install=found["--install"], spatialite=False, version_note=None, secret="test") as image:
            dockerfile = open(os.path.join(image, "Dockerfile")).read()
            assert f"RUN pip install -U datasette {' '.join(publish.install())}\n" in dockerfile
            assert sorted(os.listdir(os.path.join(image, "plugins"))) == sorted(
                [name for name in os.listdir(server.SITE_PLUGINS) if name.endswith(".py")] + [publish.wheel_name()])
            assert os.path.exists(os.path.join(image, "templates", "pages", "chronology.html"))  # the site's
            assert os.path.exists(os.path.join(image, "templates", "pages", "about.html"))  # the story's own
            python, packages = python_without_timeline(tree.path / "bare")
            run_the_image_command(image, dockerfile, python, expect_failure=True)  # Datasette alone cannot start it
            install_line = next(line for line in dockerfile.splitlines() if line.startswith("RUN pip install"))
            local = [part for part in shlex.split(install_line)[4:] if part.endswith(".whl")]
            assert local == [f"plugins/{publish.wheel_name()}"]  # what the image installs from its own files
            subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                            str(packages), *local], cwd=image, check=True)
            run_the_image_command(image, dockerfile, python)


def python_without_timeline(folder):
    """(python, its site-packages) of a new virtual environment that sees this one's packages (Datasette, its
    plugins, what timeline requires) through a .pth line, but not timeline: this environment's own .pth files
    (timeline's editable install among them) are not read from a folder named that way, and no folder named
    timeline is on its path."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    packages = next((folder / "lib").glob("python3*/site-packages"))
    (packages / "this-environment.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    python = folder / "bin" / "python"
    found = subprocess.run([str(python), "-c", "import datasette_template_sql, yaml; import timeline"], cwd=folder,
                           capture_output=True, text=True)
    assert "No module named 'timeline'" in found.stderr, found.stderr
    return python, packages


def run_the_image_command(image, dockerfile, python, expect_failure=False):
    """Run the Dockerfile's RUN inspect and CMD lines in the folder with `python`, as the image would."""
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD "))[4:]
    port = free_port()
    command = shlex.split(cmd.replace("$PORT", str(port)))
    assert command[:2] == ["datasette", "serve"]
    datasette = [str(python), "-m", "datasette"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    subprocess.run([*datasette, "inspect", "timeline.db", "--inspect-file", "inspect-data.json"], cwd=image, check=True,
                   env=env)
    log = os.path.join(image, "serve.log")
    with open(log, "wb") as out:
        process = subprocess.Popen([*datasette, *command[1:]], cwd=image, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True, env=env)
    if expect_failure:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise AssertionError("the image's command served without timeline installed")
        assert process.returncode != 0 and "No module named 'timeline'" in open(log).read()
        return
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process, pathlib.Path(log))
        home = httpx.get(base + "/").text
        assert "<h1>The harbour bridge</h1>" in home and "CC BY 4.0" in home
        assert "About this story" in httpx.get(base + "/about").text
        fact = httpx.get(base + "/timeline/facts/bridge-cost")
        assert fact.status_code == 200 and "<mark>cost $12 million to build</mark>" in fact.text
        assert httpx.get(base + "/static/site.css").status_code == 200
        assert httpx.get(base + "/timeline.db").status_code == 403  # allow_download off
        source = httpx.get(base + "/timeline/sources/gazette").text
        assert "It is a great day for the town" not in source  # excerpts only: that sentence is not cited
        assert "content-security-policy" in fact.headers
    finally:
        process.terminate()
        process.wait(timeout=20)
