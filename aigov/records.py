"""Source records -> validated table rows.

Data flows: ``read_sources`` (YAML files) -> ``tabulate`` (rows per table, each
cell still the contributor's text, each row remembering where it came from)
-> ``derive`` (issuer and evidence rows) -> ``check_cells`` / ``check_keys`` /
``rules.check`` (collect every problem).

Cells are checked here, in plain Python driven by the Table Schemas, instead
of by calling frictionless per row: it is ~50x faster, so a contributor's
check stays fast as the data grows. ``tests/test_differential.py`` holds this
validator to the same verdicts as frictionless on the same data.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import functools
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from itertools import repeat

from .schema import FILE_TABLES, Field, Table, children_of, yaml_fields
from .yamlio import Problem

ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_INT_RE = re.compile(r"-?(0|[1-9][0-9]*)")
_NUM_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Control characters (a newline is allowed only in multi-line fields), and the
# invisible characters that can make two ids look equal or reorder text on
# screen (bidirectional overrides/isolates, zero-width characters).
_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A leading = + - @ makes Excel, LibreOffice and Google Sheets run the cell as a formula.
_FORMULA_START = ("=", "+", "-", "@")
# Excel, LibreOffice and Google Sheets cut a cell at 32,767 characters.
MAX_CELL = 32767


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


def problem(src: Source, column: str | None, message: str, field_label: str | None = None) -> Problem:
    line, col = src.where(column)
    label = field_label if field_label is not None else _label(src, column)
    return Problem(src.path, line, col, label, message)


def _label(src: Source, column: str | None) -> str:
    if column is None:
        return ".".join(str(p) for p in src.trail)
    suffix = (src.keys or {}).get(column, (column,))
    return ".".join(str(p) for p in src.trail + suffix)


def _show(value: str, limit: int = 60) -> str:
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
    listed, so never followed; ``stray_files`` reports them.
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
            continue  # reported by stray_files
        for name in names:
            if name.endswith((".yaml", ".yml")):
                path = os.path.join(folder, name)
                entry = _lstat(path)
                if entry is not None and stat.S_ISREG(entry.st_mode):
                    found.append((table, path))
    return found


def stray_files(src_dir: str) -> list[Problem]:
    """Files in sources/ the build would otherwise ignore silently, and what it refuses to
    read: symbolic links (files or folders, never followed), folders inside a record
    folder, anything that is not an ordinary file, folders it cannot read."""
    problems = []

    def refuse(path, message):
        problems.append(Problem(_shown(path), 1, 1, "", message))

    top = _lstat(src_dir)
    if top is not None and stat.S_ISLNK(top.st_mode):
        refuse(src_dir, "the sources folder is a symbolic link, which the build does not follow: use the folder itself")
        return problems

    def unreadable(exc):
        refuse(exc.filename or src_dir, f"cannot read this folder ({exc.strerror or exc})")

    for root, dirs, files in os.walk(src_dir, onerror=unreadable, followlinks=False):
        dirs.sort()
        rel = os.path.relpath(root, src_dir)
        for name in list(dirs):
            path = os.path.join(root, name)
            info = _lstat(path)
            if info is None or stat.S_ISLNK(info.st_mode):
                refuse(path, "symbolic link to a folder: links in sources/ are never followed; put the files themselves here")
                dirs.remove(name)
            elif rel != ".":
                refuse(path, "folder inside a record folder: records are files sources/<table>/<id>.yaml; move the files "
                             "up or remove the folder")
                dirs.remove(name)
        for name in sorted(files):
            path = os.path.join(root, name)
            shown = _shown(path)
            info = _lstat(path)
            if info is None:
                continue
            if stat.S_ISLNK(info.st_mode):
                problems.append(Problem(shown, 1, 1, "", "symbolic link: links in sources/ are never followed; replace the link by the file itself"))
                continue
            if not stat.S_ISREG(info.st_mode):
                problems.append(Problem(shown, 1, 1, "", "not an ordinary file (a pipe, socket or device): record files are ordinary text files"))
                continue
            if rel == "." or rel.split(os.sep)[0] not in FILE_TABLES or os.sep in rel:
                problems.append(Problem(shown, 1, 1, "", "file outside the record folders; records live in sources/<table>/<id>.yaml "
                                                         f"with <table> one of {', '.join(FILE_TABLES)}"))
            elif name.endswith(".yml"):
                problems.append(Problem(shown, 1, 1, "", "use the extension .yaml, not .yml"))
            elif not name.endswith(".yaml") and not name.startswith("."):
                problems.append(Problem(shown, 1, 1, "", "not a record file: record files end in .yaml"))
    return problems


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
    for table_name, path, data, marks in parsed:
        table = tables[table_name]
        src = Source(path, marks, ())
        children = children_of(table_name)
        allowed = table.field_names + [c.key for c in children]
        row = {}
        for key, value in data.items():
            if key not in allowed:
                problems.append(problem(src, key, _unknown(key, allowed, table_name)))
            elif key in table.by_name:
                if isinstance(value, str):
                    row[key] = value
                else:
                    problems.append(problem(src, key, f"expected a single value, got a {_kind(value)}"))
        record_id = row.get("id")
        stem = os.path.splitext(os.path.basename(path))[0]
        if record_id is not None and record_id != stem:
            problems.append(problem(src, "id", f"the id must equal the file name (got id {_show(record_id)} in file '{stem}.yaml'); "
                                               "rename the file or fix the id"))
        rows[table_name].append(row)
        sources[table_name].append(src)
        for child in children:
            items = data.get(child.key)
            if items is None:
                continue
            if not isinstance(items, list):
                problems.append(problem(src, child.key, f"expected a list of entries (lines starting with '- '), got a {_kind(items)}"))
                continue
            _child_rows(child, tables[child.name], table_name, record_id or stem, items, src, rows, sources, problems)
    return rows, sources, problems


def _child_rows(child, table, parent_table, parent_id, items, parent_src, rows, sources, problems):
    allowed = yaml_fields(child, table)
    parent_column = child.parents[parent_table]
    if child.scalar:
        _scalar_rows(child, parent_column, parent_id, items, parent_src, rows, sources, problems)
        return
    for index, item in enumerate(items):
        trail = (child.key, index)
        src = Source(parent_src.path, parent_src.marks, trail)
        if not isinstance(item, dict):
            problems.append(problem(src, None, f"expected an entry with fields ({', '.join(allowed)}), got a {_kind(item)}"))
            continue
        base = {parent_column: parent_id}
        if child.seq:
            base["seq"] = str(index + 1)
        if child.derived_id:
            base[child.derived_id] = f"{parent_table}/{parent_id}/{index + 1}"
        group_values = None
        for key, value in item.items():
            if key not in allowed:
                problems.append(problem(src, key, _unknown(key, allowed, child.name)))
            elif child.group and key == child.group[0]:
                group_values = value
            elif key in child.extras:
                if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                    base["_" + key] = value
                else:
                    problems.append(problem(src, key, f"expected a list of field names, e.g. {key}: [date, symbol]"))
            elif isinstance(value, str):
                base[key] = value
            else:
                problems.append(problem(src, key, f"expected a single value, got a {_kind(value)}"))
        if child.group is None:
            rows[child.name].append(base)
            sources[child.name].append(src)
            continue
        key, column = child.group
        if group_values is None:
            problems.append(problem(src, None, f"missing required field '{key}': list the {column.replace('_id', '')} ids, e.g. {key}: [chn, fra]",
                                    f"{child.key}.{index}.{key}"))
            continue
        if not isinstance(group_values, list) or not group_values:
            problems.append(problem(src, key, f"expected a non-empty list of ids, e.g. {key}: [chn, fra]"))
            continue
        for position, value in enumerate(group_values):
            if not isinstance(value, str):
                problems.append(Problem(src.path, *src.marks.get(trail + (key, position), (1, 1)), f"{child.key}.{index}.{key}.{position}",
                                        f"expected an id, got a {_kind(value)}"))
                continue
            row = dict(base)
            row[column] = value
            rows[child.name].append(row)
            sources[child.name].append(Source(src.path, src.marks, trail, {column: (key, position)}))


def _scalar_rows(child, parent_column, parent_id, items, parent_src, rows, sources, problems):
    """A list of plain values (``official_hosts: [un.org, ...]``): one row per value."""
    for index, value in enumerate(items):
        src = Source(parent_src.path, parent_src.marks, (child.key, index), {child.scalar: ()})
        if not isinstance(value, str):
            problems.append(problem(src, None, f"expected a single value, got a {_kind(value)}"))
            continue
        rows[child.name].append({parent_column: parent_id, child.scalar: value})
        sources[child.name].append(src)


def _kind(value) -> str:
    return "list" if isinstance(value, list) else "mapping" if isinstance(value, dict) else "value"


def _unknown(key: str, allowed: list[str], table: str) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"; did you mean '{close[0]}'?" if close else f"; allowed fields: {', '.join(allowed)}"
    return f"unknown field '{key}' for {table}{hint}"


# ------------------------------------------------------------ checking cells


def cell_checker(field: Field, example: str | None = None, today: _dt.date | None = None):
    """A function value -> message-or-None for one field, built once per field.

    ``example``: a real value to show in the message for a badly formed id (for a foreign
    key, an id of the table it points to). ``today``: the date after which an
    ``accessed`` date is refused (default: today in UTC, plus a day for time zones ahead).
    """
    kind = field.type
    enum = set(field.enum) if field.enum else None
    pattern = field.pattern
    lang_en = field.name.endswith("_en")
    lang_zh = field.name.endswith("_zh")
    code_check = _CODE_CHECKS.get(field.check) if field.check else None
    pattern_help = None
    if pattern is not None:
        pattern_help = _PATTERN_HELP.get(pattern.pattern, "text matching " + pattern.pattern)
        if example is not None and pattern.pattern == ID_RE.pattern:
            pattern_help = f"an id: lowercase letters, digits and single hyphens, e.g. {example!r}"
    latest = now = None
    if field.name == "accessed" and kind == "date":
        now = today or _dt.datetime.now(_dt.timezone.utc).date()
        latest = now if today is not None else now + _dt.timedelta(days=1)  # a day's grace for time zones ahead of UTC

    def check(value: str) -> str | None:
        if len(value) > MAX_CELL:
            return (f"is {len(value):,} characters long; spreadsheets cut a cell at {MAX_CELL:,} characters, so a value must be "
                    "shorter: shorten it (quote the key passage, and link to the full text in a source)")
        bad = _INVISIBLE.search(value)
        if bad:
            char = bad.group()
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            return f"contains the invisible or control character {name} (U+{ord(char):04X}); delete it"
        if "\n" in value and not field.multiline:
            return "must be on one line (no line breaks in this field)"
        if value != value.strip():
            return f"has leading or trailing spaces or line breaks (got {_show(value)}); remove them (for long text use '>-', not '>')"
        if not value.isascii() and not unicodedata.is_normalized("NFC", value):
            return f"is not in Unicode normal form NFC (got {_show(value)}); retype the accented or composed characters, or run `python build.py --fix`"
        if kind == "string":
            if enum is not None and value not in enum:
                return f"not an allowed value (got {_show(value)}, expected one of: {', '.join(field.enum)})"
            if pattern is not None and not pattern.fullmatch(value):
                return f"does not have the expected form (got {_show(value)}, expected {pattern_help})"
            if field.free_text and value.startswith(_FORMULA_START):
                return (f"starts with '{value[0]}' (got {_show(value)}); spreadsheets would run this cell as a formula, "
                        "so reword it to start with a letter or digit")
            if lang_en and _HAN.search(value):
                return f"contains Chinese characters in an English field (got {_show(value)}); put Chinese text in the matching _zh field"
            if lang_zh and not _HAN.search(value):
                return f"expected Chinese text in a Chinese field (got {_show(value)}); put English text in the matching _en field"
            if code_check is not None:
                return code_check(value)
            return None
        if kind == "date":
            if not _DATE_RE.fullmatch(value):
                return f"not a date (got {_show(value)}, expected YYYY-MM-DD, e.g. '2024-03-21')"
            try:
                day = _dt.date.fromisoformat(value)
            except ValueError:
                return f"not a real calendar date (got {_show(value)}, expected a day that exists, YYYY-MM-DD)"
            if latest is not None and day > latest:
                return (f"is in the future (got {_show(value)}, today is {now.isoformat()}): "
                        "'accessed' is the day you read the page, so it cannot be later than today")
            return None
        if kind == "boolean":
            if value not in field.true_values and value not in field.false_values:
                return f"not a boolean (got {_show(value)}, expected true or false)"
            return None
        if kind == "integer":
            if not _INT_RE.fullmatch(value):
                return f"not a whole number (got {_show(value)}, expected digits only, e.g. '12', without leading zeros or separators)"
            return _bounds(field, int(value), value)
        if kind == "number":
            if not _NUM_RE.fullmatch(value):
                return f"not a number (got {_show(value)}, expected a plain decimal like '56.4', without separators, units or %)"
            return _bounds(field, float(value), value)
        return f"the schema uses type '{kind}', which this build does not support"

    return check


def _bounds(field: Field, number, value: str) -> str | None:
    if field.minimum is not None and number < field.minimum:
        return f"too small (got {value}, expected at least {field.minimum})"
    if field.maximum is not None and number > field.maximum:
        return f"too large (got {value}, expected at most {field.maximum})"
    return None


_PATTERN_HELP = {
    r"[a-z0-9]+(-[a-z0-9]+)*": "an id: lowercase letters, digits and single hyphens, e.g. 'global-digital-compact'",
    r"https?://[^\s]+": "a web address starting with http:// or https://",
    r"Q[1-9][0-9]*": "a Wikidata id such as 'Q42'",
    r"[A-Z]{3}": "an ISO 3166-1 alpha-3 country code in capitals, e.g. 'CHN'",
}


def _iso3166(value: str) -> str | None:
    import pycountry  # imported on first use: only two fields need it

    if pycountry.countries.get(alpha_3=value) is None:
        return f"not an ISO 3166-1 alpha-3 country code (got {_show(value)}); see https://www.iso.org/obp/ui/#search/code/"
    return None


def _bcp47(value: str) -> str | None:
    import langcodes

    if not langcodes.tag_is_valid(value):
        return f"not a valid IETF language tag (got {_show(value)}, expected e.g. 'en', 'zh', 'zh-Hans', 'fr')"
    if langcodes.standardize_tag(value) != value:
        return f"language tag not in its standard form (got {_show(value)}, expected {_show(langcodes.standardize_tag(value))})"
    return None


_CODE_CHECKS = {"iso3166-alpha3": _iso3166, "bcp47": _bcp47}


def check_cells(rows, sources, tables) -> list[Problem]:
    problems = []
    for name, table in tables.items():
        table_rows = rows[name]
        targets = {fk["fields"][0]: fk["reference"]["resource"] for fk in table.foreign_keys if len(fk["fields"]) == 1}
        for f in table.fields:
            column = f.name
            # Fast path: check each distinct value once (values repeat a lot: roles, dates,
            # ids); walk the rows only for a column that has a bad or missing value.
            distinct = set(map(dict.get, table_rows, repeat(column)))
            target = targets.get(column) or (name if table.primary_key == [column] else None)
            check = cell_checker(f, example=_example_id(rows, tables, target) if target else None)
            verdicts = {value: check(value) for value in distinct if value is not None}
            bad = {value for value, message in verdicts.items() if message}
            if not bad and not (f.required and None in distinct):
                continue
            for value in bad:  # a country name or code where an actor id or ISO code is expected
                hint = None
                if target == "actors" and column != "id":
                    hint = _country_hint(value, rows, "id")
                elif f.check == "iso3166-alpha3":
                    hint = _country_hint(value, rows, "iso3")
                if hint:
                    verdicts[value] += f"; {hint}"
            for row, src in zip(table_rows, sources[name]):
                value = row.get(column)
                if value is None:
                    if f.required:
                        label = _label(src, column)
                        problems.append(problem(src, None, f"missing required field '{label.split('.')[-1]}' ({f.description})", label))
                elif value in bad:
                    problems.append(problem(src, column, verdicts[value]))
    return problems


# Shown when the table an id points to has no record yet.
_EXAMPLE_IDS = {"actors": "fra", "events": "ai-action-summit-paris-2025", "instruments": "global-digital-compact",
                "systems": "pytorch", "articles": "ai-public-good-2025"}


def _example_id(rows, tables, target: str) -> str | None:
    """An id of table ``target`` to show as an example: a real one where the table has rows."""
    table = tables.get(target)
    if table is None or len(table.primary_key) != 1:
        return None
    (key,) = table.primary_key
    pattern = table.by_name[key].pattern
    ids = sorted(v for v in map(dict.get, rows.get(target, ()), repeat(key))
                 if isinstance(v, str) and (pattern is None or pattern.fullmatch(v)))
    if not ids:
        return _EXAMPLE_IDS.get(target)
    if target == "actors":  # a state shows the rule for states too
        states = [i for i in ids if len(i) == 3]
        ids = states or ids
    return ids[len(ids) // 2]


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, object]:
    import pycountry

    names = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            text = getattr(country, attr, None)
            if text:
                names.setdefault(text.casefold(), country)
    return names


def country_for(value: str):
    """The ISO 3166-1 country whose alpha-2 or alpha-3 code, name, official name or common
    name is exactly ``value`` (ignoring case), or None. Never a fuzzy match."""
    import pycountry

    text = value.strip()
    if not text or len(text) > 100:
        return None
    if len(text) == 2 and text.isascii() and text.isalpha():
        return pycountry.countries.get(alpha_2=text.upper())
    if len(text) == 3 and text.isascii() and text.isalpha():
        found = pycountry.countries.get(alpha_3=text.upper())
        if found is not None:
            return found
    return _country_names().get(text.casefold())


def _country_hint(value: str, rows, column: str) -> str | None:
    """For a country name or code where a state's actor id (column 'id') or its ISO code
    (column 'iso3') is expected: what to write instead, and how to add a missing state."""
    country = country_for(value)
    if country is None:
        return None
    code = country.alpha_3
    if column == "iso3":
        return f"{country.name} is {code!r}" if value != code else None
    wanted = code.lower()
    exists = any(row.get("id") == wanted for row in rows.get("actors", ()))
    create = f"create it with `python build.py new-state {code}`"
    if value == wanted:
        return None if exists else f"{country.name} has no actor file yet: {create}"
    what = "the ISO code of" if len(value) <= 3 else "the name of"
    advice = f"{_show(value)} is {what} {country.name}: a state's id is its lowercase ISO 3166-1 alpha-3 code, write {wanted!r}"
    return advice if exists else f"{advice} ({country.name} has no actor file yet: {create})"


# ------------------------------------------------------- keys across tables


def check_keys(rows, sources, tables) -> list[Problem]:
    problems = []
    keysets = {}
    for name, table in tables.items():
        pk = table.primary_key
        keys = list(zip(*(map(dict.get, rows[name], repeat(c)) for c in pk)))
        keysets[name] = known = set(keys)
        if len(known) == len(keys):
            continue  # fast path: no duplicates (rows with a missing key part are reported elsewhere)
        seen = {}
        for key, src in zip(keys, sources[name]):
            if None in key:
                continue  # already reported as a missing required field
            if key in seen:
                other = seen[key]
                # point at the cell that makes the row a duplicate (in a group: the repeated id)
                column = next((c for c in pk if src.keys and c in src.keys), pk[-1])
                line = other.where(column)[0]
                what = "id" if pk == ["id"] else " + ".join(pk)
                advice = "ids must be unique" if pk == ["id"] else "remove the repeated entry"
                problems.append(problem(src, column, f"duplicate {what} {_show(' + '.join(key))}: already used in {other.path}:{line}; {advice}"))
            else:
                seen[key] = src
    placeholders = _template_ids()
    for name, table in tables.items():
        for fk in table.foreign_keys:
            (column,) = fk["fields"]
            target = fk["reference"]["resource"]
            known = keysets[target]
            values = set(map(dict.get, rows[name], repeat(column)))
            missing = {v for v in values if v is not None and (v,) not in known and ID_RE.fullmatch(v)} - placeholders
            if not missing:
                continue  # fast path: every reference resolves
            for row, src in zip(rows[name], sources[name]):
                value = row.get(column)
                if value in missing:
                    hint = _suggest(value, known, target, rows)
                    where = f" (no file sources/{target}/{value}.yaml)" if target in FILE_TABLES else ""
                    problems.append(problem(src, column, f"refers to {_show(value)}, which is not an id in {target}{where}{hint}"))
    return problems


def _template_ids() -> frozenset:
    """The templates' placeholder ids: refused as placeholders (aigov/guards.py), not reported twice."""
    from .guards import TEMPLATE_IDS

    return TEMPLATE_IDS


def _suggest(value, known, target: str | None = None, rows=None) -> str:
    if target == "actors" and rows is not None:
        hint = _country_hint(value, rows, "id")
        if hint:
            return f"; {hint}"
    if len(value) > 200:  # nothing that long is an id; do not spend time comparing it
        return ""
    close = difflib.get_close_matches(value, [k[0] for k in known if k[0] is not None], n=1, cutoff=0.75)
    if close:
        return f"; did you mean '{close[0]}'?"
    return ""


# ----------------------------------------------------- rules across fields
# The rules live in aigov/rules.py, one small named function each.
