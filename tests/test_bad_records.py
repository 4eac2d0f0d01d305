"""Every known-bad record in fixtures/bad/ is rejected with its file, line, a
clear message and its problem code, and leaves the published package byte-identical.

Each fixture declares, in its first two lines, the table folder it is dropped
into, and the code and the message it must produce (path relative to the table
folder): ``# expect [code]: file.yaml:line:column: field: message``.
"""

import glob
import os
import re
import shutil

import pytest

from conftest import ROOT, run_build

BAD = sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "bad", "*.yaml")))


def header(path):
    """(table, code, expected message) of a bad fixture."""
    with open(path, "rb") as fh:
        lines = fh.read().decode("utf-8", errors="replace").splitlines()
    table = re.fullmatch(r"# table: (\w+)", lines[0]).group(1)
    code, expect = re.fullmatch(r"# expect \[([a-z0-9_-]+)\]: (.+)", lines[1]).groups()
    return table, code, expect


def snapshot(folder):
    out = {}
    for path in sorted(glob.glob(os.path.join(folder, "**", "*"), recursive=True)):
        if os.path.isfile(path):
            with open(path, "rb") as fh:
                out[os.path.relpath(path, folder)] = fh.read()
    return out


def test_there_are_bad_fixtures():
    assert len(BAD) >= 30


@pytest.mark.parametrize("path", BAD, ids=[os.path.basename(p) for p in BAD])
def test_bad_record_is_rejected_with_location(path, sources_copy, capsys):
    src, out = sources_copy
    table, code, expect = header(path)
    before = snapshot(out)
    shutil.copy(path, src / table / os.path.basename(path))
    capsys.readouterr()
    assert run_build(str(src), out) == 1
    err = capsys.readouterr().err
    prefix = f"{os.path.relpath(src / table)}{os.sep}"
    assert prefix + expect in err, err
    assert any(line.startswith(prefix + expect) and line.endswith(f" [{code}]") for line in err.splitlines()), err
    assert "Traceback" not in err
    assert "nothing was written" in err
    assert snapshot(out) == before


def test_all_problems_are_reported_in_one_run(sources_copy, capsys):
    src, out = sources_copy
    for name in ("wrong-type.yaml", "dangling-reference.yaml", "impossible-date.yaml", "syntax-error.yaml"):
        shutil.copy(os.path.join(ROOT, "tests", "fixtures", "bad", name), src / "instruments" / name)
    capsys.readouterr()
    assert run_build(str(src), out) == 1
    err = capsys.readouterr().err
    for name in ("wrong-type.yaml:7:1", "dangling-reference.yaml:6:1", "impossible-date.yaml:6:1", "syntax-error.yaml:5:11"):
        assert name in err
    assert "4 problems in 4 files" in err


def test_duplicate_id_names_both_files(sources_copy, capsys):
    src, out = sources_copy
    text = (src / "actors" / "nor.yaml").read_text(encoding="utf-8")
    (src / "actors" / "zz-copy.yaml").write_text(text, encoding="utf-8")
    capsys.readouterr()
    assert run_build(str(src), out) == 1
    err = capsys.readouterr().err
    copy, nor = os.path.relpath(src / "actors" / "zz-copy.yaml"), os.path.relpath(src / "actors" / "nor.yaml")
    assert f"{copy}:1:1: id: duplicate id 'nor': already used in {nor}:1" in err


def test_stale_package_is_caught_by_check(sources_copy, capsys):
    src, out = sources_copy
    assert run_build(str(src), out, "--check") == 0
    with open(src / "actors" / "nor.yaml", "a", encoding="utf-8") as fh:
        fh.write("short_name: Norge\n")
    capsys.readouterr()
    assert run_build(str(src), out, "--check") == 1
    err = capsys.readouterr().err
    assert "data/actors.csv: differs" in err and "datapackage.json: differs" in err


def test_extra_file_in_package_is_caught_by_check(sources_copy, capsys):
    src, out = sources_copy
    (out / "datapackage" / "data" / "old.csv").write_text("x\n")
    assert run_build(str(src), out, "--check") == 1
    assert "data/old.csv: not produced by the sources" in capsys.readouterr().err


def test_same_sources_give_byte_identical_output(sources_copy, tmp_path):
    src, out = sources_copy
    again = tmp_path / "again"
    again.mkdir()
    assert run_build(str(src), again) == 0
    assert snapshot(again) == snapshot(out)
