"""aigov/schema.py: which column points at which table comes from the Table Schemas' foreignKeys."""

import json
import os

from aigov import derive, schema
from aigov.checks import rules

TABLES = schema.load_tables()


def declared(name):
    with open(os.path.join(schema.SCHEMA_DIR, f"{name}.json"), encoding="utf-8") as fh:
        return {fk["fields"][0]: fk["reference"]["resource"] for fk in json.load(fh).get("foreignKeys", [])}


def test_references_are_the_foreign_keys_of_each_schema():
    for name, table in TABLES.items():
        assert table.references == declared(name), name
        assert schema.references(name) == declared(name), name


def test_a_list_belongs_to_the_tables_its_parent_columns_point_at():
    for child in schema.CHILD_TABLES:
        for table, column in child.parents.items():
            assert declared(child.name)[column] == table, (child.name, column)
            assert child in schema.children_of(table)
    # a source may be written in a record of any table citations.json points at
    assert derive.citing_columns() == {table: column for column, table in declared("citations").items()}
    assert schema.CHILDREN["participation"].parents == {"instruments": "instrument_id"}  # actor_id is a reference, not its parent


def test_a_table_added_to_citations_json_is_cited_without_code(tmp_path, monkeypatch):
    """Adding `<table>_id` to schemas/citations.json is all it takes for sources to be written in that table's records."""
    folder = tmp_path / "schemas"
    folder.mkdir()
    spec = json.load(open(os.path.join(schema.SCHEMA_DIR, "citations.json"), encoding="utf-8"))
    spec["foreignKeys"].append({"fields": ["topic_id"], "reference": {"resource": "topics", "fields": ["topic"]}})
    (folder / "citations.json").write_text(json.dumps(spec))
    monkeypatch.setattr(schema, "SCHEMA_DIR", str(folder))
    schema.references.cache_clear()
    try:
        child = schema.ChildTable("citations", "sources", None)
        assert child.parents["topics"] == "topic_id"
    finally:
        schema.references.cache_clear()


def test_mentions_point_at_every_table_their_schema_names():
    mention = rules.mention_targets_one_record.__doc__
    targets = [c for c in TABLES["mentions"].references if c not in schema.CHILDREN["mentions"].parents.values()]
    assert targets == ["instrument_id", "event_id", "actor_id", "system_id"]
    assert "instrument, event, actor or system" in mention
