#!/usr/bin/env python3
"""Re-pin the UN's snapshot manifests to their repositories' newest commit (the weekly
workflow's step until the command line has it: see aigov/snapshot_refresh.py).

    python scripts/refresh_snapshots.py [NAME...] [--cache DIR] [--summary FILE]

For each manifest of a github.com/UNxml repository whose HEAD (git ls-remote) is a newer
commit: download every listed file at that commit, store it in the cache, and rewrite the
manifest (commit, commit date, date retrieved, sha256 of each file). Prints one line per
manifest refreshed; with --summary, writes them as Markdown to FILE (nothing when none).
"""

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from aigov import snapshot_refresh  # noqa: E402
from aigov.snapshots import SnapshotError  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="manifests to consider (default: every one of a UNxml repository)")
    parser.add_argument("--cache", help="the cache folder (default: .cache/snapshots/ in the repository)")
    parser.add_argument("--summary", help="write the refreshes as Markdown lines to this file")
    args = parser.parse_args(argv)
    try:
        done = snapshot_refresh.refresh_all(ROOT, args.names or None, cache_dir=args.cache)
    except SnapshotError as exc:
        print(f"refresh: {exc}", file=sys.stderr)
        return 1
    for refresh in done:
        print(refresh.line())
    if not done:
        print("every UNxml snapshot already pins its repository's newest commit")
    if args.summary and done:
        with open(args.summary, "w", encoding="utf-8") as fh:
            fh.write("\n".join(refresh.line() for refresh in done) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
