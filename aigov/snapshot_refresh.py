"""Refreshing a pinned snapshot to a newer upstream commit, and the record-level report of what
that changes (the weekly workflow .github/workflows/refresh-snapshots.yml; CONTRIBUTING.md,
"Imported records").

``latest_commit`` asks ``git ls-remote`` for the repository's newest commit (HEAD).
``refresh_manifest`` downloads every file the manifest lists at that commit (the same list:
a file added upstream is not picked up, one removed upstream stops the refresh), rewrites
``# commit:``, ``# committed:`` and ``# retrieved:`` and each file's sha256, and stores the
new bytes in the snapshot cache so the importers can run straight after. The fetcher is a
parameter, so all of it runs offline in the tests. ``pull_request_body`` lists the
record-level changes between two built packages (``release.changes``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass, field

from . import release
from .fileio import write_atomic
from .snapshot_fetch import ROOT, Getter, cache_root, github_repository, http_get, manifest_paths, store, upstream_url
from .snapshots import Manifest, SnapshotError, read_manifest

_COMMIT = re.compile(r"[0-9a-f]{40}")
UNXML = "https://github.com/UNxml/"  # the UN's repositories the weekly refresh follows


@dataclass
class Refresh:
    """One manifest's refresh: the commits, and the files whose bytes changed between them."""

    name: str
    repository: str
    old_commit: str
    new_commit: str
    changed: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"- `snapshots/{self.name}.tsv`: {self.repository} {self.old_commit[:8]} → {self.new_commit[:8]} "
                f"([compare]({self.repository}/compare/{self.old_commit}...{self.new_commit})); "
                f"{len(self.changed)} of the listed files changed" + (": " + ", ".join(f"`{p}`" for p in self.changed[:20]) if self.changed else "")
                + (f" and {len(self.changed) - 20} more" if len(self.changed) > 20 else ""))


def latest_commit(repository: str, run=subprocess.run) -> str:
    """The commit HEAD of ``repository`` points at, by ``git ls-remote`` (no clone)."""
    try:
        out = run(["git", "ls-remote", "--", repository, "HEAD"], capture_output=True, text=True, check=True, timeout=120).stdout
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        raise SnapshotError(f"git ls-remote {repository}: {getattr(exc, 'stderr', None) or exc}") from None
    for line in out.splitlines():
        commit, _, ref = line.partition("\t")
        if ref.strip() == "HEAD" and _COMMIT.fullmatch(commit.strip()):
            return commit.strip()
    raise SnapshotError(f"git ls-remote {repository}: no HEAD commit in its answer")


def commit_date(manifest: Manifest, commit: str, get: Getter = http_get) -> str | None:
    """The committer date of ``commit`` from the GitHub API, or None where it cannot be had
    (``refresh_manifest`` then drops the ``# committed:`` line rather than keep a wrong one)."""
    owner, repo = github_repository(manifest)
    try:
        data = json.loads(get(f"https://api.github.com/repos/{owner}/{repo}/commits/{commit}"))
        date = data["commit"]["committer"]["date"]
    except (SnapshotError, ValueError, KeyError, TypeError):
        return None
    return date if isinstance(date, str) and re.fullmatch(r"[0-9T:+\-Z.]{10,40}", date) else None


def manifest_text(text: str, commit: str, digests: dict[str, str], retrieved: str, committed: str | None) -> str:
    """The manifest ``text`` with a new commit, date retrieved, commit date (dropped when None)
    and sha256 per file; every other line (the terms, what it is, who uses it) stays as written."""
    out = []
    for line in text.splitlines():
        if line.startswith("#"):
            key = line[1:].partition(":")[0].strip()
            if key == "commit":
                line = f"# commit: {commit}"
            elif key == "retrieved":
                line = f"# retrieved: {retrieved}"
            elif key == "committed":
                if committed is None:
                    continue
                line = f"# committed: {committed}"
        elif line:
            _, _, rel = line.partition("\t")
            line = f"{digests[rel]}\t{rel}"
        out.append(line)
    return "\n".join(out) + "\n"


