#!/usr/bin/env python3
"""Build the Global AI Governance Tracker data package from its YAML sources.

    python build.py [COMMAND] [options]     (python build.py --help; every option: docs/cli.md)

The command line is aigov/cli.py and the build's steps are aigov/pipeline.py; this file
only runs them. aigov.cli imports nothing but the standard library until it has checked
the set-up, so a missing dependency gets the set-up command, not a traceback.
"""

import sys

# main and package_meta: for code that does `import build` (tests/test_site.py).
from aigov.cli import main, package_meta, run  # noqa: F401

if __name__ == "__main__":
    sys.exit(run())
