"""Hostile input, symbolic links: no command reads or writes through a link it did not create.
The snapshot files an importer reads, the repository files shipped in the zip, the package folder
that dist, site and load read, and the files dist writes. Real links in tmp_path; plain messages."""

import hashlib
import os
import shutil

import pytest
from test_contributor import cli

from aigov import fileio, load, published, release, snapshots

SECRET = b"a file outside the repository\n"


@pytest.fixture
def outside(tmp_path):
    """A file outside every folder the commands read: what a link points at."""
    path = tmp_path / "outside" / "secret.txt"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


@pytest.fixture
def package_copy(tmp_path, built_minimal):
    """A copy of a built package in <tmp>/repo/datapackage (its repository folder holds README.md)."""
    pkg = tmp_path / "repo" / "datapackage"
    shutil.copytree(built_minimal, pkg)
    (tmp_path / "repo" / "README.md").write_text("# readme\n", encoding="utf-8")
    return pkg


def _relink(path, target=None):
    """Replace the file at ``path`` by a link to ``target`` (default: a copy of the file elsewhere: same bytes)."""
    if target is None:
        target = str(path) + ".real"
        os.rename(path, target)
    else:
        os.unlink(path)
    os.symlink(target, path)


def _plain_refusal(proc, words):
    assert proc.returncode == 1, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    assert words in proc.stderr, proc.stderr


# ------------------------------------------------------------------ snapshots


def test_a_snapshot_file_that_is_a_link_is_refused_even_with_the_right_bytes(tmp_path, outside):
    folder = tmp_path / "snap"
    (folder / "sub").mkdir(parents=True)
    os.symlink(outside, folder / "a.txt")
    (folder / "sub" / "b.txt").write_bytes(SECRET)
    digest = hashlib.sha256(SECRET).hexdigest()
    manifest = snapshots.Manifest("snap", {"repository": "r", "commit": "c"}, {"a.txt": digest, "sub/b.txt": digest})
    with pytest.raises(snapshots.SnapshotError, match=r"a\.txt: a symbolic link"):
        snapshots.verified(manifest, str(folder))
    os.unlink(folder / "a.txt")
    (folder / "a.txt").write_bytes(SECRET)
    assert snapshots.verified(manifest, str(folder)) == {"a.txt": SECRET, "sub/b.txt": SECRET}


def test_a_snapshot_folder_reached_through_a_link_inside_it_is_refused(tmp_path):
    folder = tmp_path / "snap"
    folder.mkdir()
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "b.txt").write_bytes(SECRET)
    os.symlink(real, folder / "sub")
    manifest = snapshots.Manifest("snap", {"repository": "r", "commit": "c"}, {"sub/b.txt": hashlib.sha256(SECRET).hexdigest()})
    with pytest.raises(snapshots.SnapshotError, match="symbolic link"):
        snapshots.verified(manifest, str(folder))


# ------------------------------------------------------------------ repository files shipped in the zip


def test_a_shipped_repository_file_that_is_a_link_is_refused(tmp_path, outside):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "README.md").write_text("# readme\n", encoding="utf-8")
    os.symlink(outside, root / "CHANGELOG.md")
    with pytest.raises(fileio.LinkRefused, match="CHANGELOG.md is a symbolic link"):
        release.read_members(str(root))
    os.unlink(root / "CHANGELOG.md")
    assert release.read_members(str(root)) == {"README.md": b"# readme\n"}


def test_dist_refuses_a_readme_linked_outside_the_repository(tmp_path, package_copy, outside):
    _relink(package_copy.parent / "README.md", outside)
    out = tmp_path / "dist"
    out.mkdir()
    proc = cli("dist", "--package", package_copy, "--out", out)
    _plain_refusal(proc, "README.md is a symbolic link")
    assert os.listdir(out) == []


# ------------------------------------------------------------------ the package folder read by dist, site and load


@pytest.mark.parametrize("name", ["datapackage.json", "data/actors.csv"])
def test_a_package_file_that_is_a_link_is_refused_by_dist_site_and_load(tmp_path, package_copy, name):
    _relink(package_copy / name)  # the same bytes, through a link
    with pytest.raises(fileio.LinkRefused, match="is a symbolic link"):
        published.read(str(package_copy))
    for command in ("dist", "site"):
        out = tmp_path / command
        out.mkdir()
        _plain_refusal(cli(command, "--package", package_copy, "--out", out), "is a symbolic link")
        assert os.listdir(out) == []
    with pytest.raises(load.PackageError, match="is a symbolic link"):
        load.load("actors", str(package_copy))


def test_a_package_folder_that_is_a_link_is_refused(tmp_path, package_copy):
    link = tmp_path / "repo" / "linked"
    os.symlink(package_copy, link)
    with pytest.raises(fileio.LinkRefused, match="is a symbolic link"):
        published.read(str(link))
    with pytest.raises(load.PackageError, match="is a symbolic link"):
        load.load("actors", str(link))


def test_a_linked_folder_inside_the_package_is_refused(tmp_path, package_copy):
    real = tmp_path / "data-elsewhere"
    os.rename(package_copy / "data", real)
    os.symlink(real, package_copy / "data")
    with pytest.raises(fileio.LinkRefused, match="is a symbolic link"):
        published.read(str(package_copy))
    with pytest.raises(load.PackageError, match="is a symbolic link"):
        load.load("actors", str(package_copy))


# ------------------------------------------------------------------ what dist writes


def test_write_atomic_replaces_a_link_and_never_writes_through_it(tmp_path, outside):
    path = tmp_path / "out.zip"
    os.symlink(outside, path)
    fileio.write_atomic(str(path), b"new bytes")
    assert not os.path.islink(path) and path.read_bytes() == b"new bytes"
    assert outside.read_bytes() == SECRET
    dangling = tmp_path / "dangling.zip"
    os.symlink(tmp_path / "nowhere" / "x", dangling)
    fileio.write_atomic(str(dangling), lambda tmp: open(tmp, "wb").close())
    assert not os.path.islink(dangling) and not (tmp_path / "nowhere").exists()


def test_dist_replaces_a_link_committed_where_its_zip_goes(tmp_path, package_copy, outside):
    out = tmp_path / "dist"
    out.mkdir()
    version = published.read(str(package_copy)).version
    zip_path = out / f"global-ai-governance-{version}.zip"
    os.symlink(outside, zip_path)
    proc = cli("dist", "--package", package_copy, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert not os.path.islink(zip_path) and zip_path.stat().st_size > 0
    assert outside.read_bytes() == SECRET
