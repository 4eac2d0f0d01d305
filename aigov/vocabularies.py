"""Definitions of the vocabularies: one sentence for every allowed value of every enum.

``schemas/vocabularies.json`` maps ``"table.field"`` to ``{"value": "definition"}`` (or to
the name of another ``"table.field"`` whose definitions apply, e.g. the role of a
participation list is a participation role). ``apply`` puts them on each field as
``x-enum-descriptions``, the key a schema may also carry itself next to its enum (a
schema's own definitions win); ``x-`` keys never reach the published descriptor.
The data dictionary prints them, and the build fails while any allowed value lacks one.
"""

from __future__ import annotations

import json
import os

from .yamlio import Problem

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


def problems(tables: dict, schema_dir: str) -> list[Problem]:
    """Every allowed value without a definition (and an unreadable vocabularies file)."""
    path = os.path.join(schema_dir, FILE)
    shown = os.path.relpath(path) if os.path.isabs(path) else path
    _, error = read(schema_dir)
    if error:
        return [Problem(shown, 1, 1, "", error)]
    text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    found = []
    for table_name, table in tables.items():
        for field in table.fields:
            if not field.enum:
                continue
            defined = definitions_of(field)
            missing = [v for v in field.enum if not str(defined.get(v, "")).strip()]
            if not missing:
                continue
            name = f"{table_name}.{field.name}"
            at = text.find(f'"{name}"')
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
            found.append(Problem(shown, line, 1, name,
                                 f"no definition for the allowed value{'s' * (len(missing) > 1)} {', '.join(repr(v) for v in missing)}: "
                                 f"add a one-sentence definition of each under \"{name}\" in schemas/{FILE}, so that the data "
                                 "dictionary says what every value means"))
    return found
