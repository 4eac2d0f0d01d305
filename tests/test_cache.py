"""The parse cache: an unchanged file is not parsed again, an edited one is, and the
output is the same as a build without the cache."""

import glob
import os

from aigov import yamlio
from conftest import run_build


def counting_reads(monkeypatch):
    calls = []
    real = yamlio.read

    def read(path, shown):
        calls.append(os.path.basename(path))
        return real(path, shown)

    monkeypatch.setattr(yamlio, "read", read)
    return calls


def snapshot(folder):
    return {os.path.relpath(p, folder): open(p, "rb").read()
            for p in glob.glob(os.path.join(folder, "datapackage", "**", "*"), recursive=True) if os.path.isfile(p)}


def test_only_edited_files_are_parsed_again(sources_copy, monkeypatch):
    src, out = sources_copy  # already built once, so the cache is warm
    calls = counting_reads(monkeypatch)
    assert run_build(str(src), out) == 0
    assert calls == []
    path = src / "instruments" / "example-declaration.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title_en: ", "title_en: Edited ", 1), encoding="utf-8")
    assert run_build(str(src), out) == 0
    assert calls == ["example-declaration.yaml"]
    with open(out / "datapackage" / "data" / "instruments.csv", encoding="utf-8") as fh:
        assert ",Edited " in fh.read()


def test_cached_build_equals_uncached_build(sources_copy, tmp_path):
    src, out = sources_copy
    assert run_build(str(src), out) == 0  # served from the cache
    fresh = tmp_path / "fresh"
    assert run_build(str(src), fresh, "--no-cache") == 0
    assert snapshot(out) == snapshot(fresh)


def test_building_another_folder_keeps_the_cache(sources_copy, tmp_path, monkeypatch):
    src, out = sources_copy
    other = tmp_path / "other"
    other.mkdir()
    (other / "instruments").mkdir()
    assert run_build(str(other), out) == 1  # an empty folder: nothing to build, but it ran
    calls = counting_reads(monkeypatch)
    assert run_build(str(src), out) == 0
    assert calls == []
