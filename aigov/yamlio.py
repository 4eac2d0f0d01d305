"""Strict YAML reading and canonical YAML writing for source records.

Why not ``yaml.safe_load``: YAML 1.1 silently retypes what contributors write
(``NO`` -> False, ``01234`` -> 668, ``1:30`` -> 90), lets a duplicate key
overwrite the first, and expands aliases without bound. Here every scalar stays
the text the contributor wrote (the Table Schema types it later), and anything
ambiguous is an error that carries ``line:column``.

We walk PyYAML's event stream (libyaml's C parser where available) instead of
building nodes, so aliases are refused before anything could expand them. What the
reader refuses is said, with its code, in ``aigov/checks/yaml.py``: the words of each
refusal (``REFUSALS``) and the plain-words explanation of a syntax error (``explain``).
"""

from __future__ import annotations

import os
import re
import stat

import yaml

from .checks.yaml import explain, reader_problem, refusal
from .problems import Problem

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


class YamlError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _pos(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _refuse(path: str, mark, code: str, field: str = "", **values):
    """Raise the reader's refusal ``code`` (its words: aigov/checks/yaml.py) at ``mark``."""
    raise YamlError(Problem(path, *_pos(mark), field, refusal(code, **values), code=code))


def load(text: str, path: str) -> tuple[dict, dict]:
    """Parse one record file.

    Returns ``(data, marks)``: ``data`` is nested dicts/lists of ``str``;
    ``marks`` maps a path tuple (keys and list indexes) to ``(line, column)``
    of that key or item, and ``()`` to the document start.
    Raises YamlError on the first structural problem (a file that does not
    parse cannot be checked further).
    """
    marks: dict[tuple, tuple[int, int]] = {}
    try:
        root = _walk(yaml.parse(text, Loader=_Loader), path, marks)
    except yaml.MarkedYAMLError as exc:
        said = explain(exc, text)
        raise YamlError(Problem(path, *_pos(said.mark), said.field, said.message, code=said.code)) from None
    except yaml.YAMLError as exc:  # a reader error: a character YAML does not allow
        said = reader_problem(exc, text)
        raise YamlError(Problem(path, *_pos(said.mark), said.field, said.message, code=said.code)) from None
    if root is None:
        _refuse(path, None, code="empty-file")
    if not isinstance(root, dict):
        _refuse(path, None, code="not-a-mapping")
    return root, marks


def _dotted(trail) -> str:
    return ".".join(str(p) for p in trail)


def _walk(events, path: str, marks: dict):
    """Build the record from PyYAML's events, refusing what is ambiguous; returns the root value.

    ``stack`` holds one frame per open mapping or list: [container, trail, pending key].
    """
    documents, root, stack = 0, None, []
    for event in events:
        kind = type(event)
        if kind in _SKIPPED:
            continue
        if kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                _refuse(path, event.start_mark, code="yaml-two-documents")
            continue
        if kind is yaml.AliasEvent or getattr(event, "anchor", None) or getattr(event, "tag", None) is not None:
            _refuse_reference(path, event)
        frame = stack[-1] if stack else None
        if frame is not None and frame[2] is None and isinstance(frame[0], dict) and kind is not yaml.MappingEndEvent:
            _key(path, event, kind, frame, len(stack), marks)  # a field name: the next event is its value
            continue
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value = stack.pop()[0]
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
            if (plain and event.value in _NULLS) or (not plain and event.value == ""):
                _refuse(path, event.start_mark, code="empty-value", field=_dotted(trail), quoted=not plain)
            if frame is None:
                _refuse(path, event.start_mark, code="not-a-mapping", got="a single value")
            _attach(stack, event.value)
            continue
        if frame is None and kind is yaml.MappingStartEvent:
            marks[()] = _pos(event.start_mark)  # a record's own position: its first field
        elif frame is None:
            _refuse(path, event.start_mark, code="not-a-mapping", got="a list")
        elif kind is yaml.MappingStartEvent and event.flow_style:  # '{...}': usually text starting with '{'
            _refuse(path, event.start_mark, code="yaml-flow-mapping", field=_dotted(trail))
        if len(stack) >= MAX_DEPTH:
            _refuse(path, event.start_mark, code="yaml-too-deep", limit=MAX_DEPTH)
        stack.append([{} if kind is yaml.MappingStartEvent else [], trail, None])
    return root


_SKIPPED = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)


def _refuse_reference(path: str, event) -> None:
    """Anchors, aliases and tags: refused before anything could expand them."""
    if type(event) is yaml.AliasEvent or event.anchor:
        sign = "*" if type(event) is yaml.AliasEvent else "&"
        _refuse(path, event.start_mark, code="yaml-anchor", sign=sign, name=event.anchor)
    _refuse(path, event.start_mark, code="yaml-tag", tag=event.tag)


def _key(path: str, event, kind, frame: list, depth: int, marks: dict) -> None:
    """A field name: plain text, short, and not given twice in its record or entry."""
    if kind is not yaml.ScalarEvent:
        _refuse(path, event.start_mark, code="field-name-not-text")
    key = event.value
    if len(key) > MAX_KEY_LENGTH:
        _refuse(path, event.start_mark, code="field-name-too-long", length=len(key))
    if key in frame[0]:
        first = marks[tuple(frame[1]) + (key,)]
        _refuse(path, event.start_mark, code="duplicate-field", field=_dotted(frame[1] + [key]), key=key,
                where="this record" if depth == 1 else "this entry", first=first[0])
    frame[2] = key
    marks[tuple(frame[1]) + (key,)] = _pos(event.start_mark)


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
    try:
        info = os.lstat(path)
    except OSError as exc:
        _refuse(shown, None, code="unreadable", reason=exc.strerror or exc)
    if stat.S_ISLNK(info.st_mode):
        _refuse(shown, None, code="symbolic-link")
    if not stat.S_ISREG(info.st_mode):
        _refuse(shown, None, code="not-a-regular-file")
    try:
        # O_NOFOLLOW: a link swapped in after the check above is still not followed
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                _refuse(shown, None, code="not-a-regular-file")
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        _refuse(shown, None, code="unreadable", reason=exc.strerror or exc)
    if len(raw) > MAX_FILE_BYTES:
        _refuse(shown, None, code="file-too-large", limit=MAX_FILE_BYTES)
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
        raise YamlError(Problem(shown, line, col, "", refusal("not-utf8"), code="not-utf8")) from None
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
