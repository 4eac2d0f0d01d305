"""The view-model of the site: the published package read once, every table indexed once.

Every child table is indexed by each of its single-column foreign keys when the
model is built (dicts of lists, in table order), so a page asks for "the
participation rows of this instrument" or "the citations of this actor" and gets
them in O(its own rows): no page scans a whole table. The page views
(``pages.py``) only choose and order what to show; the templates write the HTML.

The model holds plain data (rows as the package gives them: text, an empty cell
as None); it never builds markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from urllib.parse import quote

# Record tables that get a page each, and the field that names a record.
PAGE_TABLES = {"instruments": "title_en", "actors": "name_en", "events": "name_en", "systems": "name", "articles": "title_en"}
WORDS = {"un": "UN", "ngo": "NGO", "ai": "AI", "iso": "ISO", "iso3": "ISO 3166 code", "url": "URL", "id": "id", "zh": "Chinese", "en": "English"}
CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# Participation roles that say who issued an instrument (the issuer filter) and who sponsored it.
ISSUER_ROLE = "issuer"
SPONSOR_ROLES = ("lead-sponsor", "sponsor", "co-sponsor", "additional-sponsor")  # strongest first
VOTE_ROLES = {"voted-yes": "Yes", "voted-no": "No", "abstained": "Abstained", "not-voting": "Did not vote"}


def label(value: str | None) -> str:
    """A readable label for a code: 'action-plan' -> 'Action plan', 'un-body' -> 'UN body'."""
    words = [WORDS.get(w, w) for w in re.split(r"[-_]", value or "") if w]
    if not words:
        return ""
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def web_url(url: str | None) -> str | None:
    """The address if it is a web address (http or https), else None: never a javascript: link."""
    return url if url and re.match(r"https?://", url) else None


def search_text(*parts) -> str:
    return unicodedata.normalize("NFKC", " ".join(p for p in parts if p)).lower()


def newest_first(date: str) -> str:
    """A sort key that orders ISO dates newest first."""
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)


def seq(row: dict) -> int:
    return int(row.get("seq") or 0)


class Model:
    """The package, indexed. Built once per site; every page reads from it."""

    def __init__(self, pkg, meta: dict | None = None, root: str | None = None):
        self.pkg, self.meta, self.root = pkg, meta or {}, root
        self.rows: dict[str, list[dict]] = pkg.rows
        self.tables = pkg.tables
        self.by_id = {t: {r["id"]: r for r in self.rows.get(t, [])} for t in PAGE_TABLES if t in self.tables}
        # column -> table it references, per table (single-column foreign keys only)
        self.fk_targets: dict[str, dict[str, str]] = {}
        for name, table in self.tables.items():
            targets = {}
            for fk in table.foreign_keys:
                cols = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
                if len(cols) == 1:
                    targets[cols[0]] = fk["reference"].get("resource") or name
            self.fk_targets[name] = targets
        # (table, column) -> {parent id: [rows, in table order]}: every foreign key, indexed once
        self._index: dict[tuple[str, str], dict[str, list[dict]]] = {}
        for name, targets in self.fk_targets.items():
            for column in targets:
                self._build_index(name, column)
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._hrefs: dict[tuple[str, str], str | None] = {}
        self._issuers = self._index_issuers()
        # every value of the index page's issuer filter: the issuers and the bodies above them
        self.issuer_filter_actors = {a for r in self.rows.get("instruments", []) for a in self.issuer_filter_ids(r["id"])}

    # --- indexes -------------------------------------------------------------

    def _build_index(self, table: str, column: str) -> dict[str, list[dict]]:
        index = defaultdict(list)
        for row in self.rows.get(table, []):
            value = row.get(column)
            if value is not None:
                index[value].append(row)
        self._index[(table, column)] = index
        return index

    def children(self, table: str, column: str, parent_id: str) -> list[dict]:
        """Rows of ``table`` whose ``column`` is ``parent_id`` (from the index; built once if the column is no foreign key)."""
        index = self._index.get((table, column))
        if index is None:
            index = self._build_index(table, column)
        return index.get(parent_id, [])

    def about(self, child: str, target: str, record_id: str) -> list[dict]:
        """Rows of ``child`` that point at record ``record_id`` of ``target`` through any foreign-key column."""
        out = []
        for column, ref in self.fk_targets.get(child, {}).items():
            if ref == target:
                out += self.children(child, column, record_id)
        return out

    def _index_issuers(self) -> dict[str, list[str]]:
        """Instrument id -> its issuers: issuer_id first, then every other issuer of the participation table."""
        issuers = {}
        for r in self.rows.get("instruments", []):
            found = [r["issuer_id"]] if r.get("issuer_id") else []
            for x in self.children("participation", "instrument_id", r["id"]):
                if x["role"] == ISSUER_ROLE and x["actor_id"] not in found:
                    found.append(x["actor_id"])
            issuers[r["id"]] = found[:1] + sorted(found[1:], key=lambda a: self.name("actors", a).lower())
        return issuers

    # --- lookups ---------------------------------------------------------------

    def record(self, table: str, record_id: str | None) -> dict | None:
        return self.by_id.get(table, {}).get(record_id)

    def href(self, table: str, record_id: str | None) -> str | None:
        """The path of a record's page from the site's root, or None where the record has no page."""
        key = (table, record_id)
        if key not in self._hrefs:
            self._hrefs[key] = None if self.record(table, record_id) is None else f"{table}/{quote(record_id)}.html"
        return self._hrefs[key]

    def name(self, table: str, record_id: str) -> str:
        row = self.record(table, record_id)
        if row is None:
            return record_id
        return row.get(PAGE_TABLES[table]) or row.get("title") or row.get("name") or record_id

    def article_title(self, article: dict) -> str:
        return article.get("title_en") or article.get("title") or article.get("id", "")

    def enum(self, table: str, field: str) -> list[str]:
        t = self.tables.get(table)
        f = t.by_name.get(field) if t else None
        return list(f.enum or []) if f else []

    def ordered(self, values, table: str, field: str) -> list[str]:
        order = {v: i for i, v in enumerate(self.enum(table, field))}
        return sorted(set(values), key=lambda v: (order.get(v, len(order)), v))

    def issuers(self, instrument_id: str) -> list[str]:
        """Every issuer of an instrument: its issuer_id and the actors of its issuer rows (a joint statement has several)."""
        return self._issuers.get(instrument_id, [])

    def ancestors(self, actor_id: str) -> tuple[str, ...]:
        """The bodies an actor belongs to, nearest first, through actors.parent_id (a ministry -> its state)."""
        if actor_id not in self._ancestors:
            chain, seen, current = [], {actor_id}, self.record("actors", actor_id)
            while current is not None and current.get("parent_id") and current["parent_id"] not in seen:
                chain.append(current["parent_id"])
                seen.add(current["parent_id"])
                current = self.record("actors", current["parent_id"])
            self._ancestors[actor_id] = tuple(chain)
        return self._ancestors[actor_id]

    def issuer_filter_ids(self, instrument_id: str) -> list[str]:
        """The values of the issuer filter that find this instrument: each issuer and every body above it."""
        out = []
        for actor in self.issuers(instrument_id):
            for a in (actor, *self.ancestors(actor)):
                if a not in out:
                    out.append(a)
        return out

    def instruments_of(self, actor_id: str) -> set[str]:
        """Every instrument the actor took part in, whatever the role (each once)."""
        ids = {r["id"] for r in self.children("instruments", "issuer_id", actor_id)}
        ids |= {x["instrument_id"] for x in self.children("participation", "actor_id", actor_id)}
        return ids
