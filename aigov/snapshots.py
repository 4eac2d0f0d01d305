"""Pinned snapshots of raw files: their committed manifests, and hash checks.

A manifest ``snapshots/<name>.tsv`` is committed for each snapshot the project
reads; the raw files themselves are not committed. ``aigov.snapshot_fetch``
downloads them from the pinned commit (or copies them from a mirror) into
``.cache/snapshots/<name>/``; ``snapshot_fetch.default_snapshot_root`` says which
folder to read (that cache, or ``../shared/snapshots`` on a machine that has it).
Its header lines (``# key: value``) say where the files come from: repository,
commit, optional folder inside the repository, date retrieved, terms of use;
each other line is ``sha256<TAB>path``, a relative path with ``/`` separators
that never leaves the snapshot's folder (no absolute path, no ``..``).
An importer calls ``verified(...)`` first and refuses a file whose bytes differ.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from dataclasses import dataclass, field


@dataclass
class Manifest:
    name: str
    meta: dict[str, str]
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256

    @property
    def repository(self) -> str:
        return self.meta["repository"]

    @property
    def commit(self) -> str:
        return self.meta["commit"]

    def url(self, path: str) -> str:
        """The address of one file at the pinned commit (a GitHub blob page)."""
        folder = self.meta.get("folder")
        return f"{self.repository}/blob/{self.commit}/{folder + '/' if folder else ''}{path}"


class SnapshotError(Exception):
    pass


_DIGEST = re.compile(r"[0-9a-f]{64}")


def path_problem(rel: str) -> str | None:
    """Why ``rel`` cannot name a file inside a snapshot's folder, or None. A manifest path is
    relative, uses ``/`` only, and has no empty, ``.`` or ``..`` part, so that joining it to
    any folder can never reach outside that folder."""
    if not rel:
        return "empty path"
    if any(ord(c) < 32 or ord(c) == 127 for c in rel):
        return "control character in the path"
    if rel.startswith("/") or os.path.isabs(rel) or re.match(r"[A-Za-z]:", rel):
        return "absolute path"
    if "\\" in rel:
        return "backslash in the path (use /)"
    if any(part in ("", ".", "..") for part in rel.split("/")):
        return "empty, '.' or '..' part in the path"
    return None


def read_manifest(path: str) -> Manifest:
    name = os.path.splitext(os.path.basename(path))[0]
    manifest = Manifest(name, {})
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("#"):
                key, _, value = line[1:].partition(":")
                manifest.meta[key.strip()] = value.strip()
                continue
            digest, _, rel = line.partition("\t")
            if not _DIGEST.fullmatch(digest) or not rel:
                raise SnapshotError(f"{path}:{number}: expected 'sha256<TAB>path' (64 lowercase hex digits, a tab, a path)")
            problem = path_problem(rel)
            if problem:
                raise SnapshotError(f"{path}:{number}: {rel!r}: {problem}; a manifest path is relative to the snapshot's folder and stays inside it")
            if rel in manifest.files:
                raise SnapshotError(f"{path}:{number}: {rel!r} is listed twice")
            manifest.files[rel] = digest
    for key in ("repository", "commit"):
        if key not in manifest.meta:
            raise SnapshotError(f"{path}: missing header line '# {key}: …'")
    return manifest


def known_files(manifest_dir: str) -> set[str]:
    """'<snapshot>/<path>' for every file of every committed manifest."""
    known = set()
    if not os.path.isdir(manifest_dir):
        return known
    for name in sorted(os.listdir(manifest_dir)):
        if name.endswith(".tsv"):
            manifest = read_manifest(os.path.join(manifest_dir, name))
            known |= {f"{manifest.name}/{rel}" for rel in manifest.files}
    return known


def verified(manifest: Manifest, folder: str) -> dict[str, bytes]:
    """The bytes of every file in the manifest, read from ``folder``; raises
    SnapshotError naming each file that is missing or differs from its sha256."""
    out, bad = {}, []
    for rel, digest in sorted(manifest.files.items()):
        problem = path_problem(rel)
        if problem:
            raise SnapshotError(f"snapshot {manifest.name}: {rel!r}: {problem}")
        path = os.path.join(folder, *rel.split("/"))
        body = _read(folder, rel, bad)
        if body is None:
            continue
        actual = hashlib.sha256(body).hexdigest()
        if actual != digest:
            bad.append(f"{path}: sha256 {actual} differs from the manifest's {digest}")
            continue
        out[rel] = body
    if bad:
        raise SnapshotError(f"snapshot {manifest.name} in {folder} does not match snapshots/{manifest.name}.tsv:\n  " + "\n  ".join(bad))
    return out


_NOFOLLOW = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _read(folder: str, rel: str, bad: list[str]) -> bytes | None:
    """The bytes of the snapshot file ``rel`` under ``folder``, or None with the reason added to ``bad``:
    missing, a symbolic link (the file, or a folder on its way: never followed, even to the right
    bytes), or not an ordinary file."""
    parts = rel.split("/")
    path = os.path.join(folder, *parts)
    for i in range(1, len(parts) + 1):
        step = os.path.join(folder, *parts[:i])
        try:
            info = os.lstat(step)
        except OSError:
            bad.append(f"{path}: missing")
            return None
        if stat.S_ISLNK(info.st_mode):
            bad.append(f"{step}: a symbolic link; a snapshot is read only from its own files, never through a link: "
                       "fetch the snapshot again (python build.py fetch-snapshots)")
            return None
    if not stat.S_ISREG(info.st_mode):
        bad.append(f"{path}: not an ordinary file")
        return None
    try:
        fd = os.open(path, _NOFOLLOW)
        with os.fdopen(fd, "rb") as fh:
            return fh.read()
    except OSError as exc:
        bad.append(f"{path}: cannot be read ({exc.strerror or exc})")
        return None
