#!/usr/bin/env python3
"""Markdown of the record-level changes between two datapackage/ folders, for the body of the
pull requests the workflows open (see aigov/snapshot_refresh.py, pull_request_body).

    python scripts/package_changes.py BEFORE AFTER [--intro FILE] [--limit N]
"""

import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from aigov import snapshot_refresh  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="the datapackage/ folder before the change")
    parser.add_argument("after", help="the datapackage/ folder after it")
    parser.add_argument("--intro", help="a Markdown file to put first")
    parser.add_argument("--limit", type=int, default=300, help="list at most this many changes (default 300)")
    args = parser.parse_args(argv)
    intro = ""
    if args.intro:
        with open(args.intro, encoding="utf-8") as fh:
            intro = fh.read()
    sys.stdout.write(snapshot_refresh.pull_request_body(args.before, args.after, intro, args.limit))
    return 0


if __name__ == "__main__":
    sys.exit(main())
