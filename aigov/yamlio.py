"""Strict YAML reading and canonical YAML writing for source records.

Why not ``yaml.safe_load``: YAML 1.1 silently retypes what contributors write
(``NO`` -> False, ``01234`` -> 668, ``1:30`` -> 90), lets a duplicate key
overwrite the first, and expands aliases without bound. Here every scalar stays
the text the contributor wrote (the Table Schema types it later), and anything
ambiguous is an error that carries ``line:column``.

We walk PyYAML's event stream (libyaml's C parser where available) instead of
building nodes, so aliases are refused before anything could expand them.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass

import yaml

try:  # libyaml's parser is ~8x faster; fall back to pure Python where it is missing
    _Loader = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.BaseLoader

# Plain scalars that YAML reads as "no value". We refuse them rather than guess.
_NULLS = {"", "~", "null", "Null", "NULL"}

# Limits that keep a hostile or broken file from costing more than a clear message.
# A record needs 4 levels (record -> list of entries -> entry -> list of ids); a UN vote
# record with 193 states in flow-style lists is ~10 KB; the largest imported text, the Pact for
# the Future's paragraphs in six languages, is ~2.2 MB, hence 4 MiB.
MAX_DEPTH = 20
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source file; ``line`` and ``column`` are 1-based."""

    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class YamlError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def load(text: str, path: str) -> tuple[dict, dict]:
    """Parse one record file.

    Returns ``(data, marks)``: ``data`` is nested dicts/lists of ``str``;
    ``marks`` maps a path tuple (keys and list indexes) to ``(line, column)``
    of that key or item, and ``()`` to the document start.
    Raises YamlError on the first structural problem (a file that does not
    parse cannot be checked further).
    """

    def fail(mark, message, field=""):
        line, col = _pos(mark) if mark is not None else (1, 1)
        raise YamlError(Problem(path, line, col, field, message))

    def dotted(trail):
        return ".".join(str(p) for p in trail)

    marks: dict[tuple, tuple[int, int]] = {}
    try:
        events = iter(yaml.parse(text, Loader=_Loader))
        documents = 0
        root = None
        # stack of (container, trail, pending_key) frames
        stack: list[list] = []
        for event in events:
            kind = type(event)
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    fail(event.start_mark, "a record file holds exactly one YAML document; remove the second '---'")
                continue
            if kind is yaml.AliasEvent or getattr(event, "anchor", None):
                sign, name = ("*", event.anchor) if kind is yaml.AliasEvent else ("&", event.anchor)
                fail(event.start_mark, f"anchors and aliases ('&name', '*name') are not allowed, and YAML reads '{sign}{name}' as one: "
                     f"if this is text, put the whole value in quotes ('{sign}{name} …'); otherwise write the value out in full")
            if getattr(event, "tag", None) is not None:
                fail(event.start_mark, f"YAML tags such as '{event.tag}' are not allowed: a value that starts with '!' is read as a tag; "
                     "if this is text, put the whole value in quotes")

            frame = stack[-1] if stack else None
            # Where is this value going?
            if frame is not None and isinstance(frame[0], dict) and frame[2] is None and kind is not yaml.MappingEndEvent:
                # expecting a key
                if kind is not yaml.ScalarEvent:
                    fail(event.start_mark, "a field name must be plain text")
                key = event.value
                if len(key) > MAX_KEY_LENGTH:
                    fail(event.start_mark, f"a field name of {len(key)} characters: field names are short words such as 'title_en'; "
                         "check this line for a missing line break, or put a value that contains ': ' in quotes")
                if key in frame[0] or key in frame[3]:
                    first = marks[tuple(frame[1]) + (key,)]
                    where = "this record" if len(stack) == 1 else "this entry"
                    fail(event.start_mark, f"field '{key}' appears twice in {where} (first on line {first[0]}); "
                         "YAML would keep only one of them: delete the other", dotted(frame[1] + [key]))
                frame[2] = key
                marks[tuple(frame[1]) + (key,)] = _pos(event.start_mark)
                continue

            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                done = stack.pop()
                value = done[0]
                _attach(stack, value)
                if not stack:
                    root = value
                continue

            if frame is None:
                trail: list = []
            elif isinstance(frame[0], dict):
                trail = frame[1] + [frame[2]]
            else:
                trail = frame[1] + [len(frame[0])]
                marks[tuple(trail)] = _pos(event.start_mark)

            if kind is yaml.ScalarEvent:
                plain = event.implicit[0]
                if plain and event.value in _NULLS:
                    fail(event.start_mark, "empty value; leave the field out instead of writing it empty", dotted(trail))
                if not plain and event.value == "":
                    fail(event.start_mark, "empty text; leave the field out instead of writing ''", dotted(trail))
                if frame is None:
                    fail(event.start_mark, "a record file must be a mapping of field names to values, not a single value")
                _attach(stack, event.value)
            elif kind is yaml.MappingStartEvent:
                if frame is None:
                    marks[()] = _pos(event.start_mark)  # a record's own position: its first field
                elif event.flow_style:  # '{...}': records never need it; it is usually text starting with '{'
                    fail(event.start_mark, "a value that starts with '{' is read as a set of fields: if this is text, put the whole "
                         "value in quotes; the fields of an entry go on their own lines", dotted(trail))
                _check_depth(stack, event, fail)
                stack.append([{}, trail, None, set()])
            elif kind is yaml.SequenceStartEvent:
                if frame is None:
                    fail(event.start_mark, "a record file must be a mapping of field names to values, not a list")
                _check_depth(stack, event, fail)
                stack.append([[], trail, None, set()])
    except yaml.MarkedYAMLError as exc:
        mark, field, message = explain(exc, text)
        fail(mark, message, field)
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow
        mark, message = _reader_problem(exc, text)
        fail(mark, message)
    if root is None:
        fail(None, "the file is empty; a record file is a mapping of field names to values")
    if not isinstance(root, dict):
        fail(None, "a record file must be a mapping of field names to values")
    return root, marks


