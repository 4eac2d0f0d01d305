"""The shape of aigov/ (docs/architecture.md): every module imports, no two modules import each
other round a circle, no function is longer than a screen, and which column points at which
table is said by the Table Schemas only."""

import ast
import glob
import importlib
import os

import pytest

from conftest import ROOT

AIGOV = os.path.join(ROOT, "aigov")
PATHS = sorted(glob.glob(os.path.join(AIGOV, "**", "*.py"), recursive=True))
MAX_FUNCTION_LINES = 80
TOLERATED: set[tuple[str, str]] = set()  # no circle is tolerated (dist <-> site ended when the feed moved to release.py)


def module_name(path: str) -> str:
    rel = os.path.relpath(path, ROOT)[:-3].split(os.sep)
    return ".".join(rel[:-1] if rel[-1] == "__init__" else rel)


MODULES = {module_name(p): p for p in PATHS}


def parse(path):
    with open(path, encoding="utf-8") as fh:
        return ast.parse(fh.read())


def imports_of(name: str) -> set[str]:
    """The aigov modules ``name`` imports, anywhere in it (at the top or inside a function)."""
    path = MODULES[name]
    package = name if path.endswith("__init__.py") else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            # `from . import charts` imports the submodule charts, not its package's __init__
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        found |= {t for t in targets if t in MODULES and t != name}
    return found


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_no_import_circle():
    graph = {name: imports_of(name) - {b for a, b in TOLERATED if a == name} for name in MODULES}
    assert graph["aigov.checks.keys"] >= {"aigov.checks.guards", "aigov.records"}  # the parser sees the imports
    state, circles = {}, []

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                circles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert circles == []


def test_no_function_is_longer_than_80_lines():
    long = []
    for path in PATHS:
        for node in ast.walk(parse(path)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{os.path.relpath(path, ROOT)}:{node.lineno} {node.name}: {lines} lines")
    assert long == []


def test_which_column_points_at_which_table_is_written_only_in_the_schemas():
    """No module spells out a map from '<table>_id' columns to tables: that is each Table
    Schema's foreignKeys (aigov/schema.py: Table.references, ChildTable.parents).
    aigov/site.py, being rewritten as aigov/site/, is not held to it yet."""
    from aigov.schema import TABLES

    found = []
    for path in PATHS:
        if os.path.basename(path) == "site.py":
            continue
        for node in ast.walk(parse(path)):
            if isinstance(node, ast.Dict):
                pairs = [(k.value, v.value) for k, v in zip(node.keys, node.values)
                         if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)]
                if any(isinstance(k, str) and k.endswith("_id") and v in TABLES for k, v in pairs) or \
                        any(isinstance(v, str) and v.endswith("_id") and k in TABLES for k, v in pairs):
                    found.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}")
    assert found == []
