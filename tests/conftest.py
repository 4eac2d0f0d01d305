"""Shared fixtures: packages built by the real command line (aigov.cli) into temporary folders.

The repository is on the import path through pytest's ``pythonpath`` setting (pyproject.toml),
so tests import the library ``aigov`` and run ``build.py`` only as a script (tests/test_site.py,
kept as it is while the site is rewritten in another branch, still imports it).
"""

import os
import shutil

import pytest

from aigov import cli

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The fixtures are example data by design (example.org addresses, "Example" titles), which the
# placeholder check refuses in real sources; tests of that check clear this (aigov/checks/guards.py).
os.environ.setdefault("AIGOV_ALLOW_EXAMPLE_DATA", "1")

MINIMAL = os.path.join(ROOT, "tests", "fixtures", "minimal")


def run_build(sources, out, *extra, command="build"):
    """``python build.py COMMAND --sources SOURCES --out OUT EXTRA...``, in this process; returns its exit status."""
    return cli.main([command, "--sources", str(sources), "--out", str(out), *extra])


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
