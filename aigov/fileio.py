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
