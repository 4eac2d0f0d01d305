"""Source records -> table rows, each cell still the contributor's text.

Data flows: ``source_files`` (which files are records) -> ``tabulate`` (rows per table,
each row remembering where it came from in its ``Source``) -> ``derive`` (issuer and
evidence rows) -> the checks of ``aigov/checks/`` (every problem of every row).

``tabulate`` reports what does not fit the table it fills as it walks the records: an
unknown field, a list where one value belongs, an id that is not the file's name.
``problem`` makes a ``Problem`` that points at a row's cell, for every check.
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass

from .problems import Problem
from .schema import FILE_TABLES, Table, children_of, yaml_fields


@dataclass(slots=True)
class Source:
    """Where a row came from, resolved to a line only when a problem is reported."""

    path: str
    marks: dict
    trail: tuple  # path of the record or list item inside the YAML document
    keys: dict | None = None  # column -> YAML path suffix, where they differ

    def where(self, column: str | None = None) -> tuple[int, int]:
        if column is not None:
            suffix = (self.keys or {}).get(column, (column,))
            mark = self.marks.get(self.trail + suffix)
            if mark:
                return mark
        return self.marks.get(self.trail) or self.marks.get(()) or (1, 1)


def problem(src: Source, column: str | None, message: str, label: str | None = None, *, code: str) -> Problem:
    """A Problem at ``column`` of the row ``src`` points at (its record or list item when None),
    labelled with that cell's YAML path unless ``label`` says otherwise."""
    line, col = src.where(column)
    return Problem(src.path, line, col, field_label(src, column) if label is None else label, message, code=code)


def field_label(src: Source, column: str | None) -> str:
    """The YAML path of a cell, as messages show it (e.g. ``sources.0.accessed``)."""
    if column is None:
        return ".".join(str(p) for p in src.trail)
    suffix = (src.keys or {}).get(column, (column,))
    return ".".join(str(p) for p in src.trail + suffix)


# 'did you mean …?' compares a mistaken id or field name with every id or name it could be: worked out for
# every distinct mistake, a file of 300,000 of them would cost minutes (mistakes x choices comparisons).
SUGGESTIONS = 200  # distinct mistakes per check for which it is worked out; the report shows fewer problems than that


class Suggester:
    """The closest choice to a mistaken value (difflib), worked out once per distinct value and for at
    most ``limit`` distinct values; None after that, or when nothing is close enough."""

    def __init__(self, limit: int = SUGGESTIONS):
        self.memo: dict[tuple, str | None] = {}
        self.left = limit

    def closest(self, word: str, scope, choices, cutoff: float) -> str | None:
        """The choice closest to ``word`` among ``choices`` (a sequence, or a function that gives it, called
        only when needed); ``scope`` names the set of choices (a table) in the memo."""
        key = (scope, word)
        if key in self.memo:
            return self.memo[key]
        if self.left <= 0:
            return None
        self.left -= 1
        close = difflib.get_close_matches(word, choices() if callable(choices) else choices, n=1, cutoff=cutoff)
        self.memo[key] = close[0] if close else None
        return self.memo[key]


def show(value: str, limit: int = 60) -> str:
    """A value quoted for a message, cut at ``limit`` characters."""
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)


# ------------------------------------------------------------------ reading


