"""UN resolutions that mention AI, imported from the UN's own machine-readable files.

One importer shape for the General Assembly (``un-ga``) and the Human Rights Council
(``un-hrc``); what differs between them is data in ``un_resolutions.json``. Each snapshot is a
repository of the UN's Department for General Assembly and Conference Management at the commit
pinned in ``snapshots/<snapshot>.tsv``:

- ``data_extract/*.json``: one JSON object per line per resolution (symbol, dates, meeting
  record, draft, adoption type, tallies, vote lists, sponsors, UNBIS subjects);
- Akoma Ntoso XML files, one per resolution and language: the title and the paragraphs.

Which resolutions: every one with a text in the snapshot whose English paragraphs name
artificial intelligence, every one whose title concerns AI or autonomous weapons or whose first
UNBIS subject is AI or lethal autonomous weapon systems, and the resolutions tracked under
another id (``tracked``).

``ai_scope`` by a written rule (docs/data-dictionary.md, instruments.ai_scope): about-ai when the
title or the first UNBIS subject says so; ai-provisions when an operative or annex paragraph
names AI; otherwise mentions-ai.

The importer owns the fields in ``OWNED``, the lists ``titles``, ``unbis_subjects`` and
``passages``, and the entries of the other lists that cite its snapshot (see base.merge).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
import xml.etree.ElementTree as ET

from . import base

AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
ADOPTION = {"Without a vote": "without-vote", "By a recorded vote": "recorded-vote"}
VOTE_LISTS = {"MS_in_favour": "voted-yes", "MS_against": "voted-no", "MS_abstaining": "abstained"}
SPONSOR_LISTS = {"sponsors": "sponsor", "additional_sponsors": "additional-sponsor"}
OWNED = ["kind", "title_en", "title_zh", "title_zh_official", "date", "date_type", "symbol", "meeting_record",
         "draft_symbol", "issuer_id", "adoption", "votes_yes", "votes_no", "votes_abstain", "cosponsor_count", "ai_scope"]
REPLACED_LISTS = ["titles", "unbis_subjects", "passages"]
UNUSED = {"SDGs"}  # keys of the data extract the importer does not read (copies may differ in them)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
# Invisible direction and width marks (U+200E LEFT-TO-RIGHT MARK in some UN files): they change no
# word, and the build refuses them in any value because they can disguise text.
_INVISIBLE = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


# ------------------------------------------------------------ 1. extract


def json_lines(raw: bytes) -> list[tuple[int, dict]]:
    """(line number, object) of a data_extract file. The Council's files wrap some lines in
    stray quotation marks; those are dropped, nothing else is changed."""
    out = []
    for number, line in enumerate(raw.decode("utf-8").split("\n"), 1):
        line = line.strip().strip('"').strip()
        if line:
            out.append((number, json.loads(line)))
    return out


def resolution_lines(files: dict[str, bytes]) -> list[tuple[str, int, dict]]:
    """(file, line number, object) for every line of data_extract/*.json that has a symbol."""
    return [(rel, number, rec) for rel in sorted(f for f in files if f.startswith("data_extract/"))
            for number, rec in json_lines(files[rel]) if rec.get("symbol")]


def reconcile(lines: list[tuple[str, int, dict]], crosswalk: base.Crosswalk) -> tuple[str, int, dict]:
    """One line per symbol. The source repeats some resolutions; the copies must agree on
    everything the importer reads but the sponsor lists (vote lists compared as states, since the copies may spell
    a name differently, e.g. TÜRKİYE and TÜRKÝYE), and the fuller sponsor list (a superset) is kept."""
    if len(lines) == 1:
        return lines[0]

    def facts(rec):
        return {k: (crosswalk.ids(v) if k in VOTE_LISTS else v) for k, v in rec.items() if k not in SPONSOR_LISTS and k not in UNUSED}

    first = lines[0][2]
    same = facts(first)
    for _, number, rec in lines[1:]:
        if facts(rec) != same:
            raise base.ImporterError(f"{first['symbol']}: lines {lines[0][1]} and {number} differ in more than the sponsor lists")
    best = max(lines, key=lambda item: sum(len(item[2][k]) for k in SPONSOR_LISTS))
    for _, number, rec in lines:
        for key in SPONSOR_LISTS:
            if not set(rec[key]) <= set(best[2][key]):
                raise base.ImporterError(f"{first['symbol']}: the {key} of line {number} are not contained in line {best[1]}'s")
    return best


def clean(text: str) -> str:
    """One space for each run of white space, no control characters or invisible marks, Unicode
    NFC (the build keeps text in one normal form); every other character is the UN's."""
    return unicodedata.normalize("NFC", " ".join(_CONTROL.sub(" ", _INVISIBLE.sub("", text)).split()))


def _text(element) -> str:
    """The element's text without its footnotes (authorialNote)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != AKN + "authorialNote":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_text(body: bytes) -> tuple[str, str, list[dict]]:
    """(work key 'body/session-number', title, paragraphs) of one Akoma Ntoso file. The work key
    comes from FRBRWork (e.g. /akn/un/statement/deliberation/unga/2020-12-16/75-176/), so a file
    is matched to its resolution by what it says, not by its name."""
    root = ET.fromstring(body)
    this = root.find(f".//{AKN}FRBRWork/{AKN}FRBRthis").get("value")
    match = re.search(r"/deliberation/([a-z-]+)/[0-9-]+/([0-9]+)-([0-9]+)[A-Z]*/", this)
    if not match:
        raise base.ImporterError(f"FRBRWork {this!r} does not name a body, session and number")
    title = ""
    for element in root.iter(AKN + "docTitle"):
        if element.get("refersTo") == "#resolutionTitle":
            title = clean(_text(element))
            break
    paragraphs = []
    for part, container in _parts(root):
        for element in container:
            if element.tag == AKN + "formula" or not element.get("eId"):
                continue
            num = element.find(AKN + "num")
            number = clean(_text(num)) if num is not None else ""
            text = clean(_text(element))
            if number and text.startswith(number):
                text = text[len(number):].strip()
            if text:
                paragraphs.append({"eid": element.get("eId"), "part": part, "number": number, "text": text})
    return f"{match.group(1)}/{match.group(2)}-{match.group(3)}", title, paragraphs


