"""Independent readers load every table with the schema's types: DuckDB and frictionless read the CSVs;
load() and the README's recipe give the same frames."""

import csv
import json
import os
import struct
import zipfile

import duckdb
import pytest

from conftest import ROOT

DUCK_TYPES = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE"}
COMMITTED = os.path.join(ROOT, "datapackage")


def csv_rows(pkg, name):
    with open(os.path.join(pkg, "data", f"{name}.csv"), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


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


# --- One typed reader: load() and the README recipe ----------------------------

@pytest.mark.parametrize("which", ["committed", "minimal", "zip"])
def test_load_and_the_readme_recipe_give_the_same_frames(which, request):
    """For every table: the same columns, dtypes (vocabularies as category with the schema's categories,
    dates as datetime64[us]) and values, from a folder and from a release zip."""
    import pandas as pd

    from aigov.load import dtypes, load
    from readme_recipe import read_table

    if which == "zip":
        from aigov import release

        source = release.package_zip(str(request.getfixturevalue("tmp_path")), "1.2.3", release.package_from_dir(COMMITTED), {})
        desc_dir = COMMITTED
    else:
        source = COMMITTED if which == "committed" else request.getfixturevalue("built_minimal")
        desc_dir = source
    for r in resources(desc_dir):
        ours, recipe = load(r["name"], source), read_table(source, r["name"])
        pd.testing.assert_frame_equal(ours, recipe, check_exact=True, check_categorical=True)
        assert {c: str(t) for c, t in ours.dtypes.items()} == dtypes(r["name"], source)
        for f in r["schema"]["fields"]:
            enum = f.get("constraints", {}).get("enum")
            if enum:
                assert str(ours[f["name"]].dtype) == "category" and list(ours[f["name"]].cat.categories) == enum


# --- load() reads a zip safely --------------------------------------------------

def _zip(path, members):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return str(path)


def _descriptor(path):
    return json.dumps({"name": "p", "resources": [{"name": "t", "path": path, "schema": {"fields": [{"name": "a", "type": "string"}]}}]})


def test_load_refuses_a_zip_without_a_descriptor(tmp_path):
    from aigov.load import PackageError, load

    archive = _zip(tmp_path / "not-a-package.zip", {"data/t.csv": "a\nx\n"})
    with pytest.raises(PackageError, match="no datapackage.json in this zip"):
        load("t", archive)


@pytest.mark.parametrize("path", ["/etc/passwd", "../outside.csv", "data/../../outside.csv", "..\\outside.csv",
                                  "C:\\Windows\\win.ini", "file:///etc/passwd", "https://example.org/t.csv"])
def test_load_refuses_a_resource_path_outside_the_package(path, tmp_path):
    """From a zip and from a folder: absolute paths, '..' and URLs are refused before anything is opened."""
    from aigov.load import PackageError, load

    (tmp_path / "outside.csv").write_text("a\nsecret\n", encoding="utf-8")  # what '..' would reach in a folder
    archive = _zip(tmp_path / "p.zip", {"p-1/datapackage/datapackage.json": _descriptor(path), "outside.csv": "a\nsecret\n"})
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "datapackage.json").write_text(_descriptor(path), encoding="utf-8")
    for source in (archive, str(folder)):
        with pytest.raises(PackageError, match="not a relative path inside the package"):
            load("t", source)


def test_load_reads_a_zip_of_the_folders_contents(tmp_path):
    """A zip with datapackage.json at its top (the folder's contents zipped) is a package too."""
    from aigov.load import load

    archive = _zip(tmp_path / "p.zip", {"datapackage.json": _descriptor("data/t.csv"), "data/t.csv": "a\nNA\n"})
    assert list(load("t", archive)["a"]) == ["NA"]


def test_load_refuses_a_zip_larger_than_the_limit_from_its_headers(tmp_path, monkeypatch):
    """The members' uncompressed sizes, as the zip's headers declare them, are added up before anything
    is read: a zip whose header claims 4 GiB is refused at the default limit of 2 GiB."""
    import aigov.load
    from aigov.load import MAX_ZIP_BYTES, PackageError, load

    assert MAX_ZIP_BYTES == 2 * 1024 ** 3
    archive = _zip(tmp_path / "big.zip", {"p/datapackage/datapackage.json": _descriptor("data/t.csv"), "p/datapackage/data/t.csv": "a\nx\n"})
    body = bytearray(open(archive, "rb").read())
    at = body.rfind(b"PK\x01\x02")  # central directory header of the last member: its uncompressed size at +24
    body[at + 24:at + 28] = struct.pack("<I", 0xFFFFFFF0)
    open(archive, "wb").write(bytes(body))
    with pytest.raises(PackageError, match="more than the 2,147,483,648 bytes"):
        load("t", archive)
    # the limit is on the sum of the members: two members that fit only one at a time
    ok = _zip(tmp_path / "ok.zip", {"p/datapackage/datapackage.json": _descriptor("data/t.csv"), "p/datapackage/data/t.csv": "a\n" + "x\n" * 500})
    assert len(load("t", ok)) == 500
    sizes = [i.file_size for i in zipfile.ZipFile(ok).infolist()]
    monkeypatch.setattr(aigov.load, "MAX_ZIP_BYTES", sum(sizes) - 1)
    assert max(sizes) < aigov.load.MAX_ZIP_BYTES
    with pytest.raises(PackageError, match="members add up to"):
        load("t", ok)
