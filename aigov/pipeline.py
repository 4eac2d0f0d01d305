"""The build's steps, in the order data flows, as plain functions.

    load (sources/*.yaml -> parsed records, with a parse cache)
    -> validate (tabulate into rows per table, derive, check: every problem of every file)
    -> outputs (rows -> the bytes of datapackage/ and of the generated docs)
    -> write (or, for --check, stale_outputs and version_problem: compare instead of writing)

and, for a release, stamp_release_date. Nothing here parses arguments or prints: that is
``aigov/cli.py``, which calls these in order.
"""

from __future__ import annotations

import hashlib
import json
import os

from . import derive, docs, package, records, release, snapshots, yamlio
from .checks import cells, files, guards, keys, rules, vocabularies
from .fileio import write_atomic
from .schema import SCHEMA_DIR

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository
SNAPSHOT_MANIFESTS = os.path.join(ROOT, "snapshots")  # committed manifests of pinned raw files

# ------------------------------------------------------------------ load

CACHE_FORMAT = 2  # JSON: it holds data only, so a damaged or planted cache cannot run code


def cache_path(out_dir: str, src_dir: str) -> str:
    """One cache per sources folder, kept beside the output, so that builds of other folders
    (tests, benchmarks, a second checkout) do not evict it."""
    source_key = hashlib.sha1(os.path.abspath(src_dir).encode("utf-8")).hexdigest()[:12]
    return os.path.join(out_dir, ".cache", f"parsed-{source_key}.json")


def _read_cache(path: str, loader: str) -> dict:
    """The parse cache, or {} if it is missing, unreadable, from another loader or malformed.
    JSON, never pickle: unpickling a planted file would run its code."""
    try:
        with open(path, "rb") as fh:
            stored = json.loads(fh.read(256 * 1024 * 1024))
        if not isinstance(stored, dict) or stored.get("format") != CACHE_FORMAT or stored.get("loader") != loader:
            return {}
        cache = {}
        for source, entry in stored["files"].items():
            digest, shown, data, marks = entry
            if not (isinstance(source, str) and isinstance(digest, str) and isinstance(shown, str)
                    and yamlio.is_plain_tree(data) and isinstance(data, dict)):
                return {}
            cache[source] = (digest, shown, data, {tuple(trail): (line, col) for trail, line, col in marks})
            if not all(isinstance(t, (str, int)) for key in cache[source][3] for t in key):
                return {}
        return cache
    except Exception:  # noqa: BLE001 - whatever is wrong with the cache, it only makes the build slower
        return {}


def _write_cache(path: str, loader: str, fresh: dict) -> None:
    """Write the parse cache atomically; a cache that cannot be written is skipped."""
    files = {source: [digest, shown, data, [[list(trail), line, col] for trail, (line, col) in marks.items()]]
             for source, (digest, shown, data, marks) in fresh.items()}
    folder = os.path.dirname(path)
    if os.path.islink(folder):
        return  # never write through a link
    body = json.dumps({"format": CACHE_FORMAT, "loader": loader, "files": files}, ensure_ascii=False, separators=(",", ":"))
    try:
        os.makedirs(folder, mode=0o755, exist_ok=True)
        write_atomic(path, body.encode("utf-8"))
    except OSError:
        pass


def load(src_dir: str, cache_path: str | None = None):
    """Parse every record file. Returns ([(table, path, data, marks)], problems).

    With ``cache_path``, files whose bytes are unchanged since the last run are
    not parsed again (a content-hash cache; parsing is most of a rebuild).
    """
    loader = yamlio.__file__ + str(os.path.getmtime(yamlio.__file__))
    cache = _read_cache(cache_path, loader) if cache_path and os.path.isfile(cache_path) else {}
    fresh = {}
    parsed, problems = [], files.check(src_dir)  # the YAML reader's checks run as each file is read
    for table, path in records.source_files(src_dir):
        shown = records._shown(path)
        try:  # the size, link and file-type checks come before anything is read
            digest = hashlib.sha1(yamlio.read_bytes(path, shown)).hexdigest()
        except yamlio.YamlError as exc:
            problems.append(exc.problem)
            continue
        hit = cache.get(path)
        if hit is not None and hit[0] == digest and hit[1] == shown:
            data, marks = hit[2], hit[3]
        else:
            try:
                data, marks = yamlio.read(path, shown)
            except yamlio.YamlError as exc:
                problems.append(exc.problem)
                continue
        fresh[path] = (digest, shown, data, marks)
        parsed.append((table, shown, data, marks))
    if cache_path and {p: v[:2] for p, v in fresh.items()} != {p: v[:2] for p, v in cache.items()}:
        _write_cache(cache_path, loader, fresh)  # only when a file was added, edited or removed
    return parsed, problems


