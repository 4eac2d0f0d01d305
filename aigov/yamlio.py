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

import re
from dataclasses import dataclass

import yaml

try:  # libyaml's parser is ~8x faster; fall back to pure Python where it is missing
    _Loader = yaml.CBaseLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.BaseLoader

# Plain scalars that YAML reads as "no value". We refuse them rather than guess.
_NULLS = {"", "~", "null", "Null", "NULL"}


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
                fail(event.start_mark, "anchors and aliases ('&name', '*name') are not allowed; write the value out in full")
            if getattr(event, "tag", None) is not None:
                fail(event.start_mark, f"YAML tags such as '{event.tag}' are not allowed; write plain values")

            frame = stack[-1] if stack else None
            # Where is this value going?
            if frame is not None and isinstance(frame[0], dict) and frame[2] is None and kind is not yaml.MappingEndEvent:
                # expecting a key
                if kind is not yaml.ScalarEvent:
                    fail(event.start_mark, "a field name must be plain text")
                key = event.value
                if key in frame[0] or key in frame[3]:
                    first = marks[tuple(frame[1]) + (key,)]
                    fail(event.start_mark, f"field '{key}' appears twice in this mapping (first on line {first[0]}); keep one", dotted(frame[1] + [key]))
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
                stack.append([{}, trail, None, set()])
            elif kind is yaml.SequenceStartEvent:
                if frame is None:
                    fail(event.start_mark, "a record file must be a mapping of field names to values, not a list")
                stack.append([[], trail, None, set()])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = (exc.problem or "YAML syntax error").strip()
        if exc.context:
            started = f" that starts on line {exc.context_mark.line + 1}" if exc.context_mark else ""
            message = f"{exc.context.strip()}{started}: {message}"
        fail(mark, f"YAML syntax error: {message}")
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        mark = getattr(exc, "problem_mark", None)
        fail(mark, f"YAML error: {exc}")
    if root is None:
        fail(None, "the file is empty; a record file is a mapping of field names to values")
    if not isinstance(root, dict):
        fail(None, "a record file must be a mapping of field names to values")
    return root, marks


def _attach(stack, value):
    if not stack:
        return
    frame = stack[-1]
    if isinstance(frame[0], dict):
        frame[0][frame[2]] = value
        frame[2] = None
    else:
        frame[0].append(value)


def read(path: str, display: str | None = None) -> tuple[dict, dict]:
    """Read and parse a record file; ``display`` is the path shown in messages."""
    shown = display or path
    with open(path, "rb") as fh:
        raw = fh.read()
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
