"""aigov/checks/catalogue.py: every code a check can write is in the catalogue, every code in
the catalogue is written by some check, and the data dictionary lists them all.

Codes are written where a check makes its problem, as text: ``code="not-a-date"`` (a keyword
argument, or the default of a parameter named ``code``); a rule's code is its name. So the codes
the checks can emit are read from the source of aigov/, and every other ``code=`` must pass on
a code made elsewhere (a parameter of its function, or the ``code`` of an explained problem).
"""

import ast
import glob
import os
import re
import shutil

import pytest
from test_bad_records import BAD, header

from aigov import docs, pipeline, schema
from aigov.checks import catalogue, rules
from aigov.checks import yaml as yaml_checks
from conftest import MINIMAL, ROOT

AIGOV = os.path.join(ROOT, "aigov")
MODULES = sorted(glob.glob(os.path.join(AIGOV, "**", "*.py"), recursive=True))
CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def trees():
    for path in MODULES:
        with open(path, encoding="utf-8") as fh:
            yield os.path.relpath(path, ROOT), ast.parse(fh.read())


def _constants(node) -> list[str] | None:
    """The texts a ``code`` value can take, when it is written out (also both sides of an ``a if c else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _constants(node.body), _constants(node.orelse)
        return body + orelse if body is not None and orelse is not None else None
    return None


def _calls_of(func):
    """The calls made by ``func`` itself, not by the functions defined inside it."""
    todo = list(ast.iter_child_nodes(func))
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            yield node
        todo.extend(ast.iter_child_nodes(node))


def written_codes():
    """(codes written as text in aigov/, [(file, line, what) of each code= that is not text])."""
    found, passed_on = set(), []
    for rel, tree in trees():
        for func in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]:
            args = func.args
            params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
            defaults = list(zip(args.args[len(args.args) - len(args.defaults):], args.defaults))
            defaults += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
            found.update(c for a, d in defaults if a.arg == "code" for c in _constants(d) or [])
            for call in _calls_of(func):
                for kw in call.keywords:
                    if kw.arg != "code":
                        continue
                    texts = _constants(kw.value)
                    if texts is not None:
                        found.update(texts)
                    elif not (isinstance(kw.value, ast.Name) and kw.value.id in params
                              or isinstance(kw.value, ast.Attribute) and kw.value.attr in ("code", "rule")):
                        passed_on.append((rel, call.lineno, ast.unparse(kw.value)))
    return found, passed_on


def test_every_code_written_is_in_the_catalogue_and_every_entry_is_written():
    found, passed_on = written_codes()
    rule_names = {r.__name__ for r in rules.RULES}
    listed = set(catalogue.codes())
    assert passed_on == [], "a code= that is neither text nor passed on from a caller: " + repr(passed_on)
    assert found - listed == set(), "codes written by checks but missing from aigov/checks/catalogue.py"
    assert listed - found - rule_names == set(), "catalogue entries no check writes"
    assert found <= listed and rule_names <= listed


def test_every_problem_is_made_with_a_code():
    """Problem(...) and records.problem(...) take the code by name; a rule's problems are made by ctx.problem."""
    missing = []
    for rel, tree in trees():
        for call in [n for n in ast.walk(tree) if isinstance(n, ast.Call)]:
            name = call.func.id if isinstance(call.func, ast.Name) else None
            if name in ("Problem", "problem") and not any(kw.arg == "code" for kw in call.keywords):
                missing.append((rel, call.lineno))
    assert missing == []


def test_the_reader_uses_every_refusal_and_nothing_else():
    found, _ = written_codes()
    assert set(yaml_checks.REFUSALS) <= set(catalogue.codes())
    with open(os.path.join(AIGOV, "yamlio.py"), encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    refused = {kw.value.value for call in ast.walk(tree) if isinstance(call, ast.Call)
               and isinstance(call.func, ast.Name) and call.func.id == "_refuse"
               for kw in call.keywords if kw.arg == "code"}
    assert refused == set(yaml_checks.REFUSALS) - {"not-utf8"}  # not-utf8: parse_bytes raises it, with its own position
    assert "not-utf8" in found


def test_the_catalogue_is_well_formed():
    seen = {}
    for kind, (where, listed) in catalogue.entries().items():
        assert where and listed, kind
        for code, meaning in listed.items():
            assert code not in seen, f"{code} is listed under {seen[code]} and {kind}"
            seen[code] = kind
            assert meaning.strip() and "\n" not in meaning, code
            if kind != "rules":
                assert CODE.fullmatch(code), code
    assert set(seen) == set(catalogue.codes())


def test_the_data_dictionary_lists_every_code():
    text = docs.data_dictionary(schema.load_tables())
    section = text.split("## Problem codes", 1)[1]
    for code, meaning in catalogue.codes().items():
        assert f"`{code}`" in section, code
        if code not in {r.__name__ for r in rules.RULES}:
            assert f"| `{code}` | {meaning.replace('|', chr(92) + '|')} |" in section


@pytest.mark.parametrize("path", BAD, ids=[os.path.basename(p) for p in BAD])
def test_what_a_bad_fixture_gives_is_catalogued(path, tmp_path):
    table, code, _ = header(path)
    src = tmp_path / "sources"
    shutil.copytree(MINIMAL, src)
    shutil.copy(path, src / table / os.path.basename(path))
    parsed, problems = pipeline.load(str(src))
    _, more = pipeline.validate(parsed, schema.load_tables())
    codes = {p.code for p in problems + more}
    assert code in codes
    assert codes <= set(catalogue.codes()), codes - set(catalogue.codes())
