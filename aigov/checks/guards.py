"""Guards: checks that catch what a contributor copies without changing: the templates'
placeholder values, and a document recorded twice under one symbol.

A template is written so that it cannot pass unchanged: its addresses are on
example.org, its titles and texts start with "Example", its ids and its Wikidata
id are placeholders listed here. ``tests/test_contributor.py`` holds every
template to that.

Test fixtures and the benchmark's generated sources are example data by design
(example.org addresses, "Example" titles). The test suite and the benchmark set
``AIGOV_ALLOW_EXAMPLE_DATA=1`` so that those two rules let them through; nothing
else sets it (CI's checks of real sources never do). Template ids and the
template's Wikidata id are refused even then.
"""

from __future__ import annotations

import os
import re
from itertools import repeat
from urllib.parse import urlsplit

from ..problems import Problem
from ..records import Source, problem, show
from ..schema import CHILDREN, FILE_TABLES
from .cells import ID_RE

# Ids used in templates/*.yaml (the record's own id and the ids it points to); checks/keys.py
# does not report them again as ids that point nowhere.
TEMPLATE_IDS = frozenset({
    "example-declaration-on-ai", "example-earlier-declaration", "example-organisation", "example-parent-body",
    "example-summit-on-ai", "example-ai-model", "example-commentary-2025",
})
# The Wikidata ids in templates/*.yaml (Q123 was in earlier templates).
TEMPLATE_WIKIDATA = frozenset({"Q123456", "Q123"})
# Hosts reserved for examples (RFC 2606): nothing real is published there.
_EXAMPLE_HOSTS = ("example.org", "example.com", "example.net")
_EXAMPLE_TEXT = re.compile(r"example\b", re.IGNORECASE)
_URL = r"https?://[^\s]+"
# Relations that make two records parts or versions of one document, which may share its symbol.
SAME_DOCUMENT = ("annex-of", "part-of", "supersedes")


def _example_host(value: str) -> str | None:
    try:
        host = (urlsplit(value).hostname or "").rstrip(".")
    except ValueError:
        return None
    if host.endswith(".example") or any(host == h or host.endswith("." + h) for h in _EXAMPLE_HOSTS):
        return host
    return None


ALLOW_EXAMPLE_DATA = "AIGOV_ALLOW_EXAMPLE_DATA"


def placeholder_message(field, value: str, target: str | None, own_id: bool, example_data: bool = False) -> str | None:
    """Why ``value`` is a template placeholder, or None. ``example_data``: let example.org
    addresses and "Example" texts through (test fixtures)."""
    pattern = field.pattern.pattern if field.pattern is not None else None
    if pattern == _URL or field.name == "address":  # address: a publisher's host, e.g. un.org
        host = None if example_data else _example_host(value if pattern == _URL else "https://" + value)
        if host:
            return (f"{show(value)} is a placeholder address from the template ({host} is reserved for examples): "
                    "replace the placeholder with the address of the page you read")
        return None
    if field.name == "wikidata":
        if value in TEMPLATE_WIKIDATA:
            return (f"{value!r} is the template's placeholder Wikidata id: replace the placeholder with the item's own "
                    "Q-number from wikidata.org, or delete the line")
        return None
    if pattern == ID_RE.pattern:
        if value not in TEMPLATE_IDS:
            return None
        if own_id:
            return (f"{value!r} is the template's placeholder id: replace the placeholder with an id for this record "
                    "(lowercase words joined by hyphens, e.g. from its title) and give the file the same name")
        where = f" (a file name in sources/{target}/, without .yaml)" if target else ""
        return (f"{value!r} is a placeholder id from the template: replace the placeholder with the id of a real "
                f"record{where}, or delete the line")
    if field.free_text and not example_data and _EXAMPLE_TEXT.match(value):
        return (f"{show(value)} is placeholder text from the template: replace the placeholder with the real value "
                "from the source you read, or delete the line")
    return None


def check_placeholders(rows, sources, tables) -> list[Problem]:
    """Refuse values left as they are in the templates."""
    problems = []
    example_data = os.environ.get(ALLOW_EXAMPLE_DATA) == "1"
    for name, table in tables.items():
        if name not in FILE_TABLES and name not in CHILDREN:
            continue  # tables the build derives: nothing in them was typed
        child = CHILDREN.get(name)
        derived = set(child.parents.values()) | {"seq", child.derived_id} if child else set()
        targets = table.references
        table_rows = rows[name]
        for f in table.fields:
            if f.name in derived or f.type != "string":
                continue
            # each distinct value once; walk the rows only for a column with a placeholder
            distinct = set(map(dict.get, table_rows, repeat(f.name))) - {None}
            own_id = child is None and f.name == "id"
            verdicts = {v: placeholder_message(f, v, targets.get(f.name), own_id, example_data) for v in distinct}
            bad = {v: m for v, m in verdicts.items() if m}
            if not bad:
                continue
            for row, src in zip(table_rows, sources[name]):
                message = bad.get(row.get(f.name))
                if message:
                    problems.append(problem(src, f.name, message, code="template-placeholder"))
    return problems


def check_shared_symbols(rows, sources, tables) -> list[Problem]:
    """A symbol identifies one document: refuse a second instrument with it, unless the
    records say they are parts or versions of one document (annex-of, part-of, supersedes)."""
    if "instruments" not in tables or "symbol" not in tables["instruments"].by_name:
        return []
    holders: dict[str, list[tuple[str, Source, str]]] = {}
    for row, src in zip(rows["instruments"], sources["instruments"]):
        symbol, record_id = row.get("symbol"), row.get("id")
        if symbol and record_id:
            holders.setdefault(" ".join(symbol.split()).casefold(), []).append((record_id, src, symbol))
    shared = {k: v for k, v in holders.items() if len(v) > 1}
    if not shared:
        return []
    parent = {}

    def root(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in rows.get("relations", ()):
        if row.get("relation") in SAME_DOCUMENT and row.get("instrument_id") and row.get("target_id"):
            parent[root(row["instrument_id"])] = root(row["target_id"])
    problems = []
    for group in shared.values():
        group = sorted(group, key=lambda item: (item[1].path, item[0]))
        for index, (record_id, src, symbol) in enumerate(group[1:], start=1):
            other = next(((oid, osrc) for oid, osrc, _ in group[:index] if root(oid) != root(record_id)), None)
            if other is None:
                continue
            oid, osrc = other
            line = osrc.where("symbol")[0]
            problems.append(problem(src, "symbol", (
                f"the symbol {show(symbol)} is already used by {oid!r} ({osrc.path}:{line}): a document has one "
                "record, so if this is the same document, add what you found to that record instead; if it is an annex, a part or "
                f"a new version of it, say so under relations: ({', '.join(SAME_DOCUMENT)}) with target_id: {oid}"), code="shared-symbol"))
    return problems


def check(rows, sources, tables) -> list[Problem]:
    """Every check of this module."""
    return check_placeholders(rows, sources, tables) + check_shared_symbols(rows, sources, tables)
