"""Release files (`build.py dist`): SQLite, Datasette metadata, Parquet, xlsx, zip; and the pandas loader.

Each check runs on the committed datapackage/ and on the minimal fixture built by build.py.
"""

import csv
import filecmp
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT, run_build

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
ARROW_TYPES = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool", "date": "date32[day]"}
COMMITTED = os.path.join(ROOT, "datapackage")


def descriptor(pkg):
    with open(os.path.join(pkg, "datapackage.json"), encoding="utf-8") as fh:
        return json.load(fh)


def csv_rows(pkg, resource):
    with open(os.path.join(pkg, resource["path"]), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def dist_of(pkg, out):
    import build

    assert build.main(["dist", "--package", pkg, "--out", str(out)]) == 0
    stem = f"{descriptor(pkg)['name']}-{descriptor(pkg)['version']}"
    return str(out), stem


@pytest.fixture(scope="module", params=["committed", "minimal"])
def dist(request, tmp_path_factory):
    """(package folder, dist folder, file stem) for the committed package and the minimal fixture."""
    pkg = COMMITTED if request.param == "committed" else request.getfixturevalue("built_minimal")
    out, stem = dist_of(pkg, tmp_path_factory.mktemp(f"dist-{request.param}"))
    return pkg, out, stem


@pytest.fixture
def db(dist):
    pkg, out, stem = dist
    con = sqlite3.connect(os.path.join(out, f"{stem}.db"))
    yield pkg, con
    con.close()


def test_dist_writes_every_format(dist):
    pkg, out, stem = dist
    names = set(os.listdir(out))
    tables = [r["name"] for r in descriptor(pkg)["resources"]]
    assert {f"{stem}.zip", f"{stem}.db", "metadata.json", f"{stem}.xlsx"} <= names
    assert {f"{stem}-{t}.parquet" for t in tables} <= names
    if pkg == COMMITTED:  # the repository's releases/ and CHANGELOG.md give the feed
        with open(os.path.join(out, "feed.xml"), encoding="utf-8") as fh:
            assert f"<title>global-ai-governance {descriptor(pkg)['version']}</title>" in fh.read()


def test_sqlite_row_counts_equal_the_csvs(db):
    pkg, con = db
    tables = [r["name"] for r in descriptor(pkg)["resources"]]
    in_db = {n for (n,) in con.execute("select name from sqlite_master where type = 'table' and name not like '%fts%'")}
    assert in_db == set(tables)
    for r in descriptor(pkg)["resources"]:
        assert con.execute(f'select count(*) from "{r["name"]}"').fetchone()[0] == len(csv_rows(pkg, r)), r["name"]


def test_sqlite_columns_keys_and_indexes_follow_the_schemas(db):
    pkg, con = db
    for r in descriptor(pkg)["resources"]:
        name, schema = r["name"], r["schema"]
        info = con.execute(f'pragma table_info("{name}")').fetchall()  # cid, name, type, notnull, default, pk
        assert [(c[1], c[2]) for c in info] == [(f["name"], SQL_TYPES[f["type"]]) for f in schema["fields"]]
        required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
        assert {c[1] for c in info if c[3]} == required, name
        assert [c[1] for c in sorted(info, key=lambda c: c[5]) if c[5]] == schema["primaryKey"]
        declared = sorted((fk["fields"][0], fk["reference"]["resource"] or name, fk["reference"]["fields"][0])
                          for fk in schema.get("foreignKeys", []))
        in_db = sorted((row[3], row[2], row[4]) for row in con.execute(f'pragma foreign_key_list("{name}")'))
        assert in_db == declared, name
        # every foreign-key column leads some index (its own, or the primary key's)
        leading = set()
        for index in con.execute(f'pragma index_list("{name}")'):
            cols = [c[2] for c in con.execute(f'pragma index_info("{index[1]}")')]
            leading.add(cols[0])
        assert {fk[0] for fk in declared} <= leading, name
    assert con.execute("pragma foreign_key_check").fetchall() == []
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"


def test_sqlite_values_are_typed_and_empty_cells_are_null(db):
    pkg, con = db
    for r in descriptor(pkg)["resources"]:
        rows = csv_rows(pkg, r)
        for f in r["schema"]["fields"]:
            empty = sum(1 for row in rows if row[f["name"]] == "")
            col = f'"{f["name"]}"'
            assert con.execute(f'select count(*) from "{r["name"]}" where {col} is null').fetchone()[0] == empty
            kinds = {k for (k,) in con.execute(f'select distinct typeof({col}) from "{r["name"]}" where {col} is not null')}
            expected = {"string": {"text"}, "date": {"text"}, "integer": {"integer"}, "boolean": {"integer"}, "number": {"real"}}
            assert kinds <= expected[f["type"]], (r["name"], f["name"], kinds)
            if f["type"] == "boolean":
                trues = sum(1 for row in rows if row[f["name"]] == "true")
                assert con.execute(f'select count(*) from "{r["name"]}" where {col} = 1').fetchone()[0] == trues


def test_sqlite_full_text_search_finds_a_known_title(db):
    pkg, con = db
    instruments = csv_rows(pkg, next(r for r in descriptor(pkg)["resources"] if r["name"] == "instruments"))
    known = next(r for r in instruments if r["title_zh"])

    def search(text):
        query = '"' + text.replace('"', '""') + '"'
        return {i for (i,) in con.execute(
            "select i.id from instruments_fts join instruments i on i.rowid = instruments_fts.rowid "
            "where instruments_fts match ?", [query])}

    assert known["id"] in search(known["title_en"])
    assert known["id"] in search(known["title_zh"])  # Chinese text, no spaces to split on
    assert known["id"] in search(max(known["title_en"].split(), key=len).lower())  # one word, any case


def test_datasette_metadata_describes_every_table_and_column(dist):
    pkg, out, stem = dist
    with open(os.path.join(out, "metadata.json"), encoding="utf-8") as fh:
        meta = json.load(fh)
    desc = descriptor(pkg)
    assert meta["title"] == desc["title"] and meta["license"] and meta["license_url"].startswith("https://")
    tables = meta["databases"][stem]["tables"]
    for r in desc["resources"]:
        assert tables[r["name"]]["description"] == r["description"]
        assert tables[r["name"]]["columns"] == {f["name"]: f["description"] for f in r["schema"]["fields"]}
    assert tables["instruments"]["fts_table"] == "instruments_fts"


def test_parquet_row_counts_and_types_follow_the_schemas(dist):
    import pyarrow.parquet as pq

    pkg, out, stem = dist
    for r in descriptor(pkg)["resources"]:
        table = pq.read_table(os.path.join(out, f"{stem}-{r['name']}.parquet"))
        assert table.num_rows == len(csv_rows(pkg, r))
        assert [(f.name, str(f.type)) for f in table.schema] == [(f["name"], ARROW_TYPES[f["type"]]) for f in r["schema"]["fields"]]
        rows = csv_rows(pkg, r)
        for f in r["schema"]["fields"]:
            assert table.column(f["name"]).null_count == sum(1 for row in rows if row[f["name"]] == "")
            if f["type"] in ("string", "date"):
                values = [v.isoformat() if hasattr(v, "isoformat") else v for v in table.column(f["name"]).to_pylist()]
                assert values == [row[f["name"]] or None for row in rows]


def test_xlsx_has_a_sheet_per_table_with_its_rows(dist):
    import openpyxl

    pkg, out, stem = dist
    book = openpyxl.load_workbook(os.path.join(out, f"{stem}.xlsx"), read_only=True)
    resources = descriptor(pkg)["resources"]
    assert book.sheetnames == ["README"] + [r["name"] for r in resources]
    readme = [row for row in book["README"].iter_rows(values_only=True)]
    labels = {row[0]: row[1] for row in readme if row[0]}
    assert labels["Version"] == descriptor(pkg)["version"] and "creativecommons.org" in labels["Licence"] and labels["Citation"]
    for r in resources:
        rows = list(book[r["name"]].iter_rows(values_only=True))
        assert list(rows[0]) == [f["name"] for f in r["schema"]["fields"]]
        assert len(rows) - 1 == len(csv_rows(pkg, r))
    # Chinese text arrives intact
    instruments = csv_rows(pkg, next(r for r in resources if r["name"] == "instruments"))
    sheet = list(book["instruments"].iter_rows(values_only=True))
    column = sheet[0].index("title_zh")
    assert [row[column] for row in sheet[1:]] == [r["title_zh"] or None for r in instruments]
    book.close()


def test_zip_holds_the_package_and_repository_files(dist):
    pkg, out, stem = dist
    with zipfile.ZipFile(os.path.join(out, f"{stem}.zip")) as z:
        names = set(z.namelist())
        for r in descriptor(pkg)["resources"]:
            with open(os.path.join(pkg, r["path"]), "rb") as fh:
                assert z.read(f"{stem}/datapackage/{r['path']}") == fh.read()
    assert f"{stem}/datapackage/datapackage.json" in names
    if pkg == COMMITTED:
        assert {f"{stem}/README.md", f"{stem}/LICENSE-DATA", f"{stem}/CITATION.cff"} <= names


def test_dist_twice_gives_identical_bytes(dist, tmp_path):
    pkg, first, _ = dist
    second, _ = dist_of(pkg, tmp_path)
    names = sorted(os.listdir(first))
    assert names == sorted(os.listdir(second))
    match, mismatch, errors = filecmp.cmpfiles(first, second, names, shallow=False)
    assert mismatch == [] and errors == []


def test_loader_dtypes_match_the_schemas():
    import pandas as pd

    from aigov.load import DTYPES, load, tables

    desc = descriptor(COMMITTED)
    assert tables() == [r["name"] for r in desc["resources"]]
    for r in desc["resources"]:
        frame = load(r["name"])
        assert list(frame.columns) == [f["name"] for f in r["schema"]["fields"]]
        assert {c: str(t) for c, t in frame.dtypes.items()} == {
            f["name"]: "category" if "enum" in f.get("constraints", {}) else DTYPES[f["type"]] for f in r["schema"]["fields"]}
        rows = csv_rows(COMMITTED, r)
        assert len(frame) == len(rows)
        for f in r["schema"]["fields"]:
            assert int(frame[f["name"]].isna().sum()) == sum(1 for row in rows if row[f["name"]] == "")
            if f["type"] == "date":
                assert pd.api.types.is_datetime64_dtype(frame[f["name"]])


def test_loader_reads_a_folder_url_and_a_release_zip(built_minimal, tmp_path):
    from aigov.load import load

    folder = load("instruments", built_minimal)
    assert list(folder["id"]) == ["example-declaration", "example-report"]
    assert folder.loc[0, "votes_yes"] == 120 and not folder.loc[0, "binding"]
    assert str(folder.loc[0, "date"].date()) == "2024-02-29"
    assert folder.loc[0, "summary"].endswith("and NA.")  # NA stays text
    url = load("instruments", "file://" + os.path.join(built_minimal, "datapackage.json"))
    assert url.equals(folder)
    out, stem = dist_of(built_minimal, tmp_path)
    assert load("instruments", os.path.join(out, f"{stem}.zip")).equals(folder)


def test_the_loader_installs_with_pip(tmp_path):
    """`pip install .` packages aigov with a copy of datapackage/; load() then works outside the repository."""
    src = tmp_path / "src"
    for name in ("aigov", "datapackage"):
        shutil.copytree(os.path.join(ROOT, name), src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE", "LICENSE-DATA"):
        shutil.copy(os.path.join(ROOT, name), src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(tmp_path / "wheel"), str(src)], check=True, capture_output=True)
    (wheel,) = (tmp_path / "wheel").iterdir()
    with zipfile.ZipFile(wheel) as z:
        z.extractall(tmp_path / "site-packages")
        names = set(z.namelist())
    assert {"aigov/load.py", "aigov/datapackage/datapackage.json", "aigov/datapackage/data/instruments.csv"} <= names
    version = descriptor(COMMITTED)["version"]
    assert wheel.name.startswith(f"global_ai_governance-{version}-")
    code = "from aigov.load import load; print(len(load('instruments')))"
    got = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(tmp_path / "site-packages")})
    assert int(got.stdout) == len(csv_rows(COMMITTED, next(r for r in descriptor(COMMITTED)["resources"] if r["name"] == "instruments")))


