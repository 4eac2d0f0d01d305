"""Snapshots that travel (aigov/snapshot_fetch.py, aigov/snapshot_refresh.py).

``fetch`` runs against a local HTTP server (http.server in a thread on 127.0.0.1) serving a
temporary copy of the snapshot mirror (../shared/snapshots, or the cache .cache/snapshots/ that
``python build.py fetch-snapshots`` fills), and against the same copy as a local folder. The refresh
runs with a fake fetcher and a fake ``git ls-remote``. Nothing here reaches beyond 127.0.0.1.
"""

import hashlib
import http.server
import os
import shutil
import threading

import pytest

from aigov import snapshot_fetch, snapshot_refresh, snapshots
from conftest import ROOT

SMALL = "summit-pages"  # the smallest manifest: 8 PDF prints
MANIFEST = os.path.join(ROOT, "snapshots", f"{SMALL}.tsv")
RAW = "https://raw.githubusercontent.com/"


def mirror_source():
    """A folder holding summit-pages/ with the manifest's bytes: the shared mirror or the cache."""
    manifest = snapshots.read_manifest(MANIFEST)
    for folder in (os.path.join(ROOT, "..", "shared", "snapshots"), snapshot_fetch.cache_root(ROOT)):
        if snapshot_fetch.holds(folder, [manifest]):
            return folder
    return None


SOURCE = mirror_source()
needs_mirror = pytest.mark.skipif(SOURCE is None and not os.environ.get("CI"),
                                  reason="no copy of the summit prints here (../shared/snapshots or .cache/snapshots)")


@pytest.fixture
def manifest():
    return snapshots.read_manifest(MANIFEST)


@pytest.fixture
def mirror(tmp_path):
    """A temporary copy of the mirror's summit-pages/ (writable, so a test may spoil a file)."""
    assert SOURCE is not None, "CI must fetch the snapshots before the tests (python build.py fetch-snapshots)"
    folder = tmp_path / "mirror"
    shutil.copytree(os.path.join(SOURCE, SMALL), folder / SMALL)
    for path in (folder / SMALL).iterdir():
        path.chmod(0o644)  # the shared copy is read-only
    return folder


