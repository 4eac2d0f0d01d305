"""One way to write a file: whole or not at all, never through a symbolic link."""

from __future__ import annotations

import os
import tempfile


def write_atomic(path: str, body: bytes) -> None:
    """Write ``body`` to a temporary file beside ``path`` and move it into place, so that a
    reader never sees half a file; a symbolic link at ``path`` is replaced, not followed. The
    file gets the mode of an ordinary new file (mkstemp's is private)."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


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
