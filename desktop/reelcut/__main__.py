"""`python -m reelcut`, and the entry point of the frozen app."""

import sys

from reelcut.cli import main

if __name__ == "__main__":
    sys.exit(main())
