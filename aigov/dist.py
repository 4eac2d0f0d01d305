"""The release files beside the CSV zip: SQLite (+ Datasette metadata), Parquet, xlsx.

Everything is made from a published ``datapackage/`` folder (see ``published``)
and typed by its Table Schemas, table by table in resource order, so a new
table in ``schemas/`` appears in every format without code here. Output is
deterministic: the same package gives the same bytes (no timestamps; the
SQLite file is vacuumed; the xlsx and zip carry fixed dates).

    <stem>.zip                the CSV package and changes.csv (release.package_zip, as `build.py release` makes it)
    <db>.db                   SQLite: one table per resource, keys, indexes, full-text search
    metadata.json             Datasette metadata for <db>.db, with the search queries
    feed.xml                  Atom feed of the releases (from releases/ and CHANGELOG.md; links absolute from x-site-url)
    <stem>-<table>.parquet    one Parquet file per table, with pandas metadata (``pd.read_parquet`` gives load()'s dtypes)
    <stem>.xlsx               one sheet per table and a README sheet

where <stem> is ``global-ai-governance-<version>`` and <db> the same with
the version's dots as underscores (``global-ai-governance-0_4_0``): Datasette
names a database after its file, and a name with dots breaks the links it
renders between tables (it does not escape the database name in them).

Full-text search (see ``SEARCH_HELP``): for each table of ``FTS_COLUMNS``,
``<table>_fts`` indexes words (tokenizer unicode61, where every Chinese or
Japanese character is set apart as a word of its own, so a query of any
length is a phrase of characters) and ``<table>_trigram`` indexes every
three-character substring (tokenizer trigram). Both have the table's rowids.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
import sqlite3
import warnings

from . import citation, published, release
from .fileio import usable_folder, write_atomic
from .schema import Table, foreign_keys

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
# Full-text search: table -> the columns searched (those the table has).
FTS_COLUMNS = {"instruments": ("title_en", "title_zh", "short_name", "summary"), "passages": ("text",)}
WORD_TOKENIZER = "unicode61 remove_diacritics 2"  # words in any script, any case, with or without accents
# Characters that are words on their own in <table>_fts: CJK radicals, punctuation, kana, bopomofo and
# ideographs (U+2E80-U+9FFF), compatibility ideographs (U+F900-U+FAFF), ideographs of planes 2 and 3.
# The search queries of the Datasette metadata test the same ranges in SQL (SPACE_CJK_SQL).
CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
# The column Datasette shows for a row when another table points at it.
LABEL_COLUMNS = ("title_en", "name_en", "name", "title")


def write(package_dir: str, out_dir: str, members: dict[str, bytes] | None = None, meta: dict | None = None,
          zip_file: bool = True, root: str | None = None, previous: str | None = None) -> list[str]:
    """Write every release file of the package in ``package_dir`` to ``out_dir``.

    ``members`` are the repository files shipped in the zip beside datapackage/
    (README, CHANGELOG…); ``meta`` is schemas/package.json, for the citation
    and the site's address that the feed's links start from (without one, no feed.xml);
    ``root``, the repository, whose releases/ and CHANGELOG.md make feed.xml
    and whose git tags give the previous release for the zip's changes.csv;
    ``previous``, a folder holding the previous release's datapackage/ files
    instead (see ``previous_package``). Returns the paths written.
    """
    out_dir = usable_folder(out_dir)  # a file, a link or a missing parent is refused before anything is written
    pkg = published.read(package_dir)
    os.makedirs(out_dir, exist_ok=True)
    written = []
    if zip_file:
        old, _ = previous_package(pkg, root, previous)
        changes = release.changes_csv(release.changes(old, pkg.files))
        written.append(release.package_zip(out_dir, pkg.version, pkg.files, {**(members or {}), "changes.csv": changes}))
    written.append(write_sqlite(pkg, os.path.join(out_dir, f"{database_name(pkg)}.db")))
    written.append(write_datasette_metadata(pkg, os.path.join(out_dir, "metadata.json")))
    written += write_parquet(pkg, out_dir)
    written.append(write_xlsx(pkg, os.path.join(out_dir, f"{pkg.stem}.xlsx"), meta))
    feed = release.feed_file(pkg, root, meta) if root else None  # None, with a FeedWarning, where meta has no site address
    if feed is not None:
        written.append(write_atomic(os.path.join(out_dir, "feed.xml"), feed))
    return written


class ChangesBasisWarning(UserWarning):
    """changes.csv could not be computed against the previous release: it lists every record as added."""


def previous_package(pkg: published.Package, root: str | None, previous: str | None = None) -> tuple[dict | None, str]:
    """The files of the release before ``pkg``'s version, for changes.csv, and where they came from.

    The previous release is the newest one recorded in ``root``/releases/ whose
    version is older than the package's (so re-making a released version diffs
    against the one before, as `build.py release` does). Its files come from
    the folder ``previous`` if given, else from its git tag v<version> in
    ``root``. With no earlier release, changes.csv is computed against nothing:
    every record is "added", which is right for a first release. When an
    earlier release is recorded but its files cannot be found (no such tag in
    this clone: ``git fetch --tags``), it is computed against nothing too, and
    a ChangesBasisWarning says so.
    """
    if previous:
        return release.package_from_dir(previous), f"the package in {previous}"
    before = release.last_release(root, before=pkg.version) if root else None
    if before is None:
        return None, "nothing (no earlier release)"
    files = release.package_from_git(root, before["version"])
    if files is None:
        warnings.warn(f"changes.csv lists every record as added: release {before['version']}'s files were not found "
                      f"(fetch its tag v{before['version']}, or pass the folder of its datapackage/)",
                      ChangesBasisWarning, stacklevel=3)
        return None, f"nothing (tag v{before['version']} not found)"
    return files, f"tag v{before['version']}"


# --- SQLite -----------------------------------------------------------------

def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(table: Table) -> str:
    lines = []
    for f in table.fields:
        col = f"{_q(f.name)} {SQL_TYPES.get(f.type, 'TEXT')}"
        if f.required:
            col += " NOT NULL"
        checks = []
        if f.type == "boolean":
            checks.append(f"{_q(f.name)} IN (0, 1)")
        elif f.type == "date":
            checks.append(f"{_q(f.name)} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'")
        if f.enum and f.type == "string":
            checks.append(f"{_q(f.name)} IN ({', '.join(_lit(v) for v in f.enum)})")
        if f.minimum is not None and f.type in ("integer", "number"):
            checks.append(f"{_q(f.name)} >= {f.minimum}")
        if f.maximum is not None and f.type in ("integer", "number"):
            checks.append(f"{_q(f.name)} <= {f.maximum}")
        if checks:
            col += " CHECK (" + " AND ".join(checks) + ")"
        lines.append(col)
    if table.primary_key:
        lines.append(f"PRIMARY KEY ({', '.join(map(_q, table.primary_key))})")
    for cols, ref, ref_cols in foreign_keys(table):
        lines.append(f"FOREIGN KEY ({', '.join(map(_q, cols))}) REFERENCES {_q(ref)} ({', '.join(map(_q, ref_cols))})")
    return f"CREATE TABLE {_q(table.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def index_sql(table: Table) -> list[str]:
    """An index on each foreign key's columns, unless the primary key's index already starts with them."""
    out = []
    for cols, _, _ in foreign_keys(table):
        if table.primary_key[:len(cols)] == cols:
            continue
        name = f"{table.name}_{'_'.join(cols)}"
        out.append(f"CREATE INDEX {_q(name)} ON {_q(table.name)} ({', '.join(map(_q, cols))})")
    return out


def _sql_value(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def database_name(pkg: published.Package) -> str:
    """The SQLite file's stem, which Datasette takes as the database's name and puts, unescaped,
    in the links it renders between tables: only letters, digits, "-" and "_" (so the version's
    dots become "_": global-ai-governance-0_4_0)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", pkg.stem)


