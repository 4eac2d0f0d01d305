#!/usr/bin/env python3
"""Build the Global AI Governance Tracker data package from its YAML sources.

    python build.py              validate sources/ and write datapackage/ and docs/
    python build.py validate     check every source file with all the rules; write nothing
    python build.py --check      validate, and fail if datapackage/ or docs/ are stale
    python build.py --fix        rewrite source files in canonical form
    python build.py new TABLE ID     start a record from templates/TABLE.yaml
    python build.py new-state CODE   add a state actor from the ISO 3166 code list
    python build.py release      cut a release: dist/ zip with record-level changes, CHANGELOG entry
    python build.py dist --out DIR   the release files of datapackage/: zip, SQLite, Parquet, xlsx
    python build.py site --out DIR   a static website of datapackage/ (no server needed)
    python build.py import NAME... | --all [--check]   re-import records from pinned snapshots (list: import --help)

Data flows load -> validate -> tabulate -> write. Every problem in every file
is collected and printed as ``path:line:column: field: message``; when there is
any, nothing is written.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
SNAPSHOT_MANIFESTS = os.path.join(ROOT, "snapshots")  # committed manifests of pinned raw files

SETUP_UNIX = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"
SETUP_WINDOWS = r"py -m venv .venv && .venv\Scripts\pip install -r requirements.txt"
# Import names of the packages in requirements.txt where they differ from the package name.
_IMPORT_NAMES = {"pyyaml": "yaml"}


def required_modules() -> dict[str, str]:
    """Module -> package, for every package in requirements.txt (the core ones if it cannot be read)."""
    import re

    modules = {"yaml": "PyYAML", "pycountry": "pycountry", "langcodes": "langcodes", "frictionless": "frictionless"}
    try:
        with open(os.path.join(ROOT, "requirements.txt"), encoding="utf-8") as fh:
            for line in fh:
                name = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#", 1)[0])
                if name:
                    package = name.group(1)
                    modules[_IMPORT_NAMES.get(package.lower(), package.lower().replace("-", "_"))] = package
    except OSError:
        pass
    return modules


def missing_setup() -> str | None:
    """Why the build cannot run here (an old Python, a dependency not installed), in plain
    words with the set-up command, or None. Checked before anything is imported."""
    import importlib.util

    run = "then run the command again with .venv/bin/python (Windows: .venv\\Scripts\\python) instead of python"
    if sys.version_info < (3, 10):
        return (f"this build needs Python 3.10 or newer (this is {sys.version.split()[0]}). Install a newer Python, "
                f"then run the set-up command first: {SETUP_UNIX}   (Windows: {SETUP_WINDOWS}); {run}.")
    missing = []
    for module, package in required_modules().items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(package)
    if not missing:
        return None
    return (f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed for this Python ({sys.executable}). "
            f"Run the set-up command first: {SETUP_UNIX}   (Windows: {SETUP_WINDOWS}); {run}.")


CACHE_FORMAT = 2  # JSON: it holds data only, so a damaged or planted cache cannot run code


def _read_cache(cache_path: str, loader: str) -> dict:
    """The parse cache, or {} if it is missing, unreadable, from another loader or malformed.
    JSON, never pickle: unpickling a planted file would run its code."""
    from aigov import yamlio

    try:
        with open(cache_path, "rb") as fh:
            stored = json.loads(fh.read(256 * 1024 * 1024))
        if not isinstance(stored, dict) or stored.get("format") != CACHE_FORMAT or stored.get("loader") != loader:
            return {}
        cache = {}
        for path, entry in stored["files"].items():
            digest, shown, data, marks = entry
            if not (isinstance(path, str) and isinstance(digest, str) and isinstance(shown, str)
                    and yamlio.is_plain_tree(data) and isinstance(data, dict)):
                return {}
            cache[path] = (digest, shown, data, {tuple(trail): (line, col) for trail, line, col in marks})
            if not all(isinstance(t, (str, int)) for key in cache[path][3] for t in key):
                return {}
        return cache
    except Exception:  # noqa: BLE001 - whatever is wrong with the cache, it only makes the build slower
        return {}


def _write_cache(cache_path: str, loader: str, fresh: dict) -> None:
    """Write the parse cache atomically; a cache that cannot be written is skipped."""
    import tempfile

    files = {path: [digest, shown, data, [[list(trail), line, col] for trail, (line, col) in marks.items()]]
             for path, (digest, shown, data, marks) in fresh.items()}
    tmp = None
    try:
        folder = os.path.dirname(cache_path)
        if os.path.islink(folder):
            return  # never write through a link
        os.makedirs(folder, mode=0o755, exist_ok=True)
        body = json.dumps({"format": CACHE_FORMAT, "loader": loader, "files": files}, ensure_ascii=False, separators=(",", ":"))
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.chmod(tmp, 0o644)
        os.replace(tmp, cache_path)
    except OSError:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)


def load(src_dir: str, cache_path: str | None = None):
    """Parse every record file. Returns ([(table, path, data, marks)], problems).

    With ``cache_path``, files whose bytes are unchanged since the last run are
    not parsed again (a content-hash cache; parsing is most of a rebuild).
    """
    from aigov import records, yamlio

    loader = yamlio.__file__ + str(os.path.getmtime(yamlio.__file__))
    cache = _read_cache(cache_path, loader) if cache_path and os.path.isfile(cache_path) else {}
    fresh = {}
    parsed, problems = [], records.stray_files(src_dir)
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


def validate(parsed, tables):
    """Tabulate and check everything. Returns (rows per table, problems)."""
    from aigov import derive, guards, records, rules, snapshots

    rows, sources, problems = records.tabulate(parsed, tables)
    registry = derive.derive(rows, sources, tables)
    problems += records.check_cells(rows, sources, tables)
    problems += records.check_keys(rows, sources, tables)
    problems += guards.check(rows, sources, tables)  # template placeholders, a symbol used twice
    problems += rules.check(rules.Context(rows, sources, tables, registry, snapshots.known_files(SNAPSHOT_MANIFESTS)))
    return rows, problems


def outputs(rows, tables, schema_dir: str, out_dir: str):
    """Everything the build writes: (datapackage files, generated docs files)."""
    from aigov import package

    with open(os.path.join(schema_dir, package.PACKAGE_META), encoding="utf-8") as fh:
        meta = json.load(fh)
    return package.render(meta, tables, rows), generated_docs(meta, tables, rows, out_dir)


def generated_docs(meta, tables, rows, out_dir: str) -> dict[str, bytes]:
    """The generated docs, CITATION.cff and README sections, as path -> bytes."""
    from aigov import docs

    readme_text = None
    if os.path.exists(os.path.join(out_dir, "README.md")):
        with open(os.path.join(out_dir, "README.md"), encoding="utf-8") as fh:
            readme_text = fh.read()
    return docs.render(meta, tables, rows, readme_text)


def stale_outputs(pkg_dir, pkg, out_dir, generated) -> list[str]:
    """Committed outputs that differ from what the sources give."""
    from aigov import package

    return package.differences(pkg_dir, pkg, tree=".") + [
        f"docs: {line}" for line in package.differences(out_dir, generated)
    ]


def stamp_release_date(schema_dir: str, out_dir: str, tables, rows, date: str) -> dict[str, bytes]:
    """Record ``date`` as x-citation.date-released in schemas/package.json and
    rewrite the generated files that show it. Returns those files' new bytes."""
    from aigov import package

    meta_path = os.path.join(schema_dir, package.PACKAGE_META)
    with open(meta_path, encoding="utf-8") as fh:
        meta = json.load(fh)
    meta.setdefault("x-citation", {})["date-released"] = date
    with open(meta_path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    generated = generated_docs(meta, tables, rows, out_dir)  # the data package itself is unchanged
    package.write_files(out_dir, generated)
    return {name: generated[name] for name in ("CITATION.cff", "README.md") if name in generated}


def _annotation(text: str, property_: bool = False) -> str:
    """Escape text for a GitHub workflow command (::error file=…::message)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


def report(problems, stream=None, command: str = "python build.py") -> None:
    stream = stream or sys.stderr
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.field, p.message))
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for p in problems:
        print(str(p), file=stream)
        if annotate:  # shown on the pull request's diff, on the line concerned
            message = f"{p.field}: {p.message}" if p.field else p.message
            print(f"::error file={_annotation(p.path.replace(os.sep, '/'), True)},line={p.line},col={p.column}::"
                  f"{_annotation(message)}", file=stream)
    files = len({p.path for p in problems})
    print(f"\n{len(problems)} problem{'s' * (len(problems) != 1)} in {files} file{'s' * (files != 1)}; "
          f"nothing was written. Fix them and run `{command}` again.", file=stream)


def package_meta(schema_dir: str) -> dict | None:
    """schemas/package.json, or None where it cannot be read."""
    from aigov import package

    try:
        with open(os.path.join(schema_dir, package.PACKAGE_META), encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


def release_command(args, tables, rows, pkg, generated) -> int:
    """Cut a release: the zip with record-level changes, then the other formats beside it in dist/."""
    from aigov import dist, release

    pkg_dir = os.path.join(args.out, "datapackage")
    if stale_outputs(pkg_dir, pkg, args.out, generated):
        print("datapackage/ or docs/ are stale: run `python build.py`, commit, then release", file=sys.stderr)
        return 1
    status, message = release.release(
        args.out, pkg, release.read_members(args.out), args.previous,
        stamp=lambda date: stamp_release_date(args.schemas, args.out, tables, rows, date))
    if status == 0:
        dist.write(pkg_dir, os.path.join(args.out, "dist"), meta=package_meta(args.schemas), zip_file=False, root=args.out)
    print(message, file=sys.stderr if status else sys.stdout)
    return status


def dist_command(args) -> int:
    """The release files of a built package, for the version it carries (no tag, no CHANGELOG entry)."""
    from aigov import dist, release

    out = args.out or os.path.join(ROOT, "dist")
    root = os.path.dirname(os.path.abspath(args.package))  # the repository (or build folder) holding datapackage/
    written = dist.write(args.package, out, release.read_members(root), meta=package_meta(args.schemas), root=root)
    print(f"wrote {len(written)} files to {out}: " + ", ".join(os.path.basename(p) for p in written))
    return 0


def site_command(args) -> int:
    """A static site of a built package."""
    from aigov import site

    out = args.out or os.path.join(ROOT, "site")
    pages = site.write(args.package, out, meta=package_meta(args.schemas), root=os.path.dirname(os.path.abspath(args.package)))
    print(f"wrote {pages} pages to {out}; open {os.path.join(out, 'index.html')}")
    return 0


def import_command(args) -> int:
    """Run importers of the registry (aigov/importers/__init__.py) on their pinned snapshots:
    `import NAME...`, `import --all`; with --check, write nothing and fail if a record would change."""
    from aigov import snapshots, yamlio
    from aigov.importers import REGISTRY, base

    if args.all == bool(args.args) or any(name not in REGISTRY for name in args.args):
        listing = "\n".join(f"  {entry.name:9} {entry.description}" for entry in REGISTRY.values())
        print(f"usage: python build.py import NAME... | --all [--check] [--snapshots DIR]\nimporters:\n{listing}", file=sys.stderr)
        return 2
    ctx = base.Context(ROOT, args.sources, args.snapshots or os.path.join(ROOT, "..", "shared", "snapshots"), write=not args.check)
    status = 0
    for name in (list(REGISTRY) if args.all else args.args):
        try:
            changed = REGISTRY[name].run(ctx)
        except (snapshots.SnapshotError, base.ImporterError, yamlio.YamlError, OSError) as exc:
            print(f"import {name}: {exc}", file=sys.stderr)
            return 1
        for path in changed:
            print(f"{os.path.relpath(path)}: {'differs from what the snapshot gives; run `python build.py import ' + name + '`' if args.check else 'written'}",
                  file=sys.stderr if args.check else sys.stdout)
        status |= bool(changed and args.check)
        if not args.check:
            print(f"import {name}: {len(changed)} record files written" if changed else f"import {name}: records already match the snapshot")
    return status


def validate_command(args) -> int:
    """Check every source file with all the rules a build applies, and write nothing: no
    datapackage/, no docs, no cache. The version number is not checked (maintainers pick it
    when they release), so a pull request that adds a record touches only its own file."""
    if args.fix or args.check:
        print("validate never changes files: run `python build.py --fix` or `python build.py --check` on their own", file=sys.stderr)
        return 2
    bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # not even __pycache__/
    try:
        from aigov import schema, vocabularies

        tables = schema.load_tables(os.path.abspath(args.schemas))
        parsed, problems = load(args.sources, cache_path=None)
        if not parsed and not problems:
            print(f"no record files found under {args.sources}", file=sys.stderr)
            return 1
        _, more = validate(parsed, tables)
        problems += more + vocabularies.problems(tables, os.path.abspath(args.schemas))
    finally:
        sys.dont_write_bytecode = bytecode
    if problems:
        report(problems, command="python build.py validate")
        return 1
    print(f"ok: {len(parsed)} record files valid (nothing written)")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("command", nargs="?", choices=["build", "validate", "new", "new-state", "release", "dist", "site", "import"], default="build")
    parser.add_argument("args", nargs="*", help="TABLE ID for new; CODE for new-state; NAME... for import")
    parser.add_argument("--check", action="store_true", help="fail if datapackage/ or docs/ differ from what the sources give")
    parser.add_argument("--fix", action="store_true", help="rewrite source files in canonical form, then build")
    parser.add_argument("--sources", default=os.path.join(ROOT, "sources"), help="folder of YAML records (default: sources/)")
    parser.add_argument("--schemas", default=os.path.join(ROOT, "schemas"), help="folder of Table Schemas (default: schemas/)")
    parser.add_argument("--previous", help="with release: folder of the previous release's datapackage/ (default: its git tag)")
    parser.add_argument("--no-cache", action="store_true", help="parse every file again (ignore .cache/)")
    parser.add_argument("--out", help="folder that holds datapackage/ and docs/ (default: this repository); "
                        "with dist or site: the folder to write (default: dist/ or site/)")
    parser.add_argument("--package", default=os.path.join(ROOT, "datapackage"),
                        help="with dist or site: the datapackage/ folder to read (default: this repository's)")
    parser.add_argument("--snapshots", help="with import: the folder that holds the snapshot folders (default: ../shared/snapshots)")
    parser.add_argument("--all", action="store_true", help="with import: run every importer")
    args = parser.parse_args(argv)
    if args.command == "validate":
        return validate_command(args)
    if args.command == "import":
        return import_command(args)
    if args.command == "dist":
        return dist_command(args)
    if args.command == "site":
        return site_command(args)
    args.out = args.out or ROOT

    from aigov import schema, vocabularies

    tables = schema.load_tables(os.path.abspath(args.schemas))
    if args.command == "new":
        from aigov import scaffold

        return scaffold.new_record(ROOT, args.sources, *args.args, tables=tables)
    if args.command == "new-state":
        from aigov import scaffold

        return scaffold.new_state(args.sources, *args.args)

    if args.fix:
        from aigov import canonical

        changed, problems = canonical.fix(args.sources, tables)
        for path in changed:
            print(f"rewrote {path}")
        if problems:
            report(problems)
            return 1

    # One cache per sources folder, kept beside the output, so that builds of other folders
    # (tests, benchmarks, a second checkout) do not evict it.
    source_key = hashlib.sha1(os.path.abspath(args.sources).encode("utf-8")).hexdigest()[:12]
    cache = None if args.no_cache else os.path.join(args.out, ".cache", f"parsed-{source_key}.json")
    parsed, problems = load(args.sources, cache)
    if not parsed and not problems:
        print(f"no record files found under {args.sources}", file=sys.stderr)
        return 1
    rows, more = validate(parsed, tables)
    problems += more + vocabularies.problems(tables, os.path.abspath(args.schemas))
    if problems:
        report(problems)
        return 1

    pkg, generated = outputs(rows, tables, args.schemas, args.out)
    pkg_dir = os.path.join(args.out, "datapackage")
    counts = ", ".join(f"{len(rows[n])} {n}" for n in schema.TABLES)
    if args.command == "release":
        return release_command(args, tables, rows, pkg, generated)

    if args.check:
        from aigov import release

        stale = stale_outputs(pkg_dir, pkg, args.out, generated)
        previous = release.last_release(args.out)
        if previous is not None:
            problem = release.version_problem(previous, release.manifest(pkg))
            if problem:
                print(problem, file=sys.stderr)
                return 1
        if stale:
            print("The committed package is stale; run `python build.py` and commit the result:", file=sys.stderr)
            for line in stale:
                print(f"  {line}", file=sys.stderr)
            return 1
        print(f"ok: {len(parsed)} files valid, datapackage/ up to date ({counts})")
        return 0

    from aigov import package

    os.makedirs(args.out, exist_ok=True)  # --out may name a folder that does not exist yet
    package.write_tree(pkg_dir, pkg)
    package.write_files(args.out, generated)
    print(f"built {pkg_dir} from {len(parsed)} files: {counts}")
    return 0


def run(argv=None) -> int:
    """The command line: friendly set-up message, files readable by all, and no traceback."""
    problem = missing_setup()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    os.umask(0o022)  # what the build writes is 0644 (files) and 0755 (folders), whatever the caller's umask
    # A build is one short process whose hundreds of thousands of small dicts hold no reference cycles;
    # the cyclic collector only rescans them (~10% of a 100k-row build), so it is switched off.
    import gc

    gc.disable()
    try:
        return main(argv)
    except KeyboardInterrupt:
        print("interrupted; nothing half-written is left behind", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - a contributor gets a sentence, a maintainer the traceback on request
        if getattr(exc, "plain", False):  # a refusal that explains itself (e.g. an output path through a link)
            print(str(exc), file=sys.stderr)
            return 1
        if os.environ.get("AIGOV_DEBUG"):
            raise
        print(f"internal error: {type(exc).__name__}: {exc}\nThis is a bug in the build, not in your files; please report it "
              "(run again with AIGOV_DEBUG=1 to see the details).", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(run())