# ------------------------------------------------------------------ check


def validate(parsed, tables, schema_dir: str = SCHEMA_DIR):
    """Tabulate and check everything: every check of aigov/checks/ that needs the rows runs
    here, once (the file and YAML checks ran in ``load``). Returns (rows per table, problems)."""
    rows, sources, problems = records.tabulate(parsed, tables)  # fields and lists that do not fit the table
    registry = derive.derive(rows, sources, tables)
    problems += cells.check(rows, sources, tables)  # each cell against its field
    problems += keys.check(rows, sources, tables)  # unique keys, references that resolve
    problems += guards.check(rows, sources, tables)  # template placeholders, a symbol used twice
    problems += rules.check(rules.Context(rows, sources, tables, registry, snapshots.known_files(SNAPSHOT_MANIFESTS)))
    problems += vocabularies.check(tables, schema_dir)  # every allowed value has a definition
    return rows, problems


# ------------------------------------------------------------------ tabulate


def outputs(rows, tables, schema_dir: str, out_dir: str):
    """Everything the build writes: (datapackage files, generated docs files), as path -> bytes."""
    meta = package.read_meta(schema_dir)
    return package.render(meta, tables, rows), generated_docs(meta, tables, rows, out_dir)


def generated_docs(meta, tables, rows, out_dir: str) -> dict[str, bytes]:
    """The generated docs, CITATION.cff and README sections, as path -> bytes."""
    readme_text = None
    if os.path.exists(os.path.join(out_dir, "README.md")):
        with open(os.path.join(out_dir, "README.md"), encoding="utf-8") as fh:
            readme_text = fh.read()
    return docs.render(meta, tables, rows, readme_text)


# ------------------------------------------------------------------ write, or compare


def write(out_dir: str, pkg: dict[str, bytes], generated: dict[str, bytes]) -> str:
    """Replace ``out_dir``/datapackage/ by ``pkg`` and write the generated docs; returns the package folder."""
    os.makedirs(out_dir, exist_ok=True)  # --out may name a folder that does not exist yet
    pkg_dir = os.path.join(out_dir, "datapackage")
    package.write_tree(pkg_dir, pkg)
    package.write_files(out_dir, generated)
    return pkg_dir


def stale_outputs(pkg_dir, pkg, out_dir, generated) -> list[str]:
    """Committed outputs that differ from what the sources give."""
    return package.differences(pkg_dir, pkg, tree=".") + [
        f"docs: {line}" for line in package.differences(out_dir, generated)
    ]


def version_problem(out_dir: str, pkg: dict[str, bytes]) -> str | None:
    """Why the package's version does not admit the change since the last release in
    ``out_dir``/releases/, or None (also when nothing was released yet)."""
    previous = release.last_release(out_dir)
    return None if previous is None else release.version_problem(previous, release.manifest(pkg))


# ------------------------------------------------------------------ release


def stamp_release_date(schema_dir: str, out_dir: str, tables, rows, date: str) -> dict[str, bytes]:
    """Record ``date`` as x-citation.date-released in schemas/package.json and
    rewrite the generated files that show it. Returns those files' new bytes."""
    meta = package.read_meta(schema_dir)
    meta.setdefault("x-citation", {})["date-released"] = date
    write_atomic(os.path.join(schema_dir, package.PACKAGE_META), (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    generated = generated_docs(meta, tables, rows, out_dir)  # the data package itself is unchanged
    package.write_files(out_dir, generated)
    return {name: generated[name] for name in ("CITATION.cff", "README.md") if name in generated}
