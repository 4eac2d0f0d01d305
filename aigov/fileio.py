"""One way to write a file: whole or not at all, never through a symbolic link; and one way to
read a file or a folder a command did not make, never through a link either.

Every writer of the build uses ``write_atomic``: the package and the generated docs, the
release files, the parse cache, ``--fix``, ``new`` and the importers. ``read_plain`` and
``read_folder`` read the repository files shipped in the release zip and the package folder
that dist and site read (``snapshots.verified`` and ``load`` make the same refusals their own way).
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable


def write_atomic(path: str, body: bytes | Callable[[str], None], mode: int | None = None, replace: bool = True) -> str:
    """Write ``body`` to a temporary file beside ``path`` and move it into place, so that a
    reader never sees half a file; a symbolic link at ``path`` is replaced, not followed.

    ``body`` is the bytes, or a function that writes the file at the path it is given (for
    writers that need a path: SQLite, Parquet, xlsx, zip). The file gets ``mode``, by default
    the mode of an ordinary new file (mkstemp's is private). With ``replace=False`` an existing
    file (or link) at ``path`` is never replaced: FileExistsError instead. Returns ``path``.
    """
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            if not callable(body):
                fh.write(body)
        if callable(body):
            body(tmp)
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        if replace:
            os.replace(tmp, path)
        else:
            _create(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _create(tmp: str, path: str) -> None:
    """Move ``tmp`` to ``path`` unless something is there (even a dangling link)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: rename, which Windows refuses over a file
        if os.path.lexists(path):
            raise FileExistsError(path) from None
        os.rename(tmp, path)
        return
    os.unlink(tmp)


class OutputRefused(Exception):
    """An output path the command cannot use; nothing was touched."""

    plain = True  # the command line (aigov/cli.py: run) prints the message, not a traceback


def usable_folder(path: str, option: str = "--out") -> str:
    """The absolute path of an output folder a command may write, or OutputRefused saying why not:
    a symbolic link, an existing file, or a folder whose parent does not exist. Checked before
    anything is written, so a refused path is left exactly as it was."""
    path = os.path.abspath(path)
    if os.path.islink(path):
        raise OutputRefused(f"{option} {path} is a symbolic link; commands do not write through links: choose a folder")
    if os.path.exists(path) and not os.path.isdir(path):
        raise OutputRefused(f"{option} {path} is a file, not a folder: choose a folder (it is left as it is)")
    parent = os.path.dirname(path)
    if not os.path.isdir(parent):
        raise OutputRefused(f"{option} {path}: the folder that would hold it, {parent}, does not exist; create it first")
    return path


class LinkRefused(Exception):
    """A file or folder a command would read through a symbolic link (or that is not an ordinary
    file); nothing was read from it."""

    plain = True  # the command line prints the message, not a traceback


# O_NOFOLLOW: opening fails if the last part of the path became a link since it was looked at.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def read_plain(path: str, what: str) -> bytes:
    """The bytes of the ordinary file at ``path``; LinkRefused if it is a symbolic link (followed by
    nothing) or not an ordinary file (a pipe would block). ``what`` says in the message what the
    file is for. A missing file raises FileNotFoundError, as open() does."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        raise LinkRefused(f"{path} is a symbolic link; {what} is read only from ordinary files, never through a link: "
                          "replace the link by the file itself")
    if not stat.S_ISREG(info.st_mode):
        raise LinkRefused(f"{path} is not an ordinary file (a folder, pipe or device); {what} must be an ordinary file")
    fd = os.open(path, _READ_FLAGS)
    with os.fdopen(fd, "rb") as fh:
        return fh.read()


def read_folder(folder: str, what: str, skip_hidden: bool = True) -> dict[str, bytes]:
    """Every file under ``folder`` as relative path (with '/') -> bytes, through no link: LinkRefused
    if the folder itself, a folder inside it or a file in it is a symbolic link. Names starting with
    '.' (a writer's temporary file) are skipped with ``skip_hidden``."""
    if os.path.islink(folder):
        raise LinkRefused(f"{folder} is a symbolic link; {what} is read only from the folder itself, never through a link: "
                          "give the folder's own path")
    files = {}
    for base, dirs, names in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in dirs:
            if os.path.islink(os.path.join(base, name)):
                raise LinkRefused(f"{os.path.join(base, name)} is a symbolic link to a folder; {what} is read only from "
                                  "ordinary files and folders, never through a link: replace the link by the folder itself")
        for name in sorted(names):
            if skip_hidden and name.startswith("."):
                continue
            path = os.path.join(base, name)
            files[os.path.relpath(path, folder).replace(os.sep, "/")] = read_plain(path, what)
    return files
