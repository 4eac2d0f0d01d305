"""The UN importers (General Assembly and Human Rights Council) against the real pinned
snapshots (unxml-garesolutions, unxml-hrcresolutions). The tests read the raw files themselves
(JSON lines and XML) rather than through the importer, so they check the importer's output
against the UN's.

Where the files are: ``snapshot_fetch.default_snapshot_root(ROOT)``, the cache
``.cache/snapshots/`` once it holds every manifest's files, else ``../shared/snapshots`` beside
the clone. Fill the cache with ``python build.py fetch-snapshots`` (from the pinned commits on
raw.githubusercontent.com) or ``python build.py fetch-snapshots --mirror ../shared/snapshots``;
``.ci/run`` and the workflows do it before the tests. Without the files the module is skipped,
but under CI (CI=true) it fails.
"""

import html
import json
import os
import re
import shutil
import unicodedata

import pytest

from aigov import snapshot_fetch, snapshots
from aigov.importers import REGISTRY, base
from conftest import ROOT
from readme_recipe import read_table

SNAPSHOTS = snapshot_fetch.default_snapshot_root(ROOT)
SNAPSHOT = os.path.join(SNAPSHOTS, "unxml-garesolutions")
HRC_SNAPSHOT = os.path.join(SNAPSHOTS, "unxml-hrcresolutions")

if not (os.path.isdir(SNAPSHOT) and os.path.isdir(HRC_SNAPSHOT)):
    if os.environ.get("CI"):
        pytest.fail(f"the UN snapshots are missing at {SNAPSHOTS}; CI must fetch them first "
                    "(python build.py fetch-snapshots)", pytrace=False)
    pytest.skip(f"the UN snapshots are not in {SNAPSHOTS}; fetch them with python build.py fetch-snapshots",
                allow_module_level=True)

# The resolutions about AI: read off the snapshot by a person (titles about AI or autonomous
# weapons, or AI / LAWS as first UNBIS subject), plus the Pact for the Future, tracked by symbol.
EXPECTED = {"A/RES/78/241", "A/RES/78/265", "A/RES/78/311", "A/RES/79/1", "A/RES/79/62", "A/RES/79/239",
            "A/RES/79/322", "A/RES/79/325", "A/RES/80/23", "A/RES/80/57", "A/RES/80/58"}
RECORDED = {"A/RES/78/241", "A/RES/79/62", "A/RES/79/239", "A/RES/80/23", "A/RES/80/57", "A/RES/80/58"}


def ctx(sources=os.path.join(ROOT, "sources"), snapshot_root=SNAPSHOTS, write=True):
    return base.Context(ROOT, str(sources), str(snapshot_root), write=write)


def run_all(context):
    return [path for name in ("un-ga", "un-hrc") for path in REGISTRY[name].run(context)]


def mentions_ai(path):
    """Whether an English XML file names artificial intelligence, read as plain bytes."""
    with open(path, encoding="utf-8") as fh:
        return re.search(r"artificial\s+intelligence", fh.read(), re.I) is not None


def frbr_key(path):
    """'75-176' of a file, from its FRBRWork address, read with a regular expression."""
    with open(path, encoding="utf-8") as fh:
        match = re.search(r'<FRBRWork>\s*<FRBRthis value="[^"]*/([0-9]+)-([0-9]+)[A-Z]*/', fh.read())
    return f"{match.group(1)}-{match.group(2)}"


def xml_files(folder, language):
    return sorted(os.path.join(root, name) for root, _, names in os.walk(folder) for name in names
                  if name.endswith(".xml") and os.path.basename(root) == language)


def raw_lines():
    """symbol -> the UN's JSON objects for it (all duplicate lines)."""
    out = {}
    for snapshot in (SNAPSHOT, HRC_SNAPSHOT):
        folder = os.path.join(snapshot, "data_extract")
        for name in sorted(os.listdir(folder)):
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                for line in fh:
                    line = line.strip().strip('"')  # the Council's files wrap lines in stray quotation marks
                    if line:
                        record = json.loads(line)
                        out.setdefault(record["symbol"], []).append(record)
    return out


@pytest.fixture(scope="module")
def raw():
    return raw_lines()


@pytest.fixture(scope="module")
def crosswalk():
    with open(os.path.join(ROOT, "crosswalks", "un-names-iso3.json"), encoding="utf-8") as fh:
        return {name.upper(): code for name, code in json.load(fh)["names"].items()}


