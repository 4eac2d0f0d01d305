"""Shared fixtures: packages built by the real build.py into temporary folders."""

import os
import shutil
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import build  # noqa: E402

# The fixtures are example data by design (example.org addresses, "Example" titles), which the
# placeholder check refuses in real sources; tests of that check clear this (aigov/guards.py).
os.environ.setdefault("AIGOV_ALLOW_EXAMPLE_DATA", "1")

MINIMAL = os.path.join(ROOT, "tests", "fixtures", "minimal")


def run_build(sources, out, *extra):
    return build.main(["--sources", sources, "--out", str(out), *extra])


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real sources/ built into a temporary folder; returns the datapackage folder."""
    out = tmp_path_factory.mktemp("real")
    assert run_build(os.path.join(ROOT, "sources"), out) == 0
    return os.path.join(out, "datapackage")


@pytest.fixture(scope="session")
def built_minimal(tmp_path_factory):
    out = tmp_path_factory.mktemp("minimal")
    assert run_build(MINIMAL, out) == 0
    return os.path.join(out, "datapackage")


@pytest.fixture
def sources_copy(tmp_path):
    """A writable copy of the minimal fixture sources, already built once."""
    src = tmp_path / "sources"
    shutil.copytree(MINIMAL, src)
    out = tmp_path / "out"
    out.mkdir()
    assert run_build(str(src), out) == 0
    return src, out
