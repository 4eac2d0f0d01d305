"""Load a table of the Global AI Governance Tracker into pandas, typed by its Table Schema.

    from aigov.load import load
    instruments = load("instruments")          # the package of this repository (or the installed copy)
    load("participation", "path/to/datapackage.json")
    load("passages", "global-ai-governance-0.4.0.zip")                        # a release zip
    load("actors", "https://example.org/global-ai-governance/datapackage/")   # a URL of the folder or of its datapackage.json

Types follow the schema in datapackage.json, with pandas' nullable dtypes:
string -> ``string``, integer -> ``Int64``, number -> ``Float64``,
boolean -> ``boolean``, date -> ``datetime64[us]``, and a field with an
``enum`` constraint (a vocabulary) -> ``category`` whose categories are the
schema's values, in the schema's order. These are the dtypes of the README's
``read_table`` recipe and of the release's Parquet files, so the three readers
give the same frame. Only an empty cell is missing: text such as ``NA``
(Namibia's code) or ``null`` stays text.

A release zip is read in place, never extracted: only members under the
folder that holds its ``datapackage.json``, whose resource paths must be
relative paths inside that folder, and only if the zip's members add up to at
most ``MAX_ZIP_BYTES`` uncompressed.

Needs only pandas; nothing else of ``aigov`` is imported.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
import re
import urllib.request
import zipfile

__all__ = ["load", "tables", "descriptor", "dtypes", "DTYPES", "CATEGORY", "MAX_ZIP_BYTES", "default_path", "PackageError"]

DESCRIPTOR = "datapackage.json"
DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[us]"}
CATEGORY = "category"  # the dtype of a field with an enum constraint, whatever its type
# A release zip is about 5 MB; one whose members add up to more than this is refused before anything is read.
MAX_ZIP_BYTES = 2 * 1024 ** 3
_HERE = os.path.dirname(os.path.abspath(__file__))


class PackageError(ValueError):
    """The package cannot be read safely: no descriptor, a resource path outside it, a zip too large."""


def default_path() -> str:
    """The package folder: the copy installed with this module, else the repository's datapackage/."""
    for folder in (os.path.join(_HERE, "datapackage"), os.path.join(os.path.dirname(_HERE), "datapackage")):
        if os.path.exists(os.path.join(folder, DESCRIPTOR)):
            return folder
    raise FileNotFoundError("no datapackage/ found beside aigov: pass the path or URL of a datapackage.json")


def _is_url(path: str) -> bool:
    return path.startswith(("http://", "https://", "file://"))


def _safe_relative(rel, what: str) -> str:
    """``rel`` if it is a relative path that stays inside the package folder, else PackageError."""
    if not isinstance(rel, str) or not rel:
        raise PackageError(f"{what}: the path must be a text naming a file inside the package, not {rel!r}")
    parts = rel.replace("\\", "/").split("/")
    if (rel.startswith(("/", "\\")) or re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", rel)  # /abs, C:\…, http:…, file:…
            or ".." in parts or "" in parts or "\x00" in rel):
        raise PackageError(f"{what}: path {rel!r} is not a relative path inside the package "
                           "(absolute paths, URLs and '..' are refused)")
    return "/".join(p for p in parts if p != ".")


def _zip_descriptor(z: zipfile.ZipFile, path: str) -> str:
    """The zip member that is the package's datapackage.json: the top-most one (a release zip has
    <stem>/datapackage/datapackage.json); PackageError if there is none or two at the same depth."""
    found = [n for n in z.namelist() if posixpath.basename(n) == DESCRIPTOR and not n.endswith("/")]
    if not found:
        raise PackageError(f"{path}: no {DESCRIPTOR} in this zip, so it is not a data package "
                           "(a release zip holds <name>-<version>/datapackage/datapackage.json)")
    depth = min(n.count("/") for n in found)
    top = sorted(n for n in found if n.count("/") == depth)
    if len(top) > 1:
        raise PackageError(f"{path}: several {DESCRIPTOR} at the same level ({', '.join(top[:3])}): which package is meant?")
    return top[0]


