"""The command line, ``python build.py [COMMAND] [options]``: one small function per command.

Each command has its own sub-parser, so its own options and its own ``--help``; an option
of another command is an error. Without a command, ``build`` runs, so ``python build.py``,
``python build.py --check`` and ``python build.py --fix`` work as they always did.
``docs/cli.md`` is the ``--help`` of every command, generated from these parsers by
``reference()`` when the docs are built.

Only the standard library is imported at the top of this module: ``run()`` checks the set-up
(the Python version, the requirements installed) before anything else of the build is
imported, and says in plain words what to do.
"""

from __future__ import annotations

import argparse
import inspect
import os
import re
import sys

from .package import package_meta
from .schema import FILE_TABLES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository
PROG = "python build.py"
SETUP_UNIX = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"
SETUP_WINDOWS = r"py -m venv .venv && .venv\Scripts\pip install -r requirements.txt"
# Import names of the packages in requirements.txt where they differ from the package name.
_IMPORT_NAMES = {"pyyaml": "yaml"}


# ------------------------------------------------------------------ set-up


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


# ------------------------------------------------------------------ reporting


def _annotation(text: str, property_: bool = False) -> str:
    """Escape text for a GitHub workflow command (::error file=…::message)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


# What a contributor's terminal or a CI log must not receive raw from a file name or a value: control
# characters (a newline could forge a line such as a GitHub annotation) and invisible direction marks.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
MAX_PER_FILE = 50  # problems shown per file; the rest are counted
MAX_SHOWN = 500  # problems shown in all


def printable(text: str, lines: bool = False) -> str:
    """The text with each control character or direction mark written as an escape (\\n, \\u202e).
    With ``lines``, a newline is kept but the next line is indented, so that no line of a message
    can start a workflow command (GitHub reads ``::error …`` only at the start of a line)."""
    if lines:
        return "\n    ".join(printable(part) for part in text.split("\n"))
    return _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def _printed(p) -> str:
    """``path:line:column: field: message [code]``, printable: path and field on one line, the message indented."""
    where = f"{printable(p.path)}:{p.line}:{p.column}"
    message = printable(p.message, lines=True) + f" [{p.code}]"
    return f"{where}: {printable(p.field)}: {message}" if p.field else f"{where}: {message}"


def _order(p):
    return (p.path, p.line, p.column, p.field, p.message, p.code)


def _by_file(problems) -> dict[str, set]:
    """The distinct problems of each file."""
    per_file: dict[str, set] = {}
    for p in problems:
        per_file.setdefault(p.path, set()).add(p)
    return per_file


def _first_of_each_file(per_file: dict[str, set]):
    """The problems to print, in order: the first MAX_PER_FILE of each file, files in order, MAX_SHOWN in all.
    Only what is printed is sorted, so that a file of 300,000 problems costs a pass, not a sort."""
    import heapq

    left = MAX_SHOWN
    for path in sorted(per_file):
        if left <= 0:
            return
        first = heapq.nsmallest(min(MAX_PER_FILE, left), per_file[path], key=_order)
        left -= len(first)
        yield from first


def report(problems, stream=None, command: str = PROG) -> None:
    """Print every problem as ``path:line:column: field: message [code]`` (and as a GitHub annotation
    under GitHub Actions), then how many there are and what to run next. At most MAX_PER_FILE a
    file and MAX_SHOWN in all are shown (a hostile file can hold hundreds of thousands), with how
    many more there are; every line is printable (see printable)."""
    stream = stream or sys.stderr
    annotate = os.environ.get("GITHUB_ACTIONS") == "true"
    per_file = _by_file(problems)
    total = sum(map(len, per_file.values()))
    shown = 0
    for p in _first_of_each_file(per_file):
        shown += 1
        print(_printed(p), file=stream)
        if annotate:  # shown on the pull request's diff, on the line concerned (a newline is encoded as %0A)
            message = p.text
            print(f"::error file={_annotation(printable(p.path.replace(os.sep, '/')), True)},line={p.line},col={p.column}::"
                  f"{_annotation(chr(10).join(printable(part) for part in message.split(chr(10))))}", file=stream)
    if shown < total:
        print(f"… and {total - shown} more problems not shown (at most {MAX_PER_FILE} a file and {MAX_SHOWN} in all); "
              "fix these first.", file=stream)
    files = len(per_file)
    print(f"\n{total} problem{'s' * (total != 1)} in {files} file{'s' * (files != 1)}; "
          f"nothing was written. Fix them and run `{command}` again.", file=stream)


def _checked(args, tables, cache: str | None, command: str = PROG):
    """Load and validate the sources of ``args``: (parsed records, rows), or None once the
    problems (or the absence of any record file) have been reported."""
    from . import pipeline

    parsed, problems = pipeline.load(args.sources, cache)
    if not parsed and not problems:
        print(f"no record files found under {args.sources}", file=sys.stderr)
        return None
    rows, more = pipeline.validate(parsed, tables, os.path.abspath(args.schemas))
    problems += more
    if problems:
        report(problems, command=command)
        return None
    return parsed, rows


def _outputs(args, tables, rows):
    """(datapackage files, generated docs) of the build, docs/cli.md included."""
    from . import pipeline

    pkg, generated = pipeline.outputs(rows, tables, args.schemas, args.out)
    generated["docs/cli.md"] = reference().encode("utf-8")
    return pkg, generated


def _counts(rows) -> str:
    from .schema import TABLES

    return ", ".join(f"{len(rows[n])} {n}" for n in TABLES)


def _load_tables(args):
    from . import schema

    return schema.load_tables(os.path.abspath(args.schemas))


# ------------------------------------------------------------------ options shared by commands


def _sources(p) -> None:
    p.add_argument("--sources", default=os.path.join(ROOT, "sources"), metavar="DIR",
                   help="folder of YAML records (default: sources/)")


def _schemas(p, what: str = "folder of Table Schemas") -> None:
    p.add_argument("--schemas", default=os.path.join(ROOT, "schemas"), metavar="DIR", help=f"{what} (default: schemas/)")


def _package(p) -> None:
    p.add_argument("--package", default=os.path.join(ROOT, "datapackage"), metavar="DIR",
                   help="the datapackage/ folder to read (default: this repository's)")


def _no_cache(p) -> None:
    p.add_argument("--no-cache", action="store_true", help="parse every file again (ignore .cache/)")


# ------------------------------------------------------------------ build (the default)


def _build_options(p) -> None:
    p.add_argument("--check", action="store_true", help="compare instead of writing: fail if datapackage/ or docs/ differ from "
                   "what the sources give, or if the version does not admit the change since the last release")
    p.add_argument("--fix", action="store_true", help="rewrite source files in canonical form, then build")
    _sources(p)
    _schemas(p)
    p.add_argument("--out", default=ROOT, metavar="DIR", help="folder that holds datapackage/ and docs/ (default: this repository)")
    _no_cache(p)


def build_command(args) -> int:
    """Validate sources/ and write datapackage/ and the generated docs (or, with --check, compare them)."""
    from . import pipeline

    tables = _load_tables(args)
    if args.fix and _fix(args, tables):
        return 1
    checked = _checked(args, tables, None if args.no_cache else pipeline.cache_path(args.out, args.sources))
    if checked is None:
        return 1
    parsed, rows = checked
    pkg, generated = _outputs(args, tables, rows)
    if args.check:
        return _check(args, len(parsed), rows, pkg, generated)
    pkg_dir = pipeline.write(args.out, pkg, generated)
    print(f"built {pkg_dir} from {len(parsed)} files: {_counts(rows)}")
    return 0


def _fix(args, tables) -> bool:
    """--fix: rewrite the source files in canonical form. True if a file could not be rewritten."""
    from . import canonical

    changed, problems = canonical.fix(args.sources, tables)
    for path in changed:
        print(f"rewrote {path}")
    if problems:
        report(problems)
    return bool(problems)


def _check(args, files: int, rows, pkg, generated) -> int:
    """--check: the version admits the change since the last release, and nothing is stale."""
    from . import pipeline

    stale = pipeline.stale_outputs(os.path.join(args.out, "datapackage"), pkg, args.out, generated)
    problem = pipeline.version_problem(args.out, pkg)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    if stale:
        print("The committed package is stale; run `python build.py` and commit the result:", file=sys.stderr)
        for line in stale:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"ok: {files} files valid, datapackage/ up to date ({_counts(rows)})")
    return 0


# ------------------------------------------------------------------ validate


def _validate_options(p) -> None:
    _sources(p)
    _schemas(p)
    for flag in ("--fix", "--check"):  # refused with a sentence that names the right command
        p.add_argument(flag, action="store_true", help=argparse.SUPPRESS)


def validate_command(args) -> int:
    """Check every source file with all the rules a build applies, and write nothing: no
    datapackage/, no docs, no cache. The version number is not checked (maintainers pick it
    when they release), so a pull request that adds a record touches only its own file."""
    if args.fix or args.check:
        print("validate never changes files: run `python build.py --fix` or `python build.py --check` on their own", file=sys.stderr)
        return 2
    bytecode, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # not even __pycache__/
    try:
        checked = _checked(args, _load_tables(args), None, command=f"{PROG} validate")
    finally:
        sys.dont_write_bytecode = bytecode
    if checked is None:
        return 1
    print(f"ok: {len(checked[0])} record files valid (nothing written)")
    return 0


# ------------------------------------------------------------------ new, new-state


def _new_options(p) -> None:
    p.add_argument("table", metavar="TABLE", help=f"the kind of record, named as its template in templates/: {', '.join(sorted(FILE_TABLES))}")
    p.add_argument("id", metavar="ID", help="the record's id, which is also its file name: lowercase letters, digits and single hyphens")
    _sources(p)
    _schemas(p)


def new_command(args) -> int:
    """Start sources/TABLE/ID.yaml from templates/TABLE.yaml, its optional fields commented out."""
    from . import scaffold

    return scaffold.new_record(ROOT, args.sources, args.table, args.id, tables=_load_tables(args))


def _new_state_options(p) -> None:
    p.add_argument("codes", nargs="+", metavar="CODE", help="ISO 3166-1 alpha-3 code, e.g. FRA")
    _sources(p)


def new_state_command(args) -> int:
    """Add a state actor for each code from the ISO 3166 code list."""
    from . import scaffold

    return scaffold.new_state(args.sources, *args.codes)


# ------------------------------------------------------------------ release, dist, site


def _release_options(p) -> None:
    p.add_argument("--previous", metavar="DIR", help="folder of the previous release's datapackage/ (default: its git tag)")
    _sources(p)
    _schemas(p)
    p.add_argument("--out", default=ROOT, metavar="DIR",
                   help="folder that holds datapackage/, docs/, releases/ and CHANGELOG.md; dist/ is written in it "
                        "(default: this repository)")
    _no_cache(p)


def release_command(args) -> int:
    """Cut a release: the zip with record-level changes, then the other formats beside it in dist/."""
    from . import dist, pipeline, release

    tables = _load_tables(args)
    checked = _checked(args, tables, None if args.no_cache else pipeline.cache_path(args.out, args.sources))
    if checked is None:
        return 1
    _, rows = checked
    pkg, generated = _outputs(args, tables, rows)
    pkg_dir = os.path.join(args.out, "datapackage")
    if pipeline.stale_outputs(pkg_dir, pkg, args.out, generated):
        print("datapackage/ or docs/ are stale: run `python build.py`, commit, then release", file=sys.stderr)
        return 1
    status, message = release.release(
        args.out, pkg, release.read_members(args.out), args.previous,
        stamp=lambda date: pipeline.stamp_release_date(args.schemas, args.out, tables, rows, date))
    if status == 0:
        dist.write(pkg_dir, os.path.join(args.out, "dist"), meta=package_meta(args.schemas), zip_file=False, root=args.out)
    print(message, file=sys.stderr if status else sys.stdout)
    return status


def _dist_options(p) -> None:
    _package(p)
    p.add_argument("--out", default=os.path.join(ROOT, "dist"), metavar="DIR", help="the folder to write (default: dist/)")
    p.add_argument("--previous", metavar="DIR", help="the previous release's datapackage/, for changes.csv (default: its git tag)")
    _schemas(p, "folder holding package.json, for the citation")


def dist_command(args) -> int:
    """The release files of a built package, for the version it carries (no tag, no CHANGELOG entry)."""
    import warnings

    from . import dist, release

    root = os.path.dirname(os.path.abspath(args.package))  # the repository (or build folder) holding datapackage/
    with warnings.catch_warnings(record=True) as caught:  # said as a plain line, not in Python's warning format
        warnings.simplefilter("always", dist.ChangesBasisWarning)
        written = dist.write(args.package, args.out, release.read_members(root), meta=package_meta(args.schemas), root=root,
                             previous=args.previous)
    for warning in caught:
        if issubclass(warning.category, dist.ChangesBasisWarning):
            print(f"note: {warning.message}", file=sys.stderr)
        else:
            warnings.showwarning(warning.message, warning.category, warning.filename, warning.lineno)
    print(f"wrote {len(written)} files to {args.out}: " + ", ".join(os.path.basename(p) for p in written))
    return 0


def _site_options(p) -> None:
    _package(p)
    p.add_argument("--out", default=os.path.join(ROOT, "site"), metavar="DIR", help="the folder to write (default: site/)")
    _schemas(p, "folder holding package.json, for the citation")


def site_command(args) -> int:
    """A static site of a built package."""
    from . import site

    pages = site.write(args.package, args.out, meta=package_meta(args.schemas), root=os.path.dirname(os.path.abspath(args.package)))
    print(f"wrote {pages} pages to {args.out}; open {os.path.join(args.out, 'index.html')}")
    return 0


# ------------------------------------------------------------------ import


def _importers() -> str:
    from .importers import REGISTRY

    return "\n".join(f"  {entry.name:9} {entry.description}" for entry in REGISTRY.values())


def _import_options(p) -> None:
    p.epilog = f"importers:\n{_importers()}"
    p.add_argument("names", nargs="*", metavar="NAME", help="an importer (listed below)")
    p.add_argument("--all", action="store_true", help="run every importer")
    p.add_argument("--check", action="store_true", help="write nothing; fail if a record differs from what its snapshot gives")
    p.add_argument("--snapshots", metavar="DIR",
                   help="the folder that holds the snapshot folders (default: the fetched cache .cache/snapshots/ when complete, "
                        "else ../shared/snapshots)")
    _sources(p)


def import_command(args) -> int:
    """Run importers of the registry (aigov/importers/__init__.py) on their pinned snapshots:
    `import NAME...`, `import --all`; with --check, write nothing and fail if a record would change."""
    from . import snapshots, yamlio
    from .importers import REGISTRY, base

    if args.all == bool(args.names) or any(name not in REGISTRY for name in args.names):
        print(f"usage: {PROG} import NAME... | --all [--check] [--snapshots DIR]\nimporters:\n{_importers()}", file=sys.stderr)
        return 2
    ctx = base.Context(ROOT, args.sources, args.snapshots, write=not args.check)
    status = 0
    for name in (list(REGISTRY) if args.all else args.names):
        try:
            changed = REGISTRY[name].run(ctx)
        except (snapshots.SnapshotError, base.ImporterError, yamlio.YamlError, OSError) as exc:
            print(f"import {name}: {exc}", file=sys.stderr)
            return 1
        for path in changed:
            if args.check:
                print(f"{os.path.relpath(path)}: differs from what the snapshot gives; run `{PROG} import {name}`", file=sys.stderr)
            else:
                print(f"{os.path.relpath(path)}: written")
        status |= bool(changed and args.check)
        if not args.check:
            print(f"import {name}: {len(changed)} record files written" if changed else f"import {name}: records already match the snapshot")
    return status


def _fetch_options(p) -> None:
    p.add_argument("names", nargs="*", metavar="NAME", help="snapshots to fetch (default: every manifest in snapshots/)")
    p.add_argument("--mirror", metavar="DIR_OR_URL", help="a folder or http(s) address laid out as <mirror>/<name>/<path> (default: upstream)")
    p.add_argument("--cache", metavar="DIR", help="the cache folder (default: .cache/snapshots/)")


def _snapshot_step(command: str, call, show):
    """Run a snapshot step: its results, each printed with ``show``, or None once its refusal is printed."""
    from . import snapshots

    try:
        results = call()
    except snapshots.SnapshotError as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return None
    for result in results:
        print(show(result))
    return results


def fetch_snapshots_command(args) -> int:
    """Fetch the raw files of the committed manifests into the cache, each checked against its sha256."""
    from . import snapshot_fetch

    fetched = _snapshot_step("fetch-snapshots", lambda: snapshot_fetch.fetch_all(ROOT, args.names or None, mirror=args.mirror,
                                                                                  cache_dir=args.cache), str)
    return 1 if fetched is None else 0


def _refresh_options(p) -> None:
    p.add_argument("names", nargs="*", metavar="NAME", help="manifests to consider (default: every one of a UNxml repository)")
    p.add_argument("--cache", metavar="DIR", help="the cache folder (default: .cache/snapshots/)")
    p.add_argument("--summary", metavar="FILE", help="write the refreshes as Markdown lines to this file")


def refresh_snapshots_command(args) -> int:
    """Re-pin the UN's snapshot manifests to their repositories' newest commit (the weekly workflow)."""
    from . import snapshot_refresh

    done = _snapshot_step("refresh-snapshots", lambda: snapshot_refresh.refresh_all(ROOT, args.names or None, cache_dir=args.cache),
                          lambda refresh: refresh.line())
    if done is None:
        return 1
    if not done:
        print("every UNxml snapshot already pins its repository's newest commit")
    if args.summary and done:
        with open(args.summary, "w", encoding="utf-8") as fh:
            fh.write("\n".join(refresh.line() for refresh in done) + "\n")
    return 0


def _changes_options(p) -> None:
    p.add_argument("before", help="the datapackage/ folder before the change")
    p.add_argument("after", help="the datapackage/ folder after it")
    p.add_argument("--intro", metavar="FILE", help="a Markdown file to put first")
    p.add_argument("--limit", type=int, default=300, help="list at most this many changes (default 300)")


def changes_command(args) -> int:
    """Markdown of the record-level changes between two datapackage/ folders (pull request bodies)."""
    from . import snapshot_refresh

    intro = ""
    if args.intro:
        with open(args.intro, encoding="utf-8") as fh:
            intro = fh.read()
    sys.stdout.write(snapshot_refresh.pull_request_body(args.before, args.after, intro, args.limit))
    return 0


# ------------------------------------------------------------------ the parsers

# name -> (one line for the command list, options, function); `build` is the default command.
COMMANDS = {
    "build": ("validate sources/ and write datapackage/ and docs/ (the default command)", _build_options, build_command),
    "validate": ("check every source file with all the rules; write nothing", _validate_options, validate_command),
    "new": ("start a record from templates/TABLE.yaml", _new_options, new_command),
    "new-state": ("add a state actor from the ISO 3166 code list", _new_state_options, new_state_command),
    "release": ("cut a release: dist/ zip with record-level changes, CHANGELOG entry", _release_options, release_command),
    "dist": ("the release files of datapackage/: zip, SQLite, Parquet, xlsx", _dist_options, dist_command),
    "site": ("a static website of datapackage/ (no server needed)", _site_options, site_command),
    "import": ("re-import records from pinned snapshots", _import_options, import_command),
    "fetch-snapshots": ("fetch the pinned snapshot files into the cache, checking each sha256", _fetch_options, fetch_snapshots_command),
    "refresh-snapshots": ("re-pin the UN snapshot manifests to their newest upstream commit", _refresh_options, refresh_snapshots_command),
    "changes": ("record-level changes between two datapackage/ folders, as Markdown", _changes_options, changes_command),
}

DESCRIPTION = "Build the Global AI Governance Tracker data package from its YAML sources."
EPILOG = f"""Without a command, build runs:
  {PROG}              validate sources/ and write datapackage/ and docs/
  {PROG} --check      validate, and fail if datapackage/ or docs/ are stale
  {PROG} --fix        rewrite source files in canonical form, then build

