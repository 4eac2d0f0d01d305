"""aigov/checks/rules.py: every rule fires, on a fixture that names it.

A bad fixture names the code it must produce (``# expect [code]: ...``, see test_bad_records.py);
a rule's code is its name. Here each rule is run on the minimal sources plus its fixtures, in
process (no files written), and must report its problem where the fixture says.
"""

import glob
import inspect
import os
import shutil

import pytest
from test_bad_records import header

from aigov import pipeline, schema
from aigov.checks import rules
from conftest import MINIMAL, ROOT

BAD = sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "bad", "*.yaml")))
TABLES = schema.load_tables()


def fixtures_of(code: str) -> list[str]:
    return [path for path in BAD if header(path)[1] == code]


def problems_with(path, tmp_path):
    """Every problem of the minimal sources with the fixture at ``path`` added."""
    src = tmp_path / "sources"
    shutil.copytree(MINIMAL, src)
    table, _, _ = header(path)
    shutil.copy(path, src / table / os.path.basename(path))
    parsed, problems = pipeline.load(str(src))
    _, more = pipeline.validate(parsed, TABLES)
    return problems + more


@pytest.mark.parametrize("rule", [r.__name__ for r in rules.RULES])
def test_every_rule_fires_on_a_fixture_that_names_it(rule, tmp_path):
    named = fixtures_of(rule)
    assert named, f"no fixture in tests/fixtures/bad/ names {rule}: add one whose second line is '# expect [{rule}]: ...'"
    for path in named:
        _, _, expect = header(path)
        mine = [p for p in problems_with(path, tmp_path / os.path.basename(path)) if p.code == rule]
        assert any(f"{os.sep}{expect}" in str(p) for p in mine), (path, mine)


def test_the_minimal_sources_break_no_rule():
    parsed, problems = pipeline.load(MINIMAL)
    _, more = pipeline.validate(parsed, TABLES)
    assert problems + more == []


def test_every_rule_has_a_one_line_docstring_and_is_listed_once():
    names = [r.__name__ for r in rules.RULES]
    assert len(names) == len(set(names))
    for rule in rules.RULES:
        assert rule.__doc__ and rule.__doc__.strip(), rule.__name__
    listed = {name for name, value in vars(rules).items()
              if inspect.isfunction(value) and value.__module__ == rules.__name__ and name != "check"
              and value.__code__.co_varnames[:1] == ("ctx",)}
    assert listed == set(names), listed ^ set(names)  # a rule written but not in RULES would never run


def test_a_rule_problem_carries_the_rule_name_as_its_code(tmp_path):
    (path,) = [p for p in BAD if os.path.basename(p) == "event-ends-before-start.yaml"]
    codes = {p.code for p in problems_with(path, tmp_path)}
    assert codes == {"event_dates_ordered"}
