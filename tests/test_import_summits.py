"""The summit importer against the real prints (the snapshot summit-pages).

Where they can, these tests read the prints with pypdf themselves, so the importer's
output is checked against the page, not against itself.

Where the prints are: ``snapshot_fetch.default_snapshot_root(ROOT)``, the cache
``.cache/snapshots/`` once it holds every manifest's files, else ``../shared/snapshots`` beside
the clone. Fill the cache with ``python build.py fetch-snapshots`` (from the pinned commits on
raw.githubusercontent.com) or ``python build.py fetch-snapshots --mirror ../shared/snapshots``;
``.ci/run`` and the workflows do it before the tests. Without the prints the module is skipped,
but under CI (CI=true) it fails.
"""

import os
import re
import shutil

import pytest
from pypdf import PdfReader

from aigov import snapshot_fetch, snapshots, yamlio
from aigov.importers import base, summits
from conftest import ROOT

SNAPSHOT = os.path.join(snapshot_fetch.default_snapshot_root(ROOT), "summit-pages")

if not os.path.isdir(SNAPSHOT):
    if os.environ.get("CI"):
        pytest.fail(f"the summit prints are missing at {SNAPSHOT}; CI must fetch them first "
                    "(python build.py fetch-snapshots)", pytrace=False)
    pytest.skip(f"the summit prints are not in {SNAPSHOT}; fetch them with python build.py fetch-snapshots",
                allow_module_level=True)


def text(name):
    return "\n".join(page.extract_text() for page in PdfReader(os.path.join(SNAPSHOT, name)).pages)


def record(instrument):
    data, _ = yamlio.read(os.path.join(ROOT, "sources", "instruments", f"{instrument}.yaml"))
    return data


def print_url(name):
    return snapshots.read_manifest(summits.MANIFEST).url(name)


@pytest.fixture(scope="module")
def extracted():
    return summits.extract(SNAPSHOT)


def test_records_equal_what_the_importer_writes():
    """Drift check: the committed records are exactly what a re-import gives."""
    assert summits.run(base.Context(ROOT, os.path.join(ROOT, "sources"), os.path.dirname(SNAPSHOT), write=False)) == []