Data flows load -> validate -> tabulate -> write. Every problem in every file
is collected and printed as ``path:line:column: field: message [code]``; when there is
any, nothing is written. `{PROG} COMMAND --help` shows a command's options;
docs/cli.md has them all."""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """The same help whatever the terminal's width, so that docs/cli.md is reproducible."""

    def __init__(self, prog):
        super().__init__(prog, width=100, max_help_position=28)


# Python 3.14 colours help on a terminal; docs/cli.md is plain text.
_PLAIN = {"color": False} if sys.version_info >= (3, 14) else {}


def parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and each command's, by name."""
    top = argparse.ArgumentParser(prog=PROG, usage=f"{PROG} [COMMAND] [options]", description=DESCRIPTION, epilog=EPILOG,
                                  formatter_class=_Formatter, **_PLAIN)
    commands = top.add_subparsers(title="commands", dest="command")
    subs = {}
    for name, (summary, add_options, function) in COMMANDS.items():
        sub = commands.add_parser(name, prog=f"{PROG} {name}", help=summary, description=inspect.cleandoc(function.__doc__),
                                  formatter_class=_Formatter, **_PLAIN)
        add_options(sub)
        sub.set_defaults(function=function)
        subs[name] = sub
    return top, subs


def main(argv=None) -> int:
    """Parse ``argv`` (default: the command line) and run the command; returns its exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help")):
        argv.insert(0, "build")
    top, subs = parsers()
    args, unknown = top.parse_known_args(argv)
    if unknown:  # an option of another command, or none at all: the command's own usage says which it has
        subs[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args.function(args)


def help_texts() -> dict[str, str]:
    """What `python build.py --help` and `python build.py COMMAND --help` print, by command ('' for the first)."""
    top, subs = parsers()
    return {"": top.format_help(), **{name: sub.format_help() for name, sub in subs.items()}}


def reference(helps: dict[str, str] | None = None) -> str:
    """docs/cli.md: the --help of the command line and of each command (``helps``, default ``help_texts()``)."""
    helps = help_texts() if helps is None else helps
    lines = ["# Command line", "",
             "Generated by `python build.py` from the argument parsers in `aigov/cli.py`; do not edit by hand.",
             "Each section is what `--help` prints.", ""]
    for name, text in helps.items():
        lines += [f"## `{PROG}{' ' + name if name else ''}`", "", "```text", text.rstrip("\n"), "```", ""]
    return "\n".join(lines)


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
