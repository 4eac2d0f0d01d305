"""Release files (`build.py dist`): SQLite, Datasette metadata, Parquet, xlsx, zip with changes.csv; and the pandas loader.

Each check runs on the committed datapackage/ and on the minimal fixture built by build.py.
"""

import csv
import filecmp
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import warnings
import zipfile

import pytest

from conftest import ROOT, SITE_URL, check_feed

SQL_TYPES = {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT"}
ARROW_TYPES = {"string": "string", "integer": "int64", "number": "double", "boolean": "bool", "date": "timestamp[us]"}
COMMITTED = os.path.join(ROOT, "datapackage")


def arrow_type(field):
    """The Arrow type the Parquet files give a field: a vocabulary is dictionary-encoded."""
    plain = ARROW_TYPES[field["type"]]
    return f"dictionary<values={plain}, indices=int8, ordered=0>" if "enum" in field.get("constraints", {}) else plain


def db_name(stem):
    """The SQLite file's stem (Datasette's database name): the version's dots as underscores."""
    return stem.replace(".", "_")


def descriptor(pkg):
    with open(os.path.join(pkg, "datapackage.json"), encoding="utf-8") as fh:
        return json.load(fh)


def csv_rows(pkg, resource):
    with open(os.path.join(pkg, resource["path"]), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def dist_of(pkg, out, schemas):
    """``build.py dist`` of ``pkg`` into ``out``, with ``schemas`` (a folder holding package.json: the site's address)."""
    from aigov import cli
    from aigov.dist import ChangesBasisWarning

    with warnings.catch_warnings():  # the committed package's previous release may have no tag in this clone
        warnings.simplefilter("ignore", ChangesBasisWarning)
        assert cli.main(["dist", "--package", pkg, "--out", str(out), "--schemas", schemas]) == 0
    stem = f"{descriptor(pkg)['name']}-{descriptor(pkg)['version']}"
    return str(out), stem


@pytest.fixture(scope="module", params=["committed", "minimal"])
def dist(request, tmp_path_factory, site_schemas):
    """(package folder, dist folder, file stem) for the committed package and the minimal fixture."""
    pkg = COMMITTED if request.param == "committed" else request.getfixturevalue("built_minimal")
    out, stem = dist_of(pkg, tmp_path_factory.mktemp(f"dist-{request.param}"), site_schemas)
    return pkg, out, stem


@pytest.fixture
def db(dist):
    pkg, out, stem = dist
    con = sqlite3.connect(os.path.join(out, f"{db_name(stem)}.db"))
    yield pkg, con
    con.close()


def test_dist_writes_every_format(dist):
    pkg, out, stem = dist
    names = set(os.listdir(out))
    tables = [r["name"] for r in descriptor(pkg)["resources"]]
    assert {f"{stem}.zip", f"{db_name(stem)}.db", "metadata.json", f"{stem}.xlsx"} <= names
    assert "." not in db_name(stem)  # Datasette links rows of a database whose name has dots to a 404
    assert {f"{stem}-{t}.parquet" for t in tables} <= names
    if pkg == COMMITTED:  # the repository's releases/ and CHANGELOG.md give the feed: the newest release recorded
        newest = max((n[:-5] for n in os.listdir(os.path.join(ROOT, "releases")) if n.endswith(".json")),
                     key=lambda v: tuple(map(int, v.split("."))))
        with open(os.path.join(out, "feed.xml"), encoding="utf-8") as fh:
            assert f"<title>global-ai-governance {newest}</title>" in fh.read()


def test_dists_feed_has_absolute_links_and_is_the_sites(dist):
    """feed.xml beside the release files, where no about.html is: its links are absolute from the site's
    address (x-site-url), rel="self" names it, and it is the very feed the site publishes."""
    from aigov import published, release

    pkg, out, _ = dist
    root = check_feed(os.path.join(out, "feed.xml"))
    assert bool(root.findall("{http://www.w3.org/2005/Atom}entry")) == (pkg == COMMITTED)  # the minimal fixture has no releases/
    with open(os.path.join(out, "feed.xml"), encoding="utf-8") as fh:
        assert fh.read() == release.feed(published.read(pkg), os.path.dirname(pkg), SITE_URL)


def test_dist_without_the_sites_address_writes_no_feed_and_says_why(built_minimal, tmp_path):
    from aigov import cli, release

    with pytest.warns(release.FeedWarning, match='feed.xml not written: .*set "x-site-url" in schemas/package.json'):
        assert cli.main(["dist", "--package", built_minimal, "--out", str(tmp_path / "out")]) == 0  # the repository sets no x-site-url
    assert "feed.xml" not in os.listdir(tmp_path / "out") and os.listdir(tmp_path / "out")


def test_sqlite_row_counts_equal_the_csvs(db):
    pkg, con = db
    tables = [r["name"] for r in descriptor(pkg)["resources"]]
    in_db = {n for (n,) in con.execute("select name from pragma_table_list where schema = 'main' and type = 'table' "
                                        "and name not like 'sqlite_%'")}  # not the full-text indexes (virtual, shadow)
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
    from aigov.dist import match_phrase

    pkg, con = db
    instruments = csv_rows(pkg, next(r for r in descriptor(pkg)["resources"] if r["name"] == "instruments"))
    known = next(r for r in instruments if r["title_zh"])

    def search(text, index="instruments_fts"):
        query = match_phrase(text) if index == "instruments_fts" else '"' + text.replace('"', '""') + '"'
        return {i for (i,) in con.execute(
            f"select i.id from {index} join instruments i on i.rowid = {index}.rowid where {index} match ?", [query])}

    for index in ("instruments_fts", "instruments_trigram"):
        assert known["id"] in search(known["title_en"], index)
        assert known["id"] in search(known["title_zh"], index)  # Chinese text, no spaces to split on
        assert known["id"] in search(max(known["title_en"].split(), key=len).lower(), index)  # one word, any case
    two = re.search(r"[\u4e00-\u9fff]{2}", known["title_zh"]).group()
    assert known["id"] in search(two)  # two Chinese characters: the word index only


def test_sqlite_full_text_indexes_cover_every_row_of_their_tables(db):
    """Each index has the rowids of its table, and finds every row by a word of its own text."""
    from aigov.dist import FTS_COLUMNS, match_phrase

    pkg, con = db
    resources = {r["name"]: r for r in descriptor(pkg)["resources"]}
    for table, columns in FTS_COLUMNS.items():
        if table not in resources:
            continue
        for index in (f"{table}_fts", f"{table}_trigram"):
            rowids = [r for (r,) in con.execute(f'select id from "{index}_docsize" order by id')]  # the rows it indexed
            assert rowids == [r for (r,) in con.execute(f'select rowid from "{table}" order by rowid')], index
        column = next(c for c in columns if any(f["name"] == c for f in resources[table]["schema"]["fields"]))
        for rowid, text in con.execute(f'select rowid, "{column}" from "{table}" where "{column}" is not null limit 50'):
            word = max(text.split(), key=len)
            found = {r for (r,) in con.execute(f'select rowid from "{table}_fts" where "{table}_fts" match ?', [match_phrase(word)])}
            assert rowid in found, (table, rowid, word)


def test_datasette_metadata_describes_every_table_and_column(dist):
    pkg, out, stem = dist
    with open(os.path.join(out, "metadata.json"), encoding="utf-8") as fh:
        meta = json.load(fh)
    desc = descriptor(pkg)
    assert meta["title"] == desc["title"] and meta["license"] and meta["license_url"].startswith("https://")
    assert list(meta["databases"]) == [db_name(stem)]  # Datasette names the database after the .db file
    tables = meta["databases"][db_name(stem)]["tables"]
    for r in desc["resources"]:
        assert tables[r["name"]]["description"] == r["description"]
        assert tables[r["name"]]["columns"] == {f["name"]: f["description"] for f in r["schema"]["fields"]}
    assert tables["instruments"]["fts_table"] == "instruments_fts"
    assert tables["passages"]["fts_table"] == "passages_fts"
    queries = meta["databases"][db_name(stem)]["queries"]
    assert set(queries) == {"search_instruments", "search_passages"}
    help_text = meta["databases"][db_name(stem)]["description_html"]
    assert "instruments_fts match \'\"AI\"\'" in help_text and "passages_fts match \'\"开 源\"\'" in help_text


def test_parquet_row_counts_and_types_follow_the_schemas(dist):
    import pyarrow.parquet as pq

    pkg, out, stem = dist
    for r in descriptor(pkg)["resources"]:
        table = pq.read_table(os.path.join(out, f"{stem}-{r['name']}.parquet"))
        assert table.num_rows == len(csv_rows(pkg, r))
        assert [(f.name, str(f.type)) for f in table.schema] == [(f["name"], arrow_type(f)) for f in r["schema"]["fields"]]
        assert json.loads(table.schema.metadata[b"primaryKey"]) == r["schema"]["primaryKey"]
        assert b"pandas" in table.schema.metadata  # so that pd.read_parquet restores the dtypes
        rows = csv_rows(pkg, r)
        for f in r["schema"]["fields"]:
            assert table.column(f["name"]).null_count == sum(1 for row in rows if row[f["name"]] == "")
            if f["type"] in ("string", "date"):
                values = [v.date().isoformat() if hasattr(v, "date") else v for v in table.column(f["name"]).to_pylist()]
                assert values == [row[f["name"]] or None for row in rows]


def test_plain_read_parquet_gives_the_loaders_frame(dist):
    """`pd.read_parquet(path)`, no arguments: every table with load()'s dtypes (dates datetime64, Int64,
    boolean, string, vocabularies as category with the schema's categories) and the same values."""
    import pandas as pd

    from aigov.load import load

    pkg, out, stem = dist
    expected_dtypes = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[us]"}
    for r in descriptor(pkg)["resources"]:
        frame = pd.read_parquet(os.path.join(out, f"{stem}-{r['name']}.parquet"))
        for f in r["schema"]["fields"]:
            enum = f.get("constraints", {}).get("enum")
            assert str(frame[f["name"]].dtype) == ("category" if enum else expected_dtypes[f["type"]]), (r["name"], f["name"])
            if enum and len(frame):  # Parquet keeps a column's categories in its data pages: an empty table has none
                assert list(frame[f["name"]].cat.categories) == enum
        if len(frame):
            pd.testing.assert_frame_equal(frame, load(r["name"], pkg), check_exact=True)
        else:
            assert list(frame.columns) == [f["name"] for f in r["schema"]["fields"]]


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
        changes = list(csv.DictReader(io.StringIO(z.read(f"{stem}/changes.csv").decode("utf-8"))))
    assert f"{stem}/datapackage/datapackage.json" in names
    if pkg == COMMITTED:
        assert {f"{stem}/README.md", f"{stem}/LICENSE-DATA", f"{stem}/CITATION.cff"} <= names
    # record-level changes: a row per record added or removed, per field changed, of tables of the package
    assert changes and {row["change"] for row in changes} <= {"added", "removed", "changed"}
    assert {row["table"] for row in changes} <= {r["name"] for r in descriptor(pkg)["resources"]}


def test_dist_twice_gives_identical_bytes(dist, tmp_path, site_schemas):
    pkg, first, _ = dist
    second, _ = dist_of(pkg, tmp_path, site_schemas)
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


def test_loader_reads_a_folder_url_and_a_release_zip(built_minimal, tmp_path, site_schemas):
    from aigov.load import load

    folder = load("instruments", built_minimal)
    assert list(folder["id"]) == ["example-declaration", "example-report"]
    assert folder.loc[0, "votes_yes"] == 120 and not folder.loc[0, "binding"]
    assert str(folder.loc[0, "date"].date()) == "2024-02-29"
    assert folder.loc[0, "summary"].endswith("and NA.")  # NA stays text
    url = load("instruments", "file://" + os.path.join(built_minimal, "datapackage.json"))
    assert url.equals(folder)
    out, stem = dist_of(built_minimal, tmp_path, site_schemas)
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
    """`build.py release` and `build.py dist` share release.package_zip and changes.csv."""
    from aigov import dist as dist_module
    from aigov import published, release

    pkg, out, stem = dist
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dist_module.ChangesBasisWarning)
        old, _ = dist_module.previous_package(published.read(pkg), os.path.dirname(pkg))
    files = release.package_from_dir(pkg)
    members = {**release.read_members(os.path.dirname(pkg)), "changes.csv": release.changes_csv(release.changes(old, files))}
    path = release.package_zip(str(tmp_path), "9.9.9", files, members)
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


# --- changes.csv: record-level changes since the previous release -----------

def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=test@example.org",
                    "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args], check=True, capture_output=True)


def _changes_in_zip(out, stem):
    with zipfile.ZipFile(os.path.join(out, f"{stem}.zip")) as z:
        return list(csv.DictReader(io.StringIO(z.read(f"{stem}/changes.csv").decode("utf-8"))))


def _previous_release(built_minimal, repo):
    """A repository holding the minimal package, whose release 0.0.1 (releases/0.0.1.json, tag v0.0.1)
    had no example-report, another title for example-declaration, and a record since withdrawn."""
    from aigov import release

    shutil.copytree(built_minimal, repo / "datapackage")
    path = repo / "datapackage" / "data" / "instruments.csv"
    current = path.read_bytes()
    rows = list(csv.DictReader(io.StringIO(current.decode("utf-8"))))
    old = [dict(r, title_en="Old title") if r["id"] == "example-declaration" else r for r in rows if r["id"] != "example-report"]
    old.append(dict(rows[0], id="withdrawn-record"))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(old)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    previous = release.package_from_dir(str(repo / "datapackage"))
    (repo / "releases").mkdir()
    manifest = dict(release.manifest(previous), version="0.0.1")
    (repo / "releases" / "0.0.1.json").write_text(json.dumps(manifest), encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "release 0.0.1")
    _git(repo, "tag", "v0.0.1")
    path.write_bytes(current)  # the working tree has the current package again
    return previous


def test_dist_changes_csv_is_against_the_previous_releases_tag(built_minimal, tmp_path, site_schemas):
    """As `build.py release` computes it: the newest recorded release older than the package's version,
    its files from its git tag; one row per record added or removed and per field changed."""
    from aigov import release

    repo = tmp_path / "repo"
    previous = _previous_release(built_minimal, repo)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the basis is found: no warning
        out, stem = dist_of(str(repo / "datapackage"), tmp_path / "out", site_schemas)
    changes = _changes_in_zip(out, stem)
    expected = release.changes(previous, release.package_from_dir(str(repo / "datapackage")))
    assert changes == expected
    got = {(c["table"], c["record"], c["change"], c["field"], c["old_value"]) for c in changes}
    declaration = next(r for r in csv_rows(str(repo / "datapackage"), {"path": "data/instruments.csv"}) if r["id"] == "example-declaration")
    assert got == {("instruments", "example-report", "added", "", ""),
                   ("instruments", "withdrawn-record", "removed", "", ""),
                   ("instruments", "example-declaration", "changed", "title_en", "Old title")}
    assert next(c for c in changes if c["change"] == "changed")["new_value"] == declaration["title_en"]


def test_dist_changes_csv_from_a_folder_of_the_previous_release(built_minimal, tmp_path):
    from aigov import dist, release

    repo = tmp_path / "repo"
    previous = _previous_release(built_minimal, repo)
    folder = tmp_path / "previous"
    folder.mkdir()
    for rel, body in previous.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(body)
    dist.write(str(repo / "datapackage"), str(tmp_path / "out"), previous=str(folder))
    stem = f"{descriptor(built_minimal)['name']}-{descriptor(built_minimal)['version']}"
    assert _changes_in_zip(str(tmp_path / "out"), stem) == release.changes(previous, release.package_from_dir(str(repo / "datapackage")))


def test_dist_changes_csv_without_a_previous_release_lists_every_record_as_added(built_minimal, tmp_path, capsys, site_schemas):
    """No earlier release: every record is added (a first release). An earlier release whose tag is not in
    the clone: the same, with a note that says how to get the tag."""
    total = sum(len(csv_rows(built_minimal, r)) for r in descriptor(built_minimal)["resources"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, stem = dist_of(built_minimal, tmp_path / "first", site_schemas)  # its folder has no releases/
    changes = _changes_in_zip(out, stem)
    assert len(changes) == total and {c["change"] for c in changes} == {"added"}

    repo = tmp_path / "repo"
    _previous_release(built_minimal, repo)
    shutil.rmtree(repo / ".git")  # a copy of the repository without its history
    from aigov import cli

    capsys.readouterr()
    assert cli.main(["dist", "--package", str(repo / "datapackage"), "--out", str(tmp_path / "untagged"), "--schemas", site_schemas]) == 0
    assert "note: " in (said := capsys.readouterr().err) and "fetch its tag v0.0.1" in said  # a plain line, not a Python warning
    changes = _changes_in_zip(str(tmp_path / "untagged"), stem)
    assert len(changes) == total and {c["change"] for c in changes} == {"added"}