def fts_name(table: str) -> str:
    """The word index of ``table`` (tokenizer unicode61, CJK characters set apart)."""
    return f"{table}_fts"


def trigram_name(table: str) -> str:
    """The substring index of ``table`` (tokenizer trigram, the table's own text)."""
    return f"{table}_trigram"


def cjk_spaced(text: str | None) -> str | None:
    """``text`` with a space on each side of every CJK character, as <table>_fts indexes it:
    each such character is then a word, and a Chinese word a phrase of its characters."""
    return CJK.sub(lambda m: f" {m.group()} ", text) if text else text


def match_phrase(text: str) -> str:
    """The FTS5 query that finds ``text`` as a phrase in a <table>_fts index: CJK characters
    set apart, the whole in double quotes (so "-", ":", "*" or "AND" are text, not syntax).
    ``'AI'`` -> ``'"AI"'``, ``'开源'`` -> ``'" 开  源 "'``, ``'open-source'`` -> ``'"open-source"'``."""
    return '"' + cjk_spaced(text).replace('"', '""') + '"'


def fts_columns(pkg: published.Package) -> dict[str, list[str]]:
    """Table -> the columns its full-text indexes cover, for the tables of FTS_COLUMNS the package has."""
    return {name: [c for c in columns if c in pkg.tables[name].by_name]
            for name, columns in FTS_COLUMNS.items() if name in pkg.tables}


