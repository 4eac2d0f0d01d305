"""The command line (aigov/cli.py): each command has its own options and --help, and
docs/cli.md is exactly what --help prints (as sqlite-utils keeps its CLI reference)."""

import os
import subprocess
import sys

import pytest

from aigov import cli
from conftest import ROOT


def help_of(*command):
    """What `python build.py COMMAND --help` prints, run as a person runs it (in a narrow terminal)."""
    env = {**os.environ, "COLUMNS": "60"}
    proc = subprocess.run([sys.executable, os.path.join(ROOT, "build.py"), *command, "--help"], capture_output=True,
                          text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_the_cli_reference_is_what_help_prints():
    helps = {"": help_of(), **{name: help_of(name) for name in cli.COMMANDS}}
    with open(os.path.join(ROOT, "docs", "cli.md"), encoding="utf-8") as fh:
        committed = fh.read()
    assert committed == cli.reference(helps), "docs/cli.md is out of date: run `python build.py`"


def test_the_reference_documents_every_command_and_option():
    text = cli.reference()
    _, subs = cli.parsers()
    for name, sub in subs.items():
        assert f"## `python build.py {name}`" in text
        for action in sub._actions:
            for flag in action.option_strings:
                if action.help is not cli.argparse.SUPPRESS:
                    assert flag in text, (name, flag)


@pytest.mark.parametrize("argv, wrong", [
    (["site", "--previous", "x"], "--previous x"),
    (["dist", "--check"], "--check"),
    (["validate", "--out", "x"], "--out x"),
    (["--package", "x"], "--package x"),  # the default command, build, reads sources, not a package
])
def test_an_option_of_another_command_is_an_error(argv, wrong, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    command = argv[0] if argv[0] in cli.COMMANDS else "build"
    assert f"python build.py {command}: error: unrecognized arguments: {wrong}" in err
    assert f"usage: python build.py {command} " in err


@pytest.mark.parametrize("flag", ["--check", "--fix", "--no-cache"])
def test_without_a_command_the_options_are_builds(flag):
    assert help_of(flag).startswith("usage: python build.py build ")
    assert flag in help_of("build")


def test_top_level_help_names_the_default_spellings():
    text = help_of()
    for spelling in ("python build.py --check", "python build.py --fix"):
        assert spelling in text
    for name in cli.COMMANDS:
        assert name in text
