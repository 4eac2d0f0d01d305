"""The Table Schemas in ``schemas/`` and what follows from them.

The schemas are the single source of truth: field order, types, constraints,
keys, which column points at which table (``foreignKeys``) and descriptions all
come from them. This module adds only what a Table Schema cannot say: how tables
are laid out in the YAML sources (which tables are files, which are lists inside
a file, and which columns of a list hold the id of the record it is written in)
and the names of two extra checks (``x-check``) that need a maintained code list.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass, field
from typing import NamedTuple

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")

# Tables whose records are files: sources/<table>/<id>.yaml. Order is the
# order of resources in the descriptor (referenced tables first).
FILE_TABLES = ["actors", "events", "instruments", "systems", "articles"]


@dataclass(frozen=True)
class ChildTable:
    """A table whose rows are a YAML list inside records of other tables."""

    name: str
    key: str  # the list's key in the parent file
    # the columns that hold the id of the record the list is written in (each a foreign key of the
    # table's schema; the tables they point at are the parent tables); None: every foreign key
    parent_columns: tuple[str, ...] | None
    seq: bool = False  # rows numbered by list position, from 1
    group: tuple[str, str] | None = None  # (YAML list key, column) expanded one row per element
    derived_id: str | None = None  # column filled with "<table>/<id>/<seq>"
    scalar: str | None = None  # the YAML list holds plain values, each one row with this column
    extras: tuple = ()  # YAML-only list keys of an item, kept on the row as "_<key>" (not columns)

    @functools.cached_property
    def parents(self) -> dict[str, str]:
        """Parent table -> the column holding the parent's id, the tables read from the foreign keys
        of the table's schema in ``schemas/`` (the layout of the sources is the repository's)."""
        targets = references(self.name)
        return {targets[column]: column for column in (targets if self.parent_columns is None else self.parent_columns)}


CHILD_TABLES = [
    ChildTable("publishers", "official_hosts", ("actor_id",), scalar="address"),
    ChildTable("titles", "titles", ("instrument_id",)),
    ChildTable("subjects", "unbis_subjects", ("instrument_id",), scalar="subject"),
    ChildTable("passages", "passages", ("instrument_id",), seq=True),
    ChildTable("participation", "participation", ("instrument_id",), group=("actor_ids", "actor_id")),
    ChildTable("participation_lists", "lists", ("instrument_id",)),
    ChildTable("relations", "relations", ("instrument_id",)),
    ChildTable("figures", "figures", ("instrument_id",), seq=True),
    ChildTable("mentions", "mentions", ("article_id",), seq=True),
    # a source can be written in a record of any table it can point at (schemas/citations.json)
    ChildTable("citations", "sources", None, seq=True, derived_id="citation_id", extras=("supports",)),
]
CHILDREN = {c.name: c for c in CHILD_TABLES}

# Tables the build derives from the others (no YAML of their own).
DERIVED_TABLES = ["evidence", "topics", "topic_tags"]

TABLES = FILE_TABLES + [c.name for c in CHILD_TABLES] + DERIVED_TABLES

# Keys that only guide this build; stripped from the published descriptor so
# that other readers (frictionless-py, R frictionless) see a plain Table Schema.
_PRIVATE = re.compile(r"^x-")


@dataclass
class Field:
    name: str
    type: str
    description: str
    required: bool
    enum: list[str] | None
    pattern: re.Pattern | None
    minimum: float | None
    maximum: float | None
    check: str | None  # x-check: iso3166-alpha3 | bcp47
    multiline: bool
    fact: bool = False  # x-fact: a filled value needs a source that supports it (evidence)
    fact_when: str | None = None  # x-fact-when: ... only when this boolean companion is true
    true_values: tuple = ("true",)
    false_values: tuple = ("false",)
    spec: dict = field(default_factory=dict, repr=False)

    @property
    def free_text(self) -> bool:
        """Text a person types freely: the cells a spreadsheet could execute."""
        return self.type == "string" and not (self.enum or self.pattern or self.check)


@dataclass
class Table:
    name: str
    spec: dict
    fields: list[Field]
    primary_key: list[str]
    foreign_keys: list[dict]

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @functools.cached_property
    def references(self) -> dict[str, str]:
        """Column -> the table it points at, for each single-column foreign key."""
        return {fk.columns[0]: fk.target for fk in foreign_keys(self) if len(fk.columns) == 1}

    def __post_init__(self):
        self.by_name = {f.name: f for f in self.fields}


class ForeignKey(NamedTuple):
    columns: list[str]
    target: str  # the table pointed at
    target_columns: list[str]


def _columns(spec) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec)


def foreign_keys(table: Table) -> list[ForeignKey]:
    """The foreign keys a table's schema declares; one without a resource points at its own table."""
    return [ForeignKey(_columns(fk["fields"]), fk["reference"].get("resource") or table.name, _columns(fk["reference"]["fields"]))
            for fk in table.foreign_keys]


