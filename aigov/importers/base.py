"""What every importer shares: a pinned snapshot, a reviewed name crosswalk, the merge into a
record file that keeps what people wrote, and writing only the files that changed.

An importer is a module of this package with a ``run(ctx, config) -> list[str]`` function
(the record files that changed, or would) and its configuration as data in a JSON file beside
it; ``aigov/importers/__init__.py`` registers it under a name for ``build.py import NAME``.

Ownership: an importer writes into the record's own file (sources/<table>/<id>.yaml), so each
record stays one file a person can read whole. It owns the fields it lists as owned and the
list entries that cite its snapshot; everything else in the file (summary, note, relations,
hand-written sources and participation rows) is kept as it is.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass

from .. import canonical, snapshots, yamlio
from ..fileio import write_atomic
from ..schema import load_tables


class ImporterError(Exception):
    """A problem with a snapshot or its crosswalk that the importer cannot resolve by itself."""


@dataclass(frozen=True)
class Context:
    """Where an importer reads and writes."""

    root: str  # the repository: snapshots/, crosswalks/, schemas/
    sources: str  # the record folders it merges into
    # The folder that holds one folder per snapshot; None: snapshot_fetch.default_snapshot_root(root)
    # (the cache .cache/snapshots/ that `fetch` fills, or ../shared/snapshots where that exists).
    snapshot_root: str | None = None
    write: bool = True  # False: only report what would change (the drift check)

    def __post_init__(self):
        if self.snapshot_root is None:
            from ..snapshot_fetch import default_snapshot_root

            object.__setattr__(self, "snapshot_root", default_snapshot_root(self.root))

    def snapshot(self, name: str) -> tuple[snapshots.Manifest, dict[str, bytes]]:
        """The committed manifest snapshots/<name>.tsv and the bytes of every file it lists,
        each checked against its sha256 (SnapshotError names any file that differs)."""
        manifest = snapshots.read_manifest(os.path.join(self.root, "snapshots", f"{name}.tsv"))
        return manifest, snapshots.verified(manifest, os.path.join(self.snapshot_root, name))

    def record_ids(self, table: str) -> set[str]:
        folder = os.path.join(self.sources, table)
        return {name[:-5] for name in os.listdir(folder) if name.endswith(".yaml")} if os.path.isdir(folder) else set()


@functools.cache
def ai_words() -> dict[str, re.Pattern]:
    """language -> the words that name artificial intelligence (base.json)."""
    return {lang: re.compile(p, re.I) for lang, p in config(__file__)["ai_words"].items()}


def names_ai(text: str, language: str) -> bool:
    """Whether a paragraph names artificial intelligence, in the words of its language."""
    pattern = ai_words().get(language)
    return bool(pattern and pattern.search(text))


def config(module_file: str) -> dict:
    """The importer's configuration: the JSON file named like its module, beside it."""
    with open(os.path.splitext(module_file)[0] + ".json", encoding="utf-8") as fh:
        return json.load(fh)


class Crosswalk:
    """Names as a source prints them -> ISO 3166-1 alpha-3, from a committed file reviewed by hand.
    Exact match only (after folding case, because the UN prints some lists in capitals): a name
    with no entry stops the import, so nothing is ever fuzzy-matched."""

    def __init__(self, path: str):
        self.path = path
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        self.codes = {name.casefold(): code for name, code in data["names"].items()}
        self.split = data.get("split_names", {})
        self.sentences = data.get("sentences", {})
        self.not_states = {name.casefold() for name in data.get("not_states", [])}

    def repaired(self, names: list[str]) -> list[str]:
        """The list with each state's name that it prints in parts (split_names) joined again,
        where every part is there, and each entry that names several in running text (sentences)
        split into its entries."""
        out = [part for n in names for part in self.sentences.get(n, [n])]
        for whole, parts in self.split.items():
            if all(part in out for part in parts):
                out = [n for n in out if n not in parts] + [whole]
        return out

    def is_state(self, name: str) -> bool:
        """False for an entry the crosswalk lists as naming no state (who submitted a draft)."""
        return name.strip().casefold() not in self.not_states and not name.lower().startswith("submitted by")

    def code(self, name: str) -> str:
        code = self.codes.get(name.strip().casefold())
        if code is None:
            raise ImporterError(f"the name {name!r} is not in {os.path.relpath(self.path)}; "
                                "add it with its ISO 3166-1 alpha-3 code after checking it by hand")
        return code

    def ids(self, names) -> list[str]:
        """Sorted actor ids (lowercase alpha-3) of a list of names."""
        return sorted({self.code(n).lower() for n in self.repaired(list(names))})


def merge(existing: dict | None, part: dict, record_id: str, owned: list[str], replaced_lists: list[str],
          is_imported) -> dict:
    """The record file's data: the hand-written part kept, the importer-owned part replaced.

    ``owned``: fields the importer always sets; other scalar fields of ``part`` are set only
    where the file has none. ``replaced_lists``: lists the importer owns whole. Every other list
    of ``part`` keeps the file's entries for which ``is_imported(key, entry)`` is false and
    appends the importer's."""
    data = dict(existing or {})
    data["id"] = record_id
    for key, value in part.items():
        if isinstance(value, list):
            continue
        if key in owned or key not in data:
            data[key] = value
    for key in owned:
        if key not in part:
            data.pop(key, None)
    for key, value in part.items():
        if not isinstance(value, list):
            continue
        kept = [] if key in replaced_lists else [e for e in data.get(key, []) if not is_imported(key, e)]
        data[key] = kept + value
        if not data[key]:
            del data[key]
    return data


def write_records(ctx: Context, table: str, records: dict[str, dict]) -> list[str]:
    """Write each record (id -> data) as its canonical YAML where the bytes differ; returns the
    paths that changed (or would, when ctx.write is false)."""
    tables = load_tables(os.path.join(ctx.root, "schemas"))
    changed = []
    for record_id in sorted(records):
        path = os.path.join(ctx.sources, table, f"{record_id}.yaml")
        text = canonical.canonical_text(records[record_id], tables, table).encode("utf-8")
        before = None
        if os.path.exists(path):
            with open(path, "rb") as fh:
                before = fh.read()
        if text != before:
            changed.append(path)
            if ctx.write:
                write_atomic(path, text)
    return changed


def existing_record(ctx: Context, table: str, record_id: str) -> dict | None:
    path = os.path.join(ctx.sources, table, f"{record_id}.yaml")
    if not os.path.exists(path):
        return None
    data, _ = yamlio.read(path)
    return data