def write_fts(con: sqlite3.Connection, pkg: published.Package) -> None:
    """The two full-text indexes of each table of ``fts_columns``: words and trigrams."""
    if sqlite3.sqlite_version_info < (3, 34):
        raise RuntimeError(f"SQLite {sqlite3.sqlite_version} has no trigram tokenizer: the SQLite file needs 3.34 or later")
    for name, columns in fts_columns(pkg).items():
        cols = ", ".join(map(_q, columns))
        # words: the text with CJK characters set apart is indexed only (contentless); its rowids are the table's
        con.execute(f"CREATE VIRTUAL TABLE {_q(fts_name(name))} USING fts5({cols}, content='', "
                    f"tokenize={_lit(WORD_TOKENIZER)})")
        rows = con.execute(f"SELECT rowid, {cols} FROM {_q(name)} ORDER BY rowid").fetchall()
        con.executemany(f"INSERT INTO {_q(fts_name(name))}(rowid, {cols}) VALUES ({', '.join('?' * (len(columns) + 1))})",
                        ([rowid, *map(cjk_spaced, values)] for rowid, *values in rows))
        # substrings: the table's own text (external content), for highlight() and snippet() too
        con.execute(f"CREATE VIRTUAL TABLE {_q(trigram_name(name))} USING fts5({cols}, content={_q(name)}, "
                    "content_rowid='rowid', tokenize='trigram')")
        con.execute(f"INSERT INTO {_q(trigram_name(name))}({_q(trigram_name(name))}) VALUES ('rebuild')")


def write_sqlite(pkg: published.Package, path: str) -> str:
    def build(tmp):
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode = DELETE")
            con.execute("PRAGMA synchronous = OFF")  # a temporary file, moved into place only once complete
            with con:
                for table in pkg.tables.values():
                    con.execute(create_table_sql(table))
                    marks = ", ".join("?" * len(table.fields))
                    con.executemany(f"INSERT INTO {_q(table.name)} VALUES ({marks})",
                                    ([_sql_value(row[f.name]) for f in table.fields] for row in pkg.typed(table.name)))
                    for statement in index_sql(table):
                        con.execute(statement)
                write_fts(con, pkg)
            broken = con.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise ValueError(f"foreign keys do not hold in {path}: {broken[:5]}")
            con.execute("VACUUM")
        finally:
            con.close()

    return write_atomic(path, build)


# The FTS5 query that finds the text of the parameter :q as a phrase in a <table>_fts index, in SQL
# (match_phrase in Python): a space on each side of every CJK character (the ranges of CJK), the whole
# in double quotes. A recursive CTE, so that it runs in any SQLite, Datasette's included.
SPACE_CJK_SQL = """with recursive spaced(i, text) as (
  select 0, ''
  union all
  select i + 1, text || case
    when unicode(substr(:q, i + 1, 1)) between 11904 and 40959
      or unicode(substr(:q, i + 1, 1)) between 63744 and 64255
      or unicode(substr(:q, i + 1, 1)) between 131072 and 262143
    then ' ' || substr(:q, i + 1, 1) || ' ' else substr(:q, i + 1, 1) end
  from spaced where i < length(:q)
), phrase(query) as (select '"' || replace(text, '"', '""') || '"' from spaced where i = length(:q))"""

# What each search query of the Datasette metadata shows: table -> (title, columns).
SEARCH_QUERIES = {
    "instruments": ("Search instruments (titles, short names, summaries)", ("id", "title_en", "title_zh", "kind", "date")),
    "passages": ("Search the passages of the official texts", ("instrument_id", "language", "part", "number", "text")),
}


def search_query_sql(table: str, columns) -> str:
    """The canned query that finds the plain text :q, as a phrase, in ``table``'s word index."""
    return (f"{SPACE_CJK_SQL}\nselect {', '.join('t.' + _q(c) for c in columns)}\n"
            f"from {_q(fts_name(table))} join {_q(table)} t on t.rowid = {_q(fts_name(table))}.rowid\n"
            f"where :q != '' and {_q(fts_name(table))} match (select query from phrase)\n"
            f"order by {_q(fts_name(table))}.rank")


