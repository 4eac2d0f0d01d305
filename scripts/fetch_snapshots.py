#!/usr/bin/env python3
"""Fetch the raw files of the committed snapshot manifests into the cache (CI's step until the
command line has it: see aigov/snapshot_fetch.py).

    python scripts/fetch_snapshots.py [NAME...] [--mirror DIR_OR_URL] [--cache DIR]

Without --mirror, each file comes from its pinned upstream address (raw.githubusercontent.com
at the manifest's commit); with it, from <mirror>/<name>/<path>. Every file's sha256 is checked
before it is stored in the cache (default .cache/snapshots/).
"""

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from aigov import snapshot_fetch  # noqa: E402
from aigov.snapshots import SnapshotError  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="snapshots to fetch (default: every manifest in snapshots/)")
    parser.add_argument("--mirror", help="a folder or http(s) address laid out as <mirror>/<name>/<path> (default: upstream)")
    parser.add_argument("--cache", help="the cache folder (default: .cache/snapshots/ in the repository)")
    args = parser.parse_args(argv)
    try:
        reports = snapshot_fetch.fetch_all(ROOT, args.names or None, mirror=args.mirror, cache_dir=args.cache)
    except SnapshotError as exc:
        print(f"fetch: {exc}", file=sys.stderr)
        return 1
    for report in reports:
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
