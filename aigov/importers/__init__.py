"""Importers: pinned snapshots of official machine-readable files -> records in sources/.

The registry below is the one list of importers: ``build.py import NAME`` runs one,
``build.py import --all`` runs them in this order, and ``build.py import --help`` lists them.
Each entry names the module (a ``run(ctx, name)`` function over ``base.Context``) and says in
one line what it brings in. To add an importer: a module and its JSON configuration in this
folder, its snapshot manifest in snapshots/, an entry here, and tests (docs/architecture.md).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Importer:
    name: str
    module: str
    description: str

    def run(self, ctx) -> list[str]:
        return importlib.import_module(f"{__name__}.{self.module}").run(ctx, self.name)


REGISTRY = {entry.name: entry for entry in [
    Importer("un-ga", "un_resolutions", "General Assembly resolutions that mention AI: votes, sponsors, titles, subjects, passages (UNxml/GAresolutions)"),
    Importer("un-hrc", "un_resolutions",
             "Human Rights Council resolutions that mention AI: votes, sponsors, titles, subjects, passages (UNxml/HRCresolutions)"),
    Importer("summits", "summits", "Signatory lists of AI summit declarations from browser prints of their official pages"),
]}
