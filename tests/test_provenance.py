"""Provenance per fact (issue #12): evidence, the official-publisher registry, copies,
notes, the issuer in one place and list completeness — each refused with file and line."""

import hashlib
import os
import re
import subprocess
import sys
from urllib.parse import urlsplit

import pandas as pd

from conftest import ROOT, run_build
from readme_recipe import read_table


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path, needle):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def tree_hash(folder):
    digest = hashlib.sha256()
    for root, _, names in sorted(os.walk(folder)):
        for name in sorted(names):
            with open(os.path.join(root, name), "rb") as fh:
                digest.update(name.encode() + fh.read())
    return digest.hexdigest()


def build_fails(src, out):
    """Run build.py as a person would; returns stderr, and checks nothing was written."""
    before = tree_hash(out / "datapackage")
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "build.py"), "--sources", str(src), "--out", str(out), "--no-cache"],
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert tree_hash(out / "datapackage") == before  # the published package is untouched
    return proc.stderr


def test_a_fact_without_evidence_is_refused_with_file_and_line(sources_copy):
    src, out = sources_copy
    path = src / "instruments" / "example-declaration.yaml"
    edit(path, "supports: [title_en, title_zh, date, symbol,", "supports: [title_en, title_zh, symbol,")
    err = build_fails(src, out)
    line = line_of(path, "date: '2024-02-29'")
    assert f"example-declaration.yaml:{line}:1: date: no source supports this date" in err
    assert "1 problem in 1 file" in err


def test_an_unregistered_official_host_is_refused_with_how_to_register(sources_copy):
    src, out = sources_copy
    path = src / "instruments" / "example-report.yaml"
    edit(path, "  - url: https://example.org/report", "  - url: https://reprints.example.net/report")
    err = build_fails(src, out)
    line = line_of(path, "official: true")
    assert f"example-report.yaml:{line}:5: sources.0.official: reprints.example.net is not a registered official publisher" in err
    assert "official_hosts" in err


def test_a_copy_without_copy_of_is_refused_and_a_copy_is_not_official(sources_copy):
    src, out = sources_copy
    path = src / "instruments" / "example-report.yaml"
    edit(path, "    official: true\n", "    official: true\n    copy: true\n")
    err = build_fails(src, out)
    assert re.search(r"example-report\.yaml:\d+:5: sources\.0\.copy_of: a verbatim copy needs copy_of", err)
    assert "sources.0.official: a copy hosted by someone else is not official itself" in err


def test_a_verbatim_copy_of_an_official_address_counts_as_official_copy(sources_copy):
    src, out = sources_copy
    path = src / "instruments" / "example-report.yaml"
    edit(path, "  - url: https://example.org/report\n", "  - url: https://mirror.example.net/report\n")
    edit(path, "    official: true\n", "    official: false\n    copy: true\n    copy_of: https://example.org/report\n")
    assert run_build(str(src), out) == 0
    evidence = read_table(str(out / "datapackage"), "evidence")
    mine = evidence[(evidence["record_id"] == "example-report") & (evidence["fact"] == "title_en")]
    assert list(mine["backing"]) == ["official-copy"]


def test_a_long_note_is_refused(sources_copy):
    src, out = sources_copy
    path = src / "actors" / "example-org.yaml"
    edit(path, "note: 'Test fixture: not real data.", "note: '" + "A research diary. " * 60 + "Test fixture: not real data.")
    err = build_fails(src, out)
    assert re.search(r"example-org\.yaml:\d+:1: note: is 1\d{3} characters long", err)


def test_supports_must_name_a_filled_fact(sources_copy):
    src, out = sources_copy
    path = src / "systems" / "example-model.yaml"
    edit(path, "supports: [released]", "supports: [released, summary, url]")
    err = build_fails(src, out)
    assert "sources.0.supports.1: 'summary' is not a fact of systems" in err
    assert "sources.0.supports.2: the record has no url; remove it from supports" in err


def test_the_issuer_lives_in_one_place(sources_copy):
    src, out = sources_copy
    path = src / "instruments" / "example-declaration.yaml"
    edit(path, "participation:\n", "participation:\n  - actor_ids: [example-org]\n    role: issuer\n    source_url: https://example.org/declaration\n")
    err = build_fails(src, out)
    assert "participation.0.role: the issuer is already given by issuer_id" in err