@pytest.fixture(scope="module")
def t(built):
    return {n: read_table(built, n) for n in ("instruments", "participation", "titles", "subjects", "participation_lists",
                                              "evidence", "citations", "passages")}


def record_of(t, symbol):
    i = t["instruments"]
    rows = i[i["symbol"] == symbol]
    assert len(rows) == 1, symbol
    return rows.iloc[0]


def test_selection_is_every_resolution_that_mentions_ai(t):
    """Every GA and HRC resolution whose English file names artificial intelligence is an
    instrument, and the eleven about AI are among them, marked about-ai."""
    i = t["instruments"]
    for folder, prefix in ((SNAPSHOT, "unga-res-"), (HRC_SNAPSHOT, "hrc-res-")):
        expected = {prefix + frbr_key(path) for path in xml_files(folder, "English") if mentions_ai(path)}
        expected = {"pact-for-the-future" if e == "unga-res-79-1" else e for e in expected}  # tracked under its own id
        assert expected <= set(i["id"]), sorted(expected - set(i["id"]))[:5]
    assert len([x for x in i["id"] if x.startswith("hrc-res-") and x != "hrc-res-53-29"]) == 23
    about = i[i["symbol"].isin(EXPECTED - {"A/RES/79/1"})]
    assert len(about) == len(EXPECTED) - 1 and (about["ai_scope"] == "about-ai").all()
    assert i.set_index("id").loc["pact-for-the-future", "ai_scope"] == "ai-provisions"  # the Pact has a section on AI


def test_sources_match_what_the_snapshot_gives():
    """The drift check: re-importing into the real sources/ would change no byte."""
    assert run_all(ctx(write=False)) == []


def test_a_second_run_writes_the_same_bytes(tmp_path):
    src = tmp_path / "sources"
    shutil.copytree(os.path.join(ROOT, "sources"), src)
    run_all(ctx(src))
    first = {p.name: p.read_bytes() for p in (src / "instruments").glob("*.yaml")}
    assert run_all(ctx(src)) == []
    assert {p.name: p.read_bytes() for p in (src / "instruments").glob("*.yaml")} == first


def test_hand_written_fields_survive_a_reimport(tmp_path):
    src = tmp_path / "sources"
    shutil.copytree(os.path.join(ROOT, "sources"), src)
    path = src / "instruments" / "unga-res-78-265.yaml"
    edited = re.sub(r"^summary: >-\n(  .*\n)+", "summary: A hand-written summary.\n", path.read_text(encoding="utf-8"), flags=re.M)
    edited = edited.replace("symbol: A/RES/78/265", "symbol: A/RES/78/999")
    path.write_text(edited, encoding="utf-8")
    REGISTRY["un-ga"].run(ctx(src))
    after = path.read_text(encoding="utf-8")
    assert "summary: A hand-written summary." in after
    assert "symbol: A/RES/78/265" in after and "A/RES/78/999" not in after


@pytest.mark.parametrize("name,folder,target", [("un-ga", "unxml-garesolutions", "78.json"),
                                                ("un-hrc", "unxml-hrcresolutions", "55session.json")])
def test_a_tampered_snapshot_is_refused(tmp_path, name, folder, target):
    shutil.copytree(os.path.join(SNAPSHOTS, folder), tmp_path / folder)
    path = tmp_path / folder / "data_extract" / target
    os.chmod(path, 0o644)
    body = bytearray(path.read_bytes())
    body[100] ^= 1
    path.write_bytes(bytes(body))
    with pytest.raises(snapshots.SnapshotError, match=f"{target}: sha256"):
        REGISTRY[name].run(ctx(snapshot_root=tmp_path, write=False))


