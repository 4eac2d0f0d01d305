"""Issue #13, contributors who are not programmers: `build.py validate` (checks, writes
nothing, no version), templates that cannot pass unchanged, YAML syntax errors in
plain words, suggestions that fix things, hardening against hostile input, and
definitions for every allowed value.

Commands run as a contributor runs them (a subprocess, no AIGOV_ALLOW_EXAMPLE_DATA),
on a copy of the minimal fixture whose example.org addresses and "Example" titles
are replaced, so that every rule applies as it does to real sources.
"""

import datetime as dt
import glob
import hashlib
import json
import os
import pickle
import re
import shutil
import stat
import subprocess
import sys

import pytest
import yaml

import aigov.cli
from aigov import pipeline, schema, vocabularies, yamlio
from aigov.checks import cells, guards
from aigov.checks import vocabularies as vocabulary_check
from aigov.problems import Problem
from conftest import MINIMAL, ROOT, run_build

TODAY = dt.date.today().isoformat()


# ------------------------------------------------------------------ helpers


def realistic_copy(folder):
    """The minimal fixture with its example data (example.org, 'Example ...') made ordinary."""
    shutil.copytree(MINIMAL, folder)
    for path in glob.glob(os.path.join(folder, "*", "*.yaml")):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        text = re.sub(r"example\.(org|net|com)", "fixture.test", text)
        text = re.sub(r"\bExample\b", "Test", text)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    return folder


def contributor_env(**extra):
    env = {k: v for k, v in os.environ.items() if k not in ("AIGOV_ALLOW_EXAMPLE_DATA", "GITHUB_ACTIONS", "AIGOV_DEBUG")}
    env.update(extra)
    return env


def cli(*args, env=None, timeout=120, umask=None, python=sys.executable, flags=()):
    """Run build.py as a person would."""
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run([python, *flags, os.path.join(ROOT, "build.py"), *map(str, args)], capture_output=True, text=True,
                          env=env or contributor_env(), timeout=timeout, preexec_fn=preexec, cwd=ROOT)


def tree_state(folder):
    """Every file and folder under ``folder`` with its mode, mtime and content hash."""
    state = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            digest = None
            if stat.S_ISREG(info.st_mode):
                with open(path, "rb") as fh:
                    digest = hashlib.sha256(fh.read()).hexdigest()
            state[os.path.relpath(path, folder)] = (info.st_mode, info.st_mtime_ns, digest)
    return state


def cache_file(sources):
    key = hashlib.sha1(os.path.abspath(str(sources)).encode("utf-8")).hexdigest()[:12]
    return os.path.join(ROOT, ".cache", f"parsed-{key}.json")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


NEW_STATEMENT = """id: oslo-statement-on-test-data
kind: statement
title_en: Oslo Statement on Test Data
binding: false
sources:
  - url: https://fixture.test/oslo-statement
    title: Oslo Statement on Test Data
    accessed: '2025-03-01'
    official: true
    language: en
    supports: [title_en]
family: summits
ai_scope: about-ai
"""

NEW_REPORT = """id: second-test-report
kind: report
title_en: Second Test Report
binding: false
sources:
  - url: https://fixture.test/second-report
    title: Second Test Report
    accessed: '2025-03-02'
    official: true
    language: en
    supports: [title_en]
family: reports-panels
ai_scope: about-ai
"""


@pytest.fixture
def realistic(tmp_path):
    """A realistic copy of the fixture, built once into out/; returns (sources, out)."""
    src = realistic_copy(tmp_path / "sources")
    out = tmp_path / "out"
    out.mkdir()
    proc = cli("--sources", src, "--out", out, "--no-cache")
    assert proc.returncode == 0, proc.stderr
    return src, out


def refused(src, out=None, *extra):
    """validate (or a build into ``out``) fails without a traceback; returns stderr."""
    args = ["--sources", src, "--out", out, "--no-cache"] if out else ["validate", "--sources", src]
    proc = cli(*args, *extra)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stderr


# ------------------------------------------------- 1. validate: check, write nothing


def test_a_new_record_passes_validate_with_no_rebuild_and_no_version_change(realistic, tmp_path):
    src, out = realistic
    write(src / "instruments" / "oslo-statement-on-test-data.yaml", NEW_STATEMENT)
    before = tree_state(tmp_path)
    proc = cli("validate", "--sources", src)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ok: 8 record files valid (nothing written)")
    assert proc.stderr == ""
    assert tree_state(tmp_path) == before  # no datapackage, no docs, no cache, nothing touched
    assert not os.path.exists(cache_file(src))
    # the same change is what `--check` calls stale: validate leaves rebuilding to maintainers
    stale = cli("--sources", src, "--out", out, "--check", "--no-cache")
    assert stale.returncode == 1 and "stale" in stale.stderr