def _parts(element, in_annex: bool = False):
    """(part, container) in printed order: each preamble and body, the bodies of annexes
    (attachments) marked as annex. Walks the whole tree, so a resolution in parts (A and B, a
    documentCollection of statements) gives the paragraphs of every part."""
    for child in element:
        if child.tag == AKN + "preamble":
            yield "preamble", child
        elif child.tag == AKN + "mainBody":
            yield ("annex" if in_annex else "operative"), child
        elif child.tag != AKN + "meta":
            yield from _parts(child, in_annex or child.tag == AKN + "attachment")


def texts(files: dict[str, bytes], cfg: dict, languages: dict[str, str]) -> dict[str, dict[str, tuple]]:
    """work key -> language -> (file, title, paragraphs), for every XML file of the snapshot."""
    out: dict[str, dict[str, tuple]] = {}
    for rel in sorted(f for f in files if f.endswith(".xml")):
        language = languages[rel.split("/")[1]]
        key, title, paragraphs = read_text(files[rel])
        if key.split("/")[0] != cfg["akn_body"]:
            raise base.ImporterError(f"{rel}: a text of {key.split('/')[0]!r}, not of {cfg['akn_body']!r}")
        if language in out.setdefault(key, {}):
            raise base.ImporterError(f"{rel}: a second {language} text of {key}")
        out[key][language] = (rel, title, paragraphs)
    return out


