"""The UN importer against the real pinned snapshot (../shared/snapshots/unxml-garesolutions).

These tests read the raw UN files themselves (json, a regular expression on the
XML) rather than through the importer, so they check the importer's output
against the source, not against itself.
"""

import json
import os
import re
import shutil

import pytest

from aigov import snapshots
from aigov.importers import un_ga
from conftest import ROOT
from readme_recipe import read_table

SNAPSHOT = os.path.join(ROOT, "..", "shared", "snapshots", un_ga.SNAPSHOT)
MANIFEST = os.path.join(ROOT, "snapshots", f"{un_ga.SNAPSHOT}.tsv")

if not os.path.isdir(SNAPSHOT):
    if os.environ.get("CI"):
        pytest.fail(f"the UN snapshot is missing at {SNAPSHOT}; CI must have ../shared beside the clone", pytrace=False)
    pytest.skip("the UN snapshot (../shared/snapshots) is not beside this checkout", allow_module_level=True)

# The resolutions the selection rule must find: read off the snapshot by a person (titles about AI or
# autonomous weapons, or AI / LAWS as first UNBIS subject), plus the Pact for the Future, tracked by symbol.
EXPECTED = {"A/RES/78/241", "A/RES/78/265", "A/RES/78/311", "A/RES/79/1", "A/RES/79/62", "A/RES/79/239",
            "A/RES/79/322", "A/RES/79/325", "A/RES/80/23", "A/RES/80/57", "A/RES/80/58"}
RECORDED = {"A/RES/78/241", "A/RES/79/62", "A/RES/79/239", "A/RES/80/23", "A/RES/80/57", "A/RES/80/58"}


def raw_lines():
    """symbol -> the UN's JSON objects for it (all duplicate lines)."""
    out = {}
    folder = os.path.join(SNAPSHOT, "data_extract")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    record = json.loads(line)
                    out.setdefault(record["symbol"], []).append(record)
    return out


@pytest.fixture(scope="module")
def raw():
    return raw_lines()


@pytest.fixture(scope="module")
def crosswalk():
    with open(os.path.join(ROOT, "crosswalks", "un-names-iso3.json"), encoding="utf-8") as fh:
        return json.load(fh)["names"]


@pytest.fixture(scope="module")
def t(built):
    return {n: read_table(built, n) for n in ("instruments", "participation", "titles", "subjects", "participation_lists", "evidence", "citations")}


def record_of(t, symbol):
    i = t["instruments"]
    rows = i[i["symbol"] == symbol]
    assert len(rows) == 1, symbol
    return rows.iloc[0]


def test_selection_is_every_ai_resolution(raw):
    manifest, files = un_ga.read_snapshot(MANIFEST, SNAPSHOT)
    assert {item[2]["symbol"] for item in un_ga.selected(files)} == EXPECTED


def test_sources_match_what_the_snapshot_gives():
    """The drift check: re-importing into the real sources/ would change no byte."""
    assert un_ga.run(ROOT, SNAPSHOT, os.path.join(ROOT, "sources"), write=False) == []


def test_a_second_run_writes_the_same_bytes(tmp_path):
    src = tmp_path / "sources"
    shutil.copytree(os.path.join(ROOT, "sources"), src)
    un_ga.run(ROOT, SNAPSHOT, str(src))
    first = {p.name: p.read_bytes() for p in (src / "instruments").glob("*.yaml")}
    assert un_ga.run(ROOT, SNAPSHOT, str(src)) == []
    assert {p.name: p.read_bytes() for p in (src / "instruments").glob("*.yaml")} == first


def test_hand_written_fields_survive_a_reimport(tmp_path):
    src = tmp_path / "sources"
    shutil.copytree(os.path.join(ROOT, "sources"), src)
    path = src / "instruments" / "unga-res-78-265.yaml"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("votes", "votes") + "\n"  # any hand edit of an owned field is undone, others kept
    edited = re.sub(r"^summary: >-\n(  .*\n)+", "summary: A hand-written summary.\n", edited, flags=re.M)
    edited = edited.replace("symbol: A/RES/78/265", "symbol: A/RES/78/999")
    path.write_text(edited, encoding="utf-8")
    un_ga.run(ROOT, SNAPSHOT, str(src))
    after = path.read_text(encoding="utf-8")
    assert "summary: A hand-written summary." in after
    assert "symbol: A/RES/78/265" in after and "A/RES/78/999" not in after


def test_a_tampered_snapshot_is_refused(tmp_path):
    copy = tmp_path / "snap"
    shutil.copytree(SNAPSHOT, copy)
    target = copy / "data_extract" / "78.json"
    os.chmod(target, 0o644)
    body = bytearray(target.read_bytes())
    body[100] ^= 1
    target.write_bytes(bytes(body))
    with pytest.raises(snapshots.SnapshotError, match="78.json: sha256"):
        un_ga.run(ROOT, str(copy), os.path.join(ROOT, "sources"), write=False)


