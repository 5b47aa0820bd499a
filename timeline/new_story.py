"""A new story folder: what `timeline init` writes, so that `timeline check` passes in it at once."""
from __future__ import annotations

import json
import os

from timeline.errors import StoryExists
from timeline.site import NEW_STORY, SITE_SCHEMAS

# (file in the package, file in the story)
FILES = (
    ("facts/entities.yaml", "facts/entities.yaml"),
    ("facts/facts.yaml", "facts/facts.yaml"),
    ("sources/sources.yaml", "sources/sources.yaml"),
    ("metadata.json", "metadata.json"),
    ("README.md", "README.md"),
    ("gitignore", ".gitignore"),
)


def files(folder: str) -> list[tuple[str, str]]:
    """Every file `create` writes in `folder`, as (source path, target path)."""
    out = [(os.path.join(NEW_STORY, a), os.path.join(folder, b)) for a, b in FILES]
    for name in sorted(os.listdir(SITE_SCHEMAS)):
        out.append((os.path.join(SITE_SCHEMAS, name), os.path.join(folder, "schema", name)))
    return out


def create(folder: str, title: str | None = None) -> list[str]:
    """Write a new story into `folder` (created if needed); return the paths written.

    Nothing is overwritten: if any of the files exists, StoryExists names them and nothing is written.
    """
    folder = os.path.abspath(folder)
    planned = files(folder)
    present = [target for _, target in planned if os.path.lexists(target)]
    if present:
        raise StoryExists(present)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise NotADirectoryError(folder)
    title = title or default_title(folder)
    written = []
    for source, target in planned:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(source, encoding="utf-8") as f:
            text = f.read()
        if target.endswith("metadata.json"):
            text = json.dumps(dict(json.loads(text), title=title), indent=2, ensure_ascii=False) + "\n"
        elif target.endswith("README.md"):
            text = text.replace("{title}", title)
        with open(target, "x", encoding="utf-8") as f:
            f.write(text)
        written.append(target)
    return written


def default_title(folder: str) -> str:
    """'harbour-bridge' -> 'Harbour bridge'."""
    name = os.path.basename(os.path.normpath(folder)).replace("-", " ").replace("_", " ").strip()
    return (name[:1].upper() + name[1:]) if name else "A new story"
