"""Load a table of the Global AI Governance Tracker into pandas, typed by its Table Schema.

    from aigov.load import load
    instruments = load("instruments")          # the package of this repository (or the installed copy)
    load("participation", "path/to/datapackage.json")
    load("actors", "https://example.org/global-ai-governance/datapackage/")   # a URL of the folder or of its datapackage.json

Types follow the schema in datapackage.json, with pandas' nullable dtypes:
string -> ``string``, integer -> ``Int64``, number -> ``Float64``,
boolean -> ``boolean``, date -> ``datetime64``. Only an empty cell is missing:
text such as ``NA`` (Namibia's code) or ``null`` stays text.

Needs only pandas; nothing else of ``aigov`` is imported.
"""

from __future__ import annotations

import io
import json
import os
import urllib.request
import zipfile

__all__ = ["load", "tables", "descriptor", "dtypes", "DTYPES", "default_path"]

DESCRIPTOR = "datapackage.json"
DTYPES = {"string": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean", "date": "datetime64[s]"}
_HERE = os.path.dirname(os.path.abspath(__file__))


def default_path() -> str:
    """The package folder: the copy installed with this module, else the repository's datapackage/."""
    for folder in (os.path.join(_HERE, "datapackage"), os.path.join(os.path.dirname(_HERE), "datapackage")):
        if os.path.exists(os.path.join(folder, DESCRIPTOR)):
            return folder
    raise FileNotFoundError("no datapackage/ found beside aigov: pass the path or URL of a datapackage.json")


def _is_url(path: str) -> bool:
    return path.startswith(("http://", "https://", "file://"))


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
                name = next(n for n in z.namelist() if n.endswith("datapackage/" + DESCRIPTOR))
            self.base = name[: -len(DESCRIPTOR)]
        else:
            self.base = os.path.dirname(path) if os.path.basename(path) == DESCRIPTOR else path

    def open(self, rel: str):
        if self.zip:
            with zipfile.ZipFile(self.zip) as z:
                return io.BytesIO(z.read(self.base + rel))
        if _is_url(self.base):
            with urllib.request.urlopen(self.base + rel) as response:  # noqa: S310 (the caller's URL)
                return io.BytesIO(response.read())
        return open(os.path.join(self.base, rel), "rb")


def descriptor(path=None) -> dict:
    """The package's datapackage.json."""
    with _Source(path).open(DESCRIPTOR) as fh:
        return json.load(fh)


def tables(path=None) -> list[str]:
    """Names of the package's tables, in order."""
    return [r["name"] for r in descriptor(path)["resources"]]


def dtypes(table: str, path=None) -> dict[str, str]:
    """Column -> pandas dtype that ``load`` gives, from the table's schema."""
    resource = _resource(descriptor(path), table)
    return {f["name"]: DTYPES.get(f.get("type", "string"), "string") for f in resource["schema"]["fields"]}


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
    with source.open(resource["path"]) as fh:
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
    return frame[[f["name"] for f in fields]]
