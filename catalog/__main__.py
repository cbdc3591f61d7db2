"""`python -m catalog` runs the same CLI as the `catalog` console script, and ends alike."""

from catalog.entry import run

if __name__ == "__main__":
    run(prog="python -m catalog")
