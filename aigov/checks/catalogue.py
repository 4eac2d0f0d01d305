"""The catalogue of problem codes: every ``Problem`` the build reports carries one of these.

A code names a kind of problem, and stays the same when its message is reworded, so that
people can look it up and tools can count or filter problems. The data dictionary lists them
all (``docs/data-dictionary.md``, generated from ``entries()``); ``tests/test_checks_catalogue.py``
holds the catalogue and the checks to each other: every code a check writes is here, and every
code here is written by some check.

To add a code: write it where the check makes its problem (``code="my-code"``), and add it
here under the kind of check that makes it, with one line saying what it means. A rule's code
is its function's name, and its meaning its docstring: rules are not listed here.
"""

from __future__ import annotations

# kind of check -> (what reports it, in Markdown, {code: meaning})
CATALOGUE: dict[str, tuple[str, dict[str, str]]] = {
    "files": ("`aigov/checks/files.py`, and `aigov/yamlio.py` as it reads a file", {
        "symbolic-link": "a symbolic link in `sources/` (to a file or a folder, or the folder itself): links are never followed",
        "not-a-regular-file": "a pipe, socket, device or folder where a record file should be",
        "unreadable": "a file or folder the build cannot read (its permissions, or the disk)",
        "folder-in-record-folder": "a folder inside `sources/<table>/`: records are the files directly in it",
        "file-outside-record-folders": "a file outside the record folders `sources/<table>/`",
        "yml-extension": "a record file ending in `.yml` instead of `.yaml`",
        "not-a-record-file": "a file in a record folder that does not end in `.yaml`",
        "file-too-large": "a record file larger than 4 MiB",
        "not-utf8": "a file that is not valid UTF-8 text",
    }),
    "yaml": ("`aigov/yamlio.py`, in the words of `aigov/checks/yaml.py`", {
        "yaml-syntax": "YAML cannot read the file: quotes, colons, indentation or brackets (the message says which, and where)",
        "yaml-character": "a character YAML does not allow, usually an invisible one pasted in",
        "yaml-two-documents": "a second YAML document (`---`) in one record file",
        "yaml-anchor": "an anchor or alias (`&name`, `*name`), or a value that starts with `&` or `*` without quotes",
        "yaml-tag": "a YAML tag, or a value that starts with `!` without quotes",
        "yaml-flow-mapping": "a value in braces `{…}`, which YAML reads as a set of fields",
        "yaml-too-deep": "more levels of nesting than a record can need (20)",
        "field-name-not-text": "a field name that is a list or a set of fields",
        "field-name-too-long": "a field name over 100 characters, usually a missing line break or an unquoted `: `",
        "duplicate-field": "a field given twice in one record or entry",
        "empty-value": "a field written without a value (or as `''`, `~` or `null`): leave it out instead",
        "not-a-mapping": "a record file that is not a set of fields (a list, or a single value)",
        "empty-file": "a record file with nothing in it",
    }),
    "records": ("`aigov/records.py` as it turns records into rows (`tabulate`)", {
        "unknown-field": "a field the table does not have (often a typo: the message suggests the closest)",
        "expected-value": "a list or a set of fields where a single value belongs",
        "expected-list": "a single value where a list belongs",
        "expected-entry": "a single value where an entry with fields belongs, in a list",
        "id-not-file-name": "a record whose id differs from its file's name",
    }),
    "cells": ("`aigov/checks/cells.py`", {
        "missing-required": "a required field left out",
        "cell-too-long": "a value longer than a spreadsheet cell holds (32,767 characters)",
        "invisible-character": "an invisible or control character in a value",
        "line-break": "a line break in a field that holds one line",
        "surrounding-space": "spaces or line breaks at the start or end of a value",
        "not-nfc": "text not in Unicode normal form NFC",
        "not-an-allowed-value": "a value outside the field's vocabulary",
        "wrong-form": "a value that does not have the field's form (an id, a web address, a Wikidata id…)",
        "url-backslash": "a web address with a backslash, which browsers read as `/` (so they could open another site)",
        "url-credentials": "a web address with a user name or password before `@`: browsers open the site after the `@`",
        "url-no-host": "a web address with nothing between `//` and the path, whose site browsers guess from the path",
        "url-port": "a web address with something after the site name's `:` that is not a port from 1 to 65535",
        "spreadsheet-formula": "free text starting with `=`, `+`, `-` or `@`, which spreadsheets would run as a formula",
        "chinese-in-english": "Chinese characters in an English field",
        "english-in-chinese": "no Chinese characters in a Chinese field",
        "not-a-country-code": "not an ISO 3166-1 alpha-3 country code",
        "not-a-language-tag": "not an IETF BCP 47 language tag",
        "language-tag-not-standard": "a language tag not written in its standard form",
        "not-a-date": "not a date written `YYYY-MM-DD`",
        "not-a-calendar-date": "a date that does not exist (e.g. `2023-02-29`)",
        "date-out-of-range": "a date whose year is not between 1000 and 2999",
        "date-in-future": "an `accessed` date later than today",
        "not-a-boolean": "not `true` or `false`",
        "not-an-integer": "not a whole number written in digits",
        "not-a-number": "not a plain decimal number",
        "integer-out-of-range": "a whole number outside the 64-bit range (−2^63 to 2^63−1) that SQLite, Parquet and pandas hold",
        "number-out-of-range": "a number too large for a 64-bit floating-point value",
        "too-small": "a number below the field's minimum",
        "too-large": "a number above the field's maximum",
        "unsupported-type": "a Table Schema field type this build cannot check (a problem of `schemas/`, not of a record)",
    }),
    "keys": ("`aigov/checks/keys.py`", {
        "duplicate-key": "a second row with the same primary key: an id used twice, or an entry repeated",
        "dangling-reference": "an id that points at a record that does not exist",
    }),
    "guards": ("`aigov/checks/guards.py`", {
        "template-placeholder": "a value left as the template has it: an example.org address, a placeholder id or Wikidata id, \"Example\" text",
        "shared-symbol": "a document symbol already used by another record that is not a part or version of it",
    }),
    "vocabularies": ("`aigov/checks/vocabularies.py`", {
        "undefined-value": "an allowed value of a field without a definition in `schemas/vocabularies.json`",
        "vocabulary-file": "`schemas/vocabularies.json` cannot be read, or is not shaped as it should be",
    }),
    "fix": ("`aigov/canonical.py` (`python build.py --fix`)", {
        "cannot-fix": "a record file that cannot be rewritten in canonical form without changing a value (a bug: report it)",
    }),
}


def rule_entries() -> dict[str, str]:
    """The rules' codes: each rule's name, and its docstring on one line."""
    from .rules import RULES

    return {rule.__name__: " ".join(rule.__doc__.split()) for rule in RULES}


def entries() -> dict[str, tuple[str, dict[str, str]]]:
    """Every kind of check, what reports it and its codes, the rules included, in the order they run."""
    out = {}
    for kind, entry in CATALOGUE.items():
        out[kind] = entry
        if kind == "guards":
            out["rules"] = ("`aigov/checks/rules.py` (a rule's code is its name)", rule_entries())
    return out


def codes() -> dict[str, str]:
    """Every code -> its meaning."""
    return {code: meaning for _, listed in entries().values() for code, meaning in listed.items()}
