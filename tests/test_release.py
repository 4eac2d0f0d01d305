"""Versioning policy and release artifacts, on two successive versions of the minimal fixture."""

import csv
import io
import json
import os
import shutil
import zipfile

import pytest

from conftest import MINIMAL, ROOT, SITE_URL, check_feed, run_build


@pytest.fixture
def repo(tmp_path):
    """A throwaway repository: sources, schemas (with their own package.json), README, CHANGELOG."""
    shutil.copytree(MINIMAL, tmp_path / "sources")
    shutil.copytree(os.path.join(ROOT, "schemas"), tmp_path / "schemas")
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n\n- First cut.\n", encoding="utf-8")
    set_site_url(tmp_path, SITE_URL)  # so that the release's dist/ has its feed.xml
    return tmp_path


def set_version(repo, version):
    path = repo / "schemas" / "package.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["version"] = version
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")


def run(repo, *args, command="build"):
    return run_build(str(repo / "sources"), repo, "--schemas", str(repo / "schemas"), *args, command=command)


def release(repo, previous=None):
    extra = ["--previous", str(previous)] if previous else []
    assert run(repo) == 0
    return run(repo, *extra, command="release")


def zip_changes(repo, version):
    with zipfile.ZipFile(repo / "dist" / f"global-ai-governance-{version}.zip") as z:
        names = z.namelist()
        body = z.read(f"global-ai-governance-{version}/changes.csv").decode("utf-8")
    return names, list(csv.DictReader(io.StringIO(body)))


def test_two_releases_give_a_correct_changes_table_and_changelog(repo, tmp_path):
    set_version(repo, "1.0.0")
    assert release(repo) == 0
    names, first = zip_changes(repo, "1.0.0")
    assert "global-ai-governance-1.0.0/datapackage/datapackage.json" in names
    assert {r["change"] for r in first} == {"added"}
    # the README recipe reads tables straight from the release zip
    from readme_recipe import read_table
    actors = read_table(str(repo / "dist" / "global-ai-governance-1.0.0.zip"), "actors")
    assert set(actors["id"]) == {"example-org", "nor"} and str(actors["name_en"].dtype) == "string"
    kept = tmp_path / "v1"
    shutil.copytree(repo / "datapackage", kept)

    # a correction (patch) and a new record (minor)
    nor = repo / "sources" / "actors" / "nor.yaml"
    nor.write_text(nor.read_text(encoding="utf-8").replace("name_en: Norway", "name_en: Kingdom of Norway"), encoding="utf-8")
    (repo / "sources" / "actors" / "isl.yaml").write_text("id: isl\nkind: state\nname_en: Iceland\niso3: 'ISL'\n", encoding="utf-8")
    set_version(repo, "1.1.0")
    assert release(repo, previous=kept) == 0
    _, second = zip_changes(repo, "1.1.0")
    assert {"table": "actors", "record": "nor", "change": "changed", "field": "name_en",
            "old_value": "Norway", "new_value": "Kingdom of Norway"} in second
    assert {"table": "actors", "record": "isl", "change": "added", "field": "", "old_value": "", "new_value": ""} in second
    assert len(second) == 2
    changelog = (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [1.1.0] - " in changelog and "- actors: 1 added, 1 changed" in changelog
    assert changelog.index("## [1.1.0]") < changelog.index("## [1.0.0]")


def test_removed_id_without_major_bump_fails_the_check(repo, capsys):
    set_version(repo, "1.0.0")
    assert release(repo) == 0
    os.remove(repo / "sources" / "systems" / "example-model.yaml")
    articles = repo / "sources" / "articles" / "example-article.yaml"
    text = articles.read_text(encoding="utf-8")
    articles.write_text(text[: text.index("  - system_id")] + text[text.index("sources:"):], encoding="utf-8")
    set_version(repo, "1.1.0")
    assert run(repo) == 0
    capsys.readouterr()
    assert run(repo, "--check") == 1
    err = capsys.readouterr().err
    assert "needs a major bump (at least 2.0.0)" in err and "systems removed" in err
    set_version(repo, "2.0.0")
    assert run(repo) == 0
    assert run(repo, "--check") == 0


def test_retyped_column_needs_major_and_added_record_needs_minor(repo, capsys):
    set_version(repo, "1.0.0")
    assert release(repo) == 0
    (repo / "sources" / "actors" / "isl.yaml").write_text("id: isl\nkind: state\nname_en: Iceland\niso3: 'ISL'\n", encoding="utf-8")
    set_version(repo, "1.0.1")
    assert run(repo) == 0
    capsys.readouterr()
    assert run(repo, "--check") == 1
    assert "needs a minor bump (at least 1.1.0)" in capsys.readouterr().err
    schema_path = repo / "schemas" / "figures.json"
    spec = json.loads(schema_path.read_text(encoding="utf-8"))
    next(f for f in spec["fields"] if f["name"] == "period")["type"] = "integer"
    schema_path.write_text(json.dumps(spec), encoding="utf-8")
    set_version(repo, "1.1.0")
    assert run(repo) == 0
    capsys.readouterr()
    assert run(repo, "--check") == 1
    assert "column figures.period retyped string -> integer" in capsys.readouterr().err


def test_release_zip_is_reproducible(repo):
    set_version(repo, "1.0.0")
    assert release(repo) == 0
    first = (repo / "dist" / "global-ai-governance-1.0.0.zip").read_bytes()
    assert release(repo) == 0  # re-making a recorded release (the tag's CI job)
    assert (repo / "dist" / "global-ai-governance-1.0.0.zip").read_bytes() == first


def test_citation_cff_matches_package_version():
    with open(os.path.join(ROOT, "datapackage", "datapackage.json"), encoding="utf-8") as fh:
        version = json.load(fh)["version"]
    with open(os.path.join(ROOT, "CITATION.cff"), encoding="utf-8") as fh:
        assert f'version: "{version}"' in fh.read()


def test_release_records_its_date_in_the_citation_metadata(repo):
    import datetime as dt

    path = repo / "schemas" / "package.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["version"], meta["x-citation"]["date-released"] = "1.0.0", "2000-01-01"
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    assert release(repo) == 0
    today = dt.date.today().isoformat()
    assert json.loads(path.read_text(encoding="utf-8"))["x-citation"]["date-released"] == today
    assert f'date-released: "{today}"' in (repo / "CITATION.cff").read_text(encoding="utf-8")
    with zipfile.ZipFile(repo / "dist" / "global-ai-governance-1.0.0.zip") as z:
        assert f'date-released: "{today}"' in z.read("global-ai-governance-1.0.0/CITATION.cff").decode("utf-8")
    assert f"## [1.0.0] - {today}" in (repo / "CHANGELOG.md").read_text(encoding="utf-8")
    assert run(repo, "--check") == 0  # the stamped metadata and generated files agree


def test_rows_removed_from_a_derived_table_need_a_minor_bump_and_from_a_record_table_a_major_one():
    from aigov import release

    def manifest(version, keys):
        return {"version": version, "tables": {name: {"fields": [["id", "string"]], "keys": k, "hash": "h" + str(len(k))}
                                               for name, k in keys.items()}}

    before = manifest("1.0.0", {"evidence": ["a", "b"], "instruments": ["x", "y"]})
    level, reasons = release.required_bump(before, manifest("1.1.0", {"evidence": ["a"], "instruments": ["x", "y"]}))
    assert level == "minor" and "1 evidence removed" in reasons[0]
    level, _ = release.required_bump(before, manifest("1.1.0", {"evidence": ["a", "b"], "instruments": ["x"]}))
    assert level == "major"


# --- the releases feed: absolute links from the site's address, well-formed whatever CHANGELOG.md holds ----

def set_site_url(repo, url):
    path = repo / "schemas" / "package.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    meta["x-site-url"] = url
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")


# Every character XML 1.0 forbids, even as a reference: C0 controls but tab, LF and CR; U+FFFE, U+FFFF.
FORBIDDEN = "".join(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)) + "\ufffe\uffff"


