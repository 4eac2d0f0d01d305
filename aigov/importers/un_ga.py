"""General Assembly resolutions on AI, imported from the UN's own machine-readable files.

Snapshot -> importer -> sources/ -> build. The snapshot is the UN DGACM's
repository UNxml/GAresolutions at the commit pinned in
``snapshots/unxml-garesolutions.tsv``: ``data_extract/<session>.json`` (one
JSON object per line per resolution: symbol, dates, meeting record, draft,
adoption type, tallies, vote lists, sponsors, UNBIS subjects) and Akoma Ntoso
XML files with the titles in the six official languages.

Ownership: the importer writes into the resolution's own record file
(sources/instruments/<id>.yaml), so each record stays one file a person can
read whole. It owns the fields in ``OWNED_FIELDS``, the ``titles`` and
``unbis_subjects`` lists, and the sources, participation groups and lists
entries that cite the snapshot; everything else in the file (summary, note,
relations, hand-written sources and participation such as a lead sponsor) is
kept as it is. Re-running the importer on the same snapshot writes the same
bytes.

Which resolutions: every one in the snapshot whose title concerns artificial
intelligence or autonomous weapons systems, or whose first UNBIS Thesaurus
subject is ARTIFICIAL INTELLIGENCE or LETHAL AUTONOMOUS WEAPON SYSTEMS (the
UN Library's own judgement of what it is mainly about), plus the resolutions
the dataset tracks under another id (``TRACKED``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
import xml.etree.ElementTree as ET

from .. import canonical, snapshots, yamlio
from ..schema import load_tables

SNAPSHOT = "unxml-garesolutions"
TITLE_WORDS = re.compile(r"artificial intelligence|autonomous weapon", re.I)
MAIN_SUBJECTS = {"ARTIFICIAL INTELLIGENCE", "LETHAL AUTONOMOUS WEAPON SYSTEMS"}
TRACKED = {"A/RES/79/1": "pact-for-the-future"}  # symbol -> record id, where it is not unga-res-<s>-<n>
LANGUAGES = {"Arabic": "ar", "Chinese": "zh", "English": "en", "French": "fr", "Russian": "ru", "Spanish": "es"}
ADOPTION = {"Without a vote": "without-vote", "By a recorded vote": "recorded-vote"}
VOTE_LISTS = {"MS_in_favour": "voted-yes", "MS_against": "voted-no", "MS_abstaining": "abstained"}
SPONSOR_LISTS = {"sponsors": "sponsor", "additional_sponsors": "additional-sponsor"}
OWNED_FIELDS = ["title_en", "title_zh", "title_zh_official", "date", "date_type", "symbol", "meeting_record",
                "draft_symbol", "issuer_id", "adoption", "votes_yes", "votes_no", "votes_abstain", "cosponsor_count"]
ISSUER = "un-general-assembly"
PUBLISHER = "United Nations, Department for General Assembly and Conference Management (UNxml/GAresolutions)"
NOT_VOTING_NOTE = ("Derived, not stated by the UN: a Member State on the adoption date (one of the 193 states named in "
                   "the Assembly's recorded-vote lists in this snapshot) that is in none of the three lists.")


class UnImportError(Exception):
    """A problem with the snapshot the importer cannot resolve by itself."""


# ------------------------------------------------------------ 1. snapshot


def read_snapshot(manifest_path: str, folder: str) -> tuple[snapshots.Manifest, dict[str, bytes]]:
    manifest = snapshots.read_manifest(manifest_path)
    return manifest, snapshots.verified(manifest, folder)


# ------------------------------------------------------------- 2. extract


def resolution_lines(files: dict[str, bytes]) -> list[tuple[str, int, dict]]:
    """(file, line number, object) for every resolution line of data_extract/*.json."""
    out = []
    for rel in sorted(f for f in files if f.startswith("data_extract/")):
        for number, line in enumerate(files[rel].decode("utf-8").split("\n"), 1):
            if line.strip():
                out.append((rel, number, json.loads(line)))
    return out


def is_ai_resolution(record: dict) -> bool:
    unbis = [term for term, thesaurus in record.get("subjects", []) if thesaurus == "UNBIS Thesaurus"]
    return bool(TITLE_WORDS.search(record["title"])) or (bool(unbis) and unbis[0] in MAIN_SUBJECTS) or record["symbol"] in TRACKED


def reconcile(lines: list[tuple[str, int, dict]]) -> tuple[str, int, dict]:
    """One line per symbol. The source repeats some resolutions; the copies must agree on
    everything but the sponsor lists, of which the fuller one (a superset) is kept."""
    if len(lines) == 1:
        return lines[0]
    fields = lambda rec: {k: v for k, v in rec.items() if k not in SPONSOR_LISTS}  # noqa: E731
    first = lines[0][2]
    for _, number, rec in lines[1:]:
        if fields(rec) != fields(first):
            raise UnImportError(f"{first['symbol']}: lines {lines[0][1]} and {number} differ in more than the sponsor lists")
    best = max(lines, key=lambda item: sum(len(item[2][k]) for k in SPONSOR_LISTS))
    for _, number, rec in lines:
        for key in SPONSOR_LISTS:
            if not set(rec[key]) <= set(best[2][key]):
                raise UnImportError(f"{first['symbol']}: the {key} of line {number} are not contained in line {best[1]}'s")
    return best


def selected(files: dict[str, bytes]) -> list[tuple[str, int, dict]]:
    by_symbol: dict[str, list] = {}
    for item in resolution_lines(files):
        if is_ai_resolution(item[2]):
            by_symbol.setdefault(item[2]["symbol"], []).append(item)
    return [reconcile(by_symbol[s]) for s in sorted(by_symbol, key=_symbol_order)]


def _symbol_order(symbol: str):
    session, number = symbol.split("/")[2:4]
    return (int(session), int(number))


def titles(files: dict[str, bytes], symbol: str) -> dict[str, tuple[str, str]]:
    """language -> (title, snapshot path) from the Akoma Ntoso files (docTitle refersTo=#resolutionTitle)."""
    session, number = symbol.split("/")[2:4]
    pattern = re.compile(rf"{session}session/(\w+)/A_RES_{session}_{number}-\w+\.xml")
    out = {}
    for rel in sorted(files):
        match = pattern.fullmatch(rel)
        if not match:
            continue
        root = ET.fromstring(files[rel])
        for element in root.iter():
            if element.tag.endswith("}docTitle") and element.get("refersTo") == "#resolutionTitle":
                # NFC: the build keeps text in one Unicode normal form; the characters are the UN's
                text = unicodedata.normalize("NFC", " ".join("".join(element.itertext()).split()))
                out[LANGUAGES[match.group(1)]] = (text, rel)
                break
    return out


def member_states(lines: list[tuple[str, int, dict]], crosswalk: dict[str, str]) -> set[str]:
    """The membership: every state named in any recorded-vote list of the snapshot."""
    codes = {crosswalk_code(name, crosswalk) for _, _, rec in lines for key in VOTE_LISTS for name in rec[key]}
    if len(codes) != 193:
        raise UnImportError(f"the recorded-vote lists name {len(codes)} states, not the 193 Member States")
    return codes


# ----------------------------------------------------------- 3. harmonise


def load_crosswalk(path: str) -> dict[str, str]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)["names"]


def crosswalk_code(name: str, crosswalk: dict[str, str]) -> str:
    code = crosswalk.get(name)
    if code is None:
        raise UnImportError(f"the UN name {name!r} is not in crosswalks/un-names-iso3.json; add it with its ISO 3166-1 alpha-3 code after checking it by hand")
    return code


def _date(text: str) -> str:
    return dt.datetime.strptime(text.strip(), "%d %B %Y").date().isoformat()


# -------------------------------------------------------------- 4. record


def record_id(symbol: str) -> str:
    session, number = symbol.split("/")[2:4]
    return TRACKED.get(symbol) or f"unga-res-{session}-{number}"


def imported_part(manifest, files, item, crosswalk, members, events: set[str]) -> dict:
    """The importer-owned part of one resolution's record."""
    rel, number, rec = item
    symbol = rec["symbol"]
    data_url = f"{manifest.url(rel)}#L{number}"
    adoption = ADOPTION.get(rec["adoption_type"])
    if adoption is None:
        raise UnImportError(f"{symbol}: unknown adoption type {rec['adoption_type']!r}")
    date = _date(rec["adoption_date"])
    official_copy = f"https://undocs.org/{symbol}"
    part = {
        "kind": "resolution", "date": date, "date_type": "adopted", "symbol": symbol,
        "meeting_record": rec["pv"], "draft_symbol": rec["originating_document"], "issuer_id": ISSUER,
        "adoption": adoption, "binding": "false",
    }
    session = symbol.split("/")[2]
    if f"unga-{session}" in events:
        part["event_id"] = f"unga-{session}"
    data_source = {
        "url": data_url,
        "title": f"data_extract/{rel.split('/')[-1]}, line {number}: {symbol} ({rec['title']})",
        "publisher": PUBLISHER, "accessed": manifest.meta["retrieved"], "official": "true", "snapshot": f"{SNAPSHOT}/{rel}", "language": "en",
        "supports": ["symbol", "date", "meeting_record", "draft_symbol", "issuer_id", "adoption"],
    }
    if adoption == "recorded-vote":
        counts = {role: len(rec[key]) for key, role in VOTE_LISTS.items()}
        stated = {"voted-yes": rec["MS_in_favour_count"], "voted-no": rec["MS_against_count"], "abstained": rec["MS_abstaining_count"]}
        for role, count in counts.items():
            if str(count) != str(stated[role]).strip():
                raise UnImportError(f"{symbol}: the {role} count {stated[role]} differs from its list of {count} names")
        part.update(votes_yes=str(counts["voted-yes"]), votes_no=str(counts["voted-no"]), votes_abstain=str(counts["abstained"]))
        data_source["supports"] += ["votes_yes", "votes_no", "votes_abstain"]
    sources = [data_source]
    part["titles"] = []
    for language, (title, xml_rel) in sorted(titles(files, symbol).items()):
        url = manifest.url(xml_rel)
        source = {
            "url": url, "title": f"{symbol} ({language}): {title}", "publisher": PUBLISHER, "accessed": manifest.meta["retrieved"],
            "official": "false", "copy": "true", "copy_of": official_copy, "snapshot": f"{SNAPSHOT}/{xml_rel}", "language": language,
        }
        if language in ("en", "zh"):
            source["supports"] = [f"title_{language}"]
            part[f"title_{language}"] = title
        sources.append(source)
        part["titles"].append({"language": language, "title": title, "official": "true", "source_url": url})
    if "title_en" not in part or "title_zh" not in part:
        raise UnImportError(f"{symbol}: the snapshot lacks the English or Chinese text")
    part["title_zh_official"] = "true"
    part["unbis_subjects"] = [term for term, thesaurus in rec["subjects"] if thesaurus == "UNBIS Thesaurus"]
    groups, lists = [], []
    sponsoring = {n for key in SPONSOR_LISTS for n in rec[key] if not n.lower().startswith("submitted by")}
    if sponsoring:
        part["cosponsor_count"] = str(len({crosswalk_code(n, crosswalk) for n in sponsoring}))
        data_source["supports"].append("cosponsor_count")
    for key, role in SPONSOR_LISTS.items():
        names = [n for n in rec[key] if not n.lower().startswith("submitted by")]
        submitted = [n for n in rec[key] if n.lower().startswith("submitted by")]
        ids = sorted({crosswalk_code(n, crosswalk).lower() for n in names})
        if ids:
            groups.append({"actor_ids": ids, "role": role, "source_url": data_url})
        if ids or submitted or key == "sponsors":
            entry = {"role": role, "status": "complete", "as_of": date, "count": str(len(ids)), "source_url": data_url}
            if submitted:
                entry["note"] = f"The UN record gives no sponsoring state: the draft was {submitted[0].lower()}."
            lists.append(entry)
    if adoption == "recorded-vote":
        voted = set()
        for key, role in VOTE_LISTS.items():
            ids = sorted({crosswalk_code(n, crosswalk).lower() for n in rec[key]})
            voted |= set(ids)
            if ids:
                groups.append({"actor_ids": ids, "role": role, "date": date, "source_url": data_url})
            lists.append({"role": role, "status": "complete", "as_of": date, "count": str(len(ids)), "source_url": data_url})
        absent = sorted(code.lower() for code in members if code.lower() not in voted)
        if absent:
            groups.append({"actor_ids": absent, "role": "not-voting", "date": date, "source_url": data_url, "note": NOT_VOTING_NOTE})
        lists.append({"role": "not-voting", "status": "complete", "as_of": date, "count": str(len(absent)), "source_url": data_url,
                      "note": "Derived: the 193 Member States minus those in the three recorded-vote lists."})
    part["participation"] = groups
    part["lists"] = lists
    part["sources"] = sources
    return part


# --------------------------------------------------------------- 5. merge


def merge(existing: dict | None, part: dict, record: str) -> dict:
    """The record file's data: the hand-written part kept, the importer-owned part replaced."""
    data = dict(existing or {})
    data["id"] = record
    imported_urls = {s["url"] for s in part["sources"]}

    def mine(entry, key):
        return entry.get(key, "") in imported_urls or str(entry.get("snapshot", "")).startswith(SNAPSHOT + "/")

    for key in OWNED_FIELDS + ["event_id", "kind", "binding"]:
        if key in part and (key in OWNED_FIELDS or key not in data):
            data[key] = part[key]
    data["titles"] = part["titles"]
    data["unbis_subjects"] = part["unbis_subjects"]
    for key, link in (("participation", "source_url"), ("lists", "source_url"), ("sources", "url")):
        kept = [entry for entry in data.get(key, []) if not mine(entry, link)]
        data[key] = kept + part[key]
        if not data[key]:
            del data[key]
    return data


# ---------------------------------------------------------------- 6. run


def run(root: str, snapshot_folder: str, sources_dir: str, write: bool = True) -> list[str]:
    """Import every selected resolution; returns the record files that changed (or would)."""
    manifest, files = read_snapshot(os.path.join(root, "snapshots", f"{SNAPSHOT}.tsv"), snapshot_folder)
    crosswalk = load_crosswalk(os.path.join(root, "crosswalks", "un-names-iso3.json"))
    lines = resolution_lines(files)
    members = member_states(lines, crosswalk)
    events = {name[:-5] for name in os.listdir(os.path.join(sources_dir, "events")) if name.endswith(".yaml")}
    tables = load_tables(os.path.join(root, "schemas"))
    changed = []
    for item in selected(files):
        record = record_id(item[2]["symbol"])
        path = os.path.join(sources_dir, "instruments", f"{record}.yaml")
        existing, before = None, None
        if os.path.exists(path):
            with open(path, "rb") as fh:
                before = fh.read()
            existing, _ = yamlio.read(path)
        data = merge(existing, imported_part(manifest, files, item, crosswalk, members, events), record)
        text = canonical.canonical_text(data, tables, "instruments").encode("utf-8")
        if text != before:
            changed.append(path)
            if write:
                with open(path, "wb") as fh:
                    fh.write(text)
    return changed
