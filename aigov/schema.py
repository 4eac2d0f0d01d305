"""The Table Schemas in ``schemas/`` and what follows from them.

The schemas are the single source of truth: field order, types, constraints,
keys and descriptions all come from them. This module adds only what a Table
Schema cannot say: how tables are laid out in the YAML sources (which tables
are files, which are lists inside a file) and the names of two extra checks
(``x-check``) that need a maintained code list.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "schemas")

# Tables whose records are files: sources/<table>/<id>.yaml. Order is the
# order of resources in the descriptor (referenced tables first).
FILE_TABLES = ["actors", "events", "instruments", "systems", "articles"]


@dataclass(frozen=True)
class ChildTable:
    """A table whose rows are a YAML list inside records of other tables."""

    name: str
    key: str  # the list's key in the parent file
    parents: dict[str, str]  # parent table -> column holding the parent's id
    seq: bool = False  # rows numbered by list position, from 1
    group: tuple[str, str] | None = None  # (YAML list key, column) expanded one row per element
    derived_id: str | None = None  # column filled with "<table>/<id>/<seq>"
    scalar: str | None = None  # the YAML list holds plain values, each one row with this column
    extras: tuple = ()  # YAML-only list keys of an item, kept on the row as "_<key>" (not columns)


CHILD_TABLES = [
    ChildTable("publishers", "official_hosts", {"actors": "actor_id"}, scalar="address"),
    ChildTable("titles", "titles", {"instruments": "instrument_id"}),
    ChildTable("subjects", "unbis_subjects", {"instruments": "instrument_id"}, scalar="subject"),
    ChildTable("passages", "passages", {"instruments": "instrument_id"}, seq=True),
    ChildTable("participation", "participation", {"instruments": "instrument_id"}, group=("actor_ids", "actor_id")),
    ChildTable("participation_lists", "lists", {"instruments": "instrument_id"}),
    ChildTable("relations", "relations", {"instruments": "instrument_id"}),
    ChildTable("figures", "figures", {"instruments": "instrument_id"}, seq=True),
    ChildTable("mentions", "mentions", {"articles": "article_id"}, seq=True),
    ChildTable(
        "citations",
        "sources",
        {"instruments": "instrument_id", "actors": "actor_id", "events": "event_id",
         "systems": "system_id", "articles": "article_id"},
        seq=True,
        derived_id="citation_id",
        extras=("supports",),
    ),
]

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

    def __post_init__(self):
        self.by_name = {f.name: f for f in self.fields}


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
