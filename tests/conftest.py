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
# Where the tests' sites are "published": the base of the releases feed's links (x-site-url in
# schemas/package.json; the repository sets none, so `build.py site` and `dist` write no feed.xml).
SITE_URL = "https://example.org/aigov/"


def schemas_with_site_url(folder, url=SITE_URL):
    """A copy of schemas/ in ``folder``/schemas whose package.json gives the site's address; returns its path."""
    import json

    target = os.path.join(str(folder), "schemas")
    shutil.copytree(os.path.join(ROOT, "schemas"), target)
    path = os.path.join(target, "package.json")
    with open(path, encoding="utf-8") as fh:
        meta = json.load(fh)
    meta["x-site-url"] = url
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False, indent=2)
    return target


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


@pytest.fixture(scope="session")
def site_schemas(tmp_path_factory):
    """schemas/ with the site's address set (SITE_URL), for `build.py site` and `dist --schemas`."""
    return schemas_with_site_url(tmp_path_factory.mktemp("site-schemas"))


@pytest.fixture
def sources_copy(tmp_path):
    """A writable copy of the minimal fixture sources, already built once."""
    src = tmp_path / "sources"
    shutil.copytree(MINIMAL, src)
    out = tmp_path / "out"
    out.mkdir()
    assert run_build(str(src), out) == 0
    return src, out


ATOM = "{http://www.w3.org/2005/Atom}"


def check_feed(path, base=SITE_URL):
    """Parse the releases feed at ``path`` (xml.etree: well-formed or it raises) and check that every link
    is absolute from ``base`` and that the feed names itself (rel="self"); returns the parsed root."""
    import xml.etree.ElementTree as ET

    root = ET.parse(path).getroot()  # ParseError if it is not well-formed XML
    assert root.tag == f"{ATOM}feed"
    links = root.iter(f"{ATOM}link")
    hrefs = []
    for link in links:
        href = link.get("href")
        assert href and href.startswith(base), f"{path}: link {href!r} is not absolute from {base}"
        hrefs.append((link.get("rel", "alternate"), href))
    assert [h for rel, h in hrefs if rel == "self"] == [base + "feed.xml"]
    self_link = root.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link in list(root)  # the feed's own, not an entry's
    assert ("alternate", base + "about.html") in hrefs
    for entry in root.findall(f"{ATOM}entry"):
        assert entry.findall(f"{ATOM}link[@rel='alternate']"), entry.find(f"{ATOM}title").text
    return root
