"""Rows the build derives from what contributors wrote: issuer participation and evidence.

Runs after ``records.tabulate`` and before the checks, so derived rows are
checked like any other. Nothing here reads a file.
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import eq
from urllib.parse import urlsplit

from .records import Source
from .schema import CHILDREN

# Backings that count as official: the owner's page, or a verbatim copy of it (through copy_of).
OFFICIAL_BACKING = ("official", "official-copy")


def best_backing(evidence: list[dict]) -> dict[tuple[str, str, str], str]:
    """(table, record id, fact) -> the best backing any source gives it: official, official-copy, secondary."""
    rank = {"official": 0, "official-copy": 1, "secondary": 2}
    best: dict[tuple[str, str, str], str] = {}
    for e in evidence:
        key = (e["record_table"], e["record_id"], e["fact"])
        if key not in best or rank[e["backing"]] < rank[best[key]]:
            best[key] = e["backing"]
    return best


def citing_columns() -> dict[str, str]:
    """Table -> the column of a source (table citations) that holds the id of the record it is written in."""
    return CHILDREN["citations"].parents


# ------------------------------------------------------------- publishers


_DEFAULT_PORTS = {"http": 80, "https": 443}


def address_parts(url: str) -> tuple[str, str]:
    """(lowercased host, path) of a web address. A port other than the scheme's usual one stays
    in the host ('un.org:8443'), so that no registered site (named without a port) covers it."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return "", ""
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    return host, parts.path


class Registry:
    """The official-publisher registry: addresses (host or host/path-prefix) -> actor id."""

    def __init__(self, publisher_rows):
        self.by_host: dict[str, list[tuple[str, str]]] = {}
        for row in publisher_rows:
            address = row.get("address") or ""
            host, _, prefix = address.partition("/")
            self.by_host.setdefault(host, []).append(("/" + prefix if prefix else "", row.get("actor_id")))
        self._memo: dict[str, str | None] = {}

    def publisher(self, url: str) -> str | None:
        """The actor registered for this address, or None. A host covers its subdomains;
        a path prefix covers the folder it names (github.com/UNxml covers /UNxml/…)."""
        if url in self._memo:
            return self._memo[url]
        host, path = address_parts(url)
        found = None
        labels = host.split(".")
        for i in range(len(labels) - 1):
            for prefix, actor in self.by_host.get(".".join(labels[i:]), ()):
                if not prefix or path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                    found = actor
                    break
            if found:
                break
        self._memo[url] = found
        return found


def backing(citation: dict, registry: Registry) -> str:
    """official / official-copy / secondary, as the evidence table says."""
    if citation.get("official") == "true":
        return "official"
    if citation.get("copy") == "true" and citation.get("copy_of") and registry.publisher(citation["copy_of"]):
        return "official-copy"
    return "secondary"


# ------------------------------------------------------------- issuer rows


def issuer_rows(rows, sources) -> None:
    """One participation row (role issuer, derived) per instrument with an issuer_id.

    ``issuer_id`` is the one place a single issuer is written; jointly issued
    instruments list their issuers in participation instead (see rules).
    """
    supporting = {}
    for cit in rows["citations"]:
        if "issuer_id" in cit.get("_supports", ()) and cit.get("instrument_id"):
            supporting.setdefault(cit["instrument_id"], cit.get("url"))
    for row, src in zip(rows["instruments"], sources["instruments"]):
        issuer, record_id = row.get("issuer_id"), row.get("id")
        if not issuer or not record_id:
            continue
        derived = {"instrument_id": record_id, "actor_id": issuer, "role": "issuer", "derived": "true"}
        if row.get("date") and row.get("date_type") in ("adopted", "published", "signed", "launched", "announced"):
            derived["date"] = row["date"]
        if supporting.get(record_id):
            derived["source_url"] = supporting[record_id]
        rows["participation"].append(derived)
        sources["participation"].append(Source(src.path, src.marks, (), {"actor_id": ("issuer_id",), "role": ("issuer_id",)}))


# ---------------------------------------------------------------- evidence


EVENT_DATES = ("start_date", "end_date")


def _lineage(actor_rows):
    """actor id -> the set of it and its ancestors (parent_id, followed upwards)."""
    parent = {r.get("id"): r.get("parent_id") for r in actor_rows}

    def family(actor):
        out = set()
        while actor and actor not in out:
            out.add(actor)
            actor = parent.get(actor)
        return out

    return family


