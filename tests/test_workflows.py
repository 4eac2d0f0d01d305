"""The GitHub workflows, read as GitHub reads them: valid YAML, every action pinned by a commit,
the least permissions, no expression pasted into a shell script, and the snapshot steps in place."""

import glob
import os
import re

import pytest
import yaml

from conftest import ROOT

WORKFLOWS = sorted(glob.glob(os.path.join(ROOT, ".github", "workflows", "*.yml")))
PINNED = re.compile(r"[a-z0-9-]+/[a-z0-9._-]+(/[a-z0-9._/-]+)?@[0-9a-f]{40}")
FETCH = re.compile(r"fetch[_-]snapshots")  # python build.py fetch-snapshots
WRITES = {"rebuild.yml": {"contents", "pull-requests"}, "refresh-snapshots.yml": {"contents", "pull-requests"},
          "release.yml": {"contents"}}


def load(path):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    data = yaml.safe_load(text)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return text, data


def steps(data):
    return [(job, step) for job, spec in data["jobs"].items() for step in spec["steps"]]


def test_there_are_the_workflows():
    assert {os.path.basename(p) for p in WORKFLOWS} >= {"check.yml", "release.yml", "rebuild.yml", "refresh-snapshots.yml"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=os.path.basename)
def test_actions_are_pinned_and_permissions_least(path):
    text, data = load(path)
    name = os.path.basename(path)
    for job, step in steps(data):
        if "uses" in step:
            assert PINNED.fullmatch(step["uses"]), f"{name} {job}: {step['uses']} is not pinned by a commit"
    for line in text.splitlines():
        if re.match(r"\s*(- )?uses:", line):
            assert re.search(r"@[0-9a-f]{40} # v[0-9.]+$", line), f"{name}: say the version the commit is: {line.strip()}"
    assert "permissions" in data, f"{name}: no workflow-level permissions"
    granted = [data["permissions"]] + [spec.get("permissions", {}) for spec in data["jobs"].values()]
    writes = {scope for p in granted for scope, level in (p or {}).items() if level == "write"}
    assert all(p not in ("write-all", "read-all") for p in granted)
    assert writes == WRITES.get(name, set()), f"{name}: writes {sorted(writes)}"
    for job, spec in data["jobs"].items():
        assert "timeout-minutes" in spec and spec["runs-on"].startswith("ubuntu-"), f"{name} {job}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=os.path.basename)
def test_no_expression_inside_a_shell_script(path):
    """Values reach scripts through env:, never pasted into the script (script injection)."""
    _, data = load(path)
    for job, step in steps(data):
        assert "${{" not in step.get("run", ""), f"{os.path.basename(path)} {job}: {step.get('name', step['run'][:40])}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=os.path.basename)
def test_checkout_keeps_no_credentials(path):
    _, data = load(path)
    for _, step in steps(data):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False


def test_snapshots_are_fetched_before_the_tests():
    """Every job that runs the tests restores the snapshot cache keyed on the manifests and fetches
    (directly or through .ci/run, which fetches before pytest)."""
    with open(os.path.join(ROOT, ".ci", "run"), encoding="utf-8") as fh:
        ci_run = fh.read()
    assert FETCH.search(ci_run).start() < ci_run.index("pytest")
    for path in WORKFLOWS:
        _, data = load(path)
        for job, spec in data["jobs"].items():
            runs = [s.get("run", "") for s in spec["steps"]]
            tests_at = next((i for i, r in enumerate(runs) if "pytest" in r or ".ci/run" in r), None)
            if tests_at is None:
                continue
            cache = [i for i, s in enumerate(spec["steps"]) if s.get("uses", "").startswith("actions/cache")]
            assert cache and cache[0] < tests_at, f"{os.path.basename(path)} {job}: no snapshot cache before the tests"
            key = spec["steps"][cache[0]]["with"]["key"]
            assert "hashFiles('snapshots/*.tsv')" in key and spec["steps"][cache[0]]["with"]["path"] == ".cache/snapshots"
            if ".ci/run" not in runs[tests_at]:
                assert any(FETCH.search(r) for r in runs[:tests_at]), f"{os.path.basename(path)} {job}: no fetch"


def test_pull_requests_check_the_package_against_a_rebuild():
    _, data = load(os.path.join(ROOT, ".github", "workflows", "check.yml"))
    runs = [s.get("run", "") for s in data["jobs"]["tests"]["steps"]]
    assert any("build.py --check" in r for r in runs)


def test_the_scheduled_refresh_and_the_rebuild_open_pull_requests():
    _, refresh = load(os.path.join(ROOT, ".github", "workflows", "refresh-snapshots.yml"))
    assert refresh["on"]["schedule"] and "workflow_dispatch" in refresh["on"]
    _, rebuild = load(os.path.join(ROOT, ".github", "workflows", "rebuild.yml"))
    assert rebuild["on"]["push"]["branches"] == ["main"]
    for data in (refresh, rebuild):
        script = "\n".join(s.get("run", "") for _, s in steps(data))
        assert "gh pr create" in script and re.search(r"package_changes\.py| changes ", script)
    assert re.search(r"refresh[_-]snapshots", "\n".join(s.get("run", "") for _, s in steps(refresh)))