def session_number(symbol: str) -> tuple[str, str]:
    """('80', '84') of 'A/RES/80/84 A-B': the session and the resolution's number (a resolution
    in parts, A and B, is one record)."""
    session, number = symbol.split("/")[-2:]
    return session, re.match(r"[0-9]+", number).group(0)


def work_key(symbol: str, cfg: dict) -> str:
    return f"{cfg['akn_body']}/{'-'.join(session_number(symbol))}"


# ------------------------------------------------------------ 2. classify


def about_ai(rec: dict, rules: dict) -> bool:
    unbis = [term for term, thesaurus in rec.get("subjects", []) if thesaurus == "UNBIS Thesaurus"]
    return bool(re.search(rules["title_words"], rec["title"], re.I)) or bool(unbis and unbis[0] in rules["main_subjects"])


def ai_scope(rec: dict, english: list[dict], rules: dict) -> str:
    if about_ai(rec, rules):
        return "about-ai"
    if any(p["part"] != "preamble" and base.names_ai(p["text"], "en") for p in english):
        return "ai-provisions"
    return "mentions-ai"


def family(rec: dict, scope: str, rules: dict) -> str:
    return "military" if scope == "about-ai" and re.search(rules["military_title_words"], rec["title"], re.I) else "un-system"


# ------------------------------------------------------------- 3. record


def record_id(symbol: str, cfg: dict) -> str:
    session, number = session_number(symbol)
    return cfg["tracked"].get(symbol) or f"{cfg['id_prefix']}-{session}-{number}"


def _date(text: str) -> str:
    return dt.datetime.strptime(" ".join(text.split()), "%d %B %Y").date().isoformat()


def member_states(lines, crosswalk: base.Crosswalk) -> set[str]:
    """The General Assembly's membership: every state named in any recorded-vote list."""
    codes = {crosswalk.code(name) for _, _, rec in lines for key in VOTE_LISTS for name in rec[key]}
    if len(codes) != 193:
        raise base.ImporterError(f"the recorded-vote lists name {len(codes)} states, not the 193 Member States")
    return codes


def imported_part(ctx_data: dict, item, text_by_language: dict[str, tuple]) -> dict:
    """The importer-owned part of one resolution's record."""
    manifest, cfg = ctx_data["manifest"], ctx_data["cfg"]
    rel, number, rec = item
    symbol = rec["symbol"]
    data_url = f"{manifest.url(rel)}#L{number}"
    adoption = ADOPTION.get(rec["adoption_type"])  # None: the extract gives none (e.g. parts A and B adopted apart)
    if adoption is None and rec["adoption_type"].strip():
        raise base.ImporterError(f"{symbol}: unknown adoption type {rec['adoption_type']!r}")
    date = _date(rec["adoption_date"])
    accessed = manifest.meta["retrieved"]
    english = text_by_language.get("en", (None, None, []))[2]
    scope = ai_scope(rec, english, ctx_data["rules"])
    part = {"kind": "resolution", "date": date, "date_type": "adopted", "symbol": symbol, "issuer_id": cfg["issuer"],
            "binding": "false", "ai_scope": scope, "family": family(rec, scope, ctx_data["rules"])}
    if adoption:
        part["adoption"] = adoption
    for field, key in cfg["fields"].items():
        if rec.get(key, "").strip() not in ("", "N.A."):
            part[field] = rec[key].strip()
    session = symbol.split("/")[-2]
    if f"{cfg['event_prefix']}-{session}" in ctx_data["events"]:
        part["event_id"] = f"{cfg['event_prefix']}-{session}"
    data_source = {
        "url": data_url, "title": f"data_extract/{rel.split('/')[-1]}, line {number}: {symbol} ({clean(rec['title'])})",
        "publisher": cfg["publisher"], "accessed": accessed, "official": "true", "snapshot": f"{manifest.name}/{rel}",
        "language": "en", "supports": [f for f in ("symbol", "date", "issuer_id", "adoption") if f in part] + [f for f in cfg["fields"] if f in part],
    }
    if adoption == "recorded-vote":
        for key, role in VOTE_LISTS.items():
            if str(len(rec[key])) != str(rec[f"{key}_count"]).strip():
                raise base.ImporterError(f"{symbol}: the {role} count {rec[key + '_count']} differs from its list of {len(rec[key])} names")
        part.update(votes_yes=str(len(rec["MS_in_favour"])), votes_no=str(len(rec["MS_against"])),
                    votes_abstain=str(len(rec["MS_abstaining"])))
        data_source["supports"] += ["votes_yes", "votes_no", "votes_abstain"]
    part["sources"] = [data_source] + _text_sources(part, symbol, text_by_language, manifest, cfg, accessed)
    if "title_en" not in part:  # no English file: the data extract's title (official too)
        part["title_en"] = clean(rec["title"])
        data_source["supports"].append("title_en")
    if "title_zh" in part:
        part["title_zh_official"] = "true"
    part["unbis_subjects"] = [clean(term) for term, thesaurus in rec["subjects"] if thesaurus == "UNBIS Thesaurus"]
    part["participation"], part["lists"] = _participation(rec, date, data_url, data_source, part, ctx_data)
    return part


