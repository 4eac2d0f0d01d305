#!/usr/bin/env python3
"""Build the Global AI Governance Tracker data package from its YAML sources.

    python build.py              validate sources/ and write datapackage/ and docs/
    python build.py --check      validate, and fail if datapackage/ or docs/ are stale
    python build.py --fix        rewrite source files in canonical form
    python build.py new TABLE ID     start a record from templates/TABLE.yaml
    python build.py new-state CODE   add a state actor from the ISO 3166 code list
    python build.py release      cut a release: dist/ zip with record-level changes, CHANGELOG entry
    python build.py dist --out DIR   the release files of datapackage/: zip, SQLite, Parquet, xlsx
    python build.py site --out DIR   a static website of datapackage/ (no server needed)
    python build.py import-summits [--snapshots DIR]   summit participant lists from browser prints

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


def load(src_dir: str, cache_path: str | None = None):
    """Parse every record file. Returns ([(table, path, data, marks)], problems).

    With ``cache_path``, files whose bytes are unchanged since the last run are
    not parsed again (a content-hash cache; parsing is most of a rebuild).
    """
    import pickle

    from aigov import records, yamlio

    cache, fresh = {}, {}
    if cache_path and os.path.exists(cache_path):
        try:
            with open(cache_path, "rb") as fh:
                stored = pickle.load(fh)
            if stored.get("loader") == yamlio.__file__ + str(os.path.getmtime(yamlio.__file__)):
                cache = stored["files"]
        except Exception:  # a damaged cache is only a slower build
            cache = {}
    parsed, problems = [], records.stray_files(src_dir)
    for table, path in records.source_files(src_dir):
        shown = os.path.relpath(path)
        with open(path, "rb") as fh:
            digest = hashlib.sha1(fh.read()).digest()
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
    if cache_path:
        os.makedirs(os.path.dirname(cache_path), exist_ok=True)
        tmp = cache_path + ".tmp"
        with open(tmp, "wb") as fh:
            pickle.dump({"loader": yamlio.__file__ + str(os.path.getmtime(yamlio.__file__)), "files": fresh}, fh, protocol=5)
        os.replace(tmp, cache_path)
    return parsed, problems


def validate(parsed, tables):
    """Tabulate and check everything. Returns (rows per table, problems)."""
    from aigov import derive, records, rules, snapshots

    rows, sources, problems = records.tabulate(parsed, tables)
    registry = derive.derive(rows, sources)
    problems += records.check_cells(rows, sources, tables)
    problems += records.check_keys(rows, sources, tables)
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


def report(problems, stream=None) -> None:
    stream = stream or sys.stderr
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.column, p.field, p.message))
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    for p in problems:
        print(str(p), file=stream)
        if annotate:  # shown on the pull request's diff
            message = f"{p.field}: {p.message}" if p.field else p.message
            print(f"::error file={p.path},line={p.line},col={p.column}::{message}", file=stream)
    files = len({p.path for p in problems})
    print(f"\n{len(problems)} problem{'s' * (len(problems) != 1)} in {files} file{'s' * (files != 1)}; "
          "nothing was written. Fix them and run `python build.py` again.", file=stream)


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


def import_un_command(args) -> int:
    """Re-import the General Assembly's AI resolutions from the pinned UN snapshot."""
    from aigov import snapshots
    from aigov.importers import un_ga

    folder = args.snapshots or os.path.join(ROOT, "..", "shared", "snapshots", un_ga.SNAPSHOT)
    try:
        changed = un_ga.run(ROOT, folder, args.sources, write=not args.check)
    except (snapshots.SnapshotError, un_ga.ImportError_, OSError) as exc:
        print(f"import-un: {exc}", file=sys.stderr)
        return 1
    if args.check:
        for path in changed:
            print(f"{os.path.relpath(path)}: differs from what the snapshot gives; run `python build.py import-un`", file=sys.stderr)
        return 1 if changed else 0
    print(f"import-un: {len(changed)} record files written" if changed else "import-un: records already match the snapshot")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("command", nargs="?", choices=["build", "new", "new-state", "release", "dist", "site", "import-un", "import-summits"], default="build")
    parser.add_argument("args", nargs="*", help="TABLE ID for new; CODE for new-state")
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
    parser.add_argument("--snapshots", help="with import-un or import-summits: the snapshot folder (default: ../shared/snapshots/<name>)")
    args = parser.parse_args(argv)
    if args.command == "import-un":
        return import_un_command(args)
    if args.command == "import-summits":  # summit participant lists from browser prints; --check: fail if a record would change
        from aigov.importers import summits

        return summits.main(args.snapshots, args.sources, check=args.check)
    if args.command == "dist":
        return dist_command(args)
    if args.command == "site":
        return site_command(args)
    args.out = args.out or ROOT

    from aigov import schema

    tables = schema.load_tables(os.path.abspath(args.schemas))
    if args.command == "new":
        from aigov import scaffold

        return scaffold.new_record(ROOT, args.sources, *args.args)
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
    cache = None if args.no_cache else os.path.join(args.out, ".cache", f"parsed-{source_key}.pickle")
    parsed, problems = load(args.sources, cache)
    if not parsed and not problems:
        print(f"no record files found under {args.sources}", file=sys.stderr)
        return 1
    rows, more = validate(parsed, tables)
    problems += more
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


if __name__ == "__main__":
    sys.exit(main())