def test_passages_equal_the_xml_text_in_printed_order(t):
    """Each passage, white space aside, is the text of its file with tags and footnotes taken out,
    and the passages follow one another in the file's order; English and Chinese for every UN
    resolution whose snapshot has them. Read from the XML with regular expressions, not the importer."""
    p, c = t["passages"], t["citations"]
    snap = c.dropna(subset=["snapshot"]).set_index("url")["snapshot"].to_dict()
    checked = 0
    for (instrument, url), rows in p.groupby(["instrument_id", "source_url"], sort=False):
        if not snap[url].startswith("unxml-"):
            continue  # the summit prints' paragraphs are checked in test_import_summits
        with open(os.path.join(SNAPSHOTS, snap[url]), encoding="utf-8") as fh:
            xml = fh.read()
        xml = re.sub(r"<(\w+:)?authorialNote\b.*?</(\w+:)?authorialNote>", "", xml, flags=re.S)
        xml = xml.split("<meta>", 1)[0] + xml.split("</meta>", 1)[-1]
        plain = re.sub(r"\s+|[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]", "",
                       unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", "", xml))))
        at = 0
        for text in rows.sort_values("seq")["text"]:
            found = plain.find(re.sub(r"\s+", "", text), at)
            assert found >= 0, (instrument, url, text[:80])
            at = found
        checked += 1
    assert checked > 300
    # every language file of the snapshot gives passages: English and Chinese wherever the snapshot has them
    codes = {"Arabic": "ar", "Chinese": "zh", "English": "en", "French": "fr", "Russian": "ru", "Spanish": "es"}
    expected = {}
    for folder, prefix in ((SNAPSHOT, "unga-res-"), (HRC_SNAPSHOT, "hrc-res-")):
        for language, code in codes.items():
            for path in xml_files(folder, language):
                key = prefix + frbr_key(path)
                expected.setdefault("pact-for-the-future" if key == "unga-res-79-1" else key, set()).add(code)
    languages = {k: set(v) for k, v in p[p["instrument_id"].isin(expected)].groupby("instrument_id")["language"]}
    assert languages == {k: v for k, v in expected.items() if k in languages}
    assert set(languages) == set(expected) & set(t["instruments"]["id"])
    assert sum({"en", "zh"} <= v for v in languages.values()) > 120
    flagged = p[p["mentions_ai"]]
    assert flagged["text"].str.contains(r"artificial intelligence|\bAI\b|人工智能|intelligence artificielle|"
                                        r"inteligencia artificial|искусственн|الذكاء الاصطناعي", case=False).all()
    assert len(flagged) > 500


def test_the_council_votes_and_sponsors_equal_its_lists(t, raw, crosswalk):
    """HRC recorded votes: tallies equal the UN's lists; no not-voting is derived, because the
    Council's membership is not in the snapshot."""
    i, p = t["instruments"], t["participation"]
    recorded = i[i["id"].str.startswith("hrc-res-") & (i["adoption"] == "recorded-vote")]
    assert len(recorded) > 0
    for _, row in recorded.iterrows():
        un = raw[row["symbol"]][0]
        mine = p[p["instrument_id"] == row["id"]]
        for role, column, key in (("voted-yes", "votes_yes", "MS_in_favour"), ("voted-no", "votes_no", "MS_against"),
                                  ("abstained", "votes_abstain", "MS_abstaining")):
            assert set(mine[mine["role"] == role]["actor_id"]) == {crosswalk[n.upper()].lower() for n in un[key]}
            assert row[column] == len(un[key]) == int(un[key + "_count"])
        assert not (mine["role"] == "not-voting").any()


def test_every_name_maps_and_no_name_is_guessed(raw, crosswalk):
    for symbol in EXPECTED:
        for record in raw[symbol]:
            for key in ("MS_in_favour", "MS_against", "MS_abstaining", "sponsors", "additional_sponsors"):
                for name in record[key]:
                    assert name.lower().startswith("submitted by") or name.upper() in crosswalk, (symbol, name)
    # the traps a fuzzy match falls into
    assert crosswalk["REPUBLIC OF KOREA"] == "KOR"
    assert crosswalk["DEMOCRATIC PEOPLE'S REPUBLIC OF KOREA"] == "PRK"
    assert crosswalk["CÔTE D’IVOIRE"] == crosswalk["CÔTE D'IVOIRE"] == "CIV"
    assert crosswalk["NETHERLANDS (KINGDOM OF THE)"] == "NLD"
    assert crosswalk["CONGO"] == "COG" and crosswalk["DEMOCRATIC REPUBLIC OF THE CONGO"] == "COD"
    with pytest.raises(base.ImporterError, match="not in crosswalks"):
        base.Crosswalk(os.path.join(ROOT, "crosswalks", "un-names-iso3.json")).code("KOREA")
    # a name the UN prints in two parts is joined only when both are in the list
    walk = base.Crosswalk(os.path.join(ROOT, "crosswalks", "un-names-iso3.json"))
    assert walk.ids(["SOLOMON", "ISLANDS", "FIJI"]) == ["fji", "slb"]


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
