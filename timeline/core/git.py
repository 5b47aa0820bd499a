"""Running git on a story's folder: the one place the build asks git anything.

A build asks git for the last commit that touched the facts folder before it loads anything else (a
build with nothing changed stops there); timeline.database.history reads the commits themselves.
"""
from __future__ import annotations

import os
import subprocess

from timeline.errors import GitUnavailable

GIT_TIMEOUT = 300  # seconds for one git command: a huge repository stops here instead of hanging a build


def git(folder: str, *args: str, data: bytes | None = None) -> bytes:
    """stdout (bytes) of `git <args>` run in `folder`; raises GitUnavailable."""
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    try:
        done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=folder, input=data,
                              capture_output=True, timeout=GIT_TIMEOUT, env=env)
    except (OSError, subprocess.SubprocessError) as e:
        raise GitUnavailable(str(e)) from None
    if done.returncode != 0:
        raise GitUnavailable(done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def last_commit(folder: str) -> str | None:
    """The last commit on HEAD's first-parent line that touched `folder`, or None (no git, no
    repository, nothing committed there)."""
    if not os.path.isdir(folder):
        return None
    try:
        out = git(folder, "log", "-1", "--first-parent", "--format=%H", "--", ".").decode().strip()
    except GitUnavailable:
        return None
    return out or None
