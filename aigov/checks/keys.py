"""Key checks across tables: primary keys are unique, and every foreign key points at a row
that exists (the targets come from the Table Schemas, ``Table.references``)."""

from __future__ import annotations

from itertools import repeat

from ..problems import Problem
from ..records import Suggester, problem, show
from ..schema import FILE_TABLES
from .cells import ID_RE, country_hint
from .guards import TEMPLATE_IDS


def check(rows, sources, tables) -> list[Problem]:
    """Duplicate primary keys, then references to rows that do not exist."""
    problems: list[Problem] = []
    keysets = {name: _unique(name, table, rows, sources, problems) for name, table in tables.items()}
    hints = Suggester()
    for name, table in tables.items():
        for column, target in table.references.items():
            problems += _dangling(name, column, target, keysets[target], rows, sources, hints)
    return problems


def _unique(name, table, rows, sources, problems: list[Problem]) -> set:
    """The table's keys; a row whose key an earlier row has is reported in ``problems``."""
    pk = table.primary_key
    keys = list(zip(*(map(dict.get, rows[name], repeat(c)) for c in pk)))
    known = set(keys)
    if len(known) == len(keys):
        return known  # fast path: no duplicates (rows with a missing key part are reported elsewhere)
    seen = {}
    for key, src in zip(keys, sources[name]):
        if None in key:
            continue  # already reported as a missing required field
        if key not in seen:
            seen[key] = src
            continue
        other = seen[key]
        # point at the cell that makes the row a duplicate (in a group: the repeated id)
        column = next((c for c in pk if src.keys and c in src.keys), pk[-1])
        line = other.where(column)[0]
        what = "id" if pk == ["id"] else " + ".join(pk)
        advice = "ids must be unique" if pk == ["id"] else "remove the repeated entry"
        problems.append(problem(src, column, f"duplicate {what} {show(' + '.join(key))}: already used in {other.path}:{line}; {advice}",
                                code="duplicate-key"))
    return known


def _dangling(name, column, target, known, rows, sources, hints: Suggester) -> list[Problem]:
    """Cells of ``column`` whose id is not a key of ``target``. The templates' placeholder ids
    are refused as placeholders (checks/guards.py), not reported twice."""
    values = set(map(dict.get, rows[name], repeat(column)))
    missing = {v for v in values if v is not None and (v,) not in known and ID_RE.fullmatch(v)} - TEMPLATE_IDS
    if not missing:
        return []  # fast path: every reference resolves
    ids = []  # the ids of ``target``, sorted once, only if a suggestion is worked out

    def choices():
        if not ids:
            ids.extend(sorted(k[0] for k in known if k[0] is not None))
        return ids

    messages = {}  # one message per distinct missing id
    problems = []
    for row, src in zip(rows[name], sources[name]):
        value = row.get(column)
        if value in missing:
            if value not in messages:
                where = f" (no file sources/{target}/{value}.yaml)" if target in FILE_TABLES else ""
                messages[value] = f"refers to {show(value)}, which is not an id in {target}{where}{_suggest(value, target, rows, hints, choices)}"
            problems.append(problem(src, column, messages[value], code="dangling-reference"))
    return problems


def _suggest(value, target: str, rows, hints: Suggester, choices) -> str:
    if target == "actors":
        hint = country_hint(value, rows, "id")
        if hint:
            return f"; {hint}"
    if len(value) > 200:  # nothing that long is an id; do not spend time comparing it
        return ""
    close = hints.closest(value, target, choices, cutoff=0.75)
    return f"; did you mean '{close}'?" if close else ""
