"""Independent readers load every table with the schema's types."""

import json
import os

import duckdb

DUCK_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}


def resources(pkg):
    with open(os.path.join(pkg, "datapackage.json"), encoding="utf-8") as fh:
        return json.load(fh)["resources"]


def test_duckdb_reads_every_table_with_schema_types(built):
    con = duckdb.connect()
    for r in resources(built):
        fields = r["schema"]["fields"]
        columns = {f["name"]: DUCK_TYPES[f["type"]] for f in fields}
        path = os.path.join(built, r["path"])
        rel = con.read_csv(path, header=True, columns=columns, null_padding=False, all_varchar=False)
        described = dict(zip(rel.columns, [str(t) for t in rel.types]))
        assert list(described) == [f["name"] for f in fields]
        assert described == columns
        with open(path, encoding="utf-8") as fh:
            import csv
            rows = sum(1 for _ in csv.reader(fh)) - 1
        assert rel.count("*").fetchall()[0][0] == rows


def test_duckdb_join_answers_a_question(built):
    con = duckdb.connect()
    p = os.path.join(built, "data")
    got = con.sql(f"""
        select i.id, count(*) as n
        from read_csv('{p}/participation.csv', header=true, all_varchar=true) pa
        join read_csv('{p}/instruments.csv', header=true, all_varchar=true) i on i.id = pa.instrument_id
        where pa.role = 'signatory' group by i.id order by n desc
    """).fetchall()
    assert got and got[0][1] >= 10


def test_frictionless_reads_every_table(built):
    from frictionless import Package

    package = Package(os.path.join(built, "datapackage.json"))
    for resource in package.resources:
        rows = resource.read_rows()
        schema = {f["name"]: f["type"] for f in next(r for r in resources(built) if r["name"] == resource.name)["schema"]["fields"]}
        assert [f.name for f in resource.schema.fields] == list(schema)
        assert all(row.valid for row in rows)