def test_a_control_character_in_the_changelog_does_not_break_the_feed(repo, tmp_path):
    """A control character pasted into CHANGELOG.md (an escape sequence, a form feed): the release's
    feed.xml in dist/ and the site's are well-formed, keep the text around it, and link absolutely."""
    set_version(repo, "1.0.0")
    (repo / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n\n- Colour \x1b[31mred\x1b[0m\x0c and a bell\x07."
                                       f" Every one: [{FORBIDDEN}] & <tags>.\n", encoding="utf-8")
    assert release(repo) == 0
    site = tmp_path / "site"
    from aigov import cli

    assert cli.main(["site", "--package", str(repo / "datapackage"), "--schemas", str(repo / "schemas"), "--out", str(site)]) == 0
    for path in (repo / "dist" / "feed.xml", site / "feed.xml"):
        root = check_feed(str(path))
        notes = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}content").text
        assert "- Colour [31mred[0m and a bell. Every one: [] & <tags>." in notes, path
        assert not any(c in notes for c in FORBIDDEN)
    assert (repo / "dist" / "feed.xml").read_bytes() == (site / "feed.xml").read_bytes()


def test_the_feed_needs_an_absolute_site_address(built_minimal):
    from aigov import published, release

    pkg = published.read(built_minimal)
    for missing in (None, ""):
        with pytest.raises(release.FeedError, match='set "x-site-url" in schemas/package.json'):
            release.feed(pkg, None, missing)
        with pytest.raises(release.FeedError, match="no address of the site is configured"):
            release.site_url({"x-site-url": missing})
    for bad in ("site/", "/aigov/", "javascript:alert(1)", "ftp://example.org/", "https://example.org/?a=1", "https://example.org/#top",
                "https://exa mple.org/", "https://example.org/\x01"):
        with pytest.raises(release.FeedError, match="not an absolute http"):
            release.feed(pkg, None, bad)
    assert release.site_url({"x-site-url": "https://example.org/aigov"}) == "https://example.org/aigov/"
    assert release.site_url({"homepage": "https://example.org/home/"}) == "https://example.org/home/"  # the package's homepage
    assert release.site_url({"x-site-url": "https://a.example/", "homepage": "https://b.example/"}) == "https://a.example/"
    with pytest.raises(release.FeedError):
        release.site_url({"repository": "https://github.com/owner/repo"})  # not where the site's pages are
    text = release.feed(pkg, None, "https://example.org/a&b")
    assert 'href="https://example.org/a&amp;b/feed.xml"' in text and 'rel="self"' in text
    with pytest.warns(release.FeedWarning, match="feed.xml not written"):
        assert release.feed_file(pkg, None, {"x-site-url": ""}) is None