# How to search the SQLite file: the Datasette metadata shows it; the README says the same.
SEARCH_HELP = """<p><strong>Full-text search.</strong> Each of the tables {tables} has two indexes with its rowids.
<code>&lt;table&gt;_fts</code> finds words in any language, each Chinese character counting as a word: put the
words in double quotes, and a space between Chinese characters, e.g.
<code>select * from instruments where rowid in (select rowid from instruments_fts where instruments_fts match '"AI"')</code>,
<code>… passages_fts match '"开 源"'</code>, <code>… match '"open-source"'</code>.
<code>&lt;table&gt;_trigram</code> finds any text of three or more characters as written, inside words too:
<code>… passages_trigram match '"人工智能"'</code>.
The queries {queries} take plain text (<code>q=开源</code>) and do the quoting and spacing.
The search box of a table uses <code>&lt;table&gt;_fts</code>: type Chinese with spaces between the characters.</p>"""


def datasette_metadata(pkg: published.Package) -> dict:
    desc = pkg.descriptor
    licence = (desc.get("licenses") or [{}])[0]
    searched = fts_columns(pkg)
    tables = {}
    for table in pkg.tables.values():
        entry = {
            "title": table.spec.get("title", table.name),
            "description": table.spec.get("description", ""),
            "columns": {f.name: f.description for f in table.fields if f.description},
        }
        label = next((c for c in LABEL_COLUMNS if c in table.by_name), None)
        if label:
            entry["label_column"] = label
        if table.name in searched:
            entry["fts_table"] = fts_name(table.name)
            entry["fts_pk"] = "rowid"
        tables[table.name] = entry
    queries = {}
    for name in searched:
        title, columns = SEARCH_QUERIES.get(name, (f"Search {name}", ()))
        columns = [c for c in columns if c in pkg.tables[name].by_name] or pkg.tables[name].field_names
        queries[f"search_{name}"] = {"title": title, "sql": search_query_sql(name, columns),
                                     "description": "Type words in any language; they are found as a phrase."}
    database = {"tables": tables}
    if searched:
        database["description_html"] = SEARCH_HELP.format(
            tables=", ".join(f"<code>{html.escape(n)}</code>" for n in searched),
            queries=", ".join(f"<code>{html.escape(n)}</code>" for n in queries))
        database["queries"] = queries
    return {
        "title": desc.get("title", pkg.name),
        "description": desc.get("description", ""),
        "license": licence.get("title") or licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": "; ".join(s.get("title", "") for s in desc.get("sources", [])) or pkg.name,
        "about": f"Data package {pkg.name}, version {pkg.version}",
        "databases": {database_name(pkg): database},
    }


