"""Snapshots that travel: the raw files of each committed manifest, fetched into a local cache.

A manifest ``snapshots/<name>.tsv`` pins a repository, a commit and the sha256 of every file
the importers read (``aigov.snapshots``). ``fetch`` gets each file's bytes either from the
pinned upstream address (for a GitHub repository
``https://raw.githubusercontent.com/<owner>/<repo>/<commit>/<folder/><path>``) or from a
mirror laid out as ``<mirror>/<name>/<path>`` — a local folder such as ``../shared/snapshots``
or an ``http(s)://`` address serving the same layout — checks its sha256 *before* storing it,
and stores it whole (a temporary file moved into place) as ``<cache>/<name>/<path>``, by
default ``.cache/snapshots/`` in the repository (gitignored). A file whose bytes differ from
the manifest is refused, naming the file and both hashes, and nothing is stored for it; a file
already in the cache with the right hash is not fetched again. Standard library only.

``default_snapshot_root(repo_root)`` is the folder importers and tests read: the cache when it
holds every manifest's files, else ``../shared/snapshots`` where that exists.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import http.client
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Callable

from .fileio import write_atomic
from .snapshots import Manifest, SnapshotError, path_problem, read_manifest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository
CACHE = os.path.join(".cache", "snapshots")  # relative to the repository
SHARED = os.path.join("..", "shared", "snapshots")  # beside a clone, on machines that have it
MAX_BYTES = 256 * 1024 * 1024  # no snapshot file comes near this; a larger answer is refused
TIMEOUT = 60  # seconds per request
USER_AGENT = "global-ai-governance-snapshot-fetch (Python urllib)"

Getter = Callable[[str], bytes]


@dataclass
class FetchReport:
    """What one ``fetch`` did: the files it downloaded or copied, and those already cached."""

    name: str
    cache: str  # <cache_dir>/<name>
    fetched: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.name}: {len(self.fetched)} file{'s' * (len(self.fetched) != 1)} fetched, "
                f"{len(self.cached)} already in {self.cache}")


def cache_root(repo_root: str = ROOT) -> str:
    """The default cache folder, ``<repo_root>/.cache/snapshots``."""
    return os.path.join(repo_root, CACHE)


def manifest_paths(repo_root: str = ROOT, names=None) -> list[str]:
    """The committed manifests ``snapshots/<name>.tsv`` (all, or those of ``names``), sorted."""
    folder = os.path.join(repo_root, "snapshots")
    found = sorted(n[:-4] for n in os.listdir(folder) if n.endswith(".tsv")) if os.path.isdir(folder) else []
    if names:
        unknown = [n for n in names if n not in found]
        if unknown:
            raise SnapshotError(f"no manifest snapshots/{unknown[0]}.tsv (known: {', '.join(found) or 'none'})")
        found = [n for n in found if n in names]
    return [os.path.join(folder, f"{n}.tsv") for n in found]


def github_repository(manifest: Manifest) -> tuple[str, str]:
    """(owner, repository) of a manifest whose repository is a github.com address."""
    parsed = urllib.parse.urlsplit(manifest.repository)
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.scheme != "https" or parsed.netloc.lower() != "github.com" or len(parts) != 2:
        raise SnapshotError(f"snapshot {manifest.name}: its repository {manifest.repository!r} is not a GitHub "
                            "repository (https://github.com/<owner>/<repository>), so it has no upstream address; "
                            "fetch it from a mirror")
    owner, repo = parts[0], parts[1].removesuffix(".git")
    return owner, repo


def _checked(manifest: Manifest, rel: str) -> str:
    problem = path_problem(manifest.name) or path_problem(rel)
    if problem or "/" in manifest.name:
        raise SnapshotError(f"snapshot {manifest.name}: {rel!r}: {problem or 'a snapshot name has no /'}; "
                            "a manifest path is relative to the snapshot's folder and stays inside it")
    return rel


def upstream_url(manifest: Manifest, rel: str, commit: str | None = None) -> str:
    """The raw address of one file at the pinned commit (or at ``commit``)."""
    _checked(manifest, rel)
    owner, repo = github_repository(manifest)
    commit = commit or manifest.commit
    if not (len(commit) == 40 and all(c in "0123456789abcdef" for c in commit)):
        raise SnapshotError(f"snapshot {manifest.name}: commit {commit!r} is not a full 40-digit commit id")
    folder = manifest.meta.get("folder", "").strip("/")
    if folder and path_problem(folder):
        raise SnapshotError(f"snapshot {manifest.name}: '# folder: {folder}': {path_problem(folder)}")
    path = f"{folder}/{rel}" if folder else rel
    return (f"https://raw.githubusercontent.com/{urllib.parse.quote(owner)}/{urllib.parse.quote(repo)}/{commit}/"
            + urllib.parse.quote(path, safe="/"))


def is_url(mirror: str) -> bool:
    return urllib.parse.urlsplit(mirror).scheme.lower() in ("http", "https")


def mirror_location(mirror: str, name: str, rel: str) -> str:
    """Where a mirror keeps one file: ``<mirror>/<name>/<path>`` (an address or a local path)."""
    if is_url(mirror):
        return f"{mirror.rstrip('/')}/{urllib.parse.quote(name)}/{urllib.parse.quote(rel, safe='/')}"
    if "://" in mirror:
        raise SnapshotError(f"mirror {mirror!r}: give a local folder or an http(s):// address")
    return os.path.join(mirror, name, *rel.split("/"))


def http_get(url: str, timeout: float = TIMEOUT, retries: int = 3, max_bytes: int = MAX_BYTES) -> bytes:
    """The body of an http(s) GET. Retries a refused connection, a timeout, 429 and 5xx answers
    (after 1, 2, 4… seconds); raises SnapshotError naming the address otherwise."""
    if not is_url(url):
        raise SnapshotError(f"{url}: only http(s) addresses are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked above
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise SnapshotError(f"{url}: {length} bytes, more than the {max_bytes} a snapshot file may have")
                body = response.read(max_bytes + 1)
                if len(body) > max_bytes:
                    raise SnapshotError(f"{url}: more than the {max_bytes} bytes a snapshot file may have")
                return body
        except urllib.error.HTTPError as exc:
            if exc.code != 429 and exc.code < 500 or attempt == retries:
                raise SnapshotError(f"{url}: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as exc:
            if attempt == retries:
                raise SnapshotError(f"{url}: {getattr(exc, 'reason', exc)}") from None
        time.sleep(2 ** attempt)
    raise AssertionError("unreachable")


def _read_local(path: str, max_bytes: int = MAX_BYTES) -> bytes:
    try:
        with open(path, "rb") as fh:
            body = fh.read(max_bytes + 1)
    except OSError as exc:
        raise SnapshotError(f"{path}: {exc.strerror or exc}") from None
    if len(body) > max_bytes:
        raise SnapshotError(f"{path}: more than the {max_bytes} bytes a snapshot file may have")
    return body


def _sha256_of_file(path: str) -> str | None:
    """The sha256 of an ordinary file (not a link), or None where there is none."""
    if os.path.islink(path) or not os.path.isfile(path):
        return None
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def store(folder: str, rel: str, body: bytes) -> str:
    """Write ``body`` as ``folder/rel`` whole or not at all (a temporary file moved into place).
    The folders on the way are created; a symbolic link among them is refused, so nothing is
    ever written outside ``folder`` (a link at the file itself is replaced, not followed)."""
    parts = rel.split("/")
    current = folder
    os.makedirs(folder, exist_ok=True)
    for part in parts[:-1]:
        current = os.path.join(current, part)
        if os.path.islink(current):
            raise SnapshotError(f"{current}: a symbolic link inside the cache; remove it and fetch again")
        if not os.path.isdir(current):
            os.mkdir(current)
    target = os.path.join(current, parts[-1])
    write_atomic(target, body)
    return target


def in_cache(folder: str, rel: str, digest: str) -> bool:
    """Whether ``folder/rel`` is an ordinary file whose sha256 is ``digest``."""
    return _sha256_of_file(os.path.join(folder, *rel.split("/"))) == digest


def fetch(manifest: Manifest | str, mirror: str | None = None, cache_dir: str | None = None,
          get: Getter | None = None, workers: int = 8) -> FetchReport:
    """Fill ``<cache_dir>/<name>/`` with every file of ``manifest`` (a Manifest or the path of a
    ``snapshots/<name>.tsv``).

    The bytes come from ``mirror`` (a folder or an http(s) address laid out as
    ``<mirror>/<name>/<path>``) when it is given, else from the pinned upstream address
    (``upstream_url``). Each file's sha256 is checked before it is stored; a file whose hash
    differs is not stored. Files already cached with the right hash are not fetched again.
    ``get(url) -> bytes`` replaces the HTTP client (tests). Raises SnapshotError listing every
    file that could not be fetched or differs, after storing the others."""
    if isinstance(manifest, str):
        manifest = read_manifest(manifest)
    cache_dir = cache_dir if cache_dir is not None else cache_root()
    folder = os.path.join(cache_dir, manifest.name)
    report = FetchReport(manifest.name, folder)
    wanted = []
    for rel, digest in sorted(manifest.files.items()):
        _checked(manifest, rel)
        if in_cache(folder, rel, digest):
            report.cached.append(rel)
        else:
            wanted.append(rel)
    if not wanted:
        return report
    get = get or http_get

    def location(rel: str) -> str:
        return mirror_location(mirror, manifest.name, rel) if mirror else upstream_url(manifest, rel)

    def download(rel: str) -> bytes:
        where = location(rel)
        return get(where) if is_url(where) else _read_local(where)

    problems = []
    os.makedirs(folder, exist_ok=True)
    # Downloads run in threads; hashing and storing stay in this thread, one file at a time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(workers, len(wanted)))) as pool:
        futures = {pool.submit(download, rel): rel for rel in wanted}
        for future in concurrent.futures.as_completed(futures):
            rel = futures[future]
            try:
                body = future.result()
            except SnapshotError as exc:
                problems.append(f"{manifest.name}/{rel}: {exc}")
                continue
            expected, actual = manifest.files[rel], hashlib.sha256(body).hexdigest()
            if actual != expected:
                problems.append(f"{manifest.name}/{rel}: refused, not stored: the bytes from {location(rel)} have sha256 "
                                f"{actual}, the manifest snapshots/{manifest.name}.tsv says {expected}")
                continue
            try:
                store(folder, rel, body)
            except OSError as exc:
                problems.append(f"{manifest.name}/{rel}: cannot store it in {folder}: {exc}")
                continue
            report.fetched.append(rel)
    report.fetched.sort()
    if problems:
        source = f"mirror {mirror}" if mirror else f"{manifest.repository} at {manifest.commit}"
        raise SnapshotError(f"snapshot {manifest.name} from {source}: {len(problems)} of {len(manifest.files)} files "
                            f"not fetched ({len(report.fetched)} fetched, {len(report.cached)} already cached):\n  "
                            + "\n  ".join(sorted(problems)))
    return report


def fetch_all(repo_root: str = ROOT, names=None, mirror: str | None = None, cache_dir: str | None = None,
              get: Getter | None = None) -> list[FetchReport]:
    """``fetch`` for every committed manifest of ``repo_root`` (or those named), into
    ``cache_dir`` (default ``<repo_root>/.cache/snapshots``). Every manifest is tried; a
    SnapshotError at the end names every file of every snapshot that failed."""
    cache_dir = cache_dir if cache_dir is not None else cache_root(repo_root)
    reports, problems = [], []
    for path in manifest_paths(repo_root, names):
        try:
            reports.append(fetch(path, mirror, cache_dir, get=get))
        except SnapshotError as exc:
            problems.append(str(exc))
    if problems:
        raise SnapshotError("\n".join(problems))
    return reports


def holds(folder: str, manifests: list[Manifest]) -> bool:
    """Whether ``folder`` holds every file of every manifest (``<folder>/<name>/<path>``) with its sha256."""
    return all(in_cache(os.path.join(folder, m.name), rel, digest) for m in manifests for rel, digest in m.files.items())


def default_snapshot_root(repo_root: str = ROOT) -> str:
    """The folder that holds one folder per snapshot, for importers and tests: the cache
    ``<repo_root>/.cache/snapshots`` when it holds every file of every committed manifest with
    its sha256; else ``<repo_root>/../shared/snapshots`` where that folder exists (the project's
    own machines); else the cache, whatever it holds, so that errors name the folder that
    ``fetch`` fills."""
    cache = cache_root(repo_root)
    manifests = [read_manifest(path) for path in manifest_paths(repo_root)]
    if manifests and holds(cache, manifests):
        return cache
    shared = os.path.normpath(os.path.join(repo_root, SHARED))
    if os.path.isdir(shared):
        return shared
    return cache