@functools.cache
def references(name: str) -> dict[str, str]:
    """``Table.references`` of table ``name`` as ``schemas/`` declares it, read once."""
    with open(os.path.join(SCHEMA_DIR, f"{name}.json"), encoding="utf-8") as fh:
        spec = json.load(fh)
    return Table(name, spec, [], spec.get("primaryKey", []), spec.get("foreignKeys", [])).references


def _field(spec: dict) -> Field:
    cons = spec.get("constraints", {})
    pattern = cons.get("pattern")
    return Field(
        name=spec["name"],
        type=spec.get("type", "string"),
        description=spec.get("description", ""),
        required=bool(cons.get("required")),
        enum=cons.get("enum"),
        pattern=re.compile(pattern) if pattern else None,
        minimum=cons.get("minimum"),
        maximum=cons.get("maximum"),
        check=spec.get("x-check"),
        multiline=bool(spec.get("x-multiline")),
        fact=bool(spec.get("x-fact")),
        fact_when=spec.get("x-fact-when"),
        true_values=tuple(spec.get("trueValues", ["true"])),
        false_values=tuple(spec.get("falseValues", ["false"])),
        spec=spec,
    )


def load_tables(schema_dir: str = SCHEMA_DIR) -> dict[str, Table]:
    tables = {}
    for name in TABLES:
        with open(os.path.join(schema_dir, f"{name}.json"), encoding="utf-8") as fh:
            spec = json.load(fh)
        tables[name] = Table(
            name=name,
            spec=spec,
            fields=[_field(f) for f in spec["fields"]],
            primary_key=spec["primaryKey"],
            foreign_keys=spec.get("foreignKeys", []),
        )
    from . import vocabularies  # the definitions of enum values (schemas/vocabularies.json)

    vocabularies.apply(tables, schema_dir)
    return tables


def public_schema(table: Table) -> dict:
    """The Table Schema as published in datapackage.json (private keys removed)."""

    def clean(obj):
        if isinstance(obj, dict):
            return {k: clean(v) for k, v in obj.items() if not _PRIVATE.match(k)}
        if isinstance(obj, list):
            return [clean(v) for v in obj]
        return obj

    spec = clean(table.spec)
    spec.pop("title", None)
    spec.pop("description", None)
    return spec


def children_of(table: str) -> list[ChildTable]:
    return [c for c in CHILD_TABLES if table in c.parents]


def yaml_fields(child: ChildTable, table: Table) -> list[str]:
    """Field names a contributor writes in one item of a child list, in canonical order."""
    derived = set(child.parents.values()) | {"seq", child.derived_id}
    names = [n for n in table.field_names if n not in derived]
    if child.group:
        key, column = child.group
        names = [key if n == column else n for n in names]
    if child.key == "participation":
        names.remove("derived")  # only the build derives rows
    return names + list(child.extras)
