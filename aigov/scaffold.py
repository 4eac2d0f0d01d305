"""`build.py new` and `build.py new-state`: start records so contributors never begin from a blank file."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys

from .checks.cells import ID_RE, country_for
from .fileio import write_atomic

# Beyond the schema's required fields, what `new` leaves uncommented: the lists a record is
# for, and in them the fields that make an entry checkable.
KEEP_FIELDS = {"articles": {"title", "url"}}
KEEP_LISTS = {"sources", "mentions"}
KEEP_IN_ITEMS = {"sources": {"supports"}}

_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):(?=\s|$)")
_ITEM_START = re.compile(r"(\s*)- ([A-Za-z_][A-Za-z0-9_]*):(?=\s|$)")
_ITEM_KEY = re.compile(r"(\s+)([A-Za-z_][A-Za-z0-9_]*):(?=\s|$)")


def _comment(line: str) -> str:
    """Comment a line out so that deleting '# ' restores it exactly."""
    body = line.lstrip(" ")
    return line if not body or body.startswith("#") else line[: len(line) - len(body)] + "# " + body


def scaffold_text(template: str, table: str, tables) -> str:
    """The template with its required fields as they are and its optional fields commented out."""
    from .schema import children_of

    spec = tables[table]
    required = {f.name for f in spec.fields if f.required} | KEEP_FIELDS.get(table, set())
    lists = {}
    for child in children_of(table):
        ctable = tables[child.name]
        names = {f.name for f in ctable.fields if f.required}
        if child.group:
            key, column = child.group
            if column in names:
                names.add(key)
        lists[child.key] = names | KEEP_IN_ITEMS.get(child.key, set())
    out = []
    keep_block = True  # the current top-level field (and its continuation lines)
    current_list = None
    keep_item_field = True
    items = 0
    for line in template.split("\n"):
        top = _TOP_KEY.match(line)
        if top:
            key = top.group(1)
            current_list = key if key in lists else None
            keep_block = key in required or (current_list is not None and key in KEEP_LISTS)
            keep_item_field = True
            items = 0
            out.append(line if keep_block else _comment(line))
            continue
        if not line.strip() or (line.lstrip().startswith("#") and not line.startswith(" ")):
            out.append(line)  # blank lines and the template's own comments
            continue
        if not keep_block:
            out.append(_comment(line))
            continue
        if current_list is not None:
            item = _ITEM_START.match(line)
            field = _ITEM_KEY.match(line)
            if item:  # an entry's first line stays, so that the entry stays an entry; one entry is enough
                items += 1
                keep_item_field = items == 1
            elif field and len(field.group(1)) > 2:
                keep_item_field = items == 1 and field.group(2) in lists[current_list]
            out.append(line if keep_item_field else _comment(line))
            continue
        out.append(line)
    return _trim_supports("\n".join(out))


_SUPPORTS = re.compile(r"^(\s+)supports: \[([^\]]*)\](.*)$", re.M)


def _trim_supports(text: str) -> str:
    """A source's supports: names only fields the scaffold kept (a commented-out field has no value to support)."""
    kept = {m.group(1) for m in _TOP_KEY.finditer(text) if m.start() == 0 or text[m.start() - 1] == "\n"}

    def trim(m):
        names = [n.strip() for n in m.group(2).split(",") if n.strip() in kept]
        if not names:
            return m.group(1) + "# supports: [" + m.group(2) + "]" + m.group(3)
        return f"{m.group(1)}supports: [{', '.join(names)}]{m.group(3)}"

    return _SUPPORTS.sub(trim, text)


def _safe_target(src_dir: str, table: str, name: str) -> tuple[str | None, str | None]:
    """(path to create, or None and why not): never through a symbolic link, never over a file."""
    folder = os.path.join(src_dir, table)
    target = os.path.join(folder, name)
    for path in (src_dir, folder):
        if os.path.islink(path):
            return None, f"{os.path.relpath(path)} is a symbolic link; records are written only into real folders"
    if os.path.lexists(target):
        return None, f"{os.path.relpath(target)} already exists; edit it instead"
    return target, None


def _create(target: str, text: str) -> None:
    """Write a new file (0644), failing rather than following a link or replacing a file."""
    os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
    write_atomic(target, text.encode("utf-8"), 0o644, replace=False)


