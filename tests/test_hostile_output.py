"""Hostile input, by class: what a file name or a value can make the checker print, and how much.
(The validator's refusals of hostile YAML are in test_contributor.py.)"""

import time

from test_contributor import NEW_STATEMENT, cli, contributor_env, realistic_copy, write


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