# ------------------------------------------------------- syntax errors, explained
#
# libyaml (and PyYAML's pure-Python parser, whose wording differs) report what the
# parser expected, in parser terms. Contributors need what is wrong with their line
# and what to type instead, so each class of error is recognised here from the
# parser's message and the text around the mark, and explained in plain words.
# The parser's own words are kept at the end, in brackets, for maintainers.

_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
# "key:" at the start of a line (after indentation and an optional "- ")
_KEY_AT_START = re.compile(r"(?P<indent>[ \t]*)(?P<dash>-[ \t]+)?(?P<key>[^\s#'\"\[\]{},:][^:#]*?)[ \t]*:(?=[ \t]|$)")
_QUOTES = {"'": "single", '"': "double"}


class _Mark:
    """A position (0-based line and column, like PyYAML's marks)."""

    def __init__(self, line: int, column: int):
        self.line, self.column = line, column


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[object, str, str]:
    """(mark, field, message) for a YAML syntax error: where the contributor should look,
    the field name on that line where one is known, and what to do, in plain words."""
    lines = _LINE_BREAKS.split(text)
    problem = " ".join((exc.problem or "").split())
    context = " ".join((exc.context or "").split())
    pmark = exc.problem_mark or exc.context_mark
    cmark = exc.context_mark or pmark
    technical = f"{context}: {problem}" if context else problem

    def line_of(mark) -> str:
        return lines[mark.line] if mark is not None and 0 <= mark.line < len(lines) else ""

    def char_at(mark) -> str:
        line = line_of(mark)
        return line[mark.column] if mark is not None and 0 <= mark.column < len(line) else ""

    def key_of(mark) -> str:
        found = _KEY_AT_START.match(line_of(mark))
        return found.group("key").strip() if found else ""

    def done(mark, message, field=""):
        return mark, field, f"{message} [YAML parser: {technical}]"

    if pmark is None:  # no position known: the parser's words are all there is
        return done(None, "YAML cannot read the file: check its quotes, colons and indentation")

    # --- tabs
    tab_here = char_at(pmark) == "\t" or "'\\t'" in problem
    if "tab character" in problem or ("cannot start any token" in problem and tab_here):
        line = line_of(pmark)
        mark = _Mark(pmark.line, line.index("\t")) if "\t" in line else pmark
        return done(mark, "this line contains a tab character: use spaces, not tabs, for indentation and after ':' "
                          "(replace the tab with spaces; editors have a 'convert indentation to spaces' command)")

    # --- a character that cannot start a value: @ ` (and %, a directive, at the start of a line)
    if "cannot start any token" in problem:
        found = re.search(r"found character '(.)'", problem)
        char = found.group(1) if found else char_at(pmark) or "this character"
        key = key_of(pmark)
        return done(pmark, f"a value cannot start with '{char}' unless it is in quotes: put the whole value in single quotes, "
                           f"e.g. {key or 'note'}: '{char}…'", key)
    if "directive" in context or "directive" in problem:
        return done(cmark, "a line that starts with '%' is read as a YAML directive: delete it, or if it is part of a value, "
                           "put that whole value in quotes")

    # --- "mapping values are not allowed": a ': ' where YAML does not expect a new field
    if problem.startswith("mapping values are not allowed"):
        line = line_of(pmark)
        start = _KEY_AT_START.match(line)
        if start and start.end() <= pmark.column:  # the line has 'key:' before this colon: it is inside the value
            key = start.group("key").strip()
            value = line[start.end():].strip()
            if pmark.column >= len(line.rstrip()) - 1:
                what = "ends with ':'"
            else:
                what = "contains ': ' (a colon followed by a space)"
            example = value.replace("'", "''") if len(value) <= 60 and not value.startswith(("'", '"')) else "…"
            return done(pmark, f"the value of '{key}' {what}, which YAML reads as the start of another field: "
                               f"put the whole value in quotes, e.g. {key}: '{example}' (an apostrophe inside the quotes is written twice: '')", key)
        return done(_line_start(lines, pmark), _indent_message(lines, pmark, key_of(pmark)), key_of(pmark))

    # --- a line without ':'
    if "could not find expected ':'" in problem:
        mark = cmark
        glued = re.match(r"([ ]*(?:-[ ]+)?)([A-Za-z_][A-Za-z0-9_]*):(\S.*)$", line_of(mark))
        if glued:  # 'kind:statement': a colon, but no space after it
            key, value = glued.group(2), glued.group(3).strip()
            return done(_Mark(mark.line, len(glued.group(1))), f"there is no space after the ':' of '{key}', so YAML reads the "
                        f"whole line as one word: write a space after the colon, e.g. {key}: {value[:40]}", key)
        return done(mark, f"line {mark.line + 1} has no ':' after its field name, so YAML cannot read it: write 'field: value' "
                          "with a colon and a space after the field name; if this line continues the text of the line above, "
                          "indent it further than that field's name, or put the whole text in quotes on one line")

    # --- quotes
    if "quoted scalar" in context and ("end of stream" in problem or "document" in problem):
        quote = char_at(cmark) if char_at(cmark) in _QUOTES else "'"
        return done(cmark, f"the quote {quote} that opens this value is never closed: add the closing {quote} at the end of "
                           f"the value (a quoted value starts and ends with the same quote mark)", key_of(cmark))
    if "escape character" in problem:
        key = key_of(cmark)
        return done(pmark, "inside double quotes a backslash (\\) starts an escape code: put the value in single quotes instead "
                           f"(e.g. {key or 'note'}: 'C:\\folder'), or write each backslash twice", key)

    # --- flow lists [a, b] and mappings {a: b}
    for opening, closing in (("[", "]"), ("{", "}")):
        if f"',' or '{closing}'" in problem:
            kind = "list" if opening == "[" else "set of fields"
            return done(cmark, f"the {kind} that starts with '{opening}' here is not closed: end it with '{closing}' on the same line, "
                               f"with a comma between items (e.g. [chn, fra]); if this value is text that starts with '{opening}', "
                               "put the whole value in quotes", key_of(cmark))
    if "node content" in problem:
        return done(pmark, "an empty item in a list: two commas in a row, or a comma right after '[' or before ']': remove the "
                           "extra comma (items are separated by one comma, e.g. [chn, fra])", key_of(pmark))

    # --- '- ' where it cannot be
    if "sequence entries are not allowed" in problem:
        key = key_of(pmark)
        return done(pmark, "'- ' starts a list entry, which cannot come after 'field:' on the same line: put each entry on its "
                           "own line below the field, indented, or write a list of ids as [chn, fra]; if the value is text "
                           "that starts with '-', put it in quotes", key)

    # --- & and * at the start of a value (anchors and aliases)
    if context.startswith(("while scanning an anchor", "while scanning an alias")):
        sign = char_at(cmark) if char_at(cmark) in "&*" else ("&" if "anchor" in context else "*")
        key = key_of(cmark)
        return done(cmark, f"a value that starts with '{sign}' is read as a YAML reference: put the whole value in quotes, "
                           f"e.g. {key or 'note'}: '{sign}…'", key)
    if "tag" in context or "tag handle" in problem:
        return done(cmark, "a value that starts with '!' is read as a YAML tag: put the whole value in quotes", key_of(cmark))

    # --- block text ('>-', '|')
    if "block scalar" in context:
        key = key_of(cmark)
        return done(cmark, "after '>-', '>' or '|' nothing may follow on the same line: start the text on the next line, indented "
                           "by two spaces more than the field name; if the value is text that starts with '>' or '|', put the "
                           "whole value in quotes", key)

    # --- after '...' or a second document
    if "document start" in problem:
        return done(pmark, "YAML stopped reading the record before this line (a line '...', '---' or '%…' above ends it): delete that "
                           "line so that the whole file is one record")

    # --- inside a list entry, a line not lined up with the entry's fields
    if "block collection" in context:
        dash_line = line_of(cmark)
        after_dash = re.match(r"[ ]*-[ ]+", dash_line)
        column = after_dash.end() + 1 if after_dash else cmark.column + 3
        found = len(line_of(pmark)) - len(line_of(pmark).lstrip(" ")) + 1
        return done(pmark, f"this line is not lined up with the list entry that starts on line {cmark.line + 1}: inside an entry, "
                           f"line the keys up under the first key after '-' (column {column}; this line starts in column {found}); "
                           "to start a new entry, begin the line with '- ' lined up with the other entries' '-'", key_of(pmark))

    # --- in a mapping, something that is not 'key: value'
    if "block mapping" in context or "expected key" in problem or "block end" in problem:
        line = line_of(pmark)
        before = line[: pmark.column].rstrip()
        start = _KEY_AT_START.match(line)
        key = start.group("key").strip() if start else ""
        if before and before[-1] in _QUOTES and start:
            quote = before[-1]
            if before.count(quote) % 2 == 1:  # this quote closes one opened on an earlier line, left open there
                for number in range(pmark.line - 1, -1, -1):
                    opened = _KEY_AT_START.match(lines[number])
                    if lines[number].count(quote) % 2 == 1 and opened:
                        rest = lines[number][opened.end():]
                        column = opened.end() + len(rest) - len(rest.lstrip())
                        return done(_Mark(number, column), f"the quote {quote} that opens this value is never closed on its "
                                    f"line, so YAML reads on to the next {quote} (line {pmark.line + 1}): add the closing {quote} "
                                    "at the end of the value", opened.group("key").strip())
            if quote == "'":
                tip = "an apostrophe inside '…' is written twice: 'It''s here'"
            else:
                tip = "text that contains \" is easiest in single quotes: 'He said \"hi\"'"
            return done(pmark, f"text follows the closing quote {quote} of this value: a quoted value must end with its closing quote, "
                               f"so put the whole value inside the quotes; {tip}", key)
        if before and before[-1] in "]}" and start:
            return done(pmark, f"a value that starts with '{'[' if before[-1] == ']' else '{'}' is read as a list, and text follows "
                               "its closing bracket: if the value is text, put the whole value in quotes", key)
        if line.strip().startswith(":"):
            return done(pmark, "a field name is missing before ':': write 'field: value'")
        if line.lstrip(" ").startswith("-"):
            return done(pmark, "this list entry is not lined up: the '-' of every entry of a list starts in the same column, "
                               "indented under the field that holds the list (e.g. '  - url: …' under 'sources:')", key)
        return done(_line_start(lines, pmark), _indent_message(lines, pmark, key), key)

    if "undefined alias" in problem:
        return done(pmark, "a value that starts with '*' is read as a YAML reference: put the whole value in quotes")
    return done(pmark, "YAML cannot read the file at this point: check the quotes, colons and indentation of this line and the "
                       "line above (every line is 'field: value', and text with ': ' or a leading quote goes in quotes)")


