"""Definitions of the vocabularies: one sentence for every allowed value of every enum.

``schemas/vocabularies.json`` maps ``"table.field"`` to ``{"value": "definition"}`` (or to
the name of another ``"table.field"`` whose definitions apply, e.g. the role of a
participation list is a participation role). ``apply`` puts them on each field as
``x-enum-descriptions``, the key a schema may also carry itself next to its enum (a
schema's own definitions win); ``x-`` keys never reach the published descriptor.
The data dictionary prints them, and the build fails while any allowed value lacks one
(``aigov/checks/vocabularies.py``).
"""

from __future__ import annotations

import json
import os

FILE = "vocabularies.json"
KEY = "x-enum-descriptions"


def read(schema_dir: str) -> tuple[dict[str, dict[str, str]], str | None]:
    """({"table.field": {value: definition}}, error or None); references resolved."""
    path = os.path.join(schema_dir, FILE)
    if not os.path.exists(path):
        return {}, None
    try:
        with open(path, encoding="utf-8") as fh:
            raw = json.load(fh)
    except (OSError, ValueError) as exc:
        return {}, f"cannot read {FILE}: {exc}"
    if not isinstance(raw, dict):
        return {}, f"{FILE} must be an object of \"table.field\": {{\"value\": \"definition\"}}"
    out = {}
    for name, entry in raw.items():
        seen = {name}
        while isinstance(entry, str) and entry in raw and entry not in seen:  # "same as table.field"
            seen.add(entry)
            entry = raw[entry]
        if not isinstance(entry, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in entry.items()):
            return {}, f"{FILE}: \"{name}\" must map each value to a one-sentence definition, or name another \"table.field\""
        out[name] = entry
    return out, None


def apply(tables: dict, schema_dir: str) -> None:
    """Put the definitions on the fields' specs as x-enum-descriptions (the schema's own win)."""
    definitions, _ = read(schema_dir)
    for name, entry in definitions.items():
        table_name, _, field_name = name.partition(".")
        table = tables.get(table_name)
        field = table.by_name.get(field_name) if table is not None else None
        if field is None:
            continue  # a vocabulary of a table or field not (yet) in the schemas
        field.spec[KEY] = {**entry, **field.spec.get(KEY, {})}


def definitions_of(field) -> dict[str, str]:
    return field.spec.get(KEY) or {}
