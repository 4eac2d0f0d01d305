"""Participant and signatory lists of AI summit documents, from browser prints (PDF).

    python build.py import summits [--snapshots DIR]

Steps, each small (the owid/etl pattern, see ../shared/design/importers.md):

1. snapshot: the prints in DIR must match snapshots/summit-pages.tsv byte for byte
   (``aigov.snapshots.verified``); a file whose sha256 differs is refused.
2. read: pypdf gives each print's text; every list is cut out between a start and an
   end marker written in summits.json (its "documents", DOCUMENTS here), and the page's title,
   address and date are checked to be printed where it says they are.
3. harmonise: each printed name becomes an actor id through crosswalks/summit-names.json
   (name as printed -> actor id). Nothing is fuzzy-matched; an unmapped name stops the import.
4. write: the lists are merged into sources/instruments/<id>.yaml.

Ownership. These instrument records are written by hand, so the importer merges into
them instead of writing files of its own (a separate generated file per instrument would
split one record in two for contributors). What the importer owns is plain to see: a
`sources:` entry whose `snapshot:` is summit-pages/<file>, and every participation group
and `lists:` entry whose `source_url` is the address of a print. A re-import replaces
exactly those. Hand-written participation rows for an actor and role that an imported
list now covers are dropped (the official list wins); every other hand-written line stays.
"""

from __future__ import annotations

import io
import json
import os
import re

from .. import snapshots, yamlio
from . import base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MANIFEST = os.path.join(ROOT, "snapshots", "summit-pages.tsv")
CROSSWALK = os.path.join(ROOT, "crosswalks", "summit-names.json")
SNAPSHOT = "summit-pages"
PRINT_NOTE = " (browser print in a personal GitHub repository)"

# One entry per print that has a list. Markers are exact text of the print; line breaks in
# the print may fall anywhere between their words. A list is cut:
#   lines    - one name per line between the markers
#   sentence - names separated by commas in running text ("A, B, and C")
#   numbered - "1. A 24. B ..." in columns; the numbers must run 1..N without a gap
# `printed` are texts the print must contain: its title, its date and, where the print
# shows it, the official address it copies.
# The prints and their lists are data: aigov/importers/summits.json ("documents", by file name;
# a "comment" says what the data cannot).
DOCUMENTS = base.config(__file__)["documents"]


class SummitImportError(Exception):
    """A print, marker or name the importer cannot account for; the message says which."""


# ------------------------------------------------------------------ 1. snapshot


def read_prints(folder: str) -> tuple[snapshots.Manifest, dict[str, bytes]]:
    manifest = snapshots.read_manifest(MANIFEST)
    return manifest, snapshots.verified(manifest, folder)  # raises SnapshotError on any mismatch


# ---------------------------------------------------------------------- 2. read


def pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def _marker(text: str, marker: str, where: str, start: int = 0) -> re.Match:
    pattern = re.compile(r"\s+".join(map(re.escape, marker.split())))
    found = list(pattern.finditer(text, start))
    if len(found) != 1:
        raise SummitImportError(f"{where}: marker {marker!r} found {len(found)} times after position {start}, expected once")
    return found[0]


def cut(text: str, group: dict, where: str) -> list[str]:
    """The names printed between a group's markers, in printed order."""
    begin = _marker(text, group["start"], where)
    end = _marker(text, group["end"], where, begin.end())
    segment = text[begin.end():end.start()]
    if group["cut"] == "lines":
        names = [line.strip() for line in segment.splitlines() if line.strip()]
    elif group["cut"] == "sentence":
        names = [re.sub(r"^and ", "", part.strip()) for part in " ".join(segment.split()).split(",")]
        names = [name for name in names if name]
    elif group["cut"] == "numbered":
        numbered = {}
        for line in segment.splitlines():
            for number, name in re.findall(r"(\d+)\.\s+(.+?)(?=\s+\d+\.\s|\s*$)", line):
                if int(number) in numbered:
                    raise SummitImportError(f"{where}: number {number} is printed twice")
                numbered[int(number)] = name.strip()
        if sorted(numbered) != list(range(1, len(numbered) + 1)):
            raise SummitImportError(f"{where}: the numbers do not run 1..{len(numbered)} without a gap")
        names = [numbered[n] for n in sorted(numbered)]
    else:
        raise SummitImportError(f"{where}: unknown cut {group['cut']!r}")
    if not names:
        raise SummitImportError(f"{where}: no names between {group['start']!r} and {group['end']!r}")
    return names