def test_release_and_dist_make_the_same_zip(dist, tmp_path):
    """`build.py release` and `build.py dist` share release.package_zip."""
    from aigov import release

    pkg, out, stem = dist
    members = release.read_members(os.path.dirname(pkg))
    path = release.package_zip(str(tmp_path), "9.9.9", release.package_from_dir(pkg), members)
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(os.path.join(out, f"{stem}.zip")) as b:
        strip = lambda name: name.split("/", 1)[1]  # noqa: E731
        assert sorted(map(strip, a.namelist())) == sorted(map(strip, b.namelist()))
        assert all(a.read(n) == b.read(m) for n, m in zip(sorted(a.namelist()), sorted(b.namelist())))


def test_zenodo_metadata_follows_the_package_metadata():
    with open(os.path.join(ROOT, "schemas", "package.json"), encoding="utf-8") as fh:
        meta = json.load(fh)
    with open(os.path.join(ROOT, ".zenodo.json"), encoding="utf-8") as fh:
        zenodo = json.load(fh)
    assert zenodo["title"] == meta["title"] and zenodo["version"] == meta["version"]
    assert zenodo["upload_type"] == "dataset" and zenodo["license"] == meta["licenses"][0]["name"].lower()
    assert zenodo.get("publication_date") == meta.get("x-citation", {}).get("date-released")
