"""An install of this repository alone (no requirements file, not editable) gives a `timeline` that starts a
story in a folder outside the repository and serves it as the site.

This is what a new user does. Three things are proved:

- pyproject.toml declares every runtime dependency: every module the package imports comes from a
  distribution pyproject.toml names or one of them requires (test_every_import_is_a_declared_dependency),
  and the installed `timeline` runs with those distributions alone (the Datasette plugins, which are
  never imported by name, included);
- the site (templates, plugins, static files, metadata) ships inside the package, not linked to the
  repository;
- the installed `timeline` runs init, check, build and serve from a folder outside the repository.

The package is built by pip from a copy of what a source distribution holds (pyproject.toml's build
backend, in its own build environment) and installed without its dependencies into a fresh virtual
environment. That environment sees the project's .venv only through a folder of links to the
distributions pyproject.toml declares and what they require, so nothing else installed there (the test
tools, mypy) is within its reach: some 3 s, against 15 s for an install of every dependency from the package
index with pip's cache warm (a minute with it cold)."""
import ast
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv

import httpx
import pytest
from conftest import ROOT
from packaging.requirements import Requirement
from test_public import free_port, wait_until_up


def normal(name):
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(pyproject=ROOT / "pyproject.toml"):
    """[Requirement] of pyproject.toml's [project.dependencies]."""
    with open(pyproject, "rb") as f:
        return [Requirement(r) for r in tomllib.load(f)["project"]["dependencies"]]


def closure(requirements):
    """{normal name: Distribution} of the installed distributions `requirements` name and, transitively,
    every one they require (markers evaluated here; extras followed where asked for). A requirement that
    is not installed raises PackageNotFoundError."""
    found, todo = {}, [(r, "") for r in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": extra}):
            continue
        name = normal(req.name)
        new_extras = set(req.extras) - found.get(name, (None, set()))[1]
        if name in found and not new_extras:
            continue
        dist = importlib.metadata.distribution(req.name)
        extras = found.get(name, (None, set()))[1] | set(req.extras)
        found[name] = (dist, extras)
        for line in dist.requires or []:
            todo += [(Requirement(line), e) for e in [""] + sorted(extras)]
    return {name: dist for name, (dist, _) in found.items()}


def imports(path):
    """(top-level module, line) of every absolute import in one file, those inside functions included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name.split(".")[0], node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split(".")[0], node.lineno


def undeclared(folder, requirements):
    """['path:line: module (why)'] for every import in the .py files under `folder` of a module that is
    neither the standard library's, the package's own, nor from a distribution in closure(requirements)."""
    allowed = set(closure(requirements))
    providers = importlib.metadata.packages_distributions()
    wrong = []
    for path in sorted(folder.rglob("*.py")):
        for module, line in imports(path):
            if module in sys.stdlib_module_names or module == "timeline":
                continue
            dists = {normal(d) for d in providers.get(module, [])}
            if not dists & allowed:
                why = (f"from {', '.join(sorted(dists))}, which pyproject.toml neither declares nor gets through"
                       " a dependency") if dists else "no installed distribution provides it"
                wrong.append(f"{path.relative_to(folder.parent)}:{line}: {module} ({why})")
    return wrong


def test_every_import_is_a_declared_dependency():
    assert undeclared(ROOT / "timeline", declared()) == []


def test_an_undeclared_import_is_found(tmp_path):
    """The check above can fail: a test tool, a library only a dependency's dependency brings, and a module
    nothing installs are each named; the standard library, the package and declared libraries are not."""
    package = tmp_path / "timeline"
    (package / "site").mkdir(parents=True)
    (package / "ok.py").write_text("import os\nimport yaml\nfrom jinja2 import Template\nfrom timeline import api\n"
                                   "from . import ok\nimport datasette.app\n")
    (package / "site" / "wrong.py").write_text("import json\n\ndef f():\n    import hypothesis.strategies\n"
                                               "    from jsonschema import validate\n    import no_such_module_xyz\n")
    assert [line.split(" (")[0] for line in undeclared(package, declared())] == [
        "timeline/site/wrong.py:4: hypothesis", "timeline/site/wrong.py:5: jsonschema",
        "timeline/site/wrong.py:6: no_such_module_xyz"]
    # without Datasette (and its plugins, which require it), Datasette and Jinja2 (which it brings) are not either
    assert [line.split(" (")[0] for line in undeclared(package, [r for r in declared() if "datasette" not in r.name])
            if "ok.py" in line] == ["timeline/ok.py:3: jinja2", "timeline/ok.py:6: datasette"]


def test_the_installed_dependencies_are_the_ones_pyproject_toml_allows():
    """The lock's versions (requirements.txt, installed in .venv) satisfy pyproject.toml's ranges: the
    install below runs on the versions a user's pip may choose."""
    wrong = [f"{r.name} {importlib.metadata.version(r.name)} is not {r.specifier}" for r in declared()
             if not r.specifier.contains(importlib.metadata.version(r.name), prereleases=True)]
    assert wrong == []


def link_distributions(dists, folder):
    """A folder of symbolic links to the files of `dists` (their top-level packages, modules and
    .dist-info), to be put on a Python's path: those distributions and nothing else installed beside them."""
    folder.mkdir()
    owners = {}
    for name, dist in dists.items():
        base = dist.locate_file("")
        tops = {p.parts[0] for p in dist.files or [] if p.parts and p.parts[0] not in ("..", "__pycache__")}
        assert tops, f"{name}: no files recorded"
        for top in tops:
            owners.setdefault(top, set()).add(name)
            if not (folder / top).exists():
                (folder / top).symlink_to(os.path.join(base, top))
    # a top-level folder shared with a distribution left out would let that one in too
    for dist in importlib.metadata.distributions():
        name = normal(dist.metadata["Name"])
        if name not in dists:
            shared = {p.parts[0] for p in dist.files or [] if p.parts} & set(owners)
            assert not shared, f"{name} (not a dependency) shares {shared} with {owners}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with `pip install --no-deps <a copy of the repository>` that sees only the declared
    dependencies of .venv (link_distributions); returns its bin folder."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"  # only what a source distribution holds: no .venv, no build leftovers
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copy(ROOT / "README.md", source)
    shutil.copytree(ROOT / "timeline", source / "timeline", ignore=shutil.ignore_patterns("__pycache__"))
    env = base / "venv"
    venv.create(env, with_pip=False, symlinks=True)
    dists = closure(declared())
    link_distributions(dists, base / "dependencies")
    site = sysconfig.get_path("purelib", vars={"base": str(env), "platbase": str(env)})
    with open(os.path.join(site, "dependencies.pth"), "w") as f:
        f.write(str(base / "dependencies") + "\n")
    # pip builds the wheel with pyproject.toml's build backend in an environment of its own, as for a user
    pip = subprocess.run([sys.executable, "-m", "pip", "--python", str(env / "bin" / "python"), "install", "--quiet",
                          "--disable-pip-version-check", "--no-deps", str(source)],
                         capture_output=True, text=True, timeout=600)
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    return env / "bin"


def run(bin, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(bin / "timeline"), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**env, "PATH": f"{bin}:{env.get('PATH', '')}"})