def check_printed(text: str, doc: dict, where: str) -> None:
    flat = " ".join(text.split())
    for shown in [doc["title"], *doc["printed"]]:
        if " ".join(shown.split()) not in flat:
            raise SummitImportError(f"{where}: {shown!r} is not printed in it")
    if doc["copy_of"].startswith("https://www.gov.uk/") and doc["copy_of"] not in "".join(text.split()):
        raise SummitImportError(f"{where}: the address {doc['copy_of']} is not printed in it")


# ----------------------------------------------------------------- 3. harmonise


def read_crosswalk(path: str = CROSSWALK) -> dict[str, str]:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)["names"]


def actor_ids(names: list[str], crosswalk: dict[str, str], where: str) -> list[str]:
    missing = [name for name in names if name not in crosswalk]
    if missing:
        raise SummitImportError(f"{where}: no entry in crosswalks/summit-names.json for " + ", ".join(map(repr, missing))
                           + " (add the name exactly as printed, with its actor id; names are never guessed)")
    ids = [crosswalk[name] for name in names]
    if len(set(ids)) != len(ids):
        raise SummitImportError(f"{where}: two printed names map to the same actor")
    return ids


def extract(folder: str, crosswalk: dict[str, str] | None = None) -> dict[str, dict]:
    """instrument id -> {"source": {...}, "groups": [...], "lists": [...]}, from the verified prints."""
    manifest, bodies = read_prints(folder)
    crosswalk = read_crosswalk() if crosswalk is None else crosswalk
    out = {}
    for name, doc in DOCUMENTS.items():
        where = f"summit-pages/{name}"
        text = pdf_text(bodies[name])
        check_printed(text, doc, where)
        url = manifest.url(name)
        groups, counts = [], {}
        for group in doc["groups"]:
            ids = actor_ids(cut(text, group, where), crosswalk, where)
            entry = {"actor_ids": ids, "role": group["role"]}
            if group.get("date"):
                entry["date"] = group["date"]
            entry["source_url"] = url
            if group.get("note"):
                entry["note"] = group["note"]
            groups.append(entry)
            counts[group["role"]] = counts.get(group["role"], 0) + len(ids)
        source = {"url": url, "title": doc["title"], "publisher": doc["publisher"] + PRINT_NOTE,
                  "accessed": manifest.meta["retrieved"], "official": "false", "copy": "true", "copy_of": doc["copy_of"],
                  "snapshot": where, "language": "en"}
        if doc["supports"]:
            source["supports"] = list(doc["supports"])
        lists = [{"role": role, "status": "complete", "as_of": doc["as_of"], "count": str(count),
                  "source_url": url, "note": doc["lists"][role]} for role, count in counts.items()]
        out[doc["instrument"]] = {"source": source, "groups": groups, "lists": lists}
    return out


# --------------------------------------------------------------------- 4. write


def _imported(entry: dict, urls: set[str], key: str) -> bool:
    return entry.get(key) in urls or str(entry.get("snapshot", "")).startswith("summit-pages/")


def merge(data: dict, imported: dict, print_urls: set[str]) -> dict:
    """The record with the importer's entries replaced and everything written by hand kept."""
    data = dict(data)
    covered = {(actor, group["role"]) for group in imported["groups"] for actor in group["actor_ids"]}
    kept = []
    for group in data.get("participation", []):
        if _imported(group, print_urls, "source_url"):
            continue
        rest = [actor for actor in group["actor_ids"] if (actor, group["role"]) not in covered]
        if rest:
            kept.append({**group, "actor_ids": rest})
    data["participation"] = kept + imported["groups"]
    roles = {entry["role"] for entry in imported["lists"]}
    data["lists"] = [entry for entry in data.get("lists", [])
                     if not _imported(entry, print_urls, "source_url") and entry["role"] not in roles] + imported["lists"]
    data["sources"] = [s for s in data.get("sources", []) if not _imported(s, print_urls, "url")] + [imported["source"]]
    return data


def run(ctx, name: str = "summits") -> list[str]:
    """Import every print; returns the record files that changed (or would, when ctx.write is false)."""
    found = extract(os.path.join(ctx.snapshot_root, SNAPSHOT))
    print_urls = {entry["source"]["url"] for entry in found.values()}
    records = {}
    for instrument, imported in found.items():
        path = os.path.join(ctx.sources, "instruments", f"{instrument}.yaml")
        data, _ = yamlio.read(path, os.path.relpath(path))
        records[instrument] = merge(data, imported, print_urls)
    return base.write_records(ctx, "instruments", records)
