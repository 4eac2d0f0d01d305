"""Hostile input, by class: what a file name or a value can make the checker print, and how much.
(The validator's refusals of hostile YAML are in test_contributor.py.)"""

import os
import shutil
import time

from test_contributor import NEW_STATEMENT, cli, contributor_env, realistic_copy, write

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
