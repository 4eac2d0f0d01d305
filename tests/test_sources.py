"""One test per source file, so a failure names the file (advisory-db style),
plus the canonical-format check (congress-legislators' lint round trip)."""

import difflib
import glob
import os

import pytest

from aigov import canonical, pipeline, schema
from conftest import ROOT

SOURCES = os.path.join(ROOT, "sources")
FILES = sorted(glob.glob(os.path.join(SOURCES, "*", "*.yaml")))
IDS = [os.path.relpath(p, SOURCES) for p in FILES]


@pytest.fixture(scope="module")
def problems_by_file():
    tables = schema.load_tables()
    parsed, problems = pipeline.load(SOURCES)
    _, more = pipeline.validate(parsed, tables)
    by_file = {}
    for p in problems + more:
        by_file.setdefault(os.path.abspath(p.path), []).append(str(p))
    return parsed, by_file


def test_validator_saw_every_file(problems_by_file):
    parsed, _ = problems_by_file
    assert len(FILES) > 100
    assert len(parsed) == len(FILES)


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_source_file_is_valid(path, problems_by_file):
    _, by_file = problems_by_file
    assert by_file.get(os.path.abspath(path), []) == []


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_source_file_is_canonical(path):
    table = os.path.basename(os.path.dirname(path))
    ok, current, wanted = canonical.is_canonical(path, table, schema.load_tables())
    if not ok:
        diff = "".join(difflib.unified_diff(current.splitlines(True), wanted.splitlines(True), "as written", "canonical"))
        pytest.fail(f"{os.path.relpath(path, ROOT)} is not in canonical form; run `python build.py --fix`:\n{diff}")
