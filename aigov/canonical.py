"""`build.py --fix`: rewrite record files in one canonical form.

Canonical form (so that reviews show content changes only): keys in schema
order, two-space indentation, lists of ids in flow style, text quoted only
where another YAML reader could mistake it for a number, date, boolean or null
(dates, codes and numbers are therefore quoted), long prose folded at 100
columns, and a first line that points editors at the record's JSON Schema.
The rewrite never changes a value (it is re-read and compared), but it does
drop comments: notes for readers belong in the `note` field.
"""

from __future__ import annotations

import os

from . import yamlio
from .fileio import write_atomic
from .problems import Problem
from .records import source_files
from .schema import Table, children_of, yaml_fields


def key_order(tables: dict[str, Table], table: str) -> dict[tuple, list[str]]:
    order = {(): tables[table].field_names + [c.key for c in children_of(table)]}
    for child in children_of(table):
        order[(child.key,)] = yaml_fields(child, tables[child.name])
    return order


def canonical_text(data: dict, tables: dict[str, Table], table: str) -> str:
    # The first line lets editors with yaml-language-server validate the file while typing.
    header = f"# yaml-language-server: $schema=../../docs/json-schema/{table}.schema.json\n"
    return header + yamlio.dump(data, key_order(tables, table))


def fix(src_dir: str, tables: dict[str, Table]) -> tuple[list[str], list[Problem]]:
    changed, problems = [], []
    for table, path in source_files(src_dir):
        shown = os.path.relpath(path)
        try:
            data, _ = yamlio.read(path, shown)
        except yamlio.YamlError as exc:
            problems.append(exc.problem)
            continue
        text = canonical_text(data, tables, table)
        again, _ = yamlio.load(text, shown)
        if again != data:  # never rewrite a file unless the values survive exactly
            problems.append(Problem(shown, 1, 1, "", "cannot be rewritten canonically without changing a value; please report this",
                                    code="cannot-fix"))
            continue
        with open(path, "rb") as fh:
            if fh.read() == text.encode("utf-8"):
                continue
        write_atomic(path, text.encode("utf-8"))
        changed.append(shown)
    return changed, problems


def is_canonical(path: str, table: str, tables: dict[str, Table]) -> tuple[bool, str, str]:
    """(canonical?, current text, canonical text) for one file."""
    with open(path, encoding="utf-8") as fh:
        current = fh.read()
    data, _ = yamlio.load(current.lstrip("\ufeff"), path)
    wanted = canonical_text(data, tables, table)
    return current == wanted, current, wanted
