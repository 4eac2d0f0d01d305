"""aigov/fileio.py: write_atomic, the one way the build writes a file."""

import os
import stat

import pytest

from aigov.fileio import write_atomic


def leftovers(folder):
    return [n for n in os.listdir(folder) if n.startswith(".tmp-")]


def test_bytes_are_written_whole_with_an_ordinary_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        path = write_atomic(str(tmp_path / "a.txt"), b"one")
        write_atomic(path, b"two")
    finally:
        os.umask(umask)
    assert open(path, "rb").read() == b"two"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    assert write_atomic(str(tmp_path / "b.txt"), b"x", 0o600) and stat.S_IMODE(os.stat(tmp_path / "b.txt").st_mode) == 0o600
    assert leftovers(tmp_path) == []


def test_a_writer_that_needs_a_path_gets_one_and_a_failure_leaves_the_old_file(tmp_path):
    path = str(tmp_path / "db")
    write_atomic(path, lambda tmp: open(tmp, "w").write("first"))
    assert open(path).read() == "first"

    def broken(tmp):
        open(tmp, "w").write("half")
        raise OSError("disk full")

    with pytest.raises(OSError):
        write_atomic(path, broken)
    assert open(path).read() == "first" and leftovers(tmp_path) == []


def test_a_link_is_replaced_never_followed(tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_atomic(str(link), b"new")
    assert target.read_text() == "keep" and not link.is_symlink() and link.read_bytes() == b"new"


def test_create_only_refuses_a_file_or_a_link_in_the_way(tmp_path):
    path = tmp_path / "new.yaml"
    write_atomic(str(path), b"first", replace=False)
    with pytest.raises(FileExistsError):
        write_atomic(str(path), b"second", replace=False)
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError):
        write_atomic(str(dangling), b"x", replace=False)
    assert path.read_bytes() == b"first" and not (tmp_path / "nowhere").exists() and leftovers(tmp_path) == []