def test_the_installed_python_sees_the_declared_dependencies_only(installed):
    code = ("import importlib.util as u, timeline;"
            " print(timeline.__file__, *(bool(u.find_spec(m)) for m in ('datasette_ics', 'yaml', 'pytest', 'mypy')))")
    where = subprocess.run([str(installed / "python"), "-c", code], capture_output=True, text=True, cwd="/",
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    assert where.stdout.split()[1:] == ["True", "True", "False", "False"], where.stdout + where.stderr


def test_the_package_is_installed_not_linked_to_the_repository(installed):
    where = subprocess.run([str(installed / "python"), "-c", "import timeline.site as s; print(s.SITE)"],
                           capture_output=True, text=True, cwd="/",
                           env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    site = where.stdout.strip()
    assert "site-packages" in site and not site.startswith(str(ROOT)), where.stdout + where.stderr
    assert not os.path.islink(site) and os.path.realpath(site) == site
    for part in ("metadata.json", "templates/index.html", "templates/pages/chronology.html", "plugins/site.py",
                 "static/site.css", "schema/facts.schema.json", "story/facts/facts.yaml", "story/gitignore"):
        assert os.path.isfile(os.path.join(site, part)) and not os.path.islink(os.path.join(site, part)), part


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


def locked():
    """{normal name: Requirement} of every line of requirements.txt and requirements-test.txt."""
    pins = {}
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / name).read_text().splitlines():
            if line.split("#")[0].strip():
                req = Requirement(line.split("#")[0])
                pins[normal(req.name)] = req
    return pins


def test_the_lock_files_pin_every_package_their_packages_require():
    """What pip check below cannot see on this machine: a package a locked one requires that is installed
    here (so pip check is content) but missing from the lock files, which a fresh machine would lack."""
    pins = locked()
    assert all(len(r.specifier) == 1 and next(iter(r.specifier)).operator == "==" for r in pins.values()), pins
    wrong = [f"{r.name}: locked {r.specifier}, installed {importlib.metadata.version(r.name)}" for r in pins.values()
             if not r.specifier.contains(importlib.metadata.version(r.name), prereleases=True)]
    assert wrong == []
    # pip and setuptools: what `python -m venv` puts into every virtual environment
    assert sorted(set(closure(pins.values())) - set(pins) - {"pip", "setuptools"}) == []
    assert {"ast-serialize", "librt", "mypy-extensions", "pathspec"} <= set(closure([Requirement("mypy")]))


def test_the_lock_files_hold_every_package_they_need():
    # scripts/bootstrap.sh installs requirements.txt and requirements-test.txt with --no-deps: a package
    # missing from them would be missing from .venv, and pip check would name it
    result = subprocess.run([sys.executable, "-m", "pip", "check", "--disable-pip-version-check"],
                            capture_output=True, text=True)
    assert result.returncode == 0 and "No broken requirements found" in result.stdout, result.stdout + result.stderr