def evidence_rows(rows, sources, registry: Registry) -> None:
    """The evidence table: one row per (record, fact, citation).

    One pass over the citations, then one over the *distinct* (record, page, fact)
    keys of the child tables: a vote list of 193 rows cites one page, so it costs
    one lookup, not 193 walks over the record's sources.
    """
    by_record: dict[tuple[str, str], list[dict]] = {}
    parents = citing_columns()
    for cit in rows["citations"]:
        for table, column in parents.items():
            if cit.get(column):
                by_record.setdefault((table, cit[column]), []).append(cit)
                break
    out, where, seen = rows["evidence"], sources["evidence"], set()
    hosts = {r.get("id"): r.get("host_id") for r in rows["events"]}
    family = _lineage(rows["actors"])

    def add(table, record_id, fact, cit, src):
        key = (table, record_id, fact, cit["citation_id"])
        if key in seen or not cit.get("citation_id"):
            return
        seen.add(key)
        kind = backing(cit, registry)
        if table == "events" and fact in EVENT_DATES and kind != "secondary":
            # An event's dates are official only on a page of the body that held it (or of its own
            # state or organisation): a UN press release about a BRICS summit is secondary for them.
            publisher = registry.publisher(cit.get("copy_of") if kind == "official-copy" else cit.get("url", ""))
            if not hosts.get(record_id) or not family(publisher) & family(hosts[record_id]):
                kind = "secondary"
        row = {"record_table": table, "record_id": record_id, "fact": fact,
               "citation_id": cit["citation_id"], "backing": kind}
        if cit.get("quote"):
            row["quote"] = cit["quote"]
        out.append(row)
        where.append(src)

    for (table, record_id), cits in by_record.items():
        for cit in cits:
            for fact in cit.get("_supports", ()):
                add(table, record_id, fact, cit, None)
    # A source whose address is the record's url shows that url.
    for table in parents:
        for row, src in zip(rows[table], sources[table]):
            url = row.get("url")
            if not url:
                continue
            for cit in by_record.get((table, row.get("id")), ()):
                if cit.get("url") == url or cit.get("copy_of") == url:
                    add(table, row["id"], "url", cit, src)
    # Child rows cite their page by source_url. Each distinct (instrument, page, fact)
    # is looked up once, with the Source of its first row (as a walk over the rows would).
    for child, prefix, column in (("participation", "participation/", "role"), ("titles", "titles/", "language"),
                                  ("participation_lists", "lists/", "role"), ("figures", "figures/", "seq")):
        table_rows = rows[child]
        if not table_rows:
            continue
        keys = list(zip(map(dict.get, table_rows, repeat("instrument_id")), map(dict.get, table_rows, repeat("source_url")),
                        map(dict.get, table_rows, repeat(column))))
        first = dict(zip(reversed(keys), reversed(sources[child])))  # key -> Source of its first row
        for key in dict.fromkeys(keys):  # distinct keys, in order of first appearance
            instrument_id, url, value = key
            if not url:
                continue
            for cit in by_record.get(("instruments", instrument_id), ()):
                if cit.get("url") == url:
                    add("instruments", instrument_id, f"{prefix}{value}", cit, first[key])
    # Sources of evidence rows point at the citation they come from (for messages).
    cit_src = {c.get("citation_id"): s for c, s in zip(rows["citations"], sources["citations"])}
    for i, src in enumerate(where):
        if src is None:
            where[i] = cit_src.get(out[i]["citation_id"])


def topic_tables(rows, sources, tables) -> None:
    """The topics vocabulary and the instruments' topic tags (aigov/topics.py)."""
    from . import topics, vocabularies

    definitions = vocabularies.definitions_of(tables["topic_tags"].by_name["topic"])
    where = {r.get("id"): s for r, s in zip(rows["instruments"], sources["instruments"])}
    rows["topics"] = topics.topic_rows(definitions)
    sources["topics"] = [None] * len(rows["topics"])
    rows["topic_tags"] = topics.tag_rows(rows)
    sources["topic_tags"] = [where.get(r["instrument_id"]) for r in rows["topic_tags"]]  # (rows always have one)


def derive(rows, sources, tables=None) -> Registry:
    registry = Registry(rows["publishers"])
    part = rows["participation"]
    # by definition: membership minus the recorded-vote lists (rows picked by a C-level filter on the role column)
    for row in compress(part, map(eq, repeat("not-voting"), map(dict.get, part, repeat("role")))):
        row["derived"] = "true"
    issuer_rows(rows, sources)
    evidence_rows(rows, sources, registry)
    if tables is not None and "topic_tags" in tables:
        topic_tables(rows, sources, tables)
    return registry
