"""What the YAML reader refuses, in plain words: syntax errors explained.

The reader (``aigov/yamlio.py``) walks PyYAML's events and refuses what is ambiguous as it
goes (a field given twice, aliases, tags, empty values, deep nesting), each with its code.
What the parser itself cannot read arrives here: libyaml (and PyYAML's pure-Python parser,
whose wording differs) report what the parser expected, in parser terms. Contributors need
what is wrong with their line and what to type instead, so each class of error is recognised
from the parser's message and the text around the mark, and explained in plain words. The
parser's own words are kept at the end, in brackets, for maintainers.

Each explainer below looks at one class of error and returns ``None`` when it is not its own;
``explain`` asks them in order.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

import yaml

_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
# "key:" at the start of a line (after indentation and an optional "- ")
_KEY_AT_START = re.compile(r"(?P<indent>[ \t]*)(?P<dash>-[ \t]+)?(?P<key>[^\s#'\"\[\]{},:][^:#]*?)[ \t]*:(?=[ \t]|$)")
_QUOTES = {"'": "single", '"': "double"}


class Mark:
    """A position (0-based line and column, like PyYAML's marks)."""

    def __init__(self, line: int, column: int):
        self.line, self.column = line, column


class Explained(NamedTuple):
    """Where the contributor should look, the field on that line where one is known, what to do, and the code."""

    mark: object
    field: str
    message: str
    code: str


# What the reader refuses as it walks a file (aigov/yamlio.py), by code: the words, given the values
# the reader found. ``refusal(code, **values)`` says it.
REFUSALS = {
    "unreadable": lambda reason: f"cannot read this file ({reason})",
    "symbolic-link": lambda: "this is a symbolic link; record files must be ordinary files: replace the link by the file itself",
    "not-a-regular-file": lambda: "this is not an ordinary file (a folder, pipe or device); record files are ordinary text files",
    "file-too-large": lambda limit: (
        f"the file is larger than {limit // 1024} KiB (4 MiB), the most a record file may be "
        f"(a UN vote with 193 states is about 10 KB; the Pact for the Future's imported text in six languages 2.2 MB): "
        f"remove pasted documents or split the record"),
    "not-utf8": lambda: "the file is not valid UTF-8; save it as UTF-8",
    "yaml-two-documents": lambda: "a record file holds exactly one YAML document; remove the second '---'",
    "yaml-anchor": lambda sign, name: (
        f"anchors and aliases ('&name', '*name') are not allowed, and YAML reads '{sign}{name}' as one: "
        f"if this is text, put the whole value in quotes ('{sign}{name} …'); otherwise write the value out in full"),
    "yaml-tag": lambda tag: (
        f"YAML tags such as '{tag}' are not allowed: a value that starts with '!' is read as a tag; "
        "if this is text, put the whole value in quotes"),
    "field-name-not-text": lambda: "a field name must be plain text",
    "field-name-too-long": lambda length: (
        f"a field name of {length} characters: field names are short words such as 'title_en'; "
        "check this line for a missing line break, or put a value that contains ': ' in quotes"),
    "duplicate-field": lambda key, where, first: (
        f"field '{key}' appears twice in {where} (first on line {first}); YAML would keep only one of them: delete the other"),
    "empty-value": lambda quoted: (
        "empty text; leave the field out instead of writing ''" if quoted
        else "empty value; leave the field out instead of writing it empty"),
    "yaml-flow-mapping": lambda: (
        "a value that starts with '{' is read as a set of fields: if this is text, put the whole "
        "value in quotes; the fields of an entry go on their own lines"),
    "yaml-too-deep": lambda limit: (
        f"the file is nested more than {limit} levels deep; a record needs at most 4 "
        "(fields, a list of entries, the fields of an entry, a list of ids): check the brackets and the indentation"),
    "not-a-mapping": lambda got="": (
        f"a record file must be a mapping of field names to values{', not ' + got if got else ''}"),
    "empty-file": lambda: "the file is empty; a record file is a mapping of field names to values",
}


def refusal(code: str, **values) -> str:
    """What the reader says when it refuses a file for ``code``."""
    return REFUSALS[code](**values)


class _Syntax:
    """A syntax error and the text around it, as the explainers read them."""

    def __init__(self, exc: yaml.MarkedYAMLError, text: str):
        self.lines = _LINE_BREAKS.split(text)
        self.problem = " ".join((exc.problem or "").split())
        self.context = " ".join((exc.context or "").split())
        self.pmark = exc.problem_mark or exc.context_mark
        self.cmark = exc.context_mark or self.pmark
        self.technical = f"{self.context}: {self.problem}" if self.context else self.problem

    def line_of(self, mark) -> str:
        return self.lines[mark.line] if mark is not None and 0 <= mark.line < len(self.lines) else ""

    def char_at(self, mark) -> str:
        line = self.line_of(mark)
        return line[mark.column] if mark is not None and 0 <= mark.column < len(line) else ""

    def key_of(self, mark) -> str:
        found = _KEY_AT_START.match(self.line_of(mark))
        return found.group("key").strip() if found else ""

    def done(self, mark, message: str, field: str = "", code: str = "yaml-syntax") -> Explained:
        return Explained(mark, field, f"{message} [YAML parser: {self.technical}]", code)


def explain(exc: yaml.MarkedYAMLError, text: str) -> Explained:
    """A YAML syntax error explained: where to look, the field, what to do in plain words, and the code."""
    s = _Syntax(exc, text)
    if s.pmark is None:  # no position known: the parser's words are all there is
        return s.done(None, "YAML cannot read the file: check its quotes, colons and indentation")
    for explainer in _EXPLAINERS:
        found = explainer(s)
        if found is not None:
            return found
    return s.done(s.pmark, "YAML cannot read the file at this point: check the quotes, colons and indentation of this line and "
                           "the line above (every line is 'field: value', and text with ': ' or a leading quote goes in quotes)")


def _tab(s: _Syntax) -> Explained | None:
    tab_here = s.char_at(s.pmark) == "\t" or "'\\t'" in s.problem
    if not ("tab character" in s.problem or ("cannot start any token" in s.problem and tab_here)):
        return None
    line = s.line_of(s.pmark)
    mark = Mark(s.pmark.line, line.index("\t")) if "\t" in line else s.pmark
    return s.done(mark, "this line contains a tab character: use spaces, not tabs, for indentation and after ':' "
                        "(replace the tab with spaces; editors have a 'convert indentation to spaces' command)")


def _cannot_start(s: _Syntax) -> Explained | None:
    """A character that cannot start a value: @ ` (and %, a directive, at the start of a line)."""
    if "cannot start any token" in s.problem:
        found = re.search(r"found character '(.)'", s.problem)
        char = found.group(1) if found else s.char_at(s.pmark) or "this character"
        key = s.key_of(s.pmark)
        return s.done(s.pmark, f"a value cannot start with '{char}' unless it is in quotes: put the whole value in single quotes, "
                               f"e.g. {key or 'note'}: '{char}…'", key)
    if "directive" in s.context or "directive" in s.problem:
        return s.done(s.cmark, "a line that starts with '%' is read as a YAML directive: delete it, or if it is part of a value, "
                               "put that whole value in quotes")
    return None


def _colon_in_value(s: _Syntax) -> Explained | None:
    """"mapping values are not allowed": a ': ' where YAML does not expect a new field."""
    if not s.problem.startswith("mapping values are not allowed"):
        return None
    line = s.line_of(s.pmark)
    start = _KEY_AT_START.match(line)
    if start and start.end() <= s.pmark.column:  # the line has 'key:' before this colon: it is inside the value
        key = start.group("key").strip()
        value = line[start.end():].strip()
        what = "ends with ':'" if s.pmark.column >= len(line.rstrip()) - 1 else "contains ': ' (a colon followed by a space)"
        example = value.replace("'", "''") if len(value) <= 60 and not value.startswith(("'", '"')) else "…"
        return s.done(s.pmark, f"the value of '{key}' {what}, which YAML reads as the start of another field: "
                               f"put the whole value in quotes, e.g. {key}: '{example}' (an apostrophe inside the quotes is written twice: '')", key)
    key = s.key_of(s.pmark)
    return s.done(_line_start(s.lines, s.pmark), _indent_message(s.lines, s.pmark, key), key)


def _no_colon(s: _Syntax) -> Explained | None:
    """A line without ':'."""
    if "could not find expected ':'" not in s.problem:
        return None
    mark = s.cmark
    glued = re.match(r"([ ]*(?:-[ ]+)?)([A-Za-z_][A-Za-z0-9_]*):(\S.*)$", s.line_of(mark))
    if glued:  # 'kind:statement': a colon, but no space after it
        key, value = glued.group(2), glued.group(3).strip()
        return s.done(Mark(mark.line, len(glued.group(1))), f"there is no space after the ':' of '{key}', so YAML reads the "
                      f"whole line as one word: write a space after the colon, e.g. {key}: {value[:40]}", key)
    return s.done(mark, f"line {mark.line + 1} has no ':' after its field name, so YAML cannot read it: write 'field: value' "
                        "with a colon and a space after the field name; if this line continues the text of the line above, "
                        "indent it further than that field's name, or put the whole text in quotes on one line")


def _quotes(s: _Syntax) -> Explained | None:
    if "quoted scalar" in s.context and ("end of stream" in s.problem or "document" in s.problem):
        quote = s.char_at(s.cmark) if s.char_at(s.cmark) in _QUOTES else "'"
        return s.done(s.cmark, f"the quote {quote} that opens this value is never closed: add the closing {quote} at the end of "
                               f"the value (a quoted value starts and ends with the same quote mark)", s.key_of(s.cmark))
    if "escape character" in s.problem:
        key = s.key_of(s.cmark)
        return s.done(s.pmark, "inside double quotes a backslash (\\) starts an escape code: put the value in single quotes instead "
                               f"(e.g. {key or 'note'}: 'C:\\folder'), or write each backslash twice", key)
    return None


def _flow(s: _Syntax) -> Explained | None:
    """Flow lists [a, b] and mappings {a: b}."""
    for opening, closing in (("[", "]"), ("{", "}")):
        if f"',' or '{closing}'" in s.problem:
            kind = "list" if opening == "[" else "set of fields"
            return s.done(s.cmark, f"the {kind} that starts with '{opening}' here is not closed: end it with '{closing}' on the same "
                                   f"line, with a comma between items (e.g. [chn, fra]); if this value is text that starts with "
                                   f"'{opening}', put the whole value in quotes", s.key_of(s.cmark))
    if "node content" in s.problem:
        return s.done(s.pmark, "an empty item in a list: two commas in a row, or a comma right after '[' or before ']': remove the "
                               "extra comma (items are separated by one comma, e.g. [chn, fra])", s.key_of(s.pmark))
    if "sequence entries are not allowed" in s.problem:  # '- ' where it cannot be
        return s.done(s.pmark, "'- ' starts a list entry, which cannot come after 'field:' on the same line: put each entry on its "
                               "own line below the field, indented, or write a list of ids as [chn, fra]; if the value is text "
                               "that starts with '-', put it in quotes", s.key_of(s.pmark))
    return None


def _anchor_or_tag(s: _Syntax) -> Explained | None:
    """& and * at the start of a value (anchors and aliases), and ! (tags)."""
    if s.context.startswith(("while scanning an anchor", "while scanning an alias")):
        sign = s.char_at(s.cmark) if s.char_at(s.cmark) in "&*" else ("&" if "anchor" in s.context else "*")
        key = s.key_of(s.cmark)
        return s.done(s.cmark, f"a value that starts with '{sign}' is read as a YAML reference: put the whole value in quotes, "
                               f"e.g. {key or 'note'}: '{sign}…'", key, code="yaml-anchor")
    if "tag" in s.context or "tag handle" in s.problem:
        return s.done(s.cmark, "a value that starts with '!' is read as a YAML tag: put the whole value in quotes", s.key_of(s.cmark),
                      code="yaml-tag")
    if "undefined alias" in s.problem:
        return s.done(s.pmark, "a value that starts with '*' is read as a YAML reference: put the whole value in quotes",
                      code="yaml-anchor")
    return None


def _block_or_document(s: _Syntax) -> Explained | None:
    """Block text ('>-', '|') with something after it, and a record cut short by '...' or a second document."""
    if "block scalar" in s.context:
        return s.done(s.cmark, "after '>-', '>' or '|' nothing may follow on the same line: start the text on the next line, "
                               "indented by two spaces more than the field name; if the value is text that starts with '>' or '|', "
                               "put the whole value in quotes", s.key_of(s.cmark))
    if "document start" in s.problem:
        return s.done(s.pmark, "YAML stopped reading the record before this line (a line '...', '---' or '%…' above ends it): "
                               "delete that line so that the whole file is one record")
    return None


def _list_entry(s: _Syntax) -> Explained | None:
    """Inside a list entry, a line not lined up with the entry's fields."""
    if "block collection" not in s.context:
        return None
    after_dash = re.match(r"[ ]*-[ ]+", s.line_of(s.cmark))
    column = after_dash.end() + 1 if after_dash else s.cmark.column + 3
    found = len(s.line_of(s.pmark)) - len(s.line_of(s.pmark).lstrip(" ")) + 1
    return s.done(s.pmark, f"this line is not lined up with the list entry that starts on line {s.cmark.line + 1}: inside an entry, "
                           f"line the keys up under the first key after '-' (column {column}; this line starts in column {found}); "
                           "to start a new entry, begin the line with '- ' lined up with the other entries' '-'", s.key_of(s.pmark))


def _not_a_field(s: _Syntax) -> Explained | None:
    """In a mapping, something that is not 'key: value'."""
    if not ("block mapping" in s.context or "expected key" in s.problem or "block end" in s.problem):
        return None
    line = s.line_of(s.pmark)
    before = line[: s.pmark.column].rstrip()
    start = _KEY_AT_START.match(line)
    key = start.group("key").strip() if start else ""
    if before and before[-1] in _QUOTES and start:
        return _after_quote(s, before[-1], before, key)
    if before and before[-1] in "]}" and start:
        return s.done(s.pmark, f"a value that starts with '{'[' if before[-1] == ']' else '{'}' is read as a list, and text follows "
                               "its closing bracket: if the value is text, put the whole value in quotes", key)
    if line.strip().startswith(":"):
        return s.done(s.pmark, "a field name is missing before ':': write 'field: value'")
    if line.lstrip(" ").startswith("-"):
        return s.done(s.pmark, "this list entry is not lined up: the '-' of every entry of a list starts in the same column, "
                               "indented under the field that holds the list (e.g. '  - url: …' under 'sources:')", key)
    return s.done(_line_start(s.lines, s.pmark), _indent_message(s.lines, s.pmark, key), key)


def _after_quote(s: _Syntax, quote: str, before: str, key: str) -> Explained:
    """Text after a closing quote: a quote left open on an earlier line, or a value that goes on after its quotes."""
    if before.count(quote) % 2 == 1:  # this quote closes one opened on an earlier line, left open there
        for number in range(s.pmark.line - 1, -1, -1):
            opened = _KEY_AT_START.match(s.lines[number])
            if s.lines[number].count(quote) % 2 == 1 and opened:
                rest = s.lines[number][opened.end():]
                column = opened.end() + len(rest) - len(rest.lstrip())
                return s.done(Mark(number, column), f"the quote {quote} that opens this value is never closed on its "
                              f"line, so YAML reads on to the next {quote} (line {s.pmark.line + 1}): add the closing {quote} "
                              "at the end of the value", opened.group("key").strip())
    if quote == "'":
        tip = "an apostrophe inside '…' is written twice: 'It''s here'"
    else:
        tip = "text that contains \" is easiest in single quotes: 'He said \"hi\"'"
    return s.done(s.pmark, f"text follows the closing quote {quote} of this value: a quoted value must end with its closing quote, "
                           f"so put the whole value inside the quotes; {tip}", key)


_EXPLAINERS = (_tab, _cannot_start, _colon_in_value, _no_colon, _quotes, _flow, _anchor_or_tag, _block_or_document,
               _list_entry, _not_a_field)


def _line_start(lines: list[str], mark):
    """The first character of the mark's line: where an indentation problem shows."""
    line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
    return Mark(mark.line, len(line) - len(line.lstrip(" ")))


def _indent_message(lines: list[str], mark, key: str) -> str:
    """A line indented differently from the fields it should belong with."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    found = len(line) - len(line.lstrip(" ")) + 1
    expected = None
    for previous in reversed(lines[: mark.line]):
        start = _KEY_AT_START.match(previous)
        if previous.strip() and not previous.lstrip().startswith("#") and start:
            expected = start.start("key") + 1
            break
    where = f" (this line starts in column {found}" + (f", the field above in column {expected})" if expected else ")")
    name = f"'{key}'" if key else "this line"
    return (f"this line is not lined up with the fields above it{where}: if {name} is a field of its own, start it in the same "
            "column as the other fields of its record or entry; if it continues the text of the line above, put that whole "
            "text in quotes")


def reader_problem(exc: yaml.YAMLError, text: str) -> Explained:
    """A character YAML refuses to read (control characters and the like), explained."""
    position = getattr(exc, "position", None)
    character = getattr(exc, "character", None)
    mark = getattr(exc, "problem_mark", None)
    if mark is None and isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position)
        mark = Mark(line, position - (text.rfind("\n", 0, position) + 1))
    if isinstance(character, int):
        character = chr(character)
    if isinstance(character, str) and len(character) == 1:
        name = unicodedata.name(character, "")
        what = f"the invisible character {name} (U+{ord(character):04X})" if name else f"the invisible control character U+{ord(character):04X}"
        return Explained(mark, "", f"contains {what}, which YAML does not allow: delete it "
                                   "(such characters are often pasted in from PDFs or word processors)", code="yaml-character")
    return Explained(mark, "", f"the file contains a character YAML does not allow: delete it [YAML reader: {exc}]", code="yaml-character")
