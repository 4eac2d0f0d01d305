"""Read a published ``datapackage/`` folder back: its descriptor, its tables and their rows.

The distribution formats (SQLite, Parquet, xlsx) and the static site are made
from the published package, not from the YAML sources, so that they show
exactly what a reader downloads. The tables come from ``datapackage.json``
(whose resources the build writes in ``schema.TABLES`` order, one per table),
so a table added to ``schemas/`` is picked up as soon as the package is built.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from dataclasses import dataclass, field

from .fileio import read_folder
from .schema import Table, _field

DESCRIPTOR = "datapackage.json"


@dataclass
class Package:
    folder: str
    descriptor: dict
    tables: dict[str, Table]  # in resource order
    rows: dict[str, list[dict]]  # table -> rows as text, an empty cell as None
    files: dict[str, bytes]  # every file of the folder, relative path -> bytes
    name: str = field(init=False)  # the package's name and version, from its descriptor
    version: str = field(init=False)

    def __post_init__(self):
        self.name, self.version = self.descriptor["name"], self.descriptor["version"]

    @property
    def stem(self) -> str:
        """File name stem of the release files: global-ai-governance-<version>."""
        return f"{self.name}-{self.version}"

    def resource(self, name: str) -> dict:
        return next(r for r in self.descriptor["resources"] if r["name"] == name)

    def typed(self, name: str) -> list[dict]:
        """The rows of table ``name`` with values of the schema's types."""
        fields = self.tables[name].fields
        return [{f.name: value(f, row[f.name]) for f in fields} for row in self.rows[name]]


def table_from_resource(resource: dict) -> Table:
    spec = dict(resource["schema"])
    spec.setdefault("title", resource.get("title", resource["name"]))
    spec.setdefault("description", resource.get("description", ""))
    return Table(name=resource["name"], spec=spec, fields=[_field(f) for f in spec["fields"]],
                 primary_key=list(spec.get("primaryKey", [])), foreign_keys=spec.get("foreignKeys", []))


def value(field, text: str | None):
    """A CSV cell as a Python value of the field's type; an empty cell is None.

    Dates become ``datetime.date``; anything the schema does not type stays text.
    """
    if text is None or text == "":
        return None
    kind = field.type
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    if kind == "boolean":
        if text in field.true_values:
            return True
        if text in field.false_values:
            return False
        raise ValueError(f"{field.name}: {text!r} is not a boolean")
    if kind == "date":
        return dt.date.fromisoformat(text)
    return text


def read(folder: str) -> Package:
    """Read a datapackage folder (or the path of its datapackage.json)."""
    if os.path.basename(folder) == DESCRIPTOR:
        folder = os.path.dirname(folder)
    if not os.path.isdir(folder) and not os.path.islink(folder):
        raise FileNotFoundError(f"no folder {folder}: build the package first (python build.py)")
    files = read_folder(folder, "a built package")  # never through a link: LinkRefused, in plain words
    if DESCRIPTOR not in files:
        raise FileNotFoundError(f"no {DESCRIPTOR} in {folder}: build the package first (python build.py)")
    descriptor = json.loads(files[DESCRIPTOR])
    tables, rows = {}, {}
    for resource in descriptor["resources"]:
        table = table_from_resource(resource)
        tables[table.name] = table
        reader = csv.DictReader(io.StringIO(files[resource["path"]].decode("utf-8"), newline=""))
        if reader.fieldnames != table.field_names:
            raise ValueError(f"{resource['path']}: columns {reader.fieldnames} are not the schema's {table.field_names}")
        rows[table.name] = [{k: (v if v != "" else None) for k, v in row.items()} for row in reader]
    return Package(folder=folder, descriptor=descriptor, tables=tables, rows=rows, files=files)