def _shown(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # Windows: another drive
        return path


def _lstat(path: str):
    try:
        return os.lstat(path)
    except OSError:
        return None


def source_files(src_dir: str) -> list[tuple[str, str]]:
    """(table, path) for every record file, sorted so that builds are deterministic.

    Symbolic links (to files or folders) and anything but ordinary files are never
    listed, so never followed; ``checks.files.check`` reports them.
    """
    found = []
    top = _lstat(src_dir)
    if top is None or stat.S_ISLNK(top.st_mode):
        return found
    for table in FILE_TABLES:
        folder = os.path.join(src_dir, table)
        info = _lstat(folder)
        if info is None or not stat.S_ISDIR(info.st_mode):  # missing, or a link to a folder
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue  # reported by checks.files.check
        for name in names:
            if name.endswith((".yaml", ".yml")):
                path = os.path.join(folder, name)
                entry = _lstat(path)
                if entry is not None and stat.S_ISREG(entry.st_mode):
                    found.append((table, path))
    return found


# ---------------------------------------------------------------- tabulating


def tabulate(parsed: list[tuple[str, str, dict, dict]], tables: dict[str, Table]):
    """Turn parsed records into rows per table.

    ``parsed`` holds (table, display path, data, marks). Returns
    ``(rows, sources, problems)``: rows[table] is a list of dicts of text
    cells (missing cells absent), sources[table] the matching Source list.
    """
    rows = {name: [] for name in tables}
    sources = {name: [] for name in tables}
    problems: list[Problem] = []
    hints = Suggester()
    for table_name, path, data, marks in parsed:
        table = tables[table_name]
        src = Source(path, marks, ())
        children = children_of(table_name)
        allowed = table.field_names + [c.key for c in children]
        row = {}
        for key, value in data.items():
            if key not in allowed:
                problems.append(problem(src, key, _unknown(key, allowed, table_name, hints), code="unknown-field"))
            elif key in table.by_name:
                if isinstance(value, str):
                    row[key] = value
                else:
                    problems.append(problem(src, key, f"expected a single value, got a {_kind(value)}", code="expected-value"))
        record_id = row.get("id")
        stem = os.path.splitext(os.path.basename(path))[0]
        if record_id is not None and record_id != stem:
            problems.append(problem(src, "id", f"the id must equal the file name (got id {show(record_id)} in file '{stem}.yaml'); "
                                               "rename the file or fix the id", code="id-not-file-name"))
        rows[table_name].append(row)
        sources[table_name].append(src)
        for child in children:
            items = data.get(child.key)
            if items is None:
                continue
            if not isinstance(items, list):
                problems.append(problem(src, child.key, f"expected a list of entries (lines starting with '- '), got a {_kind(items)}",
                                        code="expected-list"))
                continue
            _child_rows(child, tables[child.name], table_name, record_id or stem, items, src, rows, sources, problems, hints)
    return rows, sources, problems


def _child_rows(child, table, parent_table, parent_id, items, parent_src, rows, sources, problems, hints):
    allowed = yaml_fields(child, table)
    parent_column = child.parents[parent_table]
    if child.scalar:
        _scalar_rows(child, parent_column, parent_id, items, parent_src, rows, sources, problems)
        return
    for index, item in enumerate(items):
        trail = (child.key, index)
        src = Source(parent_src.path, parent_src.marks, trail)
        if not isinstance(item, dict):
            problems.append(problem(src, None, f"expected an entry with fields ({', '.join(allowed)}), got a {_kind(item)}",
                                    code="expected-entry"))
            continue
        base = {parent_column: parent_id}
        if child.seq:
            base["seq"] = str(index + 1)
        if child.derived_id:
            base[child.derived_id] = f"{parent_table}/{parent_id}/{index + 1}"
        group_values = None
        for key, value in item.items():
            if key not in allowed:
                problems.append(problem(src, key, _unknown(key, allowed, child.name, hints), code="unknown-field"))
            elif child.group and key == child.group[0]:
                group_values = value
            elif key in child.extras:
                if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                    base["_" + key] = value
                else:
                    problems.append(problem(src, key, f"expected a list of field names, e.g. {key}: [date, symbol]", code="expected-list"))
            elif isinstance(value, str):
                base[key] = value
            else:
                problems.append(problem(src, key, f"expected a single value, got a {_kind(value)}", code="expected-value"))
        if child.group is None:
            rows[child.name].append(base)
            sources[child.name].append(src)
            continue
        _group_rows(child, index, base, group_values, src, rows, sources, problems)


def _group_rows(child, index, base, values, src, rows, sources, problems):
    """A grouped entry (``actor_ids: [chn, fra]``): one row per id, each pointing at its id."""
    key, column = child.group
    if values is None:
        problems.append(problem(src, None, f"missing required field '{key}': list the {column.replace('_id', '')} ids, e.g. {key}: [chn, fra]",
                                f"{child.key}.{index}.{key}", code="missing-required"))
        return
    if not isinstance(values, list) or not values:
        problems.append(problem(src, key, f"expected a non-empty list of ids, e.g. {key}: [chn, fra]", code="expected-list"))
        return
    for position, value in enumerate(values):
        where = Source(src.path, src.marks, src.trail, {column: (key, position)})
        if not isinstance(value, str):
            problems.append(problem(where, column, f"expected an id, got a {_kind(value)}", code="expected-value"))
            continue
        row = dict(base)
        row[column] = value
        rows[child.name].append(row)
        sources[child.name].append(where)


def _scalar_rows(child, parent_column, parent_id, items, parent_src, rows, sources, problems):
    """A list of plain values (``official_hosts: [un.org, ...]``): one row per value."""
    for index, value in enumerate(items):
        src = Source(parent_src.path, parent_src.marks, (child.key, index), {child.scalar: ()})
        if not isinstance(value, str):
            problems.append(problem(src, None, f"expected a single value, got a {_kind(value)}", code="expected-value"))
            continue
        rows[child.name].append({parent_column: parent_id, child.scalar: value})
        sources[child.name].append(src)


def _kind(value) -> str:
    return "list" if isinstance(value, list) else "mapping" if isinstance(value, dict) else "value"


def _unknown(key: str, allowed: list[str], table: str, hints: Suggester) -> str:
    close = hints.closest(key, table, allowed, cutoff=0.6)
    hint = f"; did you mean '{close}'?" if close else f"; allowed fields: {', '.join(allowed)}"
    return f"unknown field '{key}' for {table}{hint}"
