"""One way to write a file: whole or not at all, never through a symbolic link.

Every writer of the build uses ``write_atomic``: the package and the generated docs, the
release files, the parse cache, ``--fix``, ``new`` and the importers.
"""

from __future__ import annotations

import os
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
