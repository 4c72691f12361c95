"""``python -m gdsim``: the command line (see ``gdsim.build.cli``)."""

import sys

from gdsim.build.cli import main

if __name__ == "__main__":  # worker processes import this module too, and must not run the CLI
    sys.exit(main())
