"""The benchmark's synthetic sources are valid records, so the benchmark measures a
successful build (not the time it takes to reject 900 files)."""

import os
import sys

from conftest import ROOT, run_build

sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from generate import generate  # noqa: E402


def test_generated_sources_build(tmp_path, capsys):
    rows = generate(str(tmp_path / "sources"), 1000)
    assert run_build(str(tmp_path / "sources"), tmp_path / "out") == 0, capsys.readouterr().err[-2000:]
    built = capsys.readouterr().out
    assert f"from {sum(len(f) for _, _, f in os.walk(tmp_path / 'sources'))} files" in built
    assert rows >= 1000