def new_record(root: str, src_dir: str, table: str | None = None, record_id: str | None = None, *rest, tables=None) -> int:
    templates = os.path.join(root, "templates")
    choices = sorted(n[:-5] for n in os.listdir(templates) if n.endswith(".yaml"))
    if table not in choices or not record_id or rest:
        print(f"usage: python build.py new TABLE ID   (TABLE one of: {', '.join(choices)})", file=sys.stderr)
        return 2
    if not ID_RE.fullmatch(record_id):
        print(f"'{record_id}' is not a valid id: use lowercase letters, digits and single hyphens, e.g. seoul-declaration", file=sys.stderr)
        return 2
    if table == "actors" and len(record_id) == 3:
        country = country_for(record_id)
        if country is not None and country.alpha_3.lower() == record_id:
            print(f"'{record_id}' is the code of {country.name}: create a state with `python build.py new-state {country.alpha_3}`", file=sys.stderr)
            return 2
    target, why_not = _safe_target(src_dir, table, f"{record_id}.yaml")
    if target is None:
        print(why_not, file=sys.stderr)
        return 1
    if tables is None:
        from .schema import load_tables

        tables = load_tables()
    with open(os.path.join(templates, f"{table}.yaml"), encoding="utf-8") as fh:
        text = fh.read()
    text = re.sub(r"^id: (\S+)", lambda m: "id: " + record_id.ljust(len(m.group(1))), text, count=1, flags=re.M)
    today = dt.date.today().isoformat()  # the day you read the page is usually the day you start the record
    text = re.sub(r"^(\s+accessed: )'\d{4}-\d{2}-\d{2}'", rf"\g<1>'{today}'", text, flags=re.M)
    text = scaffold_text(text, table, tables)
    text = (f"# yaml-language-server: $schema=../../docs/json-schema/{table}.schema.json\n"
            "# Optional fields are commented out: to use one, delete the '# ' in front of it (and of its indented lines).\n" + text)
    _create(target, text)
    print(f"created {os.path.relpath(target)} from templates/{table}.yaml with the required fields; the optional ones are "
          "commented out. Replace every example value with what your source says, then run `python build.py validate`")
    return 0


def state_yaml(code: str) -> str | None:
    """A state actor record from the ISO 3166 code list (names: ISO 3166 via pycountry;
    Chinese name: the iso-codes project's zh_CN translation, which is not an official name)."""
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 and code.isascii() else None
    if country is None:
        return None
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"]).gettext(country.name)
    lines = [
        f"id: {country.alpha_3.lower()}",
        "kind: state",
        f"name_en: '{country.name.replace(chr(39), chr(39) * 2)}'",
    ]
    if zh != country.name:
        lines += [f"name_zh: {zh}", "name_zh_official: false"]
    lines += [
        f"iso3: '{country.alpha_3}'",
        "note: >-",
        "  Names from the ISO 3166-1 code list as published by the Debian iso-codes project (via pycountry);",
        "  the Chinese name is that project's translation, not an official name.",
    ]
    return "\n".join(lines) + "\n"


def new_state(src_dir: str, *codes: str) -> int:
    if not codes:
        print("usage: python build.py new-state CODE [CODE ...]   (ISO 3166-1 alpha-3, e.g. FRA)", file=sys.stderr)
        return 2
    status = 0
    for code in codes:
        text = state_yaml(code)
        if text is None:
            country = country_for(code)
            hint = f"; {country.name} is {country.alpha_3}: python build.py new-state {country.alpha_3}" if country else ""
            print(f"'{code}' is not an ISO 3166-1 alpha-3 code{hint}", file=sys.stderr)
            status = 1
            continue
        code = code.upper()
        target, why_not = _safe_target(src_dir, "actors", f"{code.lower()}.yaml")
        if target is None:
            if os.path.lexists(os.path.join(src_dir, "actors", f"{code.lower()}.yaml")):
                print(f"{os.path.relpath(os.path.join(src_dir, 'actors', code.lower() + '.yaml'))} already exists: "
                      f"the state {code} is already an actor (id '{code.lower()}'); nothing to do")
                continue
            print(why_not, file=sys.stderr)
            status = 1
            continue
        from .canonical import canonical_text
        from .schema import load_tables
        from .yamlio import load

        text = canonical_text(load(text, target)[0], load_tables(), "actors")
        _create(target, text)
        print(f"created {os.path.relpath(target)}")
    return status