def _line_start(lines: list[str], mark):
    """The first character of the mark's line: where an indentation problem shows."""
    line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
    return _Mark(mark.line, len(line) - len(line.lstrip(" ")))


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


def _reader_problem(exc: yaml.YAMLError, text: str) -> tuple[object, str]:
    """(mark, message) for a character YAML refuses to read (control characters and the like)."""
    position = getattr(exc, "position", None)
    character = getattr(exc, "character", None)
    mark = getattr(exc, "problem_mark", None)
    if mark is None and isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position)
        mark = _Mark(line, position - (text.rfind("\n", 0, position) + 1))
    if isinstance(character, int):
        character = chr(character)
    if isinstance(character, str) and len(character) == 1:
        import unicodedata

        name = unicodedata.name(character, "")
        what = f"the invisible character {name} (U+{ord(character):04X})" if name else f"the invisible control character U+{ord(character):04X}"
        return mark, (f"contains {what}, which YAML does not allow: delete it "
                      "(such characters are often pasted in from PDFs or word processors)")
    return mark, f"the file contains a character YAML does not allow: delete it [YAML reader: {exc}]"


def is_plain_tree(value) -> bool:
    """True if ``value`` is what ``load`` returns: dicts of str keys, lists and str, at most
    MAX_DEPTH deep (used to vet data that did not come from the parser, e.g. a cache)."""
    todo = [(value, 0)]
    pop, push = todo.pop, todo.append
    while todo:
        item, depth = pop()
        kind = type(item)
        if kind is str:
            continue
        if depth >= MAX_DEPTH:
            return False
        if kind is dict:
            for key, inner in item.items():
                if type(key) is not str:
                    return False
                if type(inner) is not str:
                    push((inner, depth + 1))
        elif kind is list:
            for inner in item:
                if type(inner) is not str:
                    push((inner, depth + 1))
        else:
            return False
    return True