def write_datasette_metadata(pkg: published.Package, path: str) -> str:
    return write_atomic(path, (json.dumps(datasette_metadata(pkg), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


# --- Parquet ----------------------------------------------------------------

def arrow_type(field):
    """The Arrow type of a field: a vocabulary (enum) is dictionary-encoded (a pandas category, an R
    factor); a date is a timestamp in microseconds (pandas reads it as datetime64[us], as load() gives;
    Arrow's date32 would reach pandas as Python objects)."""
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.timestamp("us")}
    base = types.get(field.type, pa.string())
    if field.enum:
        return pa.dictionary(pa.int8() if len(field.enum) < 128 else pa.int16() if len(field.enum) < 32768 else pa.int32(), base)
    return base


def arrow_schema(table: Table, version: str):
    import pyarrow as pa

    fields = [pa.field(f.name, arrow_type(f), nullable=not f.required,
                       metadata={"description": f.description} if f.description else None)
              for f in table.fields]
    meta = {"name": table.name, "title": table.spec.get("title", table.name), "description": table.spec.get("description", ""),
            "primaryKey": json.dumps(table.primary_key), "version": version}
    return pa.schema(fields, metadata=meta)


def write_parquet(pkg: published.Package, out_dir: str) -> list[str]:
    """One Parquet file per table, from the frame aigov.load.load() gives, with pandas' metadata:
    a plain ``pd.read_parquet(path)`` gives back that frame, dtypes and categories included
    (except the categories of a table without rows: Parquet keeps them with the data)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .load import load

    written = []
    for table in pkg.tables.values():
        schema = arrow_schema(table, pkg.version)
        frame = load(table.name, pkg.folder)
        data = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)  # adds "pandas" to the schema's metadata
        path = os.path.join(out_dir, f"{pkg.stem}-{table.name}.parquet")
        written.append(write_atomic(path, lambda tmp, data=data: pq.write_table(data, tmp, compression="zstd")))
    return written


# --- xlsx -------------------------------------------------------------------

# Excel counts days from 1900-01-01 (and takes 1900 for a leap year): a date before 1900-03-01
# has no serial number, or a wrong one, so it is written as text, YYYY-MM-DD. Excel keeps 15
# significant digits: a whole number larger than this is written as text, digit for digit.
XLSX_FIRST_DATE = dt.date(1900, 3, 1)
XLSX_MAX_EXACT = 10**15 - 1


def _xlsx_cell(sheet, r: int, c: int, v, date) -> int:
    """Write one typed value; xlsxwriter's status (0: written)."""
    if isinstance(v, bool):
        return sheet.write_boolean(r, c, v)
    if isinstance(v, int) and abs(v) > XLSX_MAX_EXACT:
        return sheet.write_string(r, c, str(v))  # as a number Excel would round it
    if isinstance(v, (int, float)):
        return sheet.write_number(r, c, v)
    if isinstance(v, dt.date) and v < XLSX_FIRST_DATE:
        return sheet.write_string(r, c, v.isoformat())  # Excel has no serial number for it
    if isinstance(v, dt.date):
        return sheet.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date)
    return sheet.write_string(r, c, v)  # never a formula, number or link


def write_xlsx(pkg: published.Package, path: str, meta: dict | None = None) -> str:
    import xlsxwriter

    desc = pkg.descriptor
    licence = (desc.get("licenses") or [{}])[0]
    released = ((meta or {}).get("x-citation", {}).get("date-released") if (meta or {}).get("version") == pkg.version else None)
    created = dt.datetime.fromisoformat(released or "2000-01-01").replace(tzinfo=dt.timezone.utc)

    def build(tmp):
        # in_memory: the zip's members get fixed dates; "created" is fixed too, so the bytes are reproducible
        book = xlsxwriter.Workbook(tmp, {"in_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
        book.set_properties({"title": desc.get("title", pkg.name), "subject": f"version {pkg.version}",
                             "author": citation.DEFAULT_AUTHOR, "created": created,
                             "comments": licence.get("path", "")})
        bold = book.add_format({"bold": True})
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        date = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top", "align": "left"})
        plain = book.add_format({"valign": "top"})

        readme = book.add_worksheet("README")
        readme.set_column(0, 0, 22)
        readme.set_column(1, 1, 110, wrap)
        lines = [("Title", desc.get("title", pkg.name)), ("Data package", pkg.name), ("Version", pkg.version),
                 ("Licence", f"{licence.get('title') or licence.get('name', '')} ({licence.get('path', '')})"),
                 ("Citation", release.citation_text(pkg, meta)), ("Description", desc.get("description", "")),
                 ("Note", "One sheet per table; an empty cell means no value. A date before 1900-03-01 and a whole "
                          "number of more than 15 digits are text (Excel has no date before 1900 and keeps 15 digits). "
                          "The same tables are in the package's CSV files, described in datapackage.json.")]
        if released:
            lines.insert(3, ("Released", released))
        for r, (label, text) in enumerate(lines):
            readme.write_string(r, 0, label, bold)
            readme.write_string(r, 1, text, wrap)
        r = len(lines) + 1
        readme.write_string(r, 0, "Sheet", head)
        readme.write_string(r, 1, "One row is… (rows)", head)
        for table in pkg.tables.values():
            r += 1
            readme.write_string(r, 0, table.name, plain)
            readme.write_string(r, 1, f"{table.spec.get('description', '')} ({len(pkg.rows[table.name])} rows)", wrap)
        r += 2
        readme.write_string(r, 0, "Column", head)
        readme.write_string(r, 1, "Type, required, description", head)
        for table in pkg.tables.values():
            for f in table.fields:
                r += 1
                readme.write_string(r, 0, f"{table.name}.{f.name}", plain)
                readme.write_string(r, 1, f"{f.type}{', required' if f.required else ''}: {f.description}", wrap)

        for table in pkg.tables.values():
            sheet = book.add_worksheet(table.name[:31])
            rows = pkg.typed(table.name)
            for c, f in enumerate(table.fields):
                sheet.write_string(0, c, f.name, head)
                if f.description:
                    sheet.write_comment(0, c, f.description, {"x_scale": 2, "y_scale": 2})
                longest = max([len(f.name)] + [len(str(row[f.name])) for row in rows if row[f.name] is not None])
                sheet.set_column(c, c, min(max(longest, 6) + 2, 60), wrap if f.type == "string" and longest > 60 else None)
            for r, row in enumerate(rows, start=1):
                for c, f in enumerate(table.fields):
                    v = row[f.name]
                    if v is None:
                        continue
                    status = _xlsx_cell(sheet, r, c, v, date)
                    if status:
                        raise ValueError(f"{table.name} row {r} {f.name}: cannot be written to xlsx (code {status})")
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(len(rows), 1), len(table.fields) - 1)
        book.close()

    return write_atomic(path, build)
