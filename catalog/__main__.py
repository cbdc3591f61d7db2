"""`python -m catalog` runs the same CLI as the `catalog` console script."""

from catalog.cli import main

if __name__ == "__main__":
    main()
