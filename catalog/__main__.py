"""`python -m catalog` runs the same CLI as the `catalog` console script."""

import sys

from catalog.entry import main

if __name__ == "__main__":
    sys.exit(main(prog="python -m catalog"))