@pytest.fixture
def server(mirror, monkeypatch):
    """(base address, list of requested paths) of an HTTP server on 127.0.0.1 serving ``mirror``."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    requested = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(mirror), **kwargs)

        def do_GET(self):
            requested.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", requested
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def tree(folder):
    """relative path -> bytes of every file under ``folder``."""
    out = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as fh:
                out[os.path.relpath(path, folder).replace(os.sep, "/")] = fh.read()
    return out


def no_network(url):
    raise AssertionError(f"no request may leave 127.0.0.1 in the tests: {url}")


@needs_mirror
def test_full_fetch_over_http_fills_the_cache_with_the_mirror_bytes(manifest, mirror, server, tmp_path):
    base, requested = server
    cache = tmp_path / "cache"
    report = snapshot_fetch.fetch(manifest, base, str(cache))
    assert report.fetched == sorted(manifest.files) and report.cached == []
    assert len(requested) == len(manifest.files)
    assert tree(cache / SMALL) == {rel: body for rel, body in tree(mirror / SMALL).items() if rel in manifest.files}
    assert all(hashlib.sha256(body).hexdigest() == manifest.files[rel] for rel, body in tree(cache / SMALL).items())
    assert not [p for p in tree(cache) if ".tmp-" in p]


@needs_mirror
def test_a_second_fetch_downloads_nothing(manifest, server, tmp_path):
    base, requested = server
    cache = str(tmp_path / "cache")
    snapshot_fetch.fetch(manifest, base, cache)
    requested.clear()
    report = snapshot_fetch.fetch(manifest, base, cache)
    assert requested == [] and report.fetched == [] and report.cached == sorted(manifest.files)


@needs_mirror
def test_a_damaged_cache_file_is_fetched_again(manifest, server, tmp_path):
    base, requested = server
    cache = tmp_path / "cache"
    snapshot_fetch.fetch(manifest, base, str(cache))
    target = cache / SMALL / "2024-seoul-declaration.pdf"
    good = target.read_bytes()
    target.write_bytes(good[:-1])
    requested.clear()
    report = snapshot_fetch.fetch(manifest, base, str(cache))
    assert report.fetched == ["2024-seoul-declaration.pdf"] and requested == [f"/{SMALL}/2024-seoul-declaration.pdf"]
    assert target.read_bytes() == good


@needs_mirror
def test_bytes_that_differ_on_the_server_are_refused_and_not_stored(manifest, mirror, server, tmp_path):
    base, _ = server
    spoiled = mirror / SMALL / "2026-delhi-declaration.pdf"
    body = bytearray(spoiled.read_bytes())
    body[len(body) // 2] ^= 0x01
    spoiled.write_bytes(bytes(body))
    cache = tmp_path / "cache"
    with pytest.raises(snapshots.SnapshotError) as caught:
        snapshot_fetch.fetch(manifest, base, str(cache))
    message = str(caught.value)
    assert "2026-delhi-declaration.pdf" in message and "refused, not stored" in message
    assert hashlib.sha256(bytes(body)).hexdigest() in message  # what came
    assert manifest.files["2026-delhi-declaration.pdf"] in message  # what the manifest says
    stored = tree(cache / SMALL)
    assert "2026-delhi-declaration.pdf" not in stored and not [p for p in stored if ".tmp-" in p]
    assert set(stored) == set(manifest.files) - {"2026-delhi-declaration.pdf"}  # the others are kept


@needs_mirror
def test_a_file_missing_on_the_server_is_named(manifest, mirror, server, tmp_path):
    base, _ = server
    (mirror / SMALL / "2024-seoul-declaration.pdf").unlink()
    with pytest.raises(snapshots.SnapshotError, match=r"2024-seoul-declaration.pdf: .*HTTP 404"):
        snapshot_fetch.fetch(manifest, base, str(tmp_path / "cache"))


@needs_mirror
def test_fetch_from_a_local_folder_mirror(manifest, mirror, tmp_path):
    cache = tmp_path / "cache"
    report = snapshot_fetch.fetch(MANIFEST, str(mirror), str(cache), get=no_network)
    assert report.fetched == sorted(manifest.files)
    assert tree(cache / SMALL) == {rel: body for rel, body in tree(mirror / SMALL).items() if rel in manifest.files}
    assert snapshot_fetch.fetch(MANIFEST, str(mirror), str(cache), get=no_network).fetched == []


def test_manifest_paths_that_leave_the_folder_are_refused(tmp_path):
    digest = "0" * 64
    for bad in ("../escape.pdf", "a/../../escape.pdf", "/etc/passwd", "a//b.pdf", "a\\b.pdf", "./a.pdf"):
        path = tmp_path / "evil.tsv"
        path.write_text(f"# repository: https://github.com/o/r\n# commit: {'a' * 40}\n{digest}\t{bad}\n", encoding="utf-8")
        with pytest.raises(snapshots.SnapshotError, match="stays inside"):
            snapshots.read_manifest(str(path))
    # A Manifest built in code is refused by fetch too, before anything is read or written.
    evil = snapshots.Manifest("evil", {"repository": "https://github.com/o/r", "commit": "a" * 40}, {"../../escape": digest})
    with pytest.raises(snapshots.SnapshotError, match="stays inside"):
        snapshot_fetch.fetch(evil, str(tmp_path), str(tmp_path / "cache"), get=no_network)
    assert not (tmp_path / "escape").exists() and not (tmp_path / "cache").exists()


def test_a_link_inside_the_cache_is_not_followed(manifest, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    cache = tmp_path / "cache"
    (cache / "s").mkdir(parents=True)
    os.symlink(outside, cache / "s" / "sub")
    with pytest.raises(snapshots.SnapshotError, match="symbolic link"):
        snapshot_fetch.store(str(cache / "s"), "sub/file", b"x")
    assert list(outside.iterdir()) == []


def test_without_a_mirror_files_come_from_the_pinned_raw_address(manifest, tmp_path):
    """The upstream addresses, with a fake fetcher: raw.githubusercontent.com/<owner>/<repo>/<commit>/<folder>/<path>."""
    bodies = {}
    if SOURCE:
        bodies = {rel: body for rel, body in tree(os.path.join(SOURCE, SMALL)).items() if rel in manifest.files}
    asked = []

    def fake(url):
        asked.append(url)
        rel = url.rsplit("/", 1)[1]
        return bodies.get(rel, b"not the print")

    if bodies:
        report = snapshot_fetch.fetch(manifest, None, str(tmp_path / "cache"), get=fake)
        assert report.fetched == sorted(manifest.files)
    else:
        with pytest.raises(snapshots.SnapshotError, match="refused, not stored"):
            snapshot_fetch.fetch(manifest, None, str(tmp_path / "cache"), get=fake)
    assert sorted(asked) == sorted(f"{RAW}sunilabrahamindia/sunilabraham/{manifest.commit}/events/files/{rel}" for rel in manifest.files)
    gar = snapshots.read_manifest(os.path.join(ROOT, "snapshots", "unxml-garesolutions.tsv"))
    assert snapshot_fetch.upstream_url(gar, "data_extract/2729 (2024).json") == \
        f"{RAW}UNxml/GAresolutions/{gar.commit}/data_extract/2729%20%282024%29.json"


def test_default_snapshot_root_prefers_a_complete_cache(tmp_path):
    """The cache when it holds every manifest's files; else ../shared/snapshots where it exists; else the cache."""
    repo = tmp_path / "repo"
    (repo / "snapshots").mkdir(parents=True)
    body = b"a raw file\n"
    (repo / "snapshots" / "one.tsv").write_text(
        f"# repository: https://github.com/o/r\n# commit: {'a' * 40}\n{hashlib.sha256(body).hexdigest()}\tdir/f.txt\n", encoding="utf-8")
    cache = repo / ".cache" / "snapshots"
    assert snapshot_fetch.default_snapshot_root(str(repo)) == str(cache)  # nothing anywhere: the folder to fill
    shared = tmp_path / "shared" / "snapshots"
    shared.mkdir(parents=True)
    assert snapshot_fetch.default_snapshot_root(str(repo)) == str(shared)
    (cache / "one" / "dir").mkdir(parents=True)
    (cache / "one" / "dir" / "f.txt").write_bytes(b"other bytes\n")
    assert snapshot_fetch.default_snapshot_root(str(repo)) == str(shared)  # an incomplete cache is not used
    (cache / "one" / "dir" / "f.txt").write_bytes(body)
    assert snapshot_fetch.default_snapshot_root(str(repo)) == str(cache)


