"""build.py checks cells itself (fast), so it must reach the same verdicts as
frictionless, the reference implementation of Table Schema, on the same data.

Where build.py is deliberately stricter (hygiene rules a Table Schema cannot
express: NFC, invisible characters, spreadsheet formulas, language of text,
ISO/BCP 47 code lists), the difference is listed here by name; anything else
that differs fails.
"""

import copy
import os
import shutil
import tempfile

import pytest
from frictionless import validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aigov import package, pipeline, records, schema
from aigov.checks import cells, keys
from conftest import MINIMAL, ROOT

TABLES = schema.load_tables()
META = {"name": "differential", "version": "0.0.0", "title": "t", "description": "d"}


def frictionless_verdict(rows):
    """Fields frictionless reports as invalid, as {(table, field)} (field None for row-level errors)."""
    files = package.render(META, TABLES, rows)
    folder = tempfile.mkdtemp()
    try:
        for rel, body in files.items():
            os.makedirs(os.path.dirname(os.path.join(folder, rel)), exist_ok=True)
            with open(os.path.join(folder, rel), "wb") as fh:
                fh.write(body)
        report = validate(os.path.join(folder, "datapackage.json"))
    finally:
        shutil.rmtree(folder)
    bad = set()
    for task in report.tasks:
        for error in task.errors:
            if error.type == "hash-count":
                continue
            field = getattr(error, "field_name", None)
            if error.type == "foreign-key":
                field = error.note.split('"')[1]
            if error.type == "primary-key":
                field = "<primary-key>"
            bad.add((task.name, field))
    return bad


def build_verdict(rows, sources):
    problems = cells.check(rows, sources, TABLES) + keys.check(rows, sources, TABLES)
    bad = set()
    groups = {c.group[0]: c.group[1] for c in schema.CHILD_TABLES if c.group}
    groups.update({c.key: c.scalar for c in schema.CHILD_TABLES if c.scalar})  # official_hosts.0 -> address
    for p in problems:
        parts = [x for x in p.field.split(".") if not x.isdigit()]
        field = groups.get(parts[-1], parts[-1])
        table = _table_of(p, rows, sources)
        if p.code == "duplicate-key":
            field = "<primary-key>"
        bad.add((table, field))
    return bad


def _table_of(problem, rows, sources):
    # problems carry file and field label; the label's first part tells child tables apart
    label = problem.field.split(".")[0]
    child = {c.key: c.name for c in schema.CHILD_TABLES}
    if label in child:
        return child[label]
    return os.path.basename(os.path.dirname(problem.path))


def minimal_rows():
    parsed, problems = pipeline.load(MINIMAL)
    assert not problems
    rows, sources, problems = records.tabulate(parsed, TABLES)
    assert not problems
    return rows, sources


# Values free of the hygiene rules build.py adds (so both validators judge only the schema).
CLEAN = st.sampled_from([
    "abc", "Abc def", "2024-02-29", "2023-02-29", "2024-13-01", "24-01-01", "12", "0", "007", "1.5", "1e3",
    "true", "false", "yes", "True", "Q42", "Q0", "chn", "CHN", "NOR", "https://example.org/x", "ftp://x",
    "example-org", "example-declaration", "nor", "no-such-id", "signatory", "declaration", "with space",
    "en", "zh", "instruments/x/1",
])


def _stricter(table, field, value):
    """True where build.py rejects by a rule a Table Schema cannot express (documented above)."""
    f = TABLES[table].by_name[field]
    if f.check:  # ISO 3166 / BCP 47 code lists
        return True
    if field.endswith("_zh") or field.endswith("_en"):  # language of text
        return True
    if f.type in ("integer", "number"):  # '007' or '1e3' would reach readers as 7 or 1000.0: not the text written
        try:
            float(value)
            return not cells._NUM_RE.fullmatch(value) or (f.type == "integer" and not cells._INT_RE.fullmatch(value))
        except ValueError:
            return False
    return False


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_mutations_get_the_same_verdict(data):
    rows, sources = minimal_rows()
    table = data.draw(st.sampled_from([t for t in schema.TABLES if rows[t]]))
    index = data.draw(st.integers(0, len(rows[table]) - 1))
    field = data.draw(st.sampled_from(TABLES[table].field_names))
    derived = {"seq", "citation_id"} | set().union(*(set(c.parents.values()) for c in schema.CHILD_TABLES if c.name == table))
    if field in derived:
        return
    value = data.draw(st.one_of(st.none(), CLEAN))
    if value is None and field in TABLES[table].primary_key:
        return  # the package writer sorts by primary key, so it only ever sees rows that have one
    rows = copy.deepcopy(rows)
    if value is None:
        rows[table][index].pop(field, None)
    else:
        rows[table][index][field] = value
    ours = {k for k in build_verdict(rows, sources) if k[0] == table and k[1] == field}
    theirs = {k for k in frictionless_verdict(rows) if k[0] == table and k[1] == field}
    if ours and not theirs and value is not None and _stricter(table, field, value):
        return
    assert ours == theirs, (table, field, value)


BAD_DIR = os.path.join(ROOT, "tests", "fixtures", "bad")
# Fixtures whose fault a Table Schema can express: both validators must flag it.
SCHEMA_LEVEL = ["wrong-type.yaml", "missing-required.yaml", "dangling-reference.yaml", "bad-enum.yaml",
                "impossible-date.yaml", "bad-url.yaml", "yes-boolean.yaml",
                "duplicate-participant.yaml", "norway-unquoted.yaml", "Bad_Id.yaml"]


# Fixtures build.py rejects by its stricter rules only (see the module docstring).
STRICTER_ONLY = ["leading-zero.yaml", "formula.yaml", "chinese-in-english.yaml", "english-in-chinese.yaml",
                 "not-nfc.yaml", "bidi-override.yaml", "control-character.yaml", "bad-country.yaml", "bad-language.yaml"]


@pytest.mark.parametrize("name", SCHEMA_LEVEL + STRICTER_ONLY)
def test_known_bad_fixtures_get_the_same_verdict(name, tmp_path):
    import re

    src = tmp_path / "sources"
    shutil.copytree(MINIMAL, src)
    with open(os.path.join(BAD_DIR, name), encoding="utf-8") as fh:
        table = re.match(r"# table: (\w+)", fh.readline()).group(1)
    shutil.copy(os.path.join(BAD_DIR, name), src / table / name)
    parsed, problems = pipeline.load(str(src))
    rows, sources, more = records.tabulate(parsed, TABLES)
    assert not problems and not more
    ours = build_verdict(rows, sources)
    theirs = frictionless_verdict(rows)
    assert ours, "build.py must reject every known-bad fixture"
    if name in STRICTER_ONLY:
        assert theirs == set(), theirs  # frictionless cannot express these rules
    else:
        assert theirs and {f for _, f in theirs} <= {f for _, f in ours}, (ours, theirs)
