"""Reading the input folders as people and their editors leave them.

facts/ and sources/ are edited by hand, so a scan meets more than YAML and article files: an
editor's leftovers, a file that vanishes between being listed and being read, a symlink loop, a file
nobody may read, a named pipe or a device. Every scan of those folders (the build's readers, the
build cache's fingerprint, `timeline serve`'s watcher) goes through here, so all of them agree:

- **skipped, never read, never reported**: what editors leave next to the files they edit (see
  `leftover`): dot-files (`.#x.yaml`, the Emacs lock, is a symlink to nowhere; `.x.yaml.swp`, vim's
  swap; `.DS_Store`, `.gitkeep`), Emacs auto-saves `#x.yaml#`, backups `x.yaml~`, swap files named
  without the dot (`x.swp`, `.swo`, `.swx`), vim's write test `4913` (then 5036, 5159, ...: vim adds
  123), and JetBrains' `x___jb_tmp___` / `x___jb_old___`; dot-folders (`.git`) are not entered;
- **read**: regular files only (symlinks followed), opened so that nothing can block and never more
  than a size limit;
- **a problem a person can act on** (`Unreadable`, with what it is and what to do): a named pipe,
  device or socket, a symlink loop or a symlink to nothing, a file the build may not read, a read
  error, a file over the limit;
- a file listed and gone when it is read is simply not there (an editor replacing it; the next scan
  sees the new one).
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import threading
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from timeline.errors import Unreadable

# Vim checks that it may write in a folder by creating and deleting a file named 4913 (or, when that
# exists, 4913 + 123, + 246, ...).
_VIM_PROBE, _VIM_STEP = 4913, 123
IGNORED_FILES = ("README.md",)  # notes for people, in either folder: neither read nor reported
_BACKUP_SUFFIXES = ("~", ".swp", ".swo", ".swx", "___jb_tmp___", "___jb_old___")
_KINDS = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def leftover(name: str) -> bool:
    """True for a name an editor leaves behind (or a dot-file): never an input, never reported."""
    if name.startswith(".") or (name.startswith("#") and name.endswith("#")) or name.endswith(_BACKUP_SUFFIXES):
        return True
    return name.isdigit() and int(name) >= _VIM_PROBE and (int(name) - _VIM_PROBE) % _VIM_STEP == 0


def walk(folder: str | os.PathLike[str]) -> Iterator[tuple[str, str]]:
    """(path relative to `folder`, full path) of every entry under `folder` that is not a leftover and
    not a folder, in sorted order, dot-folders and leftovers left out. Symlinks to folders are not
    followed (a loop cannot trap the walk); an entry that is not a regular file is listed too, so the
    reader decides what to say about it. A folder that cannot be listed is left out."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not leftover(d))
        inside = os.path.relpath(dirpath, folder)
        prefix = "" if inside == "." else inside + os.sep
        for name in sorted(filenames):
            if not leftover(name):
                yield prefix + name, os.path.join(dirpath, name)


def story_path(path: str | os.PathLike[str], input_folder: str | os.PathLike[str]) -> str:
    """`path` as the story records it (in the database, in sources.yaml): relative to the story's folder,
    the one holding `input_folder` (its facts or sources folder), with '/' between its parts."""
    return os.path.relpath(path, os.path.dirname(os.path.abspath(input_folder))).replace(os.sep, "/")


def identity(st: os.stat_result) -> list[int]:
    """What identifies a file's version, from its os.stat result: size, modification and change times,
    inode. The change time matters: a file rewritten and given back its modification time (touch -d)
    still has a new ctime, which no program can set back."""
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def looked_at(paths: Iterable[str]) -> list[tuple[str, int | None, int | None]]:
    """(path, size, mtime_ns) of each of `paths`, or (path, None, None) for one that cannot be looked at:
    enough to notice a change without opening anything (`timeline serve`'s watcher)."""
    seen: list[tuple[str, int | None, int | None]] = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            seen.append((path, None, None))
            continue
        seen.append((path, info.st_size, info.st_mtime_ns))
    return seen


