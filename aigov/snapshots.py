"""Pinned snapshots of raw files: their committed manifests, and hash checks.

A manifest ``snapshots/<name>.tsv`` is committed for each snapshot the project
reads; the raw files themselves are not committed (they live in
``../shared/snapshots/<name>/``, or any folder given on the command line).
Its header lines (``# key: value``) say where the files come from: repository,
commit, date retrieved, terms of use; each other line is ``sha256<TAB>path``.
An importer calls ``verified(...)`` first and refuses a file whose bytes differ.
"""

from __future__ import annotations

import hashlib
import os
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
            if len(digest) != 64 or not rel:
                raise SnapshotError(f"{path}:{number}: expected 'sha256<TAB>path'")
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
        path = os.path.join(folder, rel)
        try:
            with open(path, "rb") as fh:
                body = fh.read()
        except OSError:
            bad.append(f"{path}: missing")
            continue
        actual = hashlib.sha256(body).hexdigest()
        if actual != digest:
            bad.append(f"{path}: sha256 {actual} differs from the manifest's {digest}")
            continue
        out[rel] = body
    if bad:
        raise SnapshotError(f"snapshot {manifest.name} in {folder} does not match snapshots/{manifest.name}.tsv:\n  " + "\n  ".join(bad))
    return out