def test_every_name_maps_and_no_name_is_guessed(raw, crosswalk):
    for symbol in EXPECTED:
        for record in raw[symbol]:
            for key in ("MS_in_favour", "MS_against", "MS_abstaining", "sponsors", "additional_sponsors"):
                for name in record[key]:
                    assert name.lower().startswith("submitted by") or name in crosswalk, (symbol, name)
    # the traps a fuzzy match falls into
    assert crosswalk["REPUBLIC OF KOREA"] == "KOR"
    assert crosswalk["DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"] == "PRK"
    assert crosswalk["CÔTE D’IVOIRE"] == crosswalk["CÔTE D'IVOIRE"] == "CIV"
    assert crosswalk["NETHERLANDS (KINGDOM OF THE)"] == "NLD"
    assert crosswalk["CONGO"] == "COG" and crosswalk["DEMOCRATIC REPUBLIC OF THE CONGO"] == "COD"
    with pytest.raises(un_ga.UnImportError, match="not in crosswalks"):
        un_ga.crosswalk_code("KOREA", crosswalk)


def test_tallies_equal_the_vote_rows_and_the_uns_lists(t, raw, crosswalk):
    p = t["participation"]
    for symbol in RECORDED:
        row = record_of(t, symbol)
        (un,) = {json.dumps(r, sort_keys=True) for r in raw[symbol]}
        un = json.loads(un)
        assert row["adoption"] == "recorded-vote"
        for role, column, key, count in (("voted-yes", "votes_yes", "MS_in_favour", "MS_in_favour_count"),
                                         ("voted-no", "votes_no", "MS_against", "MS_against_count"),
                                         ("abstained", "votes_abstain", "MS_abstaining", "MS_abstaining_count")):
            mine = set(p[(p["instrument_id"] == row["id"]) & (p["role"] == role)]["actor_id"])
            assert mine == {crosswalk[n].lower() for n in un[key]}, (symbol, role)
            assert row[column] == len(mine) == int(un[count])
        voting = p[(p["instrument_id"] == row["id"]) & p["role"].isin(["voted-yes", "voted-no", "abstained", "not-voting"])]
        assert len(voting) == voting["actor_id"].nunique() == 193
        assert voting[voting["role"] == "not-voting"]["derived"].all()


def test_sponsors_equal_the_uns_lists_kept_distinct(t, raw, crosswalk):
    p = t["participation"]
    for symbol in EXPECTED:
        row = record_of(t, symbol)
        best = max(raw[symbol], key=lambda r: len(r["sponsors"]) + len(r["additional_sponsors"]))
        for key, role in (("sponsors", "sponsor"), ("additional_sponsors", "additional-sponsor")):
            expected = {crosswalk[n].lower() for n in best[key] if not n.lower().startswith("submitted by")}
            mine = set(p[(p["instrument_id"] == row["id"]) & (p["role"] == role)]["actor_id"])
            assert mine == expected, (symbol, role)
    # A/RES/79/322 appears twice in the UN's file; the fuller line (58 additional sponsors) is kept, once
    central_asia = p[p["instrument_id"] == "unga-res-79-322"]
    assert (central_asia["role"] == "additional-sponsor").sum() == 58
    assert not central_asia.duplicated(["actor_id", "role"]).any()


def test_titles_are_the_uns_in_six_languages(t):
    titles = t["titles"]
    for symbol in EXPECTED:
        row = record_of(t, symbol)
        session, number = symbol.split("/")[2:4]
        mine = titles[titles["instrument_id"] == row["id"]].set_index("language")["title"]
        assert set(mine.index) == {"ar", "zh", "en", "fr", "ru", "es"}
        folder = os.path.join(SNAPSHOT, f"{session}session", "Chinese")
        (name,) = [n for n in os.listdir(folder) if n.startswith(f"A_RES_{session}_{number}-")]
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            xml = fh.read()
        chinese = re.search(r'<docTitle refersTo="#resolutionTitle">(.*?)</docTitle>', xml, re.S).group(1)
        chinese = " ".join(re.sub(r"<[^>]+>", "", chinese).split())
        assert row["title_zh"] == mine["zh"] == chinese
        assert row["title_zh_official"] is True or row["title_zh_official"] == True  # noqa: E712
        assert row["title_en"] == mine["en"]


def test_imported_facts_carry_their_evidence(t):
    e = t["evidence"]
    for symbol in EXPECTED:
        row = record_of(t, symbol)
        facts = set(e[(e["record_table"] == "instruments") & (e["record_id"] == row["id"])]["fact"])
        assert {"symbol", "date", "meeting_record", "draft_symbol", "title_zh", "title_en"} <= facts, symbol
        assert {"titles/zh", "titles/ar"} <= facts
    zh = e[(e["record_id"] == "unga-res-78-265") & (e["fact"] == "title_zh")]
    assert "official-copy" in set(zh["backing"])


def test_unbis_subjects_kept(t, raw):
    s = t["subjects"]
    for symbol in EXPECTED:
        row = record_of(t, symbol)
        expected = {term for term, thesaurus in raw[symbol][0]["subjects"] if thesaurus == "UNBIS Thesaurus"}
        assert set(s[s["instrument_id"] == row["id"]]["subject"]) == expected