def test_validate_never_asks_for_a_version_bump(tmp_path, monkeypatch, capsys):
    from aigov import release

    def fail(*_):
        raise AssertionError("validate must not check the version")

    monkeypatch.setattr(release, "version_problem", fail)
    monkeypatch.setattr(release, "last_release", fail)
    src = realistic_copy(tmp_path / "sources")
    write(src / "instruments" / "oslo-statement-on-test-data.yaml", NEW_STATEMENT)
    assert aigov.cli.main(["validate", "--sources", str(src)]) == 0
    assert "nothing written" in capsys.readouterr().out


def test_two_pull_requests_that_each_add_a_record_touch_only_their_own_file(tmp_path):
    base = realistic_copy(tmp_path / "base")
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(base, first)
    shutil.copytree(base, second)
    write(first / "instruments" / "oslo-statement-on-test-data.yaml", NEW_STATEMENT)
    write(second / "instruments" / "second-test-report.yaml", NEW_REPORT)
    for pr in (first, second):
        proc = cli("validate", "--sources", pr)
        assert proc.returncode == 0, proc.stderr
        changed = {k for k, v in tree_state(pr).items() if tree_state(base).get(k) is None or tree_state(base)[k][2] != v[2]}
        assert len(changed) == 1  # the pull request's own file, nothing generated
    merged = tmp_path / "merged"
    shutil.copytree(first, merged)
    shutil.copy(second / "instruments" / "second-test-report.yaml", merged / "instruments")
    assert cli("validate", "--sources", merged).returncode == 0