def _check_depth(stack, event, fail):
    if len(stack) >= MAX_DEPTH:
        fail(event.start_mark, f"the file is nested more than {MAX_DEPTH} levels deep; a record needs at most 4 "
             "(fields, a list of entries, the fields of an entry, a list of ids): check the brackets and the indentation")


def _attach(stack, value):
    if not stack:
        return
    frame = stack[-1]
    if isinstance(frame[0], dict):
        frame[0][frame[2]] = value
        frame[2] = None
    else:
        frame[0].append(value)


def read_bytes(path: str, display: str | None = None) -> bytes:
    """The bytes of a record file, refusing what a record file cannot be: a symbolic link
    (never followed), anything but a regular file, or more than MAX_FILE_BYTES."""
    shown = display or path

    def refuse(message):
        raise YamlError(Problem(shown, 1, 1, "", message))

    try:
        info = os.lstat(path)
    except OSError as exc:
        refuse(f"cannot read this file ({exc.strerror or exc})")
    if stat.S_ISLNK(info.st_mode):
        refuse("this is a symbolic link; record files must be ordinary files: replace the link by the file itself")
    if not stat.S_ISREG(info.st_mode):
        refuse("this is not an ordinary file (a folder, pipe or device); record files are ordinary text files")
    try:
        # O_NOFOLLOW: a link swapped in after the check above is still not followed
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                refuse("this is not an ordinary file (a folder, pipe or device); record files are ordinary text files")
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        refuse(f"cannot read this file ({exc.strerror or exc})")
    if len(raw) > MAX_FILE_BYTES:
        refuse(f"the file is larger than {MAX_FILE_BYTES // 1024} KiB (4 MiB), the most a record file may be "
               f"(a UN vote with 193 states is about 10 KB; the Pact for the Future's imported text in six languages 2.2 MB): "
               f"remove pasted documents or split the record")
    return raw


