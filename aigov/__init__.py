"""Library behind build.py: strict YAML reading, schema-driven validation, packaging.

``aigov.load`` is the pandas loader readers install with ``pip install``.
"""

import json as _json
import os as _os


def _version() -> str:
    """The data package's version: of the copy installed inside aigov, else of the repository's."""
    here = _os.path.dirname(_os.path.abspath(__file__))
    for folder in (_os.path.join(here, "datapackage"), _os.path.join(_os.path.dirname(here), "datapackage")):
        try:
            with open(_os.path.join(folder, "datapackage.json"), encoding="utf-8") as fh:
                return _json.load(fh)["version"]
        except (OSError, ValueError, KeyError):
            continue
    return "0+unknown"


__version__ = _version()
