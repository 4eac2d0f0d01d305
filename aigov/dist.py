"""The release files beside the CSV zip: SQLite (+ Datasette metadata), Parquet, xlsx.

Everything is made from a published ``datapackage/`` folder (see ``published``)
and typed by its Table Schemas, table by table in resource order, so a new
table in ``schemas/`` appears in every format without code here. Output is
deterministic: the same package gives the same bytes (no timestamps; the
SQLite file is vacuumed; the xlsx and zip carry fixed dates).

    <stem>.zip                the CSV package (release.package_zip, as `build.py release` makes it)
    <stem>.db                 SQLite: one table per resource, keys, indexes, full-text search
    metadata.json             Datasette metadata for <stem>.db
    feed.xml                  Atom feed of the releases (from releases/ and CHANGELOG.md)
    <stem>-<table>.parquet    one Parquet file per table
    <stem>.xlsx               one sheet per table and a README sheet

where <stem> is ``global-ai-governance-<version>``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3

from . import citation, published, release
from .fileio import write_atomic
from .schema import Table, foreign_keys

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
# Full-text search over instruments: titles in both languages, short names and summaries.
FTS_TABLE, FTS_COLUMNS = "instruments", ("title_en", "title_zh", "short_name", "summary")
# The column Datasette shows for a row when another table points at it.
LABEL_COLUMNS = ("title_en", "name_en", "name", "title")


def write(package_dir: str, out_dir: str, members: dict[str, bytes] | None = None, meta: dict | None = None,
          zip_file: bool = True, root: str | None = None) -> list[str]:
    """Write every release file of the package in ``package_dir`` to ``out_dir``.

    ``members`` are the repository files shipped in the zip beside datapackage/
    (README, CHANGELOG…); ``meta`` is schemas/package.json, for the citation;
    ``root``, the repository, whose releases/ and CHANGELOG.md make feed.xml.
    Returns the paths written.
    """
    pkg = published.read(package_dir)
    os.makedirs(out_dir, exist_ok=True)
    written = []
    if zip_file:
        written.append(release.package_zip(out_dir, pkg.version, pkg.files, members or {}))
    written.append(write_sqlite(pkg, os.path.join(out_dir, f"{pkg.stem}.db")))
    written.append(write_datasette_metadata(pkg, os.path.join(out_dir, "metadata.json")))
    written += write_parquet(pkg, out_dir)
    written.append(write_xlsx(pkg, os.path.join(out_dir, f"{pkg.stem}.xlsx"), meta))
    if root:
        from .site import feed

        written.append(write_atomic(os.path.join(out_dir, "feed.xml"), feed(pkg, root).encode("utf-8")))
    return written


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


def fts_name(table: str = FTS_TABLE) -> str:
    return f"{table}_fts"


def write_sqlite(pkg: published.Package, path: str) -> str:
    def build(tmp):
        con = sqlite3.connect(tmp)
        try:
            con.execute("PRAGMA journal_mode = DELETE")
            with con:
                for table in pkg.tables.values():
                    con.execute(create_table_sql(table))
                    marks = ", ".join("?" * len(table.fields))
                    con.executemany(f"INSERT INTO {_q(table.name)} VALUES ({marks})",
                                    ([_sql_value(row[f.name]) for f in table.fields] for row in pkg.typed(table.name)))
                    for statement in index_sql(table):
                        con.execute(statement)
                if FTS_TABLE in pkg.tables:
                    columns = [c for c in FTS_COLUMNS if c in pkg.tables[FTS_TABLE].by_name]
                    tokenizer = "trigram" if sqlite3.sqlite_version_info >= (3, 34) else "unicode61"
                    con.execute(f"CREATE VIRTUAL TABLE {_q(fts_name())} USING fts5({', '.join(map(_q, columns))}, "
                                f"content={_q(FTS_TABLE)}, content_rowid='rowid', tokenize={_lit(tokenizer)})")
                    con.execute(f"INSERT INTO {_q(fts_name())}({_q(fts_name())}) VALUES ('rebuild')")
            broken = con.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise ValueError(f"foreign keys do not hold in {path}: {broken[:5]}")
            con.execute("VACUUM")
        finally:
            con.close()

    return write_atomic(path, build)


def datasette_metadata(pkg: published.Package) -> dict:
    desc = pkg.descriptor
    licence = (desc.get("licenses") or [{}])[0]
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
        if table.name == FTS_TABLE:
            entry["fts_table"] = fts_name()
        tables[table.name] = entry
    return {
        "title": desc.get("title", pkg.name),
        "description": desc.get("description", ""),
        "license": licence.get("title") or licence.get("name", ""),
        "license_url": licence.get("path", ""),
        "source": "; ".join(s.get("title", "") for s in desc.get("sources", [])) or pkg.name,
        "about": f"Data package {pkg.name}, version {pkg.version}",
        "databases": {pkg.stem: {"tables": tables}},
    }


def write_datasette_metadata(pkg: published.Package, path: str) -> str:
    return write_atomic(path, (json.dumps(datasette_metadata(pkg), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))


# --- Parquet ----------------------------------------------------------------

def arrow_schema(table: Table, version: str):
    import pyarrow as pa

    types = {"string": pa.string(), "integer": pa.int64(), "number": pa.float64(), "boolean": pa.bool_(), "date": pa.date32()}
    fields = [pa.field(f.name, types.get(f.type, pa.string()), nullable=not f.required,
                       metadata={"description": f.description} if f.description else None)
              for f in table.fields]
    meta = {"name": table.name, "title": table.spec.get("title", table.name), "description": table.spec.get("description", ""),
            "primaryKey": json.dumps(table.primary_key), "version": version}
    return pa.schema(fields, metadata=meta)


def write_parquet(pkg: published.Package, out_dir: str) -> list[str]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    written = []
    for table in pkg.tables.values():
        schema = arrow_schema(table, pkg.version)
        rows = pkg.typed(table.name)
        arrays = [pa.array([row[f.name] for row in rows], type=schema.field(f.name).type) for f in table.fields]
        data = pa.Table.from_arrays(arrays, schema=schema)
        path = os.path.join(out_dir, f"{pkg.stem}-{table.name}.parquet")
        written.append(write_atomic(path, lambda tmp, data=data: pq.write_table(data, tmp, compression="zstd")))
    return written


# --- xlsx -------------------------------------------------------------------

def citation_text(pkg: published.Package, meta: dict | None = None) -> str:
    """The citation line as the README gives it, from the package (and schemas/package.json's x-citation)."""
    cff = (meta or {}).get("x-citation", {}) if (meta or {}).get("version") == pkg.version else {}
    authors = [a["name"] for a in cff.get("authors", [])] or \
        [c.get("title", "") for c in pkg.descriptor.get("contributors", [])] or [citation.DEFAULT_AUTHOR]
    licence = (pkg.descriptor.get("licenses") or [{}])[0].get("name", "").replace("-", " ")
    return citation.line(authors, cff.get("date-released", "")[:4], pkg.descriptor.get("title", pkg.name), pkg.name, pkg.version, licence)


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
                 ("Citation", citation_text(pkg, meta)), ("Description", desc.get("description", "")),
                 ("Note", "One sheet per table; an empty cell means no value. The same tables are in the "
                          "package's CSV files, described in datapackage.json.")]
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
                    if isinstance(v, bool):
                        status = sheet.write_boolean(r, c, v)
                    elif isinstance(v, (int, float)):
                        status = sheet.write_number(r, c, v)
                    elif isinstance(v, dt.date):
                        status = sheet.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date)
                    else:
                        status = sheet.write_string(r, c, v)  # never a formula, number or link
                    if status:
                        raise ValueError(f"{table.name} row {r} {f.name}: cannot be written to xlsx (code {status})")
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(len(rows), 1), len(table.fields) - 1)
        book.close()

    return write_atomic(path, build)
