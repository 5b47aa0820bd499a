"""Publishing the site with `datasette publish` (Cloud Run, Fly, Vercel...) or `datasette package`.

`datasette publish` takes one database, one metadata file, one template folder, one plugins folder
and static mounts, and installs what `--install` names. The site lives inside this package and a
story may lay its own metadata.json and templates/ over it, so the pieces are first assembled into
one folder next to the excerpt database: `metadata.json` (merged), `templates/` (the site's, then
the story's own on top). The plugins and static files are the package's own folders.
"""
import os
import shlex
import shutil
import sys
from collections.abc import Sequence
from importlib.metadata import version

from timeline.site import server

PACKAGE = "package"  # `datasette package`: a Docker image built locally, instead of `datasette publish X`


def assemble(folder: str, story_metadata: str = server.STORY_METADATA) -> tuple[str, str]:
    """Write the merged metadata and the template folder for publishing into `folder`; return their paths."""
    os.makedirs(folder, exist_ok=True)
    metadata = server.write_site_metadata(story_metadata, folder)
    templates = os.path.join(folder, "templates")
    shutil.rmtree(templates, ignore_errors=True)
    shutil.copytree(server.SITE_TEMPLATES, templates)
    own = os.path.join(os.path.dirname(os.path.abspath(story_metadata)), "templates")
    if os.path.isdir(own):
        shutil.copytree(own, templates, dirs_exist_ok=True)
    return metadata, templates


def install() -> list[str]:
    """What the published image installs: Datasette and the plugins the site's pages use, at the versions
    installed here (the ones `timeline serve` runs). Written `name==version`: the Dockerfile runs
    `pip install` on them unquoted, so a `>` or `<` would be read by the shell as a redirection."""
    return [f"{name}=={version(name)}" for name in ("datasette", *server.PLUGINS.values())]


def public_options() -> str:
    """`timeline serve --public`'s settings, as `datasette publish --extra-options` takes them."""
    return " ".join(f"--setting {name} {value}" for name, value in server.PUBLIC_SETTINGS.items())


def command(publisher: str, db_path: str, metadata: str, templates: str, extra: Sequence[str] = ()) -> list[str]:
    """The `datasette publish PUBLISHER` (or `datasette package`) command line for the assembled site."""
    verb = ["package"] if publisher == PACKAGE else ["publish", publisher]
    line = [sys.executable, "-m", "datasette", *verb, db_path, "-m", metadata, "--template-dir", templates,
            "--plugins-dir", server.SITE_PLUGINS, "--static", f"static:{server.SITE_STATIC}"]
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