# ---------------------------------------------------------------- refresh (offline, fake fetcher)

OLD, NEW = "1" * 40, "2" * 40


def write_manifest(folder, files, commit=OLD):
    path = folder / "snapshots" / "unxml-example.tsv"
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# repository: https://github.com/UNxml/Example", f"# commit: {commit}", "# committed: 2026-01-01T00:00:00Z",
             "# retrieved: 2026-01-02", "# terms: keep this line as it is"]
    lines += [f"{hashlib.sha256(body).hexdigest()}\t{rel}" for rel, body in files.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fake_upstream(files_by_commit):
    asked = []

    def get(url):
        asked.append(url)
        for commit, files in files_by_commit.items():
            prefix = f"{RAW}UNxml/Example/{commit}/"
            if url.startswith(prefix) and url[len(prefix):] in files:
                return files[url[len(prefix):]]
        raise snapshots.SnapshotError(f"{url}: HTTP 404 Not Found")
    return get, asked


def test_refresh_rewrites_commit_dates_and_hashes_and_fills_the_cache(tmp_path):
    old = {"data_extract/80.json": b"old votes\n", "80session/English/A_RES_80_1_E.xml": b"<same/>\n"}
    new = {"data_extract/80.json": b"new votes\n", "80session/English/A_RES_80_1_E.xml": b"<same/>\n"}
    path = write_manifest(tmp_path, old)
    get, asked = fake_upstream({NEW: new})
    cache = tmp_path / "cache"
    done = snapshot_refresh.refresh_manifest(str(path), NEW, get=get, today="2026-12-07",
                                             committed="2026-12-05T10:00:00Z", cache_dir=str(cache))
    assert done.old_commit == OLD and done.new_commit == NEW and done.changed == ["data_extract/80.json"]
    assert sorted(asked) == sorted(f"{RAW}UNxml/Example/{NEW}/{rel}" for rel in new)
    text = path.read_text(encoding="utf-8")
    assert f"# commit: {NEW}\n" in text and "# committed: 2026-12-05T10:00:00Z\n" in text and "# retrieved: 2026-12-07\n" in text
    assert "# terms: keep this line as it is\n" in text and OLD not in text
    manifest = snapshots.read_manifest(str(path))
    assert manifest.files == {rel: hashlib.sha256(body).hexdigest() for rel, body in new.items()}
    assert list(manifest.files) == list(old)  # same files, same order
    assert snapshots.verified(manifest, str(cache / "unxml-example")) == new
    # Already at the newest commit: nothing to do, no request.
    asked.clear()
    assert snapshot_refresh.refresh_manifest(str(path), NEW, get=get) is None and asked == []


def test_refresh_without_a_commit_date_drops_the_line(tmp_path):
    files = {"a.json": b"1\n"}
    path = write_manifest(tmp_path, files)
    get, _ = fake_upstream({NEW: files})
    done = snapshot_refresh.refresh_manifest(str(path), NEW, get=get, today="2026-12-07")
    assert done.changed == [] and "# committed:" not in path.read_text(encoding="utf-8")


def test_refresh_stops_when_a_listed_file_is_gone_and_changes_nothing(tmp_path):
    old = {"a.json": b"1\n", "gone.xml": b"<x/>\n"}
    path = write_manifest(tmp_path, old)
    before = path.read_bytes()
    get, _ = fake_upstream({NEW: {"a.json": b"2\n"}})
    cache = tmp_path / "cache"
    with pytest.raises(snapshots.SnapshotError, match=r"gone\.xml: .*HTTP 404"):
        snapshot_refresh.refresh_manifest(str(path), NEW, get=get, cache_dir=str(cache))
    assert path.read_bytes() == before and not cache.exists()


def test_refresh_all_follows_ls_remote_and_only_unxml_repositories(tmp_path):
    files = {"a.json": b"1\n"}
    write_manifest(tmp_path, files)
    other = tmp_path / "snapshots" / "summit-pages.tsv"
    other.write_text(f"# repository: https://github.com/someone/prints\n# commit: {OLD}\n"
                     f"{hashlib.sha256(b'p').hexdigest()}\tp.pdf\n", encoding="utf-8")
    calls = []

    class Done:
        def __init__(self, stdout):
            self.stdout = stdout

    def ls_remote(argv, **kwargs):
        calls.append(argv)
        return Done(f"{NEW}\tHEAD\n")

    get, asked = fake_upstream({NEW: {"a.json": b"2\n"}})
    done = snapshot_refresh.refresh_all(str(tmp_path), get=get, run=ls_remote, today="2026-12-07", cache_dir=str(tmp_path / "c"))
    assert [d.name for d in done] == ["unxml-example"] and done[0].changed == ["a.json"]
    assert calls == [["git", "ls-remote", "--", "https://github.com/UNxml/Example", "HEAD"]]
    assert f"https://api.github.com/repos/UNxml/Example/commits/{NEW}" in asked  # the commit date (404 here: line dropped)
    assert other.read_text(encoding="utf-8").count(OLD) == 1  # not a UNxml repository: untouched
    calls.clear()
    assert snapshot_refresh.refresh_all(str(tmp_path), get=get, run=ls_remote) == [] and len(calls) == 1  # current now


def test_latest_commit_reads_ls_remote():
    class Done:
        stdout = f"ref: refs/heads/main\tHEAD\n{NEW}\tHEAD\n"

    assert snapshot_refresh.latest_commit("https://github.com/UNxml/Example", run=lambda argv, **kw: Done()) == NEW

    class Empty:
        stdout = ""

    with pytest.raises(snapshots.SnapshotError, match="no HEAD commit"):
        snapshot_refresh.latest_commit("https://github.com/UNxml/Example", run=lambda argv, **kw: Empty())


def write_package(folder, rows):
    (folder / "data").mkdir(parents=True)
    (folder / "datapackage.json").write_text(
        '{"resources": [{"name": "instruments", "path": "data/instruments.csv",'
        ' "schema": {"primaryKey": ["id"], "fields": [{"name": "id"}, {"name": "title_en"}]}}]}', encoding="utf-8")
    (folder / "data" / "instruments.csv").write_text(
        "id,title_en\n" + "".join(f"{k},{v}\n" for k, v in rows.items()), encoding="utf-8")


def test_pull_request_body_lists_record_level_changes(tmp_path):
    write_package(tmp_path / "before", {"a": "Old title", "b": "Kept"})
    write_package(tmp_path / "after", {"b": "Kept", "c": "New | piped", "a": "New title"})
    body = snapshot_refresh.pull_request_body(str(tmp_path / "before"), str(tmp_path / "after"), "Refreshed.\n")
    assert body.startswith("Refreshed.\n")
    assert "- instruments: 1 added, 1 changed" in body
    assert "| instruments | a | changed | title_en | Old title | New title |" in body
    assert "| instruments | c | added |" in body
    short = snapshot_refresh.pull_request_body(str(tmp_path / "before"), str(tmp_path / "after"), limit=1)
    assert "…and 1 more" in short


# ---------------------------------------------------------------- the commands CI runs

def script(*argv):
    import subprocess
    import sys

    return subprocess.run([sys.executable, os.path.join(ROOT, "build.py"), *argv], capture_output=True, text=True, timeout=120)


@needs_mirror
def test_fetch_script_fills_a_cache_and_names_a_refused_file(mirror, tmp_path):
    cache = tmp_path / "cache"
    done = script("fetch-snapshots", SMALL, "--mirror", str(mirror), "--cache", str(cache))
    assert done.returncode == 0 and f"{SMALL}: 8 files fetched" in done.stdout, done.stderr
    (cache / SMALL / "2024-seoul-declaration.pdf").unlink()
    (mirror / SMALL / "2024-seoul-declaration.pdf").write_bytes(b"not the print")
    done = script("fetch-snapshots", SMALL, "--mirror", str(mirror), "--cache", str(cache))
    assert done.returncode == 1 and "2024-seoul-declaration.pdf: refused, not stored" in done.stderr
    assert "Traceback" not in done.stderr and not (cache / SMALL / "2024-seoul-declaration.pdf").exists()
    unknown = script("fetch-snapshots", "no-such-snapshot", "--cache", str(cache))
    assert unknown.returncode == 1 and "no manifest snapshots/no-such-snapshot.tsv" in unknown.stderr


def test_package_changes_script(tmp_path):
    write_package(tmp_path / "before", {"a": "Old"})
    write_package(tmp_path / "after", {"a": "New"})
    (tmp_path / "intro.md").write_text("Intro.\n", encoding="utf-8")
    done = script("changes", str(tmp_path / "before"), str(tmp_path / "after"), "--intro", str(tmp_path / "intro.md"))
    assert done.returncode == 0 and done.stdout.startswith("Intro.\n") and "| instruments | a | changed | title_en | Old | New |" in done.stdout
