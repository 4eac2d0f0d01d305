"""Validated rows -> the published files: CSVs, datapackage.json, generated docs.

Everything here is a pure function of the rows and the schemas, so the same
sources always give byte-identical output (no timestamps, sorted rows, fixed
key order, LF line ends).
"""

from __future__ import annotations

import csv
import hashlib
import json
import operator
import os
import shutil
import tempfile
from itertools import repeat

from .fileio import write_atomic
from .schema import TABLES, Table, public_schema

PACKAGE_META = "package.json"  # in schemas/: name, version, licences... of the package
DATA_DIR = "data"


def read_meta(schema_dir: str) -> dict:
    """schemas/package.json: the package's name, version, licences and citation."""
    with open(os.path.join(schema_dir, PACKAGE_META), encoding="utf-8") as fh:
        return json.load(fh)


def package_meta(schema_dir: str) -> dict | None:
    """``read_meta``, or None where it cannot be read (dist and site work from a built package alone)."""
    try:
        return read_meta(schema_dir)
    except (OSError, ValueError):
        return None


def sort_key(table: Table):
    kinds = [table.by_name[c].type for c in table.primary_key]
    columns = table.primary_key
    if "integer" not in kinds:
        return operator.itemgetter(*columns) if len(columns) > 1 else (lambda row: row[columns[0]])

    def key(row):
        # validated integers sort as numbers; the fallback keeps unvalidated rows (tests) sortable
        return tuple((0, int(row[c]), "") if k == "integer" and row.get(c, "").isdigit() else (1, 0, row.get(c, ""))
                     for c, k in zip(columns, kinds))

    return key


_NEEDS_QUOTES = (",", '"', "\n", "\r")  # what makes the csv module quote a cell (QUOTE_MINIMAL, excel dialect)


class _LastLine:
    """A file for csv.writer that keeps only the last line written."""

    line = ""

    def write(self, text: str) -> None:
        self.line = text


_LAST = _LastLine()
_CELL_WRITER = csv.writer(_LAST, lineterminator="\n")


def _csv_cell(value) -> str:
    """One cell exactly as csv.writer writes it (asked of the csv module itself)."""
    _CELL_WRITER.writerow([value, ""])
    return _LAST.line[:-2]  # without the empty second cell and the line end


def _quoted(cell: str) -> str:
    """A cell that holds a comma, quote or line feed, as csv.writer writes it (QUOTE_MINIMAL,
    quotes doubled); a carriage return, whose handling has varied between Python versions,
    is left to the csv module itself."""
    if "\r" in cell:
        return _csv_cell(cell)
    return '"' + cell.replace('"', '""') + '"'


def _sorted(table: Table, rows: list[dict]) -> list[dict]:
    """``sorted(rows, key=sort_key(table))``, with the keys built column by column in C where
    every key cell is there (and, for an integer column, digits): the same order, ~3x faster."""
    columns = []
    for column in table.primary_key:
        cells = list(map(dict.get, rows, repeat(column)))
        if None in cells:
            return sorted(rows, key=sort_key(table))
        if table.by_name[column].type == "integer":
            if not all(map(str.isdigit, cells)):
                return sorted(rows, key=sort_key(table))
            cells = list(map(int, cells))  # (0, int(v), "") for every row: the order of int(v)
        columns.append(cells)
    keys = columns[0] if len(columns) == 1 else list(zip(*columns))
    return list(map(rows.__getitem__, sorted(range(len(rows)), key=keys.__getitem__)))


def csv_text(table: Table, rows: list[dict]) -> str:
    """The table as CSV: the bytes csv.writer gives, built column by column.

    A cell is written as is unless it holds a comma, quote or line break; only the
    columns that have such a cell are quoted, each distinct cell once. Joining
    columns in C is ~3x faster than csv.writer's per-row writes at 100k rows.
    """
    names = table.field_names
    try:
        ordered = _sorted(table, rows)
    except TypeError:  # not text (only in tests)
        ordered = sorted(rows, key=sort_key(table))
    columns = []
    for name in names:
        cells = list(map(dict.get, ordered, repeat(name), repeat("")))  # a missing cell is an empty field
        try:
            text = "\t".join(cells)
            plain = not any(char in text for char in _NEEDS_QUOTES)  # four C-level scans, faster than a regex
        except TypeError:  # not text (only in tests): the csv module decides
            quoted = {cell: _csv_cell(cell) for cell in set(cells)}
            columns.append(list(map(quoted.__getitem__, cells)))
            continue
        if not plain:
            quoted = {cell: _quoted(cell) if "," in cell or '"' in cell or "\n" in cell or "\r" in cell else cell for cell in set(cells)}
            cells = list(map(quoted.__getitem__, cells))
        columns.append(cells)
    header = ",".join(map(_csv_cell, names))
    if not ordered:
        return header + "\n"
    return header + "\n" + "\n".join(map(",".join, zip(*columns))) + "\n"