def undocs_address(symbol: str) -> str:
    """The UN's address of a document by its symbol. A resolution in parts ('A/RES/78/80 A-B') is
    written as the UN's own files link it (undocs.org/en/A/RES/78/80a-b): parts joined, in lower case."""
    base_symbol, _, parts = symbol.partition(" ")
    return f"https://undocs.org/{base_symbol}{parts.lower()}"


def _text_sources(part, symbol, text_by_language, manifest, cfg, accessed) -> list[dict]:
    """One source per language file (a verbatim copy of the official document at undocs.org);
    sets the titles and passages of ``part``."""
    sources, part["titles"], part["passages"] = [], [], []
    for language, (xml_rel, title, paragraphs) in sorted(text_by_language.items()):
        url = manifest.url(xml_rel)
        source = {"url": url, "title": f"{symbol} ({language}): {title}", "publisher": cfg["publisher"], "accessed": accessed,
                  "official": "false", "copy": "true", "copy_of": undocs_address(symbol),
                  "snapshot": f"{manifest.name}/{xml_rel}", "licence": cfg["licence"], "language": language}
        if language in ("en", "zh") and title:
            source["supports"] = [f"title_{language}"]
            part[f"title_{language}"] = title
        sources.append(source)
        if title:
            part["titles"].append({"language": language, "title": title, "official": "true", "source_url": url})
        for p in paragraphs:
            row = {"language": language, "eid": p["eid"], "part": p["part"]}
            if p["number"]:
                row["number"] = p["number"]
            row.update(text=p["text"], mentions_ai="true" if base.names_ai(p["text"], language) else "false", source_url=url)
            part["passages"].append(row)
    return sources


