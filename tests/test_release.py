"""Versioning policy and release artifacts, on two successive versions of the minimal fixture."""

import csv
import io
import json
import os
import shutil
import zipfile

import pytest

from conftest import MINIMAL, ROOT, run_build


@pytest.fixture
def repo(tmp_path):
    """A throwaway repository: sources, schemas (with their own package.json), README, CHANGELOG."""
    shutil.copytree(MINIMAL, tmp_path / "sources")
    shutil.copytree(os.path.join(ROOT, "schemas"), tmp_path / "schemas")
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## [Unreleased]\n\n- First cut.\n", encoding="utf-8")
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
