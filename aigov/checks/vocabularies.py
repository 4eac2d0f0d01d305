"""Vocabulary check: every allowed value of every field has a one-sentence definition in
``schemas/vocabularies.json`` (``aigov/vocabularies.py`` reads them), so that the data
dictionary says what every value means."""

from __future__ import annotations

import os

from .. import vocabularies
from ..problems import Problem


def check(tables: dict, schema_dir: str) -> list[Problem]:
    """Every allowed value without a definition (and an unreadable vocabularies file)."""
    path = os.path.join(schema_dir, vocabularies.FILE)
    shown = os.path.relpath(path) if os.path.isabs(path) else path
    _, error = vocabularies.read(schema_dir)
    if error:
        return [Problem(shown, 1, 1, "", error, code="vocabulary-file")]
    text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    found = []
    for table_name, table in tables.items():
        for field in table.fields:
            if not field.enum:
                continue
            defined = vocabularies.definitions_of(field)
            missing = [v for v in field.enum if not str(defined.get(v, "")).strip()]
            if not missing:
                continue
            name = f"{table_name}.{field.name}"
            at = text.find(f'"{name}"')
            line = text.count("\n", 0, at) + 1 if at >= 0 else 1
            found.append(Problem(shown, line, 1, name,
                                 f"no definition for the allowed value{'s' * (len(missing) > 1)} {', '.join(repr(v) for v in missing)}: "
                                 f"add a one-sentence definition of each under \"{name}\" in schemas/{vocabularies.FILE}, so that the data "
                                 "dictionary says what every value means", code="undefined-value"))
    return found