def test_second_run_changes_no_byte(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(os.path.join(ROOT, "sources"), sources)
    context = base.Context(ROOT, str(sources), os.path.dirname(SNAPSHOT))
    summits.run(context)
    folder = sources / "instruments"
    first = {name: (folder / name).read_bytes() for name in os.listdir(folder)}
    assert summits.run(context) == []
    assert {name: (folder / name).read_bytes() for name in os.listdir(folder)} == first


def test_tampered_print_is_refused(tmp_path):
    folder = tmp_path / "summit-pages"
    shutil.copytree(SNAPSHOT, folder)
    target = folder / "2026-delhi-declaration.pdf"
    body = bytearray(target.read_bytes())
    body[len(body) // 2] ^= 0x01
    target.write_bytes(bytes(body))
    with pytest.raises(snapshots.SnapshotError, match="2026-delhi-declaration.pdf: sha256"):
        summits.run(base.Context(ROOT, os.path.join(ROOT, "sources"), str(tmp_path), write=False))


def test_every_printed_name_maps_to_an_actor():
    crosswalk = summits.read_crosswalk()
    actors = {name[:-5] for name in os.listdir(os.path.join(ROOT, "sources", "actors"))}
    for name, doc in summits.documents().items():
        body = text(name)
        for group in doc["groups"]:
            for printed in summits.cut(body, group, name):
                assert printed in crosswalk, f"{name}: {printed!r} has no crosswalk entry"
                assert crosswalk[printed] in actors, f"{name}: {printed!r} -> {crosswalk[printed]!r} has no actor file"


def test_an_unmapped_name_stops_the_importer():
    crosswalk = dict(summits.read_crosswalk())
    del crosswalk["Türkiye"]
    with pytest.raises(summits.SummitImportError, match="Türkiye"):
        summits.extract(SNAPSHOT, crosswalk)


def test_bletchley_lists_29_and_new_zealand():
    body = text("2023-bletchley-declaration.pdf")
    printed = body.split("The countries represented were:")[1].split("On 23 October 2024")[0]
    names = [line.strip() for line in printed.splitlines() if line.strip()]
    assert len(names) == 29 and "European Union" in names
    url = print_url("2023-bletchley-declaration.pdf")
    data = record("bletchley-declaration")
    groups = [g for g in data["participation"] if g["source_url"] == url]
    signatories = [g for g in groups if g["role"] == "signatory"]
    assert len(signatories) == 1 and len(signatories[0]["actor_ids"]) == 29
    crosswalk = summits.read_crosswalk()
    assert signatories[0]["actor_ids"] == [crosswalk[n] for n in names]  # in the page's order
    assert [(g["actor_ids"], g["date"]) for g in groups if g["role"] == "endorser"] == [(["nzl"], "2024-10-23")]
    lists = {entry["role"]: entry for entry in data["lists"] if entry["source_url"] == url}
    assert lists["signatory"]["count"] == "29" and lists["endorser"]["count"] == "1"
    assert all(entry["status"] == "complete" and entry["as_of"] == "2025-02-13" for entry in lists.values())


def test_delhi_count_equals_the_names_printed():
    body = text("2026-delhi-declaration.pdf")
    listing = body.split("Endorsing countries/international organizations:")[1].split("Copyright")[0]
    numbers = sorted(int(n) for n in re.findall(r"(?:^|\s)(\d+)\.\s", listing))
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) == 88
    url = print_url("2026-delhi-declaration.pdf")
    data = record("new-delhi-declaration-ai-impact-2026")
    rows = [actor for g in data["participation"] if g["source_url"] == url for actor in g["actor_ids"]]
    (entry,) = [e for e in data["lists"] if e["source_url"] == url]
    assert int(entry["count"]) == len(rows) == len(set(rows)) == len(numbers)
    assert {"usa", "chn", "gbr", "european-union", "ifad"} <= set(rows)


def test_every_list_count_equals_its_rows(extracted):
    for instrument, imported in extracted.items():
        for entry in imported["lists"]:
            rows = [a for g in imported["groups"] if g["role"] == entry["role"] for a in g["actor_ids"]]
            assert int(entry["count"]) == len(rows), (instrument, entry["role"])


def test_hand_written_entries_survive(extracted):
    """Only the importer's own entries are replaced: hand sources and notes stay as written."""
    urls = {imported["source"]["url"] for imported in extracted.values()}
    for instrument, imported in extracted.items():
        data = record(instrument)
        hand = [s for s in data["sources"] if s["url"] not in urls]
        assert hand and data["sources"][: len(hand)] == hand  # imported sources come last
        assert data["sources"][len(hand):] == [imported["source"]]


def test_numbered_paragraphs_of_open_licence_prints_are_passages():
    """The Seoul statement of intent's paragraphs 1, 2, 2.1-2.5 and 3, each the print's words in order
    (read here with pypdf, white space aside), and the print's licence on its source."""
    data = record("seoul-statement-of-intent-ai-safety-science")
    numbers = [p["number"] for p in data["passages"]]
    assert numbers == ["1.", "2.", "2.1.", "2.2.", "2.3.", "2.4.", "2.5.", "3."]
    printed = re.sub(r"\s+", "", text("2024-seoul-safety-science-statement.pdf"))
    at = 0
    for passage in data["passages"]:
        found = printed.find(re.sub(r"\s+", "", passage["number"] + passage["text"]), at)
        assert found >= 0, passage["number"]
        at = found
    assert "All content is available" not in data["passages"][-1]["text"]
    (source,) = [s for s in data["sources"] if s["url"] == data["passages"][0]["source_url"]]
    assert source["licence"].startswith("Open Government Licence v3.0")
    assert len(record("seoul-declaration")["passages"]) == 9
