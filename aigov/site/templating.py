"""The Jinja2 environment of the site: templates in ``templates/``, autoescape on for every template.

Every value a template prints is escaped by Jinja2 (MarkupSafe); the Python side hands templates
plain data and never builds markup, so nothing is escaped by hand and nothing can be escaped twice.
"""

from __future__ import annotations

import functools
import os
from urllib.parse import quote

from .model import label, plural

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "templates")
ASSETS = os.path.join(HERE, "assets")


def _number(value: float) -> str:
    """A coordinate with one decimal, as the SVG templates write them."""
    return f"{value:.1f}"


@functools.lru_cache(maxsize=1)
def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the build instead of printing nothing
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(label=label, plural=plural, quote=quote, n=_number)
    return env
