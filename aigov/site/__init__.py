"""A static website of the published package: plain HTML, one CSS and one JS file.

No server, no network, no CDN: it works from the file system and on GitHub
Pages. Pages link to each other relatively. The HTML is written by Jinja2
templates with autoescape on (``templates/``, one per page kind on ``base.html``),
fed by a view-model that indexes every table by parent once (``model.py``), so
each page costs O(its own rows). The same package gives the same bytes.

    index.html                    every instrument, with search and filters (assets/site.js)
    instruments/<id>.html         titles, facts, topics, participation by role, votes, relations, sources, commentary,
                                  and the text paragraph by paragraph (English and Chinese side by side)
    actors/<id>.html              what an actor issued, signed, sponsored, endorsed, how it voted
    events/<id>.html, systems/<id>.html
    articles/<id>.html            a commentary's mentions and claims against the record
    topics/<topic>.html           a topic: labels, definition, UNBIS term, every instrument tagged with it with the
                                  paragraph or quote that shows it, the matched words marked
    actors/, events/, articles/, topics/   index.html lists
    timeline.html                 every kind of instrument over time, undated ones counted
    un-resolutions.html           AI in UN resolutions: a chart per General Assembly and Human Rights Council session
    about.html                    version, licence, citation, tables, releases; the CSVs under datapackage/
    feed.xml                      Atom feed of releases (release.feed: releases/*.json and CHANGELOG.md), its links
                                  absolute from x-site-url in schemas/package.json; without it no feed, and no link to one

Tables are read from the package generically; the optional ones (titles,
subjects, participation_lists, passages…) add sections only where they exist.
"""

from __future__ import annotations

import os

from .. import published
from .pages import GENERATOR, Site

__all__ = ["GENERATOR", "Site", "render", "write"]


def render(package_dir: str, meta: dict | None = None, root: str | None = None) -> dict[str, bytes]:
    """Every file of the site, as relative path -> bytes."""
    return Site(published.read(package_dir), meta, root).build()


def write(package_dir: str, out_dir: str, meta: dict | None = None, root: str | None = None) -> int:
    """Write the site to ``out_dir`` (replaced whole; refused if it holds anything but an earlier site).
    Returns the number of HTML pages."""
    from ..fileio import usable_folder

    out_dir = usable_folder(out_dir)  # before any work: a refused path is left as it is
    files = render(package_dir, meta, root)
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        index = os.path.join(out_dir, "index.html")
        mine = False
        if os.path.exists(index):
            with open(index, "rb") as fh:
                mine = GENERATOR.encode() in fh.read()
        if not mine:
            raise SystemExit(f"{out_dir} is not empty and holds no site made by this command: choose another --out")
    from ..package import write_tree

    write_tree(out_dir, files)
    return sum(1 for name in files if name.endswith(".html"))