def refresh_manifest(path: str, commit: str, get: Getter = http_get, today: str | None = None,
                     committed: str | None = None, cache_dir: str | None = None) -> Refresh | None:
    """Re-pin the manifest at ``path`` to ``commit``: download every listed file from its raw
    address at that commit, store it in ``<cache_dir>/<name>/`` (when given) and rewrite the
    manifest (commit, ``committed`` date, ``retrieved`` = ``today``, each sha256). None when the
    manifest already pins ``commit``. Raises SnapshotError naming every file that cannot be had
    at the new commit; then neither the manifest nor the cache is touched."""
    if not _COMMIT.fullmatch(commit):
        raise SnapshotError(f"{commit!r} is not a full 40-digit commit id")
    manifest = read_manifest(path)
    if manifest.commit == commit:
        return None
    bodies, problems = {}, []
    for rel in sorted(manifest.files):
        url = upstream_url(manifest, rel, commit)
        try:
            bodies[rel] = get(url)
        except SnapshotError as exc:
            problems.append(f"{rel}: {exc}")
    if problems:
        raise SnapshotError(f"snapshots/{manifest.name}.tsv: {len(problems)} listed files cannot be had at "
                            f"{manifest.repository} {commit} (removed or moved upstream? edit the manifest by hand):\n  "
                            + "\n  ".join(problems))
    digests = {rel: hashlib.sha256(body).hexdigest() for rel, body in bodies.items()}
    if cache_dir is not None:
        for rel, body in bodies.items():
            store(os.path.join(cache_dir, manifest.name), rel, body)
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    today = today or dt.date.today().isoformat()
    write_atomic(path, manifest_text(text, commit, digests, today, committed).encode("utf-8"))
    return Refresh(manifest.name, manifest.repository, manifest.commit, commit,
                   sorted(rel for rel in digests if digests[rel] != manifest.files[rel]))


def refresh_all(repo_root: str = ROOT, names=None, prefix: str = UNXML, get: Getter = http_get,
                run=subprocess.run, today: str | None = None, cache_dir: str | None = None) -> list[Refresh]:
    """``refresh_manifest`` for every committed manifest whose repository starts with ``prefix``
    (the UN's UNxml repositories) and whose upstream HEAD is another commit than the pinned one.
    Returns the refreshes made (empty: every manifest is current)."""
    cache_dir = cache_dir if cache_dir is not None else cache_root(repo_root)
    done = []
    for path in manifest_paths(repo_root, names):
        manifest = read_manifest(path)
        if not manifest.repository.startswith(prefix):
            continue
        commit = latest_commit(manifest.repository, run=run)
        if commit == manifest.commit:
            continue
        result = refresh_manifest(path, commit, get=get, today=today, committed=commit_date(manifest, commit, get),
                                  cache_dir=cache_dir)
        if result is not None:
            done.append(result)
    return done


def _cell(text: str, width: int = 80) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|").replace("`", "'")
    return text if len(text) <= width else text[: width - 1] + "…"


def pull_request_body(before: str, after: str, intro: str = "", limit: int = 300) -> str:
    """Markdown for a pull request: ``intro``, then the record-level changes from the package in
    folder ``before`` to the one in ``after`` (both datapackage/ folders): a count per table
    and a table of at most ``limit`` changes (GitHub caps a body at 65,536 characters)."""
    old = release.package_from_dir(before) if os.path.isfile(os.path.join(before, "datapackage.json")) else None
    rows = release.changes(old, release.package_from_dir(after))
    lines = [intro.rstrip(), ""] if intro.strip() else []
    lines += ["### Record-level changes", "", *release.summary(rows), ""]
    if rows:
        lines += ["| table | record | change | field | old value | new value |", "|---|---|---|---|---|---|"]
        for row in rows[:limit]:
            lines.append("| " + " | ".join(_cell(row[k], 60 if k == "record" else 80) for k in release.CHANGE_FIELDS) + " |")
        if len(rows) > limit:
            lines += ["", f"…and {len(rows) - limit} more; `release.changes` gives them all "
                          "(the release zip's `changes.csv` will list them)."]
    body = "\n".join(lines) + "\n"
    return body if len(body) < 60000 else body[:60000] + "\n\n…(cut at 60,000 characters)\n"
