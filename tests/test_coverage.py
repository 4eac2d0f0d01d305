"""The generated coverage report (docs/coverage.md) states what the CSVs hold.

Each number is recomputed here from the published CSVs with pandas, independently
of the code that wrote the report."""

import os
import re

import pandas as pd

from conftest import run_build


def read(pkg, name):
    return pd.read_csv(os.path.join(pkg, "data", f"{name}.csv"), dtype=str, keep_default_na=False)


def participation_table(report):
    """instrument id -> the cells of its row in the participation section."""
    section = report.split("## Participation rows per instrument", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.fullmatch(r"\| `([^`]+)` \|(.*)\|", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def official_rows(pkg):
    part, cit = read(pkg, "participation"), read(pkg, "citations")
    official = cit[cit["official"] == "true"][["instrument_id", "url"]].rename(columns={"url": "source_url"})
    return part.merge(official, on=["instrument_id", "source_url"]).groupby("instrument_id").size()


def check_report(out):
    pkg = os.path.join(out, "datapackage")
    with open(os.path.join(out, "docs", "coverage.md"), encoding="utf-8") as fh:
        report = fh.read()
    table = participation_table(report)
    instruments = read(pkg, "instruments")
    assert set(table) == set(instruments["id"])
    counts = read(pkg, "participation").groupby("instrument_id").size()
    official = official_rows(pkg)
    for iid, (kind, rows, from_official, stated, _roles) in table.items():
        assert int(rows) == counts.get(iid, 0), iid
        assert int(from_official) == official.get(iid, 0), iid
        assert stated == instruments.set_index("id").at[iid, "participant_count"], iid
    m = re.search(r"(\d+) rows, (\d+) of them from official pages", report)
    assert (int(m.group(1)), int(m.group(2))) == (int(counts.sum()), int(official.sum()))
    return table


def test_report_counts_match_the_csvs(built):
    check_report(os.path.dirname(built))


def test_rows_from_an_unofficial_page_are_not_counted_as_official(sources_copy):
    src, out = sources_copy
    before = check_report(out)["example-declaration"]
    assert int(before[2]) == int(before[1]) > 0  # all rows cite an official list
    path = src / "instruments" / "example-declaration.yaml"
    text = path.read_text(encoding="utf-8")
    listing = text.index("- url: https://example.org/signatories")
    flag = text.index("official: true", listing)
    path.write_text(text[:flag] + "official: false" + text[flag + len("official: true"):], encoding="utf-8")
    assert run_build(str(src), out) == 0
    after = check_report(out)["example-declaration"]
    # the two signatory rows lose their official page; the issuer row (derived from issuer_id) still
    # cites the official declaration page, which supports issuer_id
    assert after[1] == before[1] and int(after[2]) == int(before[2]) - 2
