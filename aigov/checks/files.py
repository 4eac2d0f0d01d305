"""File checks: what in sources/ the build would otherwise ignore silently, and what it refuses
to read (``records.source_files`` lists the record files it does read)."""

from __future__ import annotations

import os
import stat

from ..problems import Problem
from ..records import _lstat, _shown
from ..schema import FILE_TABLES


def check(src_dir: str) -> list[Problem]:
    """Symbolic links (files or folders, never followed), folders inside a record folder,
    anything that is not an ordinary file, folders the build cannot read, and files that are
    not records (outside the record folders, or not ending in .yaml)."""
    problems = []

    def refuse(path, message, code):
        problems.append(Problem(_shown(path), 1, 1, "", message, code=code))

    top = _lstat(src_dir)
    if top is not None and stat.S_ISLNK(top.st_mode):
        refuse(src_dir, "the sources folder is a symbolic link, which the build does not follow: use the folder itself", code="symbolic-link")
        return problems

    def unreadable(exc):
        refuse(exc.filename or src_dir, f"cannot read this folder ({exc.strerror or exc})", code="unreadable")

    for root, dirs, files in os.walk(src_dir, onerror=unreadable, followlinks=False):
        dirs.sort()
        rel = os.path.relpath(root, src_dir)
        for name in list(dirs):
            path = os.path.join(root, name)
            info = _lstat(path)
            if info is None or stat.S_ISLNK(info.st_mode):
                refuse(path, "symbolic link to a folder: links in sources/ are never followed; put the files themselves here",
                       code="symbolic-link")
                dirs.remove(name)
            elif rel != ".":
                refuse(path, "folder inside a record folder: records are files sources/<table>/<id>.yaml; move the files "
                             "up or remove the folder", code="folder-in-record-folder")
                dirs.remove(name)
        for name in sorted(files):
            _file(os.path.join(root, name), name, rel, refuse)
    return problems


def _file(path: str, name: str, rel: str, refuse) -> None:
    """``refuse`` a file in folder ``rel`` of sources/ that is not a record file."""
    info = _lstat(path)
    if info is None:
        return
    if stat.S_ISLNK(info.st_mode):
        refuse(path, "symbolic link: links in sources/ are never followed; replace the link by the file itself", code="symbolic-link")
    elif not stat.S_ISREG(info.st_mode):
        refuse(path, "not an ordinary file (a pipe, socket or device): record files are ordinary text files", code="not-a-regular-file")
    elif rel == "." or rel.split(os.sep)[0] not in FILE_TABLES or os.sep in rel:
        refuse(path, "file outside the record folders; records live in sources/<table>/<id>.yaml "
                     f"with <table> one of {', '.join(FILE_TABLES)}", code="file-outside-record-folders")
    elif name.endswith(".yml"):
        refuse(path, "use the extension .yaml, not .yml", code="yml-extension")
    elif not name.endswith(".yaml") and not name.startswith("."):
        refuse(path, "not a record file: record files end in .yaml", code="not-a-record-file")