def descriptor(meta: dict, tables: dict[str, Table], files: dict[str, bytes], digests: dict[str, str] | None = None) -> dict:
    """datapackage.json for the CSVs ``files`` (table -> bytes); ``digests``: the sha256 of
    some of them, where already known."""
    resources = []
    digests = digests or {}
    for name in TABLES:
        table = tables[name]
        body = files[name]
        resources.append({
            "name": name,
            "type": "table",
            "profile": "tabular-data-resource",
            "path": f"{DATA_DIR}/{name}.csv",
            "scheme": "file",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": table.spec.get("title", name),
            "description": table.spec.get("description", ""),
            "hash": "sha256:" + (digests.get(name) or hashlib.sha256(body).hexdigest()),
            "bytes": len(body),
            "schema": public_schema(table),
        })
    package = {k: v for k, v in meta.items() if not k.startswith("x-")}
    package["profile"] = "tabular-data-package"
    package["resources"] = resources
    return package


def render(meta: dict, tables: dict[str, Table], rows: dict[str, list[dict]],
           known: dict[str, tuple[bytes, str]] | None = None) -> dict[str, bytes]:
    """All files of datapackage/, as relative path -> bytes. ``known``: table -> (CSV bytes,
    their sha256) of tables whose CSV is already known (the build's cache), not made again."""
    known = known or {}
    csvs = {name: known[name][0] if name in known else csv_text(tables[name], rows[name]).encode("utf-8") for name in TABLES}
    out = {f"{DATA_DIR}/{name}.csv": body for name, body in csvs.items()}
    digests = {name: digest for name, (_, digest) in known.items()}
    out["datapackage.json"] = (json.dumps(descriptor(meta, tables, csvs, digests), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return out


class UnsafeOutput(Exception):
    """An output path that goes through a symbolic link: the build refuses to write there."""

    plain = True  # the command line (aigov/cli.py: run) prints the message, not a traceback


FILE_MODE, DIR_MODE = 0o644, 0o755  # what the build writes is readable by everyone, whatever the umask


def _no_links(root: str, rel: str) -> None:
    """Refuse to write ``root/rel`` if a folder on the way (below ``root``) is a symbolic link."""
    parts = os.path.normpath(rel).split(os.sep)[:-1]
    path = root
    for part in parts:
        path = os.path.join(path, part)
        if os.path.islink(path):
            raise UnsafeOutput(f"{os.path.relpath(path)} is a symbolic link; the build does not write through links: "
                               "replace it by a real folder (or delete it) and run the build again")


def _makedirs(path: str) -> None:
    """os.makedirs, with every folder it creates set to 0755 (mkdtemp and umasks make them private)."""
    missing = []
    while path and not os.path.isdir(path):
        missing.append(path)
        path = os.path.dirname(path)
    for folder in reversed(missing):
        os.makedirs(folder, exist_ok=True)
        os.chmod(folder, DIR_MODE)


def write_tree(target: str, files: dict[str, bytes]) -> None:
    """Replace directory ``target`` by exactly ``files``, never leaving it half written.

    The new tree is written beside the old one and swapped in with renames, so
    a failure (disk full, Ctrl-C) leaves the previous package in place. Files
    are 0644 and folders 0755; a ``target`` that is a symbolic link is refused.
    """
    if os.path.islink(target):
        raise UnsafeOutput(f"{os.path.relpath(target)} is a symbolic link; the build does not write through links: "
                           "delete the link and run the build again")
    parent = os.path.dirname(os.path.abspath(target)) or "."
    staging = tempfile.mkdtemp(prefix=".staging-", dir=parent)
    try:
        os.chmod(staging, DIR_MODE)
        for rel, body in files.items():
            path = os.path.join(staging, rel)
            _makedirs(os.path.dirname(path))
            write_atomic(path, body, FILE_MODE)
        old = None
        if os.path.exists(target):
            old = tempfile.mkdtemp(prefix=".previous-", dir=parent)
            os.rmdir(old)
            os.rename(target, old)
        os.rename(staging, target)
        if old:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_files(root: str, files: dict[str, bytes]) -> None:
    """Write individual generated files (docs), each replaced atomically, as 0644 (folders
    0755); never through a symbolic link."""
    for rel in files:
        _no_links(root, rel)
    for rel, body in files.items():
        path = os.path.join(root, rel)
        _makedirs(os.path.dirname(path))
        write_atomic(path, body, FILE_MODE)


def differences(root: str, files: dict[str, bytes], tree: str | None = None) -> list[str]:
    """Files that differ between ``files`` and what is on disk under ``root``.

    With ``tree`` (a folder under root), files in it that would not be written
    count as differences too.
    """
    stale = []
    for rel, body in sorted(files.items()):
        path = os.path.join(root, rel)
        try:
            with open(path, "rb") as fh:
                if fh.read() != body:
                    stale.append(f"{rel}: differs from what the sources give")
        except FileNotFoundError:
            stale.append(f"{rel}: missing")
    if tree:
        base = os.path.join(root, tree)
        for folder, _, names in os.walk(base):
            for name in names:
                rel = os.path.relpath(os.path.join(folder, name), root)
                if rel not in files:
                    stale.append(f"{rel}: not produced by the sources (remove it)")
    return stale