def _participation(rec, date, data_url, data_source, part, ctx_data) -> tuple[list, list]:
    cfg, crosswalk = ctx_data["cfg"], ctx_data["crosswalk"]
    groups, lists = [], []
    sponsoring = [n for key in SPONSOR_LISTS for n in crosswalk.repaired(rec[key]) if crosswalk.is_state(n)]
    if sponsoring:
        part["cosponsor_count"] = str(len(crosswalk.ids(sponsoring)))
        data_source["supports"].append("cosponsor_count")
    for key, role in SPONSOR_LISTS.items():
        entries = crosswalk.repaired(rec[key])
        submitted = [n for n in entries if not crosswalk.is_state(n)]
        ids = crosswalk.ids(n for n in entries if crosswalk.is_state(n))
        if ids:
            groups.append({"actor_ids": ids, "role": role, "source_url": data_url})
        if ids or submitted or key == "sponsors":
            entry = {"role": role, "status": "complete", "as_of": date, "count": str(len(ids)), "source_url": data_url}
            if submitted:
                entry["note"] = (f"The UN record gives no sponsoring state: the draft was {submitted[0].lower()}." if not ids else
                                 f"The UN record also names, as printed: {'; '.join(submitted)}.")
                if not ids and not submitted[0].lower().startswith("submitted by"):
                    entry["note"] = f"The UN record names no sponsoring state; its sponsor entry reads: {submitted[0]}."
            lists.append(entry)
    if part.get("adoption") != "recorded-vote":
        return groups, lists
    voted = set()
    for key, role in VOTE_LISTS.items():
        ids = crosswalk.ids(rec[key])
        voted |= set(ids)
        if ids:
            groups.append({"actor_ids": ids, "role": role, "date": date, "source_url": data_url})
        lists.append({"role": role, "status": "complete", "as_of": date, "count": str(len(ids)), "source_url": data_url})
    if not cfg["derive_not_voting"]:
        lists.append({"role": "not-voting", "status": "absent", "as_of": date, "source_url": data_url, "note": cfg["members_note"]})
    else:
        absent = sorted(code.lower() for code in ctx_data["members"] if code.lower() not in voted)
        if absent:
            groups.append({"actor_ids": absent, "role": "not-voting", "date": date, "source_url": data_url, "note": cfg["members_note"]})
        lists.append({"role": "not-voting", "status": "complete", "as_of": date, "count": str(len(absent)), "source_url": data_url,
                      "note": "Derived: the 193 Member States minus those in the three recorded-vote lists."})
    return groups, lists


# ---------------------------------------------------------------- 4. run



@functools.cache
def configuration() -> dict:
    return base.config(__file__)




def selected(lines, text_index, cfg: dict, rules: dict, crosswalk: base.Crosswalk) -> list[tuple[str, int, dict]]:
    by_symbol: dict[str, list] = {}
    for item in lines:
        rec = item[2]
        english = text_index.get(work_key(rec["symbol"], cfg), {}).get("en", (None, None, []))[2]
        if (about_ai(rec, rules) or rec["symbol"] in cfg["tracked"]
                or any(base.names_ai(p["text"], "en") for p in english)):
            by_symbol.setdefault(rec["symbol"], []).append(item)
    return [reconcile(by_symbol[s], crosswalk) for s in sorted(by_symbol, key=lambda s: tuple(map(int, session_number(s))))]


def run(ctx: base.Context, name: str) -> list[str]:
    """Import every selected resolution of one body; returns the record files that changed (or would)."""
    config = configuration()
    cfg = config["bodies"][name]
    manifest, files = ctx.snapshot(cfg["snapshot"])
    crosswalk = base.Crosswalk(f"{ctx.root}/{cfg['crosswalk']}")
    lines = resolution_lines(files)
    text_index = texts(files, cfg, config["languages"])
    ctx_data = {"manifest": manifest, "cfg": cfg, "crosswalk": crosswalk, "rules": config["about_ai"],
                "events": ctx.record_ids("events"),
                "members": member_states(lines, crosswalk) if cfg["derive_not_voting"] else set()}
    imported_urls: set[str] = set()
    records = {}
    for item in selected(lines, text_index, cfg, config["about_ai"], crosswalk):
        symbol = item[2]["symbol"]
        rid = record_id(symbol, cfg)
        part = imported_part(ctx_data, item, text_index.get(work_key(symbol, cfg), {}))
        imported_urls |= {s["url"] for s in part["sources"]}

        def is_imported(key, entry, prefix=manifest.name + "/"):
            link = entry.get("url" if key == "sources" else "source_url", "")
            return link in imported_urls or str(entry.get("snapshot", "")).startswith(prefix) or link.startswith(manifest.url(""))

        records[rid] = base.merge(base.existing_record(ctx, "instruments", rid), part, rid, OWNED, REPLACED_LISTS, is_imported)
    return base.write_records(ctx, "instruments", records)
