"""Publishing the site with `datasette publish` (Cloud Run, Fly, Vercel...) or `datasette package`.

`datasette publish` takes one database, one metadata file, one template folder, one plugins folder
and static mounts, and installs what `--install` names. The site lives inside this package and a
story may lay its own metadata.json and templates/ over it, so the pieces are first assembled into
one folder next to the excerpt database: `metadata.json` (merged, the reader's view: no curator's
workings), `templates/` (the site's, then the story's own on top) and `plugins/`: the site's plugins
and this package itself as a wheel, which the image installs from the files `datasette publish` copies
into it (the plugins import `timeline`: an image with Datasette alone could not start them).
"""
import base64
import hashlib
import os
import shlex
import shutil
import sys
import zipfile
from collections.abc import Sequence
from importlib.metadata import Distribution, PackageNotFoundError, distribution, version

from timeline.errors import SiteError
from timeline.site import SITE, server

PACKAGE = "package"  # `datasette package`: a Docker image built locally, instead of `datasette publish X`


PACKAGE_DIR = os.path.dirname(SITE)  # the installed `timeline` package
DIST = "timeline"


def assemble(folder: str, story_metadata: str = server.STORY_METADATA) -> tuple[str, str]:
    """Write the merged metadata, the template folder and the plugins folder (the site's plugins and
    this package as a wheel: `wheel()`) for publishing into `folder`; return the metadata's and the
    templates' paths (the plugins are `plugins_folder(folder)`)."""
    os.makedirs(folder, exist_ok=True)
    metadata = server.write_site_metadata(story_metadata, folder)
    templates = os.path.join(folder, "templates")
    shutil.rmtree(templates, ignore_errors=True)
    shutil.copytree(server.SITE_TEMPLATES, templates)
    own = os.path.join(os.path.dirname(os.path.abspath(story_metadata)), "templates")
    if os.path.isdir(own):
        shutil.copytree(own, templates, dirs_exist_ok=True)
    plugins = plugins_folder(folder)
    shutil.rmtree(plugins, ignore_errors=True)
    shutil.copytree(server.SITE_PLUGINS, plugins, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    wheel(plugins)
    return metadata, templates


def plugins_folder(folder: str) -> str:
    return os.path.join(folder, "plugins")


def wheel_name() -> str:
    return f"{DIST}-{_distribution().version}-py3-none-any.whl"


def _distribution() -> Distribution:
    try:
        return distribution(DIST)
    except PackageNotFoundError:
        raise SiteError("timeline is not installed as a package here, so it cannot be put into the published"
                        " image: pip install it (pip install /path/to/timeline), then publish") from None


def wheel(folder: str) -> str:
    """This package, as installed here, packed as a wheel into `folder` (its name: wheel_name()); return its
    path. The image `datasette publish` builds installs it (and, from the index, what it requires), so the
    site's plugins can import it. Built from the installed files, so it needs no build tools; the same
    files always give the same bytes (sorted, with a fixed time)."""
    dist = _distribution()
    info = f"{DIST}-{dist.version}.dist-info"
    meta = dist.metadata
    lines = ["Metadata-Version: 2.1", f"Name: {DIST}", f"Version: {dist.version}"]
    lines += [f"Summary: {meta['Summary']}"] if meta["Summary"] else []
    lines += [f"Requires-Python: {meta['Requires-Python']}"] if meta["Requires-Python"] else []
    lines += [f"Requires-Dist: {r}" for r in meta.get_all("Requires-Dist") or [] if "extra ==" not in r]
    entries = "".join(f"{e.name} = {e.value}\n" for e in dist.entry_points if e.group == "console_scripts")
    members: list[tuple[str, bytes]] = []
    for root, dirs, names in os.walk(PACKAGE_DIR):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            if not name.endswith((".pyc", ".pyo")):
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    members.append((os.path.relpath(path, os.path.dirname(PACKAGE_DIR)).replace(os.sep, "/"), f.read()))
    members.append((f"{info}/METADATA", ("\n".join(lines) + "\n").encode()))
    members.append((f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: timeline publish\nRoot-Is-Purelib: true\n"
                                     b"Tag: py3-none-any\n"))
    if entries:
        members.append((f"{info}/entry_points.txt", f"[console_scripts]\n{entries}".encode()))
    record = "".join(f"{name},sha256={_digest(data)},{len(data)}\n" for name, data in members) + f"{info}/RECORD,,\n"
    members.append((f"{info}/RECORD", record.encode()))
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, wheel_name())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return target


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def install() -> list[str]:
    """What the published image installs: Datasette and the plugins the site's pages use, at the versions
    installed here (the ones `timeline serve` runs), and this package from its wheel in the image's plugins
    folder (`datasette publish` copies the plugins folder to plugins/ and runs pip there). Written
    `name==version`: the Dockerfile runs `pip install` on them unquoted, so a `>` or `<` would be read by
    the shell as a redirection."""
    return [f"{name}=={version(name)}" for name in ("datasette", *server.PLUGINS.values())] + [
        f"plugins/{wheel_name()}"]


def public_options() -> str:
    """`timeline serve --public`'s settings, as `datasette publish --extra-options` takes them."""
    return " ".join(f"--setting {name} {value}" for name, value in server.PUBLIC_SETTINGS.items())


def command(publisher: str, db_path: str, metadata: str, templates: str, extra: Sequence[str] = ()) -> list[str]:
    """The `datasette publish PUBLISHER` (or `datasette package`) command line for the assembled site."""
    verb = ["package"] if publisher == PACKAGE else ["publish", publisher]
    line = [sys.executable, "-m", "datasette", *verb, db_path, "-m", metadata, "--template-dir", templates,
            "--plugins-dir", plugins_folder(os.path.dirname(templates)), "--static", f"static:{server.SITE_STATIC}"]
    for requirement in install():
        line += ["--install", requirement]
    return line + ["--extra-options", public_options(), *extra]


def as_typed(line: list[str]) -> str:
    """The command as a person would type it: `datasette` for `python -m datasette`, paths under the
    current folder relative to it."""
    if line[:3] == [sys.executable, "-m", "datasette"]:
        line = ["datasette", *line[3:]]
    here = os.getcwd() + os.sep
    line = [part.replace(here, "") if here in part else part for part in line]
    return " ".join(shlex.quote(part) for part in line)
