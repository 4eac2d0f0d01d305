"""The README's pandas examples run as printed, on the built package, and give the
answers an independent reading of the CSVs gives."""

import csv
import os
import re

from conftest import ROOT


def python_blocks():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        return re.findall(r"```python\n(.*?)```", fh.read(), flags=re.S)


def rows(pkg, name):
    with open(os.path.join(pkg, "data", f"{name}.csv"), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_readme_example_runs_and_the_official_filter_is_right(built, monkeypatch, capsys):
    monkeypatch.chdir(os.path.dirname(built))  # the examples say "datapackage"
    namespace = {}
    for block in python_blocks():
        exec(compile(block, "README.md", "exec"), namespace)
    official = {(c["instrument_id"], c["url"]) for c in rows(built, "citations") if c["official"] == "true"}
    participation = rows(built, "participation")
    expected = sum((p["instrument_id"], p["source_url"]) in official for p in participation)
    assert 0 < expected < len(participation)  # the data has both kinds, so the filter is tested
    assert len(namespace["official_rows"]) == expected
    assert f"{len(participation)} rows, {expected} from official sources" in capsys.readouterr().out


def test_the_readme_starts_where_a_newcomer_starts():
    """Under 15 KB, the two commands on its first screens, and the data dictionary kept in docs/."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    assert len(text.encode("utf-8")) < 15 * 1024
    assert text.index("pip install -r requirements.txt && .venv/bin/python build.py") < text.index("## Load it into pandas")
    assert "### instruments" not in text and "docs/data-dictionary.md" in text