def test_validate_lists_problems_and_annotates_them_for_github(realistic):
    src, _ = realistic
    text = NEW_STATEMENT.replace("kind: statement", "kind: statment").replace("'2025-03-01'", "'2025-02-30'")
    write(src / "instruments" / "oslo-statement-on-test-data.yaml", text)
    proc = cli("validate", "--sources", src, env=contributor_env(GITHUB_ACTIONS="true"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    shown = os.path.relpath(src / "instruments" / "oslo-statement-on-test-data.yaml", ROOT)
    assert f"{shown}:2:1: kind: not an allowed value (got 'statment'" in proc.stderr
    assert f"{shown}:8:5: sources.0.accessed: not a real calendar date" in proc.stderr
    assert f"::error file={shown.replace(os.sep, '/')},line=2,col=1::kind: not an allowed value" in proc.stderr
    assert "Fix them and run `python build.py validate` again." in proc.stderr


def test_annotations_escape_what_would_break_them(capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    aigov.cli.report([Problem("sources/a,b:c.yaml", 3, 1, "note", "100% wrong\nsecond line", code="line-break")])
    err = capsys.readouterr().err
    # GitHub's own encoding of a newline in an annotation (%0A), after the code in brackets
    assert "::error file=sources/a%2Cb%3Ac.yaml,line=3,col=1::note: 100%25 wrong%0Asecond line [line-break]" in err


def test_validate_refuses_to_fix_or_check():
    proc = cli("validate", "--fix")
    assert proc.returncode == 2 and "never changes files" in proc.stderr


# ---------------------------------------- 2. templates that cannot pass unchanged


TEMPLATE_TABLES = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(ROOT, "templates", "*.yaml")))


def template(table):
    with open(os.path.join(ROOT, "templates", f"{table}.yaml"), encoding="utf-8") as fh:
        return fh.read()


@pytest.mark.parametrize("table", TEMPLATE_TABLES)
def test_a_template_copied_unchanged_is_refused_with_replace_the_placeholder(table, tmp_path):
    src = realistic_copy(tmp_path / "sources")
    data, _ = yamlio.load(template(table), table)
    write(src / table / f"{data['id']}.yaml", template(table))  # what a web-editor contributor pastes
    err = refused(src)
    mine = [line for line in err.splitlines() if f"{data['id']}.yaml:" in line]
    assert mine and all("Traceback" not in line for line in mine)
    placeholders = [line for line in mine if "replace the placeholder" in line]
    tables = schema.load_tables()
    required = [f.name for f in tables[table].fields if f.required and f.name not in ("id", "kind", "binding", "family", "ai_scope", "language", "openness")]
    for name in required:  # each required text field is a placeholder the contributor must replace
        assert any(f": {name}: " in line for line in placeholders), (name, mine)
    assert any(": id: " in line for line in placeholders)


@pytest.mark.parametrize("table", TEMPLATE_TABLES)
def test_new_writes_required_fields_with_optional_ones_commented_out_and_is_refused_unchanged(table, tmp_path):
    src = realistic_copy(tmp_path / "sources")
    proc = cli("new", table, "my-new-record", "--sources", src)
    assert proc.returncode == 0, proc.stderr
    path = src / table / "my-new-record.yaml"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    text = path.read_text(encoding="utf-8")
    data, _ = yamlio.load(text, str(path))  # it parses as it stands
    tables = schema.load_tables()
    required = {f.name for f in tables[table].fields if f.required}
    assert required <= set(data)
    optional = [f.name for f in tables[table].fields if not f.required and f.name not in {"title", "url"}]
    assert optional and not set(optional) & set(data)
    assert any(re.match(rf"# {name}: ", line) for line in text.splitlines() for name in optional)
    assert f"accessed: '{TODAY}'" in text
    err = refused(src)
    assert "my-new-record.yaml" in err and "replace the placeholder" in err
    # un-commenting an optional field gives valid YAML with that field
    name = next(n for n in optional if re.search(rf"^# {n}: ", text, re.M))
    again, _ = yamlio.load(re.sub(rf"^# ({name}: )", r"\1", text, flags=re.M), "again")
    assert name in again


def test_new_record_with_its_placeholders_replaced_passes(tmp_path):
    src = realistic_copy(tmp_path / "sources")
    assert cli("new", "instruments", "oslo-statement-on-test-data", "--sources", src).returncode == 0
    path = src / "instruments" / "oslo-statement-on-test-data.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("Example Declaration on Artificial Intelligence", "Oslo Statement on Test Data")
    text = text.replace("https://example.org/declaration", "https://fixture.test/oslo-statement")
    text = text.replace("https://example.org/signatories", "https://fixture.test/oslo-signatories")
    text = text.replace("Example list of signatories", "Signatories of the Oslo Statement")
    path.write_text(text, encoding="utf-8")
    proc = cli("validate", "--sources", src)
    assert proc.returncode == 0, proc.stderr


def test_every_id_in_the_templates_is_a_known_placeholder():
    for table in TEMPLATE_TABLES:
        data, _ = yamlio.load(template(table), table)
        ids = {data["id"]}
        for key, value in data.items():
            if key.endswith("_id"):
                ids.add(value)
        for child in schema.children_of(table):
            for item in data.get(child.key, []):
                if isinstance(item, dict):
                    ids |= {v for k, v in item.items() if k.endswith("_id") and isinstance(v, str)}
                    ids |= {v for v in item.get("actor_ids", []) if len(v) != 3}  # states are real ids
        assert ids <= guards.TEMPLATE_IDS, ids - guards.TEMPLATE_IDS
        if "wikidata" in schema.load_tables()[table].by_name:
            assert data["wikidata"] in guards.TEMPLATE_WIKIDATA
    assert not guards.TEMPLATE_IDS & {os.path.basename(p)[:-5] for p in glob.glob(os.path.join(MINIMAL, "*", "*.yaml"))}


def test_a_symbol_used_by_another_instrument_is_refused_with_its_file_and_line(realistic):
    src, _ = realistic
    text = NEW_STATEMENT.replace("binding: false", "symbol: A/RES/78/999\nbinding: false")
    text = text.replace("supports: [title_en]", "supports: [title_en, symbol]")
    write(src / "instruments" / "oslo-statement-on-test-data.yaml", text)
    err = refused(src)
    other = os.path.relpath(src / "instruments" / "example-declaration.yaml", ROOT)
    line = next(i for i, content in enumerate((src / "instruments" / "example-declaration.yaml").read_text().splitlines(), 1)
                if content.startswith("symbol:"))
    assert (f"oslo-statement-on-test-data.yaml:4:1: symbol: the symbol 'A/RES/78/999' is already used by "
            f"'example-declaration' ({other}:{line})") in err
    # an annex shares the symbol of the document it is annexed to
    text += "relations:\n  - relation: annex-of\n    target_id: example-declaration\n"
    write(src / "instruments" / "oslo-statement-on-test-data.yaml", text)
    assert cli("validate", "--sources", src).returncode == 0


# ---------------------------------------------- 3. YAML syntax errors in plain words


# class -> (malformed document, line:column reported, words the message must contain)
SYNTAX = {
    "colon in a value": ("id: x\ntitle_en: AI: the future\n", "2:13", "contains ': '", "put the whole value in quotes"),
    "value ending in a colon": ("id: x\ntitle_en: Scope:\n", "2:16", "ends with ':'", "put the whole value in quotes"),
    "line indented too far": ("id: x\n  kind: report\n", "2:3", "not lined up with the fields above", "same column"),
    "line indented too little": ("id: x\nkind: report\n title_en: y\n", "3:2", "not lined up with the fields above", "same column"),
    "missing colon": ("id: x\ntitle_en The title\nkind: report\n", "2:1", "has no ':' after its field name", "'field: value'"),
    "no space after the colon": ("id: x\nkind:statement\ntitle_en: y\n", "2:1", "no space after the ':' of 'kind'", "kind: statement"),
    "tab for indentation": ("id: x\nsources:\n\t- url: a\n", "3:1", "tab character", "use spaces, not tabs"),
    "tab inside an entry": ("id: x\nsources:\n  - url: a\n\ttitle: b\n", "4:1", "tab character", "use spaces, not tabs"),
    "value starting with @": ("id: x\nnote: @someone said so\n", "2:7", "cannot start with '@'", "in single quotes"),
    "entry key not lined up": ("sources:\n  - url: a\n   title: b\n", "3:4", "not lined up with the list entry",
                               "line the keys up under the first key after '-'"),
    "entry key without dash": ("sources:\n  - url: a\n  title: b\n", "3:3", "not lined up with the list entry", "begin the line with '- '"),
    "entry dash not lined up": ("sources:\n  - url: a\n    title: b\n - url: c\n", "4:2", "list entry is not lined up", "same column"),
    "text after a closing quote": ("id: x\ntitle_en: 'abc' def\n", "2:17", "text follows the closing quote", "inside the quotes"),
    "apostrophe inside single quotes": ("title_en: 'It's here'\n", "1:15", "text follows the closing quote", "written twice"),
    "quotes inside double quotes": ('title_en: "He said "hi""\n', "1:21", "text follows the closing quote", "single quotes"),
    "text after a list": ("note: [draft] text\n", "1:15", "read as a list", "put the whole value in quotes"),
    "field name missing": (": x\n", "1:1", "field name is missing", "'field: value'"),
    "quote left open, closed lines later": ("title_en: 'The title\nkind: report\naccessed: '2025-01-01'\n", "1:11",
                                            "never closed on its line", "(line 3)"),
    "unclosed single quote": ("id: x\ntitle_en: 'The title\nkind: report\n", "2:11", "never closed", "closing '"),
    "unclosed double quote": ('id: x\ntitle_en: "The title\nkind: report\n', "2:11", "never closed", 'closing "'),
    "unclosed list": ("id: x\nactor_ids: [chn, fra\n", "2:12", "is not closed", "end it with ']'"),
    "unclosed braces": ("id: x\nnote: {chn: fra\n", "2:7", "starts with '{'", "quotes"),
    "two commas": ("actor_ids: [chn,, fra]\n", "1:17", "empty item", "remove the extra comma"),
    "backslash in double quotes": ('note: "C:\\path"\n', "1:", "backslash", "single quotes"),
    "list entry after the field name": ("actor_ids: - chn\n", "1:12", "'- ' starts a list entry", "own line"),
    "value starting with &": ("publisher: & Co\n", "1:12", "YAML reference", "put the whole value in quotes"),
    "value starting with *": ("note: *important* text\n", "1:7", "YAML reference", "put the whole value in quotes"),
    "undefined alias": ("id: *foo\n", "1:5", "anchors and aliases", "put the whole value in quotes"),
    "anchor": ("id: &a x\nkind: *a\n", "1:5", "anchors and aliases", "write the value out in full"),
    "text after a block indicator": ("note: >- some text\n", "1:7", "nothing may follow on the same line", "next line"),
    "document end marker": ("id: x\n...\nkind: y\n", "3:1", "stopped reading the record", "delete that line"),
    "second document": ("id: x\n---\nkind: y\n", "2:1", "exactly one YAML document", "second '---'"),
    "directive": ("%something\nid: x\n", "", "'%'", "delete"),
    "duplicate key": ("id: x\nkind: a\nkind: b\n", "3:1", "appears twice in this record (first on line 2)", "delete the other"),
    "control character": ("id: x\x07\n", "1:6", "invisible control character U+0007", "delete it"),
    "tag": ("note: !important\n", "1:7", "read as a tag", "put the whole value in quotes"),
    "nested too deep": ("a: " + "[" * 30 + "]" * 30 + "\n", "1:23", "nested more than 20 levels", "indentation"),
    "nested too deep in blocks": ("".join("  " * i + f"k{i}:\n" for i in range(25)) + "  " * 25 + "v: x\n", "21:41",
                                  "nested more than 20 levels", "brackets"),
    "field name too long": ("x" * 150 + ": y\n", "1:1", "a field name of 150 characters", "missing line break"),
    "list as the whole file": ("- id: x\n", "1:1", "must be a mapping of field names", "not a list"),
}
LOADERS = [yaml.CBaseLoader, yaml.BaseLoader] if hasattr(yaml, "CBaseLoader") else [yaml.BaseLoader]


@pytest.mark.parametrize("loader", LOADERS, ids=[L.__name__ for L in LOADERS])
@pytest.mark.parametrize("name", list(SYNTAX))
def test_each_class_of_yaml_error_has_a_plain_words_message_with_line_and_column(name, loader, monkeypatch):
    text, where, *words = SYNTAX[name]
    monkeypatch.setattr(yamlio, "_Loader", loader)
    with pytest.raises(yamlio.YamlError) as caught:
        yamlio.load(text, "rec.yaml")
    message = str(caught.value)
    assert message.startswith(f"rec.yaml:{where}"), message
    for word in words:
        if name == "directive" and loader is yaml.BaseLoader and word == "'%'":
            word = "'%…'"  # the pure-Python parser reads it as a document marker
        assert word in message, (word, message)
    plain = message.split(" [YAML parser:")[0]
    for jargon in ("scalar", "mapping values", "block end", "<", "token", "indicator"):
        assert jargon not in plain, (jargon, message)


def test_syntax_errors_are_reported_by_validate_with_file_line_and_column(realistic):
    src, _ = realistic
    for number, name in enumerate(SYNTAX):
        write(src / "instruments" / f"broken-{number}.yaml", SYNTAX[name][0])
    err = refused(src)
    for number, name in enumerate(SYNTAX):
        where = SYNTAX[name][1]
        assert f"broken-{number}.yaml:{where}" in err, (name, err)
    assert f"{len(SYNTAX)} files" in err


# ---------------------------------------------------- 4. suggestions that fix things


def test_a_country_name_or_code_where_an_actor_id_is_expected_suggests_the_id(realistic):
    src, _ = realistic
    assert cli("new-state", "DEU", "--sources", src).returncode == 0
    text = NEW_STATEMENT.replace("binding: false", "issuer_id: {}\nbinding: false")
    cases = {"germany-name": "Germany", "germany-code": "DEU", "germany-alpha2": "de", "togo": "tgo",
             "official-name": "Federal Republic of Germany", "not-a-country": "Germanyy"}
    for name, value in cases.items():
        write(src / "instruments" / f"{name}.yaml", text.replace("oslo-statement-on-test-data", name).format(value))
    err = refused(src)
    assert re.search(r"germany-name\.yaml:4:1: issuer_id: does not have the expected form \(got 'Germany', expected an id: "
                     r"lowercase letters, digits and single hyphens, e\.g\. '[a-z]+'\); 'Germany' is the name of Germany: a state's id "
                     r"is its lowercase ISO 3166-1 alpha-3 code, write 'deu' \[wrong-form\]$", err, re.M)
    assert "germany-code.yaml:4:1: issuer_id: does not have the expected form (got 'DEU'" in err and "'DEU' is the ISO code of Germany" in err
    assert ("germany-alpha2.yaml:4:1: issuer_id: refers to 'de', which is not an id in actors (no file sources/actors/de.yaml); "
            "'de' is the ISO code of Germany: a state's id is its lowercase ISO 3166-1 alpha-3 code, write 'deu'") in err
    assert ("togo.yaml:4:1: issuer_id: refers to 'tgo', which is not an id in actors (no file sources/actors/tgo.yaml); "
            "Togo has no actor file yet: create it with `python build.py new-state TGO`") in err
    assert "official-name.yaml:4:1: issuer_id:" in err and "the name of Germany" in err
    never_fuzzy = next(line for line in err.splitlines() if "not-a-country.yaml" in line)
    assert "Germany" not in never_fuzzy.split("(got 'Germanyy'")[1]


def test_a_missing_state_is_suggested_with_new_state(realistic):
    src, _ = realistic
    text = NEW_STATEMENT.replace("binding: false", "issuer_id: Germany\nbinding: false")
    write(src / "instruments" / "oslo-statement-on-test-data.yaml", text)
    err = refused(src)
    assert "write 'deu' (Germany has no actor file yet: create it with `python build.py new-state DEU`)" in err


def test_the_example_for_a_foreign_key_is_an_id_of_the_table_it_points_to(realistic):
    src, _ = realistic
    actors = {os.path.basename(p)[:-5] for p in glob.glob(str(src / "actors" / "*.yaml"))}
    events = {os.path.basename(p)[:-5] for p in glob.glob(str(src / "events" / "*.yaml"))}
    text = NEW_STATEMENT.replace("binding: false", "issuer_id: The Issuer\nevent_id: The Summit\nbinding: false")
    write(src / "instruments" / "oslo-statement-on-test-data.yaml", text)
    err = refused(src)
    issuer = re.search(r"issuer_id: does not have the expected form .*?e\.g\. '([^']+)'", err).group(1)
    event = re.search(r"event_id: does not have the expected form .*?e\.g\. '([^']+)'", err).group(1)
    assert issuer in actors and event in events


def test_new_state_for_an_existing_state_says_so(realistic):
    src, _ = realistic
    proc = cli("new-state", "NOR", "--sources", src)
    assert proc.returncode == 0
    assert "already exists" in proc.stdout and "nothing to do" in proc.stdout
    proc = cli("new-state", "DE", "--sources", src)
    assert proc.returncode == 1 and "Germany is DEU: python build.py new-state DEU" in proc.stderr


def test_a_future_accessed_date_is_refused(realistic):
    src, _ = realistic
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    write(src / "instruments" / "oslo-statement-on-test-data.yaml", NEW_STATEMENT.replace("'2025-03-01'", f"'{future}'"))
    err = refused(src)
    assert f"oslo-statement-on-test-data.yaml:8:5: sources.0.accessed: is in the future (got '{future}'" in err
    assert "cannot be later than today" in err
    check = cells.cell_checker(schema.load_tables()["citations"].by_name["accessed"], today=dt.date(2025, 1, 1))
    assert check("2025-01-01") is None and "future" in check("2025-01-02").message
    assert check("2025-01-02").code == "date-in-future"


# ---------------------------------------------------------------- 5. hardening


def package_hash(out):
    return {k: v[2] for k, v in tree_state(out / "datapackage").items()}


HOSTILE_FILES = {
    "deep.yaml": ("a: " + "[" * 5000 + "]" * 5000 + "\n", "1:23", "nested more than 20 levels"),
    "long-cell.yaml": (NEW_STATEMENT.replace("id: oslo-statement-on-test-data", "id: long-cell").replace(
        "binding: false", "binding: false\nnote: '" + "x" * 40000 + "'"), "5:1", "spreadsheets cut a cell at 32,767"),
    "binary.yaml": ("\x00\x01\x02garbage", "1:1", "invisible control character U+0000"),
    "bidi-key.yaml": ("id: bidi-key\n\u202eevil: x\n", "2:1", "unknown field"),
}


def test_hostile_files_are_refused_with_file_and_line_and_no_traceback(realistic):
    src, out = realistic
    before = package_hash(out)
    for name, (text, _, _) in HOSTILE_FILES.items():
        write(src / "instruments" / name, text)
    big = src / "instruments" / "big.yaml"
    big.write_bytes(b"note: '" + b"y" * (yamlio.MAX_FILE_BYTES + 10) + b"'\n")
    err = refused(src, out)
    for name, (_, where, words) in HOSTILE_FILES.items():
        assert f"{name}:{where}" in err and words in err, (name, err[-3000:])
    assert "big.yaml:1:1: the file is larger than 4096 KiB (4 MiB)" in err
    assert "nothing was written" in err
    assert package_hash(out) == before


def test_a_ten_kilobyte_vote_record_is_fine():
    states = sorted({c.alpha_3.lower() for c in __import__("pycountry").countries})[:193]
    text = "id: x\nparticipation:\n  - role: voted-yes\n    actor_ids: [" + ", ".join(states) + "]\n"
    assert 1000 < len(text.encode()) < yamlio.MAX_FILE_BYTES
    data, _ = yamlio.load(text, "vote.yaml")
    assert len(data["participation"][0]["actor_ids"]) == 193


def test_symbolic_links_in_sources_are_refused_and_never_followed(realistic, tmp_path):
    src, out = realistic
    before = package_hash(out)
    secret = tmp_path / "secret"
    secret.mkdir()
    write(secret / "leak.yaml", NEW_STATEMENT.replace("Oslo Statement on Test Data", "SECRET-CONTENT"))
    os.symlink(secret / "leak.yaml", src / "instruments" / "leak.yaml")
    os.symlink(secret, src / "instruments" / "linked-folder")
    os.symlink(secret, src / "linked-table")
    err = refused(src, out)
    for link in ("instruments/leak.yaml", "instruments/linked-folder", "linked-table"):
        assert f"{os.path.relpath(src / link, ROOT)}:1:1: symbolic link" in err, (link, err)
    assert "never followed" in err and "SECRET-CONTENT" not in err
    assert package_hash(out) == before
    # --fix never writes through a link either
    leaked = (secret / "leak.yaml").read_bytes()
    proc = cli("--sources", src, "--out", out, "--fix", "--no-cache")
    assert "Traceback" not in proc.stderr
    assert (secret / "leak.yaml").read_bytes() == leaked
    # a sources folder that is itself a link is refused
    linked = tmp_path / "linked-sources"
    os.symlink(src, linked)
    assert "the sources folder is a symbolic link" in refused(linked)


def test_a_pipe_and_a_folder_named_like_a_record_are_refused_without_hanging(realistic):
    src, out = realistic
    os.mkfifo(src / "instruments" / "pipe.yaml")
    os.mkdir(src / "instruments" / "folder.yaml")
    err = refused(src, out)
    assert "pipe.yaml:1:1: not an ordinary file" in err
    assert "folder.yaml:1:1: folder inside a record folder" in err


def test_a_file_name_that_is_not_utf8_is_reported_without_traceback(realistic):
    src, out = realistic
    with open(os.path.join(os.fsencode(src / "instruments"), b"bad\xff.yaml"), "wb") as fh:
        fh.write(NEW_STATEMENT.encode())
    err = refused(src, out)
    assert "the id must equal the file name" in err


def test_a_damaged_or_planted_cache_is_never_unpickled_and_only_slows_the_build(realistic, tmp_path):
    src, out = realistic
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    key = hashlib.sha1(os.path.abspath(str(src)).encode("utf-8")).hexdigest()[:12]
    cache_dir = out / ".cache"
    cache_dir.mkdir(exist_ok=True)
    for name in (f"parsed-{key}.pickle", f"parsed-{key}.json"):
        (cache_dir / name).write_bytes(pickle.dumps({"loader": "x", "files": Payload()}))
    proc = cli("--sources", src, "--out", out)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert not marker.exists()
    cached = json.loads((cache_dir / f"parsed-{key}.json").read_text(encoding="utf-8"))  # replaced by a JSON cache
    assert cached["format"] == pipeline.CACHE_FORMAT
    for garbage in (b"\x00\xff not json", b'{"format": 2, "loader": "%s", "files": {"a": [1, 2, 3, 4]}}', b"[]"):
        (cache_dir / f"parsed-{key}.json").write_bytes(garbage)
        proc = cli("--sources", src, "--out", out)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    # a cache entry whose data is not what the parser gives is not used
    stored = json.loads((cache_dir / f"parsed-{key}.json").read_text(encoding="utf-8"))
    path = next(iter(stored["files"]))
    stored["files"][path][2] = {"id": 5}
    (cache_dir / f"parsed-{key}.json").write_text(json.dumps(stored), encoding="utf-8")
    assert pipeline._read_cache(str(cache_dir / f"parsed-{key}.json"), stored["loader"]) == {}


def test_everything_the_build_writes_is_0644_and_0755_whatever_the_umask(tmp_path):
    src = realistic_copy(tmp_path / "sources")
    out = tmp_path / "out"
    proc = cli("--sources", src, "--out", out, umask=0o077)
    assert proc.returncode == 0, proc.stderr
    written = [os.path.join(root, n) for root, dirs, files in os.walk(out) for n in dirs + files]
    assert any(p.endswith("datapackage.json") for p in written) and any(".cache" in p for p in written)
    for path in written:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        assert mode == (0o755 if os.path.isdir(path) else 0o644), (path, oct(mode))


def test_the_build_refuses_to_write_through_a_symbolic_link(realistic, tmp_path):
    src, out = realistic
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.rmtree(out / "docs")
    os.symlink(elsewhere, out / "docs")
    proc = cli("--sources", src, "--out", out, "--no-cache")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "is a symbolic link; the build does not write through links" in proc.stderr
    assert os.listdir(elsewhere) == []


def test_a_missing_dependency_gives_the_set_up_command_not_a_traceback(tmp_path):
    # -S: without site-packages, as with a Python the requirements were never installed into
    proc = cli("validate", flags=("-S",))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "PyYAML" in proc.stderr and "run the set-up command first" in proc.stderr.lower()
    assert "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt" in proc.stderr
    assert r"py -m venv .venv && .venv\Scripts\pip install -r requirements.txt" in proc.stderr


def test_an_unexpected_error_is_a_sentence_not_a_traceback(monkeypatch, capsys):
    monkeypatch.setattr(aigov.cli, "main", lambda argv=None: 1 / 0)
    monkeypatch.delenv("AIGOV_DEBUG", raising=False)
    umask = os.umask(0o022)
    try:
        assert aigov.cli.run([]) == 70
    finally:
        os.umask(umask)
    err = capsys.readouterr().err
    assert "internal error: ZeroDivisionError" in err and "Traceback" not in err


# ------------------------------------------------------ 6. every value is defined


def test_every_allowed_value_has_a_definition():
    tables = schema.load_tables()
    assert vocabulary_check.check(tables, schema.SCHEMA_DIR) == []
    for name in ("participation", "participation_lists"):
        if name in tables:
            defined = vocabularies.definitions_of(tables[name].by_name["role"])
            for role in ("signatory", "endorser", "adherent", "party", "co-sponsor", "voted-yes", "abstained"):
                assert defined[role].endswith(".")


def test_the_vocabularies_file_defines_the_values_being_added():
    with open(os.path.join(schema.SCHEMA_DIR, vocabularies.FILE), encoding="utf-8") as fh:
        raw = json.load(fh)
    roles = raw["participation.role"]
    assert {"sponsor", "additional-sponsor", "not-voting"} <= set(roles)
    assert set(raw["participation_lists.status"]) == {"complete", "partial", "absent"}
    assert raw["participation_lists.role"] == "participation.role"


def test_the_data_dictionary_prints_each_definition():
    from aigov import docs

    tables = schema.load_tables()
    text = docs.data_dictionary(tables)
    for table in tables.values():
        for f in table.fields:
            for value, definition in vocabularies.definitions_of(f).items():
                if f.enum and value in f.enum:
                    assert f"- `{value}`: {definition}" in text
    public = json.dumps([schema.public_schema(t) for t in tables.values()])
    assert "x-enum-descriptions" not in public  # the definitions guide the docs, not the published descriptor


def test_the_build_fails_when_an_allowed_value_has_no_definition(tmp_path, capsys):
    schemas = tmp_path / "schemas"
    shutil.copytree(schema.SCHEMA_DIR, schemas)
    with open(schemas / vocabularies.FILE, encoding="utf-8") as fh:
        raw = json.load(fh)
    del raw["instruments.adoption"]["consensus"]
    with open(schemas / vocabularies.FILE, "w", encoding="utf-8") as fh:
        json.dump(raw, fh, indent=2)
    out = tmp_path / "out"
    assert run_build(MINIMAL, out, "--schemas", str(schemas)) == 1
    err = capsys.readouterr().err
    assert "instruments.adoption: no definition for the allowed value 'consensus'" in err
    assert not os.path.exists(out / "datapackage")


# ------------------------------------------------------------- 7. documentation


def test_readme_and_contributing_give_windows_commands_beside_the_unix_ones():
    for name in ("README.md", "CONTRIBUTING.md"):
        with open(os.path.join(ROOT, name), encoding="utf-8") as fh:
            text = fh.read()
        assert "py -m venv .venv" in text and r".venv\Scripts\python build.py" in text, name
        assert ".venv/bin/python build.py" in text, name
    with open(os.path.join(ROOT, "CONTRIBUTING.md"), encoding="utf-8") as fh:
        text = fh.read()
    assert "build.py validate" in text and "web editor" in text.lower()
    with open(os.path.join(ROOT, ".github", "workflows", "check.yml"), encoding="utf-8") as fh:
        workflow = fh.read()
    assert "build.py validate" in workflow and ".ci/run" in workflow
