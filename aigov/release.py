"""Versions and releases: what changed since the last release, whether the
version number admits it, and the release zip with its record-level changes.

The last release is remembered in ``releases/<version>.json``: each table's
fields with their types, its primary keys and the CSV's hash. That is enough
to decide the kind of change (a removed id or column is major, an added one
minor, a changed value patch) without keeping old data in the repository;
the old values for the changes table come from the previous release's files
(its git tag, or a folder given on the command line).

The releases recorded here also make the Atom feed of releases (``feed``, used by
the site and by ``build.py dist``; its links are absolute from the site's address,
``x-site-url`` in schemas/package.json, and without one no feed is written) and the
citation line (``citation_text``, used by the site's about page and the xlsx README
sheet), so neither of those imports the other.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import warnings
import zipfile
from urllib.parse import urlsplit

from .fileio import read_folder, read_plain, write_atomic
from .schema import DERIVED_TABLES, TABLES

RELEASES_DIR = "releases"
_SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")


def parse_version(text: str) -> tuple[int, int, int]:
    match = _SEMVER.fullmatch(text)
    if not match:
        raise ValueError(f"version {text!r} is not MAJOR.MINOR.PATCH")
    return tuple(int(p) for p in match.groups())


def _rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def manifest(pkg: dict[str, bytes]) -> dict:
    """What a release must remember, from the rendered package files."""
    desc = json.loads(pkg["datapackage.json"])
    tables = {}
    for r in desc["resources"]:
        pk = r["schema"]["primaryKey"]
        keys = sorted("|".join(row[c] for c in pk) for row in _rows(pkg[r["path"]]))
        tables[r["name"]] = {
            "fields": [[f["name"], f["type"]] for f in r["schema"]["fields"]],
            "hash": r["hash"],
            "keys": keys,
        }
    return {"version": desc["version"], "tables": tables}


def last_release(root: str, before: str | None = None) -> dict | None:
    """The newest release recorded in releases/ (older than ``before`` if given)."""
    folder = os.path.join(root, RELEASES_DIR)
    if not os.path.isdir(folder):
        return None
    found = [(parse_version(n[:-5]), n) for n in os.listdir(folder) if n.endswith(".json") and _SEMVER.fullmatch(n[:-5])]
    if before is not None:
        found = [f for f in found if f[0] < parse_version(before)]
    if not found:
        return None
    with open(os.path.join(folder, max(found)[1]), encoding="utf-8") as fh:
        return json.load(fh)


def required_bump(previous: dict, current: dict) -> tuple[str | None, list[str]]:
    """The smallest version bump the change admits, and the reasons."""
    reasons = {"major": [], "minor": [], "patch": []}
    for name, old in previous["tables"].items():
        new = current["tables"].get(name)
        if new is None:
            reasons["major"].append(f"table {name} removed")
            continue
        new_fields = dict(map(tuple, new["fields"]))
        for field, ftype in old["fields"]:
            if field not in new_fields:
                reasons["major"].append(f"column {name}.{field} removed or renamed")
            elif new_fields[field] != ftype:
                reasons["major"].append(f"column {name}.{field} retyped {ftype} -> {new_fields[field]}")
        removed = set(old["keys"]) - set(new["keys"])
        if removed:
            # A derived table's rows follow the sources (evidence follows each source's supports:), so
            # losing some is a correction, not a break of the records users cite.
            level = "minor" if name in DERIVED_TABLES else "major"
            reasons[level].append(f"{len(removed)} {name} removed (e.g. {sorted(removed)[0]})")
        old_fields = {f for f, _ in old["fields"]}
        added_fields = [f for f, _ in new["fields"] if f not in old_fields]
        if added_fields:
            reasons["minor"].append(f"columns added to {name}: {', '.join(added_fields)}")
        added = set(new["keys"]) - set(old["keys"])
        if added:
            reasons["minor"].append(f"{len(added)} {name} added")
        if new["hash"] != old["hash"] and not removed and not added:
            reasons["patch"].append(f"values changed in {name}")
    for name in current["tables"]:
        if name not in previous["tables"]:
            reasons["minor"].append(f"table {name} added")
    for level in ("major", "minor", "patch"):
        if reasons[level]:
            return level, reasons[level]
    return None, []


def version_problem(previous: dict, current: dict) -> str | None:
    """Why the current version number does not admit the change, or None."""
    level, reasons = required_bump(previous, current)
    old, new = parse_version(previous["version"]), parse_version(current["version"])
    ok = {
        None: new >= old,
        "patch": new > old,
        "minor": new > old and (new[0] > old[0] or new[1] > old[1]),
        "major": new[0] > old[0],
    }[level]
    if ok:
        return None
    wanted = {"major": f"{old[0] + 1}.0.0", "minor": f"{old[0]}.{old[1] + 1}.0", "patch": f"{old[0]}.{old[1]}.{old[2] + 1}"}.get(level, previous["version"])
    return (f"version {current['version']} does not admit this change since release {previous['version']}: "
            f"it needs a {level} bump (at least {wanted}) because " + "; ".join(reasons[:5]) +
            ". Set \"version\" in schemas/package.json.")


def changes(old_pkg: dict[str, bytes] | None, new_pkg: dict[str, bytes]) -> list[dict]:
    """Record-level changes: one row per added/removed record and per changed field."""
    out = []
    new_desc = json.loads(new_pkg["datapackage.json"])
    old_desc = json.loads(old_pkg["datapackage.json"]) if old_pkg else {"resources": []}
    old_res = {r["name"]: r for r in old_desc["resources"]}
    for r in new_desc["resources"]:
        pk = r["schema"]["primaryKey"]
        key = lambda row: "|".join(row[c] for c in pk)  # noqa: E731
        new_rows = {key(row): row for row in _rows(new_pkg[r["path"]])}
        old_rows = {}
        if r["name"] in old_res and old_res[r["name"]]["path"] in old_pkg:
            old_rows = {key(row): row for row in _rows(old_pkg[old_res[r["name"]]["path"]])}
        for k in sorted(set(old_rows) | set(new_rows)):
            before, after = old_rows.get(k), new_rows.get(k)
            if before is None:
                out.append({"table": r["name"], "record": k, "change": "added", "field": "", "old_value": "", "new_value": ""})
            elif after is None:
                out.append({"table": r["name"], "record": k, "change": "removed", "field": "", "old_value": "", "new_value": ""})
            else:
                for field in after:
                    if before.get(field, "") != after[field]:
                        out.append({"table": r["name"], "record": k, "change": "changed", "field": field,
                                    "old_value": before.get(field, ""), "new_value": after[field]})
    return out


CHANGE_FIELDS = ["table", "record", "change", "field", "old_value", "new_value"]


def changes_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CHANGE_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def summary(rows: list[dict]) -> list[str]:
    counts = {}
    for row in rows:
        counts.setdefault(row["table"], {}).setdefault(row["change"], set()).add(row["record"])
    lines = []
    for table in TABLES:
        if table in counts:
            parts = [f"{len(counts[table][c])} {c}" for c in ("added", "changed", "removed") if c in counts[table]]
            lines.append(f"- {table}: {', '.join(parts)}")
    return lines or ["- no record changed"]


def package_from_git(root: str, version: str) -> dict[str, bytes] | None:
    """The datapackage/ files of tag v<version>, or None where the tag is missing."""
    def show(rel):
        return subprocess.run(["git", "-C", root, "show", f"v{version}:datapackage/{rel}"], capture_output=True, check=True).stdout

    try:
        files = {"datapackage.json": show("datapackage.json")}
    except (subprocess.CalledProcessError, FileNotFoundError):
        return None
    for r in json.loads(files["datapackage.json"])["resources"]:
        files[r["path"]] = show(r["path"])
    return files


def package_from_dir(folder: str) -> dict[str, bytes]:
    """Every file of a datapackage/ folder (relative path -> bytes), read through no symbolic link."""
    return read_folder(folder, "a release's package", skip_hidden=False)


# Repository files shipped beside datapackage/ in the zip.
ZIP_MEMBERS = ("README.md", "CHANGELOG.md", "CITATION.cff", "LICENSE-DATA")


def read_members(root: str) -> dict[str, bytes]:
    """The ZIP_MEMBERS that exist under ``root``, as name -> bytes. One that is a symbolic link is
    refused (fileio.LinkRefused), wherever it points: the zip ships the repository's own files."""
    members = {}
    for name in ZIP_MEMBERS:
        path = os.path.join(root, name)
        if os.path.lexists(path):
            members[name] = read_plain(path, f"{name}, shipped in the release zip,")
    return members