def read(path: str, display: str | None = None) -> tuple[dict, dict]:
    """Read and parse a record file; ``display`` is the path shown in messages."""
    shown = display or path
    raw = read_bytes(path, shown)
    return parse_bytes(raw, shown)


def parse_bytes(raw: bytes, shown: str) -> tuple[dict, dict]:
    """Parse the bytes of a record file (see ``read``)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a byte-order mark carries no content; editors on Windows add it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise YamlError(Problem(shown, line, col, "", "the file is not valid UTF-8; save it as UTF-8")) from None
    return load(text, shown)


# ---------------------------------------------------------------- writing

_PLAIN_SAFE = re.compile(r"[A-Za-z\u0080-\uffff][^:#'\"\n{}\[\],&*!|>%@`]*")
# Plain words that other YAML readers would turn into booleans, nulls or numbers.
_YAML11_SPECIAL = re.compile(
    r"(?i:y|n|yes|no|true|false|on|off|null|~)|[-+]?[0-9][0-9_:.,eE+-]*|\.(?i:inf|nan)"
)


def _scalar(value: str, indent: int, width: int = 100) -> str:
    """Render a text value so that every YAML reader gets the same text back."""
    if "\n" in value or len(value) > width:
        # Block style keeps long prose readable. '>-' folds; '|-' keeps newlines.
        pad = " " * indent
        if "\n" in value:
            return "|-\n" + "\n".join((pad + line) if line else "" for line in value.split("\n"))
        return ">-\n" + _fold(value, pad, width)
    if value in ("true", "false"):
        return value  # booleans stay plain so editors' schema checks see booleans
    if (
        _PLAIN_SAFE.fullmatch(value)
        and not _YAML11_SPECIAL.fullmatch(value)
        and value == value.strip()
        and not value.endswith(":")
        and " #" not in value
        and ": " not in value
    ):
        return value
    return "'" + value.replace("'", "''") + "'"


def _fold(value: str, pad: str, width: int) -> str:
    # '>-' folding joins lines with one space, so only split at single spaces
    # that are neither leading, trailing nor doubled.
    words = value.split(" ")
    if any(w == "" for w in words) or value != value.strip():
        return pad + value  # cannot fold losslessly; keep one long line
    lines, current = [], words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current += " " + word
    lines.append(current)
    return "\n".join(pad + line for line in lines)


def _flow_list(head: str, items: list[str], pad: str, width: int = 100) -> str:
    """A flow list of ids, wrapped at ``width`` columns (193 states fit in a few lines)."""
    lines, current = [], head
    for i, item in enumerate(items):
        piece = item + (", " if i < len(items) - 1 else "]")
        if len(current) + len(piece.rstrip()) > width and current.strip() not in ("", head.strip()):
            lines.append(current.rstrip())
            current = pad + "  "
        current += piece
    lines.append(current)
    return "\n".join(lines)


def dump(data: dict, key_order: dict[tuple, list[str]], indent: int = 0, trail: tuple = ()) -> str:
    """Canonical YAML for a record: keys in schema order, two-space indents,
    dates/codes/numbers quoted, lists of plain ids in flow style."""
    order = key_order.get(trail, [])
    keys = [k for k in order if k in data] + sorted(k for k in data if k not in order)
    out = []
    pad = " " * indent
    for key in keys:
        value = data[key]
        if isinstance(value, dict):
            out.append(f"{pad}{key}:\n" + dump(value, key_order, indent + 2, trail))
        elif isinstance(value, list):
            if value and all(
                isinstance(v, str) and re.fullmatch(r"[a-z0-9_-]+", v) and not _YAML11_SPECIAL.fullmatch(v)
                for v in value
            ):
                out.append(_flow_list(f"{pad}{key}: [", value, pad + "  "))
            else:
                out.append(f"{pad}{key}:")
                for item in value:
                    if isinstance(item, dict):
                        body = dump(item, key_order, indent + 4, trail + (key,))
                        out.append(f"{pad}  - " + body[indent + 4:])
                    else:
                        out.append(f"{pad}  - " + _scalar(item, indent + 4))
        else:
            out.append(f"{pad}{key}: " + _scalar(value, indent + 2))
    return "\n".join(out) + ("\n" if indent == 0 else "")
