"""Independent readers load every table with the schema's types: DuckDB and frictionless read the CSVs;
Datasette and sqlite3 the release's SQLite file; load() and the README's recipe give the same frames."""

import csv
import json
import os
import re
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
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


# --- The release files, read by the tools the README names -------------------

@pytest.fixture(scope="module")
def release_files(tmp_path_factory):
    """The SQLite file and its Datasette metadata for the committed package, as `build.py dist` writes them."""
    from types import SimpleNamespace

    from aigov import dist, published

    out = str(tmp_path_factory.mktemp("release-files"))
    pkg = published.read(COMMITTED)
    name = dist.database_name(pkg)
    return SimpleNamespace(name=name, db=dist.write_sqlite(pkg, os.path.join(out, f"{name}.db")),
                           meta=dist.write_datasette_metadata(pkg, os.path.join(out, "metadata.json")))


@pytest.fixture(scope="module")
def datasette(release_files):
    """`datasette <db> --metadata metadata.json` on 127.0.0.1, a free port: yields get(path) -> (status, body)."""
    db, meta = release_files.db, release_files.meta
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "datasette", "serve", db, "--metadata", meta,
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy

    def get(path):
        try:
            with opener.open(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"datasette exited: {proc.stdout.read().decode('utf-8', 'replace')[-2000:]}")
            try:
                if get("/-/versions.json")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("datasette did not answer within 60 s")
            time.sleep(0.2)
        yield get
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_datasette_foreign_key_links_open_the_rows_they_name(datasette, release_files):
    """The links Datasette renders from a participation row to its actor and instrument return 200 (with a
    database name that has dots, Datasette renders them unescaped, and they return 404)."""
    name = release_files.name
    status, page = datasette(f"/{name}/participation?_size=20")
    assert status == 200
    for table in ("actors", "instruments"):
        links = list(dict.fromkeys(re.findall(rf'href="(/{re.escape(name)}/{table}/[^"?#]+)"', page)))
        assert links, f"no link to {table} on the participation page"
        for link in links[:3]:
            status, row_page = datasette(link)
            assert status == 200, link
            assert link.rsplit("/", 1)[1] in row_page
    status, rows = datasette(f"/{name}/participation.json?_shape=array&_size=5&_labels=on")
    assert status == 200 and len(json.loads(rows)) == 5


def test_datasette_search_finds_short_words_chinese_words_and_hyphens(datasette, release_files):
    """The search box of a table (its <table>_fts) and the metadata's search queries, which take plain text."""
    name = release_files.name
    passages, instruments = csv_rows(COMMITTED, "passages"), csv_rows(COMMITTED, "instruments")

    def rows(path):
        status, body = datasette(path)
        assert status == 200, (path, body[-500:])
        return json.loads(body)

    ai = {r["id"] for r in rows(f"/{name}/instruments.json?_search=AI&_shape=array&_size=max")}
    assert {r["id"] for r in instruments if re.search(r"\bAI\b", r["title_en"])} <= ai
    found = rows(f"/{name}/search_passages.json?q=" + urllib.request.quote("开源") + "&_shape=array")
    assert len(found) == sum("开源" in r["text"] for r in passages) > 0
    found = rows(f"/{name}/search_instruments.json?q=" + urllib.request.quote("中国") + "&_shape=array")
    assert {r["id"] for r in found} >= {r["id"] for r in instruments if "中国" in r["title_zh"]} and found
    assert rows(f"/{name}/search_passages.json?q=open-source&_shape=array")
    assert rows(f"/{name}/passages.json?_search=open-source&_shape=array")
    status, page = datasette(f"/{name}")
    assert status == 200 and "passages_fts match" in page  # the database page says how to search


# The SQL the README and the Datasette metadata give for full-text search, as a reader types it.
SEARCH_SQL = {
    "english word": """select id from instruments where rowid in
                       (select rowid from instruments_fts where instruments_fts match '"AI"')""",
    "chinese word": """select instrument_id, seq from passages where rowid in
                       (select rowid from passages_fts where passages_fts match '"开 源"')""",
    "china": """select instrument_id, seq from passages where rowid in
                (select rowid from passages_fts where passages_fts match '"中 国"')""",
    "hyphen": """select instrument_id, seq from passages where rowid in
                 (select rowid from passages_fts where passages_fts match '"open-source"')""",
    "substring": """select instrument_id, seq from passages where rowid in
                    (select rowid from passages_trigram where passages_trigram match '"人工智能"')""",
}


def test_full_text_search_with_the_documented_sql(release_files):
    """sqlite3, the SQL of the docs: "AI" finds the instruments titled with AI, 开源 and 中国 the passages
    whose Chinese text has them, "open-source" is text (no SQL error), a substring needs three characters."""
    con = sqlite3.connect(release_files.db)
    instruments, passages = csv_rows(COMMITTED, "instruments"), csv_rows(COMMITTED, "passages")

    def having(text):
        return {(r["instrument_id"], int(r["seq"])) for r in passages if text in r["text"]}

    ai = {i for (i,) in con.execute(SEARCH_SQL["english word"])}
    titled = {r["id"] for r in instruments if re.search(r"\bAI\b", r["title_en"])}
    assert titled and titled <= ai
    words = re.compile(r"(?<![^\W_])ai(?![^\W_])", re.I)
    assert all(any(words.search(r[c]) for c in ("title_en", "title_zh", "short_name", "summary"))
               for r in instruments if r["id"] in ai)  # each match has the word AI, not "said" or "maintain"
    assert set(con.execute(SEARCH_SQL["chinese word"])) == having("开源") != set()
    assert set(con.execute(SEARCH_SQL["china"])) == having("中国") != set()
    hyphen = set(con.execute(SEARCH_SQL["hyphen"]))
    assert hyphen and {(r["instrument_id"], int(r["seq"])) for r in passages if "open-source" in r["text"].lower()} <= hyphen
    assert set(con.execute(SEARCH_SQL["substring"])) == having("人工智能") != set()
    # the trigram index alone finds nothing shorter than three characters: that is what <table>_fts is for
    assert con.execute("select count(*) from passages_trigram where passages_trigram match '\"开源\"'").fetchone()[0] == 0
    con.close()


def test_the_datasette_help_shows_the_tested_sql(release_files):
    with open(release_files.meta, encoding="utf-8") as fh:
        meta = json.load(fh)
    help_text = meta["databases"][release_files.name]["description_html"]
    for fragment in ("""instruments_fts match '"AI"'""", """passages_fts match '"开 源"'""", """match '"open-source"'""",
                     """passages_trigram match '"人工智能"'"""):
        assert fragment in help_text and any(fragment.split("match")[1] in sql for sql in SEARCH_SQL.values())