def test_issuer_rows_are_derived_from_issuer_id(built_minimal):
    p = read_table(built_minimal, "participation")
    issuer = p[(p["instrument_id"] == "example-declaration") & (p["role"] == "issuer")]
    assert list(issuer["actor_id"]) == ["example-org"] and issuer["derived"].all()


def test_a_complete_list_must_have_its_stated_count(sources_copy):
    src, out = sources_copy
    path = src / "instruments" / "example-declaration.yaml"
    edit(path, "    status: partial\n", "    status: complete\n    count: '3'\n")
    err = build_fails(src, out)
    assert "lists.0.count: the list is marked complete but has 2 rows for 3 stated" in err


def test_every_role_needs_a_completeness_flag(sources_copy):
    src, out = sources_copy
    path = src / "instruments" / "example-declaration.yaml"
    edit(path, "lists:\n  - role: signatory\n", "lists:\n  - role: endorser\n")
    err = build_fails(src, out)
    assert "participation.0.role: say how complete the signatory list is" in err


def test_evidence_loads_typed_and_joins_to_citations(built_minimal):
    evidence = read_table(built_minimal, "evidence")
    citations = read_table(built_minimal, "citations")
    assert len(evidence) > 0
    joined = evidence.merge(citations, on="citation_id", how="left", validate="many_to_one")
    assert joined["url"].notna().all()
    # backing agrees with the citation's own flags
    assert (joined.loc[joined["backing"] == "official", "official"] == True).all()  # noqa: E712
    dates = evidence[(evidence["record_table"] == "instruments") & (evidence["fact"] == "date")]
    assert set(dates["record_id"]) == {"example-declaration"}
    assert isinstance(evidence["backing"].dtype, pd.CategoricalDtype)


def test_real_data_has_no_fact_without_evidence_and_no_unregistered_official_host(built):
    """The 'done when' of issue #12, on the real package."""
    evidence = read_table(built, "evidence")
    citations = read_table(built, "citations")
    publishers = read_table(built, "publishers")
    instruments = read_table(built, "instruments")
    dated = set(instruments.loc[instruments["date"].notna(), "id"])
    assert dated <= set(evidence[(evidence["record_table"] == "instruments") & (evidence["fact"] == "date")]["record_id"])
    hosts = tuple(publishers["address"])
    for url in citations.loc[citations["official"] == True, "url"]:  # noqa: E712
        parts = urlsplit(url)
        host, host_path = parts.hostname.lower(), parts.hostname.lower() + parts.path
        assert any(host == a or host.endswith("." + a) or host_path.startswith(a + "/") for a in hosts), url


def test_an_events_dates_are_official_only_on_its_hosts_pages(built):
    """A UN page about a BRICS summit is official for the UN, but secondary for the summit's dates."""
    import pandas as pd

    def read(name):
        return pd.read_csv(os.path.join(built, "data", f"{name}.csv"), dtype=str, keep_default_na=False)

    ev, cit, pub, act, events = read("evidence"), read("citations"), read("publishers"), read("actors"), read("events")
    parent = dict(zip(act["id"], act["parent_id"]))

    def lineage(actor):
        out = set()
        while actor and actor not in out:
            out.add(actor)
            actor = parent.get(actor, "")
        return out

    hosts = dict(zip(events["id"], events["host_id"]))
    urls = dict(zip(cit["citation_id"], cit["url"]))
    dates = ev[(ev["record_table"] == "events") & ev["fact"].isin(["start_date", "end_date"]) & (ev["backing"] == "official")]
    assert len(dates) > 10
    for row in dates.itertuples():
        host = urlsplit(urls[row.citation_id]).hostname
        owners = {a for address, a in zip(pub["address"], pub["actor_id"]) if host == address or host.endswith("." + address.split("/")[0])}
        assert any(lineage(o) & lineage(hosts[row.record_id]) for o in owners), (row.record_id, urls[row.citation_id])
    # and some dates are secondary because another body published them
    assert (ev[(ev["record_table"] == "events") & ev["fact"].isin(["start_date"])]["backing"] == "secondary").sum() > 10
