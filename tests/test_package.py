"""The built package, read back by independent readers, against the YAML it came from."""

import glob
import json
import os

import pandas as pd
import pytest
import yaml
from frictionless import validate

from conftest import MINIMAL, ROOT, run_build
from readme_recipe import read_table

TABLES = ["actors", "events", "instruments", "systems", "articles", "publishers", "titles", "subjects", "passages",
          "participation", "participation_lists", "relations", "figures", "mentions", "citations", "evidence", "topics", "topic_tags"]


def descriptor(pkg):
    with open(os.path.join(pkg, "datapackage.json"), encoding="utf-8") as fh:
        return json.load(fh)


@pytest.mark.parametrize("which", ["built", "built_minimal"])
def test_frictionless_validates_package_without_warnings(which, request):
    pkg = request.getfixturevalue(which)
    report = validate(os.path.join(pkg, "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]
    assert report.warnings == []
    assert all(task.warnings == [] for task in report.tasks)
    assert report.stats["tasks"] == len(TABLES)


def test_descriptor_follows_conventions(built):
    desc = descriptor(built)
    assert desc["name"] == "global-ai-governance"
    assert desc["version"].count(".") == 2
    assert [r["name"] for r in desc["resources"]] == TABLES
    for r in desc["resources"]:
        # R frictionless needs the profile; DuckDB and others need plain CSV
        assert r["profile"] == "tabular-data-resource" and r["type"] == "table"
        assert r["hash"].startswith("sha256:") and r["bytes"] > 0
        assert all(f["type"] != "list" for f in r["schema"]["fields"])
        assert not any(k.startswith("x-") for f in r["schema"]["fields"] for k in f)
        with open(os.path.join(built, r["path"]), "rb") as fh:
            body = fh.read()
        assert not body.startswith(b"\xef\xbb\xbf") and b"\r\n" not in body
        header = body.split(b"\n", 1)[0].decode()
        assert header.split(",") == [f["name"] for f in r["schema"]["fields"]]


def test_every_table_loads_with_schema_dtypes(built):
    desc = descriptor(built)
    expected = {"integer": "Int64", "number": "Float64", "boolean": "boolean", "string": "string"}
    for r in desc["resources"]:
        df = read_table(built, r["name"])
        for f in r["schema"]["fields"]:
            dtype = str(df[f["name"]].dtype)
            if f["type"] == "date":
                assert dtype.startswith("datetime64"), (r["name"], f["name"], dtype)
            elif "enum" in f.get("constraints", {}):
                assert dtype == "category", (r["name"], f["name"], dtype)
            else:
                assert dtype == expected[f["type"]], (r["name"], f["name"], dtype)


def test_every_foreign_key_resolves(built):
    desc = descriptor(built)
    frames = {r["name"]: read_table(built, r["name"]) for r in desc["resources"]}
    checked = 0
    for r in desc["resources"]:
        for fk in r["schema"].get("foreignKeys", []):
            (column,) = fk["fields"]
            target = frames[fk["reference"]["resource"]][fk["reference"]["fields"][0]]
            values = frames[r["name"]][column].dropna()
            missing = set(values) - set(target)
            assert not missing, (r["name"], column, sorted(missing)[:5])
            checked += len(values)
    assert checked > 0


def _expected_cells(sources_dir):
    """(table, primary key, column) -> text, read straight from the YAML with
    PyYAML's BaseLoader (every scalar as text), independently of build.py."""
    cells = {}
    for path in sorted(glob.glob(os.path.join(sources_dir, "*", "*.yaml"))):
        table = os.path.basename(os.path.dirname(path))
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=yaml.BaseLoader)
        rid = data["id"]
        for key, value in data.items():
            if isinstance(value, str):
                cells[(table, (rid,), key)] = value
        for n, item in enumerate(data.get("participation", [])):
            for actor in item["actor_ids"]:
                for key, value in item.items():
                    if key != "actor_ids":
                        cells[("participation", (rid, actor, item["role"]), key)] = value
        for n, item in enumerate(data.get("relations", [])):
            for key, value in item.items():
                cells[("relations", (rid, item["relation"], item["target_id"]), key)] = value
        for child, key_name in (("figures", "figures"), ("mentions", "mentions"), ("passages", "passages")):
            for n, item in enumerate(data.get(key_name, []), 1):
                for key, value in item.items():
                    cells[(child, (rid, str(n)), key)] = value
        for n, item in enumerate(data.get("sources", []), 1):
            for key, value in item.items():
                if key == "supports":  # YAML-only: each named fact becomes an evidence row
                    for fact in value:
                        cells[("evidence", (table, rid, fact, f"{table}/{rid}/{n}"), "backing")] = None
                    continue
                cells[("citations", (f"{table}/{rid}/{n}",), key)] = value
        for item in data.get("titles", []):
            for key, value in item.items():
                cells[("titles", (rid, item["language"]), key)] = value
        for item in data.get("lists", []):
            for key, value in item.items():
                cells[("participation_lists", (rid, item["role"]), key)] = value
        for address in data.get("official_hosts", []):
            cells[("publishers", (address,), "actor_id")] = rid
        for subject in data.get("unbis_subjects", []):
            cells[("subjects", (rid, subject), "subject")] = subject
    return cells


def _as_text(value, ftype):
    if pd.isna(value):
        return None
    if ftype == "date":
        return value.strftime("%Y-%m-%d")
    if ftype == "boolean":
        return "true" if value else "false"
    if ftype == "integer":
        return str(int(value))
    return str(value)


@pytest.mark.parametrize("which, sources", [("built", "sources"), ("built_minimal", "tests/fixtures/minimal")])
def test_yaml_to_csv_to_pandas_round_trips_every_value(which, sources, request):
    pkg = request.getfixturevalue(which)
    expected = _expected_cells(os.path.join(ROOT, sources))
    desc = descriptor(pkg)
    seen = {}
    for r in desc["resources"]:
        df = read_table(pkg, r["name"])
        pk = r["schema"]["primaryKey"]
        types = {f["name"]: f["type"] for f in r["schema"]["fields"]}
        for record in df.to_dict("records"):
            key = tuple(_as_text(record[c], types[c]) for c in pk)
            for column, ftype in types.items():
                text = _as_text(record[column], ftype)
                if text is not None:
                    seen[(r["name"], key, column)] = (text, ftype)
    compared = 0
    for cell, value in expected.items():
        assert cell in seen, f"{cell} = {value!r} did not reach pandas"
        if value is None:  # the row must exist; its value is derived (evidence backing)
            continue
        text, ftype = seen[cell]
        if ftype == "number":
            assert float(text) == float(value), cell
        else:
            assert text == value, (cell, text, value)
        compared += 1
    assert compared > 0
    # and nothing arrived that was not in the YAML, except the keys the build derives
    derived = {"instrument_id", "article_id", "actor_id", "event_id", "system_id", "seq", "citation_id", "relation", "target_id", "role",
               "address", "language", "subject", "derived"}
    extra = [c for c in seen if c not in expected and c[2] not in derived and not (c[2] == "id")
             and c[0] not in ("evidence", "topics", "topic_tags")  # derived (evidence checked above; topics in test_topics)
             and not (c[0] == "participation" and c[1][2] == "issuer")]  # issuer rows derive from issuer_id
    assert extra == [], extra[:5]


def test_out_folder_that_does_not_exist_yet_is_created(tmp_path):
    out = tmp_path / "not" / "yet"
    assert run_build(MINIMAL, out) == 0
    assert (out / "datapackage" / "datapackage.json").is_file()