class _Source:
    """Where the package is: a folder, a datapackage.json, a release zip, or a URL of either."""

    def __init__(self, path=None):
        path = default_path() if path is None else os.fspath(path)
        self.zip = None
        if _is_url(path):
            self.base = path[: -len(DESCRIPTOR)] if path.endswith(DESCRIPTOR) else path.rstrip("/") + "/"
        elif path.endswith(".zip"):
            self.zip = path
            with zipfile.ZipFile(path) as z:
                # file_size is the uncompressed size each member's header declares; zipfile never returns
                # more bytes than that for a member, so this bounds what reading the zip can unpack.
                total = sum(info.file_size for info in z.infolist())
                if total > MAX_ZIP_BYTES:
                    raise PackageError(f"{path}: its members add up to {total:,} bytes uncompressed, more than the "
                                       f"{MAX_ZIP_BYTES:,} bytes this loader reads (aigov.load.MAX_ZIP_BYTES); "
                                       "a release zip is a few MB")
                name = _zip_descriptor(z, path)
            self.base = name[: -len(DESCRIPTOR)]
        else:
            self.base = os.path.dirname(path) if os.path.basename(path) == DESCRIPTOR else path

    def open(self, rel: str):
        rel = _safe_relative(rel, "resource") if rel != DESCRIPTOR else rel
        if self.zip:
            with zipfile.ZipFile(self.zip) as z:
                try:
                    return io.BytesIO(z.read(self.base + rel))
                except KeyError:
                    raise FileNotFoundError(f"{self.zip}: no member {self.base + rel}") from None
        if _is_url(self.base):
            with urllib.request.urlopen(self.base + rel) as response:  # noqa: S310 (the caller's URL)
                return io.BytesIO(response.read())
        return _open_plain(self.base, rel)


# O_NOFOLLOW: opening fails if the file became a link since it was looked at.
_NOFOLLOW = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def _open_plain(folder: str, rel: str):
    """The file ``rel`` of the package folder, opened without following a symbolic link: the folder,
    a folder inside it or the file being a link is a PackageError (nothing is read through a link)."""
    parts = rel.split("/")
    for i in range(len(parts) + 1):
        step = os.path.join(folder, *parts[:i])
        if os.path.islink(step):
            raise PackageError(f"{step} is a symbolic link; a package is read only from its own files and folders, "
                               "never through a link: give the real folder, or replace the link by the file itself")
    path = os.path.join(folder, *parts)
    if os.path.exists(path) and not os.path.isfile(path):
        raise PackageError(f"{path} is not an ordinary file (a folder, pipe or device)")
    return os.fdopen(os.open(path, _NOFOLLOW), "rb")


def descriptor(path=None) -> dict:
    """The package's datapackage.json."""
    with _Source(path).open(DESCRIPTOR) as fh:
        return json.load(fh)


def tables(path=None) -> list[str]:
    """Names of the package's tables, in order."""
    return [r["name"] for r in descriptor(path)["resources"]]


def _dtype(field: dict) -> str:
    if "enum" in field.get("constraints", {}):
        return CATEGORY
    return DTYPES.get(field.get("type", "string"), "string")


def dtypes(table: str, path=None) -> dict[str, str]:
    """Column -> pandas dtype that ``load`` gives, from the table's schema."""
    resource = _resource(descriptor(path), table)
    return {f["name"]: _dtype(f) for f in resource["schema"]["fields"]}


def _resource(desc: dict, table: str) -> dict:
    for r in desc["resources"]:
        if r["name"] == table:
            return r
    raise KeyError(f"no table {table!r}; the package has {', '.join(r['name'] for r in desc['resources'])}")


def load(table: str, path=None):
    """Table ``table`` as a pandas DataFrame with the schema's types.

    ``path``: a datapackage/ folder, its datapackage.json, a release zip, or a URL
    of the folder or of its datapackage.json; by default the package of this repository.
    """
    import pandas as pd

    source = _Source(path)
    with source.open(DESCRIPTOR) as fh:
        resource = _resource(json.load(fh), table)
    fields = resource["schema"]["fields"]
    rel = _safe_relative(resource.get("path"), f"table {table}")
    with source.open(rel) as fh:
        frame = pd.read_csv(fh, encoding="utf-8", dtype="string", keep_default_na=False, na_values=[""])
    for f in fields:
        name, kind = f["name"], f.get("type", "string")
        column = frame[name]
        if kind == "integer":
            frame[name] = pd.to_numeric(column).astype("Int64")
        elif kind == "number":
            frame[name] = pd.to_numeric(column).astype("Float64")
        elif kind == "boolean":
            truth = {**{v: False for v in f.get("falseValues", ["false"])}, **{v: True for v in f.get("trueValues", ["true"])}}
            unknown = set(column.dropna()) - set(truth)
            if unknown:
                raise ValueError(f"{table}.{name}: not a boolean: {sorted(unknown)[:3]}")
            frame[name] = column.map(truth, na_action="ignore").astype("boolean")
        elif kind == "date":
            frame[name] = pd.to_datetime(column, format="%Y-%m-%d").astype(DTYPES["date"])
        if "enum" in f.get("constraints", {}):
            values = f["constraints"]["enum"]
            unknown = set(frame[name].dropna()) - set(values)
            if unknown:  # pd.Categorical would make them missing without a word
                raise ValueError(f"{table}.{name}: not one of the schema's values: {sorted(map(str, unknown))[:3]}")
            frame[name] = pd.Categorical(frame[name], categories=values)
    return frame[[f["name"] for f in fields]]
