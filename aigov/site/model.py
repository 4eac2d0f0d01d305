"""The view-model of the site: the published package read once, every table indexed once.

Every child table is indexed by each of its single-column foreign keys when the
model is built (dicts of lists, in table order), so a page asks for "the
participation rows of this instrument" or "the citations of this actor" and gets
them in O(its own rows): no page scans a whole table. A row named by its primary
key (the passage a topic tag names: instrument and seq) comes from a dict built
once per table (``keyed``). The page views
(``pages.py``) only choose and order what to show; the templates write the HTML.

The model holds plain data (rows as the package gives them: text, an empty cell
as None); it never builds markup.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from urllib.parse import quote

# Tables that get a page each, and the field that names a row; the field that identifies a row is "id"
# unless PAGE_KEYS says otherwise.
PAGE_TABLES = {"instruments": "title_en", "actors": "name_en", "events": "name_en", "systems": "name", "articles": "title_en",
               "topics": "label_en"}
PAGE_KEYS = {"topics": "topic"}
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


def highlight(text: str, words: str | None) -> list[tuple[str, bool]]:
    """``text`` cut into (part, matched) pieces, every occurrence of ``words`` a matched piece: in any case and
    with any run of white space between its words (a topic tag's ``matched`` is the words as printed).
    Plain data: the template puts the matched pieces in <mark>."""
    tokens = (words or "").split()
    if not tokens:
        return [(text, False)] if text else []
    pattern = re.compile(r"\s+".join(map(re.escape, tokens)), re.I)
    out, last = [], 0
    for found in pattern.finditer(text):
        if found.start() > last:
            out.append((text[last:found.start()], False))
        out.append((found.group(0), True))
        last = found.end()
    if last < len(text):
        out.append((text[last:], False))
    return out


def excerpt(pieces: list[tuple[str, bool]], around: int = 300) -> list[tuple[str, bool]] | None:
    """The pieces within ``around`` characters of the first matched one, cut at white space where there is
    some near the cut, with "…" where text is left out; None where nothing would be left out."""
    total = sum(len(p) for p, _ in pieces)
    offset, first = 0, None
    for piece, matched in pieces:
        if matched:
            first = (offset, offset + len(piece))
            break
        offset += len(piece)
    if first is None or total <= 2 * around + (first[1] - first[0]) + 100:
        return None
    text = "".join(p for p, _ in pieces)
    start, end = max(0, first[0] - around), min(total, first[1] + around)
    if start > 0:  # begin after a space near the cut (none in Chinese: cut where the count falls)
        space = text.find(" ", start, first[0])
        start = space + 1 if 0 <= space < start + 40 else start
    if end < total:
        space = text.rfind(" ", first[1], end)
        end = space if space > end - 40 else end
    offset = 0
    for piece, matched in pieces:  # never cut marked words in two
        if matched and offset < start < offset + len(piece):
            start = offset
        if matched and offset < end < offset + len(piece):
            end = offset + len(piece)
        offset += len(piece)
    out, offset = [], 0
    for piece, matched in pieces:
        lo, hi = max(start, offset), min(end, offset + len(piece))
        if lo < hi:
            out.append((piece[lo - offset:hi - offset], matched))
        offset += len(piece)
    return ([("…", False)] if start > 0 else []) + out + ([("…", False)] if end < total else [])


class Model:
    """The package, indexed. Built once per site; every page reads from it."""

    def __init__(self, pkg, meta: dict | None = None, root: str | None = None):
        self.pkg, self.meta, self.root = pkg, meta or {}, root
        self.rows: dict[str, list[dict]] = pkg.rows
        self.tables = pkg.tables
        self.by_id = {t: {r[PAGE_KEYS.get(t, "id")]: r for r in self.rows.get(t, [])} for t in PAGE_TABLES if t in self.tables}
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
        # table -> {primary key values: row}, built on first use (passages by instrument and seq, citations by id)
        self._keyed: dict[str, dict[tuple, dict]] = {}
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

    def keyed(self, table: str, *key: str | None) -> dict | None:
        """The row of ``table`` whose primary key is ``key`` (e.g. a passage by instrument id and seq), or None.
        The table is indexed by its primary key once, on first use."""
        index = self._keyed.get(table)
        if index is None:
            t = self.tables.get(table)
            columns = t.primary_key if t is not None else []
            index = {tuple(r.get(c) for c in columns): r for r in self.rows.get(table, [])} if columns else {}
            self._keyed[table] = index
        return index.get(tuple(key))

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