def write_atomically(path: str | os.PathLike[str], data: bytes, replace: bool = True) -> None:
    """Write the bytes `data` to `path` so that a reader sees the old file or the new one, never half of
    one: into a temporary file beside it, flushed to disk, then moved into place in one step. With
    `replace` False an existing file is never replaced: FileExistsError, and nothing is written."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails, rather than replacing, when the name is taken
        _sync_folder(os.path.dirname(os.path.abspath(path)))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def put_in_place(tmp: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Move the finished file `tmp` (written by another library: SQLite) to `path` in one step, with the
    permissions a new file in its folder gets; a reader sees the old file or the new one.

    The file replaced is given back to the system in a thread (see removed()): replacing it frees its
    blocks at once otherwise, 0.08-0.12 s for the 300 MB of a database of 100,000 facts, a step the
    caller waits for. It is kept by a second name ending in `.building-replaced-...` until then (what
    a killed build leaves there is a build's leftover: write.remove_leftovers)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    sync(tmp)
    kept = f"{path}.building-replaced-{os.getpid()}-{threading.get_ident()}"
    try:
        os.link(path, kept, follow_symlinks=False)
    except OSError:  # nothing there yet, or a file system without hard links: replaced as it is
        kept = ""
    try:
        os.replace(tmp, path)
    except OSError:
        if kept:
            _remove(kept)
        raise
    _sync_folder(os.path.dirname(os.path.abspath(path)))
    if kept:
        thread = threading.Thread(target=_remove, args=(kept,), name="timeline-remove")
        thread.start()
        _removing.append(thread)


_removing: list[threading.Thread] = []  # put_in_place's removals under way


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def removed() -> None:
    """Wait until every file put_in_place replaced is removed."""
    while _removing:
        _removing.pop().join()


def sync(path: str | os.PathLike[str]) -> None:
    """The file's bytes on disk (fsync), not only in the system's cache."""
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def _sync_folder(folder: str) -> None:
    """The folder's new entry on disk too (where the system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def kind_of(mode: int) -> str:
    for test, what in _KINDS:
        if test(mode):
            return what
    return "not a regular file"


def check_regular(path: str | os.PathLike[str]) -> os.stat_result:
    """os.stat of the regular file at `path` (symlinks followed); raises Unreadable or FileNotFoundError."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise Unreadable(f"it is a symbolic link to {os.readlink(path)!r}, which does not exist") from None
        raise
    except OSError as e:
        raise Unreadable(_strerror(e)) from None
    if not stat.S_ISREG(st.st_mode):
        raise Unreadable(f"it is {kind_of(st.st_mode)}, not a file")
    return st


def read_bytes(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them; raises Unreadable (with its size
    when it holds more) or FileNotFoundError. A pipe or device is never opened (a pipe would wait for
    a writer forever, /dev/zero never ends), and the open does not block even if one is swapped in."""
    with _open_regular(path) as (f, st):
        if st.st_size > limit:
            raise Unreadable(_too_large(st.st_size, limit), size=st.st_size)
        try:
            data = f.read(limit + 1)
        except OSError as e:
            raise Unreadable(_strerror(e)) from None
    if len(data) > limit:
        raise Unreadable(_too_large(len(data), limit), size=len(data))
    return data


def sha256_of(path: str | os.PathLike[str], limit: int) -> tuple[str, os.stat_result]:
    """(sha256 hex digest, os.stat result) of the regular file at `path`, read in pieces; a file over
    `limit` bytes raises Unreadable (with its size). Raises as read_bytes does."""
    digest = hashlib.sha256()
    with _open_regular(path) as (f, st):
        if st.st_size > limit:
            raise Unreadable(_too_large(st.st_size, limit), size=st.st_size)
        size = 0
        try:
            while chunk := f.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise Unreadable(_too_large(size, limit), size=size)
                digest.update(chunk)
        except OSError as e:
            raise Unreadable(_strerror(e)) from None
    return digest.hexdigest(), st


@contextlib.contextmanager
def _open_regular(path: str | os.PathLike[str]) -> Iterator[tuple[BinaryIO, os.stat_result]]:
    check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise
    except OSError as e:
        raise Unreadable(_strerror(e)) from None
    with open(fd, "rb", closefd=True) as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped for something else since the check
            raise Unreadable(f"it is {kind_of(st.st_mode)}, not a file")
        yield f, st


def _too_large(size: int, limit: int) -> str:
    mb = 1024 * 1024
    return f"it is {size / mb:.0f} MB; the limit is {limit // mb} MB"


def _strerror(error: OSError) -> str:
    if error.errno is not None and error.errno == getattr(os, "ELOOP", None) or "symbolic links" in str(error):
        return "it is a symbolic link that leads round in a loop"
    if isinstance(error, PermissionError):
        return "permission denied (the build may not read it)"
    return (error.strerror or str(error)).lower()
