"""Hostile input, by class: what a file name or a value can make the checker print, and how much.
(The validator's refusals of hostile YAML are in test_contributor.py.)"""

import os
import shutil
import time

import pytest
from test_contributor import NEW_STATEMENT, cli, contributor_env, realistic_copy, write

from aigov import schema as _schema
from aigov.checks.cells import cell_checker
from conftest import ROOT


def test_a_file_name_cannot_forge_a_github_annotation_or_hide_text(tmp_path):
    """A newline and '::error' in a file name, and a right-to-left override, are printed escaped."""
    src = realistic_copy(tmp_path / "sources")
    forged = "oslo\n::error file=README.md::all good"
    write(str(src / "instruments" / f"{forged}.yaml"), NEW_STATEMENT)
    write(str(src / "instruments" / "bidi\u202egnp.yaml"), NEW_STATEMENT)
    proc = cli("validate", "--sources", src, env=contributor_env(GITHUB_ACTIONS="true"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert not any(line.startswith("::error file=README.md") for line in lines)
    assert "\u202e" not in proc.stderr and "\\u202e" in proc.stderr
    assert "oslo\\n::error file=README.md::all good" in proc.stderr


def test_problems_are_capped_per_file_and_counted(tmp_path):
    """One file with 20,000 bad entries: a bounded report that says how many more there are."""
    src = realistic_copy(tmp_path / "sources")
    entries = "".join(f"  - role: signatory\n    actor_ids: [Not An Id {i}]\n    source_url: https://fixture.test/oslo-statement\n"
                      for i in range(20000))
    write(str(src / "instruments" / "oslo-statement-on-test-data.yaml"), NEW_STATEMENT + "participation:\n" + entries)
    started = time.monotonic()
    proc = cli("validate", "--sources", src)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr) < 200_000, len(proc.stderr)
    assert "more problems not shown" in proc.stderr
    assert elapsed < 60, elapsed  # a generous bound: the point is that it ends, not how fast


def test_site_and_dist_refuse_an_out_they_cannot_use_without_touching_it(tmp_path):
    mine = tmp_path / "notes.txt"
    mine.write_text("my notes\n", encoding="utf-8")
    for command in ("site", "dist"):
        proc = cli(command, "--out", mine)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr and "internal error" not in proc.stderr
        assert "is a file, not a folder" in proc.stderr
        assert mine.read_text(encoding="utf-8") == "my notes\n"
        proc = cli(command, "--out", tmp_path / "no" / "such" / "folder")
        assert proc.returncode == 1 and "does not exist; create it first" in proc.stderr
        assert not (tmp_path / "no").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing left beside it


# ------------------------------------------------------------------ no input makes validate slower than linear


def _many_entries(n: int) -> str:
    """A record whose lists hold ``n`` entries in all, each a different mistake that asks for a suggestion:
    ids that point at no actor, and entries with a misspelt field."""
    ids = ", ".join(f"q{i:x}" for i in range(n * 3 // 4))
    misspelt = "".join(f"  - urll{i:x}: x\n" for i in range(n // 4))
    return (NEW_STATEMENT + "participation:\n  - role: signatory\n    source_url: https://fixture.test/oslo-statement\n"
            f"    actor_ids: [{ids}]\nlists:\n{misspelt}")


def test_suggestions_are_worked_out_for_a_bounded_number_of_mistakes(tmp_path, monkeypatch):
    """'did you mean …?' compares a value with every id or field name: done for each of 20,000 distinct
    mistakes, that is (mistakes x ids) comparisons; it is done for a bounded number of them."""
    import difflib

    from aigov import pipeline, schema

    src = realistic_copy(tmp_path / "sources")
    write(str(src / "instruments" / "oslo-statement-on-test-data.yaml"), _many_entries(20_000))
    calls = []
    real = difflib.get_close_matches
    monkeypatch.setattr(difflib, "get_close_matches", lambda *a, **k: calls.append(1) or real(*a, **k))
    parsed, problems = pipeline.load(str(src))
    _, more = pipeline.validate(parsed, schema.load_tables())
    codes = {p.code for p in problems + more}
    assert {"dangling-reference", "unknown-field"} <= codes
    assert len(problems + more) > 20_000
    assert len(calls) <= 1_000, len(calls)


def test_validate_of_a_list_of_150000_entries_is_linear(tmp_path):
    """One file (~1.4 MiB) whose lists hold 150,000 mistakes, beside the real sources (hundreds of ids to
    compare with): validate answers in seconds (the bound is generous; the benchmark line says how long)."""
    src = tmp_path / "sources"
    shutil.copytree(os.path.join(ROOT, "sources"), src)
    body = _many_entries(150_000).replace("fixture.test", "www.un.org")
    write(str(src / "instruments" / "oslo-statement-on-test-data.yaml"), body)
    started = time.monotonic()
    proc = cli("validate", "--sources", src, timeout=300)
    elapsed = time.monotonic() - started
    print(f"\nbenchmark: validate, real sources + one {len(body.encode()) / 2**20:.2f} MiB file of 150,000 mistakes: {elapsed:.1f} s")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr[-2000:]
    assert "more problems not shown" in proc.stderr
    assert elapsed < 20, elapsed


# ------------------------------------------------------------------ web addresses that browsers read differently

_URL_FIELD = _schema.load_tables()["citations"].by_name["url"]


@pytest.mark.parametrize("url, code", [
    ("https://evil.example\\@un.org/x", "url-backslash"),   # urlsplit: host un.org; a browser: evil.example
    ("https://un.org\\x", "url-backslash"),
    ("https://un.org@evil.example/", "url-credentials"),    # a browser opens evil.example
    ("https://user:pass@un.org/", "url-credentials"),
    ("https:///x", "url-no-host"),                          # a browser opens the host named by the path: x
    ("https://un.org:99999999999999999999/", "url-port"),   # urlsplit(...).port raises ValueError
    ("https://un.org:0/", "url-port"),
    ("https://un.org:http/", "url-port"),
    ("https://un.org:/", "url-port"),
    ("https://[::1]:x/", "url-port"),
])
def test_an_address_a_browser_reads_differently_is_refused(url, code):
    bad = cell_checker(_URL_FIELD)(url)
    assert bad is not None and bad.code == code, (url, bad)
    assert "Traceback" not in bad.message


@pytest.mark.parametrize("url", [
    "https://www.un.org/en/ai", "https://un.org/x?q=a@b", "https://un.org/a/@user", "https://un.org/#a@b",
    "http://[2001:db8::1]/x", "https://docs.un.org/A/RES/78/265", "https://itu.int:443/x", "http://[::1]:8080/",
])
def test_an_ordinary_address_is_accepted(url):
    assert cell_checker(_URL_FIELD)(url) is None


def test_an_official_source_python_reads_on_a_registered_host_but_a_browser_does_not_is_refused(tmp_path):
    """urlsplit reads the host of 'https://evil.example\\@fixture.test/…' as fixture.test (a registered publisher);
    a browser turns the backslash into '/' and opens evil.example."""
    src = realistic_copy(tmp_path / "sources")
    body = NEW_STATEMENT.replace("https://fixture.test/oslo-statement", "https://evil.example\\@fixture.test/oslo-statement")
    assert body != NEW_STATEMENT
    write(str(src / "instruments" / "oslo-statement-on-test-data.yaml"), body)
    proc = cli("validate", "--sources", src)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert "[url-backslash]" in proc.stderr


@pytest.mark.parametrize("address, refused", [("https://fixture.test:8443/oslo-statement", True),
                                               ("https://fixture.test:443/oslo-statement", False)])
def test_an_official_source_on_another_port_is_not_on_its_registered_site(tmp_path, address, refused):
    """A registered site is named without a port: the same host on another port is another server."""
    src = realistic_copy(tmp_path / "sources")
    write(str(src / "instruments" / "oslo-statement-on-test-data.yaml"),
          NEW_STATEMENT.replace("https://fixture.test/oslo-statement", address))
    proc = cli("validate", "--sources", src)
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert proc.returncode == (1 if refused else 0), proc.stderr
    if refused:
        assert "fixture.test:8443 is not a registered official publisher" in proc.stderr


# ------------------------------------------------------------------ values later steps cannot hold


@pytest.mark.parametrize("table, field, value, code", [
    ("instruments", "date", "0999-12-31", "date-out-of-range"),
    ("instruments", "date", "3000-01-01", "date-out-of-range"),
    ("instruments", "date", "9999-12-31", "date-out-of-range"),
    ("instruments", "date", "0000-01-01", "date-out-of-range"),
    ("instruments", "cosponsor_count", str(2**63), "integer-out-of-range"),
    ("instruments", "cosponsor_count", "9" * 5000, "integer-out-of-range"),  # int() refuses over 4,300 digits
    ("figures", "value", "9" * 400, "number-out-of-range"),                   # float() gives inf
], ids=["999", "3000", "9999", "0", "2**63", "5000-digits", "400-digits"])
def test_a_value_no_later_step_can_hold_is_refused(table, field, value, code):
    bad = cell_checker(_schema.load_tables()[table].by_name[field])(value)
    assert bad is not None and bad.code == code, (value[:30], bad)


@pytest.mark.parametrize("table, field, value", [
    ("instruments", "date", "1000-01-01"), ("instruments", "date", "2999-12-31"), ("instruments", "date", "1899-12-31"),
    ("instruments", "cosponsor_count", str(2**63 - 1)), ("figures", "value", "1" + "0" * 300),
], ids=["1000", "2999", "1899", "2**63-1", "1e300"])
def test_a_value_at_the_bounds_is_accepted(table, field, value):
    assert cell_checker(_schema.load_tables()[table].by_name[field])(value) is None


def test_validate_refuses_a_date_in_the_year_9999_in_plain_words(tmp_path):
    src = realistic_copy(tmp_path / "sources")
    write(str(src / "instruments" / "oslo-statement-on-test-data.yaml"),
          NEW_STATEMENT + "date: '9999-12-31'\ndate_type: adopted\n")
    proc = cli("validate", "--sources", src)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert "the year must be between 1000 and 2999" in proc.stderr and "[date-out-of-range]" in proc.stderr