def package_zip(folder: str, version: str, pkg: dict[str, bytes], members: dict[str, bytes]) -> str:
    """Write ``<folder>/global-ai-governance-<version>.zip``: the package files under
    datapackage/ and ``members`` (README, CHANGELOG…) beside it. Returns its path.
    Both `build.py release` and `build.py dist` make their zip with this."""
    zipped = {f"datapackage/{k}": v for k, v in pkg.items()}
    zipped.update(members)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"global-ai-governance-{version}.zip")
    write_zip(path, version, zipped)
    return path


def write_zip(path: str, version: str, members: dict[str, bytes]) -> None:
    """A reproducible zip: sorted entries, fixed timestamps."""
    top = f"global-ai-governance-{version}"

    def write_to(tmp):
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as z:
            for rel in sorted(members):
                info = zipfile.ZipInfo(f"{top}/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                z.writestr(info, members[rel])

    write_atomic(path, write_to)


def changelog_entry(text: str, version: str, date: str, lines: list[str]) -> str:
    """CHANGELOG.md with the release's entry under its heading (Unreleased notes move into it)."""
    heading = f"## [{version}] - {date}"
    if heading in text:
        return text
    unreleased = "## [Unreleased]"
    body = "\n".join(["Record-level changes (details in `changes.csv` in the release zip):", *lines])
    if unreleased in text:
        head, rest = text.split(unreleased, 1)
        notes, sep, tail = rest.partition("\n## [")
        notes = notes.strip()
        entry = f"{unreleased}\n\n{heading}\n\n" + (notes + "\n\n" if notes else "") + body + "\n"
        return head + entry + (("\n## [" + tail) if sep else "")
    return text.rstrip() + f"\n\n{heading}\n\n{body}\n"


def release(root: str, pkg: dict[str, bytes], members: dict[str, bytes], previous_dir: str | None = None,
            today: str | None = None, stamp=None) -> tuple[int, str]:
    """Cut a release of the built package ``pkg``. Returns (exit status, message).

    ``stamp(date)``, called when a new version is cut (not when a recorded one
    is re-made), records the release date in the metadata and returns the
    regenerated files that carry it (CITATION.cff, README.md) for the zip.
    """
    current = manifest(pkg)
    version = current["version"]
    previous = last_release(root)
    remake = previous is not None and previous["version"] == version
    if remake:
        # Re-making a recorded release (the tag's CI job): same content, same zip.
        if previous != current:
            return 1, f"version {version} is already released with other content; raise \"version\" in schemas/package.json"
        previous = last_release(root, before=version)
    if previous is not None:
        if parse_version(version) < parse_version(previous["version"]):
            return 1, f"version {version} is older than release {previous['version']}"
        problem = version_problem(previous, current)
        if problem:
            return 1, problem
    old_pkg = None
    if previous is not None:
        old_pkg = package_from_dir(previous_dir) if previous_dir else package_from_git(root, previous["version"])
        if old_pkg is None:
            return 1, f"cannot find release {previous['version']}'s files: fetch tag v{previous['version']} or pass --previous DIR"
    rows = changes(old_pkg, pkg)
    date = today or dt.date.today().isoformat()
    if stamp is not None and not remake:
        members = {**members, **stamp(date)}
    dist = os.path.join(root, "dist")
    os.makedirs(dist, exist_ok=True)
    notes = "\n".join([f"global-ai-governance {version}", "", *summary(rows)]) + "\n"
    write_atomic(os.path.join(dist, "RELEASE_NOTES.md"), notes.encode("utf-8"))
    os.makedirs(os.path.join(root, RELEASES_DIR), exist_ok=True)
    write_atomic(os.path.join(root, RELEASES_DIR, f"{version}.json"),
                 (json.dumps(current, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    changelog = os.path.join(root, "CHANGELOG.md")
    text = open(changelog, encoding="utf-8").read() if os.path.exists(changelog) else "# Changelog\n"
    text = changelog_entry(text, version, date, summary(rows))
    write_atomic(changelog, text.encode("utf-8"))
    members = {**members, "CHANGELOG.md": text.encode("utf-8"),  # with this release's entry
               "changes.csv": changes_csv(rows)}
    package_zip(dist, version, pkg, members)
    return 0, f"released {version}: dist/global-ai-governance-{version}.zip ({len(rows)} record-level changes); tag it v{version}"


# --- what readers see of the releases: the feed and the citation ---------------------

def releases(root: str | None) -> list[dict]:
    """Releases, newest first: version, date and the CHANGELOG text, from releases/*.json and CHANGELOG.md."""
    if not root:
        return []
    folder = os.path.join(root, RELEASES_DIR)
    versions = []
    if os.path.isdir(folder):
        for name in os.listdir(folder):
            if name.endswith(".json"):
                try:
                    versions.append(parse_version(name[:-5]))
                except ValueError:
                    continue
    sections = {}
    path = os.path.join(root, "CHANGELOG.md")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        for match in re.finditer(r"^## \[(\d+\.\d+\.\d+)\](?: - (\d{4}-\d{2}-\d{2}))?\n(.*?)(?=^## \[|\Z)", text, flags=re.M | re.S):
            sections[match.group(1)] = (match.group(2), match.group(3).strip())
    out = []
    for v in sorted(versions, reverse=True):
        version = ".".join(map(str, v))
        date, notes = sections.get(version, (None, ""))
        out.append({"version": version, "date": date, "notes": notes})
    return out


# The address where the site (``build.py site``) is published, in schemas/package.json: the base of every
# link of the feed, which is read both on the site and beside the release files.
SITE_URL_KEY = "x-site-url"
# Characters XML 1.0 forbids (even as character references): C0 controls but tab, LF and CR; lone surrogates;
# U+FFFE and U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class FeedError(ValueError):
    """No feed can be written: no usable address of the site to make its links absolute."""


class FeedWarning(UserWarning):
    """feed.xml was left out (of the site or of dist/): the message says what to set."""


def site_url(meta: dict | None) -> str:
    """The address where the site is published, ending in "/": schemas/package.json's ``x-site-url``, else its
    ``homepage``. Raises FeedError, saying what to set, where neither is an absolute http(s) address.

    (A ``repository`` address is not used: the site's pages are not at the repository's address.)"""
    meta = meta or {}
    value, key = meta.get(SITE_URL_KEY), SITE_URL_KEY
    if not value and meta.get("homepage"):
        value, key = meta["homepage"], "homepage"
    how = (f'set "{SITE_URL_KEY}" in schemas/package.json to the address where `build.py site` is published '
           f'(e.g. "https://<owner>.github.io/<repository>/"): every link of the feed is absolute from it')
    if not value:
        raise FeedError(f"no address of the site is configured; {how}")
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment \
            or _NOT_XML.search(value) or any(c.isspace() for c in value):
        raise FeedError(f'"{key}" in schemas/package.json is {value!r}, not an absolute http(s) address without query '
                        f"or fragment; {how}")
    return value if value.endswith("/") else value + "/"


def xml_text(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (a control character pasted into CHANGELOG.md), escaped."""
    from xml.sax.saxutils import escape

    return escape(_NOT_XML.sub("", text))


def feed(pkg, root: str | None, base_url: str) -> str:
    """The Atom feed of releases (RFC 4287) of a published package (``published.Package``).

    Every link is absolute from ``base_url``, the address where the site is published (``site_url``), so
    the feed works both on the site and beside the release files: the feed's own address (rel="self")
    is ``<base_url>feed.xml``, the site's page of the releases ``<base_url>about.html`` (#v<version> for each). Raises FeedError
    where ``base_url`` is missing or not an absolute http(s) address."""
    from xml.sax.saxutils import quoteattr

    base = site_url({SITE_URL_KEY: base_url})
    name = xml_text(pkg.name)
    items = releases(root)
    dated = [r["date"] for r in items if r["date"]]
    updated = max(dated) if dated else "2000-01-01"
    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
           f"<title>{xml_text(pkg.descriptor.get('title', pkg.name))}: releases</title>",
           f"<id>tag:{name},2025:releases</id>",
           f"<updated>{updated}T00:00:00Z</updated>",
           "<author><name>Global AI Governance Tracker contributors</name></author>",
           f'<link rel="self" type="application/atom+xml" href={quoteattr(base + "feed.xml")}/>',
           f'<link rel="alternate" type="text/html" href={quoteattr(base + "about.html")}/>']
    for r in items:
        out += ["<entry>",
                f"<title>{name} {xml_text(r['version'])}</title>",
                f"<id>tag:{name},2025:v{xml_text(r['version'])}</id>",
                f"<updated>{r['date'] or updated}T00:00:00Z</updated>",
                f'<link rel="alternate" type="text/html" href={quoteattr(base + "about.html#v" + r["version"])}/>',
                f'<content type="text">{xml_text(r["notes"] or "Release " + r["version"])}</content>',
                "</entry>"]
    out.append("</feed>")
    return "\n".join(out) + "\n"


def feed_file(pkg, root: str | None, meta: dict | None) -> bytes | None:
    """feed.xml for the site and dist/, its links absolute from schemas/package.json's address of the site
    (``meta``, see ``site_url``); None, with a FeedWarning that says what to set, where none is usable."""
    try:
        base = site_url(meta)
    except FeedError as problem:
        warnings.warn(f"feed.xml not written: {problem}", FeedWarning, stacklevel=2)
        return None
    return feed(pkg, root, base).encode("utf-8")


def citation_text(pkg, meta: dict | None = None) -> str:
    """The citation line as the README gives it (aigov/citation.py: line), from a published package
    (``published.Package``) and schemas/package.json's x-citation."""
    from . import citation

    cff = (meta or {}).get("x-citation", {}) if (meta or {}).get("version") == pkg.version else {}
    authors = [a["name"] for a in cff.get("authors", [])] or \
        [c.get("title", "") for c in pkg.descriptor.get("contributors", [])] or [citation.DEFAULT_AUTHOR]
    licence = (pkg.descriptor.get("licenses") or [{}])[0].get("name", "").replace("-", " ")
    return citation.line(authors, cff.get("date-released", "")[:4], pkg.descriptor.get("title", pkg.name), pkg.name, pkg.version, licence)
